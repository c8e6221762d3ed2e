"""Notes stage 6, verify (the report stage): one note checked in this process (note), many in worker processes
with hard limits (runner), and the reports written as text or JSON (report). The public entry points:
:func:`verify_text`, :func:`verify_file`, :func:`verify_many`.

May import: :mod:`symnet.errors`, the package's ``__version__`` and every notes stage below it.
"""
from ..extract.files import SUFFIXES, NoteFileError, note_files
from .note import FileReport, Verdict, judge_all, read_note, verdict_for, verify_file, verify_text
from .report import COLOURS, exit_code, render_json, render_text
from .runner import verify_many

__all__ = ["COLOURS", "FileReport", "NoteFileError", "SUFFIXES", "Verdict", "exit_code", "judge_all",
           "note_files", "read_note", "render_json", "render_text", "verdict_for", "verify_file", "verify_many",
           "verify_text"]
