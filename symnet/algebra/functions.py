"""SymPy functions that networks use and SymPy lacks, each printable as the LaTeX people write.

Each one can be rewritten into elementary SymPy (:func:`elementary`), which is what the tests differentiate
with ``sympy.diff`` as an oracle independent of our rules table. Conventions at non-smooth points:
``step(0) = 0`` (so ReLU'(0) = 0), ``sign(0) = 0`` (so |x|'(0) = 0), LeakyReLU'(0) = α.
"""
from __future__ import annotations

import sympy as sp


def _arguments(printer, args) -> str:
    return ", ".join(printer._print(a) for a in args)


class sigmoid(sp.Function):
    r"""The logistic function σ(x) = 1 / (1 + e^{-x}).

    >>> sigmoid(sp.Symbol("x")).rewrite(sp.exp)
    1/(1 + exp(-x))
    """

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.Rational(1, 2)

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _latex(self, printer, exp=None):
        body = r"\sigma\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"\sigma^{%s}\left(%s\right)" % (exp, printer._print(self.args[0]))


class step(sp.Function):
    r"""Heaviside step with the convention step(0) = 0: the derivative of ReLU."""

    @classmethod
    def eval(cls, x):
        if x.is_positive:
            return sp.S.One
        if x.is_nonpositive:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        return sp.S.Zero

    def _eval_is_real(self):
        return True

    def _eval_rewrite_as_Heaviside(self, x, **kwargs):
        return sp.Heaviside(x, 0)

    def _latex(self, printer, exp=None):
        return r"\mathbb{1}\left[%s > 0\right]" % printer._print(self.args[0])


class relu(sp.Function):
    r"""ReLU(x) = max(0, x)."""

    @classmethod
    def eval(cls, x):
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        return step(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sp.Max(0, x)

    def _latex(self, printer, exp=None):
        body = r"\operatorname{ReLU}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


class leaky_relu(sp.Function):
    r"""LeakyReLU_α(x) = x for x > 0, α x otherwise; its derivative at 0 is taken as α."""

    nargs = 2

    def fdiff(self, argindex=1):
        x, alpha = self.args
        if argindex == 1:
            return alpha + (1 - alpha) * step(x)
        return x * (1 - step(x))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_Max(self, x, alpha, **kwargs):
        return sp.Piecewise((x, x > 0), (alpha * x, True))

    def _latex(self, printer, exp=None):
        x, alpha = self.args
        body = r"\operatorname{LeakyReLU}_{%s}\left(%s\right)" % (printer._print(alpha), printer._print(x))
        return body if exp is None else r"%s^{%s}" % (body, exp)


class gelu(sp.Function):
    r"""GELU(x) = x Φ(x) = x (1 + erf(x/√2)) / 2, the exact form (PyTorch's default)."""

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        x = self.args[0]
        return gaussian_cdf(x) + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_erf(self, x, **kwargs):
        return x * (1 + sp.erf(x / sp.sqrt(2))) / 2

    def _latex(self, printer, exp=None):
        body = r"\operatorname{GELU}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


def gaussian_cdf(x: sp.Expr) -> sp.Expr:
    """Φ(x), the standard normal distribution function, as erf."""
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


class softplus(sp.Function):
    r"""softplus(x) = log(1 + e^x), computed without overflow; its derivative is σ(x)."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return sp.log(1 + sp.exp(x))

    def _latex(self, printer, exp=None):
        body = r"\operatorname{softplus}\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


class logsumexp(sp.Function):
    r"""logsumexp(z_1, …, z_k) = log Σ_j e^{z_j}, computed as m + log Σ e^{z_j − m}: finite at logits ±1000."""

    def fdiff(self, argindex=1):
        return sp.exp(self.args[argindex - 1] - self)

    def _eval_is_real(self):
        return all(a.is_real for a in self.args) or None

    def _eval_rewrite_as_exp(self, *args, **kwargs):
        return sp.log(sp.Add(*[sp.exp(a) for a in args]))

    def _latex(self, printer, exp=None):
        body = r"\log\left(%s\right)" % " + ".join(r"e^{%s}" % printer._print(a) for a in self.args)
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


#: Functions with a NumPy implementation in :mod:`symnet.codegen.numeric` (the printer calls them by name).
RUNTIME_FUNCTIONS = (sigmoid, step, relu, leaky_relu, gelu, softplus, logsumexp)

#: Functions that are not complex-analytic: a complex-step check of a graph using them is skipped.
NON_ANALYTIC = (sp.Abs, sp.sign, step, relu, leaky_relu, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)

_ELEMENTARY = (
    (sigmoid, sp.exp),
    (softplus, sp.exp),
    (logsumexp, sp.exp),
    (gelu, sp.erf),
    (relu, sp.Max),
    (leaky_relu, sp.Max),
    (step, sp.Heaviside),
)


def elementary(expr: sp.Expr) -> sp.Expr:
    """Rewrite symnet's functions into SymPy's own (exp, log, erf, Max, Heaviside).

    >>> x = sp.Symbol("x")
    >>> elementary(softplus(x) + relu(x))
    log(exp(x) + 1) + Max(0, x)
    """
    for function, target in _ELEMENTARY:
        if expr.has(function):
            expr = expr.replace(lambda e, f=function: isinstance(e, f), lambda e, t=target: e.rewrite(t))
    return expr


def is_analytic(expr: sp.Expr) -> bool:
    """True when ``expr`` uses no function that breaks complex-step differentiation."""
    return not any(expr.has(f) for f in NON_ANALYTIC)
