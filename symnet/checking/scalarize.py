"""The scalar-level twin of a matrix-level graph, for small sizes: every entry becomes its own symbol.

Each matrix operation is written out entry by entry (``(A B)_ij = Σ_k A_ik B_kj``, softmax as
``exp(z_j − logsumexp(z))``, layer norm with its square root), so that the scalar rules table, not the matrix
vector-Jacobian rules, derives the gradient: an independent oracle for the matrix level.

>>> from symnet.models.sequence_blocks import attention
>>> g = scalarize(attention(d_model=2), rows=2)
>>> len(g.parameters), g.is_matrix
(12, False)
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import sympy as sp

from ..algebra import functions as fn
from ..algebra.graph import Graph, GraphBuilder
from ..algebra.matrix import (BATCH, AbsoluteSum, Apply, Broadcast, CausalMask, ColumnMax, PositionalEncoding, RowMean,
                              RowNormalize, RowSoftmax, RowStd, SoftmaxCrossEntropy, SoftplusSum, SquaredNorm, Unfold)
from ..codegen.numeric import positional_encoding
from ..errors import SymnetError

#: Elementwise functions at scalar level.
SCALAR = {
    "tanh": sp.tanh, "sigmoid": fn.sigmoid, "relu": fn.relu, "gelu": fn.gelu, "softplus": fn.softplus,
    "exp": sp.exp, "sign": sp.sign, "step": fn.step, "reciprocal": lambda x: 1 / x, "log": sp.log,
}


def _apply(e: Apply, Z: sp.Matrix) -> sp.Matrix:
    if e.function == "leaky_relu":
        return Z.applyfunc(lambda x: fn.leaky_relu(x, e.args[2]))
    return Z.applyfunc(SCALAR[e.function])


def _softmax_rows(Z: sp.Matrix) -> sp.Matrix:
    out = sp.zeros(*Z.shape)
    for i in range(Z.rows):
        # masked scores (−∞) get no weight; the others exp(z_j − logsumexp(z))
        live = [j for j in range(Z.cols) if Z[i, j] is not sp.S.NegativeInfinity]
        s = fn.logsumexp(*[Z[i, j] for j in live])
        for j in live:
            out[i, j] = sp.exp(Z[i, j] - s)
    return out


def _row_statistics(X: sp.Matrix, eps: sp.Expr, entry) -> sp.Matrix:
    """Each row's mean μ and σ = √(var + ε), and ``entry(x, μ, σ)`` for every entry x of the row."""
    out = sp.zeros(*X.shape)
    for i in range(X.rows):
        row = [X[i, j] for j in range(X.cols)]
        mu = sp.Add(*row) / X.cols
        sigma = sp.sqrt(sp.Add(*[(x - mu) ** 2 for x in row]) / X.cols + eps)
        for j in range(X.cols):
            out[i, j] = entry(row[j], mu, sigma)
    return out


def _row_normalize(X: sp.Matrix, eps: sp.Expr) -> sp.Matrix:
    return _row_statistics(X, eps, lambda x, mu, sigma: (x - mu) / sigma)


def _row_std(X: sp.Matrix, eps: sp.Expr) -> sp.Matrix:
    return _row_statistics(X, eps, lambda x, mu, sigma: sigma)


def _unfold(X: sp.Matrix, k: int) -> sp.Matrix:
    return sp.Matrix([[X[t + j, c] for j in range(k) for c in range(X.cols)] for t in range(X.rows - k + 1)])


def _causal(n: int) -> sp.Matrix:
    return sp.Matrix(n, n, lambda i, j: sp.S.NegativeInfinity if j > i else 0)


def _sum(M: sp.Matrix, f: Callable[..., sp.Expr]) -> sp.Expr:
    return sp.Add(*[f(i, j) for i in range(M.rows) for j in range(M.cols)])


EXPLICIT: dict[type, Callable] = {
    sp.MatMul: lambda e, args, n: _product(args),
    sp.MatAdd: lambda e, args, n: sum(args[1:], args[0]),
    sp.Transpose: lambda e, args, n: args[0].T,
    sp.HadamardProduct: lambda e, args, n: _hadamard(args),
    sp.HadamardPower: lambda e, args, n: args[0].applyfunc(lambda x: x ** args[1]),
    Apply: lambda e, args, n: _apply(e, args[1]),
    Broadcast: lambda e, args, n: sp.Matrix.vstack(*[args[0]] * int(args[1])),
    RowSoftmax: lambda e, args, n: _softmax_rows(args[0]),
    RowMean: lambda e, args, n: sp.Matrix(args[0].rows, args[0].cols,
                                          lambda i, j: sp.Add(*args[0].row(i)) / args[0].cols),
    RowNormalize: lambda e, args, n: _row_normalize(args[0], args[1]),
    RowStd: lambda e, args, n: _row_std(args[0], args[1]),
    CausalMask: lambda e, args, n: _causal(int(args[0])),
    PositionalEncoding: lambda e, args, n: sp.Matrix(positional_encoding(int(args[0]), int(args[1]))),
    Unfold: lambda e, args, n: _unfold(args[0], int(args[1])),
    ColumnMax: lambda e, args, n: sp.Matrix([[sp.Max(*args[0].col(j)) for j in range(args[0].cols)]]),
    SquaredNorm: lambda e, args, n: _sum(args[0], lambda i, j: args[0][i, j] ** 2),
    AbsoluteSum: lambda e, args, n: _sum(args[0], lambda i, j: sp.Abs(args[0][i, j])),
    SoftplusSum: lambda e, args, n: _sum(args[0], lambda i, j: fn.softplus(args[0][i, j]) - args[1][i, j] * args[0][i, j]),
    SoftmaxCrossEntropy: lambda e, args, n: sp.Add(*[args[1][i, j] * (fn.logsumexp(*args[0].row(i)) - args[0][i, j])
                                                      for i in range(args[0].rows) for j in range(args[0].cols)]),
    sp.Trace: lambda e, args, n: args[0].trace(),
}


def _product(args):
    out = args[0]
    for a in args[1:]:
        out = out * a
    return out


def _hadamard(args):
    out = args[0]
    for a in args[1:]:
        out = out.multiply_elementwise(a)
    return out


def scalarize(graph: Graph, rows: int = 2, sizes: Mapping[sp.Symbol, int] | None = None) -> Graph:
    """The scalar-level graph of a matrix-level one, with the batch rows ``n`` (and any other length, such as
    a source sequence's, from ``sizes``; default ``rows + 1``) made concrete."""
    if not graph.is_matrix:
        return graph
    dims: dict[sp.Symbol, int] = {BATCH: rows}
    for s in graph.inputs:
        for k in s.shape:
            for d in sp.sympify(k).free_symbols:
                dims.setdefault(d, (sizes or {}).get(d, rows + 1))
    b = GraphBuilder(graph.name + "_scalar", graph.description + f", scalar level, {rows} rows")
    grids: dict[sp.Basic, object] = {}

    def shape(s) -> tuple[int, int]:
        return tuple(int(sp.sympify(k).subs(dims)) for k in s.shape)

    def declare(s, make):
        r, c = shape(s)
        grids[s] = sp.Matrix(r, c, lambda i, j: make(f"{s.name}_{i + 1}_{j + 1}"))

    for s in graph.inputs:
        declare(s, b.input)
    for s in graph.parameters:
        declare(s, b.parameter)
    for c, v in graph.constants:
        grids[c] = b.constant(c.name, v)

    def value(e):
        if e in grids:
            return grids[e]
        if e in dims:
            return sp.Integer(dims[e])
        if not e.args or e.is_Atom:
            return e
        args = [value(a) for a in e.args]
        for cls in type(e).__mro__:
            if cls in EXPLICIT:
                return EXPLICIT[cls](e, args, dims)
        if isinstance(e, sp.MatrixExpr):
            raise SymnetError(f"no entrywise form for {type(e).__name__}")
        return e.func(*args)

    for a in graph.assignments:
        v = value(a.expression)
        if isinstance(v, sp.MatrixBase):
            grid = sp.zeros(*v.shape)
            for i in range(v.rows):
                for j in range(v.cols):
                    grid[i, j] = b.assign(f"{a.target.name}_{i + 1}_{j + 1}", v[i, j],
                                          "output" if a.role == "output" else "node")
            grids[a.target] = grid
        else:
            grids[a.target] = b.assign(a.target.name, v, a.role)
    return b.build(grids[graph.loss])


def entry_values(graph: Graph, values: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Matrix-level values ``{W: array}`` as the scalarized graph's ``{W_i_j: number}``."""
    out = {}
    for name, array in values.items():
        array = np.atleast_2d(np.asarray(array))
        for i in range(array.shape[0]):
            for j in range(array.shape[1]):
                out[f"{name}_{i + 1}_{j + 1}"] = float(array[i, j])
    return out
