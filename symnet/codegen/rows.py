"""In-place NumPy calls for the row-wise operations of sequence models, for :mod:`symnet.codegen.buffers`.

The runtime's ``softmax_rows``, ``row_std`` and ``row_normalize`` (:mod:`symnet.codegen.numeric`) return new arrays;
inside a buffer-owning program the same maths is written into the node's buffer, with the row statistics kept
as one column (``n×1``, or ``batch×n×1``) that the element-wise calls broadcast across the row:

    softmax(Z):      m = max_j Z_ij;  P = exp(Z − m);  P ← P / Σ_j P_ij
    rowstd(X, ε):    μ = Σ_j X_ij / d;  σ = √(Σ_j (X_ij − μ)² / d + ε), repeated across the row
    normalize(X, ε): (X − μ) / σ

Each function returns ``False`` when ``e`` is none of these (the caller then uses its general form).
"""
from __future__ import annotations

import sympy as sp

from ..algebra.matrix import RowNormalize, RowSoftmax, RowStd


def emit_row_operation(emitter, e, out: str, lines: list[str]) -> bool:
    """Append the calls that write the row operation ``e`` into ``out``; ``False`` if ``e`` is not one."""
    if not isinstance(e, (RowSoftmax, RowStd, RowNormalize)):
        return False
    X = emitter.value(e.args[0], lines)
    column = emitter.new_scratch(e, emitter.shape(sp.MatrixSymbol("_", e.shape[0], 1), emitter.is_batched(e)))
    width = emitter.dimension(e.shape[1])
    if isinstance(e, RowSoftmax):
        lines += [f"numpy.max({X}, axis=-1, keepdims=True, out={column})",
                  f"numpy.subtract({X}, {column}, out={out})",
                  f"numpy.exp({out}, out={out})",
                  f"numpy.sum({out}, axis=-1, keepdims=True, out={column})",
                  f"numpy.divide({out}, {column}, out={out})"]
        return True
    eps = emitter.p.doprint(e.args[1])
    # the centred rows into out, their mean square (+ ε) into the column
    lines += [f"numpy.sum({X}, axis=-1, keepdims=True, out={column})",
              f"numpy.multiply({column}, 1/{width}, out={column})",
              f"numpy.subtract({X}, {column}, out={out})"]
    squares = out if isinstance(e, RowStd) else emitter.new_scratch(e)
    lines += [f"numpy.multiply({out}, {out}, out={squares})",
              f"numpy.sum({squares}, axis=-1, keepdims=True, out={column})",
              f"numpy.multiply({column}, 1/{width}, out={column})",
              f"numpy.add({column}, {eps}, out={column})",
              f"numpy.sqrt({column}, out={column})"]
    lines.append(f"numpy.copyto({out}, {column})" if isinstance(e, RowStd)
                 else f"numpy.divide({out}, {column}, out={out})")
    return True
