"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from .extract import Formula, extract_note
from .files import SUFFIXES, NoteFileError, note_files, read_note  # noqa: F401 (re-exported)
from .reading import NoteState, Verdict, judge
from .report import COLOURS, exit_code, render_json, render_text  # noqa: F401 (moved to report.py; re-exported)


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


def verify_text(source: str, path: str = "<text>", budget: float = 2.0) -> FileReport:
    """Verify the formulas of one Markdown document (a notebook's JSON when ``path`` ends in ``.ipynb``)."""
    start = time.perf_counter()
    try:
        formulas, images = extract_note(source, path)
    except ValueError as exc:
        return FileReport(path, (), error=str(exc))
    state = NoteState()
    verdicts = tuple(v for f in formulas for v in verdict_for(f, state, budget))
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
