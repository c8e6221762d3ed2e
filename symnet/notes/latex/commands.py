"""Backslash commands: fractions and derivatives, roots, big operators, brackets, norms, accents."""
from __future__ import annotations

from .grammar import _bracketed
from .hints import command_hint
from .tokens import ACCENTS, ELISIONS, FUNCTIONS, GREEK, WORDS, LatexError, Node

#: Commands that only decorate what they take: the content is read as if they were not there.
WRAPPERS = {"boxed", "color", "underbrace", "overbrace", "mathop", "mathbin", "mathrel", "mathord", "smash",
            "phantom", "underline", "cancel", "bbox", "textcolor", "mathstrut"}


class Commands:
    """Mixin of :class:`symnet.notes.latex.Parser`: a command and what it takes."""

    def command(self) -> Node:
        t = self.take()
        name = t.value[1:]
        if name == "cdot":
            return Node("placeholder", "·", (), t.offset)  # F(\cdot): "any argument"
        if name in GREEK or name == "ell":
            node = Node("name", t.value, (), t.offset)
            if name == "sigma" and (self.at("sym", "(") or self.at("cmd", r"\left")):
                return self.maybe_call(Node("call", "sigma", (), t.offset))
            return node
        if name in ("infty",):
            return Node("num", "oo", (), t.offset)
        if name in FUNCTIONS or name in ("min", "max", "arg", "sup", "inf", "lim", "Pr", "tr", "exp", "log"):
            return self.maybe_call(Node("call", "P" if name == "Pr" else name, (), t.offset))
        if name in ELISIONS:
            return Node("dots", name, (), t.offset)  # read by its pattern in a sum or product (patterns.py)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction(t.offset)
        if name == "binom":
            return Node("call", "binomial", (self.brace_body(), self.brace_body()), t.offset)
        if name == "sqrt":
            index = None
            if self.at("sym", "["):
                self.take()
                index = self.formula()
                self.expect("sym", "]")
            return Node("call", "sqrt", (self.group_or_atom(),) + ((index,) if index else ()), t.offset)
        if name in ("sum", "prod", "int", "iint", "oint"):
            return self.big_operator(name, t.offset)
        if name == "partial" and self.at("sym", "_"):
            # \partial_{w} L: the partial derivative by w of what follows
            self.take()
            variable = _ungrouped(self.script_group())
            self.skip_spacing()
            if self.at("end"):
                return Node("deriv", "", (None, variable, 1), t.offset)
            return Node("deriv", "", (self.product(), variable, 1), t.offset)
        if name == "partial":
            raise LatexError("a ∂ outside a fraction", t.offset, r"write \frac{\partial L}{\partial w}")
        if name == "nabla" and self.at("sym", "^"):
            self.take()
            order = _ungrouped(self.script_group())
            return Node("nabla2", order.name, (None, self.factor()), t.offset)  # \nabla^2 f: the Hessian
        if name == "nabla":
            sub = None
            if self.at("sym", "_"):
                self.take()
                sub = self.script_group()
            body = self.factor()
            return Node("nabla", "", (sub.args[0] if sub is not None and sub.kind == "group" else sub, body), t.offset)
        if name == "left":
            return self.left(t.offset)
        if name in ("{", "lbrace"):
            return self.set_braces(t.offset, r"\}")
        if name == "langle":
            items = self.formula_list()
            self.expect("cmd", r"\rangle")
            return Node("call", "inner", tuple(items), t.offset)
        if name in ("lfloor", "lceil"):
            inner = self.formula()
            self.expect("cmd", r"\rfloor" if name == "lfloor" else r"\rceil")
            return Node("call", "floor" if name == "lfloor" else "ceiling", (inner,), t.offset)
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
            if not (self.at("cmd", r"\rvert") or self.at("cmd", r"\vert")):
                raise LatexError("an absolute value | is never closed", t.offset, "close it with \\rvert")
            self.take()
            return Node("abs", "", (inner,), t.offset)
        if name in ACCENTS:
            return self.accent(name, t.offset)
        if name in WORDS:
            # \mathrm d, \text x without braces: the one letter that follows
            letter = self.take()
            if letter.kind not in ("letter", "num"):
                raise LatexError(f"\\{name} without braces over {letter.value or 'nothing'}", t.offset,
                                 f"write \\{name}{{…}}")
            return self.word(letter)
        if name in WRAPPERS:
            if name == "color":
                self.raw_group()
            inner = self.group_or_atom()
            if name in ("underbrace", "overbrace") and self.at("sym", "_" if name == "underbrace" else "^"):
                self.take()
                self.script_group()  # the brace's caption
            return Node("group", "", (inner,), t.offset)
        if name == "begin":
            return self.environment(t.offset)
        if name in ("top", "intercal"):
            return Node("name", "T", (), t.offset)
        if name in ("emptyset", "varnothing", "hbar", "aleph", "star", "dagger", "prime", "ast"):
            return Node("name", t.value, (), t.offset)
        raise LatexError(f"unknown command \\{name}", t.offset, command_hint(name))

    def left(self, offset: int) -> Node:
        """``\\left( … \\right)`` and its kin; ``\\left. … \\right|_{x=0}`` is an evaluation bar."""
        opener = self.take()
        if opener.value in ("(", "["):
            items = self.formula_list()
            self.expect("cmd", r"\right")
            closer = self.take()
            if opener.value == "[" and closer.value == ")" or opener.value == "(" and closer.value == "]":
                return Node("tuple", opener.value + closer.value, tuple(items), offset)  # an interval [a, b)
            return _bracketed(items, opener.value, offset)
        if opener.value in ("|", r"\vert", r"\lvert"):
            inner = self.expr()
            self.expect("cmd", r"\right")
            self.take()
            return Node("abs", "", (inner,), offset)
        if opener.value in (r"\|", r"\lVert", r"\Vert"):
            outer, self._closing_norm = self._closing_norm, True
            try:
                inner = self.expr()
            finally:
                self._closing_norm = outer
            self.expect("cmd", r"\right")
            self.take()
            return Node("norm", "", (inner,), offset)
        if opener.value in (r"\{", r"\lbrace"):
            if self.at("cmd", r"\begin") and self.peek(2).value + self.peek(3).value in ("ca", "ar", "dc", "rc"):
                inner = self.atom()  # \left\{ \begin{array}{ll} … \end{array} \right.: a piecewise definition
                self.expect("cmd", r"\right")
                self.take()
                return _piecewise(inner)
            node = self.set_braces(offset, r"\right")
            self.take()  # \right\} or \right.
            return node
        if opener.value == ".":
            inner = self.formula()
            self.expect("cmd", r"\right")
            closer = self.take()
            if closer.value in ("|", r"\vert", r"\rvert") and (self.at("sym", "_") or self.at("sym", "^")):
                return self.evaluation(inner, closer.offset)
            return Node("paren", "", (inner,), offset)
        if opener.value == r"\langle":
            items = self.formula_list()
            self.expect("cmd", r"\right")
            self.take()
            return Node("call", "inner", tuple(items), offset)
        raise LatexError(f"cannot read \\left{opener.value}", opener.offset,
                         "use \\left( … \\right), \\left[ … \\right], \\left| … \\right| or \\left\\{ … \\right\\}")

    def evaluation(self, body: Node, offset: int) -> Node:
        """``… \\Big|_{x=0}`` or ``\\left. … \\right|_{a}^{b}``: the body with its variable given a value (or
        the difference between two values)."""
        lower = upper = None
        for _ in range(2):
            if self.at("sym", "_"):
                self.take()
                lower = _ungrouped(self.script_group())
            elif self.at("sym", "^"):
                self.take()
                upper = _ungrouped(self.script_group())
        if lower is None:
            raise LatexError("an evaluation bar without its point", offset, "write …\\Big|_{x=0}")
        return Node("evaluate", "", (body, lower, upper), offset)

    def set_braces(self, offset: int, closer: str) -> Node:
        """``\\{1, 2, 3\\}``, ``\\{x \\mid x > 0\\}``, ``\\{x : x > 0\\}``: a set (mentioned, not evaluated)."""
        if self.at("cmd", closer) or closer == r"\right" and self.at("cmd", r"\right"):
            self.take() if closer != r"\right" else None
            return Node("set", "", (), offset)
        outer, self._closing_abs = self._closing_abs, True  # \{x | x > 0\}: the bar is the set's, not |x|
        try:
            items = [self.formula()]
            while self.at("sym", ","):
                self.take()
                items.append(self.formula())
        finally:
            self._closing_abs = outer
        if self.at("cmd", r"\mid") or self.at("sym", "|") or self.at("sym", ":") or self.at("cmd", r"\colon"):
            self.take()
            conditions = [self.formula()]
            while self.at("sym", ",") or self.at_connective():
                self.take()
                conditions.append(self.formula())
            node = Node("set", "|", (tuple(items), tuple(conditions)), offset)
        else:
            node = Node("set", "", tuple(items), offset)
        if closer != r"\right":
            self.expect("cmd", closer)
        elif not self.at("cmd", r"\right"):
            raise LatexError("a set's \\left\\{ is never closed", offset, "close it with \\right\\}")
        else:
            self.take()
        return node

    def accent(self, name: str, offset: int) -> Node:
        """``\\hat{y}``, ``\\mathbf{x}``, ``\\mathbf X`` (braces or not), ``\\mathbb{E}``, ``\\mathbb{1}``."""
        if name == "mathbb" and self.at("sym", "{"):
            close = self.peek(2)
            letter = self.peek(1)
            if close.value == "}" and letter.value in ("E", "1", "P"):
                self.i += 3
                if letter.value in ("E", "P"):
                    return self.maybe_call(Node("call", letter.value, (), offset))
                return self.maybe_call(Node("call", "indicator", (), offset))
        if name == "mathbb" and self.at("letter", "E"):
            self.take()
            return self.maybe_call(Node("call", "E", (), offset))
        inner = self.group_or_atom() if self.at("sym", "{") else self.atom()  # \mathbf X^T: the X alone
        if inner.kind == "call" and not inner.args:
            inner = Node("name", inner.name, (), inner.offset)  # \widehat{\mathrm{price}}
        if inner.kind == "num":
            inner = Node("name", inner.name, (), inner.offset)  # \mathbf{1}, the ones vector
        if inner.kind == "name":
            return Node("name", f"\\{name}{{{inner.name}}}", (), offset)
        if inner.kind == "sub" and inner.args[0].kind == "name":
            # \vec{w_1} names w_1 with an accent on the whole: read as the accented w, subscript 1
            base = inner.args[0]
            return Node("sub", "", (Node("name", f"\\{name}{{{base.name}}}", (), base.offset),) + inner.args[1:],
                        offset)
        if inner.kind == "transpose" and inner.args[0].kind == "name":
            return Node("transpose", "", (Node("name", f"\\{name}{{{inner.args[0].name}}}", (), offset),), offset)
        if name in ("mathbf", "boldsymbol", "bm") and inner.kind in ("op", "neg", "paren", "call", "group"):
            return Node("group", "", (inner,), offset)  # \mathbf{W x + b}: bold type over an expression
        raise LatexError(f"\\{name} over an expression", offset, f"put \\{name} on a single name, e.g. \\{name}{{x}}")

    def fraction(self, offset: int) -> Node:
        num = self.brace_body()
        den = self.brace_body()
        if _variation(den) is not None and (_variation(num) is not None or
                                            num.kind == "name" and num.name == r"\delta"):
            # \frac{\delta L}{\delta w}: a derivative written with δ (variations, functional derivatives)
            num, den = _variation(num), _variation(den)
        d_num, d_den = _differential(num), _differential(den)
        if d_den is not None:
            variable, order = d_den
            if variable is not None and variable.kind == "op" and variable.name == "^" and \
                    variable.args[1].kind == "num":
                # \partial w^2 in a denominator: the second derivative with respect to w
                variable, order = variable.args[0], int(variable.args[1].name)
            if d_num is None and (den.kind != "partial" or den.name == "d"):
                # \frac{1}{d}: d is a size here, not a differential
                return Node("op", "/", (num, _undifferential(den)), offset)
            if d_num is None:
                raise LatexError("a derivative's numerator needs ∂ or d", offset,
                                 r"write \frac{\partial L}{\partial w}")
            target, order_num = d_num
            if target is None:
                # \frac{d}{dx} f: the operand follows (none: the operator itself, mentioned)
                self.skip_spacing()
                if self.at("end") or self.tok.kind == "sym" and self.tok.value in ("}", ")", ",", "=", "."):
                    return Node("deriv", "", (None, variable, order), offset)
                # the operand is the whole product written after it: \frac{d}{dθ} θ^9 (1 - θ)^4
                target = self.factor()
                while True:
                    self.skip_spacing()
                    if not self._starts_factor():
                        break
                    target = Node("op", "*", (target, self.factor()), target.offset)
            return Node("deriv", "", (target, variable, order), offset)
        return Node("op", "/", (num, den), offset)

    def brace_body(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "{"):
            self.take()
            if self.at("sym", "}"):
                raise LatexError("an empty fraction part", self.tok.offset, "write the numerator and the "
                                                                               "denominator: \\frac{a}{b}")
            inner = self.formula()
            self.expect("sym", "}")
            return inner
        t = self.tok
        if t.kind == "num":
            return self.first_digit()
        return self.atom()

    def big_operator(self, name: str, offset: int) -> Node:
        if self.at("end"):
            return Node("name", "\\" + name, (), offset)  # the symbol itself, mentioned
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
        if name in ("int", "iint", "oint"):
            body, variable = _integrand(body)
            return Node("integral", name, (lower_inner, upper_inner, body, variable), offset)
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
    if node.kind == "op" and node.name == "*":
        # \partial f(\mathbf{x}): the differential's target runs on over the juxtaposed factors
        inner = _differential(node.args[0])
        if inner is not None and inner[0] is not None:
            return Node("op", "*", (inner[0], node.args[1]), node.offset), inner[1]
    return None



def _variation(node: Node) -> Node | None:
    """``δL`` (δ times what follows) in a fraction part, as the differential ∂L; a lone δ as ∂; else None."""
    if node.kind == "name" and node.name == r"\delta":
        return Node("partial", "∂", (None, 1), node.offset)
    factors = []
    while node.kind == "op" and node.name == "*":
        factors.insert(0, node.args[1])
        node = node.args[0]
    if node.kind != "name" or node.name != r"\delta" or not factors:
        return None
    target = factors[0]
    for f in factors[1:]:
        target = Node("op", "*", (target, f), target.offset)
    return Node("partial", "∂", (target, 1), node.offset)


def _ungrouped(node: Node) -> Node:
    return node.args[0] if node.kind == "group" and len(node.args) == 1 else node


def _piecewise(node: Node) -> Node:
    r"""``\left\{ \begin{array}{ll} a & x > 0 \\ b & x \le 0 \end{array} \right.``: the array's rows as cases."""
    if node.kind == "piecewise":
        return node
    if node.kind == "matrix" and all(len(row) == 2 for row in node.args):
        from .environments import case
        return Node("piecewise", "", tuple(case(row[0], row[1]) for row in node.args), node.offset)
    raise LatexError(r"a \left\{ with something other than cases", node.offset,
                     r"write the cases with \begin{cases} value & condition \\ … \end{cases}")


def _integrand(body: Node) -> tuple[Node, Node | None]:
    r"""``f(x)\,dx`` → (f(x), x): the differential that closes an integral, when there is one."""
    if body.kind == "op" and body.name == "*":
        left, right = body.args
        if left.kind == "name" and left.name == "d" and right.kind in ("name", "sub"):
            return Node("num", "1", (), body.offset), right
        if left.kind == "op" and left.name == "*" and left.args[1].kind == "name" and left.args[1].name == "d" \
                and right.kind in ("name", "sub"):
            return left.args[0], right
    return body, None


def _undifferential(node: Node) -> Node:
    """A ``d`` read as a differential, read back as the name d (times what followed it)."""
    if node.kind == "partial" and node.name == "d":
        d = Node("name", "d", (), node.offset)
        target, order = node.args
        if order != 1:
            d = Node("op", "^", (d, Node("num", str(order), (), node.offset)), node.offset)
        return d if target is None else Node("op", "*", (d, target), node.offset)
    return node
