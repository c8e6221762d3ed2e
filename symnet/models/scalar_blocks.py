"""Scalar-level building blocks: every weight is its own symbol.

Naming follows the notes: layer ``k`` has weights ``W^{(k)}_{i,j}`` (input ``i`` to unit ``j``, so
``z_j = Σ_i x_i W_{i,j} + b_j``), biases ``b^{(k)}_j``, pre-activations ``z^{(k)}_j`` and activations
``a^{(k)}_j``; predictions are ``ŷ``, targets ``y``, the loss ``L``.

>>> g = mlp((2, 3, 1), activation="tanh", loss="mse")
>>> len(g.parameters)
13
"""
from __future__ import annotations

from typing import Sequence

import sympy as sp

from ..algebra.functions import leaky_relu, logsumexp, softplus
from ..algebra.graph import Graph, GraphBuilder, times
from ..errors import SymnetError
from .common import ACTIVATIONS, DEFAULT_OUTPUT, LOSSES, _check_choice, _sizes, attach_loss
from .matrix_blocks import mlp_matrix


def activate(b: GraphBuilder, z: Sequence[sp.Symbol], activation: str, names: Sequence[str],
             latex: Sequence[str], role: str = "node", alpha: float = 0.01, layer: str = "") -> list[sp.Symbol]:
    """Apply an activation to a layer's pre-activations ``z``, one node per unit."""
    _check_choice("activation", activation, ACTIVATIONS)
    if activation == "softmax":
        # softmax_j(z) = exp(z_j − log Σ_k e^{z_k}): the log-sum-exp node keeps it finite at any logit
        s = b.assign(f"s{layer}", logsumexp(*z), latex=r"s^{(%s)}" % layer if layer else "s")
        return [b.assign(n, sp.exp(zj - s), role, latex=t) for zj, n, t in zip(z, names, latex)]
    f = ACTIVATIONS[activation]
    if activation == "leaky_relu":
        if not alpha > 0:
            raise SymnetError(f"leaky_relu needs a positive alpha, got {alpha}")
        a = sp.Float(alpha)
        return [b.assign(n, leaky_relu(zj, a), role, latex=t) for zj, n, t in zip(z, names, latex)]
    return [b.assign(n, zj if f is None else f(zj), role, latex=t) for zj, n, t in zip(z, names, latex)]


def dense_layer(b: GraphBuilder, x: Sequence[sp.Expr], width: int, index: int) -> list[sp.Symbol]:
    """Parameters ``W{index}``, ``b{index}`` and pre-activations ``z_j = Σ_i x_i W_{i,j} + b_j``."""
    W = [[b.parameter(f"W{index}_{i + 1}_{j + 1}", r"W^{(%d)}_{%d,%d}" % (index, i + 1, j + 1))
          for j in range(width)] for i in range(len(x))]
    c = [b.parameter(f"b{index}_{j + 1}", r"b^{(%d)}_{%d}" % (index, j + 1)) for j in range(width)]
    return [b.assign(f"z{index}_{j + 1}", sp.Add(*[times(x[i], W[i][j]) for i in range(len(x))]) + c[j],
                     latex=r"z^{(%d)}_{%d}" % (index, j + 1)) for j in range(width)]


def _indexed(base: str, latex: str, count: int) -> tuple[list[str], list[str]]:
    if count == 1:
        return [base], [latex]
    return [f"{base}_{j + 1}" for j in range(count)], [r"%s_{%d}" % (latex, j + 1) for j in range(count)]


def output_head(b: GraphBuilder, z: Sequence[sp.Symbol], loss: str, output_activation: str | None = None,
                alpha: float = 0.01) -> sp.Symbol:
    """Predictions ``ŷ`` from the last pre-activations, targets ``y`` and the data loss; returns the loss node.

    Binary and softmax cross-entropy are written on the logits (``softplus(z) − y z`` and
    ``Σ_j y_j (logsumexp(z) − z_j)``), the forms that stay finite at logits of ±1000.
    """
    _check_choice("loss", loss, LOSSES)
    activation = output_activation or DEFAULT_OUTPUT[loss]
    if loss in ("bce", "cross_entropy") and activation != DEFAULT_OUTPUT[loss]:
        raise SymnetError(f"loss {loss} needs output activation {DEFAULT_OUTPUT[loss]}, not {activation}")
    m = len(z)
    yhat_names, yhat_latex = _indexed("yhat", r"\hat{y}", m)
    y_names, y_latex = _indexed("y", "y", m)
    y = [b.input(n, t) for n, t in zip(y_names, y_latex)]
    b.options["targets"] = tuple(y_names)
    yhat = activate(b, z, activation, yhat_names, yhat_latex, role="output", alpha=alpha, layer="")
    if loss == "mse":
        data = sp.Add(*[(p - t) ** 2 for p, t in zip(yhat, y)]) / m
    elif loss == "mae":
        data = sp.Add(*[sp.Abs(p - t) for p, t in zip(yhat, y)]) / m
    elif loss == "bce":
        # −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y z
        data = sp.Add(*[softplus(zj) - t * zj for zj, t in zip(z, y)]) / m
    else:
        s = b.symbol("s")
        # −Σ_j y_j log softmax_j(z) = Σ_j y_j (logsumexp(z) − z_j)
        data = sp.Add(*[t * (s - zj) for zj, t in zip(z, y)])
    return data


LEVELS = ("scalar", "matrix")


def _matrix_level(level: str) -> bool:
    return _check_choice("level", level, LEVELS) == "matrix"


def mlp(sizes: Sequence[int], activation: str = "tanh", loss: str = "mse", output_activation: str | None = None,
        l1: float = 0.0, l2: float = 0.0, penalize: str | Sequence[str] = "weights", alpha: float = 0.01,
        level: str = "scalar") -> Graph:
    """A multilayer perceptron ``sizes = (d, h_1, …, m)``: hidden layers use ``activation``, the last
    layer ``output_activation`` (by default the one the loss expects). ``level="matrix"`` builds it from
    weight matrices (:func:`symnet.models.matrix_blocks.mlp_matrix`)."""
    if _matrix_level(level):
        return mlp_matrix(sizes, activation, loss, output_activation, l1, l2, penalize, alpha)
    sizes = _sizes(sizes)
    _check_choice("activation", activation, ACTIVATIONS)
    b = GraphBuilder("mlp", f"MLP {'-'.join(map(str, sizes))}, {activation}, {loss}")
    x_names, x_latex = _indexed("x", "x", sizes[0]) if sizes[0] > 1 else (["x_1"], ["x_{1}"])
    h: list[sp.Expr] = [b.input(n, t) for n, t in zip(x_names, x_latex)]
    depth = len(sizes) - 1
    for k in range(1, depth):
        z = dense_layer(b, h, sizes[k], k)
        names, latex = [f"a{k}_{j + 1}" for j in range(sizes[k])], [r"a^{(%d)}_{%d}" % (k, j + 1) for j in range(sizes[k])]
        h = activate(b, z, activation, names, latex, alpha=alpha, layer=str(k))
    z = dense_layer(b, h, sizes[-1], depth)
    data = output_head(b, z, loss, output_activation, alpha)
    b.options.update(sizes=sizes, activation=activation, loss=loss, l1=l1, l2=l2)
    return b.build(attach_loss(b, data, l1, l2, penalize))


def dense(inputs: int = 2, outputs: int = 1, activation: str = "identity", loss: str = "mse",
          l1: float = 0.0, l2: float = 0.0, penalize: str | Sequence[str] = "weights", alpha: float = 0.01,
          level: str = "scalar") -> Graph:
    """One dense layer ``a = f(x W + b)`` with a loss on its outputs."""
    if activation == "identity" and loss in ("bce", "cross_entropy"):
        activation = DEFAULT_OUTPUT[loss]
    g = mlp((inputs, outputs), activation, loss, activation, l1, l2, penalize, alpha, level)
    return _renamed(g, "dense", f"dense layer {inputs}→{outputs}, {activation}, {loss}")


def neuron(inputs: int = 2, activation: str = "identity", loss: str = "mse",
           l1: float = 0.0, l2: float = 0.0, penalize: str | Sequence[str] = "weights", alpha: float = 0.01,
           level: str = "scalar") -> Graph:
    """One neuron ``z = w·x + b``, ``ŷ = f(z)``, with a loss against the target ``y``
    (at matrix level: ``Z = X W1 + 𝟏 b1`` with ``W1`` of shape d×1)."""
    (n,) = _sizes((inputs, 1))[:1]
    if activation == "identity" and loss in ("bce", "cross_entropy"):
        activation = DEFAULT_OUTPUT[loss]
    if loss == "cross_entropy":
        raise SymnetError("a single neuron has one output: use loss bce (sigmoid) instead of cross_entropy")
    if _matrix_level(level):
        g = mlp((n, 1), activation, loss, activation, l1, l2, penalize, alpha, level)
        return _renamed(g, "neuron", f"neuron with {n} input{'s' if n > 1 else ''}, {activation}, {loss}, matrix level")
    b = GraphBuilder("neuron", f"neuron with {n} input{'s' if n > 1 else ''}, {activation}, {loss}")
    x = [b.input(f"x_{i + 1}", r"x_{%d}" % (i + 1)) for i in range(n)]
    w = [b.parameter(f"w_{i + 1}", r"w_{%d}" % (i + 1)) for i in range(n)]
    c = b.parameter("b", "b")
    z = b.assign("z", sp.Add(*[wi * xi for wi, xi in zip(w, x)]) + c, latex="z")
    data = output_head(b, [z], loss, activation, alpha)
    b.options.update(inputs=n, activation=activation, loss=loss, l1=l1, l2=l2)
    return b.build(attach_loss(b, data, l1, l2, penalize))


def linear_regression(l1: float = 0.0, l2: float = 0.0, level: str = "scalar") -> Graph:
    """House price against distance: ``price_hat = w·distance + b`` with squared error (at matrix level
    ``X`` holds the distances and ``Y`` the prices)."""
    if _matrix_level(level):
        g = mlp((1, 1), "identity", "mse", "identity", l1, l2, "weights", 0.01, level)
        return _renamed(g, "linear_regression", "linear regression of price on distance, MSE, matrix level")
    b = GraphBuilder("linear_regression", "linear regression of price on distance, MSE")
    distance, price = b.input("distance", r"\mathrm{distance}"), b.input("price", r"\mathrm{price}")
    w, c = b.parameter("w", "w"), b.parameter("b", "b")
    p = b.assign("price_hat", w * distance + c, "output", latex=r"\widehat{\mathrm{price}}")
    b.options.update(l1=l1, l2=l2, targets=("price",))
    return b.build(attach_loss(b, (p - price) ** 2, l1, l2, "w"))


def _renamed(g: Graph, name: str, description: str) -> Graph:
    from dataclasses import replace
    return replace(g, name=name, description=description)


def quadratic(center: float = 3.0) -> Graph:
    """The one-parameter demo ``L(θ) = (θ − c)²``: gradient descent on it has a closed form."""
    c = sp.Rational(str(center)) if float(center).is_integer() is False else sp.Integer(int(center))
    b = GraphBuilder("quadratic", f"L(theta) = (theta - {center:g})^2")
    theta = b.parameter("theta", r"\theta")
    return b.build(b.assign("L", (theta - c) ** 2, "loss", latex="L"))
