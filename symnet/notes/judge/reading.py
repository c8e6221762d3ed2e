"""Read a note formula by formula: say what each statement is, then check the claims.

A note is a sequence of statements with scope. Before anything is checked each formula is classified:

- *definition* ``z = w x + b``, ``f(x) = …``; a *family definition* ``z_i = w x_i + b`` defines every member
  (``z_2 = …`` is then an instance *claim*); an entry ``θ_0 = 0``; a *recurrence* ``θ_{k+1} = …``;
- *redefinition*: a later ``f(x) = …`` that differs from what ``f`` meant (a note may redefine σ);
- *assumption*: ``η > 0``, ``1 \\le i \\le n``, ``j \\ne i``, ``x \\in \\mathbb{R}^d`` (and, from prose, the facts that
  expectations use): an inequality between plain quantities that holds for some values and not others;
- *setting*: a value for a symbol (``η = 0.1``), in force in its own paragraph only, never in general claims;
- *condition*: an equation to solve (``∂L/∂w = 0``), or one between free quantities (``\\sum_i y_i = 1``);
  a later ``w^* = …`` is checked by substitution;
- *claim*: everything else that relates two sides, checked by :func:`symnet.notes.decide.decide`;
- *mention*: an expression on its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from ..decide.matrices import MatrixNote
from ..decide.outcome import Outcome
from ..decide.sampler import Domain, decide, fails_only_at_special_points, satisfiable, solvable
from ..latex import LatexError, Node, parse, read
from ..limits import TimeLimit, time_limit
from ..read.assumptions import read_memberships
from ..read.meaning import CALL_LIKE, KNOWN_FUNCTIONS, MATRIX_FUNCTIONS, Context, Meaning
from ..read.nodes import Undecided, _key, _show, expand
from ..read.notation import defined_word
from ..read.prose import read_around
from .doubt import (derivative_variables, imaginary_unit, one_sided, repeated_index, scaled_or_rounded,
                    second_readings, stated_names, unbounded_sum, written_names)

DEFINING = ("=", ":=", "←")
ORDER = ("<", ">", "≤", "≥")
#: Names that are sizes by habit (dimensions, counts): taken as whole numbers when the note does not say.
SIZE_NAMES = re.compile(r"^(n|m|N|M|d|D|K|d_k|d_v|d_\{model\}|d_\{\\text\{model\}\}|d_\{\\mathrm\{model\}\})$")
#: "for every integer $k$", "$n$ is a positive integer", "natural numbers $m$ and $n$"
WHOLE_PROSE = re.compile(r"(?:integers?|whole numbers?|natural numbers?|整数)\s*\$([^$]+)\$|\$([^$]+)\$\s+(?:is|are)\s+"
                         r"(?:a |an )?(?:positive |non-negative |nonnegative )?(?:integers?|whole numbers?)",
                         re.IGNORECASE)
#: A decimal of at most this many significant digits is read as rounded (0.272), one with more claims them all.
ROUNDED_DIGITS = 6
#: Words that are units in notes' arithmetic (24 GB, 3 bytes): a formula with them is not about variables.
UNIT = re.compile(r"bytes?|bits?|[KMGTP]i?B|KB|ms|sec|seconds?|minutes?|hours?|days?|params|parameters|"
                  r"tokens?|FLOPs?|flops|epochs?|steps|samples|images|pixels|px|GPUs?|nodes|layers")
#: Built-in names a note may take for something else (σ for "any activation"); tanh, exp, ReLU … it may not.
REDEFINABLE = {"sigma"}
#: Elementary functions keep their meaning; activations (ReLU, LeakyReLU with the note's own slope, GELU's
#: approximations, ELU, Swish …) come in variants a note may define for itself.
ELEMENTARY = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "abs", "max", "min", "sign",
              "sgn", "erf", "factorial", "arcsin", "arccos", "arctan", "sec", "csc", "cot", "arsinh", "artanh",
              "coth"}
#: How an optimum is written: w^*, \hat{w}, w_{opt}, w^{\star}.
OPTIMUM = re.compile(r"^(?:\\hat\{(?P<a>.+)\}|(?P<b>.+?)\^\{?(?:\*|\\star|\\ast|opt|\\text\{opt\})\}?)$")


@dataclass(frozen=True)
class Verdict:
    """One formula's verdict, where it stands and why."""

    line: int
    column: int
    text: str
    status: str   # definition redefinition assumption setting condition verified refuted undecided mention unparseable
    detail: str = ""
    cell: int | None = None   # the 1-based cell of a notebook (line and column are then inside the cell)


@dataclass
class NoteState:
    """What a note has said so far."""

    context: Context = field(default_factory=Context.empty)
    matrices: MatrixNote = field(default_factory=MatrixNote)
    lines: dict = field(default_factory=dict)         # defined name -> line
    lower: dict = field(default_factory=dict)         # symbol -> (value, strict)
    upper: dict = field(default_factory=dict)
    integers: set = field(default_factory=set)
    assumed: list = field(default_factory=list)       # "η > 0 (line 3)"
    settings: dict = field(default_factory=dict)      # symbol -> (value, scope, line)
    conditions: list = field(default_factory=list)    # (variable, expression that must vanish, line)
    recurrences: dict = field(default_factory=dict)   # family base -> (k, shift, body, line)
    previous: Node | None = None                      # the last side of the last relation (for "= …" displays)
    scope: object = None                              # the paragraph being read
    used: set = field(default_factory=set)            # the settings the claim being checked uses

    def used_settings_in(self, names) -> bool:
        """Whether a setting of this paragraph gives a value to one of ``names`` (f(x) = 0 at x = 10)."""
        return any(s in names for s, (_, scope, _line) in self.settings.items() if scope == self.scope)
    distinct: set = field(default_factory=set)        # index pairs stated different (j ≠ i)
    cue: str | None = None                            # what the words before the formula make of it
    index_condition: tuple = ()                       # ("=", "i", "j") from "…, i = j" after the formula
    words: set = field(default_factory=set)           # multi-letter names the note defined (LSE)
    display: bool = False                             # this formula is a display following a display
    last_display: bool = False
    whole_names: set = field(default_factory=set)     # names the prose calls integers
    section: object = None                            # the section being read
    matrix_names: set = field(default_factory=set)    # names defined with matrix notation (or only as matrices)
    section_settings: dict = field(default_factory=dict)  # symbol -> (value, line) set in earlier paragraphs
    bound_section: dict = field(default_factory=dict)  # symbol -> the section its stated bound holds in
    unreadable: dict = field(default_factory=dict)    # name -> line of a definition that could not be read
    solving: tuple | None = None                      # (paragraph, line) of the last condition being solved


class _Piece:
    """One line of a display that holds several statements on separate lines (without ``\\\\``)."""

    def __init__(self, formula, start: int, text: str) -> None:
        self.formula, self.start, self.text = formula, start, text

    def position(self, offset: int) -> tuple[int, int]:
        return self.formula.position(self.start + offset)

    def __getattr__(self, name: str):
        return getattr(self.formula, name)


RELATION_LINE = re.compile(r"(?<![<>!:\\])=|\\(le|ge|leq|geq|approx|ne|neq)\b|[<>]")


def _lines(formula) -> list:
    """μ = … on one line and σ² = … on the next, in one display: separate statements, not one chain. Lines
    that start with a relation or an operator continue the line before."""
    text = formula.text
    if not getattr(formula, "display", False) or "\n" not in text.strip() or "\\\\" in text or "\\begin" in text:
        return []
    groups: list = []
    offset = 0
    for raw in text.split("\n"):
        body = raw.strip()
        starts_new = body and RELATION_LINE.search(body) and not re.match(r"^(=|\\approx|\\le|\\ge|<|>|[+\-]|\\cdot)", body)
        if starts_new or not groups:
            groups.append([offset, raw])
        else:
            groups[-1][1] += "\n" + raw
        offset += len(raw) + 1
    pieces = [(start, body) for start, body in groups if body.strip()]
    if len(pieces) < 2 or sum(bool(RELATION_LINE.search(b)) for _, b in pieces) < 2:
        return []
    return [_Piece(formula, start, body) for start, body in pieces]


def judge(formula, state: NoteState, budget: float = 2.0) -> list[Verdict]:
    """The verdicts on one formula (one per row of an aligned block), updating what the note has said."""
    pieces = _lines(formula)
    if pieces:
        return [v for piece in pieces for v in judge(piece, state, budget)]
    text = formula.text.strip()
    lead = len(formula.text) - len(formula.text.lstrip())
    try:
        parsed = read(formula.text, names=frozenset(state.words))
        tree = parsed.tree
    except LatexError as exc:
        # an error at the very end points just past the last character, not at the closing delimiter's line
        line, column = formula.position(min(exc.offset, len(formula.text.rstrip())))
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        _remember_unreadable(formula.text, state, line)
        return [Verdict(line, column, text, "unparseable", exc.message + hint)]
    scope = (getattr(formula, "cell", None), getattr(formula, "paragraph_index", 0))
    section = (getattr(formula, "cell", None), getattr(formula, "section_index", 0))
    if section != state.section:
        state.section_settings = {}
    if scope != state.scope:
        for s_, (v, _scope, line_) in state.settings.items():
            state.section_settings[s_] = (v, line_)   # a worked example may go on in the next paragraph
        # settings hold in their paragraph: those of paragraphs left behind go (family entries stay, as the
        # initial values a later closed form may need)
        state.settings = {s: v for s, v in state.settings.items() if isinstance(s, sp.Indexed)}
    state.scope = scope
    # what the prose around the formula and its memberships assume (expectations use these facts)
    read_around(state.context, getattr(formula, "context", ""))
    state.context.assume(read_memberships(tree, formula.line))
    state.context.formula, state.context.evidence, state.context.missing = formula.text, None, None
    state.cue = _cue(formula)
    state.section = (getattr(formula, "cell", None), getattr(formula, "section_index", 0))
    # a display may continue the display just before it ("$$= …$$"), never a formula further back
    state.display = bool(getattr(formula, "display", False)) and state.last_display
    state.last_display = bool(getattr(formula, "display", False))
    for match in WHOLE_PROSE.finditer(getattr(formula, "context", "") or ""):
        names = match.group(1) or match.group(2) or ""
        state.whole_names.update(n.strip() for n in re.split(r"\$?,\s*\$?|\$?\s+and\s+\$?", names))
    word = defined_word(formula.text)
    if word:
        state.words.add(word)   # LSE(z) = …: LSE is one name in the formulas after this one
    rows = tree.args if tree.kind == "rows" else (tree,)
    rows, state.index_condition = _index_conditions(rows)
    verdicts = []
    for k, row in enumerate(rows):
        offset = row.offset if tree.kind == "rows" else lead
        line, column = formula.position(offset)
        end = rows[k + 1].offset if k + 1 < len(rows) else len(formula.text)
        row_text = text if len(rows) == 1 else formula.text[offset:end].strip().rstrip("\\").strip()
        verdict = _with_evidence(_judge_row(row, state, line, column, row_text, budget), state.context)
        if parsed.readings and verdict.status in ("verified", "refuted", "undecided"):
            # say how an ambiguous piece of notation was read (W_{12} as W_{1,2})
            verdict = Verdict(verdict.line, verdict.column, verdict.text, verdict.status,
                              f"{verdict.detail} ({'; '.join(parsed.readings)})")
        verdicts.append(verdict)
    return verdicts


DEFINE_CUE = re.compile(r"\b(let|define[sd]?|redefine[sd]?|now|instead|denote[sd]?|set|write|suppose|consider|"
                        r"take|becomes?|replace[sd]?)\b[^.!?:]*$|[令设记定义]\s*$", re.IGNORECASE)
CLAIM_CUE = re.compile(r"\b(for (every|all|any)|in general|always|then|so|hence|therefore|thus|gives?|"
                       r"we get|it follows|show|prove)\b[^.!?:]*$|[则故所以因此]\s*$", re.IGNORECASE)


CONDITION_BEFORE = re.compile(r"\b(if|when|whenever|unless|such that|e\.g\.|for example|for instance|say|"
                              r"the event|happens?|otherwise|assume|assuming|suppose|given|provided)\b[^.!?]*$|"
                              r"(如果|若|当|假设|例如)\s*$", re.IGNORECASE)
CONDITION_AFTER = re.compile(r"[,.]?\s*(for some|if|when|whenever|otherwise|unless|only if|at some|holds? for some|"
                             r"is satisfied|has a solution)\b", re.IGNORECASE)


def _cue(formula) -> str | None:
    """What the words around a formula make of it: 'condition' (if, when, for some, otherwise, e.g. … after
    or before it), 'define' (let, redefine, now), 'claim' (then, for every, hence), or None."""
    context = getattr(formula, "context", "") or ""
    at = context.rfind(formula.text)
    before = context[max(0, at - 80):at] if at > 0 else ""
    after = context[at + len(formula.text):at + len(formula.text) + 40] if at >= 0 else ""
    before = before.rsplit("$", 1)[0] if before.count("$") % 2 else before
    before = before.rstrip(" $\\[(")
    if CONDITION_BEFORE.search(before) or CONDITION_AFTER.match(after.lstrip(" $\\])")):
        return "condition"
    if CLAIM_CUE.search(before[-30:]) and not re.search(r"\bof\s*$", before):
        # "prove the convexity of $f(x) = …$" names its object; it claims nothing about f
        return "claim"
    if DEFINE_CUE.search(before):
        return "define"
    return None


def _with_evidence(verdict: Verdict, ctx: Context) -> Verdict:
    """A verdict on expectations names the assumptions it rests on, or what it lacks."""
    from ..read.expectation import expectation_evidence
    status, detail = expectation_evidence(verdict.status, verdict.detail, ctx)
    return Verdict(verdict.line, verdict.column, verdict.text, status, detail, verdict.cell)


INDEX_LETTERS = set("ijklmnpqrst")


def _index_conditions(rows: tuple) -> tuple[tuple, tuple]:
    r"""``…, \quad i = j`` or ``i \ne j`` after a formula: a condition on its indices, not a claim of its own."""
    if len(rows) < 2:
        return rows, ()
    kept, conditions = [], []
    for row in rows:
        if row.kind == "rel" and len(row.args[0]) == 1 and row.args[0][0] in ("=", "≠") and \
                all(p.kind == "name" and p.name in INDEX_LETTERS for p in row.args[1]):
            conditions.append((row.args[0][0], row.args[1][0].name, row.args[1][1].name))
        else:
            kept.append(row)
    return (tuple(kept), tuple(conditions)) if kept and conditions else (rows, ())


def _remember_unreadable(text: str, state: NoteState, line: int) -> None:
    """A definition symnet cannot read still defines its name: claims that use the name are undecided."""
    left = text.split("=", 1)[0] if "=" in text else ""
    try:
        node = parse(left) if left.strip() else None
    except LatexError:
        return
    if node is not None and node.kind in ("name", "sub"):
        state.unreadable[_show(node.args[0] if node.kind == "sub" else node)] = line


def _judge_row(tree: Node, state: NoteState, line: int, column: int, text: str, budget: float) -> Verdict:
    def verdict(status: str, detail: str = "") -> Verdict:
        return Verdict(line, column, text, status, detail)

    if tree.kind == "shape":
        declared = state.matrices.declare(tree)
        return verdict("assumption", "a shape declaration" + (" (used by the matrix checks)" if declared else ""))
    if tree.kind == "condition":
        return verdict("assumption", "a condition on the rows around it")
    if tree.kind != "rel":
        state.previous = tree
        return verdict("mention")
    ops, parts = tree.args
    if parts[0].kind == "continued":
        if state.previous is None or not state.display:
            # "beam size $= 2$": a fragment of a sentence, not a display continuing the one before
            return verdict("mention", "an equation without a left side")
        parts = (state.previous,) + tuple(parts[1:])
    state.previous = parts[-1]
    try:
        with time_limit(budget * 4):
            status, detail = _statement(ops, tuple(parts), state, line, budget)
    except TimeLimit:
        return verdict("undecided", f"time limit {budget:g} s")
    except Undecided as exc:
        if "holds for some values" in str(exc):
            state.solving = (state.scope, line)
        return verdict("undecided", str(exc))
    except (ValueError, TypeError, ZeroDivisionError, RecursionError, OverflowError, MemoryError,
            AttributeError, IndexError, KeyError, sp.SympifyError) as exc:
        return verdict("undecided", f"could not evaluate ({type(exc).__name__})")
    except Exception as exc:   # SymPy's own errors (BadSignatureError …): a limit of symnet, not of the note
        return verdict("undecided", f"could not evaluate ({type(exc).__name__})")
    if status == "refuted" and state.cue == "condition":
        # "f'(x) = 0 for some x", "if a = b", "e.g. X = x": the words make it a condition, not an identity
        return verdict("condition", f"the words around it make it a condition; as an identity it fails: {detail}")
    if status == "refuted" and state.solving is not None and state.solving[0] == state.scope:
        # dℓ/dp = k/p − (n−k)/(1−p) = 0, then k(1 − p) = (n − k)p: the steps of solving a condition
        return verdict("condition", f"a step in solving the condition on line {state.solving[1]}; as an identity "
                                    f"it fails: {detail}")
    if status == "condition" or status == "undecided" and "holds for some values" in detail or \
            ops[-1] == "=" and _is_zero(parts[-1]) and any(_has_derivative(p) for p in parts):
        state.solving = (state.scope, line)
    return verdict(status, detail)


# -- what a statement is ---------------------------------------------------------------------------------------

def _statement(ops: tuple, parts: tuple, state: NoteState, line: int, budget: float) -> tuple[str, str]:
    meaning = Meaning(state.context)
    if Meaning.symbol("d") not in state.context.values:
        parts = tuple(_gradient_names(p) for p in parts)
    first = parts[0]
    if first.kind == "op" and first.name == "*" and first.args[0].kind == "call" and not first.args[0].args and \
            first.args[1].kind in ("name", "sub"):
        # \text{Adagrad:} s_t = …: a word before the first name labels the line
        parts = (first.args[1],) + tuple(parts[1:])
    if "⇒" in ops or "⇔" in ops:
        # y > x ⟹ F(y) ≥ F(x): the premise is a hypothesis, not a claim of its own
        raise Undecided("an implication: its premise is a hypothesis, and a conclusion under it is not checked")
    if ops[0] == "∈" or ops[0] == "→" and len(ops) == 1:
        return _membership(ops, parts, state, line) if ops[0] == "∈" else ("mention", "a signature f: A → B")
    if any(op in ("∈", "→") for op in ops):
        raise Undecided(f"the relation {next(op for op in ops if op in ('∈', '→'))} inside a chain is not checked")
    if all(op in ORDER or op == "≠" for op in ops):
        return _inequality(ops, parts, meaning, state, line, budget)
    if ops == ("≈",):
        return _approximation(parts, meaning, state, budget)
    start, first = 0, ""
    if len(ops) > 1 and all(op in ("=", ":=") for op in ops) and all(p.kind in ("name", "sub") for p in parts[:-1]) \
            and _value_or_none(meaning, parts[-1]) is not None and _value_or_none(meaning, parts[-1]).is_number:
        # k_h = k_w = 4, μ_x = μ_y = 0: one value given to several names (a setting each)
        value = meaning.expr(parts[-1])
        for p in parts[:-1]:
            try:
                state.settings[meaning.name(p)] = (value, state.scope, line)
            except Undecided:
                pass
        return "setting", f"{' = '.join(_show(p) for p in parts[:-1])} = {value} in this paragraph only (line {line})"
    if ops[0] in DEFINING:
        status, detail = _defining(ops[0], parts[0], parts[1], meaning, state, line, budget)
        if len(ops) == 1 or status not in ("definition", "verified", "setting"):
            return status, detail
        # c = 5 = 6: the first link defines or sets, the links after it are claims
        start, first = 1, (f"{status}, then " if status in ("definition", "setting") else "")
    if ops[start] == "←":
        return "definition", "update rule"
    details = []
    for k in range(start, len(ops)):
        if ops[k] not in ("=", ":=") + ORDER + ("≠", "≈"):
            raise Undecided(f"the relation {ops[k]} is not checked")
        outcome = _claim(meaning, parts[k], parts[k + 1], "=" if ops[k] == ":=" else ops[k], state, budget)
        if outcome.status == "refuted" and ops[k] == "=" and (
                _plain_equation(parts[k], parts[k + 1], state) or
                not _grounded(parts[k], state) and not _grounded(parts[k + 1], state)) and \
                any(v is not None and v.free_symbols for v in (_value_or_none(meaning, parts[k]),
                                                               _value_or_none(meaning, parts[k + 1]))):
            # c_{i+1} − c_i = Δc = …: a link between quantities the note leaves free names them, it is no identity
            return "condition", f"link {k + 1 - start} relates quantities the note leaves free (not an identity)"
        if outcome.status == "refuted":
            link = "" if len(ops) - start == 1 else f" (link {k + 1 - start} of {len(ops) - start})"
            return "refuted", outcome.detail + link
        details.append(outcome.detail)
    symbolic = [d for d in details if not d.startswith("symbolically")]
    return "verified", first + (symbolic[0] if symbolic else details[0])


def _membership(ops, parts, state: NoteState, line: int) -> tuple[str, str]:
    """x ∈ ℝ^d, i ∈ {1, …, n}, n ∈ ℕ: assumptions about what a name is."""
    right = parts[1]
    shown = _show(parts[0]) if parts[0].kind in ("name", "sub") else "it"
    label = right.name if right.kind == "name" else (right.args[0].name if right.kind == "op" and right.args
                                                    and right.args[0].kind == "name" else "")
    if any(w in label for w in ("mathbb{N}", "mathbb{Z}", "mathbb N", "mathbb Z")) and parts[0].kind == "name":
        state.integers.add(Meaning.symbol(parts[0].name))
        state.assumed.append(f"{shown} whole (line {line})")
    return "assumption", f"{shown} ∈ …: what {shown} is (line {line})"


# -- definitions, settings, conditions --------------------------------------------------------------------------

def _defining(op: str, left: Node, right: Node, meaning: Meaning, state: NoteState, line: int,
              budget: float) -> tuple[str, str]:
    ctx = state.context
    if op == "←":
        return "definition", "update rule"
    if _is_zero(right) and _has_derivative(left):
        variable = _derivative_variable(left)
        expression = meaning.expr(left)
        state.conditions.append((variable, expression, line))
        return "condition", "an equation to solve (a stationarity condition), not an identity"
    if left.kind == "name" and right.kind == "name" and re.fullmatch(r"[A-Z]", left.name) and \
            right.name == left.name.lower():
        return "mention", f"the event {left.name} = {right.name} (a random variable taking a value)"
    if left.kind == "name" and right.kind == "name" and re.fullmatch(r"[A-Za-z]", left.name) and \
            re.fullmatch(r"[A-Za-z]", right.name) and Meaning.symbol(right.name) not in ctx.values:
        # j = i, G = C: a case or a condition between two letters, not a definition of one by the other
        return "condition", f"{left.name} = {right.name}: a case or condition, not a definition"
    target = _target(left, meaning)
    if target is None and left.kind == "op" and left.name == "^" and left.args[0].kind in ("name", "sub"):
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number:
            return "setting", f"a value for {_show(left.args[0])}^{_show(left.args[1])} (line {line}), not substituted"
        name = meaning.name(left.args[0])
        if value is not None and _is_two(left.args[1]) and name in state.context.values and \
                state.cue != "claim" and not value.has(name):
            # He after Xavier: σ_w² = 2/n_in replaces σ_w² = 2/(n_in + n_out)
            state.context.values[name] = sp.sqrt(value)
            state.context.expansions.clear()
            state.lines[name] = line
            return "redefinition", f"{_show(left.args[0])}² given a new value from here on"
        if value is not None and _is_two(left.args[1]) and name not in state.context.values and \
                not value.has(name):
            # σ² = (1/d) Σ (x_i − μ)²: defines σ as the root of a variance
            state.context.values[name] = sp.sqrt(value)
            state.context.expansions.clear()
            state.lines[name] = line
            return "definition", f"defines {_show(left.args[0])}² (and {_show(left.args[0])} as its root)"
    if target is None:
        return _claim_or_condition(left, right, meaning, state, budget)
    kind = target[0]
    if kind == "function" and target[1].lstrip("\\") in ("E", "Var", "Cov", "P", "Pr", "mathbb{E}"):
        # Var[w] = 1/n, E[x] = μ: a moment the note states (an assumption), not a function of its argument
        return "assumption", f"a stated moment or probability: {_show(left) if left.kind != 'op' else target[1]}"
    if kind == "function":
        return _function_definition(target, left, right, meaning, state, line, budget)
    symbol = target[1]
    solved = _solution(left, right, meaning, state, budget)
    if solved is not None:
        return solved
    if isinstance(symbol, sp.Indexed):
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number and symbol.base not in state.recurrences and \
                symbol not in ctx.values and (symbol.base not in ctx.values or
                                             right.kind in ("num", "neg", "op") and state.cue != "claim" and
                                             not _has_name(right)):
            # p_1 = 4/5 in a worked example, θ_0 = 0 before its recurrence: a value in this paragraph
            state.settings[symbol] = (value, state.scope, line)
            return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
        if symbol in ctx.values and symbol.base not in ctx.values:
            return _restated(symbol, left, right, meaning, state, line, budget)
        return _family_statement(symbol, left, right, meaning, state, line, budget)
    value = _value_or_none(meaning, right)
    # a value for a name (η = 0.1, x = 10): a setting of its paragraph, whatever the note said of it before
    if value is not None and (left.kind == "name" and not value.free_symbols and not _defined_names(value, ctx)
                              or value.is_number and not state.matrices.defines(left)):
        state.settings[symbol] = (value, state.scope, line)
        return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
    if symbol in ctx.values or state.matrices.defines(left):
        return _restated(symbol, left, right, meaning, state, line, budget)
    return _define_value(symbol, left, right, value, meaning, state, line)


def _offer_matrices(left: Node, right: Node, state: NoteState) -> bool:
    """Every definition is offered to the matrix reading too (h_3 = tanh(x_3 W_x + …) is a row of a matrix);
    the name counts as a matrix for later claims when its definition is written with matrix notation."""
    accepted = state.matrices.define_node(left, right)
    if accepted and _matrix_notation(right, state):
        state.matrix_names.add(_key(left))
    return accepted


def _define_value(symbol, left: Node, right: Node, value, meaning: Meaning, state: NoteState,
                  line: int) -> tuple[str, str]:
    as_matrices = _offer_matrices(left, right, state)
    if value is None:
        try:
            value = meaning.expr(right)
        except Undecided as exc:
            if as_matrices:
                state.matrix_names.add(_key(left))
            return "definition", ("read as matrices" if as_matrices else f"its right side is not evaluated: {exc}")
    if value.has(symbol):
        raise Undecided("a definition that refers to itself")
    state.context.values[symbol] = value
    state.context.expansions.clear()
    state.lines[symbol] = line
    return "definition", ""


def _restated(symbol, left, right, meaning, state, line, budget) -> tuple[str, str]:
    """A name defined before, given a value again: the same value is a claim that holds; a different one is
    a redefinition, unless the words before it make it a claim ("then", "hence")."""
    ctx = state.context
    if symbol not in ctx.values:
        raise Undecided(f"{_show(left)} is defined as a matrix; a new value for it is not checked")
    outcome = _claim(meaning, left, right, "=", state, budget)
    where = state.lines.get(symbol)
    if outcome.status == "verified":
        return "verified", f"agrees with its definition (line {where}); {outcome.detail}"
    new_value = meaning.expr(right)
    if state.cue == "claim" and outcome.status == "refuted":
        return outcome.status, outcome.detail
    if state.cue == "condition":
        return "condition", "an equation the words around it make a condition, not an identity"
    # a name given another value without "then/hence" before it: the note is (re)defining it (exercises
    # "(i) f = c, (ii) f = x^n", a new section's L)
    ctx.values[symbol] = new_value
    ctx.expansions.clear()
    state.lines[symbol] = line
    return "redefinition", f"replaces {_show(left)} from line {where} from here on"


def _function_definition(target, left: Node, right: Node, meaning: Meaning, state: NoteState, line: int,
                         budget: float) -> tuple[str, str]:
    """``f(x) = …``: a definition, or for a name already defined (by the note or a built-in such as σ)
    either the same function (verified) or a redefinition from here on."""
    ctx = state.context
    _, name, params = target
    known = ctx.functions.get(name)
    builtin = name.lstrip("\\") in KNOWN_FUNCTIONS
    defined_parameters = (builtin or known is not None) and any(ctx.defines(p) for p in params)
    if (builtin and not known and name.lstrip("\\") in ELEMENTARY) or defined_parameters or \
            state.used_settings_in(params):
        # log p_i = …, tanh(x) = … at a setting: statements about values, not definitions of functions
        outcome = _claim(meaning, left, right, "=", state, budget)
        return outcome.status, outcome.detail
    value = meaning.expr(right)
    if known is None and not builtin and not (value.free_symbols & set(params)) and \
            not any(isinstance(p, sp.Symbol) and p.name in ("x", "t", "z", "w") for p in params):
        # P(𝒮) = 1, f(heads) = 0.5: a value at one argument, not a definition of the whole function
        return "setting", f"a value of {name} at one argument (line {line})"
    if known is None and not builtin:
        ctx.functions[name] = (params, value)
        state.lines[name] = line
        return "definition", ""
    current = known[1].xreplace(dict(zip(known[0], params))) if known else \
        KNOWN_FUNCTIONS[name.lstrip("\\")](*params)
    try:
        outcome = decide(current, value, "=", _domain(state, current, value), budget)
    except Undecided:
        outcome = Outcome("undecided", "")
    origin = f"its definition (line {state.lines[name]})" if known else f"the built-in {name.lstrip(chr(92))}"
    if outcome.status == "verified":
        return "verified", f"agrees with {origin}; {outcome.detail}"
    if state.cue == "claim" and outcome.status == "refuted":
        return outcome.status, outcome.detail
    if state.cue == "condition":
        # "otherwise h(x) = 1", "if x < c": a case of a definition given in pieces, not a new definition
        return "condition", f"a case of {name}, under a condition the words around it give"
    ctx.functions[name] = (params, value)
    state.lines[name] = line
    return "redefinition", f"replaces {origin} from here on"


def _family_statement(member: sp.Indexed, left: Node, right: Node, meaning: Meaning, state: NoteState,
                      line: int, budget: float) -> tuple[str, str]:
    ctx = state.context
    base = member.base
    free = [i for i in member.indices if i.free_symbols]
    if base in state.recurrences and free:
        return _closed_form(member, right, meaning, state, budget)
    shifted = [i for i in member.indices if i.free_symbols and not isinstance(i, sp.Symbol)]
    if shifted and len(member.indices) == 1 and base not in ctx.values:
        # θ_{k+1} = … θ_k …: a recurrence, checked against closed forms by induction
        k = sorted(shifted[0].free_symbols, key=str)[0]
        shift = sp.simplify(shifted[0] - k)
        if not shift.is_Integer or shift <= 0:
            raise Undecided("a recurrence whose index is not k + a positive whole number")
        body = meaning.expr(right).xreplace({sp.Symbol(k.name, real=True): k})
        state.recurrences[base] = (k, int(shift), body, line)
        state.lines[base] = line
        return "definition", "a recurrence (closed forms after it are checked by induction)"
    label = free and not (meaning_free_of(right, meaning) & set(free) or
                          {sp.Symbol(str(i), real=True) for i in free} & meaning_free_of(right, meaning))
    if label:
        # k_h = 4, w_k = "solid", x_{ij} = 0: the subscript is a label (or an example), not an index the
        # right side runs over; a constant is a setting of that label in its paragraph
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number:
            state.settings[member] = (value, state.scope, line)
            return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
    if base in ctx.values and free and not label and all(isinstance(i, sp.Symbol) for i in member.indices) and \
            state.cue != "claim":
        outcome = _claim(meaning, left, right, "=", state, budget)
        if outcome.status == "verified":
            return "verified", f"agrees with the definition of {_show(left)} (line {state.lines.get(base)}); " \
                               f"{outcome.detail}"
        # Y_{b,d} = tanh(…) after Y_{b,d} = ReLU(…): the family defined anew (another activation, another step)
        value, = unify_indices(meaning.expr(right))
        ctx.values[base] = sp.Lambda(tuple(member.indices), value)
        ctx.expansions.clear()
        state.lines[base] = line
        return "redefinition", f"every {_show(left)} defined anew from here on"
    if base in ctx.values or member in ctx.values:
        # an instance of a family the note defined (z_2 after z_i = …), or the family again: a claim
        outcome = _claim(meaning, left, right, "=", state, budget)
        if outcome.status == "verified":
            where = state.lines.get(member, state.lines.get(base))
            return "verified", f"agrees with the definition of {_show(left)} (line {where}); {outcome.detail}"
        return outcome.status, outcome.detail
    # every definition is offered to the matrix reading too (h_3 = tanh(z_3) may be a row of a matrix)
    as_matrices = _offer_matrices(left, right, state)
    try:
        value, = unify_indices(meaning.expr(right))
    except Undecided as exc:
        if as_matrices:
            state.matrix_names.add(_key(left))
            return "definition", "read as matrices"
        return "definition", f"its right side is not evaluated: {exc}"
    value = value.xreplace({sp.Symbol(i.name, real=True): i for i in member.indices if isinstance(i, sp.Symbol)})
    if free and not label and all(isinstance(i, sp.Symbol) for i in member.indices):
        if any(e.base == base and e.free_symbols & set(member.indices) for e in value.atoms(sp.Indexed)):
            raise Undecided("a family defined by its own members")
        ctx.values[base] = sp.Lambda(tuple(member.indices), value)
        ctx.expansions.clear()
        state.lines[base] = line
        return "definition", f"defines every {_show(left).split('_')[0]}_{','.join(map(str, member.indices))}"
    if free and not label:
        raise Undecided("a family member with an index expression that is not a name")
    ctx.values[member] = value
    ctx.expansions.clear()
    state.lines[member] = line
    return "definition", ""


def _closed_form(member: sp.Indexed, right: Node, meaning: Meaning, state: NoteState,
                 budget: float) -> tuple[str, str]:
    """θ_k = C(k) after θ_{k+1} = R(θ_k) and θ_0 = a: by induction, C(0) = a and C(k+1) = R(C(k))."""
    base = member.base
    k_rec, shift, body, rec_line = state.recurrences[base]
    (k,) = [i for i in member.indices if i.free_symbols]
    if not isinstance(k, sp.Symbol):
        raise Undecided("a closed form whose index is not a name")
    closed = meaning.expr(right)
    k_whole = sp.Symbol(str(k), integer=True, nonnegative=True)
    closed = closed.xreplace({k: k_whole, sp.Symbol(str(k), real=True): k_whole})

    def at(index):
        return closed.xreplace({k_whole: index})

    initial = {e: v for e, (v, _scope, _line) in state.settings.items() if isinstance(e, sp.Indexed)}
    initial.update({e: v for e, v in state.context.values.items() if isinstance(e, sp.Indexed)})
    starts = sorted((e for e in initial if e.base == base and e.indices[0].is_Integer),
                    key=lambda e: int(e.indices[0]))
    if len(starts) < shift:
        raise Undecided(f"the recurrence for {base} needs {shift} initial value(s) before a closed form is checked")
    for start in starts[:shift]:
        outcome = _decide(at(start.indices[0]), expand(initial[start], state.context.values), "=", state, budget)
        if outcome.status != "verified":
            return "refuted", f"the closed form does not give the initial value {start}: {outcome.detail}"
    # the step: the recurrence with every θ_{k+j} replaced by the closed form must give C(k + shift)
    step = body.xreplace({k_rec: k_whole, sp.Symbol(str(k_rec), real=True): k_whole})
    step = step.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: at(e.indices[0]))
    outcome = _decide(at(k_whole + shift), step, "=", state, budget)
    if outcome.status != "verified":
        return "refuted", f"the closed form does not satisfy the recurrence (line {rec_line}): {outcome.detail}"
    first = starts[0]
    return "verified", f"by induction from {first} = {initial[first]} and the recurrence (line {rec_line}); " \
                       f"step {outcome.detail}"


def _solution(left: Node, right: Node, meaning: Meaning, state: NoteState, budget: float):
    """``w^* = …`` (or ``w = …``) after ``∂L/∂w = 0``: checked by substitution into the condition."""
    if not state.conditions or left.kind != "name":
        return None
    match = OPTIMUM.match(left.name)
    name = (match.group("a") or match.group("b")) if match else left.name
    for variable, expression, line in reversed(state.conditions):
        if str(variable) == name or getattr(variable, "name", None) == name:
            value = meaning.expr(right)
            residual = expand(expression, state.context.values, hold={variable}).xreplace({variable: value})
            outcome = _decide(residual, sp.Integer(0), "=", state, budget)
            if outcome.status == "verified":
                return "verified", f"solves the condition on line {line}; {outcome.detail}"
            return "refuted", f"does not solve the condition on line {line}: {outcome.detail}"
    return None


def _claim_or_condition(left: Node, right: Node, meaning: Meaning, state: NoteState,
                        budget: float) -> tuple[str, str]:
    """An equation whose left side defines nothing: a claim, or (between free quantities, one side plain)
    a condition such as ∑_i y_i = 1 that holds for some values and not others."""
    outcome = _claim(meaning, left, right, "=", state, budget)
    if outcome.status != "refuted" or not (_plain_equation(left, right, state) or
                                           not _grounded(left, state) and not _grounded(right, state)):
        return outcome.status, outcome.detail
    try:
        l, r = _sides(meaning, left, right, state)
        constant = not (l.free_symbols | r.free_symbols)
    except Undecided:
        constant = False   # matrix notation: names, so not constant
    if constant:
        return outcome.status, outcome.detail
    return "condition", "an equation between quantities the note leaves free, not an identity"


# -- claims ------------------------------------------------------------------------------------------------------

def _inequality(ops, parts, meaning: Meaning, state: NoteState, line: int, budget: float) -> tuple[str, str]:
    """Every link checked as a claim; one between plain quantities that holds for some values and not others
    is an assumption (η > 0, 1 ≤ i ≤ n, j ≠ i) and bounds what later claims try."""
    if "≠" in ops:
        sides = [_value_or_none(meaning, p) for p in parts]
        if any(v is None or v.free_symbols for v in sides):
            # x ≠ π/2 + kπ, j ≠ i: random points would almost always agree; a statement of where something
            # holds, never verified as an identity
            _record_bounds(ops, parts, sides, state, line)
            return "assumption", "an exclusion (≠) between quantities that vary: assumed from here on"
    outcomes = []
    for k, op in enumerate(ops):
        try:
            outcomes.append(_claim(meaning, parts[k], parts[k + 1], op, state, budget))
        except Undecided:
            if not all(_plain(p, state) for p in parts):
                raise
            outcomes.append(None)
    plain = all(_plain(p, state) for p in parts)
    guessed = any("taken as a size" in o.detail or "assuming" in o.detail for o in outcomes if o is not None)
    if all(o is not None and o.status == "verified" for o in outcomes) and not (guessed and plain):
        # (x > 0 "verified" from the assumption x > 0, K ≥ 0 from a guess that K is a size: restatements)
        return "verified", outcomes[0].detail
    if not all(_plain(p, state) for p in parts):
        bad = next(o for o in outcomes if o is not None and o.status == "refuted")
        if state.cue != "claim":
            # bounds in notes are mostly hypotheses, thresholds or statements "with probability 1 − δ": one
            # that fails for some values is reported as a condition, unless the words make it a claim
            return "condition", f"as a claim for all values it fails ({bad.detail}); read as a condition"
        return "refuted", bad.detail
    sides = [_value_or_none(meaning, p) for p in parts]
    if all(s is not None for s in sides):
        never = any(op in ("<", ">") and sides[k] - sides[k + 1] == 0 or
                    not (sides[k].free_symbols | sides[k + 1].free_symbols) and
                    not satisfiable(sides[k], sides[k + 1], op, _domain(state, sides[k], sides[k + 1]))
                    for k, op in enumerate(ops))
        if never:
            bad = next((o for o in outcomes if o is not None and o.status == "refuted"), None)
            return "refuted", "holds for no values" + (f": {bad.detail}" if bad else "")
    _record_bounds(ops, parts, sides, state, line)
    shown = " ".join(f"{_show(p) if p.kind in ('name', 'sub', 'num') else '…'} {op}"
                     for p, op in zip(parts, ops)) + f" {_show(parts[-1]) if parts[-1].kind in ('name', 'sub', 'num') else '…'}"
    state.assumed.append(f"{shown} (line {line})")
    return "assumption", f"{shown}: assumed from here on"


def _record_bounds(ops, parts, sides, state: NoteState, line: int) -> None:
    """Numeric bounds on single symbols (η > 0, 0 < α < 1) bound what later claims try; 1 ≤ i ≤ n makes i whole."""
    for k, op in enumerate(ops):
        a, b = sides[k], sides[k + 1]
        if op == "≠" and isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol):
            # j ≠ i: indices drawn apart (as subscripts they are whole-number symbols)
            state.distinct.add(frozenset((sp.Symbol(a.name, integer=True), sp.Symbol(b.name, integer=True))))
            continue
        if op == "≠":
            continue
        if a is None or b is None:
            continue
        strict = op in ("<", ">")
        small, big = (a, b) if op in ("<", "≤") else (b, a)
        if isinstance(big, sp.Symbol) and small.is_number:
            state.lower[big] = (small, strict)
            state.bound_section[big] = state.section
        if isinstance(small, sp.Symbol) and big.is_number:
            state.upper[small] = (big, strict)
            state.bound_section[small] = state.section
        for s in (a, b):
            if isinstance(s, sp.Symbol) and (a.is_Integer or b.is_Integer) and op in ("≤", "≥") and \
                    any(isinstance(x, sp.Symbol) and not x.is_number for x in (a, b) if x is not s):
                state.integers.add(s)


def _approximation(parts, meaning: Meaning, state: NoteState, budget: float) -> tuple[str, str]:
    """``a ≈ b`` between numbers: true to the digits written on the right (1.44 is three)."""
    left, right = _sides(meaning, parts[0], parts[1], state)
    if left.free_symbols or right.free_symbols:
        raise Undecided("an approximation with variables (where it is meant to hold is not stated)")
    literal = parts[1]
    if literal.kind != "num" or not re.fullmatch(r"\d+\.\d+", literal.name):
        raise Undecided("an approximation whose right side is not a decimal number")
    decimals = len(literal.name.split(".")[1])
    digits = len(literal.name.replace(".", "").lstrip("0"))
    tolerance = sp.Rational(1, 2) * sp.Integer(10) ** -decimals
    difference = sp.Abs(left - right)
    outcome = _decide(difference, tolerance, "≤", state, budget)
    if outcome.status == "verified":
        return "verified", f"approximately, to the {digits} significant digits written ({sp.N(left, digits + 3)})"
    return "refuted", f"{sp.N(left, digits + 3)} is not {literal.name} to the digits written"


def _claim(meaning: Meaning, left_node: Node, right_node: Node, relation: str, state: NoteState,
           budget: float, second: bool = False) -> Outcome:
    """A claim between two sides, with the note's definitions and this paragraph's settings. A refutation
    must survive the doubts of :mod:`symnet.notes.judge.doubt` (one-sided quantities, other readings, rounding)."""
    outcome, sides = _claim_as_written(meaning, left_node, right_node, relation, state, budget)
    if outcome.status != "refuted":
        return outcome
    index = repeated_index(left_node) or repeated_index(right_node)
    if index:
        raise Undecided(f"fails as written ({outcome.detail}), but the index {index} is repeated in a product: "
                        f"Einstein's summation convention may be meant")
    if imaginary_unit(left_node) or imaginary_unit(right_node):
        raise Undecided(f"fails with i a real number ({outcome.detail}), but i in an exponent of e may be the "
                        f"imaginary unit (complex values are not checked)")
    if (unbounded_sum(left_node) or unbounded_sum(right_node)) and sides is not None and \
            any(getattr(s, "is_integer", False) or SIZE_NAMES.match(str(s))
                for s in sides[0].free_symbols | sides[1].free_symbols):
        raise Undecided(f"fails as written ({outcome.detail}), but a sum without bounds (Σ_i) sits beside a size: "
                        f"how far the sum runs is not tied to it")
    if sides is None and "shape" in outcome.detail:
        loose = _undeclared(left_node, state) | _undeclared(right_node, state)
        if loose:
            raise Undecided(f"read as matrices the shapes do not fit ({outcome.detail}), but the note gives no "
                            f"shape for {', '.join(sorted(loose)[:4])}")
    if sides is not None:
        left, right = sides
        if relation == "=" and not (left.free_symbols or right.free_symbols):
            reason = scaled_or_rounded(left, right)
            if reason:
                raise Undecided(f"as numbers the sides differ, but {reason}")
        domain = _domain(state, left, right)
        # E and Var bring in what the assumptions state (Var(Σ w_j x_j) = n σ² γ²): those names are given
        stated = stated_names(state.context.facts) if _expectation(left_node) or _expectation(right_node) else set()
        sided = one_sided(left, right, left_node, right_node, stated | {str(s) for s in domain.integers})
        if sided and solvable(left, right, relation, domain):
            names = ", ".join(map(str, sided[:4]))
            raise Undecided(f"fails as an identity ({outcome.detail}), but {names} "
                            f"{'is' if len(sided) == 1 else 'are'} on one side only: an equation that holds for "
                            f"some values (a condition, a fit or a definition in passing), not refuted")
        if _activations(left_node) | _activations(right_node) > {r"\sigma"} and r"\sigma" in \
                _activations(left_node) | _activations(right_node) and "\\sigma" not in state.context.functions:
            # σ'(x) = 1 − tanh²(x): σ here stands for the activation the note speaks of, not the logistic one
            raise Undecided(f"fails with σ the logistic sigmoid ({outcome.detail}), but the claim speaks of "
                            f"another activation too: σ may stand for it here")
        if re.match(r"at [^:]*: ", outcome.detail) and \
                fails_only_at_special_points(left, right, relation, _domain(state, left, right)):
            raise Undecided(f"fails only at a special point ({outcome.detail.split(':')[0]}: "
                            f"{outcome.detail.split(':', 1)[1].strip()}) and holds at 20 random points: a "
                            f"convention at that point (sign(0), a derivative at a kink), not refuted")
    if not second:
        known = {str(s) for v in state.context.values.values() if hasattr(v, "free_symbols")
                 for s in v.free_symbols}
        for what, left2, right2 in second_readings(left_node, right_node, known):
            try:
                again = _claim(Meaning(state.context), left2, right2, relation, state, budget, second=True)
            except Undecided as exc:
                again = Outcome("undecided", str(exc))
            if again.status != "refuted":
                raise Undecided(f"fails as written ({outcome.detail}), but not when read with {what} "
                                f"({again.status}{': ' + again.detail[:120] if again.detail else ''})")
    return outcome


def _claim_as_written(meaning: Meaning, left_node: Node, right_node: Node, relation: str, state: NoteState,
                      budget: float) -> tuple[Outcome, tuple | None]:
    try:
        left, right = _sides(meaning, left_node, right_node, state)
    except Undecided as scalar_reason:
        return _matrix_claim(left_node, right_node, relation, state, scalar_reason), None
    if _capital_products(left) or _capital_products(right):
        return _noncommutative(left, right, relation, budget), (left, right)
    try:
        outcome = _decide(left, right, relation, state, budget)
    except Undecided as scalar_reason:
        return _matrix_claim(left_node, right_node, relation, state, scalar_reason), None
    if outcome.status == "refuted" and relation == "=":
        _rounded(left_node, right_node, left, right)
        _foreign(left_node, right_node, left, right, state)
    if outcome.status == "refuted" and state.section_settings:
        _worked_example(left, right, relation, state, budget)
    return outcome, (left, right)


def _worked_example(left, right, relation: str, state: NoteState, budget: float) -> None:
    """A claim refuted in general but true at the values an earlier paragraph of its section set (a worked
    example over several paragraphs): undecided, naming the values, rather than refuted."""
    values = {s: v for s, (v, _line) in state.section_settings.items() if left.has(s) or right.has(s)}
    if not values:
        return
    try:
        again = _decide(left.xreplace(values), right.xreplace(values), relation, state, budget)
    except Undecided:
        return
    if again.status == "verified":
        shown = ", ".join(f"{s} = {v} (line {line})" for s, (v, line) in state.section_settings.items()
                          if s in values)
        raise Undecided(f"holds at {shown} set earlier in this section (a worked example?), not in general")


def _foreign(left_node: Node, right_node: Node, left, right, state: NoteState) -> None:
    """∂L/∂b = (1/m) Σ (y_pred − y_true) after a one-example L: a derivative claim whose other side speaks of
    names that neither the derivative nor the note's definitions involve is about another L (a batch, another
    section): undecided, not refuted."""
    if not (_has_derivative(left_node) or _has_derivative(right_node)):
        return
    known = left.free_symbols | set().union(*[v.free_symbols for v in state.context.values.values()
                                              if hasattr(v, "free_symbols")] or [set()])
    foreign = {s for s in right.free_symbols - known if isinstance(s, sp.Symbol) and not s.is_integer}
    if foreign:
        names = ", ".join(sorted(map(str, foreign)))
        raise Undecided(f"the right side speaks of {names}, which the note's definitions do not involve "
                        f"(another {_show(left_node.args[0]) if left_node.kind == 'deriv' else 'quantity'}?)")


def _rounded(left_node: Node, right_node: Node, left, right) -> None:
    """√(0.2·0.37) = 0.272: a short decimal that is the other side rounded to the digits written is a rounded
    value, not a wrong one; it is undecided (≈ says so). A long one (1/3 = 0.333333333333) claims its digits."""
    for literal, other in ((right_node, left), (left_node, right)):
        if literal.kind == "num" and re.fullmatch(r"\d+\.\d+", literal.name) and not other.free_symbols:
            digits = len(literal.name.replace(".", "").lstrip("0"))
            decimals = len(literal.name.split(".")[1])
            if digits <= ROUNDED_DIGITS:
                try:
                    close = abs(sp.N(other, 30) - sp.Rational(literal.name)) <= sp.Rational(1, 2) * 10 ** -decimals
                except (TypeError, ValueError):
                    return
                if close:
                    raise Undecided(f"equal only to the {digits} digits written (rounded; ≈ would say so)")


def _matrix_claim(left_node, right_node, relation, state: NoteState, scalar_reason: Undecided) -> Outcome:
    """What scalar semantics cannot decide may be a statement about matrices (only when it is written with
    matrix notation: capitals, bold vectors, transposes, ∘, 𝟏, brackets of entries, or names the note made
    matrices; log(ab) = log a + log b is no statement about matrices)."""
    if not (_matrix_notation(left_node, state) or _matrix_notation(right_node, state)) or \
            _expectation(left_node) or _expectation(right_node):
        raise scalar_reason
    try:
        outcome = state.matrices.check((left_node, right_node), relation)
        if outcome.status == "refuted" and not (_known_matrices(left_node, state) or
                                                _known_matrices(right_node, state)):
            # P(heads), E[X]: capitals alone do not make matrices; nothing in the note says these are
            raise Undecided(f"read as matrices it fails ({outcome.detail}), but nothing in the note makes "
                            f"these names matrices")
        if outcome.status == "refuted":
            sided = _one_sided_names(left_node, right_node, state)
            if sided:
                # Xᵀ X θ + λ θ = Xᵀ y: the normal equations, a condition on θ, not an identity in X and y
                raise Undecided(f"read as matrices it fails ({outcome.detail}), but {', '.join(sided[:4])} "
                                f"{'is' if len(sided) == 1 else 'are'} on one side only (an equation to solve, "
                                f"not an identity)")
        return outcome
    except Undecided as matrix_reason:
        matrix_names = state.matrices.matrix_only(left_node, right_node, state.context.values)
        raise (matrix_reason if matrix_names else scalar_reason) from None
    except (ValueError, TypeError, IndexError, ZeroDivisionError, RecursionError):
        raise scalar_reason from None


MATRIX_NAME = re.compile(r"^(\\(hat|bar|tilde|widehat|mathcal|mathrm|operatorname)\{)?[A-Z]|"
                         r"^\\(mathbf|boldsymbol|bm|vec|mathbb)\b|^\\(Sigma|Lambda)")


ACTIVATIONS = {r"\sigma", "tanh", "ReLU", "relu", "sigmoid", "softplus", "GELU", "gelu", "ELU", "SiLU", "Swish"}


def _activations(node) -> set:
    """The activation functions a claim applies (σ(x), \tanh x, ReLU(z))."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind == "call" and node.name.lstrip("\\") in {a.lstrip("\\") for a in ACTIVATIONS}:
        found.add(r"\sigma" if node.name.lstrip("\\") == "sigma" else node.name.lstrip("\\"))
    if node.kind == "name" and node.name == r"\sigma":
        found.add(r"\sigma")
    for a in node.args:
        if isinstance(a, Node):
            found |= _activations(a)
        elif isinstance(a, tuple):
            for b in a:
                found |= _activations(b)
    return found


def _one_sided_names(left_node: Node, right_node: Node, state: NoteState) -> list:
    """The free names one side of a claim depends on and the other does not, the note's definitions (scalar
    and matrix) followed down to the names they rest on: ∂L/∂W_x and ∂L/∂z_1 both rest on everything L does."""
    meaning, ctx, definitions = Meaning(state.context), state.context, state.matrices.definitions

    def leaves(node, seen) -> set:
        found = set()
        for n in written_names(node):
            try:
                k = _key(n)
            except Undecided:
                continue
            if k in definitions:
                if k not in seen:
                    found |= leaves(definitions[k], seen | {k})
                continue
            try:
                symbol = meaning.name(n)
            except Undecided:
                continue
            if ctx.defines(symbol) or k in state.matrix_names:
                value = ctx.values.get(symbol)
                if value is None and isinstance(symbol, sp.Indexed):
                    value = ctx.values.get(symbol.base.label)
                if isinstance(value, sp.Basic):
                    found |= _bases(value)
                continue
            found |= _bases(symbol)
        return found
    def written(node) -> set:
        # the free names written on a side itself (not reached through a definition)
        found = set()
        for n in written_names(node):
            try:
                symbol = meaning.name(n)
                if _key(n) in definitions or ctx.defines(symbol) or _key(n) in state.matrix_names:
                    continue
            except Undecided:
                continue
            found |= _bases(symbol)
        return found
    exempt = derivative_variables(left_node) | derivative_variables(right_node)
    sided = (written(left_node) - leaves(right_node, frozenset())) | \
        (written(right_node) - leaves(left_node, frozenset()))
    return sorted(n for n in sided if n not in exempt)


def _undeclared(node: Node, state: NoteState) -> set:
    """Names written in a side that no definition, declaration or matrix definition of the note speaks of."""
    matrices = state.matrices
    known = set(matrices.leaves) | set(matrices.definitions)
    for right in matrices.definitions.values():
        known |= {_key(n) for n in written_names(right) if n.kind in ("name", "sub")}
    loose = set()
    for n in written_names(node):
        try:
            k = _key(n)
            symbol = Meaning(state.context).name(n)
        except Undecided:
            continue
        if k not in known and not state.context.defines(symbol) and not getattr(symbol, "is_integer", False):
            loose.add(_show(n))
    return loose


def _bases(e: sp.Basic) -> set:
    """The names an expression rests on: symbols, and families by their name (y for y_1); whole numbers aside."""
    indexed = e.atoms(sp.Indexed)
    names = {str(x.base.label) for x in indexed}
    inner = {s for x in indexed for s in x.free_symbols}
    names |= {str(x) for x in e.free_symbols - inner if isinstance(x, sp.Symbol) and not x.is_integer}
    return names


def _expectation(node: Node) -> bool:
    """E[X], Var(X), Cov(X, Y), P(…): statements about random quantities, never read as matrices."""
    if node.kind == "call" and node.name in ("E", "Var", "Cov", "P", "Pr"):
        return True
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and node.args[0].name in ("E", "P") \
            and node.args[1].kind in ("paren", "tuple"):
        return True
    return any(isinstance(a, Node) and _expectation(a) for a in node.args)


def _known_matrices(node: Node, state: NoteState) -> bool:
    """Names the note defined or declared as matrices, or notation only matrices have (ᵀ, ∘, 𝟏, brackets)."""
    if node.kind in ("transpose", "matrix") or node.kind == "op" and node.name == "∘":
        return True
    if node.kind in ("name", "sub") and (_key(node) in state.matrix_names or
                                         node.kind == "name" and node.name.startswith(("\\mathbf{1}", "\\mathbb{1}"))):
        return True
    if node.kind == "call" and node.name in MATRIX_FUNCTIONS:
        return True
    return any(isinstance(a, Node) and _known_matrices(a, state) for a in node.args)


def _matrix_notation(node: Node, state: NoteState) -> bool:
    if node.kind in ("transpose", "matrix", "norm") or node.kind == "op" and node.name == "∘":
        return True
    if node.kind == "name" and MATRIX_NAME.match(node.name):
        return True
    if node.kind in ("name", "sub") and _key(node) in state.matrix_names:
        return True
    if node.kind == "call" and node.name in MATRIX_FUNCTIONS:
        return True
    if node.kind == "sub" and node.args and isinstance(node.args[0], Node) and _matrix_notation(node.args[0], state):
        return True
    return any(isinstance(a, Node) and _matrix_notation(a, state) for a in node.args)


def _sides(meaning: Meaning, left_node: Node, right_node: Node, state: NoteState):
    ctx = state.context
    try:
        left, right = unify_indices(meaning.expr(left_node), meaning.expr(right_node))
    except ValueError as exc:   # SymPy refusing a derivative by an expression (∂CE(Z, Y)/∂Z with Z defined)
        raise Undecided(f"not evaluated at scalar level ({str(exc).strip().splitlines()[0][:80]})") from None
    words = [x for x in (left.free_symbols | right.free_symbols)
             if isinstance(x, sp.Symbol) and UNIT.fullmatch(x.name) and x not in ctx.values]
    if words:
        # 24 \text{GB}, 2 \times \text{bytes}: words inside a formula are units or labels, not variables
        raise Undecided(f"the word {words[0]} inside the formula (a unit or a label, not a variable)")
    for name, line in state.unreadable.items():
        if any(str(s) == name or str(getattr(s, "base", "")) == name
               for s in (left.free_symbols | right.free_symbols | left.atoms(sp.Indexed) | right.atoms(sp.Indexed))):
            raise Undecided(f"{name} is defined on line {line} by a formula symnet could not read")
    memo = ctx.expansions
    try:
        left, right = expand(left, ctx.values, memo=memo), expand(right, ctx.values, memo=memo)
    except ValueError as exc:
        raise Undecided(f"not evaluated at scalar level ({str(exc).strip().splitlines()[0][:80]})") from None
    for relation, a, b in state.index_condition:
        if relation == "=":   # the formula holds where i = j: j is i
            same = {sp.Symbol(b, integer=True): sp.Symbol(a, integer=True), sp.Symbol(b, real=True): sp.Symbol(a, real=True)}
            left, right = left.xreplace(same), right.xreplace(same)
    settings = {s: v for s, (v, scope, _) in state.settings.items()
                if scope == state.scope and (left.has(s) or right.has(s))}
    state.used = set(settings)
    if settings:
        left, right = left.xreplace(settings), right.xreplace(settings)
    return left, right


def _decide(left, right, relation: str, state: NoteState, budget: float) -> Outcome:
    domain = _domain(state, left, right)
    outcome = decide(left, right, relation, domain, budget)
    guessed = [s for s in domain.integers if s not in state.integers and not _role_whole(s, left, right)
               and s.name not in state.whole_names]
    if outcome.status == "verified" and guessed and not outcome.detail.startswith("symbolically"):
        # sizes taken as whole numbers by their names only (d, n): say so where it matters
        real = Domain(domain.lower, domain.upper, domain.integers - set(guessed), domain.sizes, domain.notes)
        try:
            again = decide(left, right, relation, real, budget)
        except Undecided:
            again = Outcome("undecided", "")
        if again.status != "verified":
            names = ", ".join(sorted(map(str, guessed)))
            outcome = Outcome("verified", f"{outcome.detail}; for whole-number {names} (taken as a size)")
    settings = [f"{s} = {v} (setting, line {line})" for s, (v, scope, line) in state.settings.items()
                if s in state.used]
    if settings and outcome.status == "verified":
        outcome = Outcome("verified", f"{outcome.detail}; at {', '.join(settings)}")
    return outcome


def _domain(state: NoteState, left, right) -> Domain:
    """Bounds, whole numbers and index ranges for sampling, from the note and from the claim itself."""
    pair = sp.Tuple(left, right)
    wholes = set(state.integers)
    sizes: dict = {}
    bound_of: dict = {}
    loops = pair.atoms(sp.Sum, sp.Product)
    for op in loops:
        for index, low, high in op.limits:
            wholes |= {s for s in (low.free_symbols | high.free_symbols) if isinstance(s, sp.Symbol)}
            for entry in op.function.atoms(sp.Indexed):
                if index in entry.indices:
                    bound_of.setdefault(entry.base, high)
            for delta in op.function.atoms(sp.KroneckerDelta):
                # ∂/∂x_j of a sum over x_i leaves δ_ij: j runs over the same range as i
                for other in delta.args:
                    if other != index and index in delta.args and isinstance(other, sp.Symbol) and \
                            isinstance(high, sp.Symbol):
                        sizes.setdefault(other, high)
    for s in pair.free_symbols:
        if isinstance(s, sp.Symbol) and SIZE_NAMES.match(s.name):
            wholes.add(s)
    entries = pair.atoms(sp.Indexed)
    for entry in entries:
        for index in entry.indices:
            if isinstance(index, sp.Symbol) and index.is_integer:
                size = bound_of.get(entry.base)
                sizes[index] = size if isinstance(size, sp.Symbol) else sizes.get(index)
    for delta in pair.atoms(sp.KroneckerDelta):
        # δ_ij: i and j are indices (drawn equal now and then), whatever their range
        for index in delta.args:
            if isinstance(index, sp.Symbol) and index.is_integer:
                sizes.setdefault(index, None)
    facts = state.context.facts
    one_hot = {}
    for base in {e.base for e in entries}:
        label = facts.one_hot(str(base.label)) if facts is not None else None
        if label is not None:
            # a one-hot label: one member 1, the others 0 (over the range its sums run)
            one_hot[base] = bound_of.get(base) if isinstance(bound_of.get(base), sp.Symbol) else None
            if not any(a.startswith(f"{base.label} one-hot") for a in state.assumed):
                state.assumed.append(f"{base.label} one-hot ({label.source})")
    mentioned = pair.free_symbols | {b.label for b in one_hot}
    notes = tuple(a for a in state.assumed if any(str(s) in a for s in mentioned))
    for b in (facts.bounds if facts is not None else ()):
        # bounds stated in prose ("for positive x"): by name, against numbers
        if isinstance(b.subject, sp.Symbol) and getattr(b.other, "is_number", False) and b.relation in ORDER:
            for s_ in mentioned:
                if isinstance(s_, sp.Symbol) and s_.name == b.subject.name and s_ not in state.lower and \
                        s_ not in state.upper:
                    strict = b.relation in ("<", ">")
                    if b.relation in (">", "≥"):
                        state.lower.setdefault(s_, (b.other, strict))
                    else:
                        state.upper.setdefault(s_, (b.other, strict))
    # a bound stated in a formula ("for z > 0") holds in its own section of the note
    here = {s for s in mentioned if state.bound_section.get(s, state.section) == state.section}
    lower = {s: v for s, v in state.lower.items() if s in here}
    upper = {s: v for s, v in state.upper.items() if s in here}
    notes = tuple(a for a in notes if not any(str(s) in a for s in mentioned - here))
    apart = state.distinct | {frozenset((sp.Symbol(a, integer=True), sp.Symbol(b, integer=True)))
                              for relation, a, b in state.index_condition if relation == "≠"}
    distinct = frozenset(p for p in apart if p <= mentioned)
    for pair_ in distinct:
        for index in pair_:
            if isinstance(sizes.get(index), sp.Symbol):
                lower.setdefault(sizes[index], (2, False))   # two different indices need two members
    wholes |= {s for s in mentioned if isinstance(s, sp.Symbol) and s.name in state.whole_names}
    one_hot = {b: (size if size is not None else _size_of(b, pair)) for b, size in one_hot.items()}
    return Domain(lower, upper, frozenset(wholes), sizes, notes, distinct, one_hot)


def _size_of(base, pair):
    """The size a one-hot family runs to: its sums' upper bound, else the family's own size symbol."""
    from ..read.nodes import family_size
    return family_size(str(base.label))


def _role_whole(s, left, right) -> bool:
    pair = sp.Tuple(left, right)
    return any(s in (low.free_symbols | high.free_symbols) for op in pair.atoms(sp.Sum, sp.Product)
               for _, low, high in op.limits)


# -- shapes of statements ---------------------------------------------------------------------------------------

def _target(node: Node, meaning: Meaning):
    """What a definition's left side defines: ('value', symbol) or ('function', name, parameters), else None."""
    if node.kind in ("name", "sub"):
        return ("value", meaning.name(node))
    if node.kind == "op" and node.name == "*" and node.args[0].kind in ("name", "sub") and \
            node.args[1].kind in ("paren", "tuple"):
        f, params = node.args
        items = params.args if params.kind == "tuple" else (params.args[0],)
        if all(p.kind in ("name", "sub") for p in items):
            return ("function", _key(f), tuple(meaning.name(p) for p in items))
    if node.kind == "call" and node.args and all(a.kind in ("name", "sub") for a in node.args):
        return ("function", node.name, tuple(meaning.name(a) for a in node.args))
    if node.kind == "call" and not node.args:
        return ("value", meaning.symbol(node.name))  # a word used as a name: cost = …
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and \
            node.args[0].name in (r"\Delta", r"\delta") and node.args[1].kind in ("name", "sub"):
        value = meaning.expr(node)
        if isinstance(value, sp.Symbol):
            return ("value", value)   # ΔW_t = …: the increment is one name
    return None


def unify_indices(*exprs: sp.Expr) -> list:
    """A letter used as a subscript (η_t) and as a number (k t) in one statement is one whole number t."""
    indices = {i for e in exprs for a in e.atoms(sp.Indexed) for i in a.free_symbols - {a.base.label}
               if isinstance(i, sp.Symbol) and i.is_integer}
    real = {sp.Symbol(i.name, real=True): i for i in indices}
    return [e.xreplace(real) if real else e for e in exprs]


def meaning_free_of(node: Node, meaning: Meaning) -> set:
    """The symbols (and subscript letters, as whole numbers) a side mentions; empty where it cannot be read."""
    value = _value_or_none(meaning, node)
    if value is None:
        return set()
    return value.free_symbols | {i for e in value.atoms(sp.Indexed) for i in e.indices if isinstance(i, sp.Symbol)}


def _value_or_none(meaning: Meaning, node: Node):
    try:
        return meaning.expr(node)
    except Undecided:
        return None


def _defined_names(e: sp.Expr, ctx: Context) -> bool:
    return any(s in ctx.values for s in e.free_symbols)


def _plain(node: Node, state: NoteState) -> bool:
    """Arithmetic on names and numbers only (no function, derivative or sum): the stuff of assumptions."""
    if node.kind in ("num", "name", "sub"):
        return True
    if node.kind == "op" and node.name == "*" and node.args[1].kind in ("paren", "tuple") and \
            node.args[0].kind in ("name", "sub") and (_key(node.args[0]) in state.context.functions or
                                                     _show(node.args[0]).split("_")[0] in CALL_LIKE):
        return False   # s(z): a function applied, not a product
    if node.kind in ("op", "neg", "paren", "group", "abs"):
        return all(_plain(a, state) for a in node.args if isinstance(a, Node))
    return False


def _plain_equation(left: Node, right: Node, state: NoteState) -> bool:
    """An equation between free quantities with one side a number, a name, or a sum over a family."""
    def factor(n):
        while n.kind in ("paren", "group") and len(n.args) == 1:
            n = n.args[0]
        return n.kind in ("name", "sub") or n.kind == "transpose" and factor(n.args[0])

    def single(n):
        while n.kind in ("paren", "group") and len(n.args) == 1:
            n = n.args[0]
        # a name, a number, a sum over a family, or a product of two names (λ v, Xᵀ y, m × p): the side an
        # equation to solve or a property (A v = λ v, QᵀQ = I) has
        if n.kind == "op" and n.name == "*" and factor(n.args[0]) and factor(n.args[1]):
            return True
        return n.kind in ("num", "name", "sub") or n.kind == "sum" and n.args[2].kind in ("sub",) or \
            n.kind == "abs" and n.args[0].kind in ("name", "sub") or \
            n.kind == "op" and n.name == "*" and n.args[0].kind == "name" and \
            n.args[0].name in (r"\Delta", r"\delta") and n.args[1].kind in ("name", "sub")   # Δc
    def free(n):
        if n.kind in ("name", "sub"):
            try:
                s = Meaning(state.context).name(n)
            except Undecided:
                return False
            return not state.context.defines(s)
        if n.kind == "num":
            return True
        if n.kind in ("op", "neg", "paren", "group", "sum", "abs", "transpose"):
            return all(free(a) for a in n.args if isinstance(a, Node))
        if n.kind == "rel":
            return all(free(a) for a in n.args[1])
        return False
    return (single(left) or single(right)) and free(left) and free(right)


def _grounded(node: Node, state: NoteState) -> bool:
    """Whether a side rests on something the note or mathematics fixes: a name the note defined, a function
    (known or the note's), a derivative, e or π. A claim about names the note never defines and plain
    arithmetic only (A v = λ v, X(heads) = 1, n_out σ_w² = 1) is a property of particular objects or an
    equation to solve, not an identity: it can be a condition, never refuted."""
    if node.kind in ("deriv", "nabla", "call", "prime", "optimum"):
        return True
    if node.kind == "name":
        if node.name in ("e", r"\pi") or node.name.lstrip("\\") in KNOWN_FUNCTIONS:
            return True
    if node.kind in ("name", "sub"):
        try:
            value = Meaning(state.context).name(node)
        except Undecided:
            return False
        ctx = state.context
        return ctx.defines(value) or _key(node) in ctx.functions or _key(node) in state.matrix_names or \
            value in state.settings
    return any(isinstance(a, Node) and _grounded(a, state) for a in node.args)


def _gradient_name(node: Node) -> bool:
    return node.kind in ("name", "sub") and bool(re.match(r"^(\\(hat|tilde|bar)\{)?[A-Z]", _key(node)))


def _gradient_names(node: Node) -> Node:
    """dV = Pᵀ dO: ``d`` before a capital is the name of a gradient (dV, dO), not d times V."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "*":
        a, b = node.args
        if a.kind == "name" and a.name == "d" and _gradient_name(b):
            return Node("name", "d" + _key(b), (), a.offset)
        if a.kind == "op" and a.name == "*" and a.args[1].kind == "name" and a.args[1].name == "d" and \
                _gradient_name(b):
            return Node("op", "*", (_gradient_names(a.args[0]), Node("name", "d" + _key(b), (), b.offset)),
                        node.offset)
    if node.kind == "rel":
        return Node(node.kind, node.name, (node.args[0], tuple(_gradient_names(p) for p in node.args[1])),
                    node.offset)
    if not node.args or node.kind in ("num", "name"):
        return node
    return Node(node.kind, node.name, tuple(_gradient_names(a) for a in node.args), node.offset)


def _has_name(node: Node) -> bool:
    return node.kind in ("name", "sub", "call") or any(isinstance(a, Node) and _has_name(a) for a in node.args)


def _is_two(node: Node) -> bool:
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    return node.kind == "num" and node.name == "2"


def _is_zero(node: Node) -> bool:
    return node.kind == "num" and node.name == "0"


def _has_derivative(node: Node) -> bool:
    if node.kind in ("deriv", "nabla"):
        return True
    return any(isinstance(a, Node) and _has_derivative(a) for a in node.args)


def _derivative_variable(node: Node):
    while node.kind in ("paren", "group") and node.args:
        node = node.args[0]
    if node.kind == "deriv":
        variable = node.args[1]
        return Meaning.symbol(variable.name) if variable.kind == "name" else _key(variable)
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


def _noncommutative(left: sp.Expr, right: sp.Expr, relation: str, budget: float) -> Outcome:
    """Only a symbolic proof verifies a claim about products of capitals (random numbers would commute)."""
    if relation != "=":
        raise Undecided("an inequality between products of capitals (maybe matrices)")
    try:
        with time_limit(budget):
            if sp.expand(left - right) == 0:
                return Outcome("verified", "symbolically, capitals taken as non-commuting (matrices)")
    except TimeLimit:
        pass
    raise Undecided("products of capitals (maybe matrices) are checked only symbolically, and this was not shown")
