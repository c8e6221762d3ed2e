"""Reverse-mode gradients against an independent oracle: sympy.diff of the fully substituted loss, with
symnet's own functions rewritten into SymPy's elementary ones first."""
import mpmath
import numpy as np
import pytest
import sympy as sp

import symnet
from symnet.algebra.derive import derive, local_partials
from symnet.algebra.functions import elementary, sigmoid
from symnet.algebra.rules import RULES

from .cases import BLOCKS, build

POINTS = 20
mpmath.mp.dps = 30


def _lambdify(g, expressions):
    """Exact-enough evaluation: symnet's functions rewritten to SymPy's, constants fixed, mpmath at 30 digits."""
    fixed = {c: sp.Float(v, 30) for c, v in g.constants}
    exprs = [elementary(e).xreplace(fixed) for e in expressions]
    return sp.lambdify(list(g.inputs) + list(g.parameters), exprs, modules="mpmath")


def oracle_gradients(g, wrt):
    """sympy.diff of the fully substituted loss: the independent oracle."""
    L = g.substituted_loss()
    return _lambdify(g, [sp.diff(elementary(L), p) for p in wrt])


def random_points(g, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(POINTS, len(g.inputs) + len(g.parameters)))


def relative_error(a, b) -> float:
    a, b = float(a), float(b)
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def worst_errors(ours, theirs, points):
    """Per gradient component, the worst relative error over the points."""
    worst = None
    for point in points:
        values = [mpmath.mpf(float(v)) for v in point]
        errors = [relative_error(a, b) for a, b in zip(ours(*values), theirs(*values))]
        worst = errors if worst is None else [max(w, e) for w, e in zip(worst, errors)]
    return worst


@pytest.mark.parametrize("case", BLOCKS, ids=[c[0] for c in BLOCKS])
def test_gradients_equal_sympy_diff_of_substituted_loss(case):
    g = build(case)
    grads = derive(g)
    ours = _lambdify(g, [grads.expanded(p) for p in grads.wrt])
    worst = max(worst_errors(ours, oracle_gradients(g, grads.wrt), random_points(g, seed=7)))
    assert worst <= 1e-12, f"{case[0]}: worst relative error {worst:.2e} at {POINTS} random points"


@pytest.mark.parametrize("case", BLOCKS[::3], ids=[c[0] for c in BLOCKS[::3]])
def test_compiled_float64_gradients_are_accurate(case):
    # the compiled program in float64 against the oracle at 30 digits: only rounding separates them
    # (1 − tanh² reuses the activation and loses digits where tanh saturates: hence 1e-9, not 1e-15)
    g = build(case)
    grads = derive(g)
    f = symnet.compile_graph(g, grads)
    theirs = oracle_gradients(g, grads.wrt)
    n = len(g.inputs)
    for point in random_points(g, seed=3):
        data = {s.name: np.array([v]) for s, v in zip(g.inputs, point[:n])}
        _, ours = f.loss_and_gradient(point[n:], data)
        exact = theirs(*[mpmath.mpf(float(v)) for v in point])
        assert max(relative_error(a, b) for a, b in zip(ours, exact)) <= 1e-9


def test_linear_regression_gradient_is_symbolically_sympy_diff():
    g = symnet.linear_regression()
    grads = derive(g)
    L = g.substituted_loss()
    for p in g.parameters:
        assert sp.simplify(grads.expanded(p) - sp.diff(L, p)) == 0


def test_wrong_rule_is_caught_by_the_oracle():
    # negative control: σ' = σ(1+σ) instead of σ(1−σ)
    wrong = dict(RULES) | {sigmoid: lambda y, x: (y * (1 + y),)}
    g = symnet.mlp((2, 2, 1), activation="sigmoid", loss="mse")
    grads = derive(g, rules=wrong)
    ours = _lambdify(g, [grads.expanded(p) for p in grads.wrt])
    errors = dict(zip((p.name for p in grads.wrt),
                      worst_errors(ours, oracle_gradients(g, grads.wrt), random_points(g, seed=7))))
    # the parameters behind a sigmoid are wrong, the output layer's gradients stay right
    assert errors["W1_1_1"] > 1e-2 and errors["b1_2"] > 1e-2
    assert errors["W2_1_1"] <= 1e-12 and errors["b2_1"] <= 1e-12


def test_each_adjoint_is_assigned_once_and_reused():
    g = symnet.mlp((2, 3, 1), activation="tanh", loss="mse")
    grads = derive(g)
    targets = [a.target for a in grads.program]
    assert len(targets) == len(set(targets))
    # dL/dyhat is computed once and every output-layer weight's gradient refers to it by name
    dyhat = grads.adjoints[g.symbol("yhat")]
    assert dyhat.is_Symbol
    for j in range(1, 4):
        assert dyhat in grads[f"W2_{j}_1"].free_symbols or dyhat in _definition(grads, f"W2_{j}_1").free_symbols
    # the bias gradient is the adjoint of its pre-activation itself (δ), not a copy
    assert grads["b1_2"] == grads.adjoints[g.symbol("z1_2")]


def _definition(grads, name):
    s = grads[name]
    return next(a.expression for a in grads.program if a.target == s)


def test_driver_never_calls_sympy_diff(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("derive called sympy.diff")

    monkeypatch.setattr(sp.Expr, "diff", forbidden)
    monkeypatch.setattr(sp, "diff", forbidden)
    grads = derive(symnet.mlp((3, 4, 2), activation="gelu", loss="cross_entropy", l1=0.1, l2=0.1))
    assert grads.program


def test_local_partials_reuse_the_node_value():
    x, a, s = sp.symbols("x a s")
    assert local_partials(sp.tanh(x), a, {x}) == {x: 1 - a**2}
    assert local_partials(sigmoid(x), s, {x}) == {x: s * (1 - s)}


def test_softmax_cross_entropy_gradient_is_p_minus_y():
    g = symnet.mlp((2, 3), loss="cross_entropy")
    grads = derive(g)
    dz = next(a.expression for a in grads.program if a.target == grads.adjoints[g.symbol("z1_1")])
    # (Σ_k y_k) p_1 − y_1: p − y for one-hot targets, and the forward output p_1 is reused by name
    assert dz == grads.adjoints[g.symbol("s")] * g.symbol("yhat_1") - g.symbol("y_1")


def test_closed_forms_read_as_people_write_them():
    g = symnet.neuron(inputs=1, activation="sigmoid", loss="mse", l1=0.5, l2=0.25)
    grads = derive(g)
    w, lam1, lam2 = g.symbol("w_1"), g.symbol("lambda1"), g.symbol("lambda2")
    e = grads.expanded(w)
    z = g.expanded()[g.symbol("z")]
    assert e.has(sigmoid(z) * (1 - sigmoid(z))) or e.has(1 - sigmoid(z))
    assert (e - lam1 * sp.sign(w) - 2 * lam2 * w).has(sigmoid(z))
    assert sp.expand(e).coeff(lam1) == sp.sign(w) and sp.expand(e).coeff(lam2) == 2 * w


def test_unknown_function_has_no_rule():
    b = symnet.GraphBuilder("odd")
    x, w = b.input("x"), b.parameter("w")
    L = b.assign("L", sp.floor(w * x), role="loss")
    with pytest.raises(symnet.NoRuleError, match="no derivative rule for floor"):
        derive(b.build(L))


def test_wrt_selects_groups_and_rejects_unknown_names():
    g = symnet.mlp((2, 3, 1))
    assert [p.name for p in derive(g, wrt=["W2"]).wrt] == ["W2_1_1", "W2_2_1", "W2_3_1"]
    with pytest.raises(symnet.GraphError, match="unknown parameter 'V'"):
        derive(g, wrt=["V"])
