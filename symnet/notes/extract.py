"""Find the formulas in Markdown notes, each with its file, line and column.

markdown-it-py gives the document's structure: fenced and indented code is skipped, inline code spans are
skipped, HTML blocks are searched too (a ``$$`` right after an ``<img>`` tag ends up inside one). Inside that
text the delimiters ``$…$`` (spaces allowed), ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]`` are found by a scanner that
keeps every character's position; ``$5 and $10`` is currency, not maths (a closing ``$`` followed by a digit
does not close). Images are counted, since notes often put formulas in pictures.

>>> formulas, images = extract_formulas("Let $ x_i $ be, and $$y = 2x$$\\n![f](f.png)\\n")
>>> [(f.text, f.line, f.column, f.display) for f in formulas], images
([(' x_i ', 1, 6, False), ('y = 2x', 1, 23, True)], 1)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class Formula:
    """One formula: its LaTeX, where it starts (1-based line and column), and every character's position."""

    text: str
    line: int
    column: int
    display: bool
    positions: tuple[tuple[int, int], ...] = field(repr=False, compare=False, default=())
    context: str = field(repr=False, compare=False, default="")   # the prose around it (for assumptions)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character of :attr:`text`."""
        if not self.positions:
            return self.line, self.column + offset
        return self.positions[max(0, min(offset, len(self.positions) - 1))]


def _content_positions(source_lines: list[str], start: int, content: str) -> list[tuple[int, int]]:
    """Each character of an inline token's content, mapped back to (line, column) in the file."""
    positions: list[tuple[int, int]] = []
    line = start
    for piece in content.split("\n"):
        # the content line sits inside the source line after any list marker, quote or indent
        while line < len(source_lines) and piece.strip() and piece not in source_lines[line]:
            line += 1
        source = source_lines[line] if line < len(source_lines) else piece
        offset = max(source.find(piece), 0) if piece else 0
        positions += [(line + 1, offset + k + 1) for k in range(len(piece))]
        positions.append((line + 1, offset + len(piece) + 1))  # the newline
        line += 1
    return positions


def _skip_code_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) ranges of inline code spans."""
    spans = []
    for m in re.finditer(r"(`+)(.+?)\1", text, re.DOTALL):
        spans.append((m.start(), m.end()))
    return spans


def scan(text: str) -> list[tuple[int, int, bool]]:
    """Math in a stretch of Markdown text: (start, end, display) of each formula's content."""
    found = []
    code = _skip_code_spans(text)
    i, n = 0, len(text)

    def in_code(k: int) -> int | None:
        for a, b in code:
            if a <= k < b:
                return b
        return None

    while i < n:
        end_code = in_code(i)
        if end_code is not None:
            i = end_code
            continue
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "([":
            close = "\\)" if text[i + 1] == "(" else "\\]"
            j = text.find(close, i + 2)
            if j != -1:
                found.append((i + 2, j, text[i + 1] == "["))
                i = j + 2
                continue
            i += 2
            continue
        if c == "\\" and i + 1 < n:
            i += 2  # an escaped character, \$ included
            continue
        if c == "$":
            if text.startswith("$$", i):
                j = i + 2
                while True:
                    j = text.find("$$", j)
                    if j == -1 or text[j - 1] != "\\":
                        break
                    j += 2
                if j != -1 and text[i + 2:j].strip():
                    found.append((i + 2, j, True))
                    i = j + 2
                    continue
                i += 2
                continue
            j = i + 1
            while j < n:
                skip = in_code(j)
                if skip is not None:
                    j = skip
                    continue
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == "$" or text.startswith("\n\n", j):
                    break
                j += 1
            body = text[i + 1:j] if j < n else ""
            closes = j < n and text[j] == "$" and not text.startswith("$$", j)
            # currency: "$5 and $10" — a closing $ followed by a digit does not close
            if closes and body.strip() and not (j + 1 < n and text[j + 1].isdigit()):
                found.append((i + 1, j, False))
                i = j + 1
                continue
            i += 1
            continue
        i += 1
    return found


def extract_formulas(source: str) -> tuple[list[Formula], int]:
    """All formulas of a Markdown document, in order, and the number of images."""
    lines = source.split("\n")
    tokens = MarkdownIt("commonmark").parse(source)
    formulas: list[Formula] = []
    images = 0
    earlier = ""   # the note so far: assumptions it states ("unit variance") hold for what follows
    for t in tokens:
        if t.type in ("fence", "code_block") or t.map is None:
            continue
        if t.type not in ("inline", "html_block"):
            continue
        content = t.content
        images += len(_IMAGE.findall(content))
        earlier += content + "\n"
        positions = _content_positions(lines, t.map[0], content)
        for start, end, display in scan(content):
            text = content[start:end]
            line, column = positions[start] if start < len(positions) else (t.map[0] + 1, 1)
            formulas.append(Formula(text, line, column, display, tuple(positions[start:end + 1]),
                                    context=earlier))
    return formulas, images
