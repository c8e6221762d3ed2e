"""Compiled NumPy code: batch means, readable source, finite numerics at extreme logits."""
import numpy as np
import pytest

import symnet
from symnet.codegen.compile import compile_graph


def test_loss_and_gradient_are_batch_means():
    f = compile_graph(symnet.linear_regression())
    d, p = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 7.0])
    w, b = 1.5, -0.5
    r = w * d + b - p
    loss, grad = f.loss_and_gradient({"w": w, "b": b}, {"distance": d, "price": p})
    assert loss == pytest.approx(np.mean(r**2), rel=1e-15)
    assert grad == pytest.approx([np.mean(2 * r * d), np.mean(2 * r)], rel=1e-15)


def test_source_is_readable_python():
    f = compile_graph(symnet.mlp((2, 2, 1), activation="tanh"))
    src = f.source
    assert "def loss_and_gradient(x_1, x_2, y," in src
    assert "a1_1 = numpy.tanh(z1_1)" in src
    assert "dL_dz1_1 = dL_da1_1*(1 - a1_1**2)" in src
    compile(src, "<test>", "exec")


@pytest.mark.parametrize("logits", [(1000.0, -1000.0, 0.0), (-1000.0, 1000.0, 999.0)])
def test_softmax_cross_entropy_is_finite_at_extreme_logits(logits):
    # one dense layer with identity weights: z = x, so the logits are the inputs
    g = symnet.dense(inputs=3, outputs=3, loss="cross_entropy")
    f = compile_graph(g)
    params = {p.name: 0.0 for p in g.parameters} | {f"W1_{i}_{i}": 1.0 for i in (1, 2, 3)}
    y = np.eye(3)[int(np.argmax(logits))]
    data = {f"x_{i + 1}": np.array([v]) for i, v in enumerate(logits)} | {f"y_{j + 1}": np.array([y[j]]) for j in range(3)}
    loss, grad = f.loss_and_gradient(params, data)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    z = np.array(logits)
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    expected = z.max() + np.log(np.exp(z - z.max()).sum()) - z @ y
    assert loss == pytest.approx(expected, abs=1e-12)
    assert f.gradient(params, data)["b1_1"] == pytest.approx(p[0] - y[0], abs=1e-12)
    # and a wrong label costs the gap between logits, not inf
    wrong = data | {f"y_{j + 1}": np.array([1.0 - y[j]]) / 2 for j in range(3)}
    assert np.isfinite(f.loss(params, wrong))


@pytest.mark.parametrize("z", [1000.0, -1000.0])
def test_binary_cross_entropy_is_finite_at_extreme_logits(z):
    g = symnet.neuron(inputs=1, activation="sigmoid", loss="bce")
    f = compile_graph(g)
    for y in (0.0, 1.0):
        loss, grad = f.loss_and_gradient({"w_1": 1.0, "b": 0.0}, {"x_1": np.array([z]), "y": np.array([y])})
        assert np.isfinite(loss) and np.all(np.isfinite(grad))
        # softplus(z) − y z and σ(z) − y
        assert loss == pytest.approx(max(z, 0) - y * z, abs=1e-12)
        assert grad[1] == pytest.approx((1.0 if z > 0 else 0.0) - y, abs=1e-12)


def test_forward_values_by_name():
    g = symnet.neuron(inputs=2, activation="relu")
    f = compile_graph(g)
    values = f.forward({"w_1": 1.0, "w_2": -1.0, "b": 0.5}, {"x_1": np.array([1.0, 0.0]), "x_2": np.array([0.0, 2.0]), "y": np.zeros(2)})
    assert values["z"] == pytest.approx([1.5, -1.5])
    assert values["yhat"] == pytest.approx([1.5, 0.0])


def test_reserved_names_and_bad_arguments_are_user_errors():
    b = symnet.GraphBuilder("clash")
    x, w = b.input("sigmoid"), b.parameter("w")
    g = b.build(b.assign("L", (w * x) ** 2, role="loss"))
    with pytest.raises(symnet.SymnetError, match="reserved"):
        compile_graph(g)
    f = compile_graph(symnet.linear_regression())
    with pytest.raises(symnet.SymnetError, match="missing input 'price'"):
        f.loss({"w": 1.0, "b": 0.0}, {"distance": [1.0]})
    with pytest.raises(symnet.SymnetError, match="missing parameter 'b'"):
        f.loss({"w": 1.0}, {"distance": [1.0], "price": [1.0]})


@pytest.mark.parametrize("level", ["scalar", "matrix"])
def test_jax_backend_runs_the_same_program(level):
    pytest.importorskip("jax")
    g = symnet.mlp((2, 3, 2), activation="gelu", loss="cross_entropy", l2=0.1, level=level)
    f_np, f_jax = compile_graph(g), compile_graph(g, backend="jax")
    assert f_np.source == f_jax.source
    from symnet.checking.gradients import random_point
    theta, data = random_point(f_np, seed=4, batch=5)
    L1, g1 = f_np.loss_and_gradient(theta, data)
    L2, g2 = f_jax.loss_and_gradient(theta, data)
    assert float(L2) == pytest.approx(float(L1), rel=1e-12)
    assert np.asarray(g2) == pytest.approx(g1, rel=1e-10, abs=1e-14)


def test_unknown_backend_is_a_user_error():
    with pytest.raises(symnet.SymnetError, match="unknown backend 'torch'"):
        compile_graph(symnet.neuron(), backend="torch")
