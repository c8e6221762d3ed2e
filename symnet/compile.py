"""Compile a graph and its gradient program into NumPy functions vectorised over a batch.

The generated module is plain, readable Python: one line per assignment of the forward program, then one
line per adjoint of the gradient program (after common-subexpression elimination), so the compiled code is
the derivation. Inputs are arrays of shape ``(n,)`` (one entry per example), parameters are scalars; the
loss and each gradient are averaged over the batch.

>>> import numpy as np
>>> from symnet.blocks import linear_regression
>>> from symnet.derive import derive
>>> g = linear_regression()
>>> f = compile_graph(g, derive(g))
>>> float(f.loss({"w": 2.0, "b": 1.0}, {"distance": np.array([1.0, 2.0]), "price": np.array([3.0, 4.0])}))
0.5
"""
from __future__ import annotations

import linecache
from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from . import numeric
from .derive import Gradients
from .errors import SymnetError
from .functions import RUNTIME_FUNCTIONS, is_analytic
from .graph import Graph

#: Names the generated code uses for itself; graphs may not take them.
RESERVED_NAMES = frozenset({"numpy", "abs", "erf", *numeric.__all__})


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


def _printer() -> FastPrinter:
    return FastPrinter()


@dataclass(frozen=True)
class CompiledGraph:
    """NumPy functions for a graph's forward pass, loss and gradient, plus their generated source."""

    graph: Graph
    gradients: Gradients
    source: str = field(repr=False)
    _namespace: dict = field(repr=False, compare=False)

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
        return all(is_analytic(a.expression) for a in self.graph.assignments)

    # -- calls ---------------------------------------------------------------------------------------------
    def _arguments(self, parameters, inputs) -> list:
        data = [self._input(inputs, n) for n in self.input_names]
        return data + self._parameter_values(parameters)

    def _input(self, inputs: Mapping[str, object], name: str):
        if name not in inputs:
            raise SymnetError(f"missing input {name!r}; the graph needs {', '.join(self.input_names)}")
        return np.asarray(inputs[name])

    def _parameter_values(self, parameters) -> list:
        all_names = [p.name for p in self.graph.parameters]
        if isinstance(parameters, Mapping):
            unknown = set(parameters) - set(all_names)
            if unknown:
                raise SymnetError(f"unknown parameter {sorted(unknown)[0]!r}")
            missing = [n for n in all_names if n not in parameters]
            if missing:
                raise SymnetError(f"missing parameter {missing[0]!r}")
            return [parameters[n] for n in all_names]
        values = list(parameters) if isinstance(parameters, (list, tuple)) else list(np.asarray(parameters).ravel())
        if len(values) != len(all_names):
            raise SymnetError(f"expected {len(all_names)} parameter values, got {len(values)}")
        return values

    def forward(self, parameters, inputs: Mapping[str, object]) -> dict[str, np.ndarray]:
        """Every node's value (per example) by name."""
        values = self._namespace["forward"](*self._arguments(parameters, inputs))
        return dict(zip((s.name for s in self.graph.nodes), values))

    def loss(self, parameters, inputs: Mapping[str, object]):
        """The loss averaged over the batch."""
        return np.mean(self._namespace["loss"](*self._arguments(parameters, inputs)))

    def loss_and_gradient(self, parameters, inputs: Mapping[str, object]) -> tuple[object, np.ndarray]:
        """The batch-mean loss and its gradient, a vector in the order of :attr:`parameter_names`."""
        L, grads = self._namespace["loss_and_gradient"](*self._arguments(parameters, inputs))
        return np.mean(L), np.array([np.mean(g) for g in grads])

    def per_example(self, parameters, inputs: Mapping[str, object]) -> tuple[object, tuple]:
        """The loss and gradient of each example, not averaged (parameters may be arrays too: they broadcast)."""
        return self._namespace["loss_and_gradient"](*self._arguments(parameters, inputs))

    def gradient(self, parameters, inputs: Mapping[str, object]) -> dict[str, float]:
        return dict(zip(self.parameter_names, self.loss_and_gradient(parameters, inputs)[1]))


def _interleave(temps: dict, lines: list, p: FastPrinter, needed_by=(), emitted=None) -> list[str]:
    """Source lines with each CSE temporary placed just before its first use (after what it uses)."""
    out: list[str] = []
    done: set = set() if emitted is None else emitted

    def need(expr) -> None:
        for s in sorted(expr.free_symbols, key=str):
            if s in temps and s not in done:
                need(temps[s])
                done.add(s)
                out.append(f"    {s.name} = {p.doprint(temps[s])}")

    for target, expr in lines:
        need(expr)
        out.append(f"    {target.name} = {p.doprint(expr)}")
        done.add(target)
    for expr in needed_by:
        need(expr)
    return out


def _flat(e: sp.Expr) -> bool:
    return e.is_Atom or all(a.is_Atom for a in e.args)


def _source(graph: Graph, gradients: Gradients, cse: bool) -> str:
    p = _printer()
    args = ", ".join([s.name for s in graph.inputs] + [s.name for s in graph.parameters])
    constants = [f"    {c.name} = {v!r}" for c, v in graph.constants]
    forward = [f"    {a.target.name} = {p.doprint(a.expression)}" for a in graph.assignments]
    L = graph.loss.name
    # only the assignments the loss needs, for the loss-only function
    needed = {graph.loss}
    for a in reversed(graph.assignments):
        if a.target in needed:
            needed |= a.expression.free_symbols
    loss_lines = [line for a, line in zip(graph.assignments, forward) if a.target in needed]

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
        backward = _interleave(dict(replacements), list(zip(backward_targets, exprs[:n])), p)
        results = exprs[n:]
        backward += _interleave(dict(replacements), [], p, needed_by=results, emitted=set(backward_targets))
    else:
        backward = [f"    {t.name} = {p.doprint(e)}" for t, e in zip(backward_targets, backward_exprs)]
    returned = ", ".join(p.doprint(r) for r in results)
    nodes = ", ".join(a.target.name for a in graph.assignments)
    header = f'"""Generated by symnet from graph {graph.name!r}: {graph.description}"""'
    return "\n".join([
        header, "",
        f"def forward({args}):",
        *constants, *forward,
        f"    return ({nodes},)", "", "",
        f"def loss({args}):",
        *constants, *loss_lines,
        f"    return {L}", "", "",
        f"def loss_and_gradient({args}):",
        *constants, *forward,
        "    # reverse mode: each adjoint dL/dv is computed once and reused",
        *backward,
        f"    return {L}, ({returned},)", "",
    ])


def compile_graph(graph: Graph, gradients: Gradients | None = None, cse: bool = True) -> CompiledGraph:
    """Generate and load NumPy code for ``graph`` and its gradients (derived here when not given)."""
    from .derive import derive

    if gradients is None:
        gradients = derive(graph)
    clash = RESERVED_NAMES & {s.name for s in graph._all_symbols}
    if clash:
        raise SymnetError(f"the name {sorted(clash)[0]!r} is reserved by the generated code; rename it")
    source = _source(graph, gradients, cse)
    filename = f"<symnet:{graph.name}:{id(gradients):x}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {"numpy": np, "abs": np.abs, **{n: getattr(numeric, n) for n in numeric.__all__}}
    exec(compile(source, filename, "exec"), namespace)  # our own generated code, never user text
    return CompiledGraph(graph, gradients, source, namespace)
