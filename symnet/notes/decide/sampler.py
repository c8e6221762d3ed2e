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

import math
import random
import re
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.pycode import MpmathPrinter

from ...algebra.functions import elementary
from ..limits import TimeLimit, time_limit
from ..read.nodes import Undecided
from .outcome import Outcome

#: Sizes and indices are drawn from these (and at random up to SIZE_MAX): small ones catch off-by-one slips,
#: large ones polynomial coincidences such as (n-1)(n-2)…(n-5) = 0 for n ≤ 5.
SIZES = (1, 2, 3, 4, 5, 6, 7, 9, 12, 17, 25, 38, 50, 60)
SIZE_MAX = 60
#: Digits of the two evaluations: a point counts only where they agree far beyond the difference tested.
DIGITS, CHECK_DIGITS = 50, 80
#: Relative agreement demanded at a point (far above 50-digit rounding, far below any honest slip).
RELATIVE = mpmath.mpf(10) ** -35
CLEAR = mpmath.mpf(10) ** -25
#: How much a value that is really 0 shrinks from 50 to 80 digits of working precision (rounding only).
SHRINK = mpmath.mpf(10) ** -20
POINTS = 40
#: The most digits SymPy's adaptive evaluation may work with (1 + erf(-500) needs far more: unclear there).
ADAPTIVE_DIGITS = 150
ADAPTIVE_SECONDS = 0.2
#: Seconds SymPy may spend proving a claim the numbers already support (a verdict by numbers stands otherwise).
UPGRADE_SECONDS = 0.5
#: Seconds for the symbolic proof tried before any numbers.
FIRST_SECONDS = 0.3
#: Differences larger than this many operations are not handed to sympy.simplify (it would only time out).
SYMBOLIC_SIZE = 200


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


# -- evaluation ----------------------------------------------------------------------------------------------

def _heaviside(x, h=0):
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)


class _NotReal(ArithmeticError):
    """A step of the evaluation left the real numbers (log of a negative number, √ of one)."""


def _real_only(value):
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise _NotReal()
        return value.real
    return value


class _RealMpmath:
    """mpmath whose functions refuse non-real results, so that log(-1) - log(-1) is undefined, not 0: the
    claims are about real numbers."""

    def __getattr__(self, name: str):
        attribute = getattr(mpmath, name)
        if not callable(attribute) or name in ("mpf", "mpc") or isinstance(attribute, type(mpmath.pi)):
            return attribute
        return lambda *args: _real_only(attribute(*args))


def _pow(base, exponent):
    return _real_only(mpmath.power(base, exponent))


class _RealPrinter(MpmathPrinter):
    """SymPy's mpmath printer, with powers through :func:`_pow` (a negative base to a fractional power is
    not real)."""

    def _print_Pow(self, expr, rational=False):
        return f"_pow({self._print(expr.base)}, {self._print(expr.exp)})"

    def _loop(self, helper: str, expr) -> str:
        body = self._print(expr.function)
        for index, low, high in reversed(expr.limits):
            body = f"{helper}(({body}) for {self._print(index)} in _range({self._print(low)}, {self._print(high)}))"
        return body

    def _print_Sum(self, expr):
        return self._loop("_sum", expr)

    def _print_Product(self, expr):
        return self._loop("_prod", expr)


def _range(low, high):
    """A summation index's values as mpmath numbers (1/(i(i+1)) must not be Python's float division)."""
    if low != int(low) or high != int(high):
        raise ValueError("a sum whose bounds are not whole numbers")
    return (mpmath.mpf(k) for k in range(int(low), int(high) + 1))


def _sum(terms):
    return mpmath.fsum(terms)


def _prod(factors):
    return mpmath.fprod(factors)


_NAMESPACE = {"mpmath": _RealMpmath(), "_pow": _pow, "_sum": _sum, "_prod": _prod, "_range": _range, "Heaviside": _heaviside, "Max": max, "Min": min}


class _Family:
    """A family's members (x_1, x_2, …) drawn when first used at a point, the same at every precision."""

    def __init__(self, draw) -> None:
        self.values: dict = {}
        self.draw = draw
        self.numbers: dict = {}   # (key, working precision) -> the member as an mpmath number

    def __getitem__(self, key):
        at = (key, mpmath.mp.prec)
        number = self.numbers.get(at)
        if number is None:
            whole = tuple(int(k) for k in (key if isinstance(key, tuple) else (key,)))
            if whole not in self.values:
                self.values[whole] = self.draw(whole)
            v = self.values[whole]
            number = self.numbers[at] = mpmath.mpf(v.p) / v.q
        return number


class _Compiled:
    """Both sides as mpmath functions of their symbols and families, every name renamed (v0, v1, … for
    symbols, F0, F1, … for families, d0, d1, … for summation indices) before printing: only SymPy's printing
    of numbers, known functions and those generated names is ever executed. Sums stay loops, so a claim is
    compiled once whatever sizes its points take."""

    def __init__(self, pair: sp.Tuple) -> None:
        labels = {b.label for b in pair.atoms(sp.IndexedBase)}
        self.symbols = sorted((x for x in pair.free_symbols if isinstance(x, sp.Symbol) and x not in labels
                               and not isinstance(x, sp.Dummy)), key=str)
        # one family per name, however SymPy rebuilt its base along the way
        bases = pair.atoms(sp.IndexedBase)
        self.families = sorted({str(b.label): b for b in bases}.values(), key=str)
        number = {str(b.label): k for k, b in enumerate(self.families)}
        bound = sorted({v for op in pair.atoms(sp.Sum, sp.Product) for v, *_ in op.limits}, key=str)
        renaming = {x: sp.Symbol(f"v{k}", real=True) for k, x in enumerate(self.symbols)}
        renaming.update({x: sp.Symbol(f"d{k}", integer=True) for k, x in enumerate(bound)})
        bound = [renaming[x] for x in bound]
        renaming.update({b: sp.IndexedBase(sp.Symbol(f"F{number[str(b.label)]}")) for b in bases})
        renamed = elementary(pair.xreplace(renaming))
        allowed = re.compile(r"^[vdF]\d+$")
        if renamed.atoms(AppliedUndef) or any(not allowed.match(x.name) for x in renamed.atoms(sp.Symbol)):
            raise Undecided("names are left that cannot be given values")
        printer = _RealPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
        names = ", ".join([f"v{k}" for k in range(len(self.symbols))] + [f"F{k}" for k in range(len(self.families))])
        source = ""
        for k, side in enumerate(renamed):
            # each side on its own (one may be undefined where the other is not), its repeated pieces computed
            # once: expanded derivatives repeat whole subtrees
            shared, (body,) = sp.cse(side, symbols=sp.numbered_symbols(f"c{k}_"), ignore=bound) \
                if sp.count_ops(side) > 40 and not side.has(sp.Sum, sp.Product) else ([], (side,))
            lines = "".join(f"    {name} = {printer.doprint(value)}\n" for name, value in shared)
            source += f"def f{k}({names}):\n{lines}    return {printer.doprint(body)}\n"
        namespace = dict(_NAMESPACE)
        exec(compile(source, "<symnet decide>", "exec"), namespace)  # noqa: S102 (generated names only)
        self.functions = [namespace[f"f{k}"] for k in range(len(renamed))]
        self.loops = bool(pair.atoms(sp.Sum, sp.Product))

    def __call__(self, values: list, families: list, digits: int) -> list:
        """Each side's value at ``digits`` digits, None where it is undefined or not real."""
        with mpmath.workdps(digits):
            arguments = [mpmath.mpf(v.p) / v.q for v in values] + families
            out = []
            for f in self.functions:
                try:
                    out.append(_real(f(*arguments)))
                except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError, IndexError):
                    out.append(None)
            return out


def _real(v):
    """A finite real mpmath number, or None (undefined, infinite, or not real)."""
    try:
        v = mpmath.mpmathify(v)
    except (TypeError, ValueError):
        return None
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    return +v if mpmath.isfinite(v) else None


def _adaptive(e: sp.Expr):
    """``e`` (numbers only) to DIGITS significant digits by SymPy's adaptive evaluation, which raises the
    working precision through cancellation; None where undefined, not real, or the digits are not reached.
    An exact 0 comes back as 0."""
    try:
        with time_limit(ADAPTIVE_SECONDS):
            v = e.evalf(DIGITS, strict=True, maxn=ADAPTIVE_DIGITS)
    except Exception:   # its own time limit, PrecisionExhausted, or SymPy failing on an undefined value   # PrecisionExhausted, or SymPy failing on an undefined value
        return None
    if v == 0:
        # SymPy's evalf sometimes answers an exact 0 for a tiny value (log(1 + e^-800)): trust 0 only when the
        # expression itself is 0
        return mpmath.mpf(0) if e.is_zero is True else None
    if v.is_Rational:
        return mpmath.mpf(v.p) / v.q
    if not v.is_Float or v._prec < 3 * DIGITS:   # not a real number, or SymPy could not reach the digits
        return None
    return mpmath.mpf(v._mpf_)


def _show(v) -> str:
    if isinstance(v, sp.Integer):
        return str(v)
    if isinstance(v, sp.Rational):
        return f"{float(v):.6g}"
    if isinstance(v, mpmath.mpf):
        text = mpmath.nstr(v, 6, min_fixed=-4, max_fixed=7)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(v, str):
        return v
    return str(v)


_FAMILIES = "families"


def _written(point: dict) -> dict:
    """A point with its families' members written out (x[2] = …)."""
    out = {k: v for k, v in point.items() if k != _FAMILIES}
    for base, family in point.get(_FAMILIES, ()):
        out.update({f"{base}[{', '.join(map(str, key))}]": v for key, v in sorted(family.values.items())})
    return out


def _show_pair(a, b) -> tuple[str, str]:
    """Both sides with enough digits to see that they differ (tanh(20) against 1 needs 18)."""
    if isinstance(a, mpmath.mpf) and isinstance(b, mpmath.mpf) and a != b:
        scale = max(abs(a), abs(b))
        digits = int(min(DIGITS, max(6, 3 - mpmath.log10(abs(a - b) / scale)))) if scale else 6
        if digits > 6:
            return mpmath.nstr(a, digits, min_fixed=-4, max_fixed=7), mpmath.nstr(b, digits, min_fixed=-4,
                                                                                  max_fixed=7)
    return _show(a), _show(b)


def _where(point: dict) -> str:
    point = _written(point)
    shown = [f"{k} = {_show(v)}" for k, v in list(point.items())[:6]]
    return ", ".join(shown) + (", …" if len(point) > 6 else "")


def _agree(a, b, err, relation: str) -> bool | None:
    """Whether ``a relation b`` holds at a point: True, False, or None when the digits cannot tell."""
    scale = max(abs(a), abs(b))
    slack = 10 * err + RELATIVE * scale
    clear = err <= CLEAR * scale       # the two evaluations agree far beyond what is being compared
    diff = b - a
    if relation in ("=", "≠"):
        if abs(diff) > slack:
            return relation == "≠"
        return (relation == "=") if clear else None
    if relation in ("≥", ">"):
        return _agree(b, a, err, "≤" if relation == "≥" else "<")
    if relation not in ("≤", "<"):
        raise Undecided(f"the relation {relation} is not checked")
    if diff > slack:
        return True
    if diff < -slack:
        return False
    # equal to within the digits: ≤ holds and < fails (strict inequalities are strict)
    return (relation == "≤") if clear else None


# -- deciding ------------------------------------------------------------------------------------------------

def decide(lhs: sp.Expr, rhs: sp.Expr, relation: str = "=", domain: Domain | None = None, budget: float = 2.0,
           seed: int = 0, points: int = POINTS) -> Outcome:
    """Decide ``lhs relation rhs``; raises :class:`Undecided` with the reason when it cannot."""
    domain = domain or Domain()
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
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


ORDER = ("<", "≤", ">", "≥")
SPECIAL = (0, 1, -1, sp.Rational(1, 2), 2)
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
        (a, b), (a2, b2) = compiled(values, families, DIGITS), compiled(values, families, CHECK_DIGITS)
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
             points: int = 40) -> bool:
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
    return evaluated < 5


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
        return False
    try:
        with time_limit(budget):
            d = elementary(difference.doit())
            return d == 0 or sp.simplify(d) == 0
    except TimeLimit:
        return False
    except Exception:  # SymPy's own failures to simplify leave the numeric verdict standing
        return False
