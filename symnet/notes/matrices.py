"""Matrix semantics for notes: claims about matrices checked with random matrices.

A note that writes ``Z = X W + 𝟏 b``, ``A = tanh(Z)`` and then ``∂L/∂W = Xᵀ (∂L/∂Z)`` talks about matrices
whose sizes it never states. This module reads such formulas in two passes over the same interpreter:

1. **Shapes.** Every name the note does not define gets a shape of unknown sizes (a scalar when its name
   says so: ``n``, ``d_k``, ``λ``); products, Hadamard products, sums and transposes tie the sizes together
   (union–find). A claim may tie sizes the note's definitions left apart only if it is wrong about shapes:
   ``∂L/∂b = ∂L/∂Z`` for a bias row broadcast over n rows needs n = 1, and is refuted as such.
2. **Numbers.** Sizes left free get distinct values (2, 3, 4, …, so that a missing transpose shows), the
   leaves get random entries, several draws at once along a leading axis. ``∂A/∂B`` holds B as the
   variable, as at scalar level, and is taken by complex step (exact to rounding) through the note's own
   definitions; ``∂L/∂Z ∂Z/∂W`` in chain-rule notation contracts the gradient with the Jacobian.

Functions are those symnet prints (softmax of rows, rowsum, rowmean, rowstd, normalize, recip, step, ReLU,
windows_k, fold_k, max over positions, CE, BCE, ‖·‖_F², ‖·‖_1); layer norm's ε is taken as 0, which every
identity between σ, X̂ and X that holds for one ε holds for. Targets of CE are drawn as probability rows.

>>> note = MatrixNote()
>>> from .latex import parse
>>> note.define("Z", parse(r"Z = X W").args[1][1])
>>> note.check(parse(r"Z^{T} = W^{T} X^{T}").args[1], "=").status
'verified'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import numeric
from .latex import Node
from .meaning import Outcome, Undecided, _num, _show

#: Complex step: f(x + ih) = f(x) + ih f'(x) + O(h²), so Im f / h is f' to rounding for any h this small.
STEP = 1e-20
DRAWS = 4
FREE_SIZES = (3, 4, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13)
#: Names that are scalars among matrices: sizes (n, d_k, T), rates and penalties (λ, η, α; γ^{(1)} with a
#: layer label is a gain row), the variances σ_q, σ_k.
SCALAR_NAME = re.compile(r"^(n|m|N|T|d|d_\{?[a-z]+\}?|\\(alpha|beta|gamma|delta|epsilon|varepsilon|eta|lambda|mu|"
                         r"rho|tau|kappa|omega)(_\{?[a-z0-9]+\}?)?|\\sigma_\{?[a-z]\}?)$")
WHOLE_NAME = re.compile(r"^(n|m|N|T|d|d_\{?[a-z]+\}?)$")


class ShapeClash(Undecided):
    """The formula's matrices cannot have consistent sizes."""


# -- shapes ----------------------------------------------------------------------------------------------------

SCALAR = None


@dataclass
class Sizes:
    """Union–find over matrix sizes; a class may be a fixed number or follow another by a rule a·s + b."""

    parent: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)       # root -> int
    rules: list = field(default_factory=list)       # (target, source, a, b)
    count: int = 0

    def new(self) -> int:
        self.count += 1
        self.parent[self.count] = self.count
        return self.count

    def constant(self, k: int) -> int:
        d = self.new()
        self.fixed[d] = k
        return d

    def find(self, d: int) -> int:
        while self.parent[d] != d:
            self.parent[d] = self.parent[self.parent[d]]
            d = self.parent[d]
        return d

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        fa, fb = self.fixed.get(a), self.fixed.get(b)
        if fa is not None and fb is not None and fa != fb:
            raise ShapeClash(f"a size would have to be both {fa} and {fb}")
        self.parent[b] = a
        if fb is not None:
            self.fixed[a] = fb
        self.fixed.pop(b, None)

    def snapshot(self) -> tuple:
        return dict(self.parent), dict(self.fixed), list(self.rules), self.count

    def restore(self, state: tuple) -> None:
        parent, fixed, rules, count = state
        self.parent, self.fixed, self.rules, self.count = dict(parent), dict(fixed), list(rules), count

    def resolve(self) -> dict:
        """A number for every class: fixed ones, then rules, free classes getting distinct sizes."""
        roots = {self.find(d) for d in self.parent}
        size = {r: self.fixed[r] for r in roots if r in self.fixed}
        targets = {self.find(t) for t, _, _, _ in self.rules}
        free = iter(FREE_SIZES)
        while len(size) < len(roots):
            fired = False
            for target, source, a, b in self.rules:
                t, s = self.find(target), self.find(source)
                if s in size and t not in size:
                    value = a * size[s] + b
                    if value.denominator != 1 or value < 1:
                        raise Undecided("the sizes of windows and folds do not come out whole")
                    size[t] = int(value)
                    fired = True
            if fired:
                continue
            pending = sorted(r for r in roots if r not in size)
            choice = next((r for r in pending if r not in targets), None)
            if choice is None:
                raise Undecided("sizes defined by each other in a circle")
            size[choice] = next(free, None) or len(size) + 2
        for target, source, a, b in self.rules:
            if a * size[self.find(source)] + b != size[self.find(target)]:
                raise ShapeClash("window sizes do not fit")
        return size


@dataclass(frozen=True)
class Jacobian:
    """∂A/∂B for a matrix A: usable only in a chain-rule product with ∂L/∂A (or its own diagonal)."""

    values: object        # shape: numeric (T, P, r_A, c_A); shape pass: (shape of A, shape of B)
    of: object            # A's shape (numeric: its trailing dimensions)
    by: object            # B's shape


# -- the interpreter ---------------------------------------------------------------------------------------------

def key(node: Node) -> str:
    """The name a node stands for (``W^{(1)}``, ``x_{1}``, ``\\hat{Y}``)."""
    if node.kind == "name":
        return node.name
    if node.kind == "sub" and node.args[0].kind == "name":
        return node.args[0].name + "_{" + ",".join(_show(a) for a in node.args[1:]) + "}"
    if node.kind == "call" and not node.args:
        return node.name
    raise Undecided(f"{node.kind} is not a name")


def _ungroup(node: Node) -> Node:
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    return node


def _is_name(node: Node) -> bool:
    return node.kind in ("name", "sub") or (node.kind == "call" and not node.args)


ROWWISE = {"softmax", "Softmax", "rowsum", "rowmean", "rowstd", "normalize"}
ELEMENTWISE = {"tanh", "exp", "log", "ln", "sigma", "sigmoid", "ReLU", "relu", "step", "softplus", "GELU", "gelu",
               "LeakyReLU", "sign", "sgn", "recip", "sqrt", "sin", "cos", "abs"}


class Interpreter:
    """Walks a formula's tree; what a value is (a shape, or arrays) is up to the subclass."""

    def __init__(self, definitions: dict) -> None:
        self.definitions = definitions
        self.memo: dict = {}
        self.active: set = set()

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
        if name in ROWWISE and len(args) == 1:
            return self.rowwise(name.lower(), self.evaluate(args[0]))
        if name in ELEMENTWISE:
            values = [self.evaluate(a) for a in args]
            return self.elementwise(name, values[0], tuple(values[1:]))
        raise Undecided(f"the function {name} is not evaluated with matrices")

    # what a subclass provides
    def number(self, x: float): raise NotImplementedError
    def leaf(self, name: str): raise NotImplementedError
    def ones(self, node: Node): raise NotImplementedError


class ShapePass(Interpreter):
    """Values are shapes: SCALAR or (rows, columns) size classes."""

    def __init__(self, definitions: dict, sizes: Sizes, leaves: dict, ones: dict, targets: set) -> None:
        super().__init__(definitions)
        self.sizes, self.leaves, self.ones_at, self.targets = sizes, leaves, ones, targets

    def number(self, x):
        return SCALAR

    def leaf(self, name):
        if name not in self.leaves:
            scalar = SCALAR_NAME.match(name)
            self.leaves[name] = SCALAR if scalar else (self.sizes.new(), self.sizes.new())
        return self.leaves[name]

    def ones(self, node):
        shape = (self.sizes.new(), self.sizes.constant(1))
        self.ones_at[id(node)] = shape
        return shape

    def unify(self, a, b, what: str):
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            raise Undecided("a Jacobian ∂A/∂B of matrices outside a chain-rule product")
        if a is SCALAR or b is SCALAR:
            if a is not b:
                raise ShapeClash(f"{what} of a scalar and a matrix")
            return a
        self.sizes.union(a[0], b[0])
        self.sizes.union(a[1], b[1])
        return a

    def add(self, a, b):
        if a is SCALAR or b is SCALAR:  # 1 − A: a number broadcasts
            return b if a is SCALAR else a
        return self.unify(a, b, "a sum")

    def scale(self, a, c):
        return a

    def divide(self, a, b):
        if b is not SCALAR:
            raise Undecided("division by a matrix")
        return a

    def power(self, a, b):
        if a is not SCALAR or b is not SCALAR:
            raise Undecided("a power of a matrix")
        return a

    def hadamard(self, a, b):
        return self.add(a, b)

    def product(self, a, b):
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            return self.chain(a, b)
        if a is SCALAR or b is SCALAR:
            return b if a is SCALAR else a
        self.sizes.union(a[1], b[0])
        return (a[0], b[1])

    def chain(self, a, b):
        jacobian, gradient = (a, b) if isinstance(a, Jacobian) else (b, a)
        if isinstance(gradient, Jacobian):
            raise Undecided("a product of two Jacobians")
        self.unify(gradient, jacobian.of, "a chain-rule product")
        return jacobian.by

    def transpose(self, a):
        return a if a is SCALAR else (a[1], a[0])

    def norm(self, a, which):
        return SCALAR

    def elementwise(self, name, a, params):
        return a

    def rowwise(self, name, a):
        if a is SCALAR:
            raise Undecided(f"{name} of a scalar")
        return a

    def column_max(self, a):
        if a is SCALAR:
            raise Undecided("a max over positions of a scalar")
        return (self.sizes.constant(1), a[1])

    def argmax_mask(self, a):
        return self.rowwise("argmax", a)

    def windows(self, a, k):
        if a is SCALAR:
            raise Undecided("windows of a scalar")
        rows, cols = self.sizes.new(), self.sizes.new()
        self.sizes.rules += [(rows, a[0], Fraction(1), 1 - k), (cols, a[1], Fraction(k), 0)]
        return (rows, cols)

    def fold(self, a, k):
        if a is SCALAR:
            raise Undecided("fold of a scalar")
        rows, cols = self.sizes.new(), self.sizes.new()
        self.sizes.rules += [(rows, a[0], Fraction(1), k - 1), (cols, a[1], Fraction(1, k), 0)]
        return (rows, cols)

    def loss(self, name, Z, Y, target: Node):
        self.unify(Z, Y, name)
        if name == "CE" and _is_name(target):
            self.targets.add(key(target))
        return SCALAR

    def matrix(self, node):
        rows = node.args
        for row in rows:
            for entry in row:
                if self.evaluate(entry) is not SCALAR:
                    raise Undecided("a block matrix")
        return (self.sizes.constant(len(rows)), self.sizes.constant(max(len(r) for r in rows)))

    def derivative(self, target, variable):
        of = self.evaluate(target)
        by = self.value(variable)
        if isinstance(of, Jacobian) or isinstance(by, Jacobian):
            raise Undecided("a derivative of a derivative")
        return by if of is SCALAR else Jacobian(None, of, by)


class NumericPass(Interpreter):
    """Values are complex arrays with a leading batch axis: (B,) for scalars, (B, r, c) for matrices."""

    def __init__(self, definitions: dict, leaves: dict, ones: dict, batch: int, perturbed: bool = False) -> None:
        super().__init__(definitions)
        self.leaves, self.ones_at, self.batch, self.perturbed = leaves, ones, batch, perturbed

    def number(self, x):
        return np.full(self.batch, x, dtype=complex)

    def leaf(self, name):
        return self.leaves[name]

    def ones(self, node):
        rows = self.ones_at[id(node)]
        return np.ones((self.batch, rows, 1), dtype=complex)

    @staticmethod
    def _pair(a, b):
        """Scalars (B,) against matrices (B, r, c): give the scalar two trailing axes."""
        if a.ndim == 1 and b.ndim == 3:
            return a[:, None, None], b
        if b.ndim == 1 and a.ndim == 3:
            return a, b[:, None, None]
        return a, b

    def add(self, a, b):
        a, b = self._pair(a, b)
        return a + b

    def scale(self, a, c):
        return a * c

    def divide(self, a, b):
        a, b = self._pair(a, b)
        return a / b

    def power(self, a, b):
        return a ** b

    def hadamard(self, a, b):
        a, b = self._pair(a, b)
        return a * b

    def product(self, a, b):
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            return self.chain(a, b)
        if a.ndim == 1 or b.ndim == 1:
            return self.hadamard(a, b)
        return a @ b

    def chain(self, a, b):
        # (∂L/∂A)(∂A/∂B): Σ over A's entries of ∂L/∂A_ij ∂A_ij/∂B, the vector–Jacobian product
        jacobian, gradient = (a, b) if isinstance(a, Jacobian) else (b, a)
        J = jacobian.values                      # (B, P, *A)
        G = gradient.reshape(self.batch, 1, -1)  # (B, 1, |A|)
        contracted = (J.reshape(self.batch, J.shape[1], -1) * G).sum(axis=-1)
        return contracted.reshape((self.batch,) + jacobian.by)

    def transpose(self, a):
        return a if a.ndim == 1 else np.swapaxes(a, -1, -2)

    def norm(self, a, which):
        if a.ndim == 1:
            return _abs(a)
        if which == "1":
            return _abs(a).sum(axis=(-2, -1))  # entry by entry, as an L1 penalty ‖W‖_1 means
        if which in ("F", "2", "") and (which == "F" or 1 in a.shape[1:]):
            return np.sqrt((a * a).sum(axis=(-2, -1)))  # no conjugate: complex steps pass through
        raise Undecided(f"the norm ‖·‖_{which or '2'} of a matrix")

    def elementwise(self, name, a, params):
        f = NUMERIC.get(name)
        if f is None:
            raise Undecided(f"the function {name} is not evaluated with matrices")
        with np.errstate(all="ignore"):
            return f(a, *[p[:, None, None] if a.ndim == 3 and p.ndim == 1 else p for p in params])

    def rowwise(self, name, a):
        return ROW_FUNCTIONS[name](a)

    def column_max(self, a):
        return np.take_along_axis(a, np.argmax(a.real, axis=-2)[:, None, :], axis=-2)

    def argmax_mask(self, a):
        return numeric.argmax_mask(a).astype(complex)

    def windows(self, a, k):
        return numeric.unfold(a, k)

    def fold(self, a, k):
        return numeric.fold(a, k)

    def loss(self, name, Z, Y, target):
        if name == "CE":
            return numeric.softmax_cross_entropy_sum(Z, Y)
        return (numeric.softplus(Z) - Y * Z).sum(axis=(-2, -1))

    def matrix(self, node):
        entries = [[self.evaluate(e) for e in row] for row in node.args]
        return np.stack([np.stack(row, axis=-1) for row in entries], axis=-2)

    def derivative(self, target, variable):
        """∂A/∂B with B held as the variable: every definition between them recomputed at B + ih e_k."""
        if self.perturbed:
            raise Undecided("a derivative inside a derivative")
        B = self.value(variable)
        if isinstance(B, Jacobian):
            raise Undecided("a derivative with respect to a derivative")
        shape = B.shape[1:]
        P = int(np.prod(shape)) if shape else 1
        repeat = lambda v: np.repeat(v, P, axis=0)  # noqa: E731 - the batch axis becomes (draw, direction)
        basis = np.eye(P).reshape((P,) + shape)
        leaves = {name: repeat(v) for name, v in self.leaves.items()}
        inner = NumericPass(self.definitions, leaves, self.ones_at, self.batch * P, perturbed=True)
        inner.memo[variable] = repeat(B) + 1j * STEP * np.tile(basis, (self.batch,) + (1,) * len(shape))
        A = inner.evaluate(target)
        if isinstance(A, Jacobian):
            raise Undecided("a derivative of a derivative")
        d = A.imag / STEP
        if A.ndim == 1:
            return d.reshape((self.batch,) + shape).astype(complex)
        return Jacobian(d.reshape((self.batch, P) + A.shape[1:]).astype(complex), A.shape[1:], shape)


def _abs(x):
    return x * np.sign(x.real)  # |x| that complex steps pass through


def _row(f):
    return lambda X: f(X)


NUMERIC = {
    "tanh": np.tanh, "exp": np.exp, "log": np.log, "ln": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "sigma": numeric.sigmoid, "sigmoid": numeric.sigmoid, "ReLU": numeric.relu, "relu": numeric.relu,
    "step": numeric.step, "softplus": numeric.softplus, "GELU": numeric.gelu, "gelu": numeric.gelu,
    "LeakyReLU": numeric.leaky_relu, "LeakyReLU'": numeric.leaky_relu_slope, "GELU'": numeric.gelu_slope,
    "sign": lambda x: np.sign(x.real).astype(complex), "sgn": lambda x: np.sign(x.real).astype(complex),
    "recip": lambda x: 1 / x, "abs": _abs, "tanh'": lambda x: 1 - np.tanh(x) ** 2,
    "sigma'": lambda x: numeric.sigmoid(x) * (1 - numeric.sigmoid(x)), "ReLU'": numeric.step,
}
ROW_FUNCTIONS = {
    "softmax": numeric.softmax_rows,
    "rowsum": lambda X: np.broadcast_to(X.sum(axis=-1, keepdims=True), X.shape),
    "rowmean": lambda X: np.broadcast_to(X.mean(axis=-1, keepdims=True), X.shape),
    "rowstd": lambda X: np.broadcast_to(numeric.row_std(X, 0.0), X.shape),
    "normalize": lambda X: numeric.row_normalize(X, 0.0),
}


# -- a note's matrices ------------------------------------------------------------------------------------------

@dataclass
class MatrixNote:
    """A note's definitions, read as matrices; claims checked against them."""

    definitions: dict = field(default_factory=dict)   # name -> right side (Node)
    broken: dict = field(default_factory=dict)        # name -> why its right side has no shape
    sizes: Sizes = field(default_factory=Sizes)
    leaves: dict = field(default_factory=dict)        # name -> shape
    ones: dict = field(default_factory=dict)          # id(𝟏 node) -> shape
    targets: set = field(default_factory=set)         # names that CE takes as targets
    shapes: dict = field(default_factory=dict)        # defined name -> shape
    nodes: list = field(default_factory=list)         # keeps the parsed trees alive (ones are keyed by id)

    def define(self, name: str, right: Node) -> None:
        """Add ``name = right``; a right side without consistent shapes leaves the name unusable here."""
        self.nodes.append(right)
        state = self.sizes.snapshot()
        leaves_before, targets_before, ones_before = dict(self.leaves), set(self.targets), dict(self.ones)
        try:
            shape = self._shape_pass().evaluate(right)
            if isinstance(shape, Jacobian):
                raise Undecided("a Jacobian of matrices")
        except (Undecided, RecursionError) as exc:
            self.sizes.restore(state)
            self.leaves, self.targets, self.ones = leaves_before, targets_before, ones_before
            self.broken[name] = str(exc)
            self.definitions.pop(name, None)
            return
        self.definitions[name] = right
        self.shapes[name] = shape
        self.broken.pop(name, None)

    def _shape_pass(self) -> ShapePass:
        p = ShapePass(self.definitions, self.sizes, self.leaves, self.ones, self.targets)
        p.memo.update(self.shapes)
        return p

    def check(self, parts: tuple, relation: str, seed: int = 0) -> Outcome:
        """Check ``parts[0] relation parts[1]`` with random matrices."""
        if relation != "=":
            raise Undecided(f"the relation {relation} between matrices is not checked")
        left, right = parts
        for node in (left, right):
            self._refuse_broken(node)
        self.nodes += [left, right]
        state = self.sizes.snapshot()
        leaves_before, targets_before, ones_before = dict(self.leaves), set(self.targets), dict(self.ones)
        before = {d: self.sizes.find(d) for d in self.sizes.parent}
        names_before = self._size_names()
        fixed_before = {r: self.sizes.fixed.get(r) for r in set(before.values())}
        try:
            shapes = self._shape_pass()
            a, b = shapes.evaluate(left), shapes.evaluate(right)
            try:
                shapes.unify(a, b, "an equation")
            except ShapeClash:
                return Outcome("refuted", f"the sides have different shapes: left {self._show(a)}, "
                                          f"right {self._show(b)}")
            merged = self._merged(before, fixed_before, names_before)
            if merged:
                return Outcome("refuted", f"the shapes do not fit: it needs {merged}, which the note's "
                                          f"definitions leave apart")
            return self._numeric(left, right, seed)
        finally:
            self.sizes.restore(state)
            self.leaves, self.targets, self.ones = leaves_before, targets_before, ones_before

    def _refuse_broken(self, node: Node) -> None:
        if _is_name(node):
            try:
                name = key(node)
            except Undecided:
                return
            if name in self.broken:
                raise Undecided(f"{name} is defined with shapes that do not fit: {self.broken[name]}")
        for a in node.args:
            if isinstance(a, Node):
                self._refuse_broken(a)
            elif isinstance(a, tuple):
                for b in a:
                    if isinstance(b, Node):
                        self._refuse_broken(b)
                    elif isinstance(b, tuple):
                        for c in b:
                            if isinstance(c, Node):
                                self._refuse_broken(c)

    def _merged(self, before: dict, fixed_before: dict, names: dict) -> str:
        """Why the claim needed sizes the definitions leave apart ('' when it did not)."""
        seen: dict = {}
        for d, old_root in before.items():
            new_root = self.sizes.find(d)
            if old_root in seen and seen[old_root] != new_root:
                continue
            seen[old_root] = new_root
        by_new: dict = {}
        for old_root, new_root in seen.items():
            by_new.setdefault(new_root, set()).add(old_root)
        for new_root, olds in by_new.items():
            olds = {o for o in olds if o in names or fixed_before.get(o) is not None}
            free = [o for o in olds if fixed_before.get(o) is None]
            if len(olds) > 1 and free:
                described = sorted({str(fixed_before[o]) if fixed_before.get(o) is not None else names[o]
                                    for o in olds}, key=lambda x: (x[0].isdigit(), x))
                return " = ".join(described) if len(described) > 1 else f"{described[0]} tied to another size"
            if free and self.sizes.fixed.get(new_root) is not None:
                return f"{names.get(free[0])} = {self.sizes.fixed[new_root]}"
        return ""

    def _size_names(self) -> dict:
        """A readable name for each size class of the note's definitions: 'rows of X', 'columns of W'."""
        names: dict = {}
        for name, shape in list(self.leaves.items()) + list(self.shapes.items()):
            if shape is SCALAR:
                continue
            for d, what in zip(shape, ("rows", "columns")):
                names.setdefault(self.sizes.find(d), f"{what} of {name}")
        return names

    def _show(self, shape, size: dict | None = None) -> str:
        """A shape as numbers where known (``3×4``), else by the sizes it shares (``1×columns of W``)."""
        if shape is SCALAR:
            return "a scalar"
        if isinstance(shape, Jacobian):
            return "a Jacobian"
        size = size if size is not None else self.sizes.fixed
        names = self._size_names()
        shown = []
        for d in shape:
            root = self.sizes.find(d)
            shown.append(str(size[root]) if root in size else f"({names.get(root, '?')})")
        return "×".join(shown)

    def _numeric(self, left: Node, right: Node, seed: int) -> Outcome:
        size = self.sizes.resolve()
        rng = np.random.default_rng(seed)
        leaves = {}
        for name, shape in sorted(self.leaves.items()):
            if shape is SCALAR:
                whole = WHOLE_NAME.match(name)
                values = rng.integers(1, 6, DRAWS) if whole else rng.uniform(0.15, 1.6, DRAWS) * rng.choice((-1, 1), DRAWS)
                leaves[name] = values.astype(complex)
                continue
            r, c = size[self.sizes.find(shape[0])], size[self.sizes.find(shape[1])]
            values = rng.uniform(-1.5, 1.5, (DRAWS, r, c))
            if name in self.targets:
                values = numeric.softmax_rows(2 * values)  # a target row is a distribution over classes
            leaves[name] = values.astype(complex)
        ones = {i: size[self.sizes.find(shape[0])] for i, shape in self.ones.items()}
        run = NumericPass(self.definitions, leaves, ones, DRAWS)
        with np.errstate(all="ignore"):
            a, b = run.evaluate(left), run.evaluate(right)
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            a, b = _diagonal(a), _diagonal(b)
        a, b = NumericPass._pair(a, b)
        a, b = np.broadcast_arrays(a, b)
        flat_a, flat_b = a.reshape(DRAWS, -1), b.reshape(DRAWS, -1)
        good = np.all(np.isfinite(flat_a) & np.isfinite(flat_b), axis=1) & \
            np.all(np.abs(flat_a.imag) <= 1e-9 * np.maximum(1, np.abs(flat_a.real)), axis=1) & \
            np.all(np.abs(flat_b.imag) <= 1e-9 * np.maximum(1, np.abs(flat_b.real)), axis=1)
        if good.sum() < 2:
            raise Undecided("the sides are not finite and real at enough random matrices")
        sizes = ", ".join(f"{n} {self._show(s, size)}" for n, s in sorted(self.leaves.items())[:4] if s is not SCALAR)
        for t in np.flatnonzero(good):
            x, y = flat_a[t].real, flat_b[t].real
            tolerance = 1e-8 * max(1.0, float(np.max(np.abs(x), initial=0)), float(np.max(np.abs(y), initial=0)))
            bad = np.flatnonzero(np.abs(x - y) > tolerance)
            if bad.size:
                k = int(bad[0])
                where = ""
                if a.ndim == 3:
                    i, j = divmod(k, a.shape[-1])
                    where = f"entry ({i + 1}, {j + 1}): "
                at = f"with random {sizes}: " if sizes else "at random values: "
                return Outcome("refuted", f"{at}{where}left {_num(x[k])}, right {_num(y[k])}")
        shown = f" ({sizes})" if sizes else ""
        return Outcome("verified", f"numerically with {int(good.sum())} draws of random matrices{shown}")


def _diagonal(v):
    """A Jacobian ∂A/∂B of an entry-by-entry map, as the matrix of its diagonal (A, B of one shape)."""
    if not isinstance(v, Jacobian):
        return v
    if v.of != v.by:
        raise Undecided("a Jacobian of matrices on its own (write it inside a chain-rule product)")
    B, P = v.values.shape[:2]
    J = v.values.reshape(B, P, P)
    diagonal = np.einsum("bii->bi", J)
    if np.max(np.abs(J - np.einsum("bi,ij->bij", diagonal, np.eye(P)))) > 1e-12:
        raise Undecided("a Jacobian of matrices that is not entry by entry, outside a chain-rule product")
    return diagonal.reshape((B,) + v.of)
