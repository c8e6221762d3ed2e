"""The order of a buffer-owning program's statements (:mod:`symnet.codegen.buffers`), which buffer each node
is written into, and which parameter updates its SGD step fuses into the product that computes their gradient.

A statement whose value nothing else reads (a parameter's gradient, the loss) is a *sink*; it is moved up to
just after its operands, so that their buffers are free sooner. In ``sgd_step`` a sink that is a product,

    dL_dW1 = X.T @ dL_dZ1      becomes      W1 ← W1 − α Xᵀ dL_dZ1     (one BLAS call, ``gemm_into``)
    dL_db1 = 𝟏ᵀ dL_dZ1         becomes      b1 ← b1 − α 𝟏ᵀ dL_dZ1

so the gradient is never written out: the update comes after the last statement that reads the parameter
(the backward pass reads ``W2`` in ``dL_dA1 = dL_dE @ W2.T``), and a parameter is updated this way only when
nothing after that point reads it. A tall, thin parameter (the last layer's 128×10 weights) is the exception:
its gradient is NumPy's product into the program's buffer and the update follows the program, which is faster
with the BLAS builds NumPy and SciPy ship (:func:`tall_and_thin`).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Sequence

import sympy as sp

from ..algebra.matrix import ColumnSum, SquaredNorm

Statement = tuple  # (target symbol, SymPy expression)


def needed_statements(statements: Sequence[Statement], returned: Iterable[sp.Expr]) -> list[Statement]:
    """The statements the returned values need, in program order (dead nodes dropped)."""
    needed = set().union(*(r.free_symbols for r in returned))
    kept = []
    for target, expr in reversed(statements):
        if target in needed:
            kept.append((target, expr))
            needed |= expr.free_symbols
    kept.reverse()
    return kept


def _is_matrix(e) -> bool:
    return isinstance(e, sp.MatrixExpr)


def _names(e) -> set[str]:
    return {s.name for s in e.free_symbols if hasattr(s, "name")}


def sinks_early(kept: list[Statement], fused: dict | None = None) -> list[Statement]:
    """The same program with each statement whose value nothing else reads (a parameter's gradient, the loss)
    moved up to just after its operands: its operands' buffers are then free sooner (``dL_dW2 = A1.T @ dL_dE``
    before ``dL_dZ1`` lets ``dL_dZ1`` take ``A1``'s memory). A sink in ``fused`` (target → parameter name)
    updates its parameter in place, so it also waits for every statement that reads the parameter."""
    fused = fused or {}
    used = set().union(*(e.free_symbols for _, e in kept)) if kept else set()
    order = [st for st in kept if st[0] in used]
    for sink in (st for st in kept if st[0] not in used):
        reads, parameter = sink[1].free_symbols, fused.get(sink[0])
        after = max((k for k, (t, e) in enumerate(order)
                     if t in reads or (parameter is not None and parameter in _names(e))), default=-1)
        order.insert(after + 1, sink)
    return order


def two_factors(e) -> bool:
    """Whether ``e`` is a product ``c A B`` of two matrices (no constant matrix): one BLAS call."""
    if not isinstance(e, sp.MatMul):
        return False
    mats = [a for a in e.args if isinstance(a, sp.MatrixExpr)]
    return len(mats) == 2 and not any(isinstance(m, (sp.OneMatrix, sp.ZeroMatrix, sp.Identity)) for m in mats)


def _update_form(expr) -> bool:
    """Whether a gradient is a product ``c A B`` of two matrices or a column sum over a symbolic number of
    rows (``𝟏ᵀ G``): what one ``gemm_into`` call accumulates into the parameter."""
    if isinstance(expr, ColumnSum):
        return isinstance(expr.arg.shape[0], sp.Symbol)
    return two_factors(expr)


#: A parameter with at most this many columns and at least this many rows (a last layer's 128×10 weights) is
#: updated after NumPy's product rather than fused into SciPy's: see :func:`tall_and_thin`.
THIN_COLUMNS, TALL_ROWS = 16, 64


def tall_and_thin(parameter: sp.MatrixExpr) -> bool:
    """Whether a parameter is tall and thin, so that its gradient product is faster as ``numpy.matmul`` into
    the program's buffer followed by the two-pass update than as one fused ``gemm_into``. NumPy and SciPy link
    different OpenBLAS builds (0.3.31 and 0.3.30 here, same Haswell kernels), and for few output columns
    NumPy's is faster. Measured (one thread, batch 256, µs): W 128×10 fused 25.6, NumPy + update 21.6;
    128×16 29.6 / 25.6; 64×10 13.5 / 11.7; 128×1 17.0 / 3.8; 1024×10 207 / 183; 128×10 at batch 4096 422 / 336;
    but W 64×128 (the first layer) 80.4 / 91.6 and 10×128 24.6 / 35.2, and at batches of 32 to 64 the two are
    within 1 µs for these shapes."""
    rows, columns = parameter.shape
    return (getattr(rows, "is_Integer", False) and getattr(columns, "is_Integer", False)
            and columns <= THIN_COLUMNS and rows >= TALL_ROWS)


def fused_schedule(kept: list[Statement], results: Sequence[sp.Expr],
                   parameters: Sequence[str]) -> tuple[list[Statement], dict]:
    """The statement order of ``sgd_step`` and the gradients it fuses into their parameter's update
    (``{gradient node: parameter name}``): sinks of update form that do not read their own parameter, as long
    as nothing after the update (a later statement, or a gradient computed after the program) reads it, and
    the parameter is not :func:`tall_and_thin`."""
    used = set().union(*(e.free_symbols for _, e in kept)) if kept else set()
    definition = dict(kept)
    fused: dict = {}
    for name, r in zip(parameters, results):
        expr = definition.get(r)
        if (isinstance(r, sp.MatrixSymbol) and r not in used and list(results).count(r) == 1
                and expr is not None and _update_form(expr) and name not in _names(expr)
                and not tall_and_thin(r)):
            fused[r] = name
    late = set().union(*(_names(r) for r in results if not isinstance(r, sp.MatrixSymbol))) if results else set()
    while True:
        order = sinks_early(kept, fused)
        position = {t: k for k, (t, _) in enumerate(order)}
        clash = [t for t, p in fused.items()
                 if p in late or any(p in _names(e) for _, e in order[position[t] + 1:])]
        if not clash:
            return order, fused
        for t in clash:
            del fused[t]


def reads_only_first(lines: list[str], names: set[str]) -> bool:
    """Whether a statement's calls read ``names`` only in their first call, an element-wise one (so that call
    may write over them: a ufunc reads each element before writing it; a product or a reduction does not).
    Leading calls into scratch buffers that do not read ``names`` (a row sum of the targets) come first."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    while lines and re.search(r"out=scratch\d+\)$", lines[0]) and not pattern.search(lines[0]):
        lines = lines[1:]
    if not lines or lines[0].startswith(("numpy.matmul", "numpy.sum", "numpy.mean", "numpy.max", "gemm_into")):
        return False
    return not any(pattern.search(line) for line in lines[1:])


def _scalar_text(printer, e: sp.Expr, emitter) -> str:
    """A scalar node (the loss): a squared norm of a named matrix as a dot product, which allocates nothing
    (for a batch of sequences, one per sequence)."""
    norms = {}
    for s in e.atoms(SquaredNorm):
        if isinstance(s.args[0], sp.MatrixSymbol):
            M = s.args[0].name
            norms[s] = sp.Symbol(f"numpy.einsum('...ij,...ij->...', {M}, {M})" if emitter.is_batched(s)
                                 else f"numpy.dot({M}.ravel(), {M}.ravel())")
    return printer.doprint(e.xreplace(norms) if norms else e)


def fill_buffers(order: list[Statement], returned: Sequence[sp.Expr], root: dict, emitter, printer,
                 buffers: dict[str, str], batch_means: set, fused: dict) -> list[str]:
    """The statements' in-place calls in ``order``, each node in a buffer of ``buffers`` (made when no free one
    of its shape is left); a node in ``fused`` is its parameter's SGD update (``gemm_into``), not a buffer."""
    last_use: dict = {}
    for i, (target, expr) in enumerate(order):
        for s in expr.free_symbols:
            last_use[root.get(s, s)] = i
    kept_alive = {root.get(s, s) for r in returned for s in r.free_symbols}
    free: dict[str, list[str]] = defaultdict(list)
    holder: dict[sp.Symbol, str] = {}   # node -> its buffer
    body: list[str] = []
    for i, (target, expr) in enumerate(order):
        maths = f"{target.name} = {printer.doprint(expr)}"
        if emitter.batched is not None and target not in batch_means and emitter.is_batched(expr):
            emitter.batched.add(target)
        if not _is_matrix(target):
            body += [f"# {maths}", f"{target.name} = {_scalar_text(printer, expr, emitter)}"]
        elif target in fused:  # W ← W − α·(c A B): the gradient is never written out
            lines = []
            emitter.gemm(expr, fused[target], "-learning_rate", lines)
            emitter.statement_done()
            body += [f"# {fused[target]} -= learning_rate * {target.name}, where {maths}"] + lines
        elif target in root:
            body.append(f"{target.name} = {expr.name}")
            if root[target] in holder:
                holder[target] = holder[root[target]]
        else:
            shape = emitter.shape(target)
            lines = []
            (emitter.emit_mean if target in batch_means else emitter.emit)(expr, target.name, lines)
            emitter.statement_done()
            name = None
            for s in sorted(expr.free_symbols, key=str):
                r = root.get(s, s)
                names = {r.name} | {a.name for a, b in root.items() if b == r}
                if (r in holder and last_use.get(r) == i and r not in kept_alive and emitter.shape(r) == shape
                        and reads_only_first(lines, names)):
                    name = holder.pop(r)  # in place: the operand dies here and only the first call reads it
                    break
            if name is None:
                name = free[shape].pop() if free[shape] else target.name
            buffers.setdefault(name, shape)
            holder[target] = name
            body += [f"# {maths}"] + ([] if name == target.name else [f"{target.name} = {name}"]) + lines
        for s in expr.free_symbols | {target}:
            r = root.get(s, s)
            if last_use.get(r, -1) <= i and r in holder and r not in kept_alive:
                free[emitter.shape(r)].append(holder.pop(r))
    return body
