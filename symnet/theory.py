"""Results that notes state, derived rather than asserted.

- :func:`stationary_point`: the closed-form optimum of a loss whose gradient is linear in the parameters
  (linear regression, ridge), by solving ∇(batch-mean loss) = 0 with data monomials replaced by their sample
  means.
- :func:`gradient_descent_closed_form`: gradient descent on a quadratic in one parameter is an affine
  recursion θ_{k+1} = a θ_k + c, so θ_k = θ* + a^k (θ_0 − θ*); each numeric iterate is compared with it.

>>> from symnet.blocks import quadratic
>>> demo = gradient_descent_closed_form(quadratic(3), learning_rate=0.1, start=0.0, steps=5)
>>> demo.formula
3*(1 - (1 - 2*alpha)**k)
>>> demo.max_error < 1e-12
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy as sp

from .compile import compile_graph
from .derive import derive
from .errors import SymnetError
from .graph import Graph, to_latex


@dataclass(frozen=True)
class Optimum:
    """A closed-form stationary point in sample moments (``\\overline{x y}`` = mean of x·y) and constants."""

    graph: Graph
    solution: dict[sp.Symbol, sp.Expr]
    moments: dict[sp.Symbol, sp.Expr]

    def evaluate(self, data: Mapping[str, np.ndarray]) -> dict[str, float]:
        """The optimum's numbers for a data set (``{input name: values}``)."""
        values: dict[sp.Symbol, float] = {c: v for c, v in self.graph.constants}
        for m, monomial in self.moments.items():
            f = sp.lambdify(list(self.graph.inputs), monomial, modules="numpy")
            values[m] = float(np.mean(f(*[np.asarray(data[s.name], dtype=float) for s in self.graph.inputs])))
        return {p.name: float(e.xreplace(values)) for p, e in self.solution.items()}

    def latex(self) -> str:
        names = dict(self.graph.latex_map) | {m: r"\overline{%s}" % to_latex(e, self.graph.latex_map)
                                             for m, e in self.moments.items()}
        lines = [f"{names.get(p, str(p))}^* &= {to_latex(e, names)}" for p, e in self.solution.items()]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def stationary_point(graph: Graph) -> Optimum:
    """Solve ∇(batch-mean loss) = 0 in closed form, for losses whose gradient is linear in the parameters.

    The per-example gradient is a polynomial in the data; its batch mean replaces every data monomial
    (``distance²``, ``distance·price``) by a sample-moment symbol, leaving linear equations in the parameters.
    """
    if graph.is_matrix:
        raise SymnetError("closed-form optima are derived at scalar level; build the graph with level='scalar'")
    grads = derive(graph)
    data = list(graph.inputs)
    moments: dict[sp.Expr, sp.Symbol] = {}
    equations = []
    for p in graph.parameters:
        g = sp.expand(grads.expanded(p))
        try:
            poly = sp.Poly(g, *data) if data else None
        except sp.PolynomialError:
            raise SymnetError(f"∂L/∂{p} is not polynomial in the data: no closed-form optimum") from None
        mean = sp.S.Zero
        for monomial, coefficient in (poly.terms() if poly is not None else [((), g)]):
            term = sp.Mul(*[d**k for d, k in zip(data, monomial)])
            if term != 1 and term not in moments:
                moments[term] = sp.Symbol("m_" + "_".join(f"{d.name}{k}" for d, k in zip(data, monomial) if k),
                                          real=True)
            mean += coefficient * (moments[term] if term != 1 else 1)
        equations.append(mean)
    params = list(graph.parameters)
    for eq in equations:
        try:
            degree = sp.Poly(eq, *params).total_degree()
        except sp.PolynomialError:
            degree = None
        if degree is None or degree > 1:
            raise SymnetError("the gradient is not linear in the parameters: no closed-form optimum")
    solutions = sp.solve(equations, params, dict=True)
    if len(solutions) != 1 or set(solutions[0]) != set(params):
        raise SymnetError("∇L = 0 has no unique solution")
    solution = {p: sp.factor(solutions[0][p]) for p in params}
    return Optimum(graph, solution, {s: m for m, s in moments.items()})


@dataclass(frozen=True)
class Trajectory:
    """Gradient-descent iterates beside their closed form ``θ_k``."""

    formula: sp.Expr                 # θ_k in k, the learning rate α and the start θ_0's value
    iterates: tuple[float, ...]
    closed_form: tuple[float, ...]
    learning_rate: float

    @property
    def max_error(self) -> float:
        return max(abs(a - b) for a, b in zip(self.iterates, self.closed_form))


K = sp.Symbol("k", integer=True, nonnegative=True)
ALPHA = sp.Symbol("alpha", positive=True)


def gradient_descent_closed_form(graph: Graph, learning_rate: float, start: float, steps: int) -> Trajectory:
    """Run gradient descent θ ← θ − α ∂L/∂θ on a one-parameter quadratic and compare every iterate with the
    closed form of the affine recursion it follows."""
    if len(graph.parameters) != 1 or graph.inputs:
        raise SymnetError("the gradient-descent closed form needs a loss of one parameter and no data")
    (theta,) = graph.parameters
    grads = derive(graph)
    g = sp.expand(grads.expanded(theta).xreplace({c: sp.Rational(str(v)) for c, v in graph.constants}))
    step = sp.expand(theta - ALPHA * g)  # θ_{k+1} = a θ_k + c
    a, c = step.coeff(theta), step.subs(theta, 0)
    if step.has(theta) and sp.expand(step - a * theta - c) != 0 or a.has(theta):
        raise SymnetError("the loss is not quadratic in its parameter: gradient descent is not affine")
    start_value = sp.Rational(str(start))
    if sp.simplify(a - 1) == 0:
        formula = start_value + c * K
    else:
        fixed = sp.simplify(c / (1 - a))
        formula = sp.factor_terms(fixed + a**K * (start_value - fixed))
    f = compile_graph(graph, grads)
    iterates = [float(start)]
    for _ in range(steps):
        _, grad = f.loss_and_gradient([iterates[-1]], {})
        iterates.append(iterates[-1] - learning_rate * float(grad[0]))
    numeric = sp.lambdify((K, ALPHA), formula, modules="numpy")
    closed = tuple(float(numeric(k, learning_rate)) for k in range(steps + 1))
    return Trajectory(formula, tuple(iterates), closed, learning_rate)
