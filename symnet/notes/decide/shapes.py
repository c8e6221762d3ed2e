"""Shapes of the matrices in a note: sizes as union–find classes, tied together by products, sums and
transposes; windows and folds tie sizes by rules (n − k + 1, k·d)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from .interpret import Interpreter, Jacobian, _is_name, key
from ..latex import Node
from ..read.nodes import Undecided

#: Sizes given to classes nothing fixes: distinct, so that a missing transpose changes a shape.
FREE_SIZES = (3, 4, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13)
#: Names that are scalars among matrices: sizes (n, d_k, T), rates and penalties (λ, η, α; γ^{(1)} with a
#: layer label is a gain row), the variances σ_q, σ_k.
SCALAR_NAME = re.compile(r"^(n|m|N|T|d|d_\{?[a-z]+\}?|\\(alpha|beta|gamma|delta|epsilon|varepsilon|eta|lambda|mu|"
                         r"rho|tau|kappa|omega)(_\{?[a-z0-9]+\}?)?|\\sigma_\{?[a-z]\}?)$")
#: Bold or arrowed lowercase letters (\mathbf{x}, \boldsymbol{w}, \vec{v}, \bm{h}_t) are column vectors.
COLUMN_VECTOR = re.compile(r"^\\(mathbf|boldsymbol|bm|vec)\{[a-z]\}(_\{.*\})?$")
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

    def resolve(self, preset: dict | None = None) -> dict:
        """A number for every class (by root): fixed ones, ``preset`` ones (size by class member, as an
        earlier :meth:`resolve` gave them), then rules, free classes getting distinct sizes."""
        roots = {self.find(d) for d in self.parent}
        size = {r: self.fixed[r] for r in roots if r in self.fixed}
        for d, k in (preset or {}).items():
            size.setdefault(self.find(d), k)
        targets = {self.find(t) for t, _, _, _ in self.rules}
        taken = set(size.values())
        free = iter([k for k in FREE_SIZES if k not in taken])
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
            size[choice] = next(free, None) or max(size.values(), default=1) + 1
        for target, source, a, b in self.rules:
            if a * size[self.find(source)] + b != size[self.find(target)]:
                raise ShapeClash("the windows' sizes do not match what they multiply")
        return size


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
            if scalar:
                self.leaves[name] = SCALAR
            elif COLUMN_VECTOR.match(name):
                self.leaves[name] = (self.sizes.new(), self.sizes.constant(1))  # bold lowercase: a column
            else:
                self.leaves[name] = (self.sizes.new(), self.sizes.new())
        return self.leaves[name]

    def ones(self, node):
        shape = (self.sizes.new(), self.sizes.constant(1))
        self.ones_at[id(node)] = shape
        return shape

    def unify(self, a, b, what: str):
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            raise Undecided("a Jacobian ∂A/∂B of matrices outside a chain-rule product")
        if a is SCALAR or b is SCALAR:
            matrix = b if a is SCALAR else a
            if matrix is not SCALAR and not all(self.sizes.fixed.get(self.sizes.find(d)) == 1 for d in matrix):
                raise ShapeClash(f"{what} of a scalar and a matrix")
            return SCALAR   # a 1×1 matrix (wᵀw) is a number
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
        if not rows or not rows[0]:
            raise Undecided("an empty matrix")
        if any(len(r) != len(rows[0]) for r in rows):
            raise Undecided("a matrix with rows of different lengths")
        for row in rows:
            for entry in row:
                if self.evaluate(entry) is not SCALAR:
                    raise Undecided("a block matrix")
        return (self.sizes.constant(len(rows)), self.sizes.constant(len(rows[0])))

    def derivative(self, target, variable):
        of = self.evaluate(target)
        by = self.value(variable)
        if isinstance(of, Jacobian) or isinstance(by, Jacobian):
            raise Undecided("a derivative of a derivative")
        return by if of is SCALAR else Jacobian(None, of, by)
