"""Reverse mode: walk the graph's program backwards once, giving each node one adjoint ``∂L/∂v``.

The adjoint of a node is the sum, over the nodes ``c`` that use it, of ``∂L/∂c · ∂c/∂v``. It is assigned
once to its own name and every later use refers to that name — the cached partials of backprop. The local
partials ``∂c/∂v`` come from :data:`symnet.algebra.rules.RULES`; the driver never calls ``sympy.diff``.

>>> from symnet.models.scalar_blocks import linear_regression
>>> grads = derive(linear_regression())
>>> grads.expanded(grads.graph.symbol("w"))
2*distance*(b + distance*w - price)
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Mapping

import sympy as sp

from ..errors import GraphError, NoRuleError
from .graph import Assignment, Graph, parameters_named, times, to_latex
from .matrix import is_matrix, matmul
from .rules import MATRIX_RULES, RULES, Rule
from .views import Shown


@dataclass(frozen=True)
class Step:
    """One line of the chain rule: ``∂L/∂v = Σ_c ∂L/∂c · ∂c/∂v``."""

    node: sp.Symbol
    adjoint: sp.Expr                              # the name that holds ∂L/∂v (or its value when trivial)
    terms: tuple[tuple[sp.Symbol, sp.Expr], ...]  # (c, ∂c/∂v) per node c using v; at matrix level (c, VJP)
    value: sp.Expr                                # Σ_c ∂L/∂c · ∂c/∂v in the program's names


@dataclass(frozen=True, repr=False)
class Gradients(Shown):
    """Closed-form gradients of a graph's loss, as a program and (on request) expanded."""

    graph: Graph
    program: tuple[Assignment, ...]
    adjoints: Mapping[sp.Symbol, sp.Expr]
    steps: tuple[Step, ...]
    wrt: tuple[sp.Symbol, ...]

    def __getitem__(self, parameter: sp.Symbol | str) -> sp.Expr:
        """``∂L/∂parameter`` in the program's names (an adjoint name, or 0 when the loss does not use it)."""
        p = self.graph.symbol(parameter) if isinstance(parameter, str) else parameter
        return self.adjoints.get(p, sp.S.Zero)

    @cached_property
    def _adjoints_in_nodes(self) -> dict[sp.Symbol, sp.Expr]:
        # each adjoint written in node, input and parameter names (adjoints referring to earlier adjoints)
        out: dict[sp.Symbol, sp.Expr] = {}
        for a in self.program:
            out[a.target] = a.expression.xreplace(out)
        return out

    @cached_property
    def _nodes_expanded(self) -> dict[sp.Symbol, sp.Expr]:
        return self.graph.expanded()

    def expanded(self, parameter: sp.Symbol | str) -> sp.Expr:
        """``∂L/∂parameter`` written out in inputs, parameters and constants, common factors pulled out
        (``2x(wx + b − y)``, not ``2wx² + 2bx − 2xy``). This can swell for deep networks. At matrix level
        only the adjoints are written out, in the forward pass's names."""
        in_nodes = self[parameter].xreplace(self._adjoints_in_nodes)
        if is_matrix(in_nodes):
            # matrix level: the whiteboard form, in the forward pass's names (Xᵀ[(δ W₂ᵀ) ∘ (𝟙 − A₁∘A₁)])
            return in_nodes
        full = in_nodes.xreplace(self._nodes_expanded)
        # factor each term on its own: 2λw + 2x(σ − y)σ(1 − σ) rather than 2(λw + x(σ − y)σ(1 − σ))
        return sp.Add(*[sp.factor_terms(t) for t in sp.Add.make_args(full)])

    @cached_property
    def latex_names(self) -> dict[sp.Symbol, str]:
        """LaTeX for the graph's names and for each adjoint (``\\frac{\\partial L}{\\partial v}``)."""
        names = dict(self.graph.latex_map)
        for s in self.steps:
            if isinstance(s.adjoint, (sp.Symbol, sp.MatrixSymbol)) and s.adjoint not in names:
                names[s.adjoint] = adjoint_latex(self.graph, s.node)
        return names

    def latex(self, expr: sp.Expr) -> str:
        return to_latex(expr, self.latex_names)

    @property
    def operation_count(self) -> int:
        """Operations in the gradient program (``sympy.count_ops`` summed over its assignments)."""
        return sum(sp.count_ops(a.expression) for a in self.program)


def local_partials(expression: sp.Expr, value: sp.Expr, wanted: set[sp.Symbol],
                   rules: Mapping[type, Rule] = RULES) -> dict[sp.Symbol, sp.Expr]:
    """``{u: ∂expression/∂u}`` for the wanted symbols in one node's expression, by the rules table.

    ``value`` stands for the whole expression (the node's own name), so rules can reuse it.

    >>> x, a = sp.symbols("x a")
    >>> local_partials(sp.tanh(x), a, {x})
    {x: 1 - a**2}
    """
    acc: dict[sp.Symbol, list[sp.Expr]] = defaultdict(list)

    def visit(e: sp.Expr, seed: sp.Expr, y: sp.Expr) -> None:
        if e.is_Symbol:
            acc[e].append(seed)
            return
        rule = _rule_for(e, rules)
        partials = rule(y, *e.args)
        for arg, p in zip(e.args, partials):
            if arg.free_symbols & wanted:
                visit(arg, times(seed, p), arg)

    if expression.free_symbols & wanted:
        visit(expression, sp.S.One, value)
    return {u: sp.Add(*terms) for u, terms in acc.items() if u in wanted}


def local_vjps(expression: sp.Expr, value: sp.Expr, adjoint: sp.Expr, wanted: set[sp.Basic],
               rules: Mapping[type, Rule] = RULES,
               matrix_rules: Mapping[type, Rule] = MATRIX_RULES) -> dict[sp.Basic, sp.Expr]:
    """``{u: ∂L/∂u}`` contributed through one matrix-level node, given the node's adjoint ``∂L/∂value``.

    Matrix operations use vector-Jacobian rules (``G ↦ (G Bᵀ, Aᵀ G)`` for ``A B``); scalar operations in a
    loss (sums, products with λ or 1/n) use the scalar rules times the scalar adjoint.
    """
    acc: dict[sp.Basic, list[sp.Expr]] = defaultdict(list)

    def visit(e: sp.Expr, G: sp.Expr, y: sp.Expr) -> None:
        if isinstance(e, (sp.Symbol, sp.MatrixSymbol)):
            acc[e].append(G)
            return
        rule = _rule_for(e, matrix_rules, required=False)
        if rule is not None:
            vjps = rule(y, G, *e.args)
        else:
            vjps = tuple(matmul(G, p) if is_matrix(G) else times(G, p) for p in _rule_for(e, rules)(y, *e.args))
        for arg, v in zip(e.args, vjps):
            if arg.free_symbols & wanted:
                if v is None:
                    raise NoRuleError(f"no derivative of {type(e).__name__} with respect to {arg}")
                visit(arg, v, arg)

    if expression.free_symbols & wanted:
        visit(expression, adjoint, value)
    return {u: terms[0] if len(terms) == 1 else _sum(terms) for u, terms in acc.items() if u in wanted}


def _sum(terms: list[sp.Expr]) -> sp.Expr:
    if len(terms) == 1:
        return terms[0]
    # MatAdd(...).doit() collects like terms: R + R is 2R
    return sp.MatAdd(*terms).doit() if is_matrix(terms[0]) else sp.Add(*terms)


def _rule_for(e: sp.Expr, rules: Mapping[type, Rule], required: bool = True) -> Rule | None:
    for cls in type(e).__mro__:
        if cls in rules:
            return rules[cls]
    if not required:
        return None
    fallback = _sympy_rule(e)
    if fallback is not None:
        return fallback
    raise NoRuleError(f"no derivative rule for {type(e).__name__} (in {e}); add one to the rules table")


def _sympy_rule(e: sp.Expr) -> Rule | None:
    """For an elementary function the table has no line for (atan, sinh, asinh …): its local partials by
    ``sympy.diff`` of ``f(u_1, …, u_k)`` in fresh symbols, the arguments put back afterwards. An undefined
    function, or one SymPy can only leave as ``Derivative(…)``, has no rule (None)."""
    if not isinstance(e, sp.Function) or isinstance(e, sp.core.function.AppliedUndef) or not e.args:
        return None
    dummies = [sp.Dummy(f"u{i}", real=True) for i in range(len(e.args))]
    applied = e.func(*dummies)
    partials = []
    for u in dummies:
        d = sp.diff(applied, u)
        if d.has(sp.Derivative, sp.Subs):
            return None
        partials.append(d)

    def rule(y, *args):
        values = dict(zip(dummies, args))
        return tuple(p.xreplace(values) for p in partials)
    return rule


def adjoint_latex(graph: Graph, v: sp.Symbol) -> str:
    """LaTeX for ``∂L/∂v``."""
    return r"\frac{\partial %s}{\partial %s}" % (graph.latex(graph.loss), graph.latex(v))


def derive(graph: Graph, wrt: Iterable[str | sp.Symbol] | None = None,
           rules: Mapping[type, Rule] | None = None, matrix_rules: Mapping[type, Rule] | None = None) -> Gradients:
    """Reverse-mode closed-form gradients of ``graph.loss`` with respect to ``wrt`` (default: all parameters).

    ``rules`` replaces the rules table (the tests pass a deliberately wrong one as a negative control).
    """
    rules = RULES if rules is None else rules
    matrix_rules = MATRIX_RULES if matrix_rules is None else matrix_rules
    if wrt is None:
        targets = graph.parameters
    else:
        names = [w if isinstance(w, str) else w.name for w in wrt]
        targets = tuple(parameters_named(graph, names))
    # forward pass: which nodes depend on the chosen parameters (only those need an adjoint)
    live: set[sp.Symbol] = set(targets)
    for a in graph.assignments:
        if a.expression.free_symbols & live:
            live.add(a.target)
    if graph.loss not in live:
        raise GraphError(f"the loss {graph.loss} does not depend on {', '.join(t.name for t in targets)}")

    # for each node v: (c, local, contribution) per node c that uses it; local is ∂c/∂v (scalar level) or the
    # vector-Jacobian product itself (matrix level), contribution is ∂L/∂c · ∂c/∂v
    contributions: dict[sp.Symbol, list[tuple[sp.Symbol, sp.Expr, sp.Expr]]] = defaultdict(list)
    adjoints: dict[sp.Symbol, sp.Expr] = {}
    program: list[Assignment] = []
    steps: list[Step] = []

    def settle(v: sp.Symbol) -> sp.Expr | None:
        """Sum the contributions to ∂L/∂v once; name the sum unless it is already a name or a number."""
        terms = contributions.pop(v, None)
        if v == graph.loss:
            adj: sp.Expr = sp.S.One
            steps.append(Step(v, adj, (), adj))
        elif not terms:
            return None
        else:
            # ∂L/∂v = Σ_c ∂L/∂c · ∂c/∂v over every node c that uses v
            value = _sum([contribution for _, _, contribution in terms])
            if isinstance(value, (sp.Symbol, sp.MatrixSymbol)) or value.is_Number:
                adj = value
            else:
                name = f"d{graph.loss.name}_d{v.name}"
                adj = sp.MatrixSymbol(name, *v.shape) if is_matrix(v) else sp.Symbol(name, real=True)
                program.append(Assignment(adj, value, "adjoint"))
            steps.append(Step(v, adj, tuple((c, local) for c, local, _ in terms), value))
        adjoints[v] = adj
        return adj

    # a partial that recomputes a forward node (softmax's exp(z_j − s) is the output p_j) reuses its name
    reuse = {a.expression: a.target for a in graph.assignments if not a.expression.is_Atom}
    for a in reversed(graph.assignments):
        if a.target not in live or settle(a.target) is None:
            continue
        adj = adjoints[a.target]
        if graph.is_matrix:
            for u, vjp in local_vjps(a.expression, a.target, adj, live, rules, matrix_rules).items():
                vjp = vjp.xreplace(reuse)
                contributions[u].append((a.target, vjp, vjp))
        else:
            for u, p in local_partials(a.expression, a.target, live, rules).items():
                p = p.xreplace(reuse)
                contributions[u].append((a.target, p, times(adj, p)))
    for p in targets:
        if settle(p) is None:
            adjoints[p] = sp.S.Zero
    return Gradients(graph, tuple(program), adjoints, tuple(steps), tuple(targets))
