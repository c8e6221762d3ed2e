"""``symnet derive note.md --wrt w``: the gradients of the loss a Markdown note defines, in the note's names.

The note is read the way ``symnet verify`` reads it (:func:`symnet.notes.extract.extract_formulas`,
:func:`symnet.notes.latex.parse`, :class:`symnet.notes.read.meaning.Meaning`): a formula ``name = expression`` (or
``:=``) whose name is not yet defined is a definition. The loss is the last definition of ``L``, ``J``,
``E`` or ``\\mathcal{L}`` (or the one ``loss`` names, else the note's last definition); the definitions it
depends on become the graph's nodes, the names ``--wrt`` lists its parameters, every other leaf an input.
Note text is never executed: it is parsed by the grammar, and each name becomes a generated identifier
(``\\hat{y}`` -> ``hat_y``, ``w_1`` -> ``w_1``) before any code is generated, its LaTeX kept for printing.

>>> g = graph_from_text("Let $z = w x + b$ and $L = (z - y)^2$.", wrt=["w", "b"])
>>> [str(a) for a in g.assignments], [s.name for s in g.parameters], [s.name for s in g.inputs]
(['z = b + w*x', 'L = (-y + z)**2'], ['w', 'b'], ['x', 'y'])
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

import sympy as sp

from ..algebra.graph import Graph, GraphBuilder
from ..errors import SymnetError

#: Names a note's loss usually has, most specific first.
LOSS_NAMES = ("L", r"\mathcal{L}", "J", "E", "loss", r"\ell")
DEFINES = ("=", ":=")
MAX_BYTES = 2_000_000
NOTE_SUFFIXES = (".md", ".markdown", ".txt")


def is_note(model: str) -> bool:
    """Whether a MODEL argument names a note (a Markdown or text file) rather than a block."""
    return Path(model).suffix.lower() in NOTE_SUFFIXES


def read_note(path: str | Path) -> str:
    p = Path(path)
    if not p.exists():
        raise SymnetError(f"{path}: no such file")
    if not p.is_file():
        raise SymnetError(f"{path}: not a regular file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise SymnetError(f"{path}: {size:,} bytes, more than the {MAX_BYTES:,} a note may have")
    try:
        return p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SymnetError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SymnetError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _definitions(text: str) -> list[tuple[sp.Basic, sp.Expr, int]]:
    """(name, value, line) for each definition in the note, in order; formulas that are not read are skipped."""
    from ..notes.extract import extract_formulas
    from ..notes.latex import LatexError, parse
    from ..notes.read.meaning import Context, Meaning

    context = Context.empty()
    meaning = Meaning(context)
    found: dict[sp.Basic, tuple[sp.Expr, int]] = {}
    for formula in extract_formulas(text)[0]:
        try:
            tree = parse(formula.text)
        except (LatexError, RecursionError):
            continue
        if tree.kind != "rel":
            continue
        ops, parts = tree.args
        if ops[0] not in DEFINES:
            continue
        left = parts[0]
        function = _function_target(left)
        if function is not None:
            # f(x) = x^2: a function the later formulas may call (Meaning substitutes its arguments)
            key, arguments = function
            try:
                if key not in context.functions:
                    context.functions[key] = (tuple(meaning.name(a) for a in arguments), meaning.expr(parts[1]))
            except Exception:  # noqa: BLE001 - not readable: the calls to it will not be either
                pass
            continue
        if left.kind not in ("name", "sub"):
            continue
        try:
            target = meaning.name(parts[0])
            value = meaning.expr(parts[1])
        except Exception:  # noqa: BLE001 - anything the scalar reading cannot take is not a definition here
            continue
        if target in found or not isinstance(value, sp.Expr) or value.has(target):
            continue  # a later claim about a defined name, or a self-reference
        found[target] = (value, formula.line)
    return [(k, v, line) for k, (v, line) in found.items()]


def _function_target(node) -> tuple[str, tuple] | None:
    """``f(u, v)`` on a definition's left side (parsed as ``f`` times a bracket, or as a call): its key and
    parameters, as verify reads function definitions."""
    from ..notes.read.nodes import _key

    if node.kind == "op" and node.name == "*" and node.args[0].kind in ("name", "sub") and \
            node.args[1].kind in ("paren", "tuple"):
        f, bracket = node.args
        items = bracket.args if bracket.kind == "tuple" else (bracket.args[0],)
        if all(p.kind in ("name", "sub") for p in items):
            return _key(f), tuple(items)
    if node.kind == "call" and node.args and all(a.kind in ("name", "sub") for a in node.args):
        return node.name, tuple(node.args)
    return None


def _latex(leaf: sp.Basic) -> str:
    if isinstance(leaf, sp.Indexed):
        return "%s_{%s}" % (leaf.base.label, ",".join(sp.latex(i) for i in leaf.indices))
    return leaf.name


def _identifier(leaf: sp.Basic, taken: set[str]) -> str:
    """A Python identifier for a note's name: ``\\hat{y}`` -> ``hat_y``, ``W_{1,2}`` -> ``W_1_2``."""
    from ..codegen.compile import RESERVED_NAMES

    if isinstance(leaf, sp.Indexed):
        if not all(i.is_Integer for i in leaf.indices):
            raise SymnetError(f"{_latex(leaf)} has a symbolic index: write the note's quantities with numbers "
                              "(x_1, x_2) to derive from it")
        raw = "_".join([str(leaf.base.label)] + [str(i) for i in leaf.indices])
    else:
        raw = leaf.name
    name = re.sub(r"[^A-Za-z0-9]+", "_", raw.replace("\\", "")).strip("_") or "v"
    if not name[0].isalpha():
        name = "v_" + name
    if name in RESERVED_NAMES or name in ("L_data",):
        name += "_"
    base, k = name, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def _leaves(e: sp.Expr) -> set[sp.Basic]:
    indexed = e.atoms(sp.Indexed)
    inside = set().union(*(i.free_symbols for i in indexed)) if indexed else set()
    return indexed | {s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in inside}


def graph_from_text(text: str, wrt: Sequence[str] | None, loss: str | None = None, name: str = "note") -> Graph:
    """The graph of the loss a note's text defines (see the module's description)."""
    definitions = _definitions(text)
    if not definitions:
        raise SymnetError(f"{name}: defines nothing symnet can read (a formula such as $L = (w x - y)^2$)")
    by_name = {_latex(t): (t, v, line) for t, v, line in definitions}
    if loss is not None:
        if loss not in by_name:
            raise SymnetError(f"{name}: defines no {loss!r}; it defines {', '.join(by_name)}")
        chosen = by_name[loss]
    else:
        named = [by_name[n] for n in LOSS_NAMES if n in by_name]
        chosen = named[0] if named else definitions[-1]
    values = {t: v for t, v, _ in definitions}
    # the definitions the loss depends on, in the note's order
    needed, todo = set(), [chosen[0]]
    while todo:
        t = todo.pop()
        if t not in needed:
            needed.add(t)
            todo += [leaf for leaf in _leaves(values[t]) if leaf in values]
    order = [t for t, _, _ in definitions if t in needed and t != chosen[0]] + [chosen[0]]
    leaves = sorted({leaf for t in order for leaf in _leaves(values[t]) if leaf not in values}, key=str)
    taken: set[str] = set()
    ident = {leaf: _identifier(leaf, taken) for leaf in leaves}
    ident |= {t: _identifier(t, taken) for t in order}
    wanted = list(wrt or [])
    if not wanted:
        raise SymnetError(f"{name}: name the parameters with --wrt (the loss {_latex(chosen[0])} depends on "
                          f"{', '.join(_latex(x) for x in leaves)})")
    lookup = {ident[x]: x for x in leaves} | {_latex(x): x for x in leaves} | {str(x): x for x in leaves}
    missing = [w for w in wanted if w not in lookup]
    if missing:
        raise SymnetError(f"{name}: --wrt {missing[0]}: the loss {_latex(chosen[0])} depends on "
                          f"{', '.join(_latex(x) for x in leaves)}")
    parameters = {lookup[w] for w in wanted}
    b = GraphBuilder(ident[chosen[0]] if name == "note" else re.sub(r"\W+", "_", name).strip("_") or "note",
                     f"the loss {_latex(chosen[0])} of {name} (line {chosen[2]})")
    symbol: dict[sp.Basic, sp.Symbol] = {}
    for leaf in leaves:  # inputs in name order, then the parameters in the order --wrt gives them
        if leaf not in parameters:
            symbol[leaf] = b.input(ident[leaf], _latex(leaf))
    for leaf in dict.fromkeys(lookup[w] for w in wanted):
        symbol[leaf] = b.parameter(ident[leaf], _latex(leaf))
    for t in order:
        role = "loss" if t == chosen[0] else "node"
        symbol[t] = b.assign(ident[t], _real(values[t]).xreplace(symbol), role, latex=_latex(t))
    return b.build(symbol[chosen[0]])


def _real(e: sp.Expr) -> sp.Expr:
    """Capitals are read as possible matrices (non-commuting); here every name is a number."""
    return e.xreplace({s: sp.Symbol(s.name, real=True) for s in e.free_symbols
                       if isinstance(s, sp.Symbol) and not s.is_commutative})


def graph_from_note(path: str | Path, wrt: Iterable[str] | None, loss: str | None = None) -> Graph:
    """The graph of the loss the note at ``path`` defines."""
    return graph_from_text(read_note(path), list(wrt or []), loss, Path(path).name)
