"""Matrix-level operations: what a whiteboard derivation is written in.

``X`` is ``n×d`` (one example per row), weights are ``d×h``, a bias is a ``1×h`` row broadcast over the
rows, activations apply elementwise, softmax applies row by row. SymPy supplies ``MatMul``, ``MatAdd``,
``Transpose``, ``HadamardProduct`` and ``Trace``; this module adds the operations it lacks, each printable as
the LaTeX people write, and the scalar losses and penalties on matrices.

>>> from sympy import MatrixSymbol
>>> Z = MatrixSymbol("Z", BATCH, 3)
>>> Apply("tanh", Z).shape
(n, 3)
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import sympy as sp
from sympy.core.symbol import Str

#: The number of examples, the rows of X: a symbol, since one program serves every batch size.
BATCH = sp.Symbol("n", integer=True, positive=True)


def ones_like(A: sp.MatrixExpr) -> sp.MatrixExpr:
    return sp.OneMatrix(*A.shape)


def hadamard(*factors: sp.MatrixExpr) -> sp.MatrixExpr:
    """``A ∘ B ∘ …``, leaving out all-ones factors."""
    kept = [f for f in factors if not isinstance(f, sp.OneMatrix)]
    if not kept:
        return factors[0]
    return kept[0] if len(kept) == 1 else sp.HadamardProduct(*kept)


def matmul(*factors: sp.Expr) -> sp.Expr:
    """``A B …`` (scalars allowed), leaving out identity matrices and unit scalars."""
    flat = [a for f in factors for a in (f.args if isinstance(f, sp.MatMul) else (f,))]
    kept = [f for f in flat if not isinstance(f, sp.Identity) and f != 1]
    if not kept:
        return factors[0]
    return kept[0] if len(kept) == 1 else sp.MatMul(*kept)


class Elementwise(NamedTuple):
    """A function applied entry by entry: how it prints, and its derivative from input ``Z`` / output ``A``."""

    latex: str
    numpy: str
    derivative: Callable[[sp.MatrixExpr, sp.MatrixExpr, tuple], sp.MatrixExpr] | None


class Apply(sp.MatrixExpr):
    """``f(Z)`` entry by entry, for ``f`` in :data:`ELEMENTWISE` (``params`` such as LeakyReLU's α follow)."""

    def __new__(cls, function: str | Str, Z: sp.MatrixExpr, *params: sp.Expr):
        name = function.name if isinstance(function, Str) else function
        if name not in ELEMENTWISE:
            raise ValueError(f"no elementwise function {name!r}")
        return super().__new__(cls, Str(name), Z, *map(sp.sympify, params))

    @property
    def function(self) -> str:
        return self.args[0].name

    @property
    def shape(self):
        return self.args[1].shape

    @property
    def spec(self) -> Elementwise:
        return ELEMENTWISE[self.function]

    def _latex(self, printer, exp=None):
        inner = printer._print(self.args[1])
        params = "".join(f"_{{{printer._print(p)}}}" for p in self.args[2:])
        return r"%s%s\left(%s\right)" % (self.spec.latex, params, inner)

    def _sympystr(self, printer):
        params = "".join(", " + printer._print(p) for p in self.args[2:])
        return f"{self.function}({printer._print(self.args[1])}{params})"


def _apply(name: str) -> Callable:
    return lambda Z, A, params: Apply(name, Z, *params)


#: Elementwise functions: LaTeX, NumPy callable, derivative (from input Z, output A); one a line.
ELEMENTWISE: dict[str, Elementwise] = {
    "tanh":             Elementwise(r"\tanh", "numpy.tanh", lambda Z, A, p: ones_like(A) - hadamard(A, A)),
    "sigmoid":          Elementwise(r"\sigma", "sigmoid", lambda Z, A, p: hadamard(A, ones_like(A) - A)),
    "relu":             Elementwise(r"\operatorname{ReLU}", "relu", _apply("step")),
    "leaky_relu":       Elementwise(r"\operatorname{LeakyReLU}", "leaky_relu", _apply("leaky_relu_slope")),
    "gelu":             Elementwise(r"\operatorname{GELU}", "gelu", _apply("gelu_slope")),
    "softplus":         Elementwise(r"\operatorname{softplus}", "softplus", _apply("sigmoid")),
    "exp":              Elementwise(r"\exp", "numpy.exp", lambda Z, A, p: A),
    "step":             Elementwise(r"\operatorname{step}", "step", None),
    "leaky_relu_slope": Elementwise(r"\operatorname{LeakyReLU}'", "leaky_relu_slope", None),
    "gelu_slope":       Elementwise(r"\operatorname{GELU}'", "gelu_slope", None),
    "sign":             Elementwise(r"\operatorname{sign}", "numpy.sign", None),
    "reciprocal":       Elementwise(r"\operatorname{recip}", "numpy.reciprocal", None),
    "log":              Elementwise(r"\log", "numpy.log", lambda Z, A, p: Apply("reciprocal", Z)),
}


class _Shaped(sp.MatrixExpr):
    """A matrix operation of one argument whose shape a subclass states."""

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]


class Broadcast(_Shaped):
    """A ``1×h`` row repeated over the batch's ``n`` rows: ``𝟏 b``."""

    def __new__(cls, row: sp.MatrixExpr, rows: sp.Expr = BATCH):
        if row.shape[0] != 1:
            raise sp.ShapeError(f"only a row (1×h) broadcasts over rows, not {row.shape}")
        return super().__new__(cls, row, sp.sympify(rows))

    @property
    def shape(self):
        return (self.args[1], self.arg.shape[1])

    def _latex(self, printer, exp=None):
        return r"\mathbf{1} %s" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"1*{printer._print(self.arg)}"


class ColumnSum(_Shaped):
    """``𝟏ᵀ M``: the column sums, a ``1×h`` row (how a broadcast bias collects its gradient)."""

    @property
    def shape(self):
        return (sp.S.One, self.arg.shape[1])

    def _latex(self, printer, exp=None):
        return r"\mathbf{1}^{T} %s" % printer.parenthesize(self.arg, 60)

    def _sympystr(self, printer):
        return f"colsum({printer._print(self.arg)})"


class RowSum(_Shaped):
    """Each row's sum, repeated across the columns: ``rowsum(M) = M 𝟏 𝟏ᵀ`` (same shape as ``M``)."""

    @property
    def shape(self):
        return self.arg.shape

    def _latex(self, printer, exp=None):
        return r"\operatorname{rowsum}\left(%s\right)" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"rowsum({printer._print(self.arg)})"


class RowSoftmax(_Shaped):
    """Softmax of each row: ``P_ij = exp(Z_ij) / Σ_k exp(Z_ik)``, computed with the row maximum subtracted."""

    @property
    def shape(self):
        return self.arg.shape

    def _latex(self, printer, exp=None):
        return r"\operatorname{softmax}\left(%s\right)" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"softmax({printer._print(self.arg)})"


# -- scalar functions of matrices: losses and penalties ------------------------------------------------------

class _MatrixScalar(sp.Expr):
    """A scalar computed from matrices."""

    is_commutative = True
    is_real = True

    def _sympystr(self, printer):
        return f"{self.name}({', '.join(printer._print(a) for a in self.args)})"


class SquaredNorm(_MatrixScalar):
    """``‖M‖²_F = Σ_ij M_ij²``."""

    name = "sqnorm"

    def _latex(self, printer, exp=None):
        return r"\left\lVert %s \right\rVert_F^{2}" % printer._print(self.args[0])


class AbsoluteSum(_MatrixScalar):
    """``Σ_ij |M_ij|`` (the L1 penalty; its derivative takes sign(0) = 0)."""

    name = "abssum"

    def _latex(self, printer, exp=None):
        return r"\left\lVert %s \right\rVert_{1}" % printer._print(self.args[0])


class SoftplusSum(_MatrixScalar):
    """``Σ_ij softplus(Z_ij) − Y_ij Z_ij``: binary cross-entropy on logits, summed (finite at ±1000); printed
    as ``BCE(Z, Y)``."""

    name = "bce_logits"

    def _latex(self, printer, exp=None):
        Z, Y = (printer._print(a) for a in self.args)
        return r"\operatorname{BCE}\left(%s, %s\right)" % (Z, Y)


class SoftmaxCrossEntropy(_MatrixScalar):
    """``Σ_i Σ_j Y_ij (logsumexp(Z_i) − Z_ij) = −Σ_ij Y_ij log softmax(Z)_ij``: softmax cross-entropy of rows
    summed, for any targets (the scalar level's ``Σ_j y_j (s − z_j)``), with gradient
    ``rowsum(Y) ∘ softmax(Z) − Y`` (``softmax(Z) − Y`` when each target row sums to 1); printed as ``CE(Z, Y)``."""

    name = "softmax_ce"

    def _latex(self, printer, exp=None):
        Z, Y = (printer._print(a) for a in self.args)
        return r"\operatorname{CE}\left(%s, %s\right)" % (Z, Y)


def is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, sp.MatrixExpr)


#: Elementwise functions that are not complex-analytic (complex-step checks skip graphs using them).
NON_ANALYTIC_ELEMENTWISE = frozenset({"relu", "leaky_relu", "step", "leaky_relu_slope", "sign"})


def is_analytic_matrix(expr: sp.Basic) -> bool:
    """True when a matrix-level expression has no |·|, ReLU, step or sign."""
    if expr.has(AbsoluteSum) or expr.has(ColumnMax):
        return False
    return not any(a.function in NON_ANALYTIC_ELEMENTWISE for a in expr.atoms(Apply))


# -- sequence models: masks, row statistics, windows, pooling -------------------------------------------------

#: What a masked score becomes: exp of it underflows to exactly 0, and unlike −∞ it survives complex steps.
MASKED = -1e300


class CausalMask(sp.MatrixExpr):
    """The additive causal mask (n×n): 0 where key j ≤ query i, a huge negative number above the diagonal."""

    def __new__(cls, rows: sp.Expr = BATCH):
        return super().__new__(cls, sp.sympify(rows))

    @property
    def shape(self):
        return (self.args[0], self.args[0])

    def _latex(self, printer, exp=None):
        return r"M_{\text{causal}}"

    def _sympystr(self, printer):
        return "causal_mask"


class PositionalEncoding(sp.MatrixExpr):
    """Sinusoidal positions (n×d): PE[p, 2i] = sin(p / 10000^{2i/d}), PE[p, 2i+1] = cos(p / 10000^{2i/d})."""

    def __new__(cls, rows: sp.Expr, width: int):
        return super().__new__(cls, sp.sympify(rows), sp.Integer(width))

    @property
    def shape(self):
        return (self.args[0], self.args[1])

    def _latex(self, printer, exp=None):
        return r"\mathrm{PE}"

    def _sympystr(self, printer):
        return "PE"


class RowMean(_Shaped):
    """Each row's mean, repeated across the columns (same shape as the argument)."""

    @property
    def shape(self):
        return self.arg.shape

    def _latex(self, printer, exp=None):
        return r"\operatorname{rowmean}\left(%s\right)" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"rowmean({printer._print(self.arg)})"


class _RowStatistic(sp.MatrixExpr):
    """A row-by-row statistic of X with layer norm's ε, shaped like X."""

    def __new__(cls, X: sp.MatrixExpr, eps: sp.Expr):
        return super().__new__(cls, X, sp.sympify(eps))

    @property
    def shape(self):
        return self.args[0].shape


class RowStd(_RowStatistic):
    """``√(rowvar(X) + ε)`` repeated across the columns: layer norm's σ."""

    def _latex(self, printer, exp=None):
        return r"\operatorname{rowstd}\left(%s\right)" % printer._print(self.args[0])

    def _sympystr(self, printer):
        return f"rowstd({printer._print(self.args[0])})"


class RowNormalize(_RowStatistic):
    """``(X − rowmean X) / √(rowvar X + ε)``: layer norm before its gain and bias."""

    def _latex(self, printer, exp=None):
        return r"\operatorname{normalize}\left(%s\right)" % printer._print(self.args[0])

    def _sympystr(self, printer):
        return f"normalize({printer._print(self.args[0])})"


class Unfold(sp.MatrixExpr):
    """The n-gram windows of a sequence: row t is ``[X_t, X_{t+1}, …, X_{t+k−1}]`` ((n−k+1) × kd)."""

    def __new__(cls, X: sp.MatrixExpr, k: int):
        return super().__new__(cls, X, sp.Integer(k))

    @property
    def shape(self):
        X, k = self.args
        return (X.shape[0] - k + 1, k * X.shape[1])

    def _latex(self, printer, exp=None):
        return r"\operatorname{windows}_{%s}\left(%s\right)" % (self.args[1], printer._print(self.args[0]))

    def _sympystr(self, printer):
        return f"unfold({printer._print(self.args[0])}, {self.args[1]})"


class Fold(sp.MatrixExpr):
    """The adjoint of :class:`Unfold`: each window row's pieces added back to the positions they came from."""

    def __new__(cls, G: sp.MatrixExpr, k: int, width: int):
        return super().__new__(cls, G, sp.Integer(k), sp.Integer(width))

    @property
    def shape(self):
        G, k, width = self.args
        return (G.shape[0] + k - 1, width)

    def _latex(self, printer, exp=None):
        return r"\operatorname{fold}_{%s}\left(%s\right)" % (self.args[1], printer._print(self.args[0]))

    def _sympystr(self, printer):
        return f"fold({printer._print(self.args[0])}, {self.args[1]})"


class ColumnMax(_Shaped):
    """Max pooling over positions: the largest entry of each column (a 1×f row)."""

    @property
    def shape(self):
        return (sp.S.One, self.arg.shape[1])

    def _latex(self, printer, exp=None):
        return r"\max_{t}\left(%s\right)" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"colmax({printer._print(self.arg)})"


class ArgmaxMask(_Shaped):
    """1 at the (first) largest entry of each column, 0 elsewhere: where max pooling sends its gradient."""

    @property
    def shape(self):
        return self.arg.shape

    def _latex(self, printer, exp=None):
        return r"\mathbb{1}_{\arg\max}\left(%s\right)" % printer._print(self.arg)

    def _sympystr(self, printer):
        return f"argmax_mask({printer._print(self.arg)})"
