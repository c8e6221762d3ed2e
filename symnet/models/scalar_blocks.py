"""Scalar-level building blocks: every weight is its own symbol.

Naming follows the notes: layer ``k`` has weights ``W^{(k)}_{i,j}`` (input ``i`` to unit ``j``, so
``z_j = Σ_i x_i W_{i,j} + b_j``), biases ``b^{(k)}_j``, pre-activations ``z^{(k)}_j`` and activations
``a^{(k)}_j``; predictions are ``ŷ``, targets ``y``, the loss ``L``.

>>> g = mlp((2, 3, 1), activation="tanh", loss="mse")
>>> len(g.parameters)
13
"""
from __future__ import annotations

from typing import Callable, Sequence

import sympy as sp

from ..algebra.functions import gelu, leaky_relu, logsumexp, relu, sigmoid, softplus
from ..algebra.graph import Graph, GraphBuilder, parameter_group, times
from ..errors import SymnetError

#: Elementwise activations, by the names the CLI and the API accept.
ACTIVATIONS: dict[str, Callable[..., sp.Expr] | None] = {
    "identity": None,
    "sigmoid": sigmoid,
    "tanh": sp.tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "gelu": gelu,
    "softmax": None,  # over a whole layer: a_j = exp(z_j - logsumexp(z))
    # written with the functions above, so their rules (and finite evaluation) carry over
    "silu": lambda z: z * sigmoid(z),                              # SiLU / Swish: z σ(z)
    "elu": lambda z: relu(z) + sp.exp(-relu(-z)) - 1,              # ELU (α = 1): z for z > 0, e^z − 1 else
    "softplus": softplus,                                          # log(1 + e^z)
    "mish": lambda z: z * sp.tanh(softplus(z)),                    # Mish: z tanh(softplus(z))
}

LOSSES = ("mse", "mae", "bce", "cross_entropy")

#: The output activation each loss takes when none is given, and the only one the fused losses accept.
DEFAULT_OUTPUT = {"mse": "identity", "mae": "identity", "bce": "sigmoid", "cross_entropy": "softmax"}


def _check_choice(kind: str, value: str, choices) -> str:
    if value not in choices:
        raise SymnetError(f"unknown {kind} {value!r}; choose one of {', '.join(choices)}")
    return value


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


def attach_loss(b: GraphBuilder, data: sp.Expr, l1: float = 0.0, l2: float = 0.0,
                penalize: str | Sequence[str] = "weights", absolute=sp.Abs, square=lambda w: w**2,
                select=None) -> sp.Symbol:
    """The loss node ``L``: the data loss plus ``λ₁ Σ|w|`` and ``λ₂ Σ w²`` over the chosen parameters.

    ``absolute`` and ``square`` give one parameter's penalty (at matrix level ``Σ_ij |W_ij|`` and ``‖W‖²_F``);
    ``select`` picks the penalised parameters.
    """
    for name, value in (("l1", l1), ("l2", l2)):
        if value < 0:
            raise SymnetError(f"--{name} must be non-negative, got {value}")
    if not (l1 or l2):
        return b.assign("L", data, "loss", latex="L")
    chosen = (select or _penalised)(b, penalize)
    E = b.assign("L_data", data, latex=r"L_{\text{data}}")
    terms: list[sp.Expr] = [E]
    if l1:
        lam = b.constant("lambda1", l1, latex=r"\lambda_{1}")
        terms.append(b.assign("R1", lam * sp.Add(*[absolute(w) for w in chosen]), "penalty", latex="R_{1}"))
    if l2:
        lam = b.constant("lambda2", l2, latex=r"\lambda_{2}")
        terms.append(b.assign("R2", lam * sp.Add(*[square(w) for w in chosen]), "penalty", latex="R_{2}"))
    return b.assign("L", sp.Add(*terms), "loss", latex="L")


def _penalised(b: GraphBuilder, penalize: str | Sequence[str]) -> list[sp.Symbol]:
    params = b.parameters
    if penalize == "weights":
        chosen = [p for p in params if parameter_group(p.name)[0] in "Ww"]
    elif penalize == "all":
        chosen = list(params)
    else:
        names = [n.strip() for n in penalize.split(",")] if isinstance(penalize, str) else list(penalize)
        chosen = [p for p in params if p.name in names or parameter_group(p.name) in names]
        missing = [n for n in names if not any(p.name == n or parameter_group(p.name) == n for p in params)]
        if missing:
            raise SymnetError(f"cannot penalise unknown parameter {missing[0]!r}")
    if not chosen:
        raise SymnetError("the penalty selects no parameter")
    return chosen


def _sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise SymnetError(f"sizes must be whole numbers, got {sizes!r}") from None
    if len(out) < 2 or any(s < 1 for s in out) or any(int(s) != s for s in sizes):
        raise SymnetError(f"sizes need at least two positive whole numbers (inputs, …, outputs), got {sizes!r}")
    return out


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
        from .matrix_blocks import mlp_matrix
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
