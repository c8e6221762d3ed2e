"""Where a claim is tested: the domain the note gives its symbols (:class:`Domain`), and the points drawn
in it: real values over signs and magnitudes, whole numbers for sizes and indices (small ones and large ones).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from ..read.nodes import Undecided


#: Sizes and indices are drawn from these (and at random up to SIZE_MAX): small ones catch off-by-one slips,
#: large ones polynomial coincidences such as (n-1)(n-2)…(n-5) = 0 for n ≤ 5.
SIZES = (1, 2, 3, 4, 5, 6, 7, 9, 12, 17, 25, 38, 50, 60)
SIZE_MAX = 60


class UndefinedFunction(Undecided):
    """A claim about a function the note never defines, not shown for every function."""


@dataclass(frozen=True)
class Domain:
    """What a note says about its symbols, for sampling: bounds, whole numbers, and where they come from."""

    lower: dict = field(default_factory=dict)     # symbol -> (value, strict)
    upper: dict = field(default_factory=dict)     # symbol -> (value, strict)
    integers: frozenset = frozenset()             # symbols known to be whole numbers (sizes, indices)
    sizes: dict = field(default_factory=dict)     # index symbol -> the size symbol it runs up to
    notes: tuple = ()                             # what was assumed, for the verdict ("η > 0 (line 3)")
    distinct: frozenset = frozenset()             # pairs of indices stated different (j ≠ i)
    one_hot: dict = field(default_factory=dict)   # family -> its size: one member 1, the others 0

    def bound_of(self, s) -> tuple:
        return self.lower.get(s), self.upper.get(s)


def _applied_functions(e: sp.Expr) -> set:
    return {f.func for f in e.atoms(AppliedUndef)}


def _undefined_names(e: sp.Expr) -> list[str]:
    return sorted({str(f) for f in _applied_functions(e)})


# -- sampling ------------------------------------------------------------------------------------------------

def _leaves(e: sp.Expr) -> list:
    """Symbols and family entries with concrete indices (x[2]); an entry x[j] is not a leaf, j is."""
    labels = {b.label for b in e.atoms(sp.IndexedBase)}
    concrete = [a for a in e.atoms(sp.Indexed) if all(i.is_number for i in a.indices)]
    symbols = [s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in labels]
    return sorted(concrete, key=str) + sorted(symbols, key=str)


def _real_value(rng: random.Random, bounds: tuple, wide: bool, fixed: float | None = None) -> sp.Rational:
    """A value over signs and magnitudes (10^-3 … 10^3), inside any stated bounds (``fixed`` first, if it is)."""
    lower, upper = bounds
    lo = float(lower[0]) if lower else None
    hi = float(upper[0]) if upper else None
    special = fixed is not None or rng.random() < 0.05
    for _ in range(50):
        if special:
            v = fixed if fixed is not None else float(rng.choice(SPECIAL))
        elif wide:
            v = 10 ** rng.uniform(-3, 3) * rng.choice((1, -1))
        else:
            v = rng.uniform(0.1, 2.0) * rng.choice((1, -1))
        if lo is not None and hi is not None:
            v = lo + (hi - lo) * rng.uniform(0.001, 0.999)
        elif lo is not None:
            v = lo + abs(v)
        elif hi is not None:
            v = hi - abs(v)
        if (lo is None or v > lo or (v == lo and not lower[1])) and (hi is None or v < hi or (v == hi and not upper[1])):
            return sp.Rational(repr(float(f"{v:.6g}")))
        special = False
    raise Undecided("could not draw values inside the stated bounds")


def _whole_value(rng: random.Random, bounds: tuple, cap: int | None = None) -> sp.Integer:
    """A whole number from 1 to SIZE_MAX (or ``cap``), inside any stated bounds."""
    lower, upper = bounds
    lo, hi = 1, SIZE_MAX if cap is None else cap
    if lower is not None:
        v = float(lower[0])
        lo = max(lo, int(v) + 1 if v.is_integer() and lower[1] else math.ceil(v))
    if upper is not None:
        v = float(upper[0])
        hi = min(hi, int(v) - 1 if v.is_integer() and upper[1] else math.floor(v))
    if hi < lo:
        raise Undecided("the stated bounds leave no whole number to try")
    choices = [v for v in SIZES if lo <= v <= hi]
    if choices and rng.random() < 0.7:
        return sp.Integer(rng.choice(choices))
    return sp.Integer(rng.randint(lo, hi))


def _is_whole(s, domain: Domain) -> bool:
    return bool(getattr(s, "is_integer", False)) or s in domain.integers


def _wholes(symbols: list, rng: random.Random, domain: Domain, wide: bool) -> dict:
    """Sizes first, then the indices that run inside them (1 … size, equal to an earlier index now and then,
    apart where the note says j ≠ i)."""
    point: dict = {}
    wholes = [s for s in symbols if _is_whole(s, domain)]
    for s in (s for s in wholes if s not in domain.sizes):
        point[s] = _whole_value(rng, domain.bound_of(s), cap=None if wide else 8)
    drawn: list = []
    for s in (s for s in wholes if s in domain.sizes):
        size = domain.sizes[s]
        cap = int(point[size]) if size in point else 8
        apart = {point[t] for t in point if frozenset((s, t)) in domain.distinct}
        same = [d for d in drawn if d <= cap and d not in apart]
        if same and rng.random() < 0.35:
            v = rng.choice(same)   # equal indices (i = j): δ_ij lives there
        else:
            v = _whole_value(rng, domain.bound_of(s), cap=max(cap, 1))
            for _ in range(20):
                if v not in apart:
                    break
                v = _whole_value(rng, domain.bound_of(s), cap=max(cap, 1))
            if v in apart:
                raise Undecided("the stated index conditions leave no values to try")
        point[s] = v
        drawn.append(v)
    return point
SPECIAL = (0, 1, -1, sp.Rational(1, 2), 2)
