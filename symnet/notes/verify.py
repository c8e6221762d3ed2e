"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import sympy as sp

from .extract import Formula, extract_note
from .files import SUFFIXES, NoteFileError, note_files, read_note  # noqa: F401 (re-exported)
from .latex import LatexError, Node, parse
from .matrices import MatrixNote
from .report import COLOURS, exit_code, render_json, render_text  # noqa: F401 (moved to report.py; re-exported)
from .meaning import Context, Meaning, Outcome, TimeLimit, Undecided, compare, expand, time_limit

DEFINING = ("=", ":=", "←")


@dataclass(frozen=True)
class Verdict:
    """One formula's verdict, where it stands and why."""

    line: int
    column: int
    text: str
    status: str   # definition | verified | refuted | undecided | mention | unparseable | ignored | …
    detail: str = ""
    cell: int | None = None   # the 1-based cell of a notebook (line and column are then inside the cell)


@dataclass(frozen=True)
class FileReport:
    path: str
    verdicts: tuple[Verdict, ...]
    images: int = 0
    seconds: float = 0.0
    error: str = ""

    def count(self, status: str) -> int:
        return sum(v.status == status for v in self.verdicts)


@dataclass
class _State:
    context: Context = field(default_factory=Context.empty)
    matrices: MatrixNote = field(default_factory=MatrixNote)


def _target(node: Node, meaning: Meaning):
    """What a definition's left side defines: ('value', symbol) or ('function', name, parameters), else None."""
    if node.kind in ("name", "sub"):
        return ("value", meaning.name(node))
    if node.kind == "op" and node.name == "*" and node.args[0].kind in ("name", "sub") and \
            node.args[1].kind in ("paren", "tuple"):
        f, params = node.args
        items = params.args if params.kind == "tuple" else (params.args[0],)
        if all(p.kind in ("name", "sub") for p in items):
            return ("function", _function_key(f), tuple(meaning.name(p) for p in items))
    if node.kind == "call" and node.args and all(a.kind in ("name", "sub") for a in node.args):
        return ("function", node.name, tuple(meaning.name(a) for a in node.args))
    if node.kind == "call" and not node.args:
        return ("value", meaning.symbol(node.name))  # a word used as a name: cost = …
    return None


def _capitals(e: sp.Expr) -> set:
    """The names that may be matrices (see :meth:`Meaning.symbol`): the non-commuting symbols."""
    return {s for s in e.free_symbols if isinstance(s, sp.Symbol) and not s.is_commutative}


def _capital_products(e: sp.Expr) -> bool:
    """Whether a product of two capitals occurs (X W might be a matrix product), or a power of one."""
    caps = _capitals(e)
    if not caps:
        return False
    def capital(f):
        return f in caps or (f.is_Pow and f.base in caps)
    return any(sum(1 for f in m.args if capital(f)) >= 2 for m in e.atoms(sp.Mul)) or \
        any(p.base in caps for p in e.atoms(sp.Pow))


def _noncommutative(left: sp.Expr, right: sp.Expr, relation: str, budget: float):
    """Only a symbolic proof verifies a claim about products of capitals (random numbers would commute)."""
    from .meaning import Outcome
    if relation != "=":
        raise Undecided("an inequality between products of capitals (maybe matrices)")
    try:
        with time_limit(budget):
            if sp.expand(left - right) == 0:
                return Outcome("verified", "symbolically, capitals taken as non-commuting (matrices)")
    except TimeLimit:
        pass
    raise Undecided("products of capitals (maybe matrices) are checked only symbolically, and this was not shown")


def _is_zero(node: Node) -> bool:
    return node.kind == "num" and node.name == "0"


def _has_derivative(node: Node) -> bool:
    if node.kind in ("deriv", "nabla"):
        return True
    return any(isinstance(a, Node) and _has_derivative(a) for a in node.args)


def _function_key(node: Node) -> str:
    from .meaning import _key
    return _key(node)


def _defined(target, ctx: Context) -> bool:
    from .meaning import KNOWN_FUNCTIONS
    if target[0] == "value":
        return target[1] in ctx.values
    return target[1] in ctx.functions or target[1].lstrip("\\") in KNOWN_FUNCTIONS


def judge(formula: Formula, state: _State, budget: float = 2.0) -> Verdict:
    """The verdict on one formula, updating the note's definitions."""
    text = formula.text.strip()
    lead = len(formula.text) - len(formula.text.lstrip())
    try:
        tree = parse(formula.text)
    except LatexError as exc:
        # an error at the very end points just past the last character, not at the closing delimiter's line
        line, column = formula.position(min(exc.offset, len(formula.text.rstrip())))
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        return Verdict(line, column, text, "unparseable", exc.message + hint)
    line, column = formula.position(lead)
    state.context.prose = formula.context
    state.context.formula_mentions_variances = bool(re.search(r"\\sigma_\{?[qk]\}?", formula.text))
    meaning = Meaning(state.context)
    if tree.kind != "rel":
        return Verdict(line, column, text, "mention")
    ops, parts = tree.args
    try:
        with time_limit(budget * 4):
            return _judge_relation(ops, parts, meaning, state, line, column, text, budget)
    except TimeLimit:
        return Verdict(line, column, text, "undecided", "time limit")
    except Undecided as exc:
        return Verdict(line, column, text, "undecided", str(exc))
    except (ValueError, TypeError, ZeroDivisionError, RecursionError, sp.SympifyError) as exc:
        return Verdict(line, column, text, "undecided", f"could not evaluate: {type(exc).__name__}")


def _judge_relation(ops, parts, meaning: Meaning, state: _State, line, column, text, budget) -> Verdict:
    ctx = state.context
    start = 0
    defined_now = None
    if ops[0] in DEFINING:
        target = _target(parts[0], meaning)
        if target is not None and not _defined(target, ctx) and not state.matrices.defines(parts[0]):
            as_matrices = ops[0] != "←" and state.matrices.define_node(parts[0], parts[1])
            try:
                value = meaning.expr(parts[1])
            except Undecided as exc:
                if not as_matrices:
                    return Verdict(line, column, text, "definition", f"its right side is not evaluated: {exc}")
                if len(ops) == 1:
                    return Verdict(line, column, text, "definition", "read as matrices")
                value = None  # a matrix definition: the rest of the chain is checked with matrices
            if value is not None:
                _remember(ctx, target, value, ops[0])
            defined_now = target
            start = 1
            if ops[0] == "←":
                return Verdict(line, column, text, "definition", "update rule")
    if start == len(ops):
        return Verdict(line, column, text, "definition", "")
    if len(ops) - start == 1 and ops[start] == "=" and _is_zero(parts[start + 1]) and _has_derivative(parts[start]):
        # ∂L/∂w = 0 states where the optimum is: an equation to solve, not an identity to check
        return Verdict(line, column, text, "mention", "a stationarity condition (an equation to solve)")
    details = []
    worst = None
    for k in range(start, len(ops)):
        if ops[k] in ("∈", "→", "←"):
            raise Undecided(f"the relation {ops[k]} is not checked")
        try:
            outcome = _scalar_claim(meaning, ctx, parts[k], parts[k + 1], ops[k], budget)
        except Undecided as scalar_reason:
            # what scalar semantics cannot decide may be a statement about matrices
            try:
                outcome = state.matrices.check((parts[k], parts[k + 1]), ops[k])
            except Undecided as matrix_reason:
                # say why in the terms of the definitions the claim builds on
                matrix_names = state.matrices.matrix_only(parts[k], parts[k + 1], ctx.values)
                raise (matrix_reason if matrix_names else scalar_reason) from None
            except (ValueError, TypeError, IndexError, ZeroDivisionError, RecursionError):
                raise scalar_reason from None
        if outcome.status == "refuted":
            link = "" if len(ops) - start == 1 else f" (link {k + 1 - start} of {len(ops) - start})"
            return Verdict(line, column, text, "refuted", outcome.detail + link)
        details.append(outcome.detail)
        worst = outcome
    method = "symbolically" if all(d == "symbolically" for d in details) else \
        next(d for d in details if d != "symbolically")
    prefix = "definition, then " if defined_now else ""
    return Verdict(line, column, text, "verified", prefix + method if worst else method)


def _remember(ctx: Context, target: tuple, value: sp.Expr, relation: str) -> None:
    """Add a scalar definition to the note's context."""
    if target[0] == "value":
        if value.has(target[1]) and relation != "←":
            raise Undecided("a definition that refers to itself")
        ctx.values[target[1]] = value
        ctx.expansions.clear()
    else:
        ctx.functions[target[1]] = (target[2], value)


def _scalar_claim(meaning: Meaning, ctx: Context, left_node: Node, right_node: Node, relation: str,
                  budget: float) -> Outcome:
    left, right = meaning.expr(left_node), meaning.expr(right_node)
    memo = ctx.expansions  # every definition expanded once per note, shared by its claims
    left, right = expand(left, ctx.values, memo=memo), expand(right, ctx.values, memo=memo)
    if _capital_products(left) or _capital_products(right):
        return _noncommutative(left, right, relation, budget)
    return compare(left, right, relation, budget=budget)


def verdict_for(formula: Formula, state: _State, budget: float = 2.0) -> Verdict:
    """:func:`judge`, except that a silenced formula is ``ignored`` (never judged) and a notebook's verdicts
    carry their cell."""
    if formula.ignored:
        line, column = formula.position(len(formula.text) - len(formula.text.lstrip()))
        return Verdict(line, column, formula.text.strip(), "ignored", "<!-- symnet: ignore -->", formula.cell)
    verdict = judge(formula, state, budget)
    return replace(verdict, cell=formula.cell) if formula.cell is not None else verdict


def verify_text(source: str, path: str = "<text>", budget: float = 2.0) -> FileReport:
    """Verify the formulas of one Markdown document (a notebook's JSON when ``path`` ends in ``.ipynb``)."""
    start = time.perf_counter()
    try:
        formulas, images = extract_note(source, path)
    except ValueError as exc:
        return FileReport(path, (), error=str(exc))
    state = _State()
    verdicts = tuple(verdict_for(f, state, budget) for f in formulas)
    return FileReport(path, verdicts, images, time.perf_counter() - start)


def verify_file(path: str | Path, budget: float = 2.0) -> FileReport:
    """Verify one note file (read by :func:`symnet.notes.files.read_note`: regular files, size cap, encodings)."""
    try:
        source = read_note(path)
    except NoteFileError as exc:
        return FileReport(str(path), (), error=str(exc).removeprefix(f"{path}: "))
    return verify_text(source, str(path), budget)


def verify_many(paths, jobs: int, budget: float) -> list[FileReport]:
    """Verify files in ``jobs`` processes (each with its own main thread, so time budgets hold)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a parent that has loaded a threaded library (JAX, BLAS pools) cannot fork safely
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(verify_file, paths, [budget] * len(paths)))
