"""What the scalar-level and matrix-level blocks share: the activation and loss tables, the checks of a choice
and of layer sizes, and the loss node with its penalties.

The tables hold scalar functions (what :mod:`symnet.models.scalar_blocks` applies unit by unit); the
matrix-level blocks (:mod:`symnet.models.matrix_blocks`) accept the same names and apply them entry by entry.
"""
from __future__ import annotations

from typing import Callable, Sequence

import sympy as sp

from ..algebra.functions import gelu, leaky_relu, relu, sigmoid, softplus
from ..algebra.graph import GraphBuilder, parameter_group
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
