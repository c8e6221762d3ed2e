"""The core of the recursive-descent parser: sums, products, factors and atoms (statements.py reads relations).

Every level that can recurse counts its depth (:data:`MAX_DEPTH`), so no input reaches Python's recursion
limit: too deep a formula is a :class:`LatexError` with a hint, like any other formula symnet cannot read.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from .hints import unexpected_hint
from .patterns import ellipsis_product, ellipsis_sum
from .statements import MORE_RELATIONS, _connective
from .tokens import FUNCTIONS, MAX_DEPTH, RELATIONS, SPACING, LatexError, Node, Token, tokenize

#: Tokens that end a product: relations, operators of lower precedence, closers and separators.
STOPS = {r"\cdot", r"\times", r"\div", r"\circ", r"\odot", r"\otimes", r"\oplus", r"\pm", r"\mp", r"\right",
         r"\end", r"\\", r"\rVert", r"\rvert", r"\|", r"\quad", r"\qquad", r"\mid", r"\}", r"\rangle",
         r"\tag", r"\label", r"\nonumber", r"\notag", r"\vert", r"\Vert", r"\rbrace", r"\bigr", r"\Bigr",
         r"\biggr", r"\Biggr", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\middle", r"\colon", r"\wedge", r"\land",
         r"\lor", r"\vee", r"\forall", r"\exists", r"\%"}
#: Hadamard-like products that bind more loosely than juxtaposition.
LOOSE_PRODUCTS = {r"\circ": "∘", r"\odot": "∘", r"\otimes": "⊗", r"\oplus": "⊕", r"\cap": "∩", r"\cup": "∪",
                  r"\setminus": "∖"}


class Core:
    """Token helpers and the grammar's expression levels; scripts, commands and environments are mixins."""

    def __init__(self, text: str, names: frozenset = frozenset(), tokens: list[Token] | None = None) -> None:
        self.text = text
        self.names = names
        self.tokens = tokens if tokens is not None else tokenize(text, names)
        self.i = 0
        self.depth = 0
        self.tower = 0
        self.readings: list[str] = []
        # words this formula also uses as plain values (\mathrm{distance} w): before a bracket they multiply it
        self.values = {t.value for t, after in zip(self.tokens, self.tokens[1:]) if t.kind == "text" and
                       after.value not in ("(", r"\left", "{", "^", "_", "[", "'")}

    # -- token helpers -------------------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def at(self, kind: str, value: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def take(self) -> Token:
        t = self.tok
        if t.kind != "end":
            self.i += 1
        return t

    def expect(self, kind: str, value: str) -> Token:
        if not self.at(kind, value):
            got = self.tok.value or "the end"
            hint = f"add the missing {value}" if value in ("}", ")", "]", r"\right", r"\}") else \
                f"write {value} here"
            raise LatexError(f"expected {value!r} but found {got!r}", self.tok.offset, hint)
        return self.take()

    def skip_spacing(self) -> None:
        while self.tok.kind == "cmd" and self.tok.value[1:] in SPACING:
            self.take()

    @contextmanager
    def nested(self):
        """One level deeper in the grammar; past :data:`MAX_DEPTH` the formula is refused."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LatexError(f"the formula nests too deeply (over {MAX_DEPTH} levels of brackets, fractions, "
                             f"roots, signs and scripts)", self.tok.offset,
                             "name the inner parts in separate formulas")
        try:
            yield
        finally:
            self.depth -= 1

    def read_as(self, reading: str) -> None:
        """Record an ambiguous notation and the reading taken (``read W_{12} as W_{1,2}``)."""
        if reading not in self.readings:
            self.readings.append(reading)

    # -- expressions ---------------------------------------------------------------------------------------
    def expr(self) -> Node:
        """``[+|-] term ((+|-) term)*``; a ``\\dots`` among the terms is read as a sum by its pattern."""
        with self.nested():
            self.skip_spacing()
            start = self.tok.offset
            terms: list[Node] = []
            if self.at("sym", "-") or self.at("sym", "+"):
                sign = self.take().value
                first = self.term()
                terms.append(Node("neg", "", (first,), start) if sign == "-" else first)
            else:
                terms.append(self.term())
            while True:
                self.skip_spacing()
                if not (self.at("sym", "+") or self.at("sym", "-") or self.at("cmd", r"\pm") or self.at("cmd", r"\mp")):
                    break
                op = self.take()
                if op.value in (r"\pm", r"\mp"):
                    raise LatexError("± gives two formulas", op.offset, "write the + and − cases separately")
                right = self.term()
                terms.append(right if op.value == "+" else Node("neg", "", (right,), right.offset))
            if len(terms) > 1 and any(_is_dots(t) for t in terms):
                return ellipsis_sum(terms, start, self)
            node = terms[0]
            for right in terms[1:]:
                node = Node("op", "+", (node, right), start)
            return node

    def _starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("num", "letter"):
            return True
        if t.kind == "text":
            return not _connective(t.value)
        if t.kind == "sym":
            return t.value in ("(", "[", "{") or (t.value == "|" and not self._closing_abs and
                                                  self.peek().value not in ("_", "^"))
        if t.kind == "cmd":
            v = t.value
            if v in RELATIONS or v in MORE_RELATIONS or v in STOPS or v in LOOSE_PRODUCTS or \
                    v in (r"\stackrel", r"\overset", r"\not"):
                return v == r"\|" and not self._closing_norm and self._norm_closes()
            return True
        return False

    _closing_norm = False
    _closing_abs = False

    def _norm_closes(self) -> bool:
        """Whether the ``\\|`` here opens a norm closed before its bracket ends (``P \\| Q`` separates two)."""
        depth = 0
        for t in self.tokens[self.i + 1:self.i + 500]:  # bounded: a norm is never that long
            v = t.value
            if v in ("{", "(", "[", r"\left"):
                depth += 1
            elif v in ("}", ")", "]", r"\right"):
                depth -= 1
                if depth < 0:
                    return False
            elif depth == 0 and v in (r"\|", r"\rVert", r"\Vert"):
                return True
        return False

    def term(self) -> Node:
        """Hadamard products bind more loosely than other products: ``A ∘ 𝟏 γ`` is ``A ∘ (𝟏 γ)``."""
        self.skip_spacing()
        start = self.tok.offset
        node = self.product()
        while True:
            self.skip_spacing()
            if not (self.tok.kind == "cmd" and self.tok.value in LOOSE_PRODUCTS):
                return node
            op = LOOSE_PRODUCTS[self.take().value]
            # ∘ is the Hadamard product; ⊗, ⊕ and the set operations are not arithmetic: their own kind
            node = Node("op" if op == "∘" else "binary", op, (node, self.product()), start)

    def product(self) -> Node:
        self.skip_spacing()
        start = self.tok.offset
        factors: list[tuple[str, Node]] = [("*", self.factor())]
        while True:
            self.skip_spacing()
            t = self.tok
            if t.kind == "sym" and t.value in ("*", "/") or t.kind == "cmd" and t.value in (r"\cdot", r"\times",
                                                                                           r"\div", r"\ast"):
                self.take()
                factors.append(("/" if t.value in ("/", r"\div") else "*", self.factor()))
            elif t.kind == "sym" and t.value == "|" and self.peek().value in ("_", "^"):
                # f(x) \Big|_{x=0}: the product so far, evaluated
                bar = self.take()
                node = self.evaluation(_fold(factors, start), bar.offset)
                factors = [("*", node)]
            elif self._starts_factor():
                factors.append(("*", self.factor()))
            else:
                break
        if len(factors) > 1 and any(_is_dots(f) for _, f in factors):
            if any(op == "/" for op, _ in factors):
                raise LatexError("an ellipsis among quotients", _first_dots(factors).offset,
                                 "write the product with \\prod_{i=1}^{n}")
            return ellipsis_product([f for _, f in factors], start, self)
        return _fold(factors, start)

    def factor(self) -> Node:
        with self.nested():
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
        with self.nested():
            return self._atom()

    def _atom(self) -> Node:
        self.skip_spacing()
        t = self.tok
        if t.kind == "end":
            raise LatexError("the formula ends too early", t.offset, "complete the expression, or delete the "
                                                                     "operator or relation before the end")
        if t.kind == "num":
            self.take()
            return Node("num", t.value, (), t.offset)
        if t.kind == "letter":
            self.take()
            return Node("name", t.value, (), t.offset)
        if t.kind == "text":
            return self.word(self.take())
        if t.kind == "sym":
            if t.value in ("(", "["):
                self.take()
                items = self.formula_list()
                if t.value == "[" and self.at("sym", ")") or t.value == "(" and self.at("sym", "]"):
                    self.take()
                    return Node("tuple", t.value + self.tokens[self.i - 1].value, tuple(items), t.offset)  # [a, b)
                self.expect("sym", ")" if t.value == "(" else "]")
                return _bracketed(items, t.value, t.offset)
            if t.value == "{":
                self.take()
                if self.at("sym", "}"):
                    raise LatexError("empty braces", t.offset, "delete the {}")
                inner = self.formula()
                self.expect("sym", "}")
                if inner.kind in ("name", "sub"):
                    return inner  # {\hat{y}}: braces around one name only group it
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
                raise LatexError(f"unbalanced {t.value!r}", t.offset, "a closing bracket has no opening one: "
                                                                     "delete it or add its opening bracket")
            if t.value in (":", ".") and self.peek().value in (",", "}", ")", "]"):
                self.take()
                return Node("placeholder", t.value, (), t.offset)  # B_{i,:}, \log(.): every index, any argument
            if t.value == "_" or t.value == "^":
                raise LatexError(f"{t.value} with nothing before it", t.offset, "a script needs a name under it: "
                                                                                "write x_i or x^2")
            raise LatexError(f"unexpected {t.value!r}", t.offset, unexpected_hint(t.value))
        return self.command()

    def word(self, t: Token) -> Node:
        """``\\mathrm{SiLU}``, ``\\text{loss}``, or a word the note defines: one name (a call when applied)."""
        if t.value != t.value.strip() and t.value.strip() not in ("th", "st", "nd", "rd"):
            return Node("label", t.value.strip(), (), t.offset)  # \text{choose } i: prose, spaced as prose
        word = t.value.strip().rstrip(".,;:~")
        if not word:
            if t.value.strip():
                return Node("label", t.value.strip(), (), t.offset)  # \text{.}: punctuation
            raise LatexError("an empty \\text{}", t.offset, "delete the empty \\text{}")
        if word in ("th", "st", "nd", "rd"):
            return Node("label", word, (), t.offset)  # n^\textrm{th}
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word):
            return Node("label", word, (), t.offset)  # prose: \text{for unit variances}, \text{-value}
        if len(word) == 1:
            return Node("name", word, (), t.offset)
        return self.maybe_call(Node("call", word.replace(" ", ""), (), t.offset))

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
            if fn.name in OPTIMA:
                # \min_θ J(θ): an optimisation, not a function of its argument
                self.skip_spacing()
                # \max_t\left(C\right) W: a bracketed argument ends the body; \max_θ J(θ) runs on
                body = self.factor() if self.at("sym", "(") or self.at("cmd", r"\left") else self.product()
                return Node("optimum", fn.name, (body, parameter), fn.offset)
        self.skip_spacing()
        node = None
        if fn.name in self.values and power is None and parameter is None and fn.name not in FUNCTIONS and \
                (self.at("sym", "(") or self.at("cmd", r"\left")):
            self.read_as(f"read {fn.name} before a bracket as a value times the bracket (the formula uses "
                         f"{fn.name} as a value elsewhere)")
            return fn
        if self.at("sym", "(") or self.at("cmd", r"\left") or self.at("sym", "{") or \
                (self.at("sym", "[") and fn.name in ("E", "Var", "Cov", "P")):
            args = self.arguments()
            # LeakyReLU_{0.01}(z): a subscript on a function is its parameter
            node = Node("call", fn.name, args + ((parameter,) if parameter is not None else ()), fn.offset)
        elif self._starts_factor() and fn.name in FUNCTIONS | {"sigma"}:
            # \log_2 x: the subscript is the base, as in \log_2(x)
            node = Node("call", fn.name, (self.factor(),) + ((parameter,) if parameter is not None else ()),
                        fn.offset)
        else:
            node = Node("call", fn.name, (), fn.offset)
        if power is not None:
            label = self._label(power)
            if not node.args and label is not None and label.startswith(("(", "[")):
                return Node("name", f"{fn.name}^{{{label}}}", (), fn.offset)  # \mathrm{LN}^{(1)}: a layer's name
            if label == "T" and node.args:
                return Node("transpose", "", (node,), fn.offset)
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
            raise LatexError("expected an argument in brackets", opener.offset, "write f(x)")
        closer = ")" if opener.value == "(" else "]"
        args = self.formula_list()
        if left:
            self.expect("cmd", r"\right")
        self.expect("sym", closer)
        return tuple(args)


#: Operators whose subscript is the variable they range over: \max_θ J(θ), \operatorname{argmax}_y P(y).
OPTIMA = {"min", "max", "arg", "argmax", "argmin", "sup", "inf", "lim", "limsup", "liminf", "arg max", "arg min"}


def _is_dots(node: Node) -> bool:
    return node.kind == "dots" or node.kind == "neg" and node.args[0].kind == "dots"


def _first_dots(factors) -> Node:
    return next(f for _, f in factors if _is_dots(f))


def _fold(factors: list[tuple[str, Node]], start: int) -> Node:
    node = factors[0][1]
    for op, right in factors[1:]:
        node = Node("op", op, (node, right), start)
    return node


def _bracketed(items: list[Node], opener: str, offset: int) -> Node:
    """(a) is a bracketed expression, (a, b) a tuple: an interval, a point, or a function's arguments."""
    if len(items) > 1:
        return Node("tuple", opener, tuple(items), offset)
    return Node("paren", "", (items[0],), offset)
