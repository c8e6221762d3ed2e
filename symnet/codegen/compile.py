"""Compile a graph and its gradient program into NumPy functions vectorised over a batch.

The generated module is plain, readable Python: one line per assignment of the forward program, then one
line per adjoint of the gradient program (after common-subexpression elimination), so the compiled code is
the derivation. Inputs are arrays of shape ``(n,)`` (one entry per example), parameters are scalars; the
loss and each gradient are averaged over the batch.

>>> import numpy as np
>>> from symnet.models.scalar_blocks import linear_regression
>>> from symnet.algebra.derive import derive
>>> g = linear_regression()
>>> f = compile_graph(g, derive(g))
>>> float(f.loss({"w": 2.0, "b": 1.0}, {"distance": np.array([1.0, 2.0]), "price": np.array([3.0, 4.0])}))
0.5
"""
from __future__ import annotations

import functools
import linecache
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import numpy as np
import sympy as sp

from ..algebra.derive import Gradients
from ..algebra.functions import is_analytic
from ..algebra.graph import Graph
from ..algebra.matrix import is_analytic_matrix
from ..algebra.views import Shown
from ..errors import SymnetError
from . import numeric
from .buffers import BufferedProgram, buffered_source, needed_statements
from .printing import FastPrinter, MatrixPrinter

#: Names the generated code uses for itself; graphs may not take them.
RESERVED_NAMES = frozenset({"numpy", "abs", "erf", "functools", "new_buffer", *numeric.__all__})


@dataclass(frozen=True, repr=False)
class CompiledGraph(Shown):
    """NumPy functions for a graph's forward pass, loss and gradient, plus their generated source."""

    graph: Graph
    gradients: Gradients
    source: str = field(repr=False)
    _namespace: dict = field(repr=False, compare=False)
    dtype: str = "float64"

    # -- names ---------------------------------------------------------------------------------------------
    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.gradients.wrt)

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.graph.inputs)

    @cached_property
    def analytic(self) -> bool:
        """Whether every operation is complex-analytic (so complex-step checks apply)."""
        return all(is_analytic(a.expression) and is_analytic_matrix(a.expression) for a in self.graph.assignments)

    # -- calls ---------------------------------------------------------------------------------------------
    def _arguments(self, parameters, inputs) -> list:
        data = [self._input(inputs, n) for n in self.input_names]
        values = data + self._parameter_values(parameters)
        if self.dtype == "float64":
            return values
        # real values in the program's precision; complex ones (a complex-step check) in complex64
        return [np.asarray(v, dtype=np.complex64 if np.iscomplexobj(v) else self.dtype) for v in values]

    def _input(self, inputs: Mapping[str, object], name: str):
        if name not in inputs:
            raise SymnetError(f"missing input {name!r}; the graph needs {', '.join(self.input_names)}")
        value = np.asarray(inputs[name])
        declared = self._input_columns.get(name)
        if declared is not None and (value.ndim < 2 or value.shape[-1] != declared):
            got = value.shape[-1] if value.ndim >= 2 else f"a {value.ndim}-dimensional array"
            raise SymnetError(f"input {name} needs {declared} columns (one row per position), got {got}")
        return value

    @cached_property
    def _input_columns(self) -> dict[str, int]:
        return {s.name: int(s.shape[1]) for s in self.graph.inputs
                if isinstance(s, sp.MatrixSymbol) and sp.sympify(s.shape[1]).is_Integer}

    @cached_property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each parameter's shape: ``()`` for a scalar, ``(rows, cols)`` for a matrix."""
        return {p.name: tuple(int(k) for k in p.shape) if isinstance(p, sp.MatrixSymbol) else ()
                for p in self.graph.parameters}

    @cached_property
    def size(self) -> int:
        """The number of scalar parameters (entries of every matrix counted)."""
        return sum(int(np.prod(s)) for s in self.shapes.values())

    @cached_property
    def flat_labels(self) -> tuple[str, ...]:
        """A label per entry of the flat parameter vector: ``w``, ``W1[0,2]``."""
        labels = []
        for name, shape in self.shapes.items():
            labels += [name] if not shape else [f"{name}[{i},{j}]" for i in range(shape[0]) for j in range(shape[1])]
        return tuple(labels)

    @cached_property
    def wrt_positions(self) -> np.ndarray:
        """Where the differentiated parameters' entries sit in the flat parameter vector, in gradient order."""
        offsets, at = {}, 0
        for name, shape in self.shapes.items():
            offsets[name] = at
            at += int(np.prod(shape))
        return np.concatenate([offsets[n] + np.arange(int(np.prod(self.shapes[n]))) for n in self.parameter_names])

    def pack(self, parameters: Mapping[str, object]) -> np.ndarray:
        """The flat vector of a ``{name: value}`` mapping."""
        return np.concatenate([np.ravel(v) for v in self._parameter_values(parameters)])

    def unpack(self, theta) -> dict[str, np.ndarray]:
        """``{name: value}`` from a flat vector."""
        return dict(zip(self.shapes, self._parameter_values(theta)))

    def _parameter_values(self, parameters) -> list:
        shapes = self.shapes
        if isinstance(parameters, Mapping):
            unknown = set(parameters) - set(shapes)
            if unknown:
                raise SymnetError(f"unknown parameter {sorted(unknown)[0]!r}")
            missing = [n for n in shapes if n not in parameters]
            if missing:
                raise SymnetError(f"missing parameter {missing[0]!r}")
            values = []
            for name, shape in shapes.items():
                v = np.asarray(parameters[name])
                if shape and v.shape != shape:
                    raise SymnetError(f"parameter {name} has shape {v.shape}, expected {shape}")
                values.append(v)
            return values
        if isinstance(parameters, (list, tuple)) and len(parameters) == len(shapes):
            return list(parameters)
        flat = np.ravel(np.asarray(parameters))
        if flat.size != self.size:
            raise SymnetError(f"expected {self.size} parameter values, got {flat.size}")
        values, at = [], 0
        for shape in shapes.values():
            k = int(np.prod(shape))
            values.append(flat[at:at + k].reshape(shape) if shape else flat[at])
            at += k
        return values

    def forward(self, parameters, inputs: Mapping[str, object]) -> dict[str, np.ndarray]:
        """Every node's value (per example) by name."""
        values = self._namespace["forward"](*self._arguments(parameters, inputs))
        return dict(zip((s.name for s in self.graph.nodes), values))

    def loss(self, parameters, inputs: Mapping[str, object]):
        """The loss averaged over the batch."""
        return np.mean(self._namespace["loss"](*self._arguments(parameters, inputs)))

    def loss_and_gradient(self, parameters, inputs: Mapping[str, object]) -> tuple[object, np.ndarray]:
        """The batch-mean loss and its gradient as one flat vector (entries of :attr:`parameter_names` in
        order, matrices row by row)."""
        L, grads = self.gradient_arrays(parameters, inputs)
        if self.graph.is_matrix:
            return L, np.concatenate([np.ravel(g) for g in grads.values()])
        return L, np.array(list(grads.values()))

    def gradient_arrays(self, parameters, inputs: Mapping[str, object]) -> tuple[object, dict[str, np.ndarray]]:
        """The loss and ``{name: gradient}`` with each gradient shaped like its parameter (for training)."""
        L, grads = self._namespace["loss_and_gradient"](*self._arguments(parameters, inputs))
        if self.graph.is_matrix:
            # the matrix-level loss averages over the rows itself; a batch of sequences (a leading axis) is
            # averaged here: the mean of per-sequence losses and of their gradients
            return np.mean(L), {n: _batch_mean(g, self.shapes[n]) for n, g in zip(self.parameter_names, grads)}
        return np.mean(L), {n: np.mean(g) for n, g in zip(self.parameter_names, grads)}

    def function(self, name: str = "loss_and_gradient"):
        """A generated function (``forward``, ``loss`` or ``loss_and_gradient``) taking the inputs then the
        parameters positionally, in graph order: the fastest way to call the program in a loop."""
        if name not in ("forward", "loss", "loss_and_gradient"):
            raise SymnetError(f"no generated function {name!r}")
        return self._namespace[name]

    def program(self, copy: bool = True) -> BufferedProgram:
        """The step that owns its memory (matrix level): buffers made once per batch size and filled in place,
        with fused SGD, momentum and Adam updates. Arguments are positional, inputs then parameters in graph
        order, as for :meth:`function`; a sequence model takes a batch of sequences (``B×n×d``, or one ``n×d``)
        and returns the batch means. ``copy=False`` returns the gradient buffers themselves, valid until
        the next call (for training loops)."""
        if "make_program" not in self._namespace:
            raise SymnetError("only a matrix-level graph (numpy backend) has a buffered program")
        return BufferedProgram(self._namespace["make_program"], _dimensions(self.graph), self.input_names,
                               [self.shapes[n] for n in self.shapes], copy, bool(self.graph.option("batched")))

    def per_example(self, parameters, inputs: Mapping[str, object]) -> tuple[object, tuple]:
        """The loss and gradient of each example, not averaged (parameters may be arrays too: they broadcast)."""
        return self._namespace["loss_and_gradient"](*self._arguments(parameters, inputs))

    def gradient(self, parameters, inputs: Mapping[str, object]) -> dict[str, object]:
        """``{name: ∂L/∂name}`` (arrays at matrix level)."""
        return self.gradient_arrays(parameters, inputs)[1]


Statement = tuple  # (target symbol, SymPy expression)


def _batch_mean(g, shape: tuple[int, ...]):
    g = np.asarray(g) if not hasattr(g, "ndim") else g
    if g.ndim == len(shape) + 1:
        return g.mean(axis=0)
    return np.broadcast_to(g, shape)


def _interleave(temps: dict, lines: list, needed_by=(), emitted=None) -> list[Statement]:
    """Statements with each CSE temporary placed just before its first use (after what it uses)."""
    out: list[Statement] = []
    done: set = set() if emitted is None else emitted

    def need(expr) -> None:
        for s in sorted(expr.free_symbols, key=str):
            if s in temps and s not in done:
                need(temps[s])
                done.add(s)
                out.append((s, temps[s]))

    for target, expr in lines:
        need(expr)
        out.append((target, expr))
        done.add(target)
    for expr in needed_by:
        need(expr)
    return out


def _flat(e: sp.Expr) -> bool:
    return e.is_Atom or all(a.is_Atom for a in e.args)


def _body(statements: list[Statement], returned: list[sp.Expr], p, free_memory: bool,
          printers: Mapping | None = None) -> list[str]:
    """Source lines for the statements that the returned values need, in order. With ``free_memory`` each
    matrix is deleted after its last use, so NumPy can reuse its (cache-warm) memory for the next one."""
    kept = needed_statements(statements, returned)
    last_use = {s: i for i, (_, expr) in enumerate(kept) for s in expr.free_symbols}
    keep_alive = set().union(*(r.free_symbols for r in returned)) if returned else set()
    defined: set = set()
    lines = []
    for i, (target, expr) in enumerate(kept):
        printed = printers[target](expr) if printers and target in printers else p.doprint(expr)
        lines.append(f"    {target.name} = {printed}")
        defined.add(target)
        dead = sorted(s.name for s in expr.free_symbols if s in defined and last_use[s] == i and s not in keep_alive)
        if free_memory and dead:
            lines.append(f"    del {', '.join(dead)}")
    return lines


def _batch_gradients(gradients: Gradients, backward: list[Statement], results: list[sp.Expr],
                     p) -> tuple[list[Statement], list[sp.Expr], dict]:
    """For a batch of sequences, each parameter's gradient is the batch mean of its adjoint. An adjoint a
    parameter shares with a node (``Z = P W + b``: ∂L/∂b is ∂L/∂Z) stays per-sequence, because the
    backward pass goes on from it: the mean is then a statement of its own, ``dL_db = batch_mean(dL_dZ)``."""
    targets = {t for t, _ in backward}
    used = set().union(*(e.free_symbols for _, e in backward)) if backward else set()
    taken = {t.name for t in targets} | {s.name for s in gradients.graph._all_symbols}
    backward, results, printers = list(backward), list(results), {}
    for k, w in enumerate(gradients.wrt):
        a = gradients.adjoints.get(w)
        if a not in targets:
            continue
        shared = a in used or any(v == a for n, v in gradients.adjoints.items() if n != w)
        if not shared:
            printers[a] = p.parameter_gradient
            continue
        name, i = f"dL_d{w.name}", 1
        while name in taken:
            name, i = f"dL_d{w.name}_{i}", i + 1
        taken.add(name)
        mean = a.func(name, *a.args[1:]) if isinstance(a, sp.MatrixSymbol) else sp.Symbol(name, real=True)
        backward.append((mean, a))
        printers[mean] = p.parameter_gradient
        results[k] = mean
    return backward, results, printers


def _source(graph: Graph, gradients: Gradients, cse: bool) -> str:
    args = ", ".join([s.name for s in graph.inputs] + [s.name for s in graph.parameters])
    constants = [f"    {c.name} = {v!r}" for c, v in graph.constants]
    if graph.is_matrix:
        # every matrix node already has a name: the program is its own common-subexpression elimination
        batched = bool(graph.option("batched"))
        p, cse = MatrixPrinter({"fully_qualified_modules": True, "batched": batched}), False
        # each dimension symbol (rows n, a source length) is read off the first input that has it
        dimensions: dict = {}
        for s in graph.inputs:
            if isinstance(s, sp.MatrixSymbol) and isinstance(s.shape[0], sp.Symbol):
                dimensions.setdefault(s.shape[0], s)
        for k, (dim, s) in enumerate(dimensions.items()):
            constants.insert(k, f"    {dim.name} = {s.name}.shape[{-2 if batched else 0}]")
    else:
        p = FastPrinter()
    forward_statements = [(a.target, a.expression) for a in graph.assignments]
    forward = [f"    {a.target.name} = {p.doprint(a.expression)}" for a in graph.assignments]

    backward_targets = [a.target for a in gradients.program]
    backward_exprs = [a.expression for a in gradients.program]
    results = [gradients[w] for w in gradients.wrt]
    if cse and backward_exprs:
        # only nested expressions can share a subexpression; products and sums of names are left alone
        nested = [i for i, e in enumerate(backward_exprs + results) if not _flat(e)]
        exprs = backward_exprs + results
        replacements, reduced = sp.cse([exprs[i] for i in nested], symbols=sp.numbered_symbols("t", real=True),
                                       order="none")
        for i, r in zip(nested, reduced):
            exprs[i] = r
        n = len(backward_exprs)
        backward = _interleave(dict(replacements), list(zip(backward_targets, exprs[:n])))
        results = exprs[n:]
        backward += _interleave(dict(replacements), [], needed_by=results, emitted=set(backward_targets))
    else:
        backward = list(zip(backward_targets, backward_exprs))
    L = graph.loss
    loss_lines = _body(forward_statements, [L], p, graph.is_matrix)
    printers = None
    if graph.is_matrix and graph.option("batched"):
        # a batch of sequences: each shared parameter's gradient is averaged over the batch in the program
        backward, results, printers = _batch_gradients(gradients, backward, results, p)
    gradient_lines = _body(forward_statements + backward, [L, *results], p, graph.is_matrix, printers)
    first_adjoint = next((i for i, line in enumerate(gradient_lines)
                          if line.lstrip().split(" ")[0] in {t.name for t, _ in backward}), len(gradient_lines))
    gradient_lines.insert(first_adjoint, "    # reverse mode: each adjoint dL/dv is computed once and reused")
    returned = ", ".join(p.doprint(r) for r in results)
    nodes = ", ".join(a.target.name for a in graph.assignments)
    header = f'"""Generated by symnet from graph {graph.name!r}: {graph.description}"""'
    buffered = []
    if graph.is_matrix:
        # the same program once more, writing into buffers it owns (see buffers.py)
        buffered = ["", "", buffered_source(forward_statements + backward, L, results, [s.name for s in graph.inputs],
                                            [s.name for s in graph.parameters], _dimensions(graph), p,
                                            [f"    {c.name} = {v!r}" for c, v in graph.constants],
                                            batched=bool(graph.option("batched")), batch_means=printers or ())]
    return "\n".join([
        header, "",
        f"def forward({args}):",
        *constants, *forward,
        f"    return ({nodes},)", "", "",
        f"def loss({args}):",
        *constants, *loss_lines,
        f"    return {L.name}", "", "",
        f"def loss_and_gradient({args}):",
        *constants, *gradient_lines,
        f"    return {L.name}, ({returned},)", "", *buffered,
    ])


def _dimensions(graph: Graph) -> list[tuple[str, str, int]]:
    """Each dimension symbol of a matrix graph (rows n, a source length) and the input axis it is read from;
    for a batch of sequences first ``batch``, the number of sequences (axis 0 of the first input)."""
    dimensions: dict = {}
    for s in graph.inputs:
        if isinstance(s, sp.MatrixSymbol) and isinstance(s.shape[0], sp.Symbol):
            dimensions.setdefault(s.shape[0], s)
    batched = bool(graph.option("batched"))
    return ([("batch", graph.inputs[0].name, 0)] if batched else []) + [
        (dim.name, s.name, -2 if batched else 0) for dim, s in dimensions.items()]


BACKENDS = ("numpy", "jax")


def _namespace(backend: str) -> dict:
    """What the generated code's names mean: NumPy and symnet's runtime, or their JAX twins."""
    if backend == "numpy":
        return {"numpy": np, "abs": np.abs, "functools": functools,
                **{n: getattr(numeric, n) for n in numeric.__all__}}
    if backend == "jax":
        try:
            import jax.numpy as jnp

            from . import numeric_jax
        except ImportError:
            raise SymnetError("--backend jax needs JAX: pip install 'symnet[jax]'") from None
        return {"numpy": jnp, "abs": jnp.abs, "functools": functools, **{n: getattr(numeric_jax, n) for n in numeric_jax.__all__}}
    raise SymnetError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


DTYPES = ("float64", "float32")


def compile_graph(graph: Graph, gradients: Gradients | None = None, cse: bool = True,
                  backend: str = "numpy", dtype: str = "float64") -> CompiledGraph:
    """Generate and load NumPy code for ``graph`` and its gradients (derived here when not given).

    ``backend="jax"`` runs the same source with ``jax.numpy`` and ``jax.jit`` (for accelerators).
    ``dtype="float32"`` computes in single precision: real inputs and parameters are cast on the way in, and
    the buffered program's arrays are float32.
    """
    if dtype not in DTYPES:
        raise SymnetError(f"unknown dtype {dtype!r}; choose one of {', '.join(DTYPES)}")
    from ..algebra.derive import derive

    if gradients is None:
        gradients = derive(graph)
    clash = RESERVED_NAMES & {s.name for s in graph._all_symbols}
    if clash:
        raise SymnetError(f"the name {sorted(clash)[0]!r} is reserved by the generated code; rename it")
    source = _source(graph, gradients, cse)
    filename = f"<symnet:{graph.name}:{id(gradients):x}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = _namespace(backend) | {"dtype": np.dtype(dtype)}
    exec(compile(source, filename, "exec"), namespace)  # our own generated code, never user text
    if backend == "jax":
        import jax
        for name in ("forward", "loss", "loss_and_gradient"):
            namespace[name] = jax.jit(namespace[name])
    if backend == "jax":
        namespace.pop("make_program", None)  # in-place buffers are NumPy's; JAX arrays are immutable
    return CompiledGraph(graph, gradients, source, namespace, dtype)
