"""Reports of ``symnet verify``: text (optionally quiet and coloured), JSON, GitHub annotations, SARIF 2.1.0,
and the exit code.

Any status renders; the known ones have colours, and only ``refuted`` (and, with ``--strict``,
``unparseable``) fails a run. ``ignored`` formulas (silenced by ``<!-- symnet: ignore -->``) are listed and
counted but never fail anything.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

COLOURS = {"verified": "green", "refuted": "red", "unparseable": "yellow", "undecided": "magenta",
           "definition": "cyan", "mention": None, "ignored": None}
ORDER = ("verified", "refuted", "undecided", "unparseable", "definition", "assumption", "setting",
         "redefinition", "condition", "mention", "ignored")
FORMATS = ("text", "json", "github", "sarif")
RULES = {"refuted": "a formula that is false (with a counterexample)",
         "unparseable": "a formula symnet cannot read (with a hint)",
         "undecided": "a claim symnet could neither prove nor refute (with the reason)"}


def _cell(v) -> int | None:
    return getattr(v, "cell", None)


def _statuses(counts: Counter) -> list[str]:
    """Known statuses in their usual order, then any others in the order of their names."""
    return [s for s in ORDER if counts[s]] + sorted(s for s in counts if s not in ORDER and counts[s])


def _counts_text(counts: Counter) -> str:
    return ", ".join(f"{counts[s]} {s}" for s in _statuses(counts))


def problems(statuses: Iterable[str], strict: bool = False) -> set[str]:
    """The statuses a linter reports as problems: refuted, unparseable, and undecided with ``--strict``."""
    wanted = {"refuted", "unparseable"} | ({"undecided"} if strict else set())
    return {s for s in statuses if s in wanted}


def where(path: str, v) -> str:
    """``file:line:column``, or ``file.ipynb:cell 7:line 3:col 5`` in a notebook."""
    cell = _cell(v)
    if cell is not None:
        return f"{path}:cell {cell}:line {v.line}:col {v.column}"
    return f"{path}:{v.line}:{v.column}"


def use_colour(flag: bool | None, stream_is_tty: bool) -> bool:
    """``--colour/--no-colour`` if given; else none when ``NO_COLOR`` is set (no-color.org), else on a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return stream_is_tty


def _verdict_line(path: str, v, colour: bool) -> str:
    import click

    fg = COLOURS.get(v.status)
    status = f"{v.status:<11}"
    if colour and fg:
        status = click.style(status, fg=fg)
    snippet = v.text if len(v.text) <= 70 else v.text[:67] + "…"
    snippet = " ".join(snippet.split())
    detail = f"  — {v.detail}" if v.detail else ""
    return f"  {where(path, v)}: {status} ${snippet}${detail}"


def render_text(reports: list, colour: bool = False, quiet: bool = False, strict: bool = False) -> str:
    """Verdicts per file with counts, a summary per directory (when several), and a total line.

    ``quiet``: only the problems (refuted, unparseable; undecided with ``strict``), unreadable files and the
    total line.
    """
    import click

    lines: list[str] = []
    shown = problems(RULES, strict)
    directories: dict[str, list] = {}
    for r in reports:
        directories.setdefault(str(Path(r.path).parent), []).append(r)
        if quiet:
            if r.error:
                lines.append(f"{r.path}: error: {r.error}")
            lines += [_verdict_line(r.path, v, colour).strip() for v in r.verdicts if v.status in shown]
            continue
        lines.append(click.style(r.path, bold=True) if colour else r.path)
        if r.error:
            lines.append(f"  error: {r.error}")
            continue
        lines += [_verdict_line(r.path, v, colour) for v in r.verdicts]
        counts = Counter(v.status for v in r.verdicts)
        images = f"; {r.images} image(s) not checked (formulas in pictures)" if r.images else ""
        lines.append(f"  {_counts_text(counts) or 'no formulas'}{images} ({r.seconds:.2f} s)")
    if not quiet and len(directories) > 1:
        for directory, group in directories.items():
            counts = Counter(v.status for r in group for v in r.verdicts)
            errors = sum(1 for r in group if r.error)
            unread = f", {errors} unreadable" if errors else ""
            lines.append(f"{directory}/: {len(group)} file(s){unread}: {_counts_text(counts) or 'no formulas'}")
    lines.append(total_line(reports))
    return "\n".join(lines)


def total_line(reports: list) -> str:
    """One line for the whole run: files, formulas, counts by status, unreadable files."""
    counts = Counter(v.status for r in reports for v in r.verdicts)
    formulas = sum(counts.values())
    errors = sum(1 for r in reports if r.error)
    unread = f", {errors} unreadable" if errors else ""
    detail = f": {_counts_text(counts)}" if formulas else ""
    return f"total: {len(reports)} file(s){unread}, {formulas} formula(s){detail}"


def render_json(reports: list) -> str:
    """One object per file: path, error, images, seconds, counts by status and the verdicts (with ``cell``)."""
    return json.dumps([{"path": r.path, "error": r.error, "images": r.images, "seconds": round(r.seconds, 3),
                        "counts": dict(Counter(v.status for v in r.verdicts)),
                        "verdicts": [{**asdict(v), "cell": _cell(v)} for v in r.verdicts]} for r in reports],
                      indent=2, ensure_ascii=False)


def _message(v) -> str:
    snippet = " ".join((v.text if len(v.text) <= 120 else v.text[:117] + "…").split())
    place = f"cell {_cell(v)}, line {v.line}: " if _cell(v) is not None else ""
    return f"{place}{v.status}: ${snippet}$" + (f" — {v.detail}" if v.detail else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _level(status: str, strict: bool) -> str:
    if status == "refuted" or (strict and status == "unparseable"):
        return "error"
    return "warning" if status == "unparseable" else "notice"


def render_github(reports: list, strict: bool = False) -> str:
    """GitHub workflow commands (``::error file=…,line=…,col=…::…``) for the problems, then the total line.

    A notebook's line numbers are inside a cell, not in the file's JSON: its annotations name the file only.
    """
    lines = []
    for r in reports:
        path = _escape_property(Path(r.path).as_posix())
        if r.error:
            lines.append(f"::error file={path},title=symnet::{_escape_data(r.error)}")
        for v in r.verdicts:
            if v.status not in problems([v.status], strict=True):
                continue
            place = f"file={path}" if _cell(v) is not None else f"file={path},line={v.line},col={v.column}"
            title = _escape_property(f"symnet: {v.status}")
            lines.append(f"::{_level(v.status, strict)} {place},title={title}::{_escape_data(_message(v))}")
    lines.append(total_line(reports))
    return "\n".join(lines)


def _uri(path: str) -> str:
    p = Path(path)
    return p.resolve().as_uri() if p.is_absolute() else quote(p.as_posix())


def render_sarif(reports: list, strict: bool = False, version: str = "") -> str:
    """A SARIF 2.1.0 log: one run, a rule per problem status, a result per problem, unreadable files as
    tool notifications. Columns count Unicode code points (``columnKind``)."""
    results, notifications = [], []
    for r in reports:
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(r.path)}}}
        if r.error:
            notifications.append({"level": "error", "message": {"text": f"{r.path}: {r.error}"},
                                  "locations": [location]})
        for v in r.verdicts:
            if v.status not in RULES:
                continue
            level = {"error": "error", "warning": "warning", "notice": "note"}[_level(v.status, strict)]
            physical = {"artifactLocation": {"uri": _uri(r.path)}}
            result = {"ruleId": v.status, "level": level, "message": {"text": _message(v)},
                      "locations": [{"physicalLocation": physical}]}
            if _cell(v) is None:
                physical["region"] = {"startLine": v.line, "startColumn": v.column}
            else:
                result["properties"] = {"cell": _cell(v), "lineInCell": v.line, "columnInCell": v.column}
            results.append(result)
    driver = {"name": "symnet", "informationUri": "https://github.com/symnet/symnet",
              "rules": [{"id": rule, "name": rule, "shortDescription": {"text": text}}
                        for rule, text in RULES.items()]}
    if version:
        driver["version"] = version
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results,
                     "invocations": [{"executionSuccessful": not notifications,
                                      "toolExecutionNotifications": notifications}]}]}
    return json.dumps(log, indent=2, ensure_ascii=False)


def render(reports: list, fmt: str = "text", colour: bool = False, quiet: bool = False,
           strict: bool = False) -> str:
    """The report in one of :data:`FORMATS`."""
    if fmt == "json":
        return render_json(reports)
    if fmt == "github":
        return render_github(reports, strict)
    if fmt == "sarif":
        from ... import __version__ as version
        return render_sarif(reports, strict, version)
    return render_text(reports, colour=colour, quiet=quiet, strict=strict)


def exit_code(reports: list, strict: bool = False) -> int:
    """0: nothing refuted; 1: something refuted (or, with strict, unparseable); 2: a file could not be read.

    Statuses other than refuted and unparseable (ignored, assumption, setting, …) never change it.
    """
    if any(r.error for r in reports):
        return 2
    statuses = {v.status for r in reports for v in r.verdicts}
    if "refuted" in statuses or (strict and "unparseable" in statuses):
        return 1
    return 0
