"""Render derivations as LaTeX, Markdown, plain text, Python or JSON.

The closed form of each gradient is shown two ways: as the program (``∂L/∂W = ∂L/∂z · x``, in the names of
cached adjoints) and expanded into inputs and parameters (only for small graphs unless asked). The steps
view prints the chain rule node by node, naming the adjoints each line reuses.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from ..algebra.derive import Gradients
from ..codegen.printing import MatrixPrinter

FORMATS = ("latex", "markdown", "text", "python", "json")

#: Expanded closed forms are printed by default only for graphs with at most this many parameters, and at
#: matrix level only where writing the adjoints out gives at most this many operations (a layer norm's
#: adjoint is used three times by the next one down, so a transformer's written-out gradients grow
#: exponentially with depth: a decoder's would be megabytes of LaTeX).
EXPAND_LIMIT = 40
EXPAND_SIZE = 600


@dataclass(frozen=True)
class ClosedForm:
    """One parameter's gradient: in program names, and expanded (``None`` when not requested)."""

    parameter: sp.Symbol
    program: sp.Expr
    expanded: sp.Expr | None


def closed_forms(grads: Gradients, expanded: bool | None = None) -> list[ClosedForm]:
    """The gradient of every derived parameter; expanded forms are simplified by pulling out common factors."""
    if expanded is None:
        expanded = len(grads.wrt) <= EXPAND_LIMIT
    definitions = {a.target: a.expression for a in grads.program}
    sizes: dict = {}
    out = []
    for p in grads.wrt:
        small = expanded and (not grads.graph.is_matrix or
                              _written_out_size(grads[p], definitions, sizes) <= EXPAND_SIZE)
        e = grads.expanded(p) if small else None
        # a named adjoint is shown by its definition (dL/dW = dL/dz · x); an alias stays a name (dL/db = dL/dz)
        program = definitions.get(grads[p], grads[p])
        out.append(ClosedForm(p, program if grads.graph.is_matrix else sp.factor_terms(program), e))
    return out


#: ``--expanded`` refuses (unless ``--force``) to write out more operations than this (an MLP 4-6-6-2 is
#: about 330,000: 37 s and 1.4 MB of text).
EXPANDED_LIMIT = 100_000


def expanded_size(grads: Gradients) -> int:
    """An estimate of the size (operations) of every gradient written out in inputs and parameters, counted
    on the program without expanding anything."""
    definitions = {a.target: a.expression for a in grads.program}
    if not grads.graph.is_matrix:
        definitions |= {a.target: a.expression for a in grads.graph.assignments}
    sizes: dict = {}
    return sum(_written_out_size(grads[p], definitions, sizes) for p in grads.wrt)


def _written_out_size(e: sp.Basic, definitions: dict, sizes: dict) -> int:
    """How many nodes ``e`` has once every adjoint name in it is replaced by its definition (counted
    without building it: each adjoint's size is computed once)."""
    if e in definitions:
        if e not in sizes:
            sizes[e] = _written_out_size(definitions[e], definitions, sizes)
        return sizes[e]
    return 1 + sum(_written_out_size(a, definitions, sizes) for a in e.args)


def _d(grads: Gradients, v: sp.Symbol, latex: bool, of: sp.Symbol | None = None) -> str:
    """``∂of/∂v`` (``of`` defaults to the loss)."""
    top = grads.graph.loss if of is None else of
    if latex:
        return r"\frac{\partial %s}{\partial %s}" % (grads.latex(top), grads.latex(v))
    return f"d{top}/d{v}"


def _text(e: sp.Expr) -> str:
    if isinstance(e, sp.MatrixExpr):
        return _MATRIX_TEXT.doprint(e)  # X.T @ dL_dZ1, dL_dA1*(1 - A1**2): NumPy's notation
    return sp.sstr(e, order="none")


_MATRIX_TEXT = MatrixPrinter({"fully_qualified_modules": True})


def _show(grads: Gradients, e: sp.Expr, latex: bool) -> str:
    return grads.latex(e) if latex else _text(e)


def _single_path(graph, c, v) -> bool:
    """Whether node c uses v only directly (none of c's other arguments depends on v)."""
    definitions = graph.definitions
    others = [a for a in definitions.get(c, sp.S.Zero).free_symbols if a != v]
    seen: set = set()

    def depends(x) -> bool:
        if x == v:
            return True
        if x in seen or x not in definitions:
            return False
        seen.add(x)
        return any(depends(a) for a in definitions[x].free_symbols)

    return not any(depends(a) for a in others)


def _chain_term(grads: Gradients, v: sp.Symbol, c: sp.Symbol, partial: sp.Expr, latex: bool) -> str:
    """The term node c contributes to ∂L/∂v, as the chain rule writes it."""
    if c == grads.graph.loss:
        return _show(grads, sp.factor_terms(partial), latex)
    if _single_path(grads.graph, c, v):
        return _d(grads, c, latex) + (" " if latex else " * ") + _d(grads, v, latex, of=c)
    if grads.graph.is_matrix:
        return _show(grads, partial, latex)  # the vector-Jacobian product, ∂L/∂c already inside it
    return _d(grads, c, latex) + (" " if latex else " * ") + \
        (r"\left(%s\right)" if latex else "(%s)") % _show(grads, sp.factor_terms(partial), latex)


def step_lines(grads: Gradients, latex: bool) -> list[str]:
    """One line of the chain rule per node, in the order reverse mode computes them:
    ``∂L/∂z = ∂L/∂ŷ ∂ŷ/∂z = ∂L/∂ŷ · ŷ(1 − ŷ)``, naming the adjoints it reuses."""
    times = r" \cdot " if latex else " * "
    lines = []
    for s in grads.steps:
        lhs = _d(grads, s.node, latex)
        if not s.terms:
            lines.append(f"{lhs} = 1")
            continue
        # the chain rule as written in notes: Σ_c ∂L/∂c · ∂c/∂v; where L uses v directly, that term is
        # written as its value (∂L/∂v there would read as the total derivative, the left side itself)
        # ∂c/∂v is written as a fraction only where c uses v along one path; where another argument of c also
        # depends on v (softmax's a = exp(z − s) with s = logsumexp(z)) the fraction would read as the total
        # derivative, so the local partial is written as its value
        chain = " + ".join(_chain_term(grads, s.node, c, p, latex) for c, p in s.terms)
        # each ∂L/∂c by the name that holds it, times the local partial from the rules table
        parts = []
        for c, partial in s.terms:
            if grads.graph.is_matrix:
                parts.append(_show(grads, partial, latex))  # already the vector-Jacobian product
                continue
            partial = _show(grads, sp.factor_terms(partial), latex)
            adj = grads.adjoints[c]
            if adj == 1:
                parts.append(partial)
            elif latex:
                parts.append(rf"{_show(grads, adj, latex)}{times}\left({partial}\right)")
            else:
                parts.append(f"{_show(grads, adj, latex)}{times}({partial})")
        value = _show(grads, s.value if grads.graph.is_matrix else sp.factor_terms(s.value), latex)
        line = " = ".join(dict.fromkeys([lhs, chain, " + ".join(parts), value]))
        reused = list(dict.fromkeys(grads.adjoints[c] for c, _ in s.terms
                                    if isinstance(grads.adjoints[c], (sp.Symbol, sp.MatrixSymbol))))
        if reused and not latex:
            line += "    [reuses " + ", ".join(map(str, reused)) + "]"
        lines.append(line)
    return lines


def _gradient_lines(grads: Gradients, forms: Sequence[ClosedForm], latex: bool) -> list[str]:
    lines = []
    for f in forms:
        lhs = _d(grads, f.parameter, latex)
        show = grads.latex if latex else _text
        program = show(f.program)
        if f.expanded is not None and f.expanded != f.program:
            lines.append(f"{lhs} = {program} = {show(f.expanded)}")
        else:
            lines.append(f"{lhs} = {program}")
    return lines


def _adjoint_lines(grads: Gradients, latex: bool) -> list[str]:
    if latex:
        return [f"{grads.latex(a.target)} = {grads.latex(a.expression)}" for a in grads.program]
    return [f"{a.target} = {_text(a.expression)}" for a in grads.program]


def render(grads: Gradients, fmt: str = "latex", steps: bool = False, expanded: bool | None = None,
           source: str | None = None) -> str:
    """The derivation of ``grads`` in one of :data:`FORMATS` (``python`` needs the compiled ``source``)."""
    g = grads.graph
    forms = closed_forms(grads, expanded)
    if fmt == "python":
        if source is None:
            raise ValueError("the python format needs the compiled source")
        return source
    if fmt == "json":
        data = {
            "model": g.name,
            "description": g.description,
            "loss": g.loss.name,
            "forward": [{"name": a.target.name, "latex": g.latex(a.expression), "text": _text(a.expression)}
                        for a in g.assignments],
            "adjoints": [{"name": a.target.name, "latex": grads.latex(a.expression), "text": _text(a.expression)}
                         for a in grads.program],
            "parameters": {
                f.parameter.name: {
                    "latex": grads.latex(f.expanded if f.expanded is not None else f.program),
                    "text": _text(f.expanded if f.expanded is not None else f.program),
                    "program_latex": grads.latex(f.program),
                    "program_text": _text(f.program),
                    "expanded": f.expanded is not None,
                } for f in forms},
        }
        if steps:
            data["steps"] = step_lines(grads, latex=True)
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "text":
        out = [f"# {g.name}: {g.description}", "", "forward pass:"]
        out += [f"  {a.target} = {_text(a.expression)}" for a in g.assignments]
        if steps:
            out += ["", "chain rule, node by node (reverse mode):"] + [f"  {s}" for s in step_lines(grads, False)]
        elif grads.program:
            out += ["", "reverse mode (each adjoint dL/dv computed once and reused):"]
            out += [f"  {s}" for s in _adjoint_lines(grads, False)]
        out += ["", f"gradients of {g.loss}:"] + [f"  {s}" for s in _gradient_lines(grads, forms, False)]
        return "\n".join(out)
    if fmt == "latex":
        # LaTeX comments head each block, so the output reads in a terminal and still pastes into a document
        blocks = [f"% {g.name}: {g.description}\n% forward pass\n{g.to_latex()}"]
        if steps:
            blocks.append("% chain rule, node by node (reverse mode)\n" + _aligned(step_lines(grads, True)))
        elif grads.program:
            blocks.append("% reverse mode: each adjoint computed once and reused\n"
                          + _aligned(_adjoint_lines(grads, True)))
        blocks.append("% gradients\n" + _aligned(_gradient_lines(grads, forms, True)))
        return "\n\n".join(blocks)
    if fmt == "markdown":
        out = [f"# Gradients of `{g.name}`", "", f"{g.description}.", "", "## Forward pass", ""]
        out += [f"$${g.latex(a.target)} = {g.latex(a.expression)}$$" for a in g.assignments]
        if steps:
            out += ["", "## Chain rule, node by node", "",
                    "Reverse mode visits each node once; every line reuses the adjoints computed above it.", ""]
            out += [f"$${s}$$" for s in step_lines(grads, True)]
        out += ["", "## Gradients", ""] + [f"$${s}$$" for s in _gradient_lines(grads, forms, True)]
        return "\n".join(out) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _aligned(lines: Sequence[str]) -> str:
    body = []
    for line in lines:
        lhs, _, rhs = line.partition(" = ")
        body.append(f"{lhs} &= {rhs}")
    return "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"
