"""One walk over a formula's tree for matrix notation; what a value is (a shape, or arrays of numbers) is up
to a subclass: :class:`symnet.notes.decide.shapes.ShapePass` or :class:`symnet.notes.decide.matrices.NumericPass`."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...codegen import numeric
from ..latex import Node
from ..read.nodes import Undecided, _key, _show, _ungroup


@dataclass(frozen=True)
class Jacobian:
    """∂A/∂B for a matrix A: usable only in a chain-rule product with ∂L/∂A (or its own diagonal)."""

    values: object        # numeric pass: (T, P, *A's shape); shape pass: None
    of: object            # A's shape (numeric: its trailing dimensions)
    by: object            # B's shape


def _abs(x):
    return x * np.sign(x.real)  # |x| that complex steps pass through


def _sign(x):
    return np.sign(x.real).astype(complex)


#: Entry-by-entry functions of matrices (complex-safe, so complex steps pass through), and their slopes as
#: symnet prints them (LeakyReLU'_{α}).
ELEMENTWISE = {
    "tanh": np.tanh, "exp": np.exp, "log": np.log, "ln": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "sigma": numeric.sigmoid, "sigmoid": numeric.sigmoid, "ReLU": numeric.relu, "relu": numeric.relu,
    "step": numeric.step, "softplus": numeric.softplus, "GELU": numeric.gelu, "gelu": numeric.gelu,
    "LeakyReLU": numeric.leaky_relu, "LeakyReLU'": numeric.leaky_relu_slope, "GELU'": numeric.gelu_slope,
    "sign": _sign, "sgn": _sign, "recip": lambda x: 1 / x, "abs": _abs, "tanh'": lambda x: 1 - np.tanh(x) ** 2,
    "sigma'": lambda x: numeric.sigmoid(x) * (1 - numeric.sigmoid(x)), "ReLU'": numeric.step,
}
#: Functions of each row, shaped like their argument (layer norm's ε taken as 0).
ROWWISE = {
    "softmax": numeric.softmax_rows,
    "rowsum": lambda X: np.broadcast_to(X.sum(axis=-1, keepdims=True), X.shape),
    "rowmean": lambda X: np.broadcast_to(X.mean(axis=-1, keepdims=True), X.shape),
    "rowstd": lambda X: np.broadcast_to(numeric.row_std(X, 0.0), X.shape),
    "normalize": lambda X: numeric.row_normalize(X, 0.0),
}


# -- the interpreter ---------------------------------------------------------------------------------------------

def key(node: Node) -> str:
    """The name a node stands for (``W^{(1)}``, ``x_{1}``, ``\\hat{Y}``, ``\\mathrm{PE}``)."""
    if node.kind == "name" or node.kind == "sub" and node.args[0].kind == "name":
        return _key(node)
    if node.kind == "call" and not node.args:
        return node.name
    raise Undecided(f"{node.kind} is not a name")


def _is_name(node: Node) -> bool:
    return node.kind in ("name", "sub") or (node.kind == "call" and not node.args)


class Interpreter:
    """Walks a formula's tree; what a value is (a shape, or arrays) is up to the subclass."""

    def __init__(self, definitions: dict) -> None:
        self.definitions = definitions
        self.memo: dict = {}
        self.active: set = set()
        self.reached: dict = {}        # name -> every name its definition reaches

    def dependencies(self, name: str) -> set:
        """Every name that ``name``'s definition reaches."""
        if name not in self.reached:
            self.reached[name] = set()  # a circle stops here; the evaluator reports it
            direct = references(self.definitions[name]) if name in self.definitions else set()
            reached = set(direct)
            for d in direct:
                reached |= self.dependencies(d)
            self.reached[name] = reached
        return self.reached[name]

    def depends(self, node: Node, name: str) -> bool:
        """Whether ``node`` reaches ``name``, directly or through definitions."""
        mentioned = references(node)
        return name in mentioned or any(name in self.dependencies(m) for m in mentioned)

    def value(self, name: str):
        if name in self.memo:
            return self.memo[name]
        if name in self.definitions:
            if name in self.active:
                raise Undecided("the definitions refer to each other in a circle")
            self.active.add(name)
            try:
                self.memo[name] = self.evaluate(self.definitions[name])
            finally:
                self.active.discard(name)
            return self.memo[name]
        self.memo[name] = self.leaf(name)
        return self.memo[name]

    def evaluate(self, node: Node):
        k = node.kind
        if k == "num":
            if node.name == "oo":
                raise Undecided("infinity")
            return self.number(float(Fraction(node.name)))
        if k == "name" and node.name in (r"\mathbf{1}", r"\mathbb{1}"):
            return self.ones(node)
        if k == "name" and node.name == "e" and "e" not in self.definitions:
            return self.number(float(np.e))
        if k == "name" and node.name == r"\pi":
            return self.number(float(np.pi))
        if _is_name(node):
            return self.value(key(node))
        if k in ("paren", "group"):
            if len(node.args) != 1:
                raise Undecided("an empty or multiple group")
            return self.evaluate(node.args[0])
        if k == "neg":
            return self.scale(self.evaluate(node.args[0]), -1.0)
        if k == "op":
            return self.operation(node)
        if k == "transpose":
            return self.transpose(self.evaluate(node.args[0]))
        if k == "call":
            return self.call(node)
        if k == "prime" and len(node.args) == 2:
            raise Undecided("a derivative function without its argument")
        if k == "deriv":
            target, variable, order = node.args
            if order != 1 or target is None:
                raise Undecided("only first derivatives of matrices are checked")
            variable = _ungroup(variable)
            if not _is_name(variable):
                raise Undecided("a derivative with respect to an expression")
            target = _ungroup(target)
            if _is_name(target) and key(target) not in self.definitions and key(target) != key(variable):
                raise Undecided(f"∂{key(target)}: {key(target)} is not defined in this note")
            if not self.depends(target, key(variable)):
                # ∂L/∂S = 0 because L never reaches S: true as read, but almost always a name used twice
                raise Undecided(f"{_show(target)} does not depend on {key(variable)} in this note's definitions")
            return self.derivative(target, key(variable))
        if k == "norm":
            return self.norm(self.evaluate(node.args[0]), node.name)
        if k == "abs":
            return self.elementwise("abs", self.evaluate(node.args[0]), ())
        if k == "optimum" and node.name == "max" and len(node.args) == 2 and node.args[1] is not None:
            return self.column_max(self.evaluate(node.args[0]))
        if k == "matrix":
            return self.matrix(node)
        raise Undecided(f"{k} is not evaluated with matrices")

    def operation(self, node: Node):
        a, b = node.args
        if node.name == "+":
            return self.add(self.evaluate(a), self.evaluate(b))
        if node.name == "/":
            return self.divide(self.evaluate(a), self.evaluate(b))
        if node.name == "^":
            return self.power(self.evaluate(a), self.evaluate(b))
        if node.name == "∘":
            return self.hadamard(self.evaluate(a), self.evaluate(b))
        # f'(Z) and f'_α(Z): a derivative function applied to a bracket
        if a.kind == "prime" and b.kind == "paren" and a.args[0].kind == "call" and not a.args[0].args:
            params = tuple(self.evaluate(p) for p in a.args[1:])
            return self.elementwise(a.args[0].name + "'", self.evaluate(b.args[0]), params)
        return self.product(self.evaluate(a), self.evaluate(b))

    def call(self, node: Node):
        name, args = node.name, node.args
        if not args:
            return self.value(name)  # \mathrm{PE}: a word used as a name
        if name == "indicator" and len(args) == 2 and args[1].kind == "call" and args[1].name == "arg":
            return self.argmax_mask(self.evaluate(args[0]))  # \mathbb{1}_{\arg\max}(C)
        if name in ("windows", "fold") and len(args) == 2 and args[1].kind == "num":
            return getattr(self, name)(self.evaluate(args[0]), int(Fraction(args[1].name)))
        if name in ("CE", "BCE") and len(args) == 2:
            return self.loss(name, self.evaluate(args[0]), self.evaluate(args[1]), args[1])
        if name.lower() in ROWWISE and len(args) == 1:
            return self.rowwise(name.lower(), self.evaluate(args[0]))  # softmax or Softmax
        if name in ELEMENTWISE:
            values = [self.evaluate(a) for a in args]
            return self.elementwise(name, values[0], tuple(values[1:]))
        raise Undecided(f"the function {name} is not evaluated with matrices")

    # what a subclass provides
    def number(self, x: float): raise NotImplementedError
    def leaf(self, name: str): raise NotImplementedError
    def ones(self, node: Node): raise NotImplementedError


def references(node: Node) -> set:
    """The names a formula's tree mentions (its definitions' inputs)."""
    found = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            stack.extend(n)
            continue
        if not isinstance(n, Node):
            continue
        if _is_name(n):
            try:
                found.add(key(n))
                continue  # x_{i}: one name, not x and i
            except Undecided:
                pass
        stack.extend(n.args)
    return found
