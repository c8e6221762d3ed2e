"""What the newer node kinds of the grammar mean (see :mod:`symnet.notes.latex`), for :class:`Meaning`.

- ``piecewise`` (``\\begin{cases}``): :class:`sympy.Piecewise`, each case's condition a SymPy relation; a case
  without a condition ("otherwise") is the default.
- ``evaluate`` (``\\left. f \\right|_{x=0}``, ``f\\Big|_{a}^{b}``): the body with the variable replaced by the
  point, or the difference between the upper and the lower point.
- ``integral``: undecided (integrals are not evaluated).
- ``shape`` (``X \\in \\mathbb{R}^{n \\times d}``), ``signature`` (``f: A \\to B``), ``set``, ``range``
  (``i = 1, \\ldots, n``), ``symbol``, ``condition``, ``given`` (``y \\mid x``), ``continued`` (the end of the
  previous display), ``dots`` (an ellipsis outside a pattern), ``nabla2``: undecided, each with its reason.
  They are declarations or mentions: verify reads them, it does not evaluate them.

:func:`shape_declaration` gives the sizes a shape declaration states, for the matrix checks.
"""
from __future__ import annotations

import re

import sympy as sp

from ..latex import Node
from .nodes import Undecided

#: The kinds this module gives a meaning to (or a reason for having none).
KINDS = frozenset({"binary", "piecewise", "evaluate", "integral", "shape", "signature", "set", "range", "symbol",
                   "condition", "given", "continued", "dots", "nabla2", "case", "rows"})

REASONS = {
    "binary": "⊗, ⊕ and set operations (∩ ∪ ∖) are not evaluated",
    "integral": "integrals are not evaluated",
    "shape": "a shape declaration (X ∈ ℝ^{n×d}) states sizes; it is not a value",
    "signature": "a signature f: A → B states a function's domain; it is not a value",
    "set": "sets are mentioned, not evaluated",
    "range": "a range of values (i = 1, …, n) is a declaration, not a value",
    "symbol": "a sign on its own is mentioned, not evaluated",
    "condition": "a condition (for …, where …) is not a value",
    "given": "a conditional (y | x) is evaluated only inside a probability symnet defines",
    "continued": "the display continues a previous one whose end is not known here",
    "dots": "an ellipsis outside a sum or product pattern (x_1 + … + x_n) is not evaluated",
    "nabla2": "a Hessian or Laplacian ∇² is not evaluated",
    "case": "a case outside its piecewise definition",
    "rows": "several claims inside one expression",
}
_RELATIONS = {"=": sp.Eq, "<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge, "≠": sp.Ne}


def meaning(m, node: Node) -> sp.Expr:
    """The SymPy value of ``node`` (a kind in :data:`KINDS`), using ``m`` (a :class:`Meaning`) for its parts;
    raises :class:`Undecided` with the reason where there is no value."""

    if node.kind == "piecewise":
        return piecewise(m, node)
    if node.kind == "evaluate":
        return evaluation(m, node)
    raise Undecided(REASONS[node.kind])


def condition(m, node: Node):
    """A case's condition as a SymPy boolean: ``x > 0``, ``0 \\le x < 1`` (a chain: both), ``x \\ne 0``."""

    if node.kind != "rel":
        raise Undecided("a case's condition that is not a comparison")
    ops, parts = node.args
    values = [m.expr(p) for p in parts]
    links = []
    for op, a, b in zip(ops, values, values[1:]):
        if op not in _RELATIONS:
            raise Undecided(f"a case's condition with {op}")
        links.append(_RELATIONS[op](a, b))
    return sp.And(*links)


def piecewise(m, node: Node) -> sp.Expr:
    """``\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`` as ``Piecewise((1, x > 0), (0, True))``."""

    pairs = []
    for case in node.args:
        value, cond = case.args
        pairs.append((m.expr(value), sp.true if cond is None else condition(m, cond)))
    if not pairs:
        raise Undecided("a piecewise definition without cases")
    return sp.Piecewise(*pairs)


def _point(m, node: Node) -> tuple:
    """``x = 0`` → (x, 0)."""

    if node is None or node.kind != "rel" or node.args[0] != ("=",):
        raise Undecided("an evaluation bar without a point x = a")
    variable, value = node.args[1]
    return m.expr(variable), m.expr(value)


def evaluation(m, node: Node) -> sp.Expr:
    """``f|_{x=a}`` is f at x = a; ``F|_{x=a}^{b}`` is F(b) − F(a)."""

    body, lower, upper = node.args
    value = m.expr(body)
    variable, at = _point(m, lower)
    if not isinstance(variable, (sp.Symbol, sp.Indexed)):
        raise Undecided("an evaluation bar at something other than a name")
    if upper is None:
        return value.subs(variable, at)
    return value.subs(variable, m.expr(upper)) - value.subs(variable, at)


def shape_declaration(node: Node) -> dict:
    """``X \\in \\mathbb{R}^{n \\times d}`` (or ``x, y \\in \\mathbb{R}^d``): {subject node: (size nodes…)}; an
    empty tuple of sizes declares a scalar."""
    if node.kind != "shape":
        return {}
    subject, sizes = node.args
    subjects = subject.args if subject.kind == "tuple" else (subject,)
    return {s: sizes for s in subjects if s.kind != "dots"}


def claims(tree: Node) -> tuple[Node, ...]:
    """The claims a formula makes, in order: each ``rel`` of a ``rows`` node (an alignment, a list of
    equations), or the tree itself; ``condition`` rows (``\\text{for } x > 0``) and declarations are not claims."""
    rows = tree.args if tree.kind == "rows" else (tree,)
    return tuple(r for r in rows if r.kind == "rel")


_DEFINED_WORD = re.compile(r"^\s*(?:\\(?:mathrm|operatorname|text)\{)?([A-Za-z]{2,})\}?\s*(?:\(|=|:=|\\coloneqq|"
                           r"\\triangleq|\\equiv|\\stackrel)")


def defined_word(text: str) -> str | None:
    """The multi-letter word a formula defines, written bare or in \\mathrm: ``LSE(z) = …`` → ``LSE``
    (give the note's words to :func:`symnet.notes.latex.parse` as ``names`` for the formulas after it)."""
    m = _DEFINED_WORD.match(text)
    return m.group(1) if m else None
