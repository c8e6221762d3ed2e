"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import sympy as sp

from .extract import Formula, extract_formulas
from .latex import LatexError, Node, parse
from .matrices import MatrixNote
from .meaning import Context, Meaning, Outcome, TimeLimit, Undecided, compare, expand, time_limit

SUFFIXES = (".md", ".markdown", ".txt")
DEFINING = ("=", ":=", "←")


@dataclass(frozen=True)
class Verdict:
    """One formula's verdict, where it stands and why."""

    line: int
    column: int
    text: str
    status: str   # definition | verified | refuted | undecided | mention | unparseable
    detail: str = ""


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


def judge_all(formulas, budget: float = 2.0, skip=frozenset(), on_start=None, judge_one=None):
    """Judge a note's formulas in order, yielding ``(k, verdicts)`` for each formula ``k`` not in ``skip``.

    Each formula gets a soft time limit of ``budget`` seconds (:func:`time_limit`; nested limits inside it
    cannot outlast it) and any failure becomes that formula's *undecided* verdict, so one formula never ends
    the run. ``on_start(k)`` is called before formula ``k`` (the runner streams it to the parent, which kills
    the process at the hard deadline when the soft limit cannot interrupt the work).
    """
    from .limits import _deadlines, reset as reset_time_limits

    state = _State()
    judge_one = judge_one or judge
    nested = bool(_deadlines)  # inside someone's time limit: theirs to keep
    for k, formula in enumerate(formulas):
        if k in skip:
            continue
        if on_start is not None:
            on_start(k)
        try:
            with time_limit(budget):
                result = judge_one(formula, state, budget)
            verdicts = [result] if isinstance(result, Verdict) else list(result)
            verdicts = [replace(v, detail=f"time limit {budget:g} s") if v.detail == "time limit" else v
                        for v in verdicts]
        except TimeLimit:
            verdicts = [_undecided(formula, f"time limit {budget:g} s")]
        except MemoryError:
            verdicts = [_undecided(formula, "memory limit")]
        except RecursionError:
            verdicts = [_undecided(formula, "too deeply nested to evaluate")]
        except OverflowError:
            verdicts = [_undecided(formula, "a number too large to evaluate")]
        except Exception as exc:  # a bug in symnet: reported on the formula, the rest of the note still checked
            verdicts = [_undecided(formula, f"internal error: {type(exc).__name__}: {exc}"[:300])]
        if not nested:
            reset_time_limits()  # nothing of this formula's limits may outlive it
        yield k, verdicts


def _undecided(formula: Formula, detail: str) -> Verdict:
    """The verdict on a formula whose checking was cut off."""
    text = formula.text.strip()
    line, column = formula.position(len(formula.text) - len(formula.text.lstrip()))
    return Verdict(line, column, text, "undecided", detail)


def verify_text(source: str, path: str = "<text>", budget: float = 2.0) -> FileReport:
    """Verify the formulas of one Markdown document in this process (soft time limits only: the CLI and
    :func:`verify_many` check in worker processes with hard limits)."""
    start = time.perf_counter()
    formulas, images = extract_formulas(source)
    verdicts = tuple(v for _, vs in judge_all(formulas, budget) for v in vs)
    return FileReport(path, verdicts, images, time.perf_counter() - start)


def read_note(path: str | Path) -> tuple[str, str]:
    """A note's text and, when it cannot be read, why (the text is then empty)."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8"), ""
    except UnicodeDecodeError:
        return path.read_text(encoding="utf-8", errors="replace"), ""
    except OSError as exc:
        return "", f"cannot read: {exc.strerror or exc}"


def verify_file(path: str | Path, budget: float = 2.0) -> FileReport:
    """Verify one note file in this process (see :func:`verify_text`)."""
    source, error = read_note(path)
    if error:
        return FileReport(str(path), (), error=error)
    return verify_text(source, str(path), budget)


def note_files(paths) -> list[Path]:
    """The note files named, directories walked for .md, .markdown and .txt."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES and q.is_file())
        else:
            out.append(p)
    return out


# -- reports -------------------------------------------------------------------------------------------------

COLOURS = {"verified": "green", "refuted": "red", "unparseable": "yellow", "undecided": "magenta",
           "definition": "cyan", "mention": None}


def verify_many(paths, jobs: int = 1, budget: float = 2.0, timeout: float | None = None,
                run_timeout: float | None = None) -> list[FileReport]:
    """Verify files in ``jobs`` worker processes with hard limits: ``budget`` seconds per formula, ``timeout``
    per file and ``run_timeout`` for the whole run (see :mod:`symnet.notes.runner`); one report per file."""
    from .runner import Limits, run_files

    return run_files(paths, Limits(budget=budget, jobs=jobs, file_timeout=timeout, run_timeout=run_timeout))


def render_text(reports: list[FileReport], colour: bool = False, quiet: bool = False) -> str:
    import click

    lines = []
    for r in reports:
        lines.append(click.style(r.path, bold=True) if colour else r.path)
        if r.error:
            lines.append(f"  error: {r.error}")
            continue
        for v in r.verdicts:
            if quiet and v.status in ("mention", "definition"):
                continue
            status = click.style(f"{v.status:<11}", fg=COLOURS[v.status]) if colour and COLOURS[v.status] \
                else f"{v.status:<11}"
            snippet = v.text if len(v.text) <= 70 else v.text[:67] + "…"
            snippet = " ".join(snippet.split())
            detail = f"  — {v.detail}" if v.detail else ""
            lines.append(f"  {r.path}:{v.line}:{v.column}: {status} ${snippet}${detail}")
        counts = ", ".join(f"{r.count(s)} {s}" for s in ("verified", "refuted", "undecided", "unparseable",
                                                         "definition", "mention") if r.count(s))
        images = f"; {r.images} image(s) not checked (formulas in pictures)" if r.images else ""
        lines.append(f"  {counts or 'no formulas'}{images} ({r.seconds:.2f} s)")
    return "\n".join(lines)


def render_json(reports: list[FileReport]) -> str:
    return json.dumps([{"path": r.path, "error": r.error, "images": r.images, "seconds": round(r.seconds, 3),
                        "verdicts": [asdict(v) for v in r.verdicts]} for r in reports], indent=2, ensure_ascii=False)


def exit_code(reports: list[FileReport], strict: bool = False) -> int:
    """0: nothing refuted; 1: something refuted (or, with strict, unparseable); 2: a file could not be read."""
    if any(r.error for r in reports):
        return 2
    statuses = {v.status for r in reports for v in r.verdicts}
    if "refuted" in statuses or (strict and "unparseable" in statuses):
        return 1
    return 0
