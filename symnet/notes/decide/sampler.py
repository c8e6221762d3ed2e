"""The sampler: points drawn in a claim's domain (edges of restricted domains, special values, sizes) until
enough agree or one disagrees; also whether a relation can hold (:func:`satisfiable`, :func:`solvable`) and
whether it fails only at special points.
"""
from __future__ import annotations

import random
import re

import mpmath
import sympy as sp

from ..limits import TimeLimit, time_limit
from ..read.nodes import Undecided
from .evaluation import (CHECK_DIGITS, CLEAR, DIGITS, RELATIVE, _Compiled, _FAMILIES, _Family, _adaptive, _agree,
                         _show_pair, _where, _written)
from .outcome import Outcome

#: After this many points confirmed at both precisions, a point whose 50-digit sides agree to QUICK (relative)
#: is not evaluated again at 80 digits.
CONFIRMED, QUICK = 8, mpmath.mpf(10) ** -40
from .points import Domain, SPECIAL, _real_value, _whole_value, _wholes


#: How much a value that is really 0 shrinks from 50 to 80 digits of working precision (rounding only).
SHRINK = mpmath.mpf(10) ** -20


ORDER = ("<", "≤", ">", "≥")
#: Values each variable takes at the edge points of a restricted domain, and how many such points.
EDGES = (-2, -1, sp.Rational(-1, 2), 0, sp.Rational(1, 2), 1, 2, 3)
EDGE_POINTS = 120
#: At most this many points of one claim are re-evaluated at length (SymPy's adaptive evaluation, 500 digits).
DEEP_POINTS = 12
#: Families whose members are sizes (d_k, d_v, n_i, N_c).
SIZE_FAMILY = re.compile(r"^(d|n|N|m|M|K|D)$")
#: The values every real variable takes at the first points.
FIXED = (0.0, 1.0, -1.0)
#: Fewer agreeing points than this is not evidence enough.
MIN_POINTS = 12


class _Sampler:
    """Draws points and evaluates both sides at each: fast mpmath evaluation at 50 and 120 digits, and SymPy's
    adaptive evaluation wherever those two cannot tell (cancellation, equal sides, a refutation to confirm)."""

    def __init__(self, lhs: sp.Expr, rhs: sp.Expr, relation: str, domain: Domain, seed: int) -> None:
        self.pair = sp.Tuple(lhs, rhs)
        self.relation, self.domain = relation, domain
        self.rng = random.Random(seed)
        self.compiled: _Compiled | None = None
        self.good: list = []
        self.undefined: list = []
        self.one_sided = None
        self.unclear = 0
        self.constant = False
        self.deep_left = DEEP_POINTS
        self.zero_sides = (lhs == 0, rhs == 0)   # a side written as 0 is exactly 0 wherever it is evaluated
        self.wide = 0                            # agreeing points drawn over the wide range
        self.confirmed = 0                       # points where both precisions agreed that the sides agree

    def run(self, points: int) -> Outcome | None:
        """Points until enough agree; the first counterexample refutes."""
        for attempt in range(points * 3):
            if len(self.good) >= points or self.constant and attempt:
                break
            holds, point, a, b = self.point(attempt)
            if holds is False:
                at = f"at {_where(point)}: " if point else ""
                left, right = _show_pair(a, b)
                return Outcome("refuted", f"{at}left {left}, right {right}")
            if holds:
                self.good.append(point)
                self.wide += attempt % 2 == 0 and attempt >= len(FIXED)
        if self.constant and self.good:
            self.good *= MIN_POINTS   # one exact point decides a claim without variables
        if self.undefined:
            # a restricted domain: its edges (negative bases with whole or half exponents …) get a closer look
            for _ in range(EDGE_POINTS):
                holds, point, a, b = self.point(0, edge=True)
                if holds is False:
                    left, right = _show_pair(a, b)
                    return Outcome("refuted", f"at {_where(point)}: left {left}, right {right}")
        return None

    def point(self, attempt: int, edge: bool = False):
        """(holds: True, False or None, the point, left, right) at one drawn point."""
        # the first points put every variable at 0, 1, -1 (where x² > 0 and 1/x break), then at random
        wide, fixed = attempt % 2 == 0, FIXED[attempt] if attempt < len(FIXED) else None
        if self.compiled is None:
            self.compiled = _Compiled(self.pair)
        compiled = self.compiled
        point = _wholes(compiled.symbols, self.rng, self.domain, wide)
        for x in compiled.symbols:
            if x not in point:
                chosen = float(self.rng.choice(EDGES)) if edge else fixed
                point[x] = _real_value(self.rng, self.domain.bound_of(x), wide, chosen)
        values = [sp.Rational(point[x]) for x in compiled.symbols]
        families = [_Family(self.member_drawer(base, point, wide, fixed)) for base in compiled.families]
        # nothing to vary: one exact point decides
        self.constant = not compiled.symbols and not compiled.families
        a, b = compiled(values, families, DIGITS)
        if self.confirmed >= CONFIRMED and self.relation == "=" and a is not None and b is not None and \
                a != 0 and b != 0 and abs(a - b) <= QUICK * max(abs(a), abs(b)):
            # once the sides agreed at both precisions at several points (no cancellation in sight), a point
            # where the 50-digit values agree to 40 digits needs no second evaluation
            if compiled.families:
                point[_FAMILIES] = tuple(zip(compiled.families, families))
            return True, point, a, b
        a2, b2 = compiled(values, families, CHECK_DIGITS)
        if compiled.families:
            point[_FAMILIES] = tuple(zip(compiled.families, families))   # written out only when reported
        if a is None or b is None or a2 is None or b2 is None:
            if a is None and b is None:
                self.undefined.append(point)
            elif fixed is None and not edge and not any(v in SPECIAL for v in _written(point).values()) and \
                    self.one_sided is None:
                # (a singularity at a special value, x/x = 1 at 0 or 1/(x² + λ) at x = λ = -1, says nothing
                # about the domain: only random points can show one)
                self.one_sided = (point, a2 if a is not None else None, b2 if b is not None else None)
            return None, point, a2, b2
        ea, eb = abs(a - a2), abs(b - b2)
        trusted = all((v != 0 and e <= CLEAR * abs(v)) or zero for v, e, zero in
                      ((a2, ea, self.zero_sides[0]), (b2, eb, self.zero_sides[1])))
        holds = _agree(a2, b2, ea + eb, self.relation) if trusted else None
        if holds is None and self.relation == "=" and any(self.zero_sides):
            # Σ(x_i − μ) = 0: the side that is not written as 0 shrinks by thirty orders as the digits grow
            # from 50 to 80 (cancellation down to rounding), which a real difference such as 10⁻¹⁰ never does
            low, high = (b, b2) if self.zero_sides[0] else (a, a2)
            if low != 0 and abs(high) <= SHRINK * abs(low):
                holds = True
        if holds is None or holds is False:
            # cancellation, equal sides, or a refutation to confirm
            if self.deep_left <= 0:
                # enough points re-evaluated at length: a difference both precisions agree on still refutes,
                # the points that cannot tell are skipped
                holds = False if trusted and holds is False else None
            elif compiled.loops or compiled.families:
                self.deep_left -= 1
                holds, a2, b2 = self.deep(values, families)
            else:
                self.deep_left -= 1
                exact = self.pair.xreplace({x: point[x] for x in compiled.symbols})
                holds, a2, b2 = self.adaptive(exact)
        if holds is None:
            self.unclear += 1
        elif holds and trusted:
            self.confirmed += 1
        return holds, point, a2, b2

    def member_drawer(self, base, point: dict, wide: bool, fixed):
        """How the members of one family get their values at this point (one-hot labels: one member is 1)."""
        hot = {str(b.label): size for b, size in self.domain.one_hot.items()}
        if str(base.label) in hot:
            size = hot[str(base.label)]
            hot = self.rng.randint(1, int(point.get(size, 1)))
            return lambda key: sp.Integer(1 if key == (hot,) else 0)
        if SIZE_FAMILY.match(str(base.label)):
            # d_k, d_v, n_i: sizes, whole and positive
            return lambda key: _whole_value(self.rng, (None, None), None if wide else 8)
        return lambda key: _real_value(self.rng, (None, None), wide, fixed)

    def adaptive(self, exact: sp.Tuple):
        """Both sides by SymPy's adaptive evaluation; where they agree to 50 digits, the sign of their
        difference decides an inequality (tanh(1000) < 1)."""
        left, right = _adaptive(exact[0]), _adaptive(exact[1])
        if left is None or right is None:
            return None, left, right
        holds = _agree(left, right, 0, self.relation)
        if holds is not None and self.relation in ORDER and abs(right - left) <= \
                RELATIVE * max(abs(left), abs(right)):
            difference = _adaptive(exact[1] - exact[0])
            if difference is None:
                return None, left, right
            sign = difference if self.relation in ("<", "≤") else -difference
            holds = sign > 0 or (sign == 0 and self.relation in ("≤", "≥"))
        return holds, left, right

    def deep(self, values: list, families: list):
        """Sums and families at 250 and 500 digits (SymPy's adaptive evaluation would carry out every sum)."""
        (a, b), (a2, b2) = self.compiled(values, families, 250), self.compiled(values, families, 500)
        if a is None or b is None or a2 is None or b2 is None:
            return None, a2, b2
        err = abs(a - a2) + abs(b - b2)
        with mpmath.workdps(520):
            return _agree(a2, b2, err, self.relation), a2, b2

def satisfiable(lhs: sp.Expr, rhs: sp.Expr, relation: str, domain: Domain | None = None, seed: int = 0,
                points: int = 60) -> bool:
    """Whether ``lhs relation rhs`` holds at some drawn point (η > 0 does; x < x does not)."""
    sampler = _Sampler(sp.sympify(lhs), sp.sympify(rhs), relation, domain or Domain(), seed)
    try:
        with time_limit(2.0), mpmath.workdps(CHECK_DIGITS + 20):
            return any(sampler.point(attempt)[0] for attempt in range(points))
    except (TimeLimit, Undecided):
        return True   # not shown to be impossible


def solvable(lhs: sp.Expr, rhs: sp.Expr, relation: str, domain: Domain | None = None, seed: int = 0,
             points: int = 40, unknowns: tuple = ()) -> bool:
    """Whether ``lhs relation rhs`` can hold for some values: for an equation, whether the difference of the
    sides changes sign or comes near zero over drawn points (cos θ = −1 can, σ(x) + σ(−x) = 2 cannot). Not
    shown impossible (too few points evaluate, time limit) counts as solvable."""
    if relation != "=":
        return satisfiable(lhs, rhs, relation, domain, seed, points)
    sampler = _Sampler(sp.sympify(lhs), sp.sympify(rhs), relation, domain or Domain(), seed)
    signs, evaluated = set(), 0
    try:
        with time_limit(2.0), mpmath.workdps(CHECK_DIGITS + 20):
            for attempt in range(points):
                holds, _point, a, b = sampler.point(attempt)
                if holds:
                    return True
                if a is None or b is None:
                    continue
                a, b = mpmath.mpmathify(a), mpmath.mpmathify(b)
                if not (mpmath.isfinite(a) and mpmath.isfinite(b)) or mpmath.im(a) or mpmath.im(b):
                    continue
                evaluated += 1
                d = a - b
                if abs(d) <= mpmath.mpf(10) ** -2 * (abs(a) + abs(b) + 1):
                    return True
                signs.add(d > 0)
                if len(signs) == 2:
                    return True
    except (TimeLimit, Undecided, TypeError, ValueError):
        return True
    if evaluated < 5:
        return True
    return any(_root_along(lhs - rhs, s) for s in unknowns if isinstance(s, sp.Symbol))


def _root_along(difference: sp.Expr, s: sp.Symbol) -> bool:
    """Whether ``difference`` changes sign or vanishes as ``s`` runs over ±10⁻⁶ … ±10¹⁵ (the others fixed):
    (c − 6015)/81.4 = 1.28 and |S| = 3.4·10¹¹ are solved far outside the usual sampling range."""
    others = {x: sp.Rational(7, 10) + sp.Rational(k, 13) for k, x in
              enumerate(sorted(difference.free_symbols - {s}, key=str)) if isinstance(x, sp.Symbol)}
    fixed = difference.xreplace(others)
    signs = set()
    try:
        with time_limit(2.0):
            for k in range(-6, 16):
                for sign in (1, -1):
                    v = sp.N(fixed.xreplace({s: sign * sp.Integer(10) ** k}), 30)
                    if not v.is_real or not v.is_finite:
                        continue
                    if v == 0:
                        return True
                    signs.add(bool(v > 0))
                    if len(signs) == 2:
                        return True
    except (TimeLimit, TypeError, ValueError, ArithmeticError):
        return True
    return False


def fails_only_at_special_points(lhs: sp.Expr, rhs: sp.Expr, relation: str, domain: Domain | None = None,
                                 points: int = 20) -> bool:
    """Whether ``lhs relation rhs`` holds at every random point drawn (none of the special values 0, ±1 that
    come first): a claim refuted only there is about a convention at a point (sign(0), ReLU'(0))."""
    sampler = _Sampler(sp.sympify(lhs), sp.sympify(rhs), relation, domain or Domain(), 1)
    agreed = 0
    try:
        with time_limit(2.0), mpmath.workdps(CHECK_DIGITS + 20):
            for attempt in range(len(FIXED), len(FIXED) + 2 * points):
                holds, point, _a, _b = sampler.point(attempt)
                if any(v in SPECIAL for v in _written(point).values()):
                    continue   # a special value drawn at random (5 % of draws): not a random point
                if holds is False:
                    return False
                agreed += bool(holds)
                if agreed >= points:
                    return True
    except (TimeLimit, Undecided, TypeError, ValueError):
        return False
    return False
