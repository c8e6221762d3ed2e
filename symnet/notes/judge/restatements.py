"""Restatements: a claim that checks nothing because it is its definition again — written as it was (``Av = λv``
after "let Av = λv"; ``z_j = w x_j`` after ``z_i = w x_i``) or only moved across the sign (``y − ax − b = 0`` after
``y = ax + b``). On hand-judged public notes (samples A–J) most verified formulas that were not claims at all —
premises, events, hypotheses, another object's formula — were such "agreements" with a line the reading took for
a definition; they are reported as mentions.
"""
from __future__ import annotations

import sympy as sp

from ..latex import Node
from ..read.meaning import Meaning
from ..read.nodes import Undecided
from .forms import _has_derivative
from .state import NoteState


def restates_as_written(shown, where) -> tuple[str, str]:
    """The verdict of a definition written again as it was."""
    return "mention", f"restates {shown} from line {where} as written there (nothing new to check)"


def _member_value(family, member: sp.Indexed, general: bool = False):
    """The value a family definition (a Lambda over its indices) gives one member, or None; ``general``: only for
    a member written with index names (z_i or z_j again, not z_2, whose value is computed)."""
    if general and not all(isinstance(i, sp.Symbol) for i in member.indices):
        return None
    if isinstance(family, sp.Lambda) and len(family.variables) == len(member.indices):
        try:
            return family(*member.indices)
        except (TypeError, ValueError):
            return None
    return None


def _written_again(defined, claimed) -> bool:
    """Whether a claim's right side is its definition's right side as read (the same expression, not merely an
    equal one): ``Av = λv`` or ``v(s_3) = 1/(1 − γ)`` written again is a restatement, whatever the cited
    definition was about, and nothing is checked by it. On hand-judged public notes (samples F–J) such
    "agreements" were often premises, events or another object's formula read as a definition."""
    if defined is None or claimed is None or not isinstance(defined, sp.Basic):
        return False
    if isinstance(defined, sp.Lambda):
        defined = defined.expr
    real = {s: sp.Symbol(s.name) for s in defined.free_symbols | claimed.free_symbols if isinstance(s, sp.Symbol)}
    return defined == claimed or _undummied(defined.xreplace(real)) == _undummied(claimed.xreplace(real))


def _undummied(e: sp.Basic) -> sp.Basic:
    """The summation indices a reading of ``c_1 b_1 + … + c_n b_n`` invents, named in their order."""
    dummies = sorted(e.atoms(sp.Dummy), key=lambda d: (d.name, d.dummy_index))
    return e.xreplace({d: sp.Symbol(f"{d.name}_{k}", integer=True) for k, d in enumerate(dummies)})


def rearranged_definition(meaning: Meaning, left: Node, right: Node, state: NoteState) -> str | None:
    """``y − ax − b = 0`` or ``mx + b = y`` after ``y = ax + b``: the definition moved across the sign (an equation
    of the line, a system to solve), which holds only because the definition is substituted back: the claim is a
    number times (y − (ax + b)). Nothing is checked by it, so it is no verified claim."""
    if _has_derivative(left) or _has_derivative(right):
        return None    # ∂L/∂b = 2(z − y): the derivative is taken through the definitions, a step of its own
    try:
        difference = meaning.expr(left) - meaning.expr(right)
    except (Undecided, TypeError, ValueError, AttributeError):
        return None
    if difference == 0 or sp.count_ops(difference) > 200:
        return None
    values = state.context.values
    candidates = {s: values[s] for s in difference.free_symbols & set(values)}
    candidates.update({e: _member_value(values.get(e.base), e) for e in difference.atoms(sp.Indexed)
                       if isinstance(values.get(e.base), sp.Lambda)})
    for name in sorted(candidates, key=str):
        value = candidates[name]
        if value is None or isinstance(value, sp.Lambda) or \
                any(d.has(name) for d in difference.atoms(sp.Derivative)):
            continue
        slope = sp.diff(difference, name)
        if slope == 0 or not slope.is_number:
            # only the definition moved across the sign (y − ax − b = 0): a claim that scales it by other names
            # (3hmk + m² = 4m² with k = m/h) is a step of its own
            continue
        # the same terms, not merely an equal value: θ' − 3 = (1 − 2α)(θ − 3) after θ' = θ − 2α(θ − 3) factors
        # the step, a claim of its own
        solved = name - difference / slope
        if solved == value or sp.expand(solved) == value:
            where = state.lines.get(name, state.lines.get(getattr(name, "base", None)))
            shown = f"{name.base}_{','.join(map(str, name.indices))}" if isinstance(name, sp.Indexed) else name
            return f"the definition of {shown} (line {where}) rearranged: it holds " \
                   f"by that definition alone, nothing new is checked"
    return None


def one_name_twice(meaning: Meaning, left: Node, right: Node) -> bool:
    """``x(0) = x_0``: both sides read as the same single quantity (a member, a name) written two ways — notation,
    an initial condition or a label, with nothing computed on either side."""
    try:
        a, b = meaning.expr(left), meaning.expr(right)
    except (Undecided, TypeError, ValueError, AttributeError):
        return False
    return a == b and (a.is_Symbol or isinstance(a, sp.Indexed))

