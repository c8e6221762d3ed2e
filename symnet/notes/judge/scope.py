"""What a claim rests on in its note: the definitions and functions it uses and the sections they come from,
names the note never speaks of, recurrence members and indices both free and summed. The doubts in
:mod:`.claims` ask these before a verdict is given."""
from __future__ import annotations

import re

import sympy as sp

from ..latex import Node
from ..read.meaning import KNOWN_FUNCTIONS, Meaning
from ..read.nodes import Undecided, _key, _show
from .doubt import children, written_names
from .forms import _has_derivative
from .state import NoteState


def written_symbols(node, state: NoteState, meaning: Meaning | None = None):
    """Each name written in a side with its key and its symbol (None where either cannot be read)."""
    meaning = meaning or Meaning(state.context)
    for n in written_names(node):
        try:
            key = _key(n)
        except Undecided:
            key = None
        try:
            symbol = meaning.name(n)
        except Undecided:
            symbol = None
        yield n, key, symbol


def _named_values(node: Node, state: NoteState) -> set:
    """The names a side writes whose value comes from a definition (not a setting of this paragraph)."""
    found = {_show(n) for n, _, symbol in written_symbols(node, state)
             if symbol is not None and symbol in state.context.values and symbol not in state.settings}
    # p(5) with p defined in another section (another distribution, another exercise)
    found |= {f"{name}(…)" for name in _applied_names(node)
              if name in state.context.functions and not _same_section(state.lines.get(name), state)}
    return found


def _applied_names(node) -> set:
    if not isinstance(node, Node):
        return set()
    found = set()
    if node.kind == "call":
        found.add(node.name)
    if node.kind == "op" and node.name == "*" and node.args[1].kind in ("paren", "tuple"):
        head = node.args[0]
        while head.kind == "op" and head.name == "*" and len(head.args) == 2:
            head = head.args[1]     # 2T(n/2): the factor right before the bracket
        if head.kind == "name":
            found.add(head.name)
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "prime" and node.args[0].args and \
            isinstance(node.args[0].args[0], Node) and node.args[0].args[0].kind == "name" and \
            node.args[1].kind in ("paren", "tuple"):
        found.add(node.args[0].args[0].name)   # f'(x_0): the note's f, differentiated
    for child in children(node):
        found |= _applied_names(child)
    return found


def _free_family_members(left, right, state: NoteState) -> str | None:
    """A family the note does not define that the claim uses at two or more different indices (N_h, N_{h−1};
    T_k, T_{k−1}): the claim relates its members, which only a definition could settle."""
    members: dict = {}
    for e in (left, right):
        for x in e.atoms(sp.Indexed):
            members.setdefault(x.base.label, set()).add(x.indices)
    for label, indices in members.items():
        if len(indices) < 2 or state.context.defines(label) or label in state.context.values:
            continue
        ordered = sorted(indices, key=str)
        for a in ordered:
            for b in ordered:
                # the same index shifted (N_h and N_{h−1}, T_k and T_{k−2}): a recurrence's members
                if a != b and len(a) == len(b) and \
                        all((x - y).is_Integer for x, y in zip(a, b)) and any(not x.is_number for x in a):
                    return str(label)
    return None


def _index_clash(left_node: Node, right_node: Node, state: NoteState) -> str | None:
    """∂β_j/∂w_{hj} with β_j = Σ_h w_{hj} b_h: the derivative's index h is also the sum's bound index."""
    letters = set()
    for node in (left_node, right_node):
        for variable in _derivative_nodes(node):
            if variable.kind == "sub":
                letters |= {a.name for a in variable.args[1:] if isinstance(a, Node) and a.kind == "name"}
            elif variable.kind == "name" and "_" in variable.name:
                # w_{hj} kept whole as a name: its subscript's letters
                letters |= set(re.sub(r"\\[A-Za-z]+|[^A-Za-z]", "", variable.name.split("_", 1)[1]))
    if not letters:
        return None
    bound = set()
    for value in state.context.values.values():
        if isinstance(value, sp.Basic):
            for op in value.atoms(sp.Sum):
                bound |= {str(v).lstrip("_") for v, *_ in op.limits}
    clash = sorted(letters & bound)
    return clash[0] if clash else None


def _derivative_nodes(node) -> list:
    if not isinstance(node, Node):
        return []
    found = [node.args[1]] if node.kind == "deriv" and len(node.args) > 1 and isinstance(node.args[1], Node) else []
    for child in children(node):
        found += _derivative_nodes(child)
    return found


def _undefined_derivative(node, state: NoteState) -> str | None:
    """The name of a function written with primes (f'', f_2') that neither the note nor symnet defines."""
    if not isinstance(node, Node):
        return None
    if node.kind == "op" and node.name == "*":
        return _undefined_derivative(node.args[0], state)
    index = ""
    if node.kind == "sub" and node.args and node.args[0].kind == "prime":
        index = "_" + _show(node.args[1]) if len(node.args) > 1 else ""
        node = node.args[0]
    if node.kind != "prime":
        return None
    while node.kind == "prime":
        node = node.args[0]
    if node.kind not in ("name", "sub", "call"):
        return None
    base = _show(node) + index
    known = {base, _key(node) if node.kind != "call" else node.name, node.name}
    if any(k in state.context.functions or k.lstrip("\\") in KNOWN_FUNCTIONS for k in known if k):
        return None
    return base


def _same_section(line, state: NoteState) -> bool:
    """Whether a definition's line is in the section being read."""
    # a definition in another notebook cell has no record under this cell (cells are sections of their own)
    return line is not None and state.line_sections.get((state.section[0], line)) == state.section


def _defined_written(node: Node, state: NoteState, offered: bool = True) -> bool:
    """Whether a side writes a name the note defined (scalar or matrix), or a function the note defined.
    ``offered=False``: a definition merely offered to the matrix reading (x = 1·x = (x⁻¹x)x …) does not count,
    only one written with matrix notation."""
    for _, key, symbol in written_symbols(node, state):
        if key is not None and (offered and key in state.matrices.definitions or key in state.matrix_names or
                                symbol is not None and state.context.defines(symbol)):
            return True
    return _has_derivative(node) or _calls_defined(node, state)


def _calls_defined(node, state: NoteState) -> bool:
    """Whether a side applies a function the note defines (f(6), x(0) with the note's x(t), f'(x_0))."""
    return bool(_applied_names(node) & set(state.context.functions))


def foreign_functions(nodes, state: NoteState) -> list:
    """The note's functions a claim applies whose definition is in another section (the note may mean another
    one there)."""
    return sorted(name for node in nodes for name in _applied_names(node)
                  if name in state.context.functions and not _same_section(state.lines.get(name), state))


def _undeclared(node: Node, state: NoteState) -> set:
    """Names written in a side that no definition, declaration or matrix definition of the note speaks of."""
    matrices = state.matrices
    known = set(matrices.leaves) | set(matrices.definitions)
    for right in matrices.definitions.values():
        known |= {_key(n) for n in written_names(right) if n.kind in ("name", "sub")}
    return {_show(n) for n, key, symbol in written_symbols(node, state)
            if key is not None and symbol is not None and key not in known and not state.context.defines(symbol)
            and not getattr(symbol, "is_integer", False)}
