"""Deciding a claim in the note's domain: its two sides read in the note's context (:func:`_sides`), the domain
the note gives its symbols (bounds, integers, sizes, settings: :func:`_domain`) and the decision (:func:`_decide`).
"""
from __future__ import annotations

import sympy as sp

from ..decide.outcome import Outcome
from ..decide.decision import decide
from ..decide.points import Domain
from ..latex import Node
from ..read.meaning import DIFFERENTIAL, Meaning, differentials
from ..read.nodes import Undecided, expand
from .forms import unify_indices
from .state import NoteState, ORDER, SIZE_NAMES, UNIT


def _sides(meaning: Meaning, left_node: Node, right_node: Node, state: NoteState):
    ctx = state.context
    try:
        left, right = unify_indices(meaning.expr(left_node), meaning.expr(right_node))
    except ValueError as exc:   # SymPy refusing a derivative by an expression (∂CE(Z, Y)/∂Z with Z defined)
        raise Undecided(f"not evaluated at scalar level ({str(exc).strip().splitlines()[0][:80]})") from None
    words = [x for x in (left.free_symbols | right.free_symbols)
             if isinstance(x, sp.Symbol) and UNIT.fullmatch(x.name) and x not in ctx.values]
    if words:
        # 24 \text{GB}, 2 \times \text{bytes}: words inside a formula are units or labels, not variables
        raise Undecided(f"the word {words[0]} inside the formula (a unit or a label, not a variable)")
    for name, line in state.unreadable.items():
        if any(str(s) == name or str(getattr(s, "base", "")) == name
               for s in (left.free_symbols | right.free_symbols | left.atoms(sp.Indexed) | right.atoms(sp.Indexed))):
            raise Undecided(f"{name} is defined on line {line} by a formula symnet could not read")
    memo = ctx.expansions
    if left.has(DIFFERENTIAL) or right.has(DIFFERENTIAL):
        # dz = −sin t dt for z = cos t: worked out from the definitions alone; a paragraph's point values (t = π/2,
        # z = 0 at an end point) are not put into a relation between differentials
        values = lambda v: expand(v, ctx.values, memo=memo)
        left, right = differentials(left, values), differentials(right, values)
        state.used = set()
        return expand(left, ctx.values, memo=memo), expand(right, ctx.values, memo=memo)
    overrides = {s_: v for s_, (v, scope, _) in state.settings.items() if scope == state.scope and s_ in ctx.values}
    if overrides:
        # P = 0 set in this worked example wins over the general P = (F − 1)/2 defined before
        left, right = left.xreplace(overrides), right.xreplace(overrides)
    try:
        left, right = expand(left, ctx.values, memo=memo), expand(right, ctx.values, memo=memo)
    except ValueError as exc:
        raise Undecided(f"not evaluated at scalar level ({str(exc).strip().splitlines()[0][:80]})") from None
    for relation, a, b in state.index_condition:
        if relation == "=":   # the formula holds where i = j: j is i
            same = {sp.Symbol(b, integer=True): sp.Symbol(a, integer=True), sp.Symbol(b, real=True): sp.Symbol(a, real=True)}
            left, right = left.xreplace(same), right.xreplace(same)
    settings = {s: v for s, (v, scope, _) in state.settings.items()
                if scope == state.scope and (left.has(s) or right.has(s))}
    state.used = set(settings)
    if settings:
        left, right = left.xreplace(settings), right.xreplace(settings)
    return left, right


def _decide(left, right, relation: str, state: NoteState, budget: float) -> Outcome:
    domain = _domain(state, left, right)
    outcome = decide(left, right, relation, domain, budget)
    guessed = [s for s in domain.integers if s not in state.integers and not _role_whole(s, left, right)
               and s.name not in state.whole_names]
    if outcome.status == "verified" and guessed and not outcome.detail.startswith("symbolically"):
        # sizes taken as whole numbers by their names only (d, n): say so where it matters
        real = Domain(domain.lower, domain.upper, domain.integers - set(guessed), domain.sizes, domain.notes)
        try:
            again = decide(left, right, relation, real, budget)
        except Undecided:
            again = Outcome("undecided", "")
        if again.status == "verified":
            outcome = again   # it holds for real values too: the evidence names the real ranges sampled
        else:
            names = ", ".join(sorted(map(str, guessed)))
            outcome = Outcome("verified", f"{outcome.detail}; for whole-number {names} (taken as a size)")
    settings = [f"{s} = {v} (setting, line {line})" for s, (v, scope, line) in state.settings.items()
                if s in state.used]
    if settings and outcome.status == "verified":
        outcome = Outcome("verified", f"{outcome.detail}; at {', '.join(settings)}")
    return outcome


def _domain(state: NoteState, left, right) -> Domain:
    """Bounds, whole numbers and index ranges for sampling, from the note and from the claim itself."""
    pair = sp.Tuple(left, right)
    wholes = set(state.integers)
    sizes: dict = {}
    bound_of: dict = {}
    # one walk over the claim for everything below (the expanded sides of a derived note are large)
    found = pair.atoms(sp.Sum, sp.Product, sp.Indexed, sp.KroneckerDelta)
    loops = {a for a in found if isinstance(a, (sp.Sum, sp.Product))}
    for op in loops:
        inner = op.function.atoms(sp.Indexed, sp.KroneckerDelta)
        for index, low, high in op.limits:
            wholes |= {s for s in (low.free_symbols | high.free_symbols) if isinstance(s, sp.Symbol)}
            for entry in (a for a in inner if isinstance(a, sp.Indexed)):
                if index in entry.indices:
                    bound_of.setdefault(entry.base, high)
            for delta in (a for a in inner if isinstance(a, sp.KroneckerDelta)):
                # ∂/∂x_j of a sum over x_i leaves δ_ij: j runs over the same range as i
                for other in delta.args:
                    if other != index and index in delta.args and isinstance(other, sp.Symbol) and \
                            isinstance(high, sp.Symbol):
                        sizes.setdefault(other, high)
    free = pair.free_symbols
    for s in free:
        if isinstance(s, sp.Symbol) and SIZE_NAMES.match(s.name):
            wholes.add(s)
    entries = {a for a in found if isinstance(a, sp.Indexed)}
    for entry in entries:
        for index in entry.indices:
            if isinstance(index, sp.Symbol) and index.is_integer:
                size = bound_of.get(entry.base)
                sizes[index] = size if isinstance(size, sp.Symbol) else sizes.get(index)
    for delta in (a for a in found if isinstance(a, sp.KroneckerDelta)):
        # δ_ij: i and j are indices (drawn equal now and then), whatever their range
        for index in delta.args:
            if isinstance(index, sp.Symbol) and index.is_integer:
                sizes.setdefault(index, None)
    facts = state.context.facts
    one_hot = {}
    for base in {e.base for e in entries}:
        label = facts.one_hot(str(base.label)) if facts is not None else None
        if label is not None:
            # a one-hot label: one member 1, the others 0 (over the range its sums run)
            one_hot[base] = bound_of.get(base) if isinstance(bound_of.get(base), sp.Symbol) else None
            if not any(a.startswith(f"{base.label} one-hot") for a in state.assumed):
                state.assumed.append(f"{base.label} one-hot ({label.source})")
    mentioned = free | {b.label for b in one_hot}
    notes = tuple(a for a in state.assumed if any(str(s) in a for s in mentioned))
    for b in (facts.bounds if facts is not None else ()):
        # bounds stated in prose ("for positive x"): by name, against numbers
        if isinstance(b.subject, sp.Symbol) and getattr(b.other, "is_number", False) and b.relation in ORDER:
            for s_ in mentioned:
                if isinstance(s_, sp.Symbol) and s_.name == b.subject.name and s_ not in state.lower and \
                        s_ not in state.upper:
                    strict = b.relation in ("<", ">")
                    if b.relation in (">", "≥"):
                        state.lower.setdefault(s_, (b.other, strict))
                    else:
                        state.upper.setdefault(s_, (b.other, strict))
    # a bound stated in a formula ("for z > 0") holds in its own section of the note
    here = {s for s in mentioned if state.bound_section.get(s, state.section) == state.section}
    if state.general:
        here = set()   # "in general, …": no bound stated elsewhere narrows the claim
    lower = {s: v for s, v in state.lower.items() if s in here}
    upper = {s: v for s, v in state.upper.items() if s in here}
    notes = tuple(a for a in notes if not any(str(s) in a for s in mentioned - here))
    apart = state.distinct | {frozenset((sp.Symbol(a, integer=True), sp.Symbol(b, integer=True)))
                              for relation, a, b in state.index_condition if relation == "≠"}
    distinct = frozenset(p for p in apart if p <= mentioned)
    for pair_ in distinct:
        for index in pair_:
            if isinstance(sizes.get(index), sp.Symbol):
                lower.setdefault(sizes[index], (2, False))   # two different indices need two members
    wholes |= {s for s in mentioned if isinstance(s, sp.Symbol) and s.name in state.whole_names}
    one_hot = {b: (size if size is not None else _size_of(b, pair)) for b, size in one_hot.items()}
    return Domain(lower, upper, frozenset(wholes), sizes, notes, distinct, one_hot)


def _size_of(base, pair):
    """The size a one-hot family runs to: its sums' upper bound, else the family's own size symbol."""
    from ..read.nodes import family_size
    return family_size(str(base.label))


def _role_whole(s, left, right) -> bool:
    pair = sp.Tuple(left, right)
    return any(s in (low.free_symbols | high.free_symbols) for op in pair.atoms(sp.Sum, sp.Product)
               for _, low, high in op.limits)
