"""Graphs: ordered programs of named SymPy assignments (SSA) ending in one scalar loss.

A graph lists its inputs (data: features and targets), its parameters, constants (such as a penalty's λ,
kept symbolic so that closed forms read ``2λw``), and assignments ``name = expression`` in which every
expression uses only names defined before it. Graphs are immutable; :class:`GraphBuilder` makes them.

>>> b = GraphBuilder("neuron")
>>> x, w, c = b.input("x"), b.parameter("w"), b.parameter("b")
>>> z = b.assign("z", w * x + c)
>>> g = b.build(loss=b.assign("L", z**2, role="loss"))
>>> [str(a) for a in g.assignments]
['z = b + w*x', 'L = z**2']
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from functools import cached_property, cmp_to_key
from typing import Iterable, Mapping

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..errors import GraphError
from .matrix import BATCH
from .views import Shown

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

ROLES = ("node", "output", "loss", "penalty", "adjoint")


@dataclass(frozen=True)
class Assignment:
    """One line of the program: ``target = expression``."""

    target: sp.Symbol
    expression: sp.Expr
    role: str = "node"

    def __str__(self) -> str:
        return f"{self.target} = {self.expression}"


@dataclass(frozen=True, repr=False)
class Graph(Shown):
    """An immutable program of assignments with one scalar loss."""

    name: str
    inputs: tuple[sp.Symbol, ...]
    parameters: tuple[sp.Symbol, ...]
    assignments: tuple[Assignment, ...]
    loss: sp.Symbol
    constants: tuple[tuple[sp.Symbol, float], ...] = ()
    latex_names: tuple[tuple[sp.Symbol, str], ...] = ()
    description: str = ""
    options: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        defined: set[sp.Basic] = set(self.inputs) | set(self.parameters) | {c for c, _ in self.constants}
        if len(defined) != len(self.inputs) + len(self.parameters) + len(self.constants):
            raise GraphError(f"graph {self.name!r}: a name is declared twice among inputs, parameters, constants")
        if self.is_matrix:
            # dimension symbols (the batch's rows n, a source sequence's length) come with the inputs' shapes
            defined |= {BATCH}.union(*(sp.sympify(k).free_symbols for s in self.inputs
                                        if isinstance(s, sp.MatrixSymbol) for k in s.shape))
        for a in self.assignments:
            unknown = a.expression.free_symbols - defined
            if unknown:
                names = ", ".join(sorted(map(str, unknown)))
                raise GraphError(f"graph {self.name!r}: {a.target} uses {names} before it is defined")
            if a.target in defined:
                raise GraphError(f"graph {self.name!r}: {a.target} is assigned twice")
            if a.role not in ROLES:
                raise GraphError(f"graph {self.name!r}: unknown role {a.role!r} for {a.target}")
            defined.add(a.target)
        if self.loss not in {a.target for a in self.assignments}:
            raise GraphError(f"graph {self.name!r}: the loss {self.loss} is not assigned")
        if not self.parameters:
            raise GraphError(f"graph {self.name!r} has no parameters to differentiate")

    @property
    def is_matrix(self) -> bool:
        """Matrix level: parameters are weight matrices and bias rows, inputs are ``n×d`` batches."""
        return any(isinstance(p, sp.MatrixSymbol) for p in self.parameters)

    # -- lookups -------------------------------------------------------------------------------------------
    @cached_property
    def definitions(self) -> Mapping[sp.Symbol, sp.Expr]:
        """``{name: expression}`` for every assignment."""
        return {a.target: a.expression for a in self.assignments}

    @cached_property
    def latex_map(self) -> dict[sp.Symbol, str]:
        return dict(self.latex_names)

    @cached_property
    def constant_values(self) -> dict[sp.Symbol, float]:
        return dict(self.constants)

    @cached_property
    def outputs(self) -> tuple[sp.Symbol, ...]:
        return tuple(a.target for a in self.assignments if a.role == "output")

    @cached_property
    def nodes(self) -> tuple[sp.Symbol, ...]:
        return tuple(a.target for a in self.assignments)

    def symbol(self, name: str) -> sp.Symbol:
        """The input, parameter, constant or node called ``name``."""
        for s in self._all_symbols:
            if s.name == name:
                return s
        raise GraphError(f"graph {self.name!r} has no name {name!r}")

    @cached_property
    def _all_symbols(self) -> tuple[sp.Symbol, ...]:
        return self.inputs + self.parameters + tuple(c for c, _ in self.constants) + self.nodes

    def option(self, key: str, default=None):
        return dict(self.options).get(key, default)

    # -- views ---------------------------------------------------------------------------------------------
    def expanded(self) -> dict[sp.Symbol, sp.Expr]:
        """Every node written out in inputs, parameters and constants alone (this can swell for deep nets)."""
        out: dict[sp.Symbol, sp.Expr] = {}
        for a in self.assignments:
            out[a.target] = a.expression.xreplace(out)
        return out

    def substituted_loss(self) -> sp.Expr:
        """The loss as one expression in inputs, parameters and constants: what naive ``sympy.diff`` takes."""
        return self.expanded()[self.loss]

    def latex(self, expr: sp.Expr) -> str:
        """LaTeX for an expression over this graph's names."""
        return to_latex(expr, self.latex_map)

    def to_latex(self) -> str:
        r"""The program as a ``\begin{aligned}`` block."""
        lines = [f"{self.latex(a.target)} &= {self.latex(a.expression)}" for a in self.assignments]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def __str__(self) -> str:
        return "\n".join(str(a) for a in self.assignments)


def times(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """``a·b``. The product of two distinct names (most of a network: ``x_i W_ij``, ``δ_j x_i``) skips SymPy's
    slow general path and builds the same canonical product directly.

    >>> x, y = sp.symbols("x y")
    >>> times(y, x) == x * y
    True
    """
    if a == 1:
        return b
    if b == 1:
        return a
    if a.is_Symbol and b.is_Symbol and a != b:
        return sp.Mul._from_args(tuple(sorted((a, b), key=_CANONICAL)), True)
    return a * b


_CANONICAL = cmp_to_key(sp.Basic.compare)


class NotesLatexPrinter(LatexPrinter):
    """SymPy's LaTeX as notes write it: ``A ∘ A`` rather than ``A^{∘2}`` (which breaks on ``A^{(1)}``), and
    positive terms first in matrix sums (``𝟙 − A ∘ A``)."""

    def _print_HadamardPower(self, expr):
        base = self._print(expr.base)
        if not isinstance(expr.base, sp.MatrixSymbol):
            base = r"\left(%s\right)" % base
        if expr.exp == 2:
            return r"%s \circ %s" % (base, base)
        return r"%s^{\circ %s}" % (base, self._print(expr.exp))

    def _print_Transpose(self, expr):
        inner = self._print(expr.arg)
        if isinstance(expr.arg, sp.MatrixSymbol) and "\\frac" not in inner and "^" not in inner:
            return "%s^{T}" % inner
        return r"\left(%s\right)^{T}" % inner

    def _print_MatAdd(self, expr):
        terms = sorted((self._print(t) for t in expr.args), key=lambda t: t.startswith("-"))
        text = terms[0]
        for t in terms[1:]:
            text += f" - {t[1:].lstrip()}" if t.startswith("-") else f" + {t}"
        return text


def to_latex(expr: sp.Expr, names: dict[sp.Symbol, str]) -> str:
    # order="none" keeps SymPy's canonical argument order: ŷ − y and 1 − a², not −y + ŷ and −a² + 1
    return NotesLatexPrinter({"symbol_names": names, "mul_symbol": None, "order": "none"}).doprint(expr)


class GraphBuilder:
    """Collects inputs, parameters and assignments, then :meth:`build` freezes them into a :class:`Graph`."""

    def __init__(self, name: str, description: str = "") -> None:
        self.name, self.description = name, description
        self._inputs: list[sp.Symbol] = []
        self._parameters: list[sp.Symbol] = []
        self._constants: list[tuple[sp.Symbol, float]] = []
        self._assignments: list[Assignment] = []
        self._latex: dict[sp.Symbol, str] = {}
        self._taken: dict[str, sp.Symbol] = {}
        self.options: dict[str, object] = {}

    def _symbol(self, name: str, latex: str | None, shape: tuple | None = None) -> sp.Symbol:
        if not _IDENTIFIER.match(name) or keyword.iskeyword(name):
            raise GraphError(f"{name!r} is not a usable name (letters, digits and _, starting with a letter)")
        if name in self._taken:
            raise GraphError(f"the name {name!r} is used twice in graph {self.name!r}")
        if latex is not None and latex in self._latex.values():
            # printed derivations must name each quantity once: two things called E cannot be told apart
            raise GraphError(f"{name!r} would print as {latex!r}, which another name of {self.name!r} prints as")
        s = sp.Symbol(name, real=True) if shape is None else sp.MatrixSymbol(name, *shape)
        self._taken[name] = s
        if latex is not None:
            self._latex[s] = latex
        return s

    def input(self, name: str, latex: str | None = None, shape: tuple | None = None) -> sp.Symbol:
        """A data input: a scalar per example, or with ``shape`` (rows usually :data:`BATCH`) a matrix."""
        s = self._symbol(name, latex, shape)
        self._inputs.append(s)
        return s

    def parameter(self, name: str, latex: str | None = None, shape: tuple | None = None) -> sp.Symbol:
        """A trainable scalar, or with ``shape`` a weight matrix or bias row."""
        if shape is not None and any(not sp.sympify(k).is_Integer for k in shape):
            raise GraphError(f"parameter {name} needs a fixed shape, not {shape}")
        s = self._symbol(name, latex, shape)
        self._parameters.append(s)
        return s

    def constant(self, name: str, value: float, latex: str | None = None) -> sp.Symbol:
        s = self._symbol(name, latex)
        self._constants.append((s, float(value)))
        return s

    def assign(self, name: str, expression: sp.Expr, role: str = "node", latex: str | None = None) -> sp.Symbol:
        if not isinstance(expression, (sp.Expr, int, float)):
            raise GraphError(f"{name} must be assigned a SymPy expression, not {type(expression).__name__}")
        s = self._symbol(name, latex, expression.shape if isinstance(expression, sp.MatrixExpr) else None)
        self._assignments.append(Assignment(s, sp.S(expression) if not isinstance(expression, sp.Expr) else expression, role))
        return s

    def symbol(self, name: str) -> sp.Symbol:
        """A name defined so far."""
        if name not in self._taken:
            raise GraphError(f"{name!r} is not defined yet in graph {self.name!r}")
        return self._taken[name]

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return tuple(self._parameters)

    def build(self, loss: sp.Symbol, description: str | None = None) -> Graph:
        return Graph(
            name=self.name,
            inputs=tuple(self._inputs),
            parameters=tuple(self._parameters),
            assignments=tuple(self._assignments),
            loss=loss,
            constants=tuple(self._constants),
            latex_names=tuple(self._latex.items()),
            description=self.description if description is None else description,
            options=tuple(self.options.items()),
        )


def parameter_group(name: str) -> str:
    """The matrix or vector a scalar parameter belongs to: ``W1_2_3`` -> ``W1``, ``b1_2`` -> ``b1``, ``w`` -> ``w``."""
    return _INDEX_SUFFIX.sub("", name)


_INDEX_SUFFIX = re.compile(r"(_[0-9]+)+$")


def parameters_named(graph: Graph, names: Iterable[str]) -> list[sp.Symbol]:
    """Parameters by name or by group (``W1`` selects every ``W1_i_j``), with a clear error for unknown names."""
    out: list[sp.Symbol] = []
    for n in names:
        chosen = [p for p in graph.parameters if p.name == n or parameter_group(p.name) == n]
        if not chosen:
            groups = list(dict.fromkeys(parameter_group(p.name) for p in graph.parameters))
            raise GraphError(f"unknown parameter {n!r}; this graph has {', '.join(groups)}")
        out.extend(p for p in chosen if p not in out)
    return out
