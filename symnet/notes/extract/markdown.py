"""The Markdown parser that finds maths: markdown-it-py with mdit-py-plugins, and the few rules around them.

- ``dollarmath`` finds ``$…$`` (spaces allowed) and ``$$…$$`` (also inside a paragraph); ``amsmath``
  top-level ``\\begin{align}``… environments; ``front_matter`` YAML front matter.
- ``\\(…\\)`` and ``\\[…\\]`` are a small inline rule here (before the escape rule reads ``\\(`` as ``(``).
- ``$5 and $10`` is prose: a ``$`` followed by a digit opens maths only when its closing ``$`` follows no
  space; no ``$…$`` reaches into a code span.
- The inline rules for maths, HTML and images are wrapped to record where each token starts and ends in its
  block's text (``token.meta["start"]``, ``["end"]``): markdown-it keeps no inline positions.
- The block rules that search for a closing line (``$$``, ``\\end{…}``) remember the next one, so a note of
  unclosed openers costs linear time, not quadratic.
"""
from __future__ import annotations

import re
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.amsmath import RE_OPEN as AMSMATH_OPEN
from mdit_py_plugins.amsmath import amsmath_block, amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import DOLLAR_EQNO_REV
from mdit_py_plugins.front_matter import front_matter_plugin

MATH_INLINE = ("math_inline", "math_inline_double", "math_paren", "math_bracket")
MATH_BLOCK = ("math_block", "math_block_label", "amsmath")


def _recording(rule: Callable) -> Callable:
    """Wrap an inline rule so the token it pushes remembers where it starts and ends in ``state.src``."""
    def wrapped(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        found = rule(state, silent)
        if found and not silent and len(state.tokens) > count:
            token = state.tokens[-1]
            token.meta = {**(token.meta or {}), "start": start, "end": state.pos}
        return found
    return wrapped


def _currency_guard(rule: Callable) -> Callable:
    """``$5 and $10``: a ``$`` before a digit opens maths only if its closing ``$`` follows no space; and no
    ``$…$`` reaches into a code span (a backtick inside is a code span's, which takes precedence)."""
    def wrapped(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if not src.startswith("$", pos):
            return False
        if not rule(state, True):
            state.pos = pos
            return False
        end, state.pos = state.pos, pos
        if "`" in src[pos:end] or (src[pos + 1].isdigit() and src[end - 2].isspace()):
            return False
        return rule(state, silent)
    return wrapped


def _tex_delimiters(state: StateInline, silent: bool) -> bool:
    r"""``\(…\)`` and ``\[…\]`` inside a paragraph (before the escape rule takes ``\(`` as an escaped ``(``).

    The next closing delimiter is remembered per paragraph, so many openers cost linear time in all.
    """
    src, pos = state.src, state.pos
    if not src.startswith("\\", pos) or pos + 1 >= len(src) or src[pos + 1] not in "([":
        return False
    closer = "\\)" if src[pos + 1] == "(" else "\\]"
    cache = state.__dict__.setdefault("_symnet_closers", {})   # per state: per paragraph (or alt text)
    known = cache.get(closer)
    if known is None or (known != -1 and known < pos + 2):
        known = src.find(closer, pos + 2)
        cache[closer] = known
    if known == -1 or known + 2 > state.posMax or not src[pos + 2:known].strip():
        return False
    if not silent:
        token = state.push("math_paren" if closer == "\\)" else "math_bracket", "math", 0)
        token.content = src[pos + 2:known]
        token.markup = src[pos:pos + 2]
    state.pos = known + 2
    return True


def _next_line(state: StateBlock, key: str, start: int, end: int, test: Callable[[str], bool]) -> int | None:
    """The first line in ``[start, end)`` whose text passes ``test``, remembered per parse: a block rule that
    searches for its closing line would otherwise rescan the rest of the note from every opener (quadratic)."""
    memo = state.env.setdefault("_next_line", {})
    slot = (key, end, state.parentType, state.blkIndent)
    known = memo.get(slot)
    if known is not None and known[0] <= start and (known[1] is None or known[1] >= start):
        return known[1]
    found = None
    for line in range(start, end):
        if test(state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]):
            found = line
            break
    memo[slot] = (start, found)
    return found


def _dollar_end(text: str) -> bool:
    """Where a ``$$`` block's search stops: a line ending in ``$$`` (or ``$$ (label)``), or a blank line."""
    stripped = text.strip()
    return not stripped or stripped.endswith("$$") or DOLLAR_EQNO_REV.match(text[::-1]) is not None


def _bounded_dollar_block(rule: Callable) -> Callable:
    """The ``$$`` block rule, answering at once when no closing line can follow (linear time)."""
    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        first = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
        if first.startswith("$$") and "$$" not in first[2:]:
            stop = _next_line(state, "$$", start + 1, end, _dollar_end)
            if stop is None or not state.src[state.bMarks[stop] + state.tShift[stop]:state.eMarks[stop]].strip():
                return False
        return rule(state, start, end, silent)
    return wrapped


def _bounded_amsmath(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The amsmath rule, answering at once when its ``\\end{…}`` never comes (linear time)."""
    match = re.match(AMSMATH_OPEN, state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]])
    if match is None:
        return False
    closing = rf"\end{{{match.group(1)}{match.group(2)}}}"
    if _next_line(state, closing, start, end, lambda text: text.rstrip().endswith(closing)) is None:
        return False
    return amsmath_block(state, start, end, silent)


def _rule(ruler, name: str) -> Callable:
    """The function of a named rule (markdown-it has no public getter)."""
    return ruler.__rules__[ruler.__find__(name)].fn


def parser() -> MarkdownIt:
    """A markdown-it parser (CommonMark, tables, strikethrough) with the maths rules."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    front_matter_plugin(md)
    amsmath_plugin(md)
    dollarmath_plugin(md, allow_space=True, allow_digits=True, allow_blank_lines=False, double_inline=True)
    md.block.ruler.at("math_block", _bounded_dollar_block(_rule(md.block.ruler, "math_block")))
    md.block.ruler.at("amsmath", _bounded_amsmath)
    md.inline.ruler.before("escape", "tex_delimiters", _tex_delimiters)
    for name in ("math_inline", "tex_delimiters", "html_inline", "image"):
        rule = _rule(md.inline.ruler, name)
        if name == "math_inline":
            rule = _currency_guard(rule)
        md.inline.ruler.at(name, _recording(rule))
    return md


MARKDOWN = parser()
