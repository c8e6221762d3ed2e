"""Both sides of a claim evaluated in high precision: compiled once to mpmath with real-only operations
(:class:`_Compiled`; generated names only), SymPy's adaptive evaluation where mpmath is unsure, and whether
two values agree far beyond rounding (:func:`_agree`); values and points as the evidence shows them.
"""
from __future__ import annotations

import re

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.pycode import MpmathPrinter

from ...algebra.functions import elementary
from ..limits import time_limit
from ..read.nodes import Undecided


#: Digits of the two evaluations: a point counts only where they agree far beyond the difference tested.
DIGITS, CHECK_DIGITS = 50, 80
#: Relative agreement demanded at a point (far above 50-digit rounding, far below any honest slip).
RELATIVE = mpmath.mpf(10) ** -35
CLEAR = mpmath.mpf(10) ** -25
#: The most digits SymPy's adaptive evaluation may work with (1 + erf(-500) needs far more: unclear there).
ADAPTIVE_DIGITS = 150
ADAPTIVE_SECONDS = 0.2


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
        # one walk for the families and the loops (the sides of a derived note are large)
        found = pair.atoms(sp.IndexedBase, sp.Sum, sp.Product)
        bases = {a for a in found if isinstance(a, sp.IndexedBase)}
        loops = [a for a in found if isinstance(a, (sp.Sum, sp.Product))]
        labels = {b.label for b in bases}
        self.symbols = sorted((x for x in pair.free_symbols if isinstance(x, sp.Symbol) and x not in labels
                               and not isinstance(x, sp.Dummy)), key=str)
        # one family per name, however SymPy rebuilt its base along the way
        self.families = sorted({str(b.label): b for b in bases}.values(), key=str)
        number = {str(b.label): k for k, b in enumerate(self.families)}
        bound = sorted({v for op in loops for v, *_ in op.limits}, key=str)
        renaming = {x: sp.Symbol(f"v{k}", real=True) for k, x in enumerate(self.symbols)}
        renaming.update({x: sp.Symbol(f"d{k}", integer=True) for k, x in enumerate(bound)})
        bound = [renaming[x] for x in bound]
        renaming.update({b: sp.IndexedBase(sp.Symbol(f"F{number[str(b.label)]}")) for b in bases})
        renamed = elementary(pair.xreplace(renaming))
        allowed = re.compile(r"^[vdF]\d+$")
        left_over = renamed.atoms(AppliedUndef, sp.Symbol)
        if any(isinstance(x, AppliedUndef) or not allowed.match(x.name) for x in left_over):
            raise Undecided("names are left that cannot be given values")
        printer = _RealPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})
        names = ", ".join([f"v{k}" for k in range(len(self.symbols))] + [f"F{k}" for k in range(len(self.families))])
        source = ""
        for k, side in enumerate(renamed):
            # each side on its own (one may be undefined where the other is not), its repeated pieces computed
            # once: expanded derivatives repeat whole subtrees
            shared, (body,) = sp.cse(side, symbols=sp.numbered_symbols(f"c{k}_"), ignore=bound) \
                if not loops and sp.count_ops(side) > 40 else ([], (side,))
            lines = "".join(f"    {name} = {printer.doprint(value)}\n" for name, value in shared)
            source += f"def f{k}({names}):\n{lines}    return {printer.doprint(body)}\n"
        namespace = dict(_NAMESPACE)
        exec(compile(source, "<symnet decide>", "exec"), namespace)  # noqa: S102 (generated names only)
        self.functions = [namespace[f"f{k}"] for k in range(len(renamed))]
        self.loops = bool(loops)

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
