"""Matrix-level blocks: a batch ``X`` (n×d), weights ``W^{(k)}`` (d×h), bias rows ``b^{(k)}`` (1×h).

``Z^{(k)} = A^{(k−1)} W^{(k)} + 𝟏 b^{(k)}``, ``A^{(k)} = f(Z^{(k)})`` entry by entry (softmax by rows), then a
loss averaged over the batch: ``‖Ŷ − Y‖²_F / (n m)``, ``Σ|Ŷ − Y| / (n m)``, binary cross-entropy on the
logits ``/ (n m)``, softmax cross-entropy ``/ n``. The same networks as :mod:`symnet.models.scalar_blocks` with the same
names (``W1`` here is the matrix of the scalars ``W1_i_j`` there), so each level is the other's oracle.

>>> g = mlp_matrix((64, 128, 10))
>>> [str(a) for a in g.assignments[:2]]
['Z1 = 1*b1 + X*W1', 'A1 = tanh(Z1)']
"""
from __future__ import annotations

from typing import Sequence

import sympy as sp

from ..algebra.graph import Graph, GraphBuilder, parameter_group
from ..algebra.matrix import (BATCH, AbsoluteSum, Apply, Broadcast, RowSoftmax, SoftmaxCrossEntropy, SoftplusSum,
                              SquaredNorm)
from ..errors import SymnetError
from .common import ACTIVATIONS, DEFAULT_OUTPUT, LOSSES, _check_choice, _sizes, attach_loss


#: Activations written with the elementwise functions that have rules (entry by entry, as at scalar level).
_COMPOSED = {
    "silu": lambda Z: sp.HadamardProduct(Z, Apply("sigmoid", Z)),
    "elu": lambda Z: Apply("relu", Z) + Apply("exp", -Apply("relu", -Z)) - sp.OneMatrix(*Z.shape),
    "mish": lambda Z: sp.HadamardProduct(Z, Apply("tanh", Apply("softplus", Z))),
}


def activate_matrix(b: GraphBuilder, Z: sp.MatrixExpr, activation: str, name: str, latex: str,
                    role: str = "node", alpha: float = 0.01) -> sp.MatrixSymbol:
    _check_choice("activation", activation, ACTIVATIONS)
    if activation == "identity":
        value = Z
    elif activation == "softmax":
        value = RowSoftmax(Z)
    elif activation in _COMPOSED:
        value = _COMPOSED[activation](Z)
    elif activation == "leaky_relu":
        if not alpha > 0:
            raise SymnetError(f"leaky_relu needs a positive alpha, got {alpha}")
        value = Apply("leaky_relu", Z, sp.Float(alpha))
    else:
        value = Apply(activation, Z)
    return b.assign(name, value, role, latex=latex)


def dense_matrix(b: GraphBuilder, A: sp.MatrixExpr, width: int, k: int) -> sp.MatrixSymbol:
    """``Z^{(k)} = A W^{(k)} + 𝟏 b^{(k)}``."""
    W = b.parameter(f"W{k}", r"W^{(%d)}" % k, shape=(A.shape[1], width))
    c = b.parameter(f"b{k}", r"b^{(%d)}" % k, shape=(1, width))
    return b.assign(f"Z{k}", A * W + Broadcast(c), latex=r"Z^{(%d)}" % k)


def matrix_head(b: GraphBuilder, Z: sp.MatrixSymbol, loss: str, output_activation: str | None = None,
                alpha: float = 0.01) -> sp.Expr:
    """Targets ``Y``, predictions ``Ŷ`` and the batch-mean data loss."""
    _check_choice("loss", loss, LOSSES)
    activation = output_activation or DEFAULT_OUTPUT[loss]
    if loss in ("bce", "cross_entropy") and activation != DEFAULT_OUTPUT[loss]:
        raise SymnetError(f"loss {loss} needs output activation {DEFAULT_OUTPUT[loss]}, not {activation}")
    n, m = BATCH, Z.shape[1]
    Y = b.input("Y", "Y", shape=(n, m))
    Yhat = activate_matrix(b, Z, activation, "Yhat", r"\hat{Y}", "output", alpha)
    if loss == "bce":
        return SoftplusSum(Z, Y) / (n * m)
    if loss == "cross_entropy":
        return SoftmaxCrossEntropy(Z, Y) / n
    E = b.assign("E", Yhat - Y, latex="E")
    return (SquaredNorm(E) if loss == "mse" else AbsoluteSum(E)) / (n * m)


def attach_matrix_loss(b: GraphBuilder, data: sp.Expr, l1: float = 0.0, l2: float = 0.0,
                       penalize: str | Sequence[str] = "weights") -> sp.Symbol:
    """``L = data + λ₁ Σ_W Σ|W| + λ₂ Σ_W ‖W‖²_F`` over the chosen parameters."""
    return attach_loss(b, data, l1, l2, penalize, absolute=AbsoluteSum, square=SquaredNorm,
                       select=lambda builder, which: _chosen(builder.parameters, which))


def _chosen(params, penalize) -> list:
    if penalize == "weights":
        chosen = [p for p in params if p.name[0] in "Ww"]
    elif penalize == "all":
        chosen = list(params)
    else:
        names = [n.strip() for n in penalize.split(",")] if isinstance(penalize, str) else list(penalize)
        known = {p.name for p in params}
        # scalar-level names such as W1_2_3 select the whole matrix W1 here
        missing = [n for n in names if parameter_group(n) not in known]
        if missing:
            raise SymnetError(f"cannot penalise unknown parameter {missing[0]!r}")
        chosen = [p for p in params if p.name in {parameter_group(n) for n in names}]
    if not chosen:
        raise SymnetError("the penalty selects no parameter")
    return chosen


def mlp_matrix(sizes: Sequence[int], activation: str = "tanh", loss: str = "mse",
               output_activation: str | None = None, l1: float = 0.0, l2: float = 0.0,
               penalize: str | Sequence[str] = "weights", alpha: float = 0.01, name: str = "mlp") -> Graph:
    """The matrix-level twin of :func:`symnet.models.scalar_blocks.mlp`."""
    sizes = _sizes(sizes)
    _check_choice("activation", activation, ACTIVATIONS)
    b = GraphBuilder(name, f"MLP {'-'.join(map(str, sizes))}, {activation}, {loss}, matrix level")
    A: sp.MatrixExpr = b.input("X", "X", shape=(BATCH, sizes[0]))
    depth = len(sizes) - 1
    for k in range(1, depth):
        Z = dense_matrix(b, A, sizes[k], k)
        A = activate_matrix(b, Z, activation, f"A{k}", r"A^{(%d)}" % k, alpha=alpha)
    Z = dense_matrix(b, A, sizes[-1], depth)
    data = matrix_head(b, Z, loss, output_activation, alpha)
    b.options.update(sizes=sizes, activation=activation, loss=loss, l1=l1, l2=l2, level="matrix")
    return b.build(attach_matrix_loss(b, data, l1, l2, penalize))
