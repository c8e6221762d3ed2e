"""A grammar for the LaTeX that ML notes use, and its parser (recursive descent; no eval of any kind).

The grammar, from the top::

    formula  := expr (REL expr)*              REL: = := \\approx \\leftarrow \\to \\le \\ge < > \\ne
    expr     := [+|-] term ((+|-|\\pm) term)*
    term     := factor ((* | \\cdot | \\times | / | \\div | ∘) factor | factor)*     (juxtaposition multiplies)
    factor   := - factor | atom scripts* [!]
    scripts  := ^ group | _ group | '                        (labels such as ^{(1)}, ^{new} are not powers)
    atom     := number | letter | \\greek | \\hat{..} … | ( formula ) | [ formula ] | { formula }
              | \\left( … \\right) | \\frac{A}{B} | \\sqrt[n]{x} | \\sum_{i=a}^{b} term | \\prod …
              | \\partial-fraction | function [^k] argument | \\operatorname{name} | |x| | \\|x\\|
              | \\begin{bmatrix} … \\end{bmatrix}

The result is a small tree of :class:`Node` values; :mod:`symnet.notes.check` gives it a meaning. Errors are
:class:`LatexError` with the offset of the offending character and, for the common slips of notes, a hint
(``e^x_i`` → ``e^{x_i}``?, reversed ``\\sum`` bounds, prose or ``...`` inside maths, unbalanced braces).

>>> parse(r"\\frac{\\partial L}{\\partial w} = 2 x (w x - y)").kind
'rel'
"""
from __future__ import annotations

from .commands import Commands
from .environments import Environments
from .grammar import Core
from .scripts import Scripts
from .tokens import LatexError, Node, Token, tokenize

__all__ = ["LatexError", "Node", "Parser", "Token", "parse", "tokenize"]


class Parser(Scripts, Commands, Environments, Core):
    """The whole grammar: the core's expression levels with scripts, commands and environments."""


class _PartialParser(Parser):
    """The parser, with ∂ read inside fraction parts: ``\\partial L``, ``\\partial{L}``, ``\\partial^2 L``."""

    def atom(self) -> Node:
        self.skip_spacing()
        if self.at("cmd", r"\partial") or (self.at("letter", "d") and self._differential_d()):
            t = self.take()
            order = 1
            if self.at("sym", "^"):
                self.take()
                g = self.script_group()
                inner = g.args[0] if g.kind == "group" and g.args else g
                if inner.kind != "num":
                    raise LatexError("the order of a derivative is a number", g.offset)
                order = int(inner.name)
            self.skip_spacing()
            if self.at("end") or self.at("sym", "}"):
                return Node("partial", "", (None, order), t.offset)
            target = self.factor()
            return Node("partial", "", (target, order), t.offset)
        return super().atom()

    def _differential_d(self) -> bool:
        # "d" starts a differential only as the first token of a fraction part: \frac{d y}{d x}, \frac{d}{dx}
        if self.tokens[self.i + 1].value == "_":
            return False  # d_{model}, d_k: a name
        prev = self.tokens[self.i - 1] if self.i else None
        return prev is not None and prev.kind == "sym" and prev.value == "{" and self._in_fraction_part()

    def _in_fraction_part(self) -> bool:
        k = self.i - 2
        while k >= 0 and self.tokens[k].kind == "sym" and self.tokens[k].value == "}":
            k -= 1
        # the token before this part's "{" is \frac, or the "}" that closed the numerator
        before = self.tokens[self.i - 2] if self.i >= 2 else None
        return before is not None and (before.value in (r"\frac", r"\dfrac", r"\tfrac") or
                                       (before.value == "}" and self._numerator_closed_by(self.i - 2)))

    def _numerator_closed_by(self, k: int) -> bool:
        depth = 0
        for j in range(k, -1, -1):
            v = self.tokens[j].value
            if v == "}":
                depth += 1
            elif v == "{":
                depth -= 1
                if depth == 0:
                    return j > 0 and self.tokens[j - 1].value in (r"\frac", r"\dfrac", r"\tfrac")
        return False


def parse(text: str) -> Node:
    """Parse one formula; raises :class:`LatexError` with an offset into ``text``."""
    if len(text) > 20000:
        raise LatexError("formula too long to check (over 20000 characters)", 0)
    return _PartialParser(text).parse()
