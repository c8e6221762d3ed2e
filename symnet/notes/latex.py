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

import re
from dataclasses import dataclass

GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho sigma "
         "tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
UNICODE = {"λ": r"\lambda", "θ": r"\theta", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta",
           "ε": r"\epsilon", "η": r"\eta", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau", "φ": r"\phi", "ω": r"\omega",
           "π": r"\pi", "ρ": r"\rho", "Σ": r"\Sigma", "∑": r"\sum", "∏": r"\prod", "−": "-", "·": r"\cdot",
           "×": r"\times", "∕": "/", "÷": "/", "∂": r"\partial", "√": r"\sqrt", "∇": r"\nabla", "≈": r"\approx",
           "≤": r"\le", "≥": r"\ge", "←": r"\leftarrow", "→": r"\to", "∞": r"\infty", "′": "'", "∘": r"\circ",
           "⊙": r"\circ", "≠": r"\ne", "∈": r"\in", "–": "-", "＝": "=", "（": "(", "）": ")", "，": ","}
FUNCTIONS = {"sin", "cos", "tan", "tanh", "sinh", "cosh", "exp", "log", "ln", "max", "min", "arg", "det"}
RELATIONS = {"=": "=", ":=": ":=", r"\approx": "≈", r"\leftarrow": "←", r"\gets": "←", r"\to": "→",
             r"\rightarrow": "→", r"\le": "≤", r"\leq": "≤", r"\ge": "≥", r"\geq": "≥", "<": "<", ">": ">",
             r"\ne": "≠", r"\neq": "≠", r"\equiv": "=", r"\triangleq": ":=", r"\coloneqq": ":=", r"\in": "∈"}
ACCENTS = {"hat", "widehat", "vec", "bar", "overline", "tilde", "widetilde", "dot", "ddot", "mathbf", "boldsymbol",
           "bm", "mathcal", "mathbb", "check"}
WORDS = {"mathrm", "operatorname", "text", "textrm", "textit", "mathit", "textbf", "mathsf", "texttt"}
SPACING = {",", ";", "!", ":", " ", "quad", "qquad", "displaystyle", "textstyle", "limits", "nolimits", "big", "Big",
           "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "middle"}
ELISIONS = {"ldots", "cdots", "dots", "vdots", "ddots"}
#: Words that notes write as plain letters but mean as one name.
WORD_NAMES = {"cost", "loss", "Loss", "Cost", "softmax", "Softmax", "sigmoid", "Sigmoid", "ReLU", "relu", "MSE", "MAE",
              "Var", "tanh", "exp", "log", "ln", "sin", "cos", "max", "min", "argmax", "argmin", "GELU", "Attention",
              "attention", "LayerNorm", "Dropout", "dropout", "output", "input", "error", "grad", "lr"}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]")


class LatexError(ValueError):
    """A formula symnet cannot read: where (an offset into the formula), why, and a hint when there is one."""

    def __init__(self, message: str, offset: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.offset, self.hint = message, offset, hint


@dataclass(frozen=True)
class Node:
    """A parsed piece: ``kind`` says what it is, ``args`` its parts, ``name`` a name or operator."""

    kind: str            # num name sub op neg call juxt deriv sum prod abs norm matrix rel prime
    name: str = ""
    args: tuple = ()
    offset: int = 0

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.args))
        return f"{self.kind}({self.name}{': ' if self.name and inner else ''}{inner})"


@dataclass(frozen=True)
class Token:
    kind: str    # num letter cmd sym text end
    value: str
    offset: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if _CJK.match(c):
            j = i
            while j < n and (_CJK.match(text[j]) or text[j].isspace()):
                j += 1
            raise LatexError(f"prose inside maths: {text[i:j].strip()!r}", i,
                             "move the words out of the $…$ (or wrap them in \\text{…})")
        if c in UNICODE:
            mapped = UNICODE[c]
            tokens.append(Token("cmd" if mapped.startswith("\\") else ("sym" if len(mapped) == 1 else "cmd"),
                                mapped, i))
            i += 1
            continue
        if c == "\\":
            if i + 1 < n and text[i + 1].isalpha():
                j = i + 1
                while j < n and text[j].isalpha():
                    j += 1
                name = text[i:j]
                if name[1:] in ("text", "textrm", "mathrm", "operatorname", "textit", "mathit", "textbf",
                                "mathsf", "texttt") and j < n and text[j] == "{":
                    close = _matching(text, j)
                    tokens.append(Token("text", text[j + 1:close].strip(), i))
                    i = close + 1
                    continue
                tokens.append(Token("cmd", name, i))
                i = j
                continue
            if i + 1 < n:
                tokens.append(Token("cmd", "\\" + text[i + 1], i))
                i += 2
                continue
            raise LatexError("a lone backslash ends the formula", i)
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and (text[j].isdigit() or (text[j] == "." and j + 1 < n and text[j + 1].isdigit())):
                j += 1
            tokens.append(Token("num", text[i:j], i))
            i = j
            continue
        if c == "." and text.startswith("...", i):
            raise LatexError("'...' elides terms", i, "symnet cannot check a formula with elided terms")
        if c.isalpha() and c.isascii():
            j = i
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            word = text[i:j]
            if word in WORD_NAMES:
                # cost, loss, softmax …: notes write these words without \text
                tokens.append(Token("text", word, i))
                i = j
                continue
            tokens.append(Token("letter", c, i))
            i += 1
            continue
        if c.isalpha():
            raise LatexError(f"unexpected character {c!r}", i, "use the LaTeX command for it")
        if text.startswith(":=", i):
            tokens.append(Token("sym", ":=", i))
            i += 2
            continue
        if c in "+-*/=()[]{}^_,;:!|'<>&":
            tokens.append(Token("sym", c, i))
            i += 1
            continue
        raise LatexError(f"unexpected character {c!r}", i)
    tokens.append(Token("end", "", n))
    return tokens


def _matching(text: str, start: int) -> int:
    depth = 0
    for k in range(start, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and text[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return k
    raise LatexError("unbalanced braces: a { is never closed", start, "add the missing }")


class Parser:
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

    def scripts(self, node: Node) -> Node:
        sup: Node | None = None
        sub: Node | None = None
        sub_first = False
        while True:
            if self.at("sym", "^"):
                t = self.take()
                if sup is not None:
                    raise LatexError("double superscript", t.offset, "group it: x^{ab}")
                sup = self.script_group()
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
        if self.at("sym", "!"):
            self.take()
            node = Node("call", "factorial", (node,), node.offset)
        if sub is not None:
            if node.kind == "name" and node.name == "e" and sup is not None and not sub_first:
                raise LatexError("e^x_i puts the subscript on e", sub.offset, "write e^{x_i}")
            node = self.subscripted(node, sub)
        if sup is not None:
            node = self.superscripted(node, sup)
        return node

    def script_group(self) -> Node:
        self.skip_spacing()
        if self.at("sym", "*") or (self.at("sym", "{") and self.tokens[self.i + 1].value == "*"
                                   and self.tokens[self.i + 2].value == "}"):
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
        if t.kind == "cmd" and (t.value[1:] in GREEK or t.value in (r"\top", r"\prime", r"\infty", r"\star", r"\ast")):
            self.take()
            return Node("name", t.value, (), t.offset)
        if t.kind == "sym" and t.value == "-" or t.kind == "sym" and t.value == "+":
            raise LatexError("a signed script needs braces", t.offset, "write x^{-1}")
        return self.atom()

    @staticmethod
    def _label(group: Node) -> str | None:
        """A superscript that names rather than powers: ^{(1)}, ^{new}, ^{\\text{old}}, ^T."""
        inner = group.args[0] if group.kind == "group" and group.args else group
        if inner.kind == "label" or (inner.kind == "call" and not inner.args):
            return inner.name
        if group.kind == "group" and inner.kind == "paren" and group.name.startswith("(") \
                and group.name.endswith(")"):
            return group.name.replace(" ", "")  # ^{(1)}, ^{(l-1)}, ^{(s1)}: which layer, not a power
        if inner.kind == "name" and inner.name in ("T", r"\top"):
            return "T"
        if inner.kind == "op" and inner.name == "*":
            letters = _letters(inner)
            if letters and len(letters) >= 3:
                return "".join(letters)
        return None

    def superscripted(self, node: Node, sup: Node) -> Node:
        label = self._label(sup)
        if label is not None and label.startswith("(") and node.kind == "name" and node.name == "e":
            label = None  # e^{(x+1)} is a power
        if label == "T":
            return Node("transpose", "", (node,), node.offset)
        if label is not None:
            if node.kind == "name":
                return Node("name", f"{node.name}^{{{label}}}", (), node.offset)
            if node.kind == "sub" and node.args[0].kind == "name":
                base = node.args[0]
                return Node("sub", "", (Node("name", f"{base.name}^{{{label}}}", (), base.offset),) + node.args[1:],
                            node.offset)
            raise LatexError(f"the label ^{{{label}}} needs a name under it", sup.offset)
        exponent = sup.args[0] if sup.kind == "group" and sup.args else sup
        if sup.kind == "group" and not sup.args:
            raise LatexError("an empty superscript", sup.offset)
        if node.kind == "call" and not node.args:
            return Node("fpow", node.name, (exponent,), node.offset)
        return Node("op", "^", (node, exponent), node.offset)

    def subscripted(self, node: Node, sub: Node) -> Node:
        inner = sub.args[0] if sub.kind == "group" and sub.args else sub
        if sub.kind == "group" and not sub.args:
            raise LatexError("an empty subscript", sub.offset)
        if node.kind == "prime" and len(node.args) == 1 and node.args[0].kind == "call" and not node.args[0].args:
            return Node("prime", "", (node.args[0], inner), node.offset)  # LeakyReLU'_{α}: the slope's parameter
        if node.kind == "name":
            letters = _letters(inner) if sub.kind == "group" and len(sub.args) == 1 else None
            if letters and len(letters) >= 3:
                inner = Node("label", "".join(letters), (), inner.offset)  # d_{model}: a word, not indices
            if inner.kind == "label" or (inner.kind == "call" and not inner.args and sub.kind == "group"
                                         and len(sub.args) == 1):
                # L_{\text{data}}, x_{train}: a word under a name labels it, it does not index it
                return Node("name", f"{node.name}_{{{inner.name}}}", (), node.offset)
            indices = sub.args if sub.kind == "group" else (sub,)
            return Node("sub", "", (node,) + tuple(indices), node.offset)
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
        raise LatexError("a subscript needs a name under it", sub.offset,
                         "start the formula with a name" if node.kind == "group" else "")

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
        raise LatexError(f"unknown command \\{name}", t.offset, _command_hint(name))

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

    def matrix(self, offset: int) -> Node:
        self.expect("sym", "{")
        env = ""
        while self.at("letter"):
            env += self.take().value
        if self.at("sym", "*"):
            self.take()
        self.expect("sym", "}")
        if env not in ("bmatrix", "pmatrix", "matrix", "vmatrix", "array", "Bmatrix"):
            raise LatexError(f"unknown environment {env!r}", offset)
        if env == "array" and self.at("sym", "{"):
            close = _matching(self.text, self.tok.offset)
            while self.tok.offset <= close and not self.at("end"):
                self.take()
        rows, row = [], []
        while True:
            self.skip_spacing()
            if self.at("cmd", r"\end"):
                self.take()
                self.expect("sym", "{")
                while not self.at("sym", "}") and not self.at("end"):
                    self.take()
                self.expect("sym", "}")
                break
            if self.at("end"):
                raise LatexError(f"\\begin{{{env}}} is never ended", offset, f"add \\end{{{env}}}")
            row.append(self.formula())
            if self.at("sym", "&"):
                self.take()
            elif self.at("cmd", r"\\"):
                self.take()
                rows.append(tuple(row))
                row = []
        if row:
            rows.append(tuple(row))
        return Node("matrix", env, tuple(rows), offset)


def _bracketed(items: list[Node], opener: str, offset: int) -> Node:
    """(a) is a bracketed expression, (a, b) a tuple: an interval, a point, or a function's arguments."""
    if len(items) > 1:
        return Node("tuple", opener, tuple(items), offset)
    return Node("paren", "", (items[0],), offset)


def _letters(node: Node) -> list[str] | None:
    """The letters of a product of single letters (``real`` parsed as r·e·a·l), else None."""
    if node.kind == "name" and len(node.name) == 1:
        return [node.name]
    if node.kind == "op" and node.name == "*":
        left, right = _letters(node.args[0]), _letters(node.args[1])
        if left is not None and right is not None:
            return left + right
    return None


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


def _command_hint(name: str) -> str:
    known = {"cdotp": r"\cdot", "mul": r"\cdot", "Sum": r"\sum", "Frac": r"\frac", "sigmoid": r"\sigma",
             "softmax": r"\operatorname{softmax}", "relu": r"\operatorname{ReLU}", "ReLU": r"\operatorname{ReLU}"}
    if name in known:
        return f"did you mean {known[name]}?"
    return "symnet reads \\frac, \\partial, \\sum, \\sqrt, \\exp, \\log, \\sigma, \\tanh, \\operatorname{…} and Greek letters"


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
