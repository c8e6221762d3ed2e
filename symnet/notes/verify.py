"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import sympy as sp

from .assumptions import read_memberships
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
    state.context.read_prose(formula.context)
    state.context.assume(read_memberships(tree, line))
    state.context.formula, state.context.evidence, state.context.missing = formula.text, None, None
    meaning = Meaning(state.context)
    if tree.kind != "rel":
        return Verdict(line, column, text, "mention")
    ops, parts = tree.args
    try:
        with time_limit(budget * 4):
            return _with_evidence(_judge_relation(ops, parts, meaning, state, line, column, text, budget),
                                  state.context)
    except TimeLimit:
        return Verdict(line, column, text, "undecided", "time limit")
    except Undecided as exc:
        return Verdict(line, column, text, "undecided", str(exc))
    except (ValueError, TypeError, ZeroDivisionError, RecursionError, sp.SympifyError) as exc:
        return Verdict(line, column, text, "undecided", f"could not evaluate: {type(exc).__name__}")


def _with_evidence(verdict: Verdict, ctx: Context) -> Verdict:
    """A verdict on expectations names the assumptions it rests on, or what it lacks."""
    from .expectation import expectation_evidence
    status, detail = expectation_evidence(verdict.status, verdict.detail, ctx)
    return replace(verdict, status=status, detail=detail)


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


def verify_text(source: str, path: str = "<text>", budget: float = 2.0) -> FileReport:
    """Verify the formulas of one Markdown document."""
    start = time.perf_counter()
    formulas, images = extract_formulas(source)
    state = _State()
    verdicts = tuple(judge(f, state, budget) for f in formulas)
    return FileReport(path, verdicts, images, time.perf_counter() - start)


def verify_file(path: str | Path, budget: float = 2.0) -> FileReport:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return FileReport(str(path), (), error=f"cannot read: {exc.strerror or exc}")
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


def verify_many(paths, jobs: int, budget: float) -> list[FileReport]:
    """Verify files in ``jobs`` processes (each with its own main thread, so time budgets hold)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a parent that has loaded a threaded library (JAX, BLAS pools) cannot fork safely
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(verify_file, paths, [budget] * len(paths)))


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
