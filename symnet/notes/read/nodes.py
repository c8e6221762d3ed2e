"""The read stage's small pieces, shared by its modules and the stages above: :class:`Undecided` (why a formula
cannot be decided), the names of parsed nodes (``_key``, ``_show``, ``_ungroup``), families of real numbers
(``x_i`` as :class:`FamilyBase`, their sizes) and :func:`expand`, which writes defined names out.
"""
from __future__ import annotations

import sympy as sp

from ..latex import Node


class Undecided(Exception):
    """The formula cannot be decided: why (assumptions missing, notation symnet does not evaluate)."""


class FamilyBase(sp.IndexedBase):
    """A family of real numbers: real however SymPy rebuilds it (Sum.doit and xreplace rebuild bases from
    their arguments alone, which would drop an assumption given as a keyword)."""

    def __new__(cls, label, shape=None, **kwargs):
        kwargs.setdefault("real", True)
        return super().__new__(cls, label, shape, **kwargs)


def family_base(name: str) -> sp.IndexedBase:
    """The family ``name`` (x_1, x_2, …): its label is not the scalar ``name`` (a note may use both x and x_i)."""
    return FamilyBase(sp.Symbol(name))


def family_size(name: str) -> sp.Symbol:
    """How many members a family has, when the note does not say: one size symbol per family, |z|."""
    return sp.Symbol(f"|{name}|", integer=True, positive=True)


def _ungroup(node: Node) -> Node:
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    return node


def _key(node: Node) -> str:
    if node.kind == "name":
        return node.name
    if node.kind == "sub":
        return node.args[0].name + "_{" + ",".join(_show(a) for a in node.args[1:]) + "}"
    return _show(node)


def _show(node: Node) -> str:
    if node.kind in ("name", "num", "call"):
        return node.name
    if node.kind == "sub":
        return f"{_show(node.args[0])}_{','.join(_show(a) for a in node.args[1:])}"
    return node.kind


def expand(e: sp.Expr, values: dict, hold: set = frozenset(), memo: dict | None = None) -> sp.Expr:
    """Substitute definitions, each name's expansion computed once (names in ``hold`` stay)."""
    memo = {} if memo is None else memo
    active: set = set()

    def of(name):
        if name in memo:
            return memo[name]
        if name in active:
            raise Undecided("the definitions refer to each other in a circle")
        active.add(name)
        value = values[name] if name in values else values[name.base](*name.indices)  # a family member
        if name not in values and value.has(name):
            memo[name] = name   # η_0 in η_t = η_0 / (1 + k t): the member the family is built on stays a leaf
        else:
            memo[name] = sub(value)
        active.discard(name)
        return memo[name]

    def sub(x):
        names = [a for a in _defined_in(x, values) if a not in hold and
                 not (isinstance(a, sp.Indexed) and a.base in hold)]
        return x.xreplace({a: of(a) for a in names}) if names else x

    return sub(e)


def _defined_in(e: sp.Expr, values: dict) -> list:
    """The defined names in ``e``: symbols, family entries (x_2 = …), and members of defined families."""
    found = [a for a in e.atoms(sp.Indexed) if a in values or a.base in values]
    return found + [a for a in e.free_symbols if isinstance(a, sp.Symbol) and a in values]


def names_in(node) -> set:
    """The plain names written anywhere in a parsed node (``p`` in ``n p(1 - p)``)."""
    if not isinstance(node, Node):
        return set()
    found = {node.name} if node.kind == "name" else set()
    for a in node.args:
        for b in (a if isinstance(a, tuple) else (a,)):
            found |= names_in(b)
    return found


def numeric(node) -> bool:
    """A number written with arithmetic and no names (2, −1, 3/4, 10^4)."""
    if not isinstance(node, Node):
        return False
    if node.kind == "num":
        return True
    if node.kind in ("op", "neg", "paren", "group") and node.args:
        return all(numeric(a) for a in node.args)
    return False
