"""Sub- and superscripts: indices, labels (``W^{(1)}``, ``d_{model}``), powers and transposes."""
from __future__ import annotations

from .tokens import GREEK, LatexError, Node


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


def _letters(node: Node) -> list[str] | None:
    """The letters of a product of single letters (``real`` parsed as r·e·a·l), else None."""
    if node.kind == "name" and len(node.name) == 1:
        return [node.name]
    if node.kind == "op" and node.name == "*":
        left, right = _letters(node.args[0]), _letters(node.args[1])
        if left is not None and right is not None:
            return left + right
    return None

