"""Environments: alignments split into rows, matrices, and cases.

- ``aligned``, ``align(*)``, ``split``, ``gather(ed)``, ``equation(*)``, ``eqnarray``, ``multline``, ``alignat``:
  their markers, ``&`` and ``\\tag``/``\\label``/``\\nonumber``/``\\notag`` are dropped and the formula is
  split into rows at ``\\\\`` (:func:`split_rows`). A row with no relation of its own continues the row before
  it (a long right side broken over lines); a row that starts with a relation continues the chain
  (``a &= b \\\\ &= c`` is the claims a = b and b = c, each with its own offset).
- ``bmatrix``, ``pmatrix``, ``vmatrix``, ``Bmatrix``, ``matrix``, ``array``: a ``matrix`` node of rows.
- ``cases`` (and ``\\left\\{ \\begin{array} … \\right.``): a ``piecewise`` node of ``case`` (value, condition)
  nodes; a condition ``\\text{otherwise}`` is None.
"""
from __future__ import annotations

import re

from .tokens import RELATIONS, LatexError, Node, Token

ALIGNMENTS = ("equation", "align", "aligned", "alignat", "alignedat", "split", "gather", "gathered", "eqnarray",
              "multline", "flalign", "displaymath", "math")
MATRICES = ("bmatrix", "pmatrix", "matrix", "vmatrix", "Vmatrix", "Bmatrix", "array", "smallmatrix", "cases",
            "dcases", "rcases", "subarray")
#: Markup that carries no maths: blanked out (spaces keep every offset) before tokenizing.
MARKUP = re.compile(r"\\(?:label|tag\*?|eqref|ref)\s*\{[^{}]*\}|\\(?:nonumber|notag|displaystyle|textstyle|"
                    r"nolimits|limits)(?![A-Za-z])|\\(?:begin|end)\s*\{(?:" + "|".join(ALIGNMENTS) +
                    r")\*?\}(?:\s*\{\d+\})?|\\intertext\s*\{[^{}]*\}"
                    # an equation number typed by hand at the end of a row: \ (4.2), \quad (3), \qquad(1a)
                    r"|(?:\\[ ;,:!]|\\q?quad|~)+\s*\(\s*\d+(?:[.\-]\d+)*[a-z]?\s*\)(?=\s*(?:\\\\|\\end\b|&|$))")
#: Words that start the condition of a case, or make it the default.
CONDITION_WORDS = {"if", "for", "when", "where", "with", "if ", "for all", "otherwise", "else", "elsewhere",
                   "sonst", "否则", "其他"}
_ROW_RELATIONS = {"=", "<", ">", ":="}


def blank_markup(text: str) -> str:
    """``text`` with labels, tags and alignment markers replaced by spaces (offsets unchanged)."""
    return MARKUP.sub(lambda m: " " * len(m.group()), text)


def split_rows(tokens: list[Token]) -> list[list[Token]]:
    """The tokens (without the end token) cut at each top-level ``\\\\``, alignment ``&`` dropped; matrices,
    cases and braces keep theirs."""
    rows: list[list[Token]] = [[]]
    env = 0   # environments and braces open here: their \\ and & are their own
    for t in tokens:
        if t.kind == "cmd" and t.value == r"\begin" or t.kind == "sym" and t.value == "{":
            env += 1
        elif t.kind == "cmd" and t.value == r"\end" or t.kind == "sym" and t.value == "}":
            env -= 1
        if env == 0 and t.kind == "cmd" and t.value in (r"\\", r"\cr", r"\newline"):
            rows.append([])
            continue
        if env == 0 and t.kind == "sym" and t.value == "&":
            continue
        rows[-1].append(t)
    return rows


def top_relation(tokens: list[Token]) -> int | None:
    """The position of the first relation outside brackets and environments, or None."""
    depth = 0
    for k, t in enumerate(tokens):
        v = t.value
        if v in ("{", "(", "[", r"\left", r"\begin", r"\{", r"\langle"):
            depth += 1
        elif v in ("}", ")", "]", r"\right", r"\end", r"\}", r"\rangle"):
            depth -= 1
        elif depth == 0 and (t.kind == "sym" and v in _ROW_RELATIONS or t.kind == "cmd" and
                             (v in RELATIONS or v in _more_relations() or v in (r"\stackrel", r"\overset", r"\not"))):
            return k
        elif depth == 0 and t.kind == "sym" and v == ":" and k + 1 < len(tokens) and tokens[k + 1].value == "=":
            return k
    return None


def _more_relations() -> dict:
    from .statements import MORE_RELATIONS
    return MORE_RELATIONS


def group_rows(rows: list[list[Token]]) -> list[list[Token]]:
    """Rows joined into claims: a row with no relation of its own belongs to the row before it."""
    groups: list[list[Token]] = []
    pending: list[Token] = []
    for row in rows:
        if not _content(row):
            continue
        if top_relation(row) is None:
            if groups:
                groups[-1] = groups[-1] + row
            else:
                pending += row
            continue
        groups.append(pending + row)
        pending = []
    if pending:
        groups.append(pending)
    return groups


def _content(row: list[Token]) -> bool:
    """Whether a row holds anything but spacing and punctuation."""
    return any(not (t.kind == "cmd" and t.value in (r"\quad", r"\qquad", r"\,", r"\;", r"\!", r"\ ") or
                    t.kind == "sym" and t.value in (".", ",", ";")) for t in row)


def case(value: Node, condition: Node | None) -> Node:
    """One case of a piecewise definition: (value, condition or None for "otherwise")."""
    return Node("case", "", (value, condition), value.offset)


class Environments:
    """Mixin of :class:`symnet.notes.latex.Parser`: ``\\begin{…} … \\end{…}`` inside a formula."""

    def environment_name(self) -> str:
        self.expect("sym", "{")
        env = ""
        while self.tok.kind in ("letter", "text"):
            env += self.take().value
        if self.at("sym", "*"):
            self.take()
        self.expect("sym", "}")
        return env

    def environment(self, offset: int) -> Node:
        env = self.environment_name()
        if env in ALIGNMENTS:
            raise LatexError(f"\\begin{{{env}}} inside a formula", offset,
                             f"put \\begin{{{env}}} … \\end{{{env}}} around the whole formula")
        if env not in MATRICES:
            raise LatexError(f"unknown environment {env!r}", offset,
                             "symnet reads aligned, align, split, gather, equation, eqnarray, multline, cases, "
                             "array and the matrix environments")
        if env in ("array", "subarray", "alignedat") and self.at("sym", "{"):
            self.raw_group()  # the column specification {ll}
        rows = self.cells(env, offset)
        if env in ("cases", "dcases", "rcases"):
            return self.piecewise(rows, offset)
        return Node("matrix", env, tuple(rows), offset)

    def cells(self, env: str, offset: int) -> list[tuple]:
        rows, row = [], []
        while True:
            self.skip_spacing()
            if self.at("cmd", r"\end"):
                self.take()
                self.raw_group()
                break
            if self.at("end"):
                raise LatexError(f"\\begin{{{env}}} is never ended", offset, f"add \\end{{{env}}}")
            if self.at("sym", "&") or self.at("cmd", r"\\"):
                row.append(None)  # an empty cell
            else:
                row.append(self.cell())
            self.skip_spacing()
            if self.at("sym", "&"):
                self.take()
            elif self.at("cmd", r"\\"):
                self.take()
                rows.append(tuple(row))
                row = []
            elif not self.at("cmd", r"\end"):
                t = self.tok
                raise LatexError(f"unexpected {t.value!r} in a \\begin{{{env}}} cell", t.offset,
                                 "separate cells with & and rows with \\\\")
        if row:
            rows.append(tuple(row))
        if any(cell is None for r in rows for cell in r) and env not in ("cases", "dcases", "rcases", "array"):
            raise LatexError(f"an empty cell in \\begin{{{env}}}", offset, "write 0 in it, or delete the extra &")
        return rows

    def cell(self) -> Node:
        """One cell: a formula, trailing punctuation aside; in a case, prose before a condition skipped."""
        while self.tok.kind == "text" and self.tok.value.strip().rstrip(",").lower() in CONDITION_WORDS - {
                "otherwise", "else", "elsewhere", "sonst", "否则", "其他"}:
            self.take()
            self.skip_spacing()
        node = self.formula()
        while self.at("sym", ",") and self.peek().value not in ("&", r"\\", r"\end"):
            self.take()
            node = Node("tuple", ",", (node, self.formula()), node.offset) if node.kind != "tuple" else \
                Node("tuple", ",", node.args + (self.formula(),), node.offset)
        while self.at("sym", ",") or self.at("sym", ".") or self.at("sym", ";"):
            self.take()
        return node

    def piecewise(self, rows: list[tuple], offset: int) -> Node:
        cases = []
        for row in rows:
            if not row or row[0] is None or len(row) > 2:
                raise LatexError("a case without a value, or with more than one &", offset,
                                 "write each case as value & condition")
            condition = row[1] if len(row) == 2 else None
            if condition is not None and condition.kind in ("label", "call") and not condition.args and \
                    condition.name.strip().lower() in CONDITION_WORDS:
                condition = None  # otherwise
            cases.append(case(row[0], condition))
        return Node("piecewise", "", tuple(cases), offset)
