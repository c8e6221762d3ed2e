"""Short reprs and notebook views (``_repr_latex_``, ``_repr_markdown_``) for the objects people hold,
registered with :mod:`symnet.algebra.views` (which the objects ask) when this module is imported.

A repr is one line (what it is, its size); a notebook shows the maths, up to :data:`MAX_SHOWN` characters
(beyond that the one-line repr, so a big network never floods a cell).

>>> import symnet
>>> g = symnet.neuron()
>>> repr(g)
"<Graph 'neuron': neuron with 2 inputs, identity, mse; 3 inputs, 3 parameters, 3 nodes, loss L>"
>>> repr(symnet.derive(g))
"<Gradients of L in 'neuron': 3 parameters, 3 adjoint lines>"
"""
from __future__ import annotations

from ..algebra.derive import Gradients
from ..algebra.graph import Graph
from ..algebra.views import register
from ..checking.gradients import CheckReport
from ..codegen.compile import CompiledGraph
from .render import _adjoint_lines, _aligned, render

MAX_SHOWN = 20_000


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sized(text: str) -> str | None:
    return text if len(text) <= MAX_SHOWN else None


def graph_repr(g) -> str:
    level = ", matrix level" if g.is_matrix and "matrix" not in g.description else ""
    return (f"<Graph {g.name!r}: {g.description}{level}; {_plural(len(g.inputs), 'input')}, "
            f"{_plural(len(g.parameters), 'parameter')}, {_plural(len(g.assignments), 'node')}, loss {g.loss}>")


def graph_latex(g) -> str | None:
    return _sized(f"$${g.to_latex()}$$")


def graph_markdown(g) -> str | None:
    lines = [f"**{g.name}**: {g.description}", "", f"$${g.to_latex()}$$"]
    return _sized("\n".join(lines))


def gradients_repr(grads) -> str:
    return (f"<Gradients of {grads.graph.loss} in {grads.graph.name!r}: {_plural(len(grads.wrt), 'parameter')}, "
            f"{_plural(len(grads.program), 'adjoint line')}>")


def gradients_latex(grads) -> str | None:
    return _sized(f"$${_aligned(_adjoint_lines(grads, True))}$$") if grads.program else None


def gradients_markdown(grads) -> str | None:
    return _sized(render(grads, "markdown", expanded=False))


def compiled_repr(f) -> str:
    return (f"<CompiledGraph {f.graph.name!r}: {_plural(f.size, 'parameter')}, inputs "
            f"{', '.join(f.input_names)}; forward, loss, loss_and_gradient>")


def compiled_markdown(f) -> str | None:
    return _sized(f"**{f.graph.name}** compiled ({f.size} parameters):\n\n```python\n{f.source}\n```")


def report_repr(r) -> str:
    worst = ", ".join(f"{m} {w:.1e}" for m, _, w, _, _ in r.summary())
    return f"<CheckReport {r.graph!r}: {'passed' if r.passed else 'FAILED'}; worst error {worst or 'none'}>"


def report_markdown(r) -> str:
    rows = ["| method | comparisons | worst error | tolerance | |", "|---|---|---|---|---|"]
    rows += [f"| {m} | {n} | {w:.1e} | {t:.0e} | {'passed' if ok else '**FAILED**'} |"
             for m, n, w, t, ok in r.summary()]
    rows += [f"| {m} | skipped | {why} | | |" for m, why in r.skipped]
    return f"**gradient check of {r.graph}**: {'passed' if r.passed else '**FAILED**'}\n\n" + "\n".join(rows)


register(Graph, repr=graph_repr, latex=graph_latex, markdown=graph_markdown)
register(Gradients, repr=gradients_repr, latex=gradients_latex, markdown=gradients_markdown)
register(CompiledGraph, repr=compiled_repr, markdown=compiled_markdown)
register(CheckReport, repr=report_repr, markdown=report_markdown)
