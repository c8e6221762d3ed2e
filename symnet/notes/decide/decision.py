"""Decide a claim ``lhs relation rhs`` between two SymPy expressions, and say what the verdict rests on.

Verified means one of:

- **symbolically**: SymPy shows the difference is 0 (within the time budget);
- **numerically**: agreement at many points spread over signs and magnitudes (|x| from 1e-3 to 1e3, sizes
  and indices from 1 to 60), each side evaluated with mpmath at 50 and at 80 digits, so that a point only
  counts where both evaluations agree to far better than the difference tested. There is no absolute floor:
  ``10^{-10} = 0`` is refuted. Strict inequalities are strict: ``x < x`` is refuted.

A point where one side is undefined or not real and the other is a real number is a *domain difference*: the
claim is undecided, never verified. Points where both sides are undefined are a *domain limit*, reported
("where x > 0"). A claim about a function the note never defines is verified only symbolically, for every
function; otherwise it is undecided and the function is named.

>>> x = sp.Symbol("x", real=True)
>>> decide(sp.exp(2 * x), sp.exp(x) ** 2, "=").status
'verified'
>>> decide(sp.Integer(10) ** -10, sp.Integer(0), "=").status
'refuted'
"""
from __future__ import annotations

import mpmath
import sympy as sp

from ...algebra.functions import elementary
from ..limits import TimeLimit, time_limit
from ..read.nodes import Undecided
from .evaluation import CHECK_DIGITS, DIGITS, _show, _where, _written
from .outcome import Outcome
from .points import Domain, UndefinedFunction, _is_whole, _undefined_names
from .sampler import MIN_POINTS, _Sampler


POINTS = 40
#: Seconds SymPy may spend proving a claim the numbers already support (a verdict by numbers stands otherwise).
UPGRADE_SECONDS = 0.5
#: Seconds for the symbolic proof tried before any numbers.
FIRST_SECONDS = 0.3
#: Up to this size a claim too large for the first simplify is still tried by plain expansion.
EXPAND_SIZE = 3000
#: Differences larger than this many operations are not handed to sympy.simplify (it would only time out).
SYMBOLIC_SIZE = 200


# -- deciding ------------------------------------------------------------------------------------------------

def decide(lhs: sp.Expr, rhs: sp.Expr, relation: str = "=", domain: Domain | None = None, budget: float = 2.0,
           seed: int = 0, points: int = POINTS) -> Outcome:
    """Decide ``lhs relation rhs``; raises :class:`Undecided` with the reason when it cannot."""
    domain = domain or Domain()
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    key = (lhs, rhs, relation, repr(domain), budget, seed, points)
    if key in _DECIDED:
        return _DECIDED[key]
    outcome = _decide_once(lhs, rhs, relation, domain, budget, seed, points)
    if len(_DECIDED) > 512:
        _DECIDED.clear()
    _DECIDED[key] = outcome
    return outcome


#: Outcomes already reached (a chain's links often expand to the same pair: ∂L/∂w = ∂L/∂z ∂z/∂w = …).
_DECIDED: dict = {}


def _decide_once(lhs, rhs, relation: str, domain: Domain, budget: float, seed: int, points: int) -> Outcome:
    undefined = sorted(set(_undefined_names(lhs)) | set(_undefined_names(rhs)))
    if undefined:
        if relation == "=" and _simplifies_to_zero(lhs - rhs, budget):
            return Outcome("verified", f"symbolically, for every function {', '.join(undefined)}")
        raise UndefinedFunction(f"it depends on {', '.join(undefined)}, which this note does not define")
    if relation == "=" and (lhs - rhs) == 0:
        # the same expression once the note's definitions are written out (same domain too)
        return Outcome("verified", "symbolically" + _assumed(domain))
    if relation == "=" and not _radicals(lhs, rhs) and \
            _simplifies_to_zero(lhs - rhs, min(budget, FIRST_SECONDS), limit_size=True):
        # a short symbolic proof first: most true identities in notes are small, and SymPy settles them
        return Outcome("verified", "symbolically" + _assumed(domain))
    sampler = _Sampler(lhs, rhs, relation, domain, seed)
    try:
        # comparisons of 80-digit values need more than mpmath's default 15 digits
        with time_limit(budget), mpmath.workdps(CHECK_DIGITS + 20):
            refuted = sampler.run(points)
    except TimeLimit:
        if len(sampler.good) < MIN_POINTS:
            raise
        refuted = None
    if refuted is not None:
        return refuted
    if sampler.one_sided is not None and not _constant_side(sampler.one_sided, lhs, rhs):
        point, left, right = sampler.one_sided
        defined, value = ("left", left) if left is not None else ("right", right)
        other = "right" if defined == "left" else "left"
        raise Undecided(f"the sides have different domains: at {_where(point)} the {defined} side is "
                        f"{_show(value)} and the {other} is undefined or not real; state where the claim is "
                        f"meant to hold (an assumption such as x > 0)")
    if sampler.good and not sampler.constant and sampler.wide < MIN_POINTS // 3:
        # where the digits could not tell is where a counterexample may hide: no verdict from the rest
        raise Undecided(f"the digits could not tell at {sampler.unclear} points (of {len(sampler.good)} that "
                        f"agreed, {sampler.wide} over the wide range)")
    if len(sampler.good) < MIN_POINTS:
        if relation == "=" and _simplifies_to_zero(lhs - rhs, budget):
            return Outcome("verified", "symbolically" + _assumed(domain))
        unclear = f" ({sampler.unclear} points where the digits could not tell)" if sampler.unclear else ""
        raise Undecided("too few points where both sides are defined" + unclear)
    if relation == "=" and _simplifies_to_zero(lhs - rhs, min(budget, UPGRADE_SECONDS), limit_size=True):
        return Outcome("verified", "symbolically" + _assumed(domain))
    if sampler.constant:
        return Outcome("verified", f"numerically, to {DIGITS} digits (no variables)")
    return Outcome("verified", _numeric_evidence(sampler.good, domain) +
                   _domain_limit(sampler.good, sampler.undefined) + _assumed(domain))


def _radicals(*sides) -> bool:
    """Roots, logarithms and fractional powers: SymPy's proofs hold over the complex numbers, where √x² = x
    although √x is not real for x < 0, so such claims are decided by numbers (which see the real domain)."""
    def unsafe_log(f):
        return f.args[0].is_positive is not True      # log(e^a + e^b) is safe: its argument is positive

    def unsafe_power(p):
        fractional = p.exp.is_Rational and not p.exp.is_Integer or not p.exp.is_number
        return fractional and p.base.is_nonnegative is not True

    return any(any(unsafe_log(f) for f in e.atoms(sp.log)) or any(unsafe_power(p) for p in e.atoms(sp.Pow))
               for e in sides)


def _constant_side(one_sided, lhs, rhs) -> bool:
    """A side without variables (… = 0) is defined wherever the other is: not a domain difference."""
    _, left, right = one_sided
    defined = lhs if left is not None else rhs
    return not defined.free_symbols


def _numeric_evidence(good: list, domain: Domain) -> str:
    reals, wholes = [], {}
    for point in good:
        for k, v in _written(point).items():
            if isinstance(v, sp.Integer) and _is_whole(k, domain):
                lo, hi = wholes.get(str(k), (int(v), int(v)))
                wholes[str(k)] = (min(lo, int(v)), max(hi, int(v)))
            elif v != 0:
                reals.append(abs(float(v)))
    parts = [f"numerically: {len(good)} points, {DIGITS} digits"]
    if reals:
        parts.append(f"|values| {min(reals):.2g} to {max(reals):.2g}")
    parts += [f"{name} ∈ {lo}..{hi}" for name, (lo, hi) in sorted(wholes.items())[:4]]
    return ", ".join(parts)


def _domain_limit(good: list, undefined: list) -> str:
    """Where both sides were undefined: say where the claim was checked (e.g. 'for x > 0')."""
    if not undefined:
        return ""
    signs = []
    for k in good[0]:
        if all(p.get(k, 0) > 0 for p in good) and any(p.get(k, 0) < 0 for p in undefined):
            signs.append(f"{k} > 0")
        elif all(p.get(k, 0) < 0 for p in good) and any(p.get(k, 0) > 0 for p in undefined):
            signs.append(f"{k} < 0")
    if signs:
        return f"; for {' and '.join(signs)} (both sides undefined at {len(undefined)} other points)"
    return f"; where both sides are defined (both undefined at {len(undefined)} points, e.g. {_where(undefined[0])})"


def _assumed(domain: Domain) -> str:
    return f"; assuming {', '.join(domain.notes)}" if domain.notes else ""


def _size(e: sp.Expr) -> int:
    """Nodes in the expression tree (a cheap stand-in for count_ops), stopping once past the limit."""
    count = 0
    for _ in sp.preorder_traversal(e):
        count += 1
        if count > 4 * SYMBOLIC_SIZE:
            break
    return count // 2


def _simplifies_to_zero(difference: sp.Expr, budget: float, limit_size: bool = False) -> bool:
    """Whether SymPy simplifies the difference to 0 within the budget."""
    if difference == 0:
        return True   # the two sides are the same expression once the note's definitions are written out
    if limit_size and _size(difference) > SYMBOLIC_SIZE:
        # too large for simplify in the first pass; a plain expansion still settles the chain-rule claims of a
        # derivation (the same products regrouped) in milliseconds
        if _size(difference) > EXPAND_SIZE:
            return False
        try:
            with time_limit(budget):
                return sp.expand(elementary(difference.doit())) == 0
        except TimeLimit:
            return False
        except Exception:  # SymPy's own failures leave the numeric check to decide
            return False
    try:
        with time_limit(budget):
            d = elementary(difference.doit())
            return d == 0 or sp.simplify(d) == 0
    except TimeLimit:
        return False
    except Exception:  # SymPy's own failures to simplify leave the numeric verdict standing
        return False
