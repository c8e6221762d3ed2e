"""Generated matrix-level steps that own their memory: buffers made once per batch size, filled in place.

The plain generated program (``compile.py``) allocates every node afresh on each call (``Z1 = X @ W1 + b1``).
For a 64→128→10 network on a batch of 256 those are 256 KB arrays, which glibc hands back to the operating
system and faults in again on every step, so the step's speed depends on the allocator and on what else the
process imported (``import torch`` changes it by 30 %). This module prints the same program a second way:

    def make_program(n):                      # once per batch size n
        Z1 = new_buffer((n, 128))             # every node's buffer, reused by later nodes of its shape
        ...
        def loss_and_gradient(X, Y, W1, b1, W2, b2):
            # dL_dW1 = X.T @ dL_dZ1
            numpy.matmul(X.T, dL_dZ1, out=dL_dW1)

Each statement keeps its maths as a comment above its in-place NumPy calls. A node whose last use is past
gives its buffer to the next node of the same shape (never to one of the statement's own operands, so no
statement reads memory it is writing). Optimiser steps (SGD, momentum, Adam) are fused into the same
program: the gradients never leave it. Where a product has something added to it, one BLAS call does both
(``gemm_into``, C ← α A B + β C): the bias of ``Z1 = X @ W1 + b1`` is copied into the buffer and the product
added in, and ``sgd_step`` (its own program, :mod:`symnet.codegen.schedule`) accumulates a gradient that is
a product straight into its parameter (``W1 ← W1 − α Xᵀ dL_dZ1``), never writing the gradient out.

The arrays ``loss_and_gradient`` returns are the program's own buffers: they stay valid until the next call.
:class:`BufferedProgram` copies them on return unless asked not to (``copy=False``, for training loops).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Sequence

import numpy as np
import sympy as sp

from ..algebra.matrix import Apply, Broadcast, ColumnSum, RowMean, RowSum
from .rows import emit_row_operation
from .schedule import fill_buffers, fused_schedule, needed_statements, sinks_early, two_factors
from .steps import optimiser_steps

#: Row statistics repeated across the columns: computed as one column (``n×1``) that element-wise calls broadcast.
ROW_COLUMNS = (RowSum, RowMean)

Statement = tuple  # (target symbol, SymPy expression)

#: Elementwise functions of the runtime with an in-place NumPy form for real arrays (the ufunc writes `out=`).
IN_PLACE = {"relu": "numpy.maximum({}, 0)", "step": "numpy.greater({}, 0)"}



def _is_matrix(e) -> bool:
    return isinstance(e, sp.MatrixExpr)


def _coefficient(e: sp.MatMul) -> tuple[sp.Expr, list]:
    scalars = [a for a in e.args if not _is_matrix(a)]
    return sp.Mul(*scalars), [a for a in e.args if _is_matrix(a)]


class _Emitter:
    """In-place NumPy calls for one matrix expression written into a named buffer.

    For a batch of sequences (``batched``) the symbols in :attr:`batched` hold one matrix per sequence
    (``batch×n×h`` buffers); parameters and what is made of them alone stay one matrix."""

    def __init__(self, printer, batched: bool = False) -> None:
        self.p = printer
        self.batched: set | None = set() if batched else None
        self._dimensions: dict = {}
        self.scratch: dict[str, str] = {}      # scratch buffer name -> shape text
        self._taken: dict[str, int] = defaultdict(int)
        self.ones: set[str] = set()             # dimensions with a row of ones (column sums as products)

    def is_batched(self, e) -> bool:
        """Whether ``e`` has one value per sequence of the batch (it reads an input or such a node)."""
        return self.batched is not None and not self.batched.isdisjoint(e.free_symbols)

    def shape(self, e, batched: bool | None = None) -> str:
        """``e``'s buffer shape as text, ``batch`` first when it has a value per sequence."""
        lead = ["batch"] if (self.is_batched(e) if batched is None else batched) else []
        return "(" + ", ".join(lead + [self.dimension(k) for k in e.shape]) + ",)"

    def dimension(self, k) -> str:
        """A size as text (printed once per size: the printer is slow next to the rest)."""
        if k not in self._dimensions:
            self._dimensions[k] = self.p.doprint(sp.sympify(k))
        return self._dimensions[k]

    def new_scratch(self, e, shape: str | None = None) -> str:
        """A scratch buffer of ``e``'s shape (or of ``shape``), distinct from every other one taken in this
        statement."""
        shape = self.shape(e) if shape is None else shape
        k = self._taken[shape]
        self._taken[shape] += 1
        key = (shape, k)
        for existing, value in self.scratch.items():
            if value == key:
                return existing
        name = f"scratch{len(self.scratch)}"
        self.scratch[name] = key
        return name

    def statement_done(self) -> None:
        self._taken.clear()

    def operand(self, e) -> str | None:
        """Text for an operand that needs no computation (a name, a transpose, a broadcast row, a number)."""
        if isinstance(e, sp.MatrixSymbol):
            return e.name
        if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatrixSymbol):
            return f"{e.arg.name}.{'mT' if self.is_batched(e) else 'T'}"  # each sequence's matrix transposed
        if isinstance(e, Broadcast):
            return self.operand(e.arg)
        if isinstance(e, sp.OneMatrix):
            return "1"
        if isinstance(e, sp.ZeroMatrix):
            return "0"
        if not _is_matrix(e):
            return self.p.doprint(e)
        return None

    def value(self, e, lines: list[str]) -> str:
        """An operand's text, computing it into a scratch buffer first when it is not one. A row sum is kept
        as the column of sums (``n×1``), which element-wise calls broadcast across the columns."""
        text = self.operand(e)
        if text is not None:
            return text
        if isinstance(e, ROW_COLUMNS):
            column = self.new_scratch(e, self.shape(sp.MatrixSymbol("_", e.shape[0], 1), self.is_batched(e)))
            lines.append(f"numpy.sum({self.value(e.arg, lines)}, axis=-1, keepdims=True, out={column})")
            if isinstance(e, RowMean):
                lines.append(f"numpy.multiply({column}, 1/{self.dimension(e.shape[1])}, out={column})")
            return column
        buffer = self.new_scratch(e)
        self.emit(e, buffer, lines)
        return buffer

    def emit(self, e, out: str, lines: list[str]) -> None:
        """Append the calls that write ``e`` into the buffer ``out`` (which no operand of ``e`` aliases)."""
        text = self.operand(e)
        if text is not None:
            lines.append(f"numpy.copyto({out}, {text})")
        elif isinstance(e, sp.MatMul):
            self._product(e, out, lines)
        elif isinstance(e, sp.MatAdd):
            self._sum(e, out, lines)
        elif isinstance(e, sp.HadamardProduct):
            # computed factors first; operands and row sums (a column that broadcasts) are multiplied in after
            cheap = lambda a: self.operand(a) is not None or isinstance(a, ROW_COLUMNS)  # noqa: E731
            factors = sorted(e.args, key=cheap)
            if not cheap(factors[0]):
                self.emit(factors[0], out, lines)
                first = out
            else:
                first = self.value(factors[0], lines)
            rest = factors[1:]
            if first != out:
                lines.append(f"numpy.multiply({first}, {self.value(rest[0], lines)}, out={out})")
                rest = rest[1:]
            for f in rest:
                lines.append(f"numpy.multiply({out}, {self.value(f, lines)}, out={out})")
        elif isinstance(e, sp.HadamardPower):
            base = self.operand(e.base)
            if base is None:
                self.emit(e.base, out, lines)
                base = out
            if e.exp == 2:
                lines.append(f"numpy.multiply({base}, {base}, out={out})")
            else:
                lines.append(f"numpy.power({base}, {self.p.doprint(e.exp)}, out={out})")
        elif isinstance(e, Apply) and len(e.args) == 2 and (e.spec.numpy.startswith("numpy.")
                                                             or e.function in IN_PLACE):
            arg = self.operand(e.args[1])
            if arg is None:
                self.emit(e.args[1], out, lines)
                arg = out
            call = IN_PLACE.get(e.function, e.spec.numpy + "({})")
            lines.append(f"{call.format(arg)[:-1]}, out={out})")
        elif isinstance(e, ColumnSum) and isinstance(e.arg.shape[0], sp.Symbol):
            # 𝟏ᵀ M as the product it is: a BLAS call, twice as fast as a sum over axis 0 here
            rows = e.arg.shape[0].name
            self.ones.add(rows)
            lines.append(f"numpy.matmul(ones_{rows}, {self.value(e.arg, lines)}, out={out})")
        elif isinstance(e, ColumnSum):
            lines.append(f"numpy.sum({self.value(e.arg, lines)}, axis=-2, keepdims=True, out={out})")
        elif isinstance(e, ROW_COLUMNS):  # rowsum(M) = M 𝟏 𝟏ᵀ: the column of sums, repeated across the columns
            lines.append(f"numpy.copyto({out}, {self.value(e, lines)})")
        elif not emit_row_operation(self, e, out, lines):  # softmax, layer norm's statistics (symnet/codegen/rows.py)
            # no in-place form: NumPy allocates this one, and it is copied into the buffer
            lines.append(f"{out}[...] = {self.p.doprint(e)}")

    def emit_mean(self, e, out: str, lines: list[str]) -> None:
        """A parameter's gradient for a batch of sequences: the batch mean of ``e`` (what the plain program's
        ``weight_gradient``, ``column_sum_mean`` and ``batch_mean`` compute), written into ``out``."""
        if not self.is_batched(e):
            self.emit(e, out, lines)
            return
        if isinstance(e, sp.MatAdd):
            self.emit_mean(e.args[0], out, lines)
            for t in e.args[1:]:
                term = self.new_scratch(t, self.shape(t, batched=False))
                self.emit_mean(t, term, lines)
                lines.append(f"numpy.add({out}, {term}, out={out})")
            return
        c, mats = _coefficient(e) if isinstance(e, sp.MatMul) else (1, [])
        if len(mats) == 2 and isinstance(mats[0], sp.Transpose) and all(self.is_batched(m) for m in mats):
            # mean over b of A_bᵀ G_b = (all rows of A)ᵀ (all rows of G) / batch: one product
            a, g = self.value(mats[0].arg, lines), self.value(mats[1], lines)
            lines.append(f"numpy.matmul({a}.reshape(-1, {a}.shape[-1]).T, {g}.reshape(-1, {g}.shape[-1]), "
                         f"out={out})")
            scale = "1/batch" if c == 1 else f"({self.p.doprint(c)})/batch"
            lines.append(f"numpy.multiply({out}, {scale}, out={out})")
        elif isinstance(e, ColumnSum):  # 𝟏ᵀ M_b averaged over b: the sum over sequences and rows, / batch
            lines.append(f"numpy.sum({self.value(e.arg, lines)}, axis=(0, 1), out={out}[0])")
            lines.append(f"numpy.multiply({out}, 1/batch, out={out})")
        else:
            lines.append(f"numpy.mean({self.value(e, lines)}, axis=0, out={out})")

    def _product(self, e: sp.MatMul, out: str, lines: list[str]) -> None:
        c, mats = _coefficient(e)
        if len(mats) == 1:
            source = self.operand(mats[0])
            if source is None:
                self.emit(mats[0], out, lines)
                source = out
        else:
            left = self.value(mats[0], lines)
            for k, m in enumerate(mats[1:], start=1):
                target = out if k == len(mats) - 1 else self.new_scratch(sp.MatMul(*mats[:k + 1]))
                lines.append(f"numpy.matmul({left}, {self.value(m, lines)}, out={target})")
                left = target
            source = out
        if c == -1:
            lines.append(f"numpy.negative({source}, out={out})")
        elif c != 1:
            lines.append(f"numpy.multiply({source}, {self.p.doprint(c)}, out={out})")
        elif source != out:
            lines.append(f"numpy.copyto({out}, {source})")

    def gemm(self, e, out: str, scale: str, lines: list[str]) -> None:
        """``out ← scale·e + out`` for a product ``e = c A B`` of two matrices or a column sum ``𝟏ᵀ G``, in one
        BLAS call (``gemm_into``): a bias added in the product, or an SGD update (``scale`` −learning rate)."""
        if isinstance(e, ColumnSum):
            rows = e.arg.shape[0].name
            self.ones.add(rows)
            A, B, c = f"ones_{rows}", self.value(e.arg, lines), 1
        else:
            c, (a, b) = _coefficient(e)
            A, B = self.value(a, lines), self.value(b, lines)
        alpha = scale if c == 1 else self.p.doprint(c) if scale == "1.0" else f"{scale}*({self.p.doprint(c)})"
        lines.append(f"gemm_into({out}, {A}, {B}, {alpha}, 1.0)")

    def signed(self, t) -> tuple[int, str] | None:
        """``(±1, text)`` for a term that is an operand or the negative of one."""
        if isinstance(t, sp.MatMul):
            c, mats = _coefficient(t)
            if c == -1 and len(mats) == 1 and self.operand(mats[0]) is not None:
                return -1, self.operand(mats[0])
        text = self.operand(t)
        return None if text is None else (1, text)

    def _column_term(self, t) -> tuple[int, sp.MatrixExpr] | None:
        """``(±1, statistic)`` for a term that is a row statistic (a column that broadcasts) or its negative."""
        if isinstance(t, ROW_COLUMNS):
            return 1, t
        if isinstance(t, sp.MatMul):
            c, mats = _coefficient(t)
            if c == -1 and len(mats) == 1 and isinstance(mats[0], ROW_COLUMNS):
                return -1, mats[0]
        return None

    def _signed_value(self, t, lines: list[str]) -> tuple[int, str]:
        """``(±1, text)`` for an operand, a row statistic or the negative of either (computed if need be)."""
        if self.signed(t) is not None:
            return self.signed(t)
        sign, column = self._column_term(t)
        return sign, self.value(column, lines)

    def _sum(self, e: sp.MatAdd, out: str, lines: list[str]) -> None:
        cheap = lambda t: self.signed(t) is not None or self._column_term(t) is not None  # noqa: E731
        products = [t for t in e.args if not cheap(t)]
        if (self.batched is None and len(products) == 1 and two_factors(products[0])
                and all(self.signed(t) is not None for t in e.args if t is not products[0])):
            # c A B + b: the other terms into the buffer, then BLAS adds the product in (one pass fewer)
            others = [t for t in e.args if t is not products[0]]
            self.emit(sp.MatAdd(*others) if len(others) > 1 else others[0], out, lines)
            self.gemm(products[0], out, "1.0", lines)
            return
        # computed terms first, then operands, then row statistics (columns, which cannot start a full buffer)
        terms = sorted(e.args, key=lambda t: (cheap(t), self._column_term(t) is not None))
        if cheap(terms[0]):  # a ± b ± …: the first two in one call
            texts = sorted((self._signed_value(t, lines) for t in terms), key=lambda st: st[0] < 0)
            (first, a), (sign, b) = texts[0], texts[1]
            if first < 0:  # every term negative
                lines.append(f"numpy.negative({a}, out={out})")
                texts = texts[1:]
            else:
                lines.append(f"numpy.{'add' if sign > 0 else 'subtract'}({a}, {b}, out={out})")
                texts = texts[2:]
            for sign, b in texts:
                lines.append(f"numpy.{'add' if sign > 0 else 'subtract'}({out}, {b}, out={out})")
            return
        lead, rest = terms[0], list(terms[1:])
        negated = isinstance(lead, sp.MatMul) and _coefficient(lead)[0] == -1 and len(_coefficient(lead)[1]) == 1
        if negated and rest:
            # a - B: B into the buffer, then subtract it from a (one pass instead of negating first)
            self.emit(_coefficient(lead)[1][0], out, lines)
            sign, a = self._signed_value(rest.pop(0), lines) if cheap(rest[0]) else (1, self.value(rest.pop(0), lines))
            lines.append(f"numpy.{'subtract' if sign > 0 else 'add'}({a}, {out}, out={out})")
            if sign < 0:
                lines.append(f"numpy.negative({out}, out={out})")
        else:
            self.emit(lead, out, lines)
        for t in rest:
            if cheap(t):
                sign, b = self._signed_value(t, lines)
                lines.append(f"numpy.{'add' if sign > 0 else 'subtract'}({out}, {b}, out={out})")
                continue
            c, mats = _coefficient(t) if isinstance(t, sp.MatMul) else (1, [t])
            if c == -1 and len(mats) == 1:
                lines.append(f"numpy.subtract({out}, {self.value(mats[0], lines)}, out={out})")
            else:
                lines.append(f"numpy.add({out}, {self.value(t, lines)}, out={out})")


def _gradients(parameters: Sequence[str], results: Sequence[sp.Expr], emitter: _Emitter, printer,
               buffers: dict[str, str], zeros: list[str]) -> tuple[list[str], list[str]]:
    """Calls computing the gradients that are not nodes, and each parameter's gradient's name."""
    body, grads = [], []
    for name, r in zip(parameters, results):
        if isinstance(r, sp.MatrixSymbol):
            grads.append(r.name)
            continue
        grads.append(f"gradient_{name}")
        if not _is_matrix(r):  # a parameter the loss does not read (a one-step RNN's W_hh): zeros
            line = f"    gradient_{name} = numpy.full({name}_shape, {printer.doprint(r)}, dtype)"
            zeros += [] if line in zeros else [line]
        else:  # a gradient that is an expression of nodes: computed into its own buffer
            buffers[f"gradient_{name}"] = emitter.shape(r, batched=False)
            lines: list[str] = []
            emitter.emit_mean(r, f"gradient_{name}", lines)
            emitter.statement_done()
            body += [f"# gradient of {name}"] + lines
    return body, grads


def buffered_source(statements: Sequence[Statement], loss: sp.Symbol, results: Sequence[sp.Expr],
                    inputs: Sequence[str], parameters: Sequence[str], dimensions: Sequence[tuple[str, str, int]],
                    printer, constants: Sequence[str] = (), batched: bool = False,
                    batch_means: Iterable[sp.Symbol] = ()) -> str:
    """The source of ``make_program(<dimensions>)``, which makes the buffers for one set of dimension values
    and returns the in-place ``loss_and_gradient`` and the fused optimiser steps over them.

    ``dimensions`` lists ``(name, input, axis)``: each dimension symbol and the input it is read from. For a
    batch of sequences (``batched``: inputs ``batch×n×d``, the first dimension ``batch``), ``batch_means`` are
    the statements that average a parameter's gradient over the batch; the loss returned is the batch mean."""
    kept = needed_statements(statements, [loss, *results])
    # aliases (Yhat = Z2) share their source's buffer; a buffer lives until the last use of any of its names
    root: dict[sp.Symbol, sp.Symbol] = {}
    batch_means = set(batch_means)
    for target, expr in kept:
        if _is_matrix(target) and isinstance(expr, sp.MatrixSymbol) and target not in batch_means:
            root[target] = root.get(expr, expr)

    emitter = _Emitter(printer, batched)
    if batched:
        emitter.batched |= {s for _, e in kept for s in e.free_symbols if getattr(s, "name", None) in inputs}
    buffers: dict[str, str] = {}        # buffer name -> shape text (named after the first node it holds)
    zeros: list[str] = []
    body = fill_buffers(sinks_early(kept), [loss, *results], root, emitter, printer, buffers, batch_means, {})
    lines, grads = _gradients(parameters, results, emitter, printer, buffers, zeros)
    body += lines
    # sgd_step's own program: a gradient that is a product is accumulated into its parameter by BLAS
    order, fused = fused_schedule(kept, results, parameters) if not batched else (kept, {})
    sgd = None
    if fused:
        rest = [(p, r) for p, r in zip(parameters, results) if r not in fused]
        sgd = fill_buffers(order, [loss, *(r for _, r in rest)], root, emitter, printer, buffers, batch_means, fused)
        lines, sgd_grads = _gradients([p for p, _ in rest], [r for _, r in rest], emitter, printer, buffers, zeros)
        sgd = (sgd + lines, dict(zip((p for p, _ in rest), sgd_grads)))
    for name, (shape, _) in emitter.scratch.items():
        buffers[name] = shape
    for p in parameters:
        buffers[f"step_{p}"] = f"{p}_shape"
    ones = [f"    ones_{d} = numpy.ones((1, {d}), dtype)" for d in sorted(emitter.ones)] + zeros

    args = ", ".join([*inputs, *parameters])
    dims = ", ".join(d for d, _, _ in dimensions)
    out = [f"def make_program({dims}, {', '.join(f'{p}_shape' for p in parameters)}):",
           '    """Buffers for one batch size, made once; the functions below fill them in place."""']
    out += [line for line in constants if line.strip()]
    out += ["    new_buffer = buffer_block(dtype)  # the buffers from one block (huge pages where the system has them)"]
    out += [f"    {b} = new_buffer({shape})" for b, shape in buffers.items()] + ones
    out += ["", f"    def loss_and_gradient({args}):",
            '        """The loss and each parameter\'s gradient (the arrays are this program\'s buffers)."""']
    out += ["        " + line for line in body]
    mean = f"numpy.mean({loss.name})" if batched else loss.name  # a batch: the mean of the sequences' losses
    out += [f"        return {mean}, ({', '.join(grads)},)", ""]
    out += optimiser_steps(args, loss.name, parameters, sgd)
    out.append("    return loss_and_gradient, sgd_step, momentum_step, adam_step")
    return "\n".join(out) + "\n"


class BufferedProgram:
    """The buffer-owning program of a compiled matrix-level graph, made anew when the batch size changes.

    ``loss_and_gradient(inputs..., parameters...)`` returns the loss and the gradients; with ``copy=True``
    (the default) the gradients are fresh arrays, with ``copy=False`` they are the program's buffers, valid
    until the next call. ``sgd_step``, ``momentum_step`` and ``adam_step`` update the parameter arrays in
    place (they must be writable arrays of the program's dtype) and return the loss."""

    def __init__(self, make, dimensions: Sequence[tuple[str, str, int]], input_names: Sequence[str],
                 shapes: Sequence[tuple[int, ...]], copy: bool = True, batched: bool = False) -> None:
        self._make, self._shapes, self.copy = make, tuple(shapes), copy
        self._at = [(input_names.index(i), axis) for _, i, axis in dimensions]
        self._inputs = len(input_names) if batched else 0
        self._programs: dict[tuple, tuple] = {}

    def _batch(self, args: Sequence) -> list:
        """A batch of sequences' inputs as ``B×n×d`` arrays: one sequence (``n×d``) is a batch of one, and an
        input shared by every sequence is broadcast (as the plain program does)."""
        args = list(args)
        if self._inputs:
            data = [np.asarray(a) for a in args[:self._inputs]]
            B = max((a.shape[0] for a in data if a.ndim == 3), default=1)
            args[:self._inputs] = [a if a.shape[:1] == (B,) and a.ndim == 3 else
                                   np.broadcast_to(a, (B,) + a.shape[-2:]) for a in data]
        return args

    def program(self, args: Sequence) -> tuple:
        """The four functions for these arguments' dimensions (buffers made on first use of a size)."""
        key = tuple(args[k].shape[axis] for k, axis in self._at)
        made = self._programs.get(key)
        if made is None:
            if len(self._programs) >= 4:  # a few sizes (a last, smaller minibatch) stay; older ones go
                self._programs.pop(next(iter(self._programs)))
            made = self._programs[key] = self._make(*key, *self._shapes)
        return made

    def loss_and_gradient(self, *args):
        args = self._batch(args)
        L, grads = self.program(args)[0](*args)
        return L, (tuple(np.copy(g) for g in grads) if self.copy else grads)

    def sgd_step(self, *args, learning_rate: float):
        args = self._batch(args)
        return self.program(args)[1](*args, learning_rate)

    def momentum_step(self, *args, learning_rate: float, velocities: Sequence[np.ndarray]):
        args = self._batch(args)
        return self.program(args)[2](*args, learning_rate, velocities)

    def adam_step(self, *args, learning_rate: float, moments: Sequence[np.ndarray], t: int):
        args = self._batch(args)
        return self.program(args)[3](*args, learning_rate, moments, t)
