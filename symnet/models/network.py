"""Your own model from a plain Python function of SymPy symbols.

>>> import sympy as sp
>>> @network(inputs=["x", "y"])
... def neuron(x, y, w, b):
...     "one tanh neuron, squared error"
...     a = sp.tanh(w * x + b)
...     return (a - y) ** 2
>>> neuron.parameters
(w, b)
>>> [str(s.target) for s in neuron.assignments]
['a', 'L']

Each argument becomes a symbol: those named in ``inputs`` (by default the arguments called ``x…``, ``y…`` or
``X``, ``Y``) are data, the others parameters. Each plain assignment ``name = expression`` in the function's
body becomes a node of that name, so the derivation and the generated code use the names the user wrote; the
returned expression is the loss ``L``. The function is the user's own code and runs as Python (like a model
file); when its source cannot be read (a lambda typed at a prompt), it is called as it is and only the loss is
a node.
"""
from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Callable, Iterable

import sympy as sp

from ..algebra.graph import Graph, GraphBuilder
from ..errors import GraphError

_NODE = "__symnet_node__"


def _default_inputs(names: Iterable[str]) -> list[str]:
    return [n for n in names if n[:1] in ("x", "y", "X", "Y")]


class _NameNodes(ast.NodeTransformer):
    """``name = value`` in the function's own body -> ``name = __symnet_node__("name", value)``."""

    def __init__(self) -> None:
        self.depth = 0

    def visit_FunctionDef(self, node):
        self.depth += 1
        if self.depth == 1:
            node.decorator_list = []
            node = self.generic_visit(node)
        self.depth -= 1
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        return node

    def visit_Assign(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            node.value = ast.Call(ast.Name(_NODE, ast.Load()), [ast.Constant(name), node.value], [])
        return node


def _with_named_nodes(f: Callable, node: Callable) -> Callable | None:
    """``f`` recompiled so that its assignments call ``node``; None when its source is not available."""
    try:
        source = textwrap.dedent(inspect.getsource(f))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(functions) != 1 or functions[0].name != f.__name__:
        return None
    tree = ast.fix_missing_locations(_NameNodes().visit(ast.Module([functions[0]], type_ignores=[])))
    closure = inspect.getclosurevars(f)
    namespace = dict(f.__globals__) | dict(closure.nonlocals) | {_NODE: node}
    filename = inspect.getsourcefile(f) or "<symnet network>"
    exec(compile(tree, filename, "exec"), namespace)  # the user's own function, rewritten; never note text
    return namespace[f.__name__]


def from_function(f: Callable, inputs: Iterable[str] | None = None, name: str | None = None,
                  description: str | None = None) -> Graph:
    """The graph of ``f(*symbols)``: arguments become inputs or parameters, named assignments nodes, the
    returned expression the loss ``L``."""
    arguments = list(inspect.signature(f).parameters)
    if not arguments:
        raise GraphError(f"{f.__name__} takes no arguments: give it its inputs and parameters")
    data = list(_default_inputs(arguments) if inputs is None else inputs)
    unknown = [n for n in data if n not in arguments]
    if unknown:
        raise GraphError(f"{unknown[0]!r} is not an argument of {f.__name__} ({', '.join(arguments)})")
    doc = (inspect.getdoc(f) or "").strip().splitlines()
    b = GraphBuilder(name or f.__name__, description or (doc[0] if doc else f"{f.__name__}, from a Python function"))
    symbols = [b.input(a) if a in data else b.parameter(a) for a in arguments]
    if not b.parameters:
        raise GraphError(f"{f.__name__}: every argument is an input; nothing to differentiate")

    def node(label: str, value):
        if not isinstance(value, sp.Expr) or isinstance(value, sp.Symbol) or value.is_Number:
            return value  # a constant, a loop counter, a plain rename: not a node
        taken, k = label, 2
        while taken in b._taken:  # the same name assigned again: z, z_2, z_3 …
            taken, k = f"{label}_{k}", k + 1
        return b.assign(taken, value)

    rewritten = _with_named_nodes(f, node)
    result = (rewritten or f)(*symbols)
    if not isinstance(result, sp.Expr):
        raise GraphError(f"{f.__name__} returned {type(result).__name__}, not a SymPy expression for the loss")
    uses = {a.target: a.expression.free_symbols for a in b._assignments}
    reached, todo = set(), list(result.free_symbols)
    while todo:  # the symbols the loss depends on, through the named nodes
        s = todo.pop()
        if s not in reached:
            reached.add(s)
            todo += list(uses.get(s, ()))
    if not reached & set(b.parameters):
        raise GraphError(f"{f.__name__}'s loss does not depend on any parameter")
    if isinstance(result, sp.Symbol) and b._assignments and b._assignments[-1].target == result:
        # `loss = …; return loss`: that node is the loss
        last = b._assignments.pop()
        b._taken.pop(last.target.name)
        return b.build(b.assign(last.target.name, last.expression, "loss"))
    return b.build(b.assign("L" if "L" not in b._taken else "L_loss", result, "loss", latex="L"))


def network(f: Callable | None = None, *, inputs: Iterable[str] | None = None, name: str | None = None):
    """Decorator form of :func:`from_function`: ``@network`` or ``@network(inputs=["x", "y"])``."""
    if f is not None:
        return from_function(f, inputs, name)
    return lambda g: from_function(g, inputs, name)
