"""Matrix-level derivation: equal to the scalar level (the oracle) on small nets, right where SymPy's own
matrix calculus is wrong, finite at extreme logits, and caught when a rule is wrong."""
import re

import numpy as np
import pytest
import sympy as sp

import symnet
from symnet.algebra.derive import derive
from symnet.algebra.matrix import BATCH, Apply, is_matrix, ones_like
from symnet.algebra.rules import MATRIX_RULES
from symnet.checking.gradients import check_grads
from symnet.codegen.compile import compile_graph
from symnet.models import scalar_blocks as blocks

FAMILY = [
    ("neuron", blocks.neuron, dict(inputs=3, activation="sigmoid", loss="bce")),
    ("neuron-tanh-mae", blocks.neuron, dict(inputs=2, activation="tanh", loss="mae")),
    ("linear-regression-l1-l2", blocks.linear_regression, dict(l1=0.1, l2=0.05)),
    ("dense-softmax-ce", blocks.dense, dict(inputs=2, outputs=3, loss="cross_entropy")),
    ("dense-relu", blocks.dense, dict(inputs=3, outputs=2, activation="relu")),
    *[(f"mlp-{a}", blocks.mlp, dict(sizes=(2, 3, 2), activation=a))
      for a in ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "gelu", "softmax")],
    ("mlp-tanh-ce-l2", blocks.mlp, dict(sizes=(3, 4, 3), activation="tanh", loss="cross_entropy", l2=0.01)),
    ("mlp-sigmoid-bce-l1", blocks.mlp, dict(sizes=(2, 2, 2), activation="sigmoid", loss="bce", l1=0.1)),
    ("mlp-deep-gelu-mae", blocks.mlp, dict(sizes=(2, 3, 3, 1), activation="gelu", loss="mae")),
    ("mlp-softmax-output-mse", blocks.mlp, dict(sizes=(2, 2, 3), output_activation="softmax")),
]
IDS = [c[0] for c in FAMILY]


def scalar_to_matrix(name):
    """Where a scalar-level name lives at matrix level: (matrix, row, column); row None = a whole column."""
    rules = [(r"^(W\d+)_(\d+)_(\d+)$", lambda m: (m[1], int(m[2]) - 1, int(m[3]) - 1)),
             (r"^(b\d+)_(\d+)$", lambda m: (m[1], 0, int(m[2]) - 1)),
             (r"^w_(\d+)$", lambda m: ("W1", int(m[1]) - 1, 0)), (r"^w$", lambda m: ("W1", 0, 0)),
             (r"^b$", lambda m: ("b1", 0, 0)),
             (r"^x_(\d+)$", lambda m: ("X", None, int(m[1]) - 1)), (r"^y_(\d+)$", lambda m: ("Y", None, int(m[1]) - 1)),
             (r"^(y|price)$", lambda m: ("Y", None, 0)), (r"^distance$", lambda m: ("X", None, 0))]
    for pattern, where in rules:
        m = re.match(pattern, name)
        if m:
            return where(m)
    raise KeyError(name)


@pytest.mark.parametrize("case", FAMILY, ids=IDS)
def test_matrix_level_equals_scalar_level(case):
    _, build, kwargs = case
    scalar, matrix = build(**kwargs), build(**kwargs, level="matrix")
    fs, fm = compile_graph(scalar), compile_graph(matrix)
    rng = np.random.default_rng(5)
    batch = 4
    theta_m = rng.normal(size=fm.size)
    params_m = fm.unpack(theta_m)
    X = rng.normal(size=(batch, matrix.symbol("X").shape[1]))
    m = matrix.symbol("Y").shape[1]
    Y = np.eye(m)[rng.integers(0, m, batch)] if kwargs.get("loss") == "cross_entropy" else rng.normal(size=(batch, m))
    data_m = {"X": X, "Y": Y}
    params_s = {}
    for p in scalar.parameters:
        name, i, j = scalar_to_matrix(p.name)
        params_s[p.name] = params_m[name][i, j]
    data_s = {s.name: data_m[scalar_to_matrix(s.name)[0]][:, scalar_to_matrix(s.name)[2]] for s in scalar.inputs}
    Ls, gs = fs.gradient_arrays(params_s, data_s)
    Lm, gm = fm.gradient_arrays(params_m, data_m)
    assert float(Lm) == pytest.approx(float(Ls), rel=1e-12)
    for p in scalar.parameters:
        name, i, j = scalar_to_matrix(p.name)
        assert np.broadcast_to(gm[name], params_m[name].shape)[i, j] == pytest.approx(gs[p.name], rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("case", FAMILY, ids=IDS)
def test_matrix_level_passes_its_checks(case):
    _, build, kwargs = case
    f = compile_graph(build(**kwargs, level="matrix"))
    report = check_grads(f, seed=0)
    assert report.passed, str(report)
    assert report.worst("central") <= 1e-6
    if f.analytic:
        assert report.worst("complex") <= 1e-12


def sympy_counterexample_network():
    """L = tr((tanh(X W1) W2 − Y)ᵀ (tanh(X W1) W2 − Y)): SymPy 1.14's L.diff(W1) is wrong for this one."""
    b = symnet.GraphBuilder("hidden_tanh")
    X, Y = b.input("X", shape=(BATCH, 2)), b.input("Y", shape=(BATCH, 2))
    W1, W2 = b.parameter("W1", shape=(2, 3)), b.parameter("W2", shape=(3, 2))
    A1 = b.assign("A1", Apply("tanh", X * W1))
    R = b.assign("R", A1 * W2 - Y)
    return b.build(b.assign("L", sp.Trace(R.T * R), role="loss"))


def test_hidden_tanh_layer_that_sympy_gets_wrong():
    g = sympy_counterexample_network()
    grads = derive(g)
    # the closed form is the whiteboard one: ∂L/∂W1 = Xᵀ[(2R W2ᵀ) ∘ (1 − A1∘A1)]
    f = compile_graph(g, grads)
    assert "dL_dR = 2*R" in f.source and "dL_dW1 = X.T @ (dL_dA1*(1 - (A1**2)))" in f.source
    # n == h (3 == 3) is where SymPy's extra term has the right shape and is silently wrong
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(2, 3)), "W2": rng.normal(size=(3, 2))}
    data = {"X": rng.normal(size=(3, 2)), "Y": rng.normal(size=(3, 2))}
    report = check_grads(f, parameters=params, inputs=data)
    assert report.passed and report.worst("central") <= 1e-6 and report.worst("complex") <= 1e-12
    # and the analytic value itself, written out in NumPy
    X, Y, W1, W2 = data["X"], data["Y"], params["W1"], params["W2"]
    A1 = np.tanh(X @ W1)
    R = A1 @ W2 - Y
    expected = X.T @ ((2 * R @ W2.T) * (1 - A1**2))
    assert f.gradient(params, data)["W1"] == pytest.approx(expected, rel=1e-12)


def test_wrong_matrix_rule_is_caught():
    # negative control: tanh' taken as 1 + A∘A
    wrong = dict(MATRIX_RULES)
    good = wrong[Apply]

    def bad(Y, G, f, Z, *p):
        if f.name == "tanh":
            return (None, sp.HadamardProduct(G, ones_like(Y) + sp.HadamardProduct(Y, Y)))
        return good(Y, G, f, Z, *p)

    wrong[Apply] = bad
    g = blocks.mlp((2, 3, 1), activation="tanh", level="matrix")
    report = check_grads(compile_graph(g, derive(g, matrix_rules=wrong)), seed=0)
    assert not report.passed and report.worst("central") > 1e-3


@pytest.mark.parametrize("z", [1000.0, -1000.0])
def test_matrix_cross_entropies_are_finite_at_extreme_logits(z):
    for loss, m in (("cross_entropy", 3), ("bce", 1)):
        g = blocks.dense(inputs=1, outputs=m, loss=loss, level="matrix")
        f = compile_graph(g)
        params = {"W1": np.full((1, m), 1.0) * np.array([1.0, -1.0, 0.5][:m]), "b1": np.zeros((1, m))}
        data = {"X": np.array([[z]]), "Y": np.eye(m)[[0]] if m > 1 else np.array([[0.0]])}
        L, grads = f.gradient_arrays(params, data)
        assert np.isfinite(L) and all(np.all(np.isfinite(v)) for v in grads.values())


def test_matrix_gradients_print_as_matrix_latex():
    g = blocks.mlp((64, 128, 10), level="matrix")
    grads = derive(g)
    W1 = g.symbol("W1")
    assert is_matrix(grads[W1])
    tex = grads.latex(grads.expanded(W1))
    assert tex.startswith("X^{T}") and r"1 - A^{(1)} \circ A^{(1)}" in tex
    src = compile_graph(g, grads).source
    for line in ("Z1 = X @ W1 + b1", "dL_dW1 = X.T @ dL_dZ1", "dL_db1 = dL_dZ1.sum(axis=0, keepdims=True)",
                 "dL_dA1 = dL_dE @ W2.T"):
        assert line in src
