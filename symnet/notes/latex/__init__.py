r"""Notes stage 2, parse: a grammar for the LaTeX that ML notes use, and its parser (recursive descent; no
eval of any kind).

The grammar, from the top::

    display  := row (\\ row)*       alignments (aligned, align, split, gather, equation, eqnarray, multline):
                                    markers, & and \tag/\label/\nonumber/\notag dropped (environments.py)
    row      := [REL] formula ((, | ; | \text{and|for|where…}) formula)* [. , ;]
    formula  := expr (REL expr)* | name : expr \to expr
                REL: = := \stackrel{def}{=} \coloneqq \triangleq \equiv \approx \le \ge < > \ne \in \sim …
    expr     := [+|-] term ((+|-) term)*             (a \dots among the terms: a sum by its pattern)
    term     := product ((\circ | \odot | \otimes | \cap | \cup) product)*
    product  := factor ((* | \cdot | \times | / | \div) factor | factor | \Big|_{x=a})*
    factor   := - factor | atom scripts* [!] [\%]
    scripts  := ^ group | _ group | '     (index tuples, labels, layer superscripts, transposes: scripts.py)
    atom     := number | letter | \greek | \ell | \hat{..} \mathbf X … | ( formula, … ) | [ … ] | { … }
              | \left( … \right) | \left. … \right|_{x=0} | \{ … \mid … \} | \frac{A}{B} | \sqrt[n]{x}
              | \sum_{i=a}^{b} term | \prod … | \int_a^b … dx | \partial-fraction | \partial_x f
              | function [^k] argument | \operatorname{name}(…) | |x| | \|x\| | \begin{bmatrix|cases|…}

Modules: ``tokens`` (vocabulary, :class:`Node`, :class:`LatexError`, :func:`tokenize`, the limits),
``grammar`` (expressions), ``statements`` (relations, lists, declarations), ``scripts``, ``commands``,
``environments``, ``patterns`` (ellipses), ``hints``. Node kinds beyond expressions: ``rows`` (one ``rel``
per claim of an alignment or a list of equations), ``continued`` (the start of a display that continues the
previous one), ``piecewise``/``case``, ``evaluate``, ``shape`` (X ∈ ℝ^{n×d}), ``signature``, ``set``,
``range`` (i = 1, …, n), ``condition``, ``given``, ``integral``, ``symbol``; their meaning is in
:mod:`symnet.notes.read.notation`.

Parsing is bounded whatever the input (:data:`tokens.MAX_LENGTH`, brackets, depth, exponent towers, digits,
constant sizes): past a limit the formula is a :class:`LatexError` with a hint, never a RecursionError or a
MemoryError. Where notation is ambiguous the reading taken is recorded (:func:`read` → :class:`Parsed`).

May import: nothing outside this package (it is the notes verifier's parser, and stands alone).

>>> parse(r"\frac{\partial L}{\partial w} = 2 x (w x - y)").kind
'rel'
>>> read(r"W_{12} = W_{21}").readings
('read W_{12} as W_{1,2}', 'read W_{21} as W_{2,1}')
"""
from __future__ import annotations

from dataclasses import dataclass

from .commands import Commands
from .environments import Environments, blank_markup, group_rows, split_rows, top_relation
from .grammar import Core
from .scripts import Scripts
from .statements import Statements
from .tokens import MAX_ROW_LENGTH, MAX_TREE_DEPTH, LatexError, Node, Token, tokenize

__all__ = ["LatexError", "Node", "Parsed", "Parser", "Token", "parse", "read", "tokenize"]


class Parser(Statements, Scripts, Commands, Environments, Core):
    """The whole grammar: the core's expression levels with statements, scripts, commands and environments."""


class _PartialParser(Parser):
    """The parser, with ∂ read inside fraction parts: ``\\partial L``, ``\\partial{L}``, ``\\partial^2 L``."""

    def atom(self) -> Node:
        self.skip_spacing()
        if self.at("cmd", r"\partial") and self.peek().value != "_" or \
                (self.at("letter", "d") and self._differential_d()):
            t = self.take()
            order = 1
            if self.at("sym", "^"):
                self.take()
                g = self.script_group()
                inner = g.args[0] if g.kind == "group" and g.args else g
                if inner.kind != "num":
                    raise LatexError("the order of a derivative is a number", g.offset,
                                     "write \\frac{\\partial^2 L}{\\partial w^2}")
                order = int(inner.name)
            self.skip_spacing()
            symbol = "∂" if t.value == r"\partial" else "d"
            if self.at("end") or self.at("sym", "}"):
                return Node("partial", symbol, (None, order), t.offset)
            target = self.factor()
            return Node("partial", symbol, (target, order), t.offset)
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


@dataclass(frozen=True)
class Parsed:
    """A formula's tree and the readings taken where its notation is ambiguous (``read W_{12} as W_{1,2}``)."""

    tree: Node
    readings: tuple[str, ...] = ()


def read(text: str, names: frozenset = frozenset()) -> Parsed:
    """Parse one formula; raises :class:`LatexError` with an offset into ``text``.

    ``names`` are multi-letter words the note defines (``LSE``): each is read as one name. Alignments are
    split into rows (a ``rows`` node of one ``rel`` per claim); a display that starts with a relation is a
    ``rel`` whose first part is a ``continued`` node (the end of the previous display)."""
    tokens = tokenize(blank_markup(text), frozenset(names))
    readings: list[str] = []
    nodes: list[Node] = []
    try:
        for group in group_rows(split_rows(tokens[:-1])):
            parser = _PartialParser(text, names, tokens=group + [Token("end", "", _end_of(group, text))])
            parser.readings = readings
            if group[-1].offset - group[0].offset > MAX_ROW_LENGTH:
                raise LatexError(f"a row too long to check (over {MAX_ROW_LENGTH} characters)", group[0].offset,
                                 "split it into several rows or formulas, naming the parts")
            if len(group) == 1 and group[0].kind in ("cmd", "sym"):
                nodes.append(Node("symbol", group[0].value, (), group[0].offset))  # $\odot$: the sign, mentioned
                continue
            nodes.extend(_row(parser, nodes[-1] if nodes else None))
    except RecursionError:
        raise LatexError("the formula nests too deeply to read", 0,
                         "name the inner parts in separate formulas") from None
    if not nodes:
        raise LatexError("an empty formula", 0, "delete the empty $…$")
    tree = nodes[0] if len(nodes) == 1 else Node("rows", "", tuple(nodes), nodes[0].offset)
    _check_depth(tree)
    return Parsed(tree, tuple(readings))


def parse(text: str, names: frozenset = frozenset()) -> Node:
    """The tree of one formula (see :func:`read`)."""
    return read(text, names).tree


def _row(parser: "_PartialParser", previous: Node | None) -> list[Node]:
    """One row's claims; a row that starts with a relation continues the previous row's last part."""
    parser.skip_spacing()
    start = parser.tok.offset
    if top_relation(parser.tokens[parser.i:parser.i + 1]) == 0 or parser.at("cmd", r"\stackrel") or \
            parser.at("cmd", r"\overset"):
        if previous is not None and previous.kind == "rel":
            left = previous.args[1][-1]
        else:
            left = Node("continued", "", (), start)   # = …: the previous display's end, filled in by the reader
        node = parser.formula(left=left, start=start)
        parser.at_trailing()
        if not parser.at("end"):
            node = parser.parse_rest(node)
    else:
        node = parser.parse()
    return list(node.args) if node.kind == "rows" else [node]


def _end_of(group: list[Token], text: str) -> int:
    """Where a row ends in the text: just past its last token."""
    if not group:
        return len(text)
    last = group[-1]
    return last.offset + max(1, len(last.value)) if last.kind != "text" else text.find("}", last.offset) + 1


def _check_depth(tree: Node) -> None:
    """Refuse a tree deeper than :data:`MAX_TREE_DEPTH` (a chain of thousands of terms), iteratively."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise LatexError(f"the formula is too long a chain (its tree is deeper than {MAX_TREE_DEPTH})",
                             node.offset, "split it into several formulas, or write the sum with \\sum")
        for a in node.args:
            if isinstance(a, Node):
                stack.append((a, depth + 1))
            elif isinstance(a, tuple):
                stack.extend((x, depth + 1) for x in a if isinstance(x, Node))
                stack.extend((y, depth + 2) for x in a if isinstance(x, tuple) for y in x if isinstance(y, Node))
