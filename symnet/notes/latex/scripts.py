"""Sub- and superscripts: index tuples, labels (``W^{(1)}``, ``d_{model}``), powers and transposes.

How a subscript is read (the rule, in order):

1. Commas separate indices: ``W_{i,j}`` has the indices i and j; ``x_{i-1}`` has one, i − 1.
2. A run of letters is a tuple of indices when every letter is an index letter (i j k l m n p q r s t u v)
   and there are at most three: ``W_{ij}`` is W_{i,j}. Any other run is one label: ``W_{hh}``, ``W_{xh}``,
   ``y_{true}``, ``d_{model}`` (and the words of :data:`LABEL_WORDS`, such as ``W_{in}``).
3. Numbers and index letters written apart are separate indices: ``W_{1 2}``, ``W_{1 j}``, ``w_{j1}``; a number
   written against a letter is its coefficient: ``x_{2i}`` is x_{2·i} (recorded as a reading).
4. A number of several digits alone is ambiguous: under a capital (a matrix, ``W_{12}``) it is read as a pair
   of one-digit indices W_{1,2}; under anything else (``x_{12}``) as one index, 12. Both readings are recorded.

A superscript is a power unless it labels: ``^{(l)}``, ``^{[l]}``, ``^{new}``, ``^\\text{old}``, ``^*``,
``^\\textrm{th}``; a bare ``l`` (or ``l-1``, ``l+1``) over a name, or ``L`` over a capital or bold name, is a
layer label (recorded as a reading); ``^T``, ``^\\top``, ``^\\intercal``, ``^{\\mathsf{T}}`` transpose.
"""
from __future__ import annotations

import math
import re

from .tokens import GREEK, MAX_DIGITS_OF_VALUE, MAX_TOWER, LatexError, Node, Token

INDEX_LETTERS = set("ijklmnpqrstuv")
#: Runs of index letters that are words, hence labels: W_{in}, x_{up}.
LABEL_WORDS = {"in", "up", "lr", "un", "mu", "nu", "pi", "rms", "sum", "min", "max", "std", "var", "rnn", "lstm"}
LAYER = re.compile(r"^[lL](\s*[+-]\s*1)?$")
MAX_FACTORIAL = 1000


class Scripts:
    """Mixin of :class:`symnet.notes.latex.Parser`: what follows ``^``, ``_`` and ``'``."""

    def scripts(self, node: Node) -> Node:
        sup: Node | None = None
        sub: Node | None = None
        sub_first = False
        while True:
            if self.at("sym", "^"):
                t = self.take()
                if sup is not None:
                    raise LatexError("double superscript", t.offset, "group it: x^{ab}")
                sup = self.exponent_group()
                sub_first = sub is not None
            elif self.at("sym", "_"):
                t = self.take()
                if sub is not None:
                    raise LatexError("double subscript", t.offset, "group it: x_{ij}")
                sub = self.script_group()
            elif self.at("sym", "'"):
                t = self.take()
                node = Node("prime", "", (node,), t.offset)
            else:
                break
        if self.at("cmd", r"\%"):
            t = self.take()
            node = Node("op", "/", (node, Node("num", "100", (), t.offset)), node.offset)  # 10\%: a hundredth
        if self.at("sym", "!"):
            self.take()
            if node.kind == "num" and float(node.name) > MAX_FACTORIAL:
                raise LatexError(f"the factorial of {node.name} is too large to check", node.offset,
                                 f"symnet checks factorials of numbers up to {MAX_FACTORIAL}; write n! with a name")
            node = Node("call", "factorial", (node,), node.offset)
        if sub is not None:
            if node.kind == "name" and node.name == "e" and sup is not None and not sub_first:
                raise LatexError("e^x_i puts the subscript on e", sub.offset, "write e^{x_i}")
            node = self.subscripted(node, sub)
        if sup is not None:
            node = self.superscripted(node, sup)
        return node

    def exponent_group(self) -> Node:
        """A superscript, counting exponents inside exponents (a tower past :data:`MAX_TOWER` is refused)."""
        self.tower += 1
        try:
            if self.tower > MAX_TOWER:
                raise LatexError(f"an exponent tower higher than {MAX_TOWER}", self.tok.offset,
                                 "name the inner exponent in its own formula, e.g. u = b^{c}, then a^{u}")
            return self.script_group()
        finally:
            self.tower -= 1

    def first_digit(self) -> Node:
        """An unbraced script or fraction part takes one digit: x^23 is x^2 3, \\frac12 is 1/2."""
        t = self.take()
        if len(t.value) > 1:
            self.tokens.insert(self.i, Token("num", t.value[1:], t.offset + 1))
        return Node("num", t.value[0], (), t.offset)

    def script_group(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "*") or (self.at("sym", "{") and self.peek().value == "*" and self.peek(2).value == "}"):
            # w^*, w^{*}: the optimum's label
            t = self.tok
            self.i += 1 if self.at("sym", "*") else 3
            return Node("label", "*", (), t.offset)
        if self.at("sym", "{"):
            t = self.take()
            if self.at("sym", "}"):
                self.take()
                return Node("group", "", (), t.offset)
            items = self.formula_list()
            close = self.expect("sym", "}")
            # the group's source text: ^{(s1)} labels by it
            return Node("group", self.text[t.offset + 1:close.offset].strip(), tuple(items), t.offset)
        t = self.tok
        if t.kind == "num":
            return self.first_digit()
        if t.kind == "letter":
            self.take()
            return Node("name", t.value, (), t.offset)
        if t.kind == "text":
            self.take()
            return Node("label", t.value, (), t.offset)
        if t.kind == "cmd" and (t.value[1:] in GREEK or t.value in (r"\top", r"\prime", r"\infty", r"\star", r"\ast",
                                                                   r"\intercal", r"\ell", r"\dagger", r"\circ")):
            self.take()
            return Node("name", t.value, (), t.offset)
        if t.kind == "sym" and t.value == "-" or t.kind == "sym" and t.value == "+":
            raise LatexError("a signed script needs braces", t.offset, "write x^{-1}")
        return self.atom()

    @staticmethod
    def _label(group: Node) -> str | None:
        """A superscript that names rather than powers: ^{(1)}, ^{[1]}, ^{new}, ^{\\text{old}}, ^T."""
        inner = group.args[0] if group.kind == "group" and len(group.args) == 1 else group
        if inner.kind == "label" or (inner.kind == "call" and not inner.args):
            return "T" if inner.name == "T" else inner.name
        if inner.kind == "name" and inner.name in (r"\ast", r"\star"):
            return "*"  # x^{\ast}: the optimum's label, as x^*
        if group.kind == "group" and inner.kind in ("paren", "tuple") and group.name[:1] + group.name[-1:] in \
                ("()", "[]"):
            return group.name.replace(" ", "")  # ^{(1)}, ^{[l-1]}, ^{(s1)}: which layer, not a power
        if inner.kind == "name" and inner.name in ("T", r"\top", r"\intercal", r"\mathsf{T}"):
            return "T"
        if inner.kind == "op" and inner.name == "*" and "\\" not in group.name:
            letters = _letters(inner)
            if letters and len(letters) >= 3:
                return "".join(letters)
        return None

    def _layer(self, node: Node, sup: Node) -> str | None:
        """``W^L``, ``a^l``, ``\\delta^{l+1}``: a layer's label rather than a power (see the module's rule)."""
        source = sup.name if sup.kind == "group" else (sup.name if sup.kind == "name" else "")
        if not LAYER.match(source.strip()):
            return None
        base = node.args[0] if node.kind == "sub" else node
        if base.kind != "name" or base.name in ("e", r"\pi"):
            return None
        capital = base.name[:1].isupper() or base.name.startswith(("\\mathbf", "\\boldsymbol", "\\bm", "\\vec"))
        if source.strip().startswith("L") and not capital:
            return None
        label = source.replace(" ", "")
        self.read_as(f"read {base.name}^{label} as the layer label {label}, not a power")
        return label

    def superscripted(self, node: Node, sup: Node) -> Node:
        if sup.kind in ("name", "group") and (sup.name == r"\circ" or sup.args and sup.args[0].kind == "name" and
                                              sup.args[0].name == r"\circ") and node.kind in ("num", "name"):
            # 90^{\circ}: degrees, in radians
            radians = Node("op", "*", (node, Node("name", r"\pi", (), sup.offset)), node.offset)
            return Node("op", "/", (radians, Node("num", "180", (), sup.offset)), node.offset)
        label = self._label(sup)
        if label is not None and label.startswith("(") and node.kind == "name" and node.name == "e":
            if re.fullmatch(r"\((\w|\\[a-z]+|\d+)\)", label):
                self.read_as(f"read e^{{{label}}} as the label {label} on e, not a power")  # e^{(k)}: step k's e
            else:
                label = None  # e^{(x+1)} is a power
        if label == "T":
            return Node("transpose", "", (node,), node.offset)
        primes = _primes(sup)
        if label is None and primes:
            # f^\prime, σ^{\prime}, f^{\prime\prime}: derivatives, however the primes are grouped
            for _ in range(primes):
                node = Node("prime", "", (node,), node.offset)
            return node
        if label is None and node.kind in ("name", "sub"):
            label = self._layer(node, sup)
        if label is not None:
            if node.kind == "name":
                return Node("name", f"{node.name}^{{{label}}}", (), node.offset)
            if node.kind == "sub" and node.args[0].kind == "name":
                base = node.args[0]
                return Node("sub", "", (Node("name", f"{base.name}^{{{label}}}", (), base.offset),) + node.args[1:],
                            node.offset)
            if label in ("th", "st", "nd", "rd"):
                return node  # (n+1)^\text{th}: an ordinal's ending
            raise LatexError(f"the label ^{{{label}}} needs a name under it", sup.offset,
                             "put the label on a single name, e.g. W^{(1)}")
        exponent = sup.args[0] if sup.kind == "group" and sup.args else sup
        if sup.kind == "group" and not sup.args:
            raise LatexError("an empty superscript", sup.offset, "delete the ^{}")
        if sup.kind == "group" and len(sup.args) > 1:
            raise LatexError("a list as an exponent", sup.offset, "write one exponent, e.g. x^{2}")
        digits = _log10(Node("op", "^", (node, exponent)))
        if digits is not None and digits > MAX_DIGITS_OF_VALUE:
            raise LatexError(f"a number with about 10^{math.log10(digits):.0f} digits", node.offset,
                             f"symnet evaluates numbers of up to {MAX_DIGITS_OF_VALUE} digits; use a name for it")
        if node.kind == "call" and not node.args:
            return Node("fpow", node.name, (exponent,), node.offset)
        return Node("op", "^", (node, exponent), node.offset)

    def subscripted(self, node: Node, sub: Node) -> Node:
        inner = sub.args[0] if sub.kind == "group" and sub.args else sub
        if sub.kind == "group" and not sub.args:
            raise LatexError("an empty subscript", sub.offset, "delete the _{}")
        if node.kind == "prime" and len(node.args) == 1 and node.args[0].kind == "call" and not node.args[0].args:
            return Node("prime", "", (node.args[0], inner), node.offset)  # LeakyReLU'_{α}: the slope's parameter
        if node.kind == "name":
            return self.indexed(node, sub)
        if node.kind == "call" and not node.args:
            # \max_\theta, \nabla_\theta, \sum-like operators carry a subscript
            return Node("call", node.name, (), node.offset) if node.name not in ("nabla",) else \
                Node("nabla", "", (inner,), node.offset)
        if node.kind == "sub":
            raise LatexError("double subscript", sub.offset, "group it: x_{ij}")
        if node.kind == "norm":
            # ‖·‖_F, ‖·‖_1, ‖·‖_2: the subscript names the norm
            which = inner.name if inner.kind in ("name", "num") else ""
            return Node("norm", which, node.args, node.offset)
        if node.kind in ("call", "paren", "transpose", "matrix", "group", "prime"):
            # \operatorname{softmax}(\mathbf{x})_i, (Wx)_j: a component of a vector-valued expression
            indices = sub.args if sub.kind == "group" else (sub,)
            return Node("sub", "", (node,) + tuple(indices), node.offset)
        raise LatexError("a subscript needs a name under it", sub.offset,
                         "put the subscript on a name, e.g. x_i, or brackets: (x + y)_i")

    def indexed(self, node: Node, sub: Node) -> Node:
        """A name with a subscript: an index tuple (``sub``) or a labelled name (``W_{hh}``), by the rule above."""
        if sub.kind == "group" and len(sub.args) > 1:
            return Node("sub", "", (node,) + tuple(sub.args), node.offset)  # W_{i,j}
        inner = sub.args[0] if sub.kind == "group" else sub
        if inner.kind == "label" or (inner.kind == "call" and not inner.args and sub.kind == "group"):
            # L_{\text{data}}, x_{train}: a word under a name labels it, it does not index it
            return Node("name", f"{node.name}_{{{inner.name}}}", (), node.offset)
        if inner.kind == "num" and len(inner.name) > 1 and inner.name.isdigit() and sub.kind == "group":
            return self.digits(node, inner)
        factors = _juxtaposed(inner) if sub.kind == "group" else None
        if factors is None or not all(_simple(f) for f in factors):
            return Node("sub", "", (node, inner), node.offset)
        letters = [f.name for f in factors if f.kind == "name"]
        if len(letters) == len(factors):
            word = "".join(letters)
            if all(len(x) == 1 and x in INDEX_LETTERS for x in letters) and len(letters) <= 3 and \
                    word not in LABEL_WORDS:
                return Node("sub", "", (node,) + tuple(factors), node.offset)  # W_{ij}: W_{i,j}
            if all(len(x) == 1 for x in letters):
                return Node("name", f"{node.name}_{{{word}}}", (), node.offset)  # W_{hh}, d_{model}: a label
        # numbers and letters: apart they are separate indices, a number against a letter is its coefficient
        indices: list[Node] = []
        for f in factors:
            if indices and indices[-1].kind == "num" and f.kind == "name" and \
                    self.text[indices[-1].offset + len(indices[-1].name):f.offset] == "":
                coefficient = indices.pop()
                self.read_as(f"read {node.name}_{{{coefficient.name}{f.name}}} as {node.name}_{{{coefficient.name}"
                             f"\\cdot {f.name}}}, one index")
                indices.append(Node("op", "*", (coefficient, f), coefficient.offset))
            else:
                indices.append(f)
        return Node("sub", "", (node,) + tuple(indices), node.offset)

    def digits(self, node: Node, number: Node) -> Node:
        """``W_{12}``: the pair W_{1,2} under a capital, the single index 12 otherwise (a recorded reading)."""
        if node.name[:1].isupper() or node.name.startswith(("\\mathbf", "\\boldsymbol", "\\bm")):
            pair = ",".join(number.name)
            self.read_as(f"read {node.name}_{{{number.name}}} as {node.name}_{{{pair}}}")
            return Node("sub", "", (node,) + tuple(Node("num", d, (), number.offset + k)
                                                   for k, d in enumerate(number.name)), node.offset)
        self.read_as(f"read {node.name}_{{{number.name}}} as the single index {number.name}, not "
                     f"{node.name}_{{{','.join(number.name)}}}")
        return Node("sub", "", (node, number), node.offset)


def _juxtaposed(node: Node) -> list[Node] | None:
    """The factors of a product written by juxtaposition, in order (a single factor alone), else None."""
    if node.kind == "op" and node.name == "*":
        left, right = _juxtaposed(node.args[0]), _juxtaposed(node.args[1])
        return None if left is None or right is None else left + right
    return [node]


def _simple(node: Node) -> bool:
    """A one-letter name, a Greek letter or a whole number: what index tuples are made of."""
    return node.kind == "name" and (len(node.name) == 1 or node.name[1:] in GREEK) or \
        node.kind == "num" and node.name.isdigit()


def _letters(node: Node) -> list[str] | None:
    """The letters of a product of single letters (``real`` parsed as r·e·a·l), else None."""
    if node.kind == "name" and len(node.name) == 1:
        return [node.name]
    if node.kind == "op" and node.name == "*":
        left, right = _letters(node.args[0]), _letters(node.args[1])
        if left is not None and right is not None:
            return left + right
    return None


def _log10(node: Node) -> float | None:
    """log10 of a constant's magnitude (numbers, their powers and signs), None for anything else: a guard
    against 10^{10^{10}}, which is well formed but has more digits than any machine holds."""
    if node.kind == "num":
        value = float(node.name) if node.name != "oo" else math.inf
        return math.log10(value) if value > 0 else (0.0 if value == 0 else None)
    if node.kind in ("paren", "group", "neg") and len(node.args) == 1:
        return _log10(node.args[0])
    if node.kind == "op" and node.name == "^":
        base, power = _log10(node.args[0]), _log10(node.args[1])
        if base is None or power is None:
            return None
        if power > 300:
            return math.inf if base > 0 else 0.0
        return base * 10 ** power
    return None


def _primes(sup: Node) -> int:
    """How many primes a superscript is (``\\prime``, ``{\\prime}``, ``{\\prime\\prime}``); 0 if it is not primes."""
    while sup.kind == "group" and len(sup.args) == 1:
        sup = sup.args[0]
    if sup.kind == "name" and sup.name == r"\prime":
        return 1
    if sup.kind == "op" and sup.name == "*":
        a, b = _primes(sup.args[0]), _primes(sup.args[1])
        return a + b if a and b else 0
    return 0
