"""Stage 9, the command line, on top of everything: ``symnet derive | eval | check | train | theory | verify``.

- :mod:`.commands`: the click commands, each parsing options, calling the library, rendering, returning its
  exit code;
- :mod:`.options`: checked option types (a bad number is one line and exit 2);
- :mod:`.from_note`: ``symnet derive note.md``, the loss a Markdown note defines read into a graph.

May import every stage, the notes verifier (:mod:`symnet.notes`) included.
"""
from .commands import cli, entry_point, main

__all__ = ["cli", "entry_point", "main"]
