"""Printers from SymPy programs to NumPy source: scalar programs and matrix-level programs."""
from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from ..algebra.functions import RUNTIME_FUNCTIONS
from ..algebra.matrix import Apply, ColumnSum


class ProgramPrinter(NumPyPrinter):
    """NumPy printer that calls symnet's stable runtime functions (``sigmoid``, ``logsumexp``, ``erf`` …)."""

    def _print_Function(self, expr):
        if isinstance(expr, RUNTIME_FUNCTIONS):
            return "%s(%s)" % (type(expr).__name__, ", ".join(self._print(a) for a in expr.args))
        return super()._print_Function(expr)

    def _print_erf(self, expr):
        return "erf(%s)" % self._print(expr.args[0])


class FastPrinter:
    """Prints the shapes a network program is made of (names, numbers, sums, products, integer powers)
    directly, and everything else through :class:`ProgramPrinter`: SymPy's printer is the slow part of
    compiling a 10,000-line program."""

    def __init__(self) -> None:
        self._general = ProgramPrinter({"fully_qualified_modules": True, "allow_unknown_functions": False})

    def doprint(self, e: sp.Expr) -> str:
        if e.is_Symbol:
            return e.name
        if e.is_Integer:
            return str(int(e))
        if e.is_Add:
            text = self._term(e.args[0])
            for t in e.args[1:]:
                printed = self._term(t)
                text += f" - {printed[1:]}" if printed.startswith("-") else f" + {printed}"
            return text
        if e.is_Mul and all(a.is_Symbol or a.is_Integer or a.is_Add or a.is_Function for a in e.args):
            coefficient, factors = e.as_coeff_mul()
            text = "*".join(self._factor(f) for f in factors)
            if coefficient == 1:
                return text
            return f"-{text}" if coefficient == -1 else f"{self.doprint(coefficient)}*{text}"
        return self._general.doprint(e)

    def _term(self, e: sp.Expr) -> str:
        return self.doprint(e)

    def _factor(self, e: sp.Expr) -> str:
        return f"({self.doprint(e)})" if e.is_Add else self.doprint(e)


class MatrixPrinter(ProgramPrinter):
    """Matrix-level programs as the NumPy a person writes: ``X @ W1 + b1``, ``A1.T @ dZ2``,
    ``dA1*(1 - A1**2)``, ``dZ1.sum(axis=0, keepdims=True)``. Broadcasting replaces ones-vectors."""

    _default_settings = dict(ProgramPrinter._default_settings, batched=False)

    def _print_MatrixSymbol(self, e):
        return e.name

    def _wrap(self, e) -> str:
        text = self._print(e)
        atomic = isinstance(e, (sp.MatrixSymbol, sp.Symbol, sp.Transpose, Apply)) or (e.is_Number and e >= 0)
        return text if atomic else f"({text})"

    def _print_MatAdd(self, e):
        text = ""
        printed_terms = sorted((self._print(t) for t in e.args), key=lambda t: t.startswith("-"))
        for i, printed in enumerate(printed_terms):
            if printed.startswith("-"):
                text += f" - {printed[1:]}" if i else printed
            else:
                text += f" + {printed}" if i else printed
        return text

    def _print_MatMul(self, e):
        scalars = [a for a in e.args if not isinstance(a, sp.MatrixExpr)]
        mats = [a for a in e.args if isinstance(a, sp.MatrixExpr)]
        product = " @ ".join(self._wrap(m) if isinstance(m, (sp.MatAdd, sp.HadamardProduct)) else
                             self._print(m) for m in mats)
        if not scalars:
            return product
        c = sp.Mul(*scalars)
        numerator, denominator = sp.fraction(c)
        body = self._wrap_product(mats, product)
        if numerator == -1:
            body = f"-{body}"
        elif numerator != 1:
            body = f"{self._wrap(numerator) if numerator.is_Add or (numerator.is_Number and numerator < 0) else self._print(numerator)}*{body}"
        if denominator != 1:
            body = f"{body}/{self._wrap(denominator) if not denominator.is_Symbol else self._print(denominator)}"
        return body

    @staticmethod
    def _wrap_product(mats, product: str) -> str:
        single = len(mats) == 1 and (isinstance(mats[0], (sp.MatrixSymbol, Apply)) or product.startswith("("))
        return product if single else f"({product})"

    def _print_Transpose(self, e):
        # .mT transposes the last two axes, so a batch of sequences (B×n×d) works too
        t = ".mT" if self._settings["batched"] else ".T"
        inner = e.arg
        return f"{self._print(inner)}{t}" if isinstance(inner, sp.MatrixSymbol) else f"({self._print(inner)}){t}"

    def _print_HadamardProduct(self, e):
        return "*".join(self._wrap(a) for a in e.args)

    def _print_HadamardPower(self, e):
        return f"{self._wrap(e.base)}**{self._print(e.exp)}"

    def _print_OneMatrix(self, e):
        return "1"

    def _print_ZeroMatrix(self, e):
        return "0"

    def _print_Identity(self, e):
        return f"numpy.eye({self._print(e.rows)})"

    def _print_Trace(self, e):
        return f"numpy.trace({self._print(e.arg)}, axis1=-2, axis2=-1)"

    def _print_Apply(self, e):
        params = "".join(", " + self._print(p) for p in e.args[2:])
        return f"{e.spec.numpy}({self._print(e.args[1])}{params})"

    def _print_Broadcast(self, e):
        return self._print(e.arg)  # NumPy broadcasts a 1×h row over the rows

    def _axis(self, which: int) -> str:
        return str(which - 2) if self._settings["batched"] else str(which)

    def _print_ColumnSum(self, e):
        return f"{self._wrap(e.arg)}.sum(axis={self._axis(0)}, keepdims=True)"

    def _print_RowSum(self, e):
        return f"{self._wrap(e.arg)}.sum(axis={self._axis(1)}, keepdims=True)"

    def _print_RowMean(self, e):
        return f"{self._wrap(e.arg)}.mean(axis={self._axis(1)}, keepdims=True)"

    def _print_RowStd(self, e):
        return f"row_std({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_RowNormalize(self, e):
        return f"row_normalize({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_CausalMask(self, e):
        return f"causal_mask({self._print(e.args[0])})"

    def _print_PositionalEncoding(self, e):
        return f"positional_encoding({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_Unfold(self, e):
        return f"unfold({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_Fold(self, e):
        return f"fold({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_ColumnMax(self, e):
        return f"{self._wrap(e.arg)}.max(axis={self._axis(0)}, keepdims=True)"

    def _print_ArgmaxMask(self, e):
        return f"argmax_mask({self._print(e.arg)})"

    def _print_RowSoftmax(self, e):
        return f"softmax_rows({self._print(e.arg)})"

    def _sum_all(self, body: str) -> str:
        # a sequence's loss sums its own matrix: the last two axes when a batch of sequences runs at once
        return f"numpy.sum({body}, axis=(-2, -1))" if self._settings["batched"] else f"numpy.sum({body})"

    def _print_SquaredNorm(self, e):
        M = self._wrap(e.args[0])
        return self._sum_all(f"{M}*{M}")

    def _print_AbsoluteSum(self, e):
        return self._sum_all(f"numpy.abs({self._print(e.args[0])})")

    def _print_SoftplusSum(self, e):
        Z, Y = (self._wrap(a) for a in e.args)
        return self._sum_all(f"softplus({Z}) - {Y}*{Z}")

    def _print_SoftmaxCrossEntropy(self, e):
        return f"softmax_cross_entropy_sum({self._print(e.args[0])}, {self._print(e.args[1])})"

    # -- a batch of sequences: parameter gradients averaged over the batch inside the program ------------------

    def parameter_gradient(self, e) -> str:
        """A shared parameter's gradient for a batch of sequences, averaged over the batch: ``Aᵀ G`` becomes
        one matrix product over all rows (``weight_gradient``), column sums sum over rows and batch."""
        if isinstance(e, sp.MatAdd):
            return " + ".join(self.parameter_gradient(t) for t in e.args)
        if isinstance(e, sp.MatMul):
            scalars = [a for a in e.args if not isinstance(a, sp.MatrixExpr)]
            mats = [a for a in e.args if isinstance(a, sp.MatrixExpr)]
            if len(mats) == 2 and isinstance(mats[0], sp.Transpose):
                c = sp.Mul(*scalars)
                body = f"weight_gradient({self._print(mats[0].arg)}, {self._print(mats[1])})"
                return body if c == 1 else f"{self._wrap(c) if c.is_Add else self._print(c)}*{body}"
        if isinstance(e, ColumnSum):
            return f"column_sum_mean({self._print(e.arg)})"
        return f"batch_mean({self._print(e)}, 2)"
