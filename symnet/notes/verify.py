"""Verify a note: extract its formulas, parse each, classify it, check the claims, and report verdicts.

>>> report = verify_text("$L = (w x - y)^2$\\n\\n$\\\\frac{\\\\partial L}{\\\\partial w} = 2 x (w x - y)$\\n")
>>> [v.status for v in report.verdicts]
['definition', 'verified']
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .extract import extract_formulas
from .reading import NoteState, Verdict, judge

SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class FileReport:
    path: str
    verdicts: tuple[Verdict, ...]
    images: int = 0
    seconds: float = 0.0
    error: str = ""

    def count(self, status: str) -> int:
        return sum(v.status == status for v in self.verdicts)


def verify_text(source: str, path: str = "<text>", budget: float = 2.0) -> FileReport:
    """Verify the formulas of one Markdown document."""
    start = time.perf_counter()
    formulas, images = extract_formulas(source)
    state = NoteState()
    verdicts = tuple(v for f in formulas for v in judge(f, state, budget))
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
