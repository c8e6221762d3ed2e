"""Sequence and attention blocks: numeric checks, the scalar-level oracle, PyTorch, masks and shapes."""
import numpy as np
import pytest

from symnet.algebra.derive import derive
from symnet.checking.gradients import check_grads, random_point
from symnet.checking.scalarize import entry_values, scalarize
from symnet.cli import main
from symnet.codegen.compile import compile_graph
from symnet.errors import SymnetError
from symnet.models import sequence_blocks as sequence

BLOCKS = [
    ("attention", lambda: sequence.attention(d_model=4)),
    ("attention-causal", lambda: sequence.attention(d_model=3, d_k=2, causal=True)),
    ("multi-head", lambda: sequence.multi_head_attention(d_model=4, heads=2)),
    ("layer-norm", lambda: sequence.layer_norm_block(d_model=4)),
    ("residual", lambda: sequence.residual_block(d_model=3, d_ff=4)),
    ("encoder", lambda: sequence.encoder_block(d_model=4, heads=2, d_ff=6)),
    ("decoder", lambda: sequence.decoder_block(d_model=4, heads=2, d_ff=6)),
    ("embedding", lambda: sequence.embedding(vocabulary=5, d_model=4)),
    ("conv1d", lambda: sequence.conv1d(d=3, filters=4, width=2, classes=2)),
    ("rnn", lambda: sequence.rnn(inputs=2, hidden=3, outputs=2, steps=3)),
]
IDS = [b[0] for b in BLOCKS]


@pytest.mark.parametrize("build", [b[1] for b in BLOCKS], ids=IDS)
def test_every_block_passes_its_checks(build):
    f = compile_graph(build())
    report = check_grads(f, seed=0, batch=3, max_parameters=40)
    assert report.passed, str(report)
    assert report.worst("central") <= 1e-6
    if f.analytic:
        assert report.worst("complex") <= 1e-12


SMALL = [
    ("attention-causal", lambda: sequence.attention(d_model=2, causal=True)),
    ("multi-head", lambda: sequence.multi_head_attention(d_model=2, heads=2)),
    ("layer-norm", lambda: sequence.layer_norm_block(d_model=3)),
    ("encoder", lambda: sequence.encoder_block(d_model=2, heads=1, d_ff=2)),
    ("decoder", lambda: sequence.decoder_block(d_model=2, heads=1, d_ff=2)),
    ("embedding", lambda: sequence.embedding(vocabulary=3, d_model=2)),
    ("conv1d", lambda: sequence.conv1d(d=2, filters=2, width=2, classes=2)),
    ("rnn", lambda: sequence.rnn(inputs=2, hidden=2, outputs=2, steps=3)),
]


@pytest.mark.parametrize("build", [b[1] for b in SMALL], ids=[b[0] for b in SMALL])
def test_matrix_level_equals_scalar_level(build):
    g = build()
    f = compile_graph(g)
    theta, data = random_point(f, seed=3, batch=3)
    L, grads = f.gradient_arrays(theta, data)
    s = scalarize(g, rows=3)
    assert not s.is_matrix
    Ls, gs = compile_graph(s).gradient_arrays(entry_values(g, f.unpack(theta)), entry_values(g, data))
    assert float(Ls) == pytest.approx(float(L), rel=1e-12)
    for name, value in entry_values(g, grads).items():
        assert gs[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_causal_mask_gives_no_weight_to_later_positions():
    g = sequence.attention(d_model=3, causal=True)
    f = compile_graph(g)
    theta, data = random_point(f, seed=0, batch=5)
    P = f.forward(theta, data)["P"]
    assert np.all(np.triu(P, k=1) == 0.0) and np.allclose(P.sum(axis=1), 1.0)
    # changing a later token leaves every earlier output unchanged
    later = dict(data)
    later["X"] = data["X"].copy()
    later["X"][3:] += 10.0
    O1, O2 = f.forward(theta, data)["O"], f.forward(theta, later)["O"]
    assert np.array_equal(O1[:3], O2[:3]) and not np.allclose(O1[3:], O2[3:])


def test_attention_gradients_read_as_the_textbook():
    grads = derive(sequence.attention(d_model=4))
    tex = {a.target.name: grads.latex(a.expression) for a in grads.program}
    assert tex["dL_dP"] == r"\frac{\partial L}{\partial E} V^{T}"     # dP = dO Vᵀ (O − Y = E, so dO = dE)
    assert tex["dL_dV"] == r"P^{T} \frac{\partial L}{\partial E}"      # dV = Pᵀ dO
    assert tex["dL_dS"] == (r"P \circ \left(\frac{\partial L}{\partial P} - \operatorname{rowsum}\left(P \circ "
                            r"\frac{\partial L}{\partial P}\right)\right)")
    # the raw scores A = Q Kᵀ carry dS/√d_k, so dQ = dS K/√d_k and dK = dSᵀ Q/√d_k
    assert tex["dL_dA"] == r"\frac{1}{\sqrt{d_k}} \frac{\partial L}{\partial S}"
    assert tex["dL_dQ"] == r"\frac{\partial L}{\partial A} K"
    assert tex["dL_dK"] == r"\left(\frac{\partial L}{\partial A}\right)^{T} Q"


def test_bptt_recursion():
    grads = derive(sequence.rnn(steps=3))
    dH2 = next(a.expression for a in grads.program if a.target.name == "dL_dH2")
    names = {s.name for s in dH2.free_symbols}
    # dL/dh_2 gets contributions from y_2 (through o_2) and from h_3 (through z_3)
    assert {"dL_dO2", "dL_dZ3", "Wh", "U"} <= names


def test_residual_jacobian_has_an_identity_term():
    # r = x + tanh(w x): ∂r/∂x = 1 + w(1 − tanh²(w x)), the identity term survives whatever F does
    import sympy as sp
    from symnet.algebra.graph import GraphBuilder
    b = GraphBuilder("residual_scalar")
    x, w = b.parameter("x"), b.parameter("w")
    grads = derive(b.build(b.assign("r", x + sp.tanh(w * x), "loss")))
    slope = grads.expanded(x)
    assert sp.simplify(slope - (1 + w * (1 - sp.tanh(w * x) ** 2))) == 0
    assert slope.subs(w, 0) == 1


def torch_encoder(params, X, Y, heads, eps=1e-5):
    import torch
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    X, Y = torch.tensor(X), torch.tensor(Y)
    d = X.shape[-1]
    dk = d // heads

    def norm(R, tag):
        mu = R.mean(-1, keepdim=True)
        var = ((R - mu) ** 2).mean(-1, keepdim=True)
        return (R - mu) / torch.sqrt(var + eps) * t[f"gamma{tag}"] + t[f"beta{tag}"]

    H = 0
    for i in range(1, heads + 1):
        Q, K, V = X @ t[f"WQs{i}"], X @ t[f"WKs{i}"], X @ t[f"WVs{i}"]
        P = torch.softmax(Q @ K.mT / dk**0.5, dim=-1)
        H = H + P @ V @ t[f"WOs{i}"]
    A = norm(X + H, "1")
    F = torch.relu(A @ t["F1_W1"] + t["F1_b1"]) @ t["F1_W2"] + t["F1_b2"]
    out = norm(A + F, "2")
    L = (((out - Y) ** 2).sum(dim=(-2, -1)) / (X.shape[-2] * d)).mean()
    L.backward()
    return float(L.detach()), {k: v.grad.numpy() for k, v in t.items()}


def test_encoder_gradients_match_torch_autograd():
    pytest.importorskip("torch")
    g = sequence.encoder_block(d_model=8, heads=2, d_ff=16)
    f = compile_graph(g)
    rng = np.random.default_rng(0)
    params = {name: rng.normal(0, 0.5, size=shape) for name, shape in f.shapes.items()}
    X, Y = rng.normal(size=(3, 5, 8)), rng.normal(size=(3, 5, 8))  # a batch of 3 sequences of 5 tokens
    L, grads = f.gradient_arrays(params, {"X": X, "Y": Y})
    L_torch, grads_torch = torch_encoder(params, X, Y, heads=2)
    assert float(L) == pytest.approx(L_torch, rel=1e-12)
    for name, value in grads.items():
        assert np.max(np.abs(value - grads_torch[name])) <= 1e-10 * max(1.0, np.max(np.abs(grads_torch[name])))


def test_shape_mismatches_are_user_errors(capsys):
    with pytest.raises(SymnetError, match="d_model 6 is not divisible by 4 heads"):
        sequence.multi_head_attention(d_model=6, heads=4)
    for argv, message in [(["derive", "encoder", "--d-model", "6", "--heads", "4"], "not divisible by 4 heads"),
                          (["eval", "attention", "--input", "X=1,0,1;0,2,0"], "input X needs 4 columns"),
                          (["derive", "rnn", "--set", "hidden=0"], "hidden must be a positive whole number"),
                          (["derive", "attention", "--set", "colour=3"], "takes no option 'colour'")]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_worked_attention_example(capsys):
    # the notes' two tokens, W_Q = W_K = W_V = I: Q = K = V = X, scores X Xᵀ = [[2, 0], [0, 8]] / √4
    eye = ";".join(",".join("1" if i == j else "0" for j in range(4)) for i in range(4))
    code = main(["eval", "attention", "--param", f"WQ={eye}", "--param", f"WK={eye}", "--param", f"WV={eye}"])
    out = capsys.readouterr().out
    assert code == 0
    assert "A =\n  [         2           0]\n  [         0           8]" in out
    assert "S =\n  [         1           0]\n  [         0           4]" in out
    assert "row sums of P: 1,1" in out
    code = main(["eval", "multi-head-attention", "--heads", "2"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("row sums of P") == 2 and "dL/dWO2 =" in out
