"""The core of the recursive-descent parser: relations, sums, products, factors and atoms."""
from __future__ import annotations

import re

from .tokens import _CJK, FUNCTIONS, RELATIONS, SPACING, LatexError, Node, Token, tokenize


class Core:
    """Token helpers and the grammar's expression levels; scripts, commands and environments are mixins."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers -------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, value: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def take(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect(self, kind: str, value: str) -> Token:
        if not self.at(kind, value):
            got = self.tok.value or "the end"
            hint = "add the missing }" if value == "}" else ""
            raise LatexError(f"expected {value!r} but found {got!r}", self.tok.offset, hint)
        return self.take()

    def skip_spacing(self) -> None:
        while self.tok.kind == "cmd" and self.tok.value[1:] in SPACING:
            self.take()

    # -- grammar -------------------------------------------------------------------------------------------
    def formula(self) -> Node:
        self.skip_spacing()
        first = self.expr()
        parts, ops = [first], []
        while True:
            self.skip_spacing()
            t = self.tok
            op = None
            if t.kind == "sym" and t.value in ("=", "<", ">", ":="):
                op = RELATIONS[t.value]
            elif t.kind == "sym" and t.value == ":" and self.tokens[self.i + 1].value == "=":
                self.take()
                op = ":="
            elif t.kind == "cmd" and t.value in RELATIONS:
                op = RELATIONS[t.value]
            if op is None:
                break
            self.take()
            ops.append(op)
            parts.append(self.expr())
        if len(parts) == 1:
            return first
        return Node("rel", "", (tuple(ops), tuple(parts)), first.offset)

    def first_digit(self) -> Node:
        """An unbraced script or fraction part takes one digit: x^23 is x^2 3, \\frac12 is 1/2."""
        t = self.take()
        if len(t.value) > 1:
            self.tokens.insert(self.i, Token("num", t.value[1:], t.offset + 1))
        return Node("num", t.value[0], (), t.offset)

    def formula_list(self) -> list[Node]:
        """``a, b, c``: one or more formulas separated by commas."""
        items = [self.formula()]
        while self.at("sym", ","):
            self.take()
            items.append(self.formula())
        return items

    def parse(self) -> Node:
        node = self.formula()
        self.skip_spacing()
        if self.at("sym", ","):
            # "w, b" or "x = 1, y = 2": a list, mentioned rather than claimed
            items = [node]
            while self.at("sym", ","):
                self.take()
                self.skip_spacing()
                if self.at("end"):
                    break
                items.append(self.formula())
            node = Node("tuple", ",", tuple(items), node.offset)
        if self.tok.kind != "end":
            t = self.tok
            if t.value in ("}", ")", "]"):
                raise LatexError(f"unbalanced {t.value!r}", t.offset, "a closing bracket has no opening one")
            raise LatexError(f"unexpected {t.value!r}", t.offset)
        return node

    def expr(self) -> Node:
        self.skip_spacing()
        start = self.tok.offset
        if self.at("sym", "-") or self.at("sym", "+"):
            sign = self.take().value
            node = self.term()
            if sign == "-":
                node = Node("neg", "", (node,), start)
        else:
            node = self.term()
        while True:
            self.skip_spacing()
            if self.at("sym", "+") or self.at("sym", "-") or self.at("cmd", r"\pm"):
                op = self.take().value
                if op == r"\pm":
                    raise LatexError("± gives two formulas", self.tokens[self.i - 1].offset,
                                     "write the + and − cases separately")
                right = self.term()
                node = Node("op", "+", (node, right if op == "+" else Node("neg", "", (right,), right.offset)), start)
            else:
                return node

    def _starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("num", "letter", "text"):
            return True
        if t.kind == "sym":
            return t.value in ("(", "[", "{") or (t.value == "|" and not self._closing_abs)
        if t.kind == "cmd":
            v = t.value
            if v in RELATIONS or v in (r"\cdot", r"\times", r"\div", r"\circ", r"\pm", r"\right", r"\end", r"\\",
                                       r"\rVert", r"\rvert", r"\|", r"\quad", r"\qquad"):
                return v == r"\|" and not self._closing_norm
            return True
        return False

    _closing_norm = False
    _closing_abs = False

    def term(self) -> Node:
        """Hadamard products bind more loosely than other products: ``A ∘ 𝟏 γ`` is ``A ∘ (𝟏 γ)``."""
        self.skip_spacing()
        start = self.tok.offset
        node = self.product()
        while True:
            self.skip_spacing()
            if not self.at("cmd", r"\circ"):
                return node
            self.take()
            node = Node("op", "∘", (node, self.product()), start)

    def product(self) -> Node:
        self.skip_spacing()
        start = self.tok.offset
        node = self.factor()
        while True:
            self.skip_spacing()
            t = self.tok
            if t.kind == "sym" and t.value in ("*", "/") or t.kind == "cmd" and t.value in (r"\cdot", r"\times",
                                                                                           r"\div"):
                self.take()
                right = self.factor()
                op = "/" if t.value in ("/", r"\div") else "*"
                node = Node("op", op, (node, right), start)
            elif self._starts_factor():
                right = self.factor()
                node = Node("op", "*", (node, right), start)
            else:
                return node

    def factor(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "-"):
            start = self.take().offset
            return Node("neg", "", (self.factor(),), start)
        node = self.atom()
        return self.scripts(node)

    def group_or_atom(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "{"):
            self.take()
            inner = self.formula()
            self.expect("sym", "}")
            return inner
        return self.factor()

    def atom(self) -> Node:
        self.skip_spacing()
        t = self.tok
        if t.kind == "end":
            raise LatexError("the formula ends too early", t.offset)
        if t.kind == "num":
            self.take()
            return Node("num", t.value, (), t.offset)
        if t.kind == "letter":
            self.take()
            return Node("name", t.value, (), t.offset)
        if t.kind == "text":
            self.take()
            word = t.value
            if not word:
                raise LatexError("an empty \\text{}", t.offset)
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", word) or " " in word.strip():
                if _CJK.search(word) or " " in word.strip():
                    return Node("label", word, (), t.offset)  # prose: \text{for unit variances}
                raise LatexError(f"cannot read {word!r} as a name", t.offset)
            if len(word) == 1:
                return Node("name", word, (), t.offset)
            return self.maybe_call(Node("call", word.replace(" ", ""), (), t.offset))
        if t.kind == "sym":
            if t.value in ("(", "["):
                self.take()
                items = self.formula_list()
                self.expect("sym", ")" if t.value == "(" else "]")
                return _bracketed(items, t.value, t.offset)
            if t.value == "{":
                self.take()
                if self.at("sym", "}"):
                    raise LatexError("empty braces", t.offset)
                inner = self.formula()
                self.expect("sym", "}")
                return Node("group", "", (inner,), t.offset)
            if t.value == "|":
                self.take()
                outer, self._closing_abs = self._closing_abs, True
                try:
                    inner = self.expr()
                finally:
                    self._closing_abs = outer
                self.expect("sym", "|")
                return Node("abs", "", (inner,), t.offset)
            if t.value in (")", "]", "}"):
                raise LatexError(f"unbalanced {t.value!r}", t.offset, "a closing bracket has no opening one")
            if t.value == "_" or t.value == "^":
                raise LatexError(f"{t.value} with nothing before it", t.offset, "a script needs a name under it")
            raise LatexError(f"unexpected {t.value!r}", t.offset)
        return self.command()

    def maybe_call(self, fn: Node) -> Node:
        """A function name, its optional power (``\\tanh^2``), then its argument."""
        self.skip_spacing()
        power = None
        if self.at("sym", "^"):
            self.take()
            power = self.script_group()
        parameter = None
        if self.at("sym", "_"):
            self.take()
            group = self.script_group()
            parameter = group.args[0] if group.kind == "group" and group.args else group
            if fn.name in ("min", "max", "arg"):
                # \min_θ J(θ): an optimisation, not a function of its argument
                self.skip_spacing()
                # \max_t\left(C\right) W: a bracketed argument ends the body; \max_θ J(θ) runs on
                body = self.factor() if self.at("sym", "(") or self.at("cmd", r"\left") else self.product()
                return Node("optimum", fn.name, (body, parameter), fn.offset)
        self.skip_spacing()
        node = None
        if self.at("sym", "(") or self.at("cmd", r"\left") or self.at("sym", "{") or \
                (self.at("sym", "[") and fn.name in ("E", "Var", "Cov")):
            args = self.arguments()
            # LeakyReLU_{0.01}(z): a subscript on a function is its parameter
            node = Node("call", fn.name, args + ((parameter,) if parameter is not None else ()), fn.offset)
        elif self._starts_factor() and fn.name in FUNCTIONS | {"sigma"}:
            node = Node("call", fn.name, (self.factor(),), fn.offset)
        else:
            node = Node("call", fn.name, (), fn.offset)
        if power is not None:
            label = self._label(power)
            if not node.args and label is not None and label.startswith("("):
                return Node("name", f"{fn.name}^{{{label}}}", (), fn.offset)  # \mathrm{LN}^{(1)}: a layer's name
            exponent = power.args[0] if power.kind == "group" and power.args else power
            node = Node("op", "^", (node, exponent), fn.offset)
        return node

    def arguments(self) -> tuple:
        """( a, b ), \\left( a \\right), or {a}: a function's arguments."""
        if self.at("sym", "{"):
            self.take()
            self.skip_spacing()
            if self.at("cmd", r"\left"):
                inner = self.arguments()
                self.expect("sym", "}")
                return inner
            inner = self.formula()
            self.expect("sym", "}")
            return (inner,)
        left = self.at("cmd", r"\left")
        if left:
            self.take()
        opener = self.take()
        if opener.value not in ("(", "["):
            raise LatexError("expected an argument in brackets", opener.offset)
        closer = ")" if opener.value == "(" else "]"
        args = self.formula_list()
        if left:
            self.expect("cmd", r"\right")
        self.expect("sym", closer)
        return tuple(args)


def _bracketed(items: list[Node], opener: str, offset: int) -> Node:
    """(a) is a bracketed expression, (a, b) a tuple: an interval, a point, or a function's arguments."""
    if len(items) > 1:
        return Node("tuple", opener, tuple(items), offset)
    return Node("paren", "", (items[0],), offset)

