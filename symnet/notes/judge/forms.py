"""The forms of statements, read off their trees: what a derivative's target and variable are, which names a
side is free of, whether an equation is between plain quantities or grounded in definitions, gradients written
as names, products of capitals that do not commute.
"""
from __future__ import annotations

import re

import sympy as sp

from ..decide.outcome import Outcome
from ..latex import Node
from ..limits import TimeLimit, time_limit
from ..read.meaning import CALL_LIKE, Context, KNOWN_FUNCTIONS, Meaning
from ..read.nodes import Undecided, _key, _show
from .state import NoteState


def _target(node: Node, meaning: Meaning):
    """What a definition's left side defines: ('value', symbol) or ('function', name, parameters), else None."""
    if node.kind in ("name", "sub"):
        return ("value", meaning.name(node))
    if node.kind == "op" and node.name == "*" and node.args[0].kind in ("name", "sub") and \
            node.args[1].kind in ("paren", "tuple"):
        f, params = node.args
        items = params.args if params.kind == "tuple" else (params.args[0],)
        if all(p.kind in ("name", "sub") for p in items):
            return ("function", _key(f), tuple(meaning.name(p) for p in items))
    if node.kind == "call" and node.args and all(a.kind in ("name", "sub") for a in node.args):
        return ("function", node.name, tuple(meaning.name(a) for a in node.args))
    if node.kind == "call" and not node.args:
        return ("value", meaning.symbol(node.name))  # a word used as a name: cost = …
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and \
            node.args[0].name in (r"\Delta", r"\delta") and node.args[1].kind in ("name", "sub"):
        value = meaning.expr(node)
        if isinstance(value, sp.Symbol):
            return ("value", value)   # ΔW_t = …: the increment is one name
    return None


def unify_indices(*exprs: sp.Expr) -> list:
    """A letter used as a subscript (η_t) and as a number (k t) in one statement is one whole number t."""
    indices = {i for e in exprs for a in e.atoms(sp.Indexed) for i in a.free_symbols - {a.base.label}
               if isinstance(i, sp.Symbol) and i.is_integer}
    real = {sp.Symbol(i.name, real=True): i for i in indices}
    return [e.xreplace(real) if real else e for e in exprs]


def meaning_free_of(node: Node, meaning: Meaning) -> set:
    """The symbols (and subscript letters, as whole numbers) a side mentions; empty where it cannot be read."""
    value = _value_or_none(meaning, node)
    if value is None:
        return set()
    return value.free_symbols | {i for e in value.atoms(sp.Indexed) for i in e.indices if isinstance(i, sp.Symbol)}


def _value_or_none(meaning: Meaning, node: Node):
    try:
        return meaning.expr(node)
    except Undecided:
        return None


def _defined_names(e: sp.Expr, ctx: Context) -> bool:
    return any(s in ctx.values for s in e.free_symbols)


def _plain(node: Node, state: NoteState) -> bool:
    """Arithmetic on names and numbers only (no function, derivative or sum): the stuff of assumptions."""
    if node.kind in ("num", "name", "sub"):
        return True
    if node.kind == "op" and node.name == "*" and node.args[1].kind in ("paren", "tuple") and \
            node.args[0].kind in ("name", "sub") and (_key(node.args[0]) in state.context.functions or
                                                     _show(node.args[0]).split("_")[0] in CALL_LIKE):
        return False   # s(z): a function applied, not a product
    if node.kind in ("op", "neg", "paren", "group", "abs"):
        return all(_plain(a, state) for a in node.args if isinstance(a, Node))
    return False


def _plain_equation(left: Node, right: Node, state: NoteState) -> bool:
    """An equation between free quantities with one side a number, a name, or a sum over a family."""
    def factor(n):
        while n.kind in ("paren", "group") and len(n.args) == 1:
            n = n.args[0]
        return n.kind in ("name", "sub") or n.kind == "transpose" and factor(n.args[0])

    def single(n):
        while n.kind in ("paren", "group") and len(n.args) == 1:
            n = n.args[0]
        # a name, a number, a sum over a family, or a product of two names (λ v, Xᵀ y, m × p): the side an
        # equation to solve or a property (A v = λ v, QᵀQ = I) has
        if n.kind == "op" and n.name == "*" and factor(n.args[0]) and factor(n.args[1]):
            return True
        return n.kind in ("num", "name", "sub") or n.kind == "sum" and n.args[2].kind in ("sub",) or \
            n.kind == "abs" and n.args[0].kind in ("name", "sub") or \
            n.kind == "op" and n.name == "*" and n.args[0].kind == "name" and \
            n.args[0].name in (r"\Delta", r"\delta") and n.args[1].kind in ("name", "sub")   # Δc
    def free(n):
        if n.kind in ("name", "sub"):
            try:
                s = Meaning(state.context).name(n)
            except Undecided:
                return False
            return not state.context.defines(s)
        if n.kind == "num":
            return True
        if n.kind in ("op", "neg", "paren", "group", "sum", "abs", "transpose"):
            return all(free(a) for a in n.args if isinstance(a, Node))
        if n.kind == "rel":
            return all(free(a) for a in n.args[1])
        return False
    return (single(left) or single(right)) and free(left) and free(right)


def _grounded(node: Node, state: NoteState) -> bool:
    """Whether a side rests on something the note or mathematics fixes: a name the note defined, a function
    (known or the note's), a derivative, e or π. A claim about names the note never defines and plain
    arithmetic only (A v = λ v, X(heads) = 1, n_out σ_w² = 1) is a property of particular objects or an
    equation to solve, not an identity: it can be a condition, never refuted."""
    if node.kind in ("deriv", "nabla", "call", "prime", "optimum"):
        return True
    if node.kind == "name":
        if node.name in ("e", r"\pi") or node.name.lstrip("\\") in KNOWN_FUNCTIONS:
            return True
    if node.kind in ("name", "sub"):
        try:
            value = Meaning(state.context).name(node)
        except Undecided:
            return False
        ctx = state.context
        return ctx.defines(value) or _key(node) in ctx.functions or _key(node) in state.matrix_names or \
            value in state.settings
    return any(isinstance(a, Node) and _grounded(a, state) for a in node.args)


def _gradient_name(node: Node) -> bool:
    return node.kind in ("name", "sub") and bool(re.match(r"^(\\(hat|tilde|bar)\{)?[A-Z]", _key(node)))


def _gradient_names(node: Node) -> Node:
    """dV = Pᵀ dO: ``d`` before a capital is the name of a gradient (dV, dO), not d times V."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "*":
        a, b = node.args
        if a.kind == "name" and a.name == "d" and _gradient_name(b):
            return Node("name", "d" + _key(b), (), a.offset)
        if a.kind == "op" and a.name == "*" and a.args[1].kind == "name" and a.args[1].name == "d" and \
                _gradient_name(b):
            return Node("op", "*", (_gradient_names(a.args[0]), Node("name", "d" + _key(b), (), b.offset)),
                        node.offset)
    if node.kind == "rel":
        return Node(node.kind, node.name, (node.args[0], tuple(_gradient_names(p) for p in node.args[1])),
                    node.offset)
    if not node.args or node.kind in ("num", "name"):
        return node
    return Node(node.kind, node.name, tuple(_gradient_names(a) for a in node.args), node.offset)


def _has_name(node: Node) -> bool:
    return node.kind in ("name", "sub", "call") or any(isinstance(a, Node) and _has_name(a) for a in node.args)


def _is_two(node: Node) -> bool:
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    return node.kind == "num" and node.name == "2"


def _is_zero(node: Node) -> bool:
    return node.kind == "num" and node.name == "0"


def _has_derivative(node: Node) -> bool:
    if node.kind in ("deriv", "nabla", "prime"):
        return True
    return any(isinstance(a, Node) and _has_derivative(a) for a in node.args)


def _derivative_variable(node: Node):
    while node.kind in ("paren", "group") and node.args:
        node = node.args[0]
    if node.kind == "deriv":
        variable = node.args[1]
        return Meaning.symbol(variable.name) if variable.kind == "name" else _key(variable)
    return None


def _capitals(e: sp.Expr) -> set:
    """The names that may be matrices (see :meth:`Meaning.symbol`): the non-commuting symbols."""
    return {s for s in e.free_symbols if isinstance(s, sp.Symbol) and not s.is_commutative}


def _capital_products(e: sp.Expr) -> bool:
    """Whether a product of two capitals occurs (X W might be a matrix product), or a power of one."""
    caps = _capitals(e)
    if not caps:
        return False

    def capital(f):
        return f in caps or (f.is_Pow and f.base in caps)
    return any(sum(1 for f in m.args if capital(f)) >= 2 for m in e.atoms(sp.Mul)) or \
        any(p.base in caps for p in e.atoms(sp.Pow))


def _noncommutative(left: sp.Expr, right: sp.Expr, relation: str, budget: float) -> Outcome:
    """Only a symbolic proof verifies a claim about products of capitals (random numbers would commute)."""
    if relation != "=":
        raise Undecided("an inequality between products of capitals (maybe matrices)")
    try:
        with time_limit(budget):
            if sp.expand(left - right) == 0:
                return Outcome("verified", "symbolically, with products kept in their written order (so whether the capitals are "
                                             "numbers or matrices)")
    except TimeLimit:
        pass
    raise Undecided("products of capitals (maybe matrices) are checked only symbolically, and this was not shown")
