"""Both sides of a claim as one NumPy function, printed from SymPy with every name generated: no text from a
note reaches the source that is compiled (``_numeric_function``; ``_check_generated`` refuses anything else)."""
from __future__ import annotations

import re

import sympy as sp
from sympy.printing.numpy import SciPyPrinter


def _numeric_function(arguments: list, left: sp.Expr, right: sp.Expr):
    """Both sides as one NumPy function of the arguments v0, v1, …, printed by SciPy's printer (what
    lambdify does, without its per-argument rewriting pass, which is quadratic in the expression's size).

    No text from a note reaches the source: every other symbol becomes ``u0, u1, …`` and every undefined
    function ``F0, F1, …`` before printing (calling them fails, and the caller falls back to evaluating point
    by point), and the printed source is refused unless each of its names is generated or known."""
    import numpy as np

    left, right = _generated_names(arguments, left, right)
    printer = _SharingPrinter({"fully_qualified_modules": True, "allow_unknown_functions": True})
    source = f"def f({', '.join(a.name for a in arguments)}):\n    return ({printer.doprint(left)}, " \
             f"{printer.doprint(right)})\n"
    import scipy
    import scipy.special
    namespace = {"numpy": np, "scipy": scipy, **_NUMERIC}
    _check_generated(source, namespace)
    exec(compile(source, "<symnet verify>", "exec"), namespace)  # SymPy's printing of generated names only
    return namespace["f"]


def _generated_names(arguments: list, left: sp.Expr, right: sp.Expr) -> tuple:
    """Both sides with every name a note chose replaced by a generated one (the arguments are kept)."""
    from sympy.core.function import AppliedUndef

    kept = set(arguments)
    both = sp.Tuple(left, right)
    others = sorted((s for s in both.atoms(sp.Symbol) if s not in kept), key=sp.default_sort_key)
    both = both.xreplace({s: sp.Symbol(f"u{k}") for k, s in enumerate(others)})
    functions = sorted({a.func for a in both.atoms(AppliedUndef)}, key=str)
    if functions:
        generated = {f: sp.Function(f"F{k}") for k, f in enumerate(functions)}
        both = both.replace(lambda e: isinstance(e, AppliedUndef), lambda e: generated[e.func](*e.args))
    if both.atoms(sp.Indexed, sp.IndexedBase, sp.MatrixSymbol, sp.Idx):
        raise ValueError("a named object the NumPy printer would print by its name")
    return both[0], both[1]


#: what generated source may name besides v0…, u0…, F0…: Python's words and the namespace's modules
_GENERATED = re.compile(r"[vuF]\d+")


def _check_generated(source: str, namespace: dict) -> None:
    """Refuse source with a name that is neither generated nor known (dotted names must resolve in modules),
    a comment or a string: note text can only arrive as a name, and every name was replaced."""
    import io
    import keyword
    import tokenize

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ValueError(f"generated source does not tokenize: {exc}") from None
    for k, t in enumerate(tokens):
        if t.type in (tokenize.COMMENT, tokenize.STRING, tokenize.ERRORTOKEN) or \
                getattr(tokenize, "FSTRING_START", None) == t.type:
            raise ValueError(f"generated source holds a {tokenize.tok_name[t.type]}: {t.string!r}")
        if t.type != tokenize.NAME or (k and tokens[k - 1].string == "."):
            continue
        name, j, value = t.string, k, None
        if name in namespace:  # a module or one of our functions: the dotted chain must resolve
            value = namespace[name]
            while j + 2 < len(tokens) and tokens[j + 1].string == ".":
                j += 2
                value = getattr(value, tokens[j].string)  # AttributeError: refused by the caller
        elif not (keyword.iskeyword(name) or _GENERATED.fullmatch(name) or name == "f"):
            raise ValueError(f"generated source names {name!r}")


class _SharingPrinter(SciPyPrinter):
    """Prints each distinct subexpression once: expanded derivatives repeat subtrees many times."""

    def __init__(self, settings: dict) -> None:
        super().__init__(settings)
        self._printed: dict = {}

    def _print(self, expr, **kwargs):
        if kwargs:
            return super()._print(expr, **kwargs)
        if expr not in self._printed:
            self._printed[expr] = super()._print(expr)
        return self._printed[expr]


def _numeric_functions() -> dict:
    from ...codegen import numeric
    return {"Heaviside": lambda x, h=0.0: __import__("numpy").heaviside(x, 0.0),
            **{n: getattr(numeric, n) for n in ("sigmoid", "relu", "step", "leaky_relu", "gelu", "softplus",
                                                "logsumexp")}}


_NUMERIC = _numeric_functions()
