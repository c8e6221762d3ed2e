"""Inequalities and approximations: a claim ``a ≤ b`` (or an assumption, when it holds for some values only;
its bounds are then recorded) and ``a ≈ b``, checked to the digits written.
"""
from __future__ import annotations

import re

import sympy as sp

from ..decide.sampler import satisfiable
from ..read.meaning import KNOWN_FUNCTIONS, Meaning
from ..read.nodes import Undecided, _show, numeric
from .claims import _claim
from .domains import _decide, _domain, _sides
from .forms import _plain, _value_or_none
from .scope import _same_section
from .state import NoteState


def _inequality(ops, parts, meaning: Meaning, state: NoteState, line: int, budget: float) -> tuple[str, str]:
    """Every link checked as a claim; one between plain quantities that holds for some values and not others
    is an assumption (η > 0, 1 ≤ i ≤ n, j ≠ i) and bounds what later claims try."""
    if "≠" in ops:
        sides = [_value_or_none(meaning, p) for p in parts]
        if any(v is None or v.free_symbols for v in sides):
            # x ≠ π/2 + kπ, j ≠ i: random points would almost always agree; a statement of where something
            # holds, never verified as an identity
            _record_bounds(ops, parts, sides, state, line)
            return "assumption", "an exclusion (≠) between quantities that vary: assumed from here on"
    if all(p.kind in ("name", "sub", "num") or numeric(p) for p in parts) and \
            any(p.kind in ("name", "sub") for p in parts) and \
            not any(_show(parts[k]) == _show(parts[k + 1]) for k in range(len(ops))):
        # n ≥ 1, 0 < α < 1, i ≤ n: a range stated for names, never a claim (sampling inside the range it
        # states would only confirm it)
        sides = [_value_or_none(meaning, p) for p in parts]
        _record_bounds(ops, parts, sides, state, line)
        def written(p):
            return _show(p) if p.kind in ("name", "sub", "num") else str(_value_or_none(meaning, p))
        shown = " ".join(f"{written(p)} {op}" for p, op in zip(parts, ops)) + f" {written(parts[-1])}"
        state.assumed.append(f"{shown} (line {line})")
        return "assumption", f"{shown}: assumed from here on"
    outcomes = []
    for k, op in enumerate(ops):
        try:
            outcomes.append(_claim(meaning, parts[k], parts[k + 1], op, state, budget))
        except Undecided:
            if not all(_plain(p, state) for p in parts):
                raise
            outcomes.append(None)
    plain = all(_plain(p, state) for p in parts)
    guessed = any("taken as a size" in o.detail or "assuming" in o.detail for o in outcomes if o is not None)
    if all(o is not None and o.status == "verified" for o in outcomes) and not (guessed and plain):
        # (x > 0 "verified" from the assumption x > 0, K ≥ 0 from a guess that K is a size: restatements)
        if all(_bare_quantity(p, state) for p in parts) and not all(numeric(p) for p in parts) and \
                len({repr(p) for p in parts}) == len(parts) and state.cue != "claim":
            # σ² ≥ 0, k(x, x) ≥ 0, σ₁² ≥ σ₂²: a bound between bare quantities is how notes state a constraint,
            # a hypothesis or what a definition requires (hand-judged samples F–J), not a result
            return "assumption", f"a bound between bare quantities (a constraint or hypothesis), not a claim; " \
                                 f"as read it holds ({outcomes[0].detail})"
        return "verified", outcomes[0].detail
    if not all(_plain(p, state) for p in parts):
        bad = next(o for o in outcomes if o is not None and o.status == "refuted")
        if state.cue != "claim":
            # bounds in notes are mostly hypotheses, thresholds or statements "with probability 1 − δ": one
            # that fails for some values is reported as a condition, unless the words make it a claim
            return "condition", f"as a claim for all values it fails ({bad.detail}); read as a condition"
        return "refuted", bad.detail
    sides = [_value_or_none(meaning, p) for p in parts]
    if all(s is not None and not s.free_symbols for s in sides) and \
            all(_exact(sides[k], sides[k + 1], op) is True for k, op in enumerate(ops)):
        return "verified", "symbolically (the closed values compared exactly)"
    if all(s is not None for s in sides):
        never = any(op in ("<", ">") and sides[k] - sides[k + 1] == 0 or
                    not (sides[k].free_symbols | sides[k + 1].free_symbols) and
                    _exact(sides[k], sides[k + 1], op) is not True and
                    not satisfiable(sides[k], sides[k + 1], op, _domain(state, sides[k], sides[k + 1]))
                    for k, op in enumerate(ops))
        if never:
            bad = next((o for o in outcomes if o is not None and o.status == "refuted"), None)
            return "refuted", "holds for no values" + (f": {bad.detail}" if bad else "")
    _record_bounds(ops, parts, sides, state, line)
    shown = " ".join(f"{_show(p) if p.kind in ('name', 'sub', 'num') else '…'} {op}"
                     for p, op in zip(parts, ops)) + f" {_show(parts[-1]) if parts[-1].kind in ('name', 'sub', 'num') else '…'}"
    state.assumed.append(f"{shown} (line {line})")
    return "assumption", f"{shown}: assumed from here on"


def _exact(a: sp.Expr, b: sp.Expr, op: str) -> bool | None:
    """A comparison of two closed values decided exactly where SymPy can (0 > −∞ holds: sampling skips
    infinite values, so it would never see it hold); None where it cannot say."""
    if op == "≠":
        # −∞ ≠ 0: two closed values that SymPy tells apart (or finds equal) exactly
        if not (a.is_number and b.is_number):
            return None
        same = sp.Eq(a, b)
        return False if same is sp.true else True if same is sp.false else None
    relation = {"<": sp.Lt, ">": sp.Gt, "≤": sp.Le, "≥": sp.Ge}.get(op)
    if relation is None:
        return None
    try:
        decided = relation(a, b)
    except (TypeError, ValueError):
        return None
    return True if decided is sp.true else False if decided is sp.false else None


def _record_bounds(ops, parts, sides, state: NoteState, line: int) -> None:
    """Numeric bounds on single symbols (η > 0, 0 < α < 1) bound what later claims try; 1 ≤ i ≤ n makes i whole."""
    for k, op in enumerate(ops):
        a, b = sides[k], sides[k + 1]
        if op == "≠" and isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol):
            # j ≠ i: indices drawn apart (as subscripts they are whole-number symbols)
            state.distinct.add(frozenset((sp.Symbol(a.name, integer=True), sp.Symbol(b.name, integer=True))))
            continue
        if op == "≠":
            continue
        if a is None or b is None:
            continue
        strict = op in ("<", ">")
        small, big = (a, b) if op in ("<", "≤") else (b, a)
        if isinstance(big, sp.Symbol) and small.is_number:
            state.lower[big] = (small, strict)
            state.bound_section[big] = state.section
        if isinstance(small, sp.Symbol) and big.is_number:
            state.upper[small] = (big, strict)
            state.bound_section[small] = state.section
        for s in (a, b):
            if isinstance(s, sp.Symbol) and (a.is_Integer or b.is_Integer) and op in ("≤", "≥") and \
                    any(isinstance(x, sp.Symbol) and not x.is_number for x in (a, b) if x is not s):
                state.integers.add(s)


def _approximation(parts, meaning: Meaning, state: NoteState, budget: float) -> tuple[str, str]:
    """``a ≈ b`` between numbers: true to the digits written on the right (1.44 is three)."""
    if parts[0].kind in ("name", "sub") and parts[1].kind == "num" and \
            meaning.expr(parts[0]).free_symbols:
        # "in practice α ≈ 0.2": a value given to a name (a setting, rounded), not a claim about it (π ≈ 3.5,
        # a constant, is a claim)
        return "setting", "a rounded value given to a name, not a claim"
    left, right = _sides(meaning, parts[0], parts[1], state)
    if left.free_symbols or right.free_symbols:
        raise Undecided("an approximation with variables (where it is meant to hold is not stated)")
    literal, scale, unit = parts[1], sp.Integer(1), ""
    if literal.kind == "op" and literal.name == "/" and len(literal.args) == 2 and \
            literal.args[1].kind == "num" and literal.args[1].name == "100":
        literal, scale, unit = literal.args[0], sp.Rational(1, 100), "%"   # 6.7%: hundredths, digits as written
    if literal.kind != "num" or not re.fullmatch(r"\d+\.\d+", literal.name):
        raise Undecided("an approximation whose right side is not a decimal number")
    decimals = len(literal.name.split(".")[1])
    digits = len(literal.name.replace(".", "").lstrip("0"))
    tolerance = sp.Rational(1, 2) * sp.Integer(10) ** -decimals * scale
    if unit:
        left = left / scale
        right = right / scale
        tolerance = tolerance / scale
    difference = sp.Abs(left - right)
    outcome = _decide(difference, tolerance, "≤", state, budget)
    if outcome.status == "verified":
        return "verified", f"approximately, to the {digits} significant digits written ({sp.N(left, digits + 3)}{unit})"
    if sp.Abs(left - right) <= sp.Rational(1, 100) * sp.Abs(right):
        # within 1 %: a value worked out from rounded intermediate numbers, not a wrong one
        raise Undecided(f"{sp.N(left, digits + 3)}{unit} is within 1 % of {literal.name}{unit} but not equal to the digits "
                        f"written (rounded inputs?)")
    return "refuted", f"{sp.N(left, digits + 3)}{unit} is not {literal.name}{unit} to the digits written"


def _bare_quantity(node, state: NoteState) -> bool:
    """A name, a member, a number, a power of one, a decorated name (\\underline{z}) or a name applied to
    arguments that is neither a known function nor one this section defines (k(x, x) with k from another
    example): a quantity written without computing anything."""
    if node.kind in ("name", "sub", "num") or numeric(node):
        return True
    if node.kind in ("group", "neg") and len(node.args) == 1 and isinstance(node.args[0], type(node)):
        return _bare_quantity(node.args[0], state)
    if node.kind == "op" and node.name == "^" and len(node.args) == 2:
        return _bare_quantity(node.args[0], state) and numeric(node.args[1])
    if node.kind == "op" and node.name == "*" and len(node.args) == 2 and node.args[1].kind == "paren":
        head = node.args[0]
        if head.kind == "sub":
            return True
        defined_here = head.kind == "name" and head.name in state.context.functions and \
            _same_section(state.lines.get(head.name), state)
        return head.kind == "name" and head.name.lstrip("\\") not in KNOWN_FUNCTIONS and not defined_here
    return False

