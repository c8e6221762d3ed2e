"""Statements: relations (``=``, ``:=``, ``\\le``, ``\\stackrel{def}{=}`` …), signatures, shape declarations,
comma lists and their connectives, and the end of a formula (trailing sentence punctuation)."""
from __future__ import annotations

import re

from .hints import unexpected_hint
from .tokens import RELATIONS, SPACING, LatexError, Node

MORE_RELATIONS = {r"\sim": "∼", r"\propto": "∝", r"\ll": "≪", r"\gg": "≫", r"\subseteq": "⊆", r"\subset": "⊂",
                  r"\Rightarrow": "⇒", r"\implies": "⇒", r"\iff": "⇔", r"\Leftrightarrow": "⇔", r"\mapsto": "↦",
                  r"\simeq": "≃", r"\cong": "≃", r"\doteq": ":=", r"\eqqcolon": ":=", r"\notin": "∉",
                  r"\longrightarrow": "→", r"\neq": "≠", r"\geqslant": "≥", r"\leqslant": "≤",
                  r"\Leftarrow": "⇐", r"\perp": "⊥", r"\vdash": "⊢", r"\models": "⊨", r"\succeq": "⪰",
                  r"\preceq": "⪯", r"\succ": "≻", r"\prec": "≺", r"\lessapprox": "⪅", r"\gtrapprox": "⪆",
                  r"\lesssim": "≲", r"\gtrsim": "≳", r"\ni": "∋", r"\supseteq": "⊇", r"\supset": "⊃",
                  r"\nsim": "≁", r"\asymp": "≍", r"\approxeq": "≈"}
#: ``\not`` before a relation negates it.
NEGATED = {"=": "≠", "∈": "∉", "<": "≮", ">": "≯", "≤": "≰", "≥": "≱", "∼": "≁"}
#: Words over an ``=`` (``\stackrel{\text{def}}{=}``, ``\overset{\triangle}{=}``) that make it a definition.
DEFINING_LABELS = {"def", "defn", "define", "defined", "Δ", r"\triangle", r"\Delta", ":", "by def"}
#: Words between formulas: "and" separates two, "for"/"where"/"if" introduce a condition on what precedes.
CONNECTIVES = {"and", "or", ",", "and,"}
CONDITIONS = {"for", "for all", "where", "if", "when", "with", "s.t.", "such that", "whenever", "since", "as",
              "for any", "for every", "for each", "given", "subject to", "unless", "iff", "i.e.", "e.g."}


class Statements:
    """Mixin of :class:`symnet.notes.latex.Parser`: what a formula states."""

    def relation(self) -> str | None:
        """The relation at the current token (taken), or None: ``=``, ``:=``, ``\\le``, ``\\stackrel{def}{=}``…"""
        self.skip_spacing()
        t = self.tok
        if t.kind == "sym" and t.value in ("=", "<", ">", ":="):
            self.take()
            if t.value in ("<", ">") and self.at("sym", "="):
                self.take()
                return "≤" if t.value == "<" else "≥"
            return RELATIONS[t.value]
        if t.kind == "sym" and t.value == ":" and self.peek().value == "=":
            self.take()
            self.take()
            return ":="
        if t.kind == "cmd" and (t.value in RELATIONS or t.value in MORE_RELATIONS):
            self.take()
            return RELATIONS.get(t.value) or MORE_RELATIONS[t.value]
        if t.kind == "cmd" and t.value in (r"\stackrel", r"\overset", r"\underset") and self.peek().value == "{":
            return self.labelled_relation()
        if t.kind == "cmd" and t.value == r"\not":
            start = self.i
            self.take()
            op = self.relation()
            if op is None:
                self.i = start
                return None
            return NEGATED.get(op, "not " + op)
        return None

    def labelled_relation(self) -> str | None:
        """``\\stackrel{\\text{def}}{=}``: a relation with a word over it (a definition when the word says so)."""
        start = self.i
        self.take()
        label = self.raw_group()
        if not self.at("sym", "{"):
            self.i = start
            return None
        self.take()
        op = self.relation()
        if op is None or not self.at("sym", "}"):
            self.i = start
            return None
        self.take()
        words = re.sub(r"\\[A-Za-z]+\s*\{([^{}]*)\}", r"\1", label).replace(" ", "")
        return ":=" if op == "=" and (words in DEFINING_LABELS or label.strip() in DEFINING_LABELS) else op

    def raw_group(self) -> str:
        """The text of a ``{…}`` group (its tokens skipped)."""
        open_ = self.expect("sym", "{")
        depth = 1
        while depth and not self.at("end"):
            t = self.take()
            depth += t.value == "{"
            depth -= t.value == "}"
        if depth:
            raise LatexError("unbalanced braces: a { is never closed", open_.offset, "add the missing }")
        close = self.tokens[self.i - 1]
        return self.text[open_.offset + 1:close.offset]

    def formula(self, left: Node | None = None, start: int | None = None) -> Node:
        """``expr (REL expr)*``; with ``left``, the first part is given (a row that continues another)."""
        with self.nested():
            self.skip_spacing()
            first = left if left is not None else self.expr()
            offset = first.offset if start is None else start
            parts, ops = [first], []
            while True:
                op = self.relation()
                if op is None:
                    break
                ops.append(op)
                parts.append(self.expr())
            if not ops and self.at("sym", ":") and self.peek().value != "=":
                return self.signature(first)
            if not ops:
                return first
            return self.declaration(Node("rel", "", (tuple(ops), tuple(parts)), offset))

    def signature(self, name: Node) -> Node:
        """``f: A \\to B``: a function's domain and codomain (a mention)."""
        colon = self.take()
        mapping = self.formula()
        if mapping.kind == "rel" and mapping.args[0] == ("→",):
            return Node("signature", "", (name,) + mapping.args[1], name.offset)
        raise LatexError("a ':' that is not a signature f: A \\to B", colon.offset,
                         "write := for a definition, or \\colon A \\to B for a signature")

    def declaration(self, rel: Node) -> Node:
        """``X \\in \\mathbb{R}^{n \\times d}``: a shape declaration, not a claim."""
        ops, parts = rel.args
        if ops != ("∈",):
            return rel
        subject, space = parts
        base, power = (space.args[0], space.args[1]) if space.kind == "op" and space.name == "^" else (space, None)
        if base.kind != "name" or base.name not in (r"\mathbb{R}", r"\mathbb{C}", r"\mathbb{N}", r"\mathbb{Z}",
                                                       r"\mathbb{Q}", r"\mathbf{R}", "R"):
            return rel
        dims = _dimensions(power) if power is not None else ()
        field = base.name[-2] if base.name.endswith("}") else base.name
        return Node("shape", field, (subject, dims), rel.offset)

    # -- lists ---------------------------------------------------------------------------------------------
    def formula_list(self) -> list[Node]:
        """``a, b, c``: one or more formulas separated by commas (``y \\mid x`` inside: a condition)."""
        items = [self.given(self.formula())]
        while self.at("sym", ","):
            self.take()
            items.append(self.given(self.formula()))
        return items

    def given(self, node: Node) -> Node:
        """``P(y \\mid x)``: what follows the bar conditions what precedes it."""
        if self.at("cmd", r"\mid") or self.at("cmd", r"\|"):
            bar = self.take().value
            return Node("given", "|" if bar == r"\mid" else "‖", (node, self.formula()), node.offset)
        return node

    def parse(self) -> Node:
        """The whole formula; trailing sentence punctuation (``a = b,``) is not part of it."""
        return self.parse_rest(self.formula())

    def parse_rest(self, node: Node) -> Node:
        """After the first formula: more formulas separated by commas, then only trailing punctuation."""
        items = [node]
        while self.at("sym", ",") or self.at("sym", ";") or self.at_connective():
            word = ""
            while self.at("sym", ",") or self.at("sym", ";") or self.at_connective():
                t = self.take()
                word = t.value.strip().lower() if t.kind == "text" else word
            if self.at_trailing():
                break
            item = self.formula()
            if word in CONDITIONS:
                item = Node("condition", word, (item,), item.offset)  # … \text{for } x > 0: not a claim
            items.append(item)
        self.at_trailing()
        if len(items) > 1:
            node = _merge_list(items)
        if len(items) > 1 and node.kind not in ("rel", "shape", "range"):
            if all(item.kind in ("rel", "condition", "shape") for item in items) and items[0].kind in ("rel", "shape"):
                node = Node("rows", ",", tuple(items), node.offset)  # x = 1, y = 2: each its own claim
            else:
                node = Node("tuple", ",", tuple(items), node.offset)  # w, b: a list, mentioned
        if self.tok.kind != "end":
            t = self.tok
            if t.value in ("}", ")", "]", r"\right", r"\}"):
                raise LatexError(f"unbalanced {t.value!r}", t.offset, "a closing bracket has no opening one: "
                                                                     "delete it or add its opening bracket")
            raise LatexError(f"unexpected {t.value!r}", t.offset, unexpected_hint(t.value))
        return node

    def at_connective(self) -> bool:
        return self.tok.kind == "text" and _connective(self.tok.value)

    def at_trailing(self) -> bool:
        """Whether only sentence punctuation and spacing are left (they are skipped)."""
        k = self.i
        while True:
            t = self.tokens[k]
            if t.kind == "sym" and t.value in (".", ",", ";") or t.kind == "cmd" and t.value[1:] in SPACING:
                k += 1
            elif t.kind == "text" and t.value in (".", ",", ";", ""):
                k += 1
            else:
                break
        if self.tokens[k].kind == "end":
            self.i = k
            return True
        return False


def _merge_list(items: list[Node]) -> Node:
    """Lists that are one statement: ``a, b \\in X`` and ``w^*, b^* = …`` (several names on the left),
    ``i = 1, \\ldots, n`` and ``k = 1, 4, 16`` (the values a name takes: a ``range``). Else a ``tuple``."""
    head, last = items[:-1], items[-1]
    names = all(i.kind in ("name", "sub", "dots", "prime") for i in head)
    if names and last.kind == "shape":
        subjects = Node("tuple", ",", tuple(head) + (last.args[0],), items[0].offset)
        return Node("shape", last.name, (subjects, last.args[1]), items[0].offset)
    if names and last.kind == "rel":
        ops, parts = last.args
        subjects = Node("tuple", ",", tuple(head) + (parts[0],), items[0].offset)
        return Node("rel", "", (ops, (subjects,) + parts[1:]), items[0].offset)
    first = items[0]
    if first.kind == "rel" and first.args[0] == ("=",) and first.args[1][0].kind in ("name", "sub") and \
            all(i.kind in ("num", "neg", "dots", "name", "sub") for i in items[1:]) and \
            any(i.kind in ("num", "neg", "dots") for i in items[1:]):
        name, value = first.args[1]
        return Node("range", "", (name, (value,) + tuple(items[1:])), first.offset)
    return Node("tuple", ",", tuple(items), first.offset)


def _connective(word: str) -> bool:
    word = word.strip().lower()
    return word in CONNECTIVES or word in CONDITIONS



def _dimensions(power: Node) -> tuple:
    """``n \\times d`` (or ``n \\cdot d``, ``d``) in ``\\mathbb{R}^{…}``: the sizes, in order."""
    if power.kind == "group" and len(power.args) == 1:
        power = power.args[0]
    if power.kind == "op" and power.name == "*":
        return _dimensions(power.args[0]) + _dimensions(power.args[1])
    return (power,)


