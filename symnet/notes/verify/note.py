"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..extract.formulas import Formula, extract_note
from ..extract.files import NoteFileError
from ..extract.files import read_note as read_note_file
from ..limits import TimeLimit, time_limit
from ..judge.reading import judge
from ..judge.state import NoteState, Verdict


@dataclass(frozen=True)
class FileReport:
    path: str
    verdicts: tuple[Verdict, ...]
    images: int = 0
    seconds: float = 0.0
    error: str = ""

    def count(self, status: str) -> int:
        return sum(v.status == status for v in self.verdicts)


def verdict_for(formula: Formula, state: NoteState, budget: float = 2.0) -> list[Verdict]:
    """:func:`judge` (a verdict per row of the formula), except that a silenced formula is ``ignored`` (never
    judged) and a notebook's verdicts carry their cell."""
    if formula.ignored:
        line, column = formula.position(len(formula.text) - len(formula.text.lstrip()))
        return [Verdict(line, column, formula.text.strip(), "ignored", "<!-- symnet: ignore -->", formula.cell)]
    verdicts = judge(formula, state, budget)
    return [replace(v, cell=formula.cell) for v in verdicts] if formula.cell is not None else verdicts


def judge_all(formulas, budget: float = 2.0, skip=frozenset(), on_start=None, judge_one=None):
    """Judge a note's formulas in order, yielding ``(k, verdicts)`` for each formula ``k`` not in ``skip``.

    Each formula gets a soft time limit of ``budget`` seconds (:func:`time_limit`; nested limits inside it
    cannot outlast it) and any failure becomes that formula's *undecided* verdict, so one formula never ends
    the run. ``on_start(k)`` is called before formula ``k`` (the runner streams it to the parent, which kills
    the process at the hard deadline when the soft limit cannot interrupt the work).
    """
    from ..limits import _deadlines, reset as reset_time_limits

    state = NoteState()
    judge_one = judge_one or verdict_for
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
    """Verify the formulas of one Markdown document (a notebook's JSON when ``path`` ends in ``.ipynb``) in
    this process (soft time limits only: the CLI and :func:`~symnet.notes.verify.runner.verify_many` check in
    worker processes with hard limits)."""
    start = time.perf_counter()
    try:
        formulas, images = extract_note(source, path)
    except ValueError as exc:
        return FileReport(path, (), error=str(exc))
    verdicts = tuple(v for _, vs in judge_all(formulas, budget) for v in vs)
    return FileReport(path, verdicts, images, time.perf_counter() - start)


def read_note(path: str | Path) -> tuple[str, str]:
    """A note's text and, when it cannot be read, why (the text is then empty): regular files, size cap,
    encodings (:func:`symnet.notes.extract.files.read_note`)."""
    try:
        return read_note_file(path), ""
    except NoteFileError as exc:
        return "", str(exc).removeprefix(f"{path}: ")


def verify_file(path: str | Path, budget: float = 2.0) -> FileReport:
    """Verify one note file in this process (see :func:`verify_text`)."""
    source, error = read_note(path)
    if error:
        return FileReport(str(path), (), error=error)
    return verify_text(source, str(path), budget)
