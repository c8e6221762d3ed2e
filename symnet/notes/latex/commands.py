"""Backslash commands: fractions and derivatives, roots, big operators, brackets, norms, accents."""
from __future__ import annotations

from .grammar import _bracketed
from .hints import command_hint
from .tokens import ACCENTS, ELISIONS, FUNCTIONS, GREEK, LatexError, Node


class Commands:
    """Mixin of :class:`symnet.notes.latex.Parser`: a command and what it takes."""

    def command(self) -> Node:
        t = self.take()
        name = t.value[1:]
        if name == "cdot":
            return Node("placeholder", "·", (), t.offset)  # F(\cdot): "any argument"
        if name in GREEK:
            node = Node("name", t.value, (), t.offset)
            if name == "sigma" and (self.at("sym", "(") or self.at("cmd", r"\left")):
                return self.maybe_call(Node("call", "sigma", (), t.offset))
            return node
        if name in ("infty",):
            return Node("num", "oo", (), t.offset)
        if name in FUNCTIONS:
            return self.maybe_call(Node("call", name, (), t.offset))
        if name in ELISIONS:
            raise LatexError(f"'\\{name}' elides terms", t.offset, "symnet cannot check a formula with elided terms")
        if name in ("frac", "dfrac", "tfrac"):
            return self.fraction(t.offset)
        if name == "sqrt":
            index = None
            if self.at("sym", "["):
                self.take()
                index = self.formula()
                self.expect("sym", "]")
            return Node("call", "sqrt", (self.group_or_atom(),) + ((index,) if index else ()), t.offset)
        if name in ("sum", "prod"):
            return self.big_operator(name, t.offset)
        if name == "partial":
            raise LatexError("a ∂ outside a fraction", t.offset, r"write \frac{\partial L}{\partial w}")
        if name == "nabla":
            sub = None
            if self.at("sym", "_"):
                self.take()
                sub = self.script_group()
            body = self.factor()
            return Node("nabla", "", (sub.args[0] if sub is not None and sub.kind == "group" else sub, body), t.offset)
        if name == "left":
            opener = self.take()
            if opener.value in ("(", "["):
                items = self.formula_list()
                self.expect("cmd", r"\right")
                self.take()
                return _bracketed(items, opener.value, t.offset)
            if opener.value in ("|", r"\vert"):
                inner = self.expr()
                self.expect("cmd", r"\right")
                self.take()
                return Node("abs", "", (inner,), t.offset)
            if opener.value in (r"\|", r"\lVert", r"\Vert"):
                outer, self._closing_norm = self._closing_norm, True
                try:
                    inner = self.expr()
                finally:
                    self._closing_norm = outer
                self.expect("cmd", r"\right")
                self.take()
                return Node("norm", "", (inner,), t.offset)
            if opener.value == r"\{" or opener.value == "{":
                inner = self.formula()
                self.expect("cmd", r"\right")
                self.take()
                return Node("paren", "", (inner,), t.offset)
            raise LatexError(f"cannot read \\left{opener.value}", opener.offset)
        if name in ("lVert", "Vert") or t.value == r"\|":
            outer, self._closing_norm = self._closing_norm, True
            try:
                inner = self.expr()
            finally:
                self._closing_norm = outer
            if not (self.at("cmd", r"\rVert") or self.at("cmd", r"\|") or self.at("cmd", r"\Vert")):
                raise LatexError("a norm ‖ is never closed", t.offset, "close it with \\|")
            self.take()
            return Node("norm", "", (inner,), t.offset)
        if name in ("lvert", "vert"):
            inner = self.expr()
            self.take()
            return Node("abs", "", (inner,), t.offset)
        if name in ACCENTS:
            if name == "mathbb" and self.at("sym", "{"):
                close = self.tokens[self.i + 2] if self.i + 2 < len(self.tokens) else None
                letter = self.tokens[self.i + 1]
                if close is not None and close.value == "}" and letter.value in ("E", "1"):
                    self.i += 3
                    if letter.value == "E":
                        return self.maybe_call(Node("call", "E", (), t.offset))
                    return self.maybe_call(Node("call", "indicator", (), t.offset))
            inner = self.group_or_atom()
            if inner.kind == "call" and not inner.args:
                inner = Node("name", inner.name, (), inner.offset)  # \widehat{\mathrm{price}}
            if inner.kind == "num":
                inner = Node("name", inner.name, (), inner.offset)  # \mathbf{1}, the ones vector
            if inner.kind == "name":
                return Node("name", f"\\{name}{{{inner.name}}}", (), t.offset)
            if inner.kind == "sub" and inner.args[0].kind == "name":
                # \vec{w_1} names w_1 with an accent on the whole: read as the accented w, subscript 1
                base = inner.args[0]
                return Node("sub", "", (Node("name", f"\\{name}{{{base.name}}}", (), base.offset),) + inner.args[1:],
                            t.offset)
            raise LatexError(f"\\{name} over an expression", t.offset, f"put \\{name} on a single name")
        if name == "begin":
            return self.matrix(t.offset)
        if name in ("min", "max", "arg"):
            return self.maybe_call(Node("call", name, (), t.offset))
        if name == "top":
            return Node("name", "T", (), t.offset)
        raise LatexError(f"unknown command \\{name}", t.offset, command_hint(name))

    def fraction(self, offset: int) -> Node:
        num = self.brace_body()
        den = self.brace_body()
        d_num, d_den = _differential(num), _differential(den)
        if d_den is not None:
            variable, order = d_den
            if variable is not None and variable.kind == "op" and variable.name == "^" and \
                    variable.args[1].kind == "num":
                # \partial w^2 in a denominator: the second derivative with respect to w
                variable, order = variable.args[0], int(variable.args[1].name)
            if d_num is None:
                raise LatexError("a derivative's numerator needs ∂ or d", offset,
                                 r"write \frac{\partial L}{\partial w}")
            target, order_num = d_num
            if target is None:
                # \frac{d}{dx} f: the operand follows
                self.skip_spacing()
                target = self.factor()
            return Node("deriv", "", (target, variable, order), offset)
        return Node("op", "/", (num, den), offset)

    def brace_body(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "{"):
            self.take()
            if self.at("sym", "}"):
                raise LatexError("an empty fraction part", self.tok.offset)
            inner = self.formula()
            self.expect("sym", "}")
            return inner
        t = self.tok
        if t.kind == "num":
            return self.first_digit()
        return self.atom()

    def big_operator(self, name: str, offset: int) -> Node:
        lower = upper = None
        for _ in range(2):
            self.skip_spacing()
            if self.at("sym", "_"):
                self.take()
                lower = self.script_group()
            elif self.at("sym", "^"):
                self.take()
                upper = self.script_group()
        lower_inner = lower.args[0] if lower is not None and lower.kind == "group" and lower.args else lower
        upper_inner = upper.args[0] if upper is not None and upper.kind == "group" and upper.args else upper
        if upper_inner is not None and upper_inner.kind == "rel" and (lower_inner is None or lower_inner.kind != "rel"):
            raise LatexError(f"the bounds of \\{name} look reversed", offset,
                             f"write \\{name}_{{i=1}}^{{n}}, the index below and the end above")
        body = self.term()
        return Node(name, "", (lower_inner, upper_inner, body), offset)


def _differential(node: Node) -> tuple | None:
    """A fraction part that is a differential — ``∂A``, ``∂^2 A``, ``dA``, ``d``, ``∂`` (read by
    :class:`_PartialParser` as a 'partial' node) — as (target or None, order); else None."""
    if node.kind == "partial":
        return node.args[0], node.args[1]
    if node.kind == "name" and node.name == "d":
        return None, 1
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and node.args[0].name in ("d",):
        return node.args[1], 1
    return None

