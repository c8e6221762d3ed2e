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

This module reads the rows of each formula and says what each statement is; the other modules of this stage
are its parts, bottom first: ``state``, ``forms``, ``domains``, ``claims``, ``inequalities``, ``definitions``.
"""
from __future__ import annotations

import re

import sympy as sp

from ..latex import LatexError, Node, parse, read
from ..limits import TimeLimit, time_limit
from ..read.assumptions import read_memberships
from ..read.meaning import Meaning
from ..read.nodes import Undecided, _show, numeric
from ..read.notation import defined_word
from ..read.prose import read_around
from . import definitions
from .claims import _claim
from .confidence import refutation_doubt
from .forms import _gradient_names, _grounded, _has_derivative, _is_zero, _plain_equation, _value_or_none
from .inequalities import _approximation, _inequality
from .rereading import read_vectors_and_axioms, reread_after, reread_before
from .restatements import one_name_twice, rearranged_definition
from .state import DEFINING, NoteState, ORDER, Verdict, WHOLE_PROSE, record_setting


class _Piece:
    """One line of a display that holds several statements on separate lines (without ``\\\\``)."""

    def __init__(self, formula, start: int, text: str) -> None:
        self.formula, self.start, self.text = formula, start, text

    def position(self, offset: int) -> tuple[int, int]:
        return self.formula.position(self.start + offset)

    def __getattr__(self, name: str):
        return getattr(self.formula, name)


RELATION_LINE = re.compile(r"(?<![<>!:\\])=|\\(le|ge|leq|geq|approx|ne|neq)\b|[<>]")


#: the end of a line that waits for an operand on the next one (an operator, a function, an open bracket)
_UNFINISHED = re.compile(r"(?:\\(?:log|ln|exp|sin|cos|tan|sqrt|frac|dfrac|cdot|times)(?![A-Za-z])(?:\s*_\s*(?:\{[^{}]*\}|\w))?"
                         r"|[-+*/^_=({\[])\s*$")


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
        if groups and _UNFINISHED.search(groups[-1][1]):
            starts_new = False   # "… \log_{2}" then "\dfrac{1}{n} = …": the line before waits for its operand
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
        verdicts = []
        for k, piece in enumerate(pieces):
            state.piece = k          # lines after the first continue this display, not the one before
            verdicts += judge(piece, state, budget)
        state.piece = 0
        return verdicts
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
    prose = getattr(formula, "context", "") or ""
    state.section = (getattr(formula, "cell", None), getattr(formula, "section_index", 0))
    read_around(state.context, prose, section_scope(state.section))
    state.context.assume(read_memberships(tree, formula.line))
    state.context.formula, state.context.evidence, state.context.missing = formula.text, None, None
    state.cue = _cue(formula)
    _introduce_function(tree, formula, state)
    state.premise = state.cue == "condition" and _premise(formula)
    state.negated = _negated(formula)
    state.quantified = bool(QUANTIFIER_BEFORE.search(_words_before(formula).rstrip(" $\\[(")))
    state.such_that = bool(SUCH_THAT.search(_words_before(formula).rstrip(" $\\[(")))
    state.general = _general(formula)
    # a display may continue the display just before it ("$$= …$$"), never a formula further back
    state.display = bool(getattr(formula, "display", False)) and state.last_display
    state.last_display = bool(getattr(formula, "display", False))
    for match in WHOLE_PROSE.finditer(prose):
        names = match.group(1) or match.group(2) or ""
        state.whole_names.update(n.strip() for n in re.split(r"\$?,\s*\$?|\$?\s+and\s+\$?", names))
    read_vectors_and_axioms(prose, formula.line, state)
    word = defined_word(formula.text)
    if word:
        state.words.add(word)   # LSE(z) = …: LSE is one name in the formulas after this one
    rows = tree.args if tree.kind == "rows" else (tree,)
    rows, state.index_condition = _index_conditions(rows)
    verdicts = []
    for k, row in enumerate(rows):
        offset = row.offset if tree.kind == "rows" else lead
        line, column = formula.position(offset)
        state.line_sections[(state.section[0], line)] = state.section   # (notebook cell, line): lines restart per cell
        end = rows[k + 1].offset if k + 1 < len(rows) else len(formula.text)
        row_text = text if len(rows) == 1 else formula.text[offset:end].strip().rstrip("\\").strip()
        verdict = _with_evidence(_judge_row(row, state, line, column, row_text, budget), state)
        if verdict.status == "refuted" and BARE_FUNCTION.search(row_text):
            # log_amn, sin x written without a backslash: letters SymPy-free reading cannot tell from a product
            verdict = Verdict(verdict.line, verdict.column, verdict.text, "undecided",
                              f"a function name written without a backslash ({BARE_FUNCTION.search(row_text).group(1)}) "
                              f"reads as a product of letters; as written it fails: {verdict.detail}")
        if verdict.status in ("verified", "refuted") and re.search(r"!\s*=|==", row_text):
            # j != 1, a == b: comparisons written as code
            verdict = Verdict(verdict.line, verdict.column, verdict.text, "undecided",
                              "!= or == is a comparison written as code, not maths (j! = 1 is not meant)")
        if verdict.status in ("verified", "refuted") and MODULAR.search(row_text):
            # a ≡ b (mod n), m^{ed} mod n: congruences are not equations between real numbers
            verdict = Verdict(verdict.line, verdict.column, verdict.text, "undecided",
                              "modular arithmetic (mod n) is not checked")
        verdict = _in_chain(verdict, row, state, rows[k - 1] if k else None)
        if parsed.readings and verdict.status in ("verified", "refuted", "undecided"):
            # say how an ambiguous piece of notation was read (W_{12} as W_{1,2})
            verdict = Verdict(verdict.line, verdict.column, verdict.text, verdict.status,
                              f"{verdict.detail} ({'; '.join(parsed.readings)})")
        verdicts.append(verdict)
    return verdicts


BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z{])(log|ln|exp|sin|cos|tan|tanh|max|min|softmax|sigmoid)(?![A-Za-z])")
MODULAR = re.compile(r"\\[bp]?mod\b|\\(?:text|mathrm|operatorname)\s*\{\s*mod\s*\}|(?<![A-Za-z\\])mod(?![A-Za-z])")
DEFINE_CUE = re.compile(r"\b(let|define[sd]?|redefine[sd]?|now|instead|denote[sd]?|set|write|suppose|consider|"
                        r"take|becomes?|replace[sd]?)\b[^.!?:]*$|[令设记定义]\s*$", re.IGNORECASE)
#: words that state what follows as a consequence ("then", "hence", 所以)
CONSEQUENCE = r"then|so|hence|therefore|thus|gives?|we get|it follows"
CLAIM_CUE = re.compile(rf"\b(for (every|all|any)|in general|always|{CONSEQUENCE}|show|prove)\b[^.!?:]*$|"
                       r"[则故所以因此]\s*$", re.IGNORECASE)


CONDITION_BEFORE = re.compile(r"\b(if|when|whenever|unless|such that|e\.g\.|for example|for instance|say|must|"
                              r"should|requires?|required|satisf(?:y|ies|ying)|constraints?|we may set|choose|whose|"
                              r"the event|happens?|otherwise|assume|assuming|suppose|given|provided|"
                              r"set(?:ting)?(?: \w+){0,3} to zero|equat\w*(?: \w+){0,3} to zero|"
                              # French, German, Spanish, Italian, Portuguese
                              r"si|lorsque|quand|supposons|wenn|falls|angenommen|cuando|supongamos|suponiendo|"
                              r"supponiamo|quando|suponha|initial (?:conditions?|values?)|boundary conditions?|"
                              r"condizion[ei] inizial[ei]|condici[oó]n(?:es)? inicial(?:es)?|conditions? initiales?)\b[^.!?]*$|"
                              r"(如果|若|当|假设|例如|令[^，。]*为零[：:]?|令[^，。]*等于零[：:]?|만약|만일|もし|仮に|初始条件|"
                              r"初值|초기\s*조건|初期条件)[为是：:]?\s*$",
                              re.IGNORECASE)
CONDITION_AFTER = re.compile(r"[,.]?\s*(for some|if|when|whenever|otherwise|unless|only if|at some|holds? for some|"
                             r"is satisfied|has a solution|si|lorsque|quand|wenn|falls|cuando|quando)\b|"
                             # Korean, Japanese, Chinese: "… 일 때", "… 이면", "… のとき", "… の場合", "… 时"
                             r"\s*(일\s*때|이면|라면|인\s*경우|の\s*(?:とき|時|場合)|ならば|时|的时候)", re.IGNORECASE)


#: a condition said again in other words: "若 $gH = Hg$（即 $gHg^{-1} = H$）", "if $x \in A$ (i.e. $f(x) = 1$)"
CONDITION_RESTATED = re.compile(r"(?:\b(?:if|when|whenever|suppose|assume)\b|如果|若|当|假设)[^。；;!?]*[（(]\s*"
                                r"(?:即|也就是说?|i\.\s?e\.,?|that is,?)\s*$", re.IGNORECASE)


#: words right after a formula that deny it: "$AB = BA$ does not hold in general", "$AB = BA$ とは限らない"
NEGATED_AFTER = re.compile(r"[,.]?\s*(?:\*\*|_)?\s*(?:(?:is|are) not (?:true|always|necessarily|generally)|isn'?t (?:true|always)|"
                           r"(?:does|do) not (?:always |necessarily |generally )?hold|doesn'?t (?:always )?hold|need not|"
                           r"fails in general|is false|n'est pas|ne sont pas|gilt nicht|no es |no se cumple|non è|"
                           r"とは限ら|は成り立たな|が成り立たな|不一定|未必|不成立|并不成立|不总是|"
                           r"(?:이|가)?\s*(?:아니|성립하지 않))", re.IGNORECASE)
#: a quantifier right before a formula: what follows is the range a statement is made for ("for any $N ≤ 2^k$")
QUANTIFIER_BEFORE = re.compile(r"(?:\bfor (?:any|all|every|each)|\bpour (?:tout|tous)|\bfür (?:alle|jedes?)|"
                               r"\bpara (?:todo|cualquier)|∀|\\forall|对(?:任意|所有|于任意)的?|任意の)\s*$", re.IGNORECASE)
#: words right before a formula that deny it: "it is not true that $…$", "we cannot say $…$"
NEGATED_BEFORE = re.compile(r"(?:\bnot (?:necessarily|always|in general)|\bit is (?:not true|false) that|\bcannot say|"
                            r"\bin general not|不一定有?|并非|未必有?)\s*$", re.IGNORECASE)


#: words right before a formula that make it the property something is chosen by
SUCH_THAT = re.compile(r"(?:\bsuch that|\bsatisfying|\bwith the property|\btel(?:le)?s? que|\bvérifiant|"
                       r"\bsatisfaisant|\bso ?dass|\bderart,? dass|\btal(?:es)? que|\bque satisface|\btale che|"
                       r"使得|满足|만족하는|を満たす)\s*$", re.IGNORECASE)
GENERAL = re.compile(r"\b(in general|for (?:all|every|any) (?:real |values? of )?(?:\$[^$]*\$|\w+)|always|"
                     r"generally|regardless)\b[^.!?]*$|一般地|总是|对任意", re.IGNORECASE)


def _in_chain(verdict: Verdict, row: Node, state: NoteState, above: Node | None) -> Verdict:
    """``= …`` rows continue a chain: each says what the chain's start equals. A step that follows from the row
    above is verified only while every earlier step of the chain is (a typo two rows up makes the end wrong)."""
    continued = row.kind == "rel" and bool(row.args[1]) and (
        row.args[1][0].kind == "continued" or
        above is not None and above.kind == "rel" and bool(above.args[1]) and row.args[1][0] is above.args[1][-1])
    if not continued:
        state.chain_broken = None
    elif verdict.status == "verified" and state.chain_broken is not None:
        line, status = state.chain_broken
        verdict = Verdict(verdict.line, verdict.column, verdict.text, "undecided",
                          f"this step follows from the row above ({verdict.detail}), but the chain's step on line "
                          f"{line} is {status}: what the chain's start equals is not shown")
    elif verdict.status == "refuted" and state.chain_broken is not None:
        # the row above is already wrong: this row may well be right about the chain's start (one refutation
        # per chain, at its first wrong step)
        line, status = state.chain_broken
        verdict = Verdict(verdict.line, verdict.column, verdict.text, "undecided",
                          f"fails against the row above ({verdict.detail}), whose step on line {line} is {status}")
    if verdict.status in ("refuted", "undecided", "condition"):
        state.chain_broken = state.chain_broken or (verdict.line, verdict.status)
    return verdict


def _general(formula) -> bool:
    """Whether the words before a formula claim it in general ("In general, √(x²) = x"): then no bound the
    note stated elsewhere ("for x ≥ 0 …") narrows where it is checked."""
    return bool(GENERAL.search(_words_before(formula).rstrip(" $\\[(")))


def _words_before(formula) -> str:
    """The 80 characters of the formula's paragraph just before it."""
    context = getattr(formula, "context", "") or ""
    at = context.rfind(formula.text)
    return context[max(0, at - 80):at] if at > 0 else ""


def _cue(formula) -> str | None:
    """What the words around a formula make of it: 'condition' (if, when, for some, otherwise, e.g. … after
    or before it), 'define' (let, redefine, now), 'claim' (then, for every, hence), or None."""
    context = getattr(formula, "context", "") or ""
    at = context.rfind(formula.text)
    before = _words_before(formula)
    after = context[at + len(formula.text):at + len(formula.text) + 40] if at >= 0 else ""
    before = before.rsplit("$", 1)[0] if before.count("$") % 2 else before
    before = before.rstrip(" $\\[(")
    if CONDITION_BEFORE.search(before) or CONDITION_AFTER.match(after.lstrip(" $\\])")) or \
            CONDITION_RESTATED.search(before):
        return "condition"
    if CLAIM_CUE.search(before[-30:]) and not re.search(r"\bof\s*$", before):
        # "prove the convexity of $f(x) = …$" names its object; it claims nothing about f
        return "claim"
    if DEFINE_CUE.search(before):
        return "define"
    return None


#: words that introduce a function by name: "设函数 $f(x)$ 在 … 可导", "Let the function $f(x)$ be …"
FUNCTION_INTRODUCED = re.compile(r"(?:设|設|已知|令|若|假设)\s*(?:[^，。,.$]{0,6})?(?:函数|函數)\s*$|"
                                 r"\b(?:let|suppose|given|consider|take)\s+(?:the|a|an|some)?\s*"
                                 r"(?:\w+\s+){0,2}function\s*$", re.IGNORECASE)


def _introduce_function(tree, formula, state: NoteState) -> None:
    """``设函数 $f(x)$ 在 … 可导``: a function named afresh (an exercise's own f); the note's earlier definition
    of f no longer holds, so its values are not checked against it."""
    if not (tree.kind == "op" and tree.name == "*" and len(tree.args) == 2 and tree.args[0].kind == "name" and
            tree.args[1].kind in ("paren", "tuple")):
        return
    name = tree.args[0].name
    context = getattr(formula, "context", "") or ""
    # any place the paragraph writes it after such words (the same $f(x)$ may stand several times in it)
    before = [context[max(0, m.start() - 40):m.start()].rstrip(" $\\[(")
              for m in re.finditer(r"(?<=\$)\s*" + re.escape(formula.text.strip()) + r"\s*(?=\$)", context)]
    if name in state.context.functions and any(FUNCTION_INTRODUCED.search(b) for b in before):
        del state.context.functions[name]
        state.context.expansions.clear()
        state.lines.pop(name, None)


def _negated(formula) -> bool:
    """Whether the words right around a formula deny it ("$AB = BA$ does not hold in general", "不一定有 …")."""
    context = getattr(formula, "context", "") or ""
    at = context.rfind(formula.text)
    after = context[at + len(formula.text):at + len(formula.text) + 40] if at >= 0 else ""
    before = _words_before(formula).rstrip(" $\\[(")
    return bool(NEGATED_AFTER.match(after.lstrip(" $\\])")) or NEGATED_BEFORE.search(before))


def _premise(formula) -> bool:
    """Whether the formula sits in the condition itself ("with the initial condition $x(0) = x_0$", "if $f(x) = 7$"),
    not in a conclusion after it ("if $x > 0$, then $|x| = x$")."""
    before = _words_before(formula)
    match = None
    for match in CONDITION_BEFORE.finditer(before):
        pass
    if match is None:
        return True    # the words after the formula make it a condition ("$x = 1$ when …")
    if re.match(r"satisfies|happens|gives", match.group(0), re.IGNORECASE):
        return False   # "the step satisfies $…$": a subject said to satisfy it, a claim
    return not re.search(rf"\b({CONSEQUENCE})\b|[则故所以因此]|alors|dann|entonces", before[match.start():],
                         re.IGNORECASE)


def section_scope(section) -> str:
    """The scope of the facts read in a section's prose (see :meth:`Facts.scoped`)."""
    return f"section {section}"


def _with_evidence(verdict: Verdict, state: NoteState) -> Verdict:
    """A verdict on expectations names the assumptions it rests on, or what it lacks."""
    from ..read.expectation import expectation_evidence
    ctx = state.context
    status, detail = expectation_evidence(verdict.status, verdict.detail, ctx)
    here = section_scope(state.section)
    foreign = [r for r in ctx.evidence or () if r.source.scope not in ("", here)]
    if status == "refuted" and foreign:
        # "Let X ~ N(2, 3)" in one exercise says nothing of the X of the next: no refutation rests on it
        status, detail = "undecided", f"rests on an assumption stated in another section; as read it fails: {detail}"
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

    state.here = line
    if tree.kind == "shape":
        declared = state.matrices.declare(tree)
        return verdict("assumption", "a shape declaration" + (" (used by the matrix checks)" if declared else ""))
    if tree.kind == "condition":
        return verdict("assumption", "a condition on the rows around it")
    if tree.kind != "rel":
        state.previous = tree
        return verdict("mention")
    ops, parts = tree.args
    if text.lstrip().startswith("(") and parts[0].kind == "paren" and len(parts[0].args) == 1 and \
            isinstance(parts[0].args[0], Node) and parts[0].args[0].kind in ("name", "sub"):
        # `softplus`$(d) = \log(1 + e^d)$: the function's name is written outside the maths
        return verdict("mention", "the left side is a bracketed name alone: a function named outside the maths?")
    continued_display = parts[0].kind == "continued" and not state.piece
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
    reread = reread_before(status, detail, text, parts, state)
    if reread:
        return verdict(*reread)
    if status == "refuted" and parts is not None and continued_display:
        # "= …" continuing the display before: where that display's chain started may be misread (a bracket
        # split over two displays), so its failure is no refutation
        return verdict("undecided", f"continues the display before, whose start may be read wrongly; as read it "
                                    f"fails: {detail}")
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
    reread = reread_after(status, detail, text, ops, parts, state)
    if reread:
        return verdict(*reread)
    doubt = refutation_doubt(ops, tuple(parts), state, detail, state.context.evidence) if status == "refuted" \
        else None
    if doubt:
        return verdict("undecided", f"fails as read ({detail}), but {doubt}; not refuted")
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
    if any(p.kind == "dots" for p in parts):
        # σ_1/σ_2 = σ_2/σ_3 = ⋯ = σ_{L−1}/σ_L: a pattern stated by its first links, not a chain to check
        raise Undecided("a chain continued by ⋯: a pattern, not checked link by link")
    if "≠" in ops and any(op in ("=", ":=") for op in ops):
        # y_a = y_b ≠ y_c: which labels agree and which differ, a condition on particular values
        return "condition", "equal and different values side by side: a condition on particular values"
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
                record_setting(state, meaning.name(p), value, line)
            except Undecided:
                pass
        return "setting", f"{' = '.join(_show(p) for p in parts[:-1])} = {value} in this paragraph only (line {line})"
    if ops[0] in DEFINING and state.cue == "condition" and len(ops) == 1 and parts[0].kind in ("name", "sub") and \
            not numeric(parts[1]):
        try:
            known = state.context.defines(meaning.name(parts[0]))
        except Undecided:
            known = True
        if not known:
            # "if α_i = C", "when μ = 0": a case under a condition, not a definition for the rest of the note
            return "condition", "an equation the words around it make a case or condition, not a definition"
    if ops[0] in DEFINING:
        # looked up at each call: the runner's workers wrap definitions._defining to see a definition start
        status, detail = definitions._defining(ops[0], parts[0], parts[1], meaning, state, line, budget)
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
        if outcome.status == "verified" and len(ops) == 1 and one_name_twice(meaning, parts[0], parts[1]):
            return "mention", "one quantity written two ways (notation, a label or an initial condition), nothing " \
                              "computed"
        if outcome.status == "verified" and len(ops) == 1 and ops[0] == "=" and state.cue != "claim":
            # (after "then", "hence" the author states it as a consequence: a claim, however plain)
            rearranged = rearranged_definition(meaning, parts[0], parts[1], state)
            if rearranged:
                return "mention", rearranged
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
