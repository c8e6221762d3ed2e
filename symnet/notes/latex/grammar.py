"""The core of the recursive-descent parser: relations, sums, products, factors and atoms.

Every level that can recurse counts its depth (:data:`MAX_DEPTH`), so no input reaches Python's recursion
limit: too deep a formula is a :class:`LatexError` with a hint, like any other formula symnet cannot read.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from .hints import unexpected_hint
from .patterns import ellipsis_product, ellipsis_sum
from .tokens import _CJK, FUNCTIONS, MAX_DEPTH, RELATIONS, SPACING, LatexError, Node, Token, tokenize

#: Relations written as commands that tokens.RELATIONS does not list, and what they mean.
MORE_RELATIONS = {r"\sim": "∼", r"\propto": "∝", r"\ll": "≪", r"\gg": "≫", r"\subseteq": "⊆", r"\subset": "⊂",
                  r"\Rightarrow": "⇒", r"\implies": "⇒", r"\iff": "⇔", r"\Leftrightarrow": "⇔", r"\mapsto": "↦",
                  r"\simeq": "≃", r"\cong": "≃", r"\doteq": ":=", r"\eqqcolon": ":=", r"\notin": "∉",
                  r"\longrightarrow": "→", r"\neq": "≠", r"\geqslant": "≥", r"\leqslant": "≤",
                  r"\Leftarrow": "⇐", r"\perp": "⊥", r"\vdash": "⊢", r"\models": "⊨"}
#: Words over an ``=`` (``\stackrel{\text{def}}{=}``, ``\overset{\triangle}{=}``) that make it a definition.
DEFINING_LABELS = {"def", "defn", "define", "defined", "Δ", r"\triangle", r"\Delta", ":", "by def"}
#: Tokens that end a product: relations, operators of lower precedence, closers and separators.
STOPS = {r"\cdot", r"\times", r"\div", r"\circ", r"\odot", r"\otimes", r"\oplus", r"\pm", r"\mp", r"\right",
         r"\end", r"\\", r"\rVert", r"\rvert", r"\|", r"\quad", r"\qquad", r"\mid", r"\}", r"\rangle",
         r"\tag", r"\label", r"\nonumber", r"\notag", r"\vert", r"\Vert", r"\rbrace", r"\bigr", r"\Bigr",
         r"\biggr", r"\Biggr", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\middle", r"\colon", r"\wedge", r"\land",
         r"\lor", r"\vee", r"\forall", r"\exists", r"\%"}
#: Hadamard-like products that bind more loosely than juxtaposition.
LOOSE_PRODUCTS = {r"\circ": "∘", r"\odot": "∘", r"\otimes": "⊗", r"\oplus": "⊕", r"\cap": "∩", r"\cup": "∪",
                  r"\setminus": "∖"}
#: Words between formulas: "and" separates two, "for"/"where"/"if" introduce a condition on what precedes.
CONNECTIVES = {"and", "or", ",", "and,"}
CONDITIONS = {"for", "for all", "where", "if", "when", "with", "s.t.", "such that", "whenever", "since", "as",
              "for any", "for every", "for each", "given", "subject to", "unless", "iff", "i.e.", "e.g."}


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

    # -- relations -----------------------------------------------------------------------------------------
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
                    v in (r"\stackrel", r"\overset"):
                return v == r"\|" and not self._closing_norm and self._norm_closes()
            return True
        return False

    _closing_norm = False
    _closing_abs = False

    def _norm_closes(self) -> bool:
        """Whether the ``\\|`` here opens a norm closed before its bracket ends (``P \\| Q`` separates two)."""
        depth = 0
        for t in self.tokens[self.i + 1:self.i + 2000]:  # bounded: a norm is never that long
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
            node = Node("op", op, (node, self.product()), start)

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
        word = t.value
        if not word:
            raise LatexError("an empty \\text{}", t.offset, "delete the empty \\text{}")
        if word in ("th", "st", "nd", "rd"):
            return Node("label", word, (), t.offset)  # n^\textrm{th}
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", word) or " " in word.strip():
            if _CJK.search(word) or " " in word.strip() or not re.search(r"[A-Za-z0-9]", word):
                return Node("label", word, (), t.offset)  # prose: \text{for unit variances}
            raise LatexError(f"cannot read {word!r} as a name", t.offset,
                             "use letters only inside \\mathrm{…} or \\operatorname{…}")
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
            node = Node("call", fn.name, (self.factor(),), fn.offset)
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


def _is_dots(node: Node) -> bool:
    return node.kind == "dots" or node.kind == "neg" and node.args[0].kind == "dots"


def _first_dots(factors) -> Node:
    return next(f for _, f in factors if _is_dots(f))


def _fold(factors: list[tuple[str, Node]], start: int) -> Node:
    node = factors[0][1]
    for op, right in factors[1:]:
        node = Node("op", op, (node, right), start)
    return node


def _dimensions(power: Node) -> tuple:
    """``n \\times d`` (or ``n \\cdot d``, ``d``) in ``\\mathbb{R}^{…}``: the sizes, in order."""
    if power.kind == "group" and len(power.args) == 1:
        power = power.args[0]
    if power.kind == "op" and power.name == "*":
        return _dimensions(power.args[0]) + _dimensions(power.args[1])
    return (power,)


def _bracketed(items: list[Node], opener: str, offset: int) -> Node:
    """(a) is a bracketed expression, (a, b) a tuple: an interval, a point, or a function's arguments."""
    if len(items) > 1:
        return Node("tuple", opener, tuple(items), offset)
    return Node("paren", "", (items[0],), offset)
