"""What a note's formulas assume: bounds (``\\eta > 0``, ``0 < \\eta\\lambda < 2``), index ranges
(``1 \\le i \\le n``), memberships and shapes (``x \\in \\mathbb{R}^d``, ``y \\in \\{0, 1\\}``), normal
distributions and stated moments, read into the records of :mod:`symnet.notes.read.facts` (the prose's
assumptions are :mod:`symnet.notes.read.prose`'s).

>>> from symnet.notes.latex import parse
>>> read_formula(parse(r"y \\in \\{0, 1\\}"), line=3).sets
(ValueSet(name='y', values=(0, 1), source=Source(line=3, quote='', scope='')),)
"""
from __future__ import annotations

import sympy as sp

from ..latex import Node
from .facts import Bound, Distribution, Facts, IndexRange, Label, Moment, Shape, Source, ValueSet, plain
from .meaning import Context, Meaning
from .nodes import Undecided

# -- facts from a formula ----------------------------------------------------------------------------------

_BOUND_OPS = {"<", ">", "≤", "≥", "≠"}
_FLIP = {"<": ">", ">": "<", "≤": "≥", "≥": "≤", "≠": "≠"}
_INTEGER_SETS = {r"\mathbb{N}", r"\mathbb{Z}"}


def _sympy(node: Node) -> sp.Expr | None:
    """A node's value by the note grammar's meaning (no eval); None when it has none."""
    try:
        return Meaning(Context.empty()).expr(node)
    except (Undecided, ValueError, TypeError, AttributeError):
        return None


def _name_of(node: Node) -> str | None:
    if node.kind == "name":
        return plain(node.name)
    if node.kind == "sub" and node.args[0].kind == "name":
        return plain(node.args[0].name)
    return None


def read_formula(tree: Node, line: int | None = None) -> Facts:
    """The assumptions a formula states: bounds, ranges, memberships, labels summing to one, stated moments.

    The caller decides that the formula *is* an assumption (``\\eta > 0`` after "let"; ``\\mathbb{E}[x] = \\mu``
    when stated, not claimed); memberships (``∈``) always are.
    """
    source = Source(line=line)
    if tree.kind == "shape":
        return _shape(tree, source)
    if tree.kind == "tuple" and tree.args and tree.args[-1].kind == "rel":
        # q, k \in \mathbb{R}^{d}: the names before the relation share it
        *names, rel = tree.args
        ops, parts = rel.args
        if ops == ("∈",):
            facts = Facts()
            for n in (*names, parts[0]):
                facts = facts.merge(_membership(n, parts[1], source))
            return facts
        return Facts()
    if tree.kind != "rel":
        return Facts()
    ops, parts = tree.args
    if ops == ("∈",):
        return _membership(parts[0], parts[1], source)
    if all(op in _BOUND_OPS for op in ops):
        return _bounds(ops, parts, source)
    if ops in (("∼",), ("~",)):
        return _distribution(parts[0], parts[1], source)
    if ops == ("=",):
        return _equation(parts[0], parts[1], source)
    return Facts()


def _bounds(ops: tuple, parts: tuple, source: Source) -> Facts:
    values = [_sympy(p) for p in parts]
    bounds = []
    for k, op in enumerate(ops):
        left, right = values[k], values[k + 1]
        if left is None or right is None:
            continue
        # the side with names is the subject: 0 < η becomes η > 0
        if not left.free_symbols and right.free_symbols:
            left, right, op = right, left, _FLIP[op]
        bounds.append(Bound(left, op, right, source))
    ranges = []
    if len(ops) == 2 and ops[0] == ops[1] and ops[0] in ("≤", "<") and parts[1].kind == "name" \
            and values[0] is not None and values[0].is_Integer and values[2] is not None:
        # 1 ≤ i ≤ n (or 0 < i < n: shifted to inclusive bounds)
        low, high = values[0], values[2]
        if ops[0] == "<":
            low, high = low + 1, high - 1
        ranges.append(IndexRange(parts[1].name, low, high, source))
    return Facts(bounds=tuple(bounds), ranges=tuple(ranges))


def _shape(tree: Node, source: Source) -> Facts:
    """The grammar's own reading of ``q, k \\in \\mathbb{R}^{d}``: shape(R: subject, (dims…))."""
    subject, dims = tree.args[0], tree.args[1] if len(tree.args) > 1 else ()
    names = subject.args if subject.kind == "tuple" else (subject,)
    values = tuple(_sympy(d) for d in dims) if isinstance(dims, tuple) else ()
    if any(v is None for v in values) or tree.name not in ("R", r"\mathbb{R}"):
        return Facts()
    return Facts(shapes=tuple(Shape(n, values, source) for n in map(_name_of, names) if n is not None))


def _membership(left: Node, right: Node, source: Source) -> Facts:
    name = _name_of(left)
    if name is None:
        return Facts()
    if right.kind == "name" and right.name == r"\mathbb{R}":
        return Facts(shapes=(Shape(name, (), source),))
    if right.kind == "op" and right.name == "^" and right.args[0].kind == "name" and right.args[0].name == r"\mathbb{R}":
        dims, stack = [], [right.args[1]]
        while stack:
            d = stack.pop(0)
            d = d.args[0] if d.kind in ("group", "paren") and len(d.args) == 1 else d
            if d.kind == "op" and d.name == "*":
                stack = list(d.args) + stack
                continue
            value = _sympy(d)
            if value is None:
                return Facts()
            dims.append(value)
        return Facts(shapes=(Shape(name, tuple(dims), source),))
    if right.kind == "name" and right.name in _INTEGER_SETS:
        return Facts(ranges=(IndexRange(name, sp.S.Zero if right.name.endswith("N}") else -sp.oo, sp.oo, source),))
    if right.kind in ("set", "braces", "tuple") and right.args:
        items = [a for a in right.args if isinstance(a, Node)]
        if any(a.kind in ("elision", "dots") for a in items) and len(items) >= 3:
            low, high = _sympy(items[0]), _sympy(items[-1])
            if low is not None and high is not None:
                return Facts(ranges=(IndexRange(name, low, high, source),))
            return Facts()
        values = [_sympy(a) for a in items]
        if all(v is not None and v.is_number for v in values):
            return Facts(sets=(ValueSet(name, tuple(values), source),))
    return Facts()


def _distribution(left: Node, right: Node, source: Source) -> Facts:
    r"""x \sim \mathcal{N}(\mu, \sigma^2)."""
    name = _name_of(left)
    if name is None or right.kind != "op" or right.name != "*" or right.args[0].kind != "name" or \
            right.args[0].name not in (r"\mathcal{N}", "N") or right.args[1].kind != "tuple" or len(right.args[1].args) != 2:
        return Facts()
    mean, variance = (_sympy(a) for a in right.args[1].args)
    if mean is None or variance is None:
        return Facts()
    return _normal(name, mean, variance, source)


def _normal(name: str, mean: sp.Expr, variance: sp.Expr, source: Source) -> Facts:
    return Facts(moments=(Moment(name, "mean", mean, True, source), Moment(name, "variance", variance, True, source)),
                 distributions=(Distribution(name, "normal", source),))


def _equation(left: Node, right: Node, source: Source) -> Facts:
    r"""\sum_i y_i = 1 (a label summing to one); \mathbb{E}[x] = \mu, \mathrm{Var}(x) = \sigma^2 (stated moments)."""
    value = _sympy(right)
    if left.kind == "sum" and value == 1:
        body = left.args[2]
        name = _name_of(body) if body.kind == "sub" else None
        if name is not None:
            return Facts(labels=(Label(name, "sums-to-one", True, source),))
    if left.kind == "call" and left.name in ("E", "Var") and len(left.args) == 1 and value is not None:
        inner = left.args[0]
        name = _name_of(inner)
        if name is not None:
            return Facts(moments=(Moment(name, "mean" if left.name == "E" else "variance", value, True, source),))
        if inner.kind == "op" and inner.name == "^" and _name_of(inner.args[0]) and _sympy(inner.args[1]) == 2 \
                and left.name == "E":
            return Facts(moments=(Moment(_name_of(inner.args[0]), "second", value, True, source),))
    return Facts()


def read_memberships(tree: Node, line: int | None = None) -> Facts:
    """Only the memberships a formula states (``x \\in \\mathbb{R}^d``): these are assumptions wherever they stand."""
    if tree.kind == "shape" or tree.kind == "rel" and tree.args[0] == ("∈",) or \
            tree.kind == "tuple" and tree.args and tree.args[-1].kind == "rel" and tree.args[-1].args[0] == ("∈",):
        return read_formula(tree, line)
    return Facts()


__all__ = ["read_formula", "read_memberships"]
