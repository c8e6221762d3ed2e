"""Sequence and attention blocks at matrix level: one sequence is an n×d matrix (a row per position).

Compiled programs also take a batch of sequences (an array B×n×d) and average the per-sequence losses.
For small sizes :func:`symnet.checking.scalarize.scalarize` turns any of these graphs into its scalar-level twin,
the oracle the matrix-level derivation is tested against.

>>> g = attention(d_model=4, causal=True)
>>> [str(a.target) for a in g.assignments][:7]
['Q', 'K', 'V', 'A', 'S', 'P', 'O']
"""
from __future__ import annotations

import sympy as sp

from ..algebra.graph import Graph, GraphBuilder
from ..algebra.matrix import (BATCH, Apply, Broadcast, CausalMask, ColumnMax, PositionalEncoding, RowNormalize,
                              RowSoftmax, RowStd, SoftmaxCrossEntropy, SquaredNorm, Unfold)
from ..errors import SymnetError

#: The length of an encoder's output sequence, which a decoder attends to.
SOURCE = sp.Symbol("n_src", integer=True, positive=True)


def _positive(name: str, value: int) -> int:
    if not isinstance(value, int) or value < 1:
        raise SymnetError(f"{name} must be a positive whole number, got {value!r}")
    return value


def _head_size(d_model: int, heads: int) -> int:
    _positive("d_model", d_model)
    _positive("heads", heads)
    if d_model % heads:
        raise SymnetError(f"d_model {d_model} is not divisible by {heads} heads")
    return d_model // heads


def _sup(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def _key_width(b: GraphBuilder, d_k: int) -> sp.Symbol:
    """The constant d_k, kept symbolic so that scores read Q Kᵀ/√d_k (one per graph, shared by the heads)."""
    try:
        return b.symbol("d_k")
    except Exception:
        return b.constant("d_k", d_k, latex="d_k")


def attention_head(b: GraphBuilder, Xq: sp.MatrixExpr, Xkv: sp.MatrixExpr, d_k: int, tag: str = "",
                   causal: bool = False, latex_tag: str = "") -> sp.MatrixSymbol:
    """One head: ``softmax(Q Kᵀ/√d_k [+ M]) V`` with ``Q = Xq W_Q``, ``K = Xkv W_K``, ``V = Xkv W_V``."""
    d_in_q, d_in_kv = Xq.shape[1], Xkv.shape[1]
    sup = r"^{(%s)}" % latex_tag if latex_tag else ""
    WQ = b.parameter(f"WQ{tag}", r"W_Q%s" % sup, shape=(d_in_q, d_k))
    WK = b.parameter(f"WK{tag}", r"W_K%s" % sup, shape=(d_in_kv, d_k))
    WV = b.parameter(f"WV{tag}", r"W_V%s" % sup, shape=(d_in_kv, d_k))
    Q = b.assign(f"Q{tag}", Xq * WQ, latex=f"Q{sup}")
    K = b.assign(f"K{tag}", Xkv * WK, latex=f"K{sup}")
    V = b.assign(f"V{tag}", Xkv * WV, latex=f"V{sup}")
    A = b.assign(f"A{tag}", Q * K.T, latex=f"A{sup}")  # the raw scores q_i · k_j
    scores = A / sp.sqrt(_key_width(b, d_k))
    if causal:
        scores = scores + CausalMask(Xq.shape[0])
    S = b.assign(f"S{tag}", scores, latex=f"S{sup}")
    P = b.assign(f"P{tag}", RowSoftmax(S), latex=f"P{sup}")
    return b.assign(f"O{tag}", P * V, latex=f"O{sup}")


def multi_head(b: GraphBuilder, Xq: sp.MatrixExpr, Xkv: sp.MatrixExpr, d_model: int, heads: int,
               prefix: str = "", causal: bool = False) -> sp.MatrixSymbol:
    """``Concat(O_1, …, O_h) W_O``, written as ``Σ_i O_i W_O^{(i)}`` with ``W_O^{(i)}`` the i-th row block of
    ``W_O`` (the same product without copying the heads side by side)."""
    d_k = _head_size(d_model, heads)
    outputs = []
    for i in range(1, heads + 1):
        tag = f"{prefix}{i}" if heads > 1 or prefix else ""
        O = attention_head(b, Xq, Xkv, d_k, tag, causal, latex_tag=tag)
        WO = b.parameter(f"WO{tag}", r"W_O^{(%s)}" % tag if tag else "W_O", shape=(d_k, d_model))
        outputs.append(O * WO)
    return b.assign(f"H{prefix}", sp.MatAdd(*outputs) if len(outputs) > 1 else outputs[0],
                    latex=r"H^{(%s)}" % prefix if prefix else "H")


def layer_norm(b: GraphBuilder, X: sp.MatrixExpr, tag: str, eps: float = 1e-5) -> sp.MatrixSymbol:
    """``γ ∘ (X − μ)/√(σ² + ε) + β`` row by row, with gain γ and bias β rows of width d."""
    d = X.shape[1]
    gamma = b.parameter(f"gamma{tag}", r"\gamma^{(%s)}" % tag, shape=(1, d))
    beta = b.parameter(f"beta{tag}", r"\beta^{(%s)}" % tag, shape=(1, d))
    # σ is named once so that the backward pass reuses it instead of recomputing it
    b.assign(f"sigma{tag}", RowStd(X, sp.Float(eps)), latex=r"\sigma^{(%s)}" % tag)
    N = b.assign(f"N{tag}", RowNormalize(X, sp.Float(eps)), latex=r"\hat{X}^{(%s)}" % tag)
    return b.assign(f"LN{tag}", sp.HadamardProduct(N, Broadcast(gamma, X.shape[0])) + Broadcast(beta, X.shape[0]),
                    latex=r"\mathrm{LN}^{(%s)}" % tag)


def feed_forward(b: GraphBuilder, X: sp.MatrixExpr, d_ff: int, tag: str) -> sp.MatrixSymbol:
    """``ReLU(X W_1 + 𝟏 b_1) W_2 + 𝟏 b_2``, position by position."""
    d = X.shape[1]
    W1 = b.parameter(f"F{tag}_W1", r"W_1^{(%s)}" % tag, shape=(d, d_ff))
    c1 = b.parameter(f"F{tag}_b1", r"b_1^{(%s)}" % tag, shape=(1, d_ff))
    W2 = b.parameter(f"F{tag}_W2", r"W_2^{(%s)}" % tag, shape=(d_ff, d))
    c2 = b.parameter(f"F{tag}_b2", r"b_2^{(%s)}" % tag, shape=(1, d))
    Z = b.assign(f"F{tag}_Z", X * W1 + Broadcast(c1, X.shape[0]), latex=r"Z_F^{(%s)}" % tag)
    Hid = b.assign(f"F{tag}_A", Apply("relu", Z), latex=r"A_F^{(%s)}" % tag)
    return b.assign(f"F{tag}", Hid * W2 + Broadcast(c2, X.shape[0]), latex=r"F^{(%s)}" % tag)


def _regression_loss(b: GraphBuilder, out: sp.MatrixSymbol) -> Graph:
    """``L = ‖out − Y‖²_F / (n d)`` against a target sequence ``Y``: a loss to take gradients of."""
    n, d = out.shape
    Y = b.input("Y", "Y", shape=(n, d))
    E = b.assign("E", out - Y, latex="E")
    b.options.update(batched=True, targets=("Y",))
    return b.build(b.assign("L", SquaredNorm(E) / (n * d), "loss", latex="L"))


def _tokens(b: GraphBuilder, d_model: int, name: str = "X", rows: sp.Expr = BATCH) -> sp.MatrixSymbol:
    return b.input(name, name, shape=(rows, _positive("d_model", d_model)))


def attention(d_model: int = 4, d_k: int | None = None, causal: bool = False) -> Graph:
    """Scaled dot-product self-attention of one head, with a regression loss on its output."""
    b = GraphBuilder("attention", f"scaled dot-product attention, d_model {d_model}"
                     + (", causal" if causal else ""))
    X = _tokens(b, d_model)
    O = attention_head(b, X, X, _positive("d_k", d_k or d_model), causal=causal)
    return _regression_loss(b, O)


def multi_head_attention(d_model: int = 4, heads: int = 2, causal: bool = False) -> Graph:
    """h heads of width d_model/h, concatenated and projected by W_O."""
    b = GraphBuilder("multi_head_attention", f"{heads}-head attention, d_model {d_model}")
    X = _tokens(b, d_model)
    return _regression_loss(b, multi_head(b, X, X, d_model, heads, causal=causal))


def layer_norm_block(d_model: int = 4) -> Graph:
    b = GraphBuilder("layer_norm", f"layer norm over d_model {d_model}")
    return _regression_loss(b, layer_norm(b, _tokens(b, d_model), "1"))


def residual_block(d_model: int = 4, d_ff: int = 8) -> Graph:
    """``X + F(X)`` with a position-wise feed-forward F: its Jacobian is I + ∂F/∂X."""
    b = GraphBuilder("residual", f"residual feed-forward block, d_model {d_model}, d_ff {d_ff}")
    X = _tokens(b, d_model)
    F = feed_forward(b, X, _positive("d_ff", d_ff), "1")
    return _regression_loss(b, b.assign("R", X + F, latex="R"))


def _encoder_layer(b: GraphBuilder, X: sp.MatrixExpr, d_model: int, heads: int, d_ff: int) -> sp.MatrixSymbol:
    H = multi_head(b, X, X, d_model, heads, prefix="s")
    A = layer_norm(b, b.assign("R1", X + H, latex=r"R_1"), "1")
    F = feed_forward(b, A, d_ff, "1")
    return layer_norm(b, b.assign("R2", A + F, latex=r"R_2"), "2")


def encoder_block(d_model: int = 4, heads: int = 2, d_ff: int = 8) -> Graph:
    """Self-attention, residual and layer norm, then a feed-forward, residual and layer norm (post-norm)."""
    _head_size(d_model, heads)
    b = GraphBuilder("encoder", f"transformer encoder block, d_model {d_model}, {heads} heads, d_ff {d_ff}")
    return _regression_loss(b, _encoder_layer(b, _tokens(b, d_model), d_model, heads, _positive("d_ff", d_ff)))


def decoder_block(d_model: int = 4, heads: int = 2, d_ff: int = 8) -> Graph:
    """Masked self-attention, then attention to the encoder's output ``M`` (n_src × d), then a feed-forward;
    each followed by a residual and a layer norm."""
    _head_size(d_model, heads)
    b = GraphBuilder("decoder", f"transformer decoder block, d_model {d_model}, {heads} heads, d_ff {d_ff}")
    X = _tokens(b, d_model)
    Msrc = _tokens(b, d_model, "M", SOURCE)
    H = multi_head(b, X, X, d_model, heads, prefix="s", causal=True)
    A = layer_norm(b, b.assign("R1", X + H, latex="R_1"), "1")
    C = multi_head(b, A, Msrc, d_model, heads, prefix="c")
    B2 = layer_norm(b, b.assign("R2", A + C, latex="R_2"), "2")
    F = feed_forward(b, B2, _positive("d_ff", d_ff), "1")
    return _regression_loss(b, layer_norm(b, b.assign("R3", B2 + F, latex="R_3"), "3"))


def embedding(vocabulary: int = 5, d_model: int = 4, positions: bool = True) -> Graph:
    """One-hot tokens ``X`` (n×V) times the embedding table ``W_E`` (V×d), plus sinusoidal positions."""
    b = GraphBuilder("embedding", f"embedding of {vocabulary} tokens in {d_model} dimensions")
    X = b.input("X", "X", shape=(BATCH, _positive("vocabulary", vocabulary)))
    E = b.parameter("Emb", "W_E", shape=(vocabulary, _positive("d_model", d_model)))
    value = X * E + PositionalEncoding(BATCH, d_model) if positions else X * E
    return _regression_loss(b, b.assign("Z", value, latex="Z"))


def conv1d(d: int = 3, filters: int = 4, width: int = 2, classes: int = 2) -> Graph:
    """A 1-D convolution over n-gram windows, ReLU, max pooling over positions, a dense layer and softmax
    cross-entropy against a one-hot class row ``Y`` (1×classes)."""
    b = GraphBuilder("conv1d", f"1-D convolution, {filters} filters of width {width}, max pooling, {classes} classes")
    X = b.input("X", "X", shape=(BATCH, _positive("d", d)))
    k = _positive("width", width)
    Wc = b.parameter("Wc", r"W_c", shape=(k * d, _positive("filters", filters)))
    bc = b.parameter("bc", r"b_c", shape=(1, filters))
    U = Unfold(X, k)
    C = b.assign("C", Apply("relu", U * Wc + Broadcast(bc, U.shape[0])), latex="C")
    pooled = b.assign("Pool", ColumnMax(C), latex=r"\bar{C}")
    W = b.parameter("W", "W", shape=(filters, _positive("classes", classes)))
    c = b.parameter("b", "b", shape=(1, classes))
    Z = b.assign("Z", pooled * W + c, latex="Z")
    Y = b.input("Y", "Y", shape=(1, classes))
    b.assign("Yhat", RowSoftmax(Z), "output", latex=r"\hat{Y}")
    b.options.update(batched=True, targets=("Y",))
    return b.build(b.assign("L", SoftmaxCrossEntropy(Z, Y), "loss", latex="L"))


def rnn(inputs: int = 2, hidden: int = 3, outputs: int = 2, steps: int = 3) -> Graph:
    """``h_t = tanh(x_t W_x + h_{t−1} W_h + b)``, ``y_t = softmax(h_t U + c)`` unrolled over T steps (h_0 = 0),
    with the mean over t of the cross-entropy against one-hot targets ``Y_t``."""
    T = _positive("steps", steps)
    b = GraphBuilder("rnn", f"RNN unrolled over {T} steps, {inputs} inputs, {hidden} hidden, {outputs} outputs")
    Wx = b.parameter("Wx", "W_x", shape=(_positive("inputs", inputs), _positive("hidden", hidden)))
    Wh = b.parameter("Wh", "W_h", shape=(hidden, hidden))
    c = b.parameter("b", "b", shape=(1, hidden))
    U = b.parameter("U", "U", shape=(hidden, _positive("outputs", outputs)))
    c2 = b.parameter("b2", "b_2", shape=(1, outputs))
    h = None
    terms = []
    for t in range(1, T + 1):
        x = b.input(f"X{t}", r"x_{%d}" % t, shape=(1, inputs))
        y = b.input(f"Y{t}", r"y_{%d}" % t, shape=(1, outputs))
        z = x * Wx + c if h is None else x * Wx + h * Wh + c
        # dL/dh_t gets contributions from y_t and from h_{t+1}: the BPTT recursion
        z = b.assign(f"Z{t}", z, latex=r"z_{%d}" % t)
        h = b.assign(f"H{t}", Apply("tanh", z), latex=r"h_{%d}" % t)
        o = b.assign(f"O{t}", h * U + c2, latex=r"o_{%d}" % t)
        b.assign(f"P{t}", RowSoftmax(o), "output", latex=r"\hat{y}_{%d}" % t)
        terms.append(SoftmaxCrossEntropy(o, y))
    b.options.update(batched=True, targets=tuple(f"Y{t}" for t in range(1, T + 1)))
    return b.build(b.assign("L", sp.Add(*terms) / T, "loss", latex="L"))


SEQUENCE_BLOCKS = {
    "attention": attention, "multi-head-attention": multi_head_attention, "layer-norm": layer_norm_block,
    "residual": residual_block, "encoder": encoder_block, "decoder": decoder_block, "embedding": embedding,
    "conv1d": conv1d, "rnn": rnn,
}
