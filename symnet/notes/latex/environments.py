"""Environments: matrices (``bmatrix``, ``pmatrix``, ``vmatrix``, ``array``)."""
from __future__ import annotations

from .tokens import LatexError, Node, _matching


class Environments:
    """Mixin of :class:`symnet.notes.latex.Parser`: ``\\begin{…} … \\end{…}``."""

    def matrix(self, offset: int) -> Node:
        self.expect("sym", "{")
        env = ""
        while self.at("letter"):
            env += self.take().value
        if self.at("sym", "*"):
            self.take()
        self.expect("sym", "}")
        if env not in ("bmatrix", "pmatrix", "matrix", "vmatrix", "array", "Bmatrix"):
            raise LatexError(f"unknown environment {env!r}", offset)
        if env == "array" and self.at("sym", "{"):
            close = _matching(self.text, self.tok.offset)
            while self.tok.offset <= close and not self.at("end"):
                self.take()
        rows, row = [], []
        while True:
            self.skip_spacing()
            if self.at("cmd", r"\end"):
                self.take()
                self.expect("sym", "{")
                while not self.at("sym", "}") and not self.at("end"):
                    self.take()
                self.expect("sym", "}")
                break
            if self.at("end"):
                raise LatexError(f"\\begin{{{env}}} is never ended", offset, f"add \\end{{{env}}}")
            row.append(self.formula())
            if self.at("sym", "&"):
                self.take()
            elif self.at("cmd", r"\\"):
                self.take()
                rows.append(tuple(row))
                row = []
        if row:
            rows.append(tuple(row))
        return Node("matrix", env, tuple(rows), offset)

