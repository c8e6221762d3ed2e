"""Graphs are valid immutable programs; blocks build the networks the notes describe."""
import dataclasses

import pytest
import sympy as sp

import symnet
from symnet.algebra.functions import sigmoid
from symnet.models.scalar_blocks import mlp


def test_graph_is_an_ordered_immutable_program():
    g = mlp((2, 3, 1), activation="sigmoid")
    assert [a.target.name for a in g.assignments][:3] == ["z1_1", "z1_2", "z1_3"]
    assert g.loss.name == "L" and [s.name for s in g.outputs] == ["yhat"]
    assert len(g.parameters) == 2 * 3 + 3 + 3 + 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.loss = sp.Symbol("M")
    x1, W = g.symbol("x_1"), g.symbol("W1_1_2")
    assert g.definitions[g.symbol("z1_2")] == x1 * W + g.symbol("x_2") * g.symbol("W1_2_2") + g.symbol("b1_2")
    assert g.definitions[g.symbol("a1_2")] == sigmoid(g.symbol("z1_2"))


def test_graph_prints_as_aligned_latex():
    tex = symnet.linear_regression().to_latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert r"\widehat{\mathrm{price}} &= b + \mathrm{distance} w" in tex


def test_graph_rejects_use_before_definition_and_double_assignment():
    x, w, z = sp.symbols("x w z", real=True)
    a = symnet.Assignment
    with pytest.raises(symnet.GraphError, match="uses z before it is defined"):
        symnet.Graph("bad", (x,), (w,), (a(sp.Symbol("L", real=True), z * w, "loss"),), sp.Symbol("L", real=True))
    with pytest.raises(symnet.GraphError, match="assigned twice"):
        symnet.Graph("bad", (x,), (w,), (a(z, w * x), a(z, w)), z)
    b = symnet.GraphBuilder("bad")
    b.input("x")
    with pytest.raises(symnet.GraphError, match="used twice"):
        b.parameter("x")
    with pytest.raises(symnet.GraphError, match="not a usable name"):
        b.parameter("2w")
    with pytest.raises(symnet.GraphError, match="SymPy expression, not str"):
        b.assign("L", "__import__('os')")


def test_penalties_on_chosen_parameters():
    g = mlp((2, 2, 1), l1=0.1, l2=0.2, penalize="W2,b1")
    R1 = g.definitions[g.symbol("R1")]
    chosen = {s.name for s in R1.free_symbols} - {"lambda1"}
    assert chosen == {"W2_1_1", "W2_2_1", "b1_1", "b1_2"}
    assert g.constant_values == {g.symbol("lambda1"): 0.1, g.symbol("lambda2"): 0.2}
    assert g.definitions[g.loss] == g.symbol("L_data") + g.symbol("R1") + g.symbol("R2")
    # weights by default, never biases
    default = mlp((2, 2, 1), l2=0.2)
    assert all(s.name.startswith(("W", "lambda")) for s in default.definitions[default.symbol("R2")].free_symbols)


def test_losses_are_the_textbook_formulas():
    g = symnet.neuron(inputs=1, loss="mse")
    yhat, y = g.symbol("yhat"), g.symbol("y")
    assert g.definitions[g.loss] == (yhat - y) ** 2
    g = symnet.mlp((1, 2), loss="mae")
    assert g.definitions[g.loss] == (sp.Abs(g.symbol("yhat_1") - g.symbol("y_1"))
                                     + sp.Abs(g.symbol("yhat_2") - g.symbol("y_2"))) / 2
    # binary cross-entropy on the logit equals −[y log σ + (1−y) log(1−σ)]
    g = symnet.neuron(inputs=1, activation="sigmoid", loss="bce")
    z, y = g.symbol("z"), g.symbol("y")
    from symnet.algebra.functions import elementary
    bce = -(y * sp.log(1 / (1 + sp.exp(-z))) + (1 - y) * sp.log(1 - 1 / (1 + sp.exp(-z))))
    for zv, yv in [(0.3, 0.0), (-2.0, 1.0), (1.7, 0.4)]:
        got = elementary(g.definitions[g.loss]).subs({z: zv, y: yv})
        assert float(got) == pytest.approx(float(bce.subs({z: zv, y: yv})), rel=1e-12)


@pytest.mark.parametrize("kwargs,message", [
    (dict(sizes=(2,)), "at least two"),
    (dict(sizes=(2, 0, 1)), "positive"),
    (dict(sizes=(2, 1.5, 1)), "whole numbers"),
    (dict(sizes=(2, 1), activation="swish"), "unknown activation 'swish'"),
    (dict(sizes=(2, 1), loss="hinge"), "unknown loss 'hinge'"),
    (dict(sizes=(2, 1), loss="cross_entropy", output_activation="sigmoid"), "needs output activation softmax"),
    (dict(sizes=(2, 2, 1), activation="leaky_relu", alpha=-1), "positive alpha"),
    (dict(sizes=(2, 1), l2=0.1, penalize="Q"), "cannot penalise unknown parameter 'Q'"),
])
def test_bad_block_options(kwargs, message):
    with pytest.raises(symnet.SymnetError, match=message):
        mlp(**kwargs)


def test_program_size_stays_linear_over_the_grid():
    # ops(forward + gradient program) / ops(forward) ≤ 2.5 for tanh and sigmoid nets of width 2-8, depth 1-5
    worst = 0.0
    for activation in ("tanh", "sigmoid"):
        for w in (2, 4, 8):
            for depth in range(1, 6):
                g = mlp((w,) * (depth + 1), activation=activation)
                forward = sum(sp.count_ops(a.expression) for a in g.assignments)
                worst = max(worst, (forward + symnet.derive(g).operation_count) / forward)
    assert worst <= 2.5
