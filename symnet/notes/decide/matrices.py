"""Matrix semantics for notes: claims about matrices checked with random matrices.

A note that writes ``Z = X W + 𝟏 b``, ``A = tanh(Z)`` and then ``∂L/∂W = Xᵀ (∂L/∂Z)`` talks about matrices
whose sizes it never states. Such formulas are read in two passes of one interpreter (:mod:`.interpret`):

1. **Shapes** (:mod:`.shapes`). Every name the note does not define gets a shape of unknown sizes (a scalar
   when its name says so: ``n``, ``d_k``, ``λ``); products, Hadamard products, sums and transposes tie the
   sizes together. A claim may not tie sizes that the note's definitions leave apart: ``∂L/∂b = ∂L/∂Z`` for
   a bias row broadcast over n rows needs n = 1, and is refuted as such.
2. **Numbers.** Sizes left free get distinct values (3, 4, 2, 5, …, so that a missing transpose shows), the
   leaves random entries, four draws at once along a leading axis. ``∂A/∂B`` holds B as the variable, as at
   scalar level, and is taken by complex step (exact to rounding) through the note's own definitions, every
   entry of B at once along a second axis; ``∂L/∂Z ∂Z/∂W`` in chain-rule notation contracts the gradient
   with the Jacobian.

Functions are those symnet prints (softmax of rows, rowsum, rowmean, rowstd, normalize, recip, step, ReLU,
windows_k, fold_k, max over positions, CE, BCE, ‖·‖_F², ‖·‖_1); layer norm's ε is taken as 0, and every
identity between σ, X̂ and X that holds for one ε holds for any. Targets of CE are drawn as probability rows.

>>> note = MatrixNote()
>>> from symnet.notes.latex import parse
>>> note.define("Z", parse(r"Z = X W").args[1][1])
>>> note.check(parse(r"Z^{T} = W^{T} X^{T}").args[1], "=").status
'verified'
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...codegen import numeric
from .interpret import ELEMENTWISE, ROWWISE, Interpreter, Jacobian, _abs, _is_name, key, references
from ..latex import Node
from ..read.nodes import Undecided
from .outcome import Outcome, _num
from .shapes import SCALAR, WHOLE_NAME, ShapeClash, ShapePass, Sizes

#: Complex step: f(x + ih) = f(x) + ih f'(x) + O(h²), so Im f / h is f' to rounding for any h this small.
STEP = 1e-20
DRAWS = 4


class NumericPass(Interpreter):
    """Values are complex arrays after ``lead`` batch axes: ``lead`` axes for a scalar, two more for a matrix.
    The outer pass has one batch axis (the draws); a derivative's pass a second one (the directions)."""

    def __init__(self, definitions: dict, leaves: dict, ones: dict, lead: int = 1) -> None:
        super().__init__(definitions)
        self.leaves, self.ones_at, self.lead = leaves, ones, lead
        self.derivatives: dict = {}    # (A, B) -> ∂A/∂B, for names A and B whose values every claim shares
        self.shared: set = set()       # the leaves whose values every claim shares

    def for_claim(self, leaves: dict, ones: dict) -> "NumericPass":
        """A pass that adds a claim's own leaves and 𝟏s, sharing what the definitions computed."""
        claim = NumericPass(self.definitions, {**self.leaves, **leaves}, {**self.ones_at, **ones})
        claim.memo, claim.derivatives, claim.reached, claim.shared = self.memo, self.derivatives, self.reached, \
            set(self.leaves)
        return claim

    def value(self, name: str):
        if name in self.definitions:
            return super().value(name)
        return self.leaf(name)  # leaves are looked up, never memoised: claims bring their own

    def leaf(self, name):
        return self.leaves[name]

    def number(self, x):
        return np.full((1,) * self.lead, x, dtype=complex)

    def ones(self, node):
        return np.ones((1,) * self.lead + (self.ones_at[id(node)], 1), dtype=complex)

    def is_scalar(self, a) -> bool:
        return a.ndim == self.lead

    def _pair(self, a, b):
        """A scalar against a matrix gets two trailing axes."""
        if self.is_scalar(a) and not self.is_scalar(b):
            return a[..., None, None], b
        if self.is_scalar(b) and not self.is_scalar(a):
            return a, b[..., None, None]
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
        if self.is_scalar(a) or self.is_scalar(b):
            return self.hadamard(a, b)
        return a @ b

    def chain(self, a, b):
        # (∂L/∂A)(∂A/∂B): Σ over A's entries of ∂L/∂A_ij ∂A_ij/∂B, the vector–Jacobian product
        jacobian, gradient = (a, b) if isinstance(a, Jacobian) else (b, a)
        if isinstance(gradient, Jacobian):
            raise Undecided("a product of two Jacobians")
        J = jacobian.values                                   # (T, P, *A)
        G = np.broadcast_to(gradient, (J.shape[0],) + tuple(jacobian.of))[:, None]
        axes = tuple(range(2, J.ndim))
        return (J * G).sum(axis=axes).reshape((J.shape[0],) + tuple(jacobian.by))

    def transpose(self, a):
        return a if self.is_scalar(a) else np.swapaxes(a, -1, -2)

    def norm(self, a, which):
        if self.is_scalar(a):
            return _abs(a)
        if which == "1":
            return _abs(a).sum(axis=(-2, -1))  # entry by entry, as an L1 penalty ‖W‖_1 means
        if which in ("F", "2", "") and (which == "F" or 1 in a.shape[-2:]):
            return np.sqrt((a * a).sum(axis=(-2, -1)))  # no conjugate: complex steps pass through
        raise Undecided(f"the norm ‖·‖_{which or '2'} of a matrix")

    def elementwise(self, name, a, params):
        f = ELEMENTWISE.get(name)
        if f is None:
            raise Undecided(f"the function {name} is not evaluated with matrices")
        params = [p[..., None, None] if not self.is_scalar(a) and self.is_scalar(p) else p for p in params]
        with np.errstate(all="ignore"):
            return f(a, *params)

    def rowwise(self, name, a):
        return ROWWISE[name](a)

    def column_max(self, a):
        return np.take_along_axis(a, np.expand_dims(np.argmax(a.real, axis=-2), -2), axis=-2)

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
        entries = np.broadcast_arrays(*[self.evaluate(e) for row in node.args for e in row])
        return np.stack(entries, axis=-1).reshape(entries[0].shape + (len(node.args), len(node.args[0])))

    def derivative(self, target: Node, variable: str):
        """∂A/∂B with B held as the variable: each definition between them recomputed at B + ih e_k for every
        entry k at once (a second batch axis); definitions that do not depend on B are reused."""
        if self.lead != 1:
            raise Undecided("a derivative inside a derivative")
        stable = variable in self.definitions or variable in self.shared
        cached = (key(target), variable) if _is_name(target) and stable else None
        if cached in self.derivatives:
            return self.derivatives[cached]
        B = self.value(variable)
        if isinstance(B, Jacobian):
            raise Undecided("a derivative with respect to a derivative")
        draws, shape = B.shape[0], B.shape[1:]
        P = int(np.prod(shape)) if shape else 1
        inner = _Perturbed(self, variable)
        inner.memo[variable] = B[:, None] + 1j * STEP * np.eye(P).reshape((1, P) + shape)
        A = inner.evaluate(target)
        if isinstance(A, Jacobian):
            raise Undecided("a derivative of a derivative")
        A = np.broadcast_to(A, (draws, P) + A.shape[2:])
        d = (A.imag / STEP).astype(complex)
        result = d.reshape((draws,) + shape) if A.ndim == 2 else Jacobian(d, A.shape[2:], shape)
        if cached is not None:
            self.derivatives[cached] = result
        return result


class _Perturbed(NumericPass):
    """The pass inside a derivative: two batch axes (draw, direction); what does not depend on the variable
    is the outer pass's value, given a direction axis of length 1."""

    def __init__(self, outer: NumericPass, variable: str) -> None:
        super().__init__(outer.definitions, outer.leaves, outer.ones_at, lead=2)
        self.outer, self.variable = outer, variable

    def value(self, name: str):
        if name in self.memo:
            return self.memo[name]
        if name in self.definitions and self.variable in self.outer.dependencies(name):
            return super().value(name)
        return self._widen(self.outer.value(name))

    @staticmethod
    def _widen(v):
        if isinstance(v, Jacobian):
            raise Undecided("a derivative inside a derivative")
        return np.expand_dims(v, 1)


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
    nodes: list = field(default_factory=list)         # keeps the parsed trees alive (𝟏s are keyed by id)
    base: tuple | None = None                         # (sizes by class member, NumericPass) for the definitions
    dimensions: dict = field(default_factory=dict)    # size name in declarations (n, d) -> size class

    def declare(self, node: Node) -> bool:
        """``X \\in \\mathbb{R}^{n \\times d}`` (a ``shape`` node): the shape the note states for X, sizes
        named by the same letter being the same size; ``x \\in \\mathbb{R}`` a scalar, ``\\mathbb{R}^{d}``
        a column. Names already defined or shaped keep their shape. Whether anything was declared."""
        from ..read.notation import shape_declaration

        declared = False
        for subject, sizes in shape_declaration(node).items():
            try:
                name = key(subject)
            except Undecided:
                continue
            if name in self.leaves or name in self.definitions or len(sizes) > 2:
                continue
            classes = [self._dimension(s) for s in sizes]
            self.leaves[name] = SCALAR if not classes else \
                (classes[0], self.sizes.constant(1)) if len(classes) == 1 else tuple(classes)
            declared = True
        if declared:
            self.base = None
        return declared

    def _dimension(self, size: Node) -> int:
        if size.kind == "num" and size.name.isdigit():
            return self.sizes.constant(int(size.name))
        try:
            return self.dimensions.setdefault(key(size), self.sizes.new())
        except Undecided:
            return self.sizes.new()

    def defines(self, left: Node) -> bool:
        """Whether ``left`` names something this note has defined as a matrix."""
        try:
            return key(left) in self.definitions
        except Undecided:
            return False

    def define_node(self, left: Node, right: Node) -> bool:
        """Record ``left = right`` when ``left`` is a name; whether its right side has consistent shapes."""
        try:
            name = key(left)
        except Undecided:
            return False
        self.define(name, right)
        return name in self.definitions

    def define(self, name: str, right: Node) -> None:
        """Add ``name = right``; a right side without consistent shapes leaves the name unusable here."""
        self.nodes.append(right)
        saved = self._save()
        try:
            shape = self._shape_pass().evaluate(right)
            if isinstance(shape, Jacobian):
                raise Undecided("a Jacobian of matrices")
        except (Undecided, RecursionError) as exc:
            self._restore(saved)
            self.broken[name] = str(exc)
            self.definitions.pop(name, None)
            return
        self.definitions[name] = right
        self.shapes[name] = shape
        self.broken.pop(name, None)
        self.base = None

    def matrix_only(self, left: Node, right: Node, scalar_values: dict) -> set:
        """The names of a claim that only the matrix reading defines."""
        scalar = {str(v) for v in scalar_values}
        return {n for n in references(left) | references(right) if n in self.definitions and n not in scalar}

    def _save(self) -> tuple:
        return self.sizes.snapshot(), dict(self.leaves), set(self.targets), dict(self.ones)

    def _restore(self, saved: tuple) -> None:
        sizes, leaves, targets, ones = saved
        self.sizes.restore(sizes)
        self.leaves, self.targets, self.ones = leaves, targets, ones

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
            broken = references(node) & set(self.broken)
            if broken:
                name = sorted(broken)[0]
                raise Undecided(f"{name} is defined with shapes that do not fit: {self.broken[name]}")
        self.nodes += [left, right]
        base_sizes, base_pass = self._base()
        saved = self._save()
        before = {d: self.sizes.find(d) for d in self.sizes.parent}
        fixed_before = {r: self.sizes.fixed.get(r) for r in set(before.values())}
        names_before = self._size_names()
        try:
            shapes = self._shape_pass()
            a, b = shapes.evaluate(left), shapes.evaluate(right)
            try:
                matrix = b if a is SCALAR else a
                if (a is SCALAR) != (b is SCALAR) and not isinstance(matrix, Jacobian) and \
                        all(self.sizes.fixed.get(self.sizes.find(d)) == 1 for d in matrix):
                    pass  # w^T w = ‖w‖²: a matrix whose sizes are both 1 already equals a number
                else:
                    shapes.unify(a, b, "an equation")
            except ShapeClash:
                return Outcome("refuted", f"the sides have different shapes: left {self._show(a)}, "
                                          f"right {self._show(b)}")
            merged = self._merged(before, fixed_before, names_before)
            if merged:
                return Outcome("refuted", f"the shapes do not fit: it needs {merged}, which the note's "
                                          f"definitions leave apart")
            try:
                size = self.sizes.resolve(preset=base_sizes)
            except ShapeClash as exc:
                return Outcome("refuted", f"the shapes do not fit: {exc}")
            return self._numeric(left, right, size, base_pass, saved[1], seed)
        finally:
            self._restore(saved)

    def _base(self) -> tuple:
        """Sizes and random values for the definitions' leaves, drawn once until the next definition."""
        if self.base is None:
            size = self.sizes.resolve()
            by_member = {d: size[self.sizes.find(d)] for d in self.sizes.parent}
            leaves = _draw(self.leaves, self.targets, self.sizes, size, np.random.default_rng(0))
            ones = {i: size[self.sizes.find(shape[0])] for i, shape in self.ones.items()}
            self.base = (by_member, NumericPass(self.definitions, leaves, ones))
        return self.base

    def _merged(self, before: dict, fixed_before: dict, names: dict) -> str:
        """Why the claim needed sizes the definitions leave apart ('' when it did not)."""
        by_new: dict = {}
        for old_root in set(before.values()):
            by_new.setdefault(self.sizes.find(old_root), set()).add(old_root)
        for new_root, olds in by_new.items():
            olds = {o for o in olds if o in names or fixed_before.get(o) is not None}
            free = [o for o in olds if fixed_before.get(o) is None]
            if len(olds) > 1 and free:
                described = sorted({str(fixed_before[o]) if fixed_before.get(o) is not None else names[o]
                                    for o in olds}, key=lambda x: (x[0].isdigit(), x))
                return " = ".join(described)
            if free and self.sizes.fixed.get(new_root) is not None:
                return f"{names[free[0]]} = {self.sizes.fixed[new_root]}"
        return ""

    def _size_names(self) -> dict:
        """A readable name for each size class: 'rows of X', 'columns of W'."""
        names: dict = {}
        for name, shape in list(self.leaves.items()) + list(self.shapes.items()):
            if shape is SCALAR or isinstance(shape, Jacobian):
                continue
            for d, what in zip(shape, ("rows", "columns")):
                names.setdefault(self.sizes.find(d), f"{what} of {name}")
        return names

    def _show(self, shape, size: dict | None = None) -> str:
        """A shape as numbers where known (``3×4``), else by the sizes it shares (``1×(columns of W)``)."""
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

    def _numeric(self, left: Node, right: Node, size: dict, base_pass: NumericPass, base_leaves: dict,
                 seed: int) -> Outcome:
        new = {n: s for n, s in self.leaves.items() if n not in base_leaves}
        leaves = _draw(new, self.targets, self.sizes, size, np.random.default_rng(seed + 1))
        ones = {i: size[self.sizes.find(shape[0])] for i, shape in self.ones.items() if i not in base_pass.ones_at}
        run = base_pass.for_claim(leaves, ones)
        with np.errstate(all="ignore"):
            a, b = _diagonal(run.evaluate(left)), _diagonal(run.evaluate(right))
        a, b = run._pair(a, b)
        a, b = np.broadcast_arrays(a, b)
        a, b = np.broadcast_to(a, (DRAWS,) + a.shape[1:]), np.broadcast_to(b, (DRAWS,) + b.shape[1:])
        flat_a, flat_b = a.reshape(DRAWS, -1), b.reshape(DRAWS, -1)
        good = np.all(_real(flat_a) & _real(flat_b), axis=1)
        if good.sum() < 2:
            raise Undecided("the sides are not finite and real at enough random matrices")
        reached = set().union(*[{n} | run.dependencies(n) for n in references(left) | references(right)])
        sizes = ", ".join(f"{n} {self._show(s, size)}" for n, s in sorted(self.leaves.items())
                          if s is not SCALAR and n in reached)
        for t in np.flatnonzero(good):
            x, y = flat_a[t].real, flat_b[t].real
            tolerance = 1e-8 * max(1.0, float(np.max(np.abs(x), initial=0)), float(np.max(np.abs(y), initial=0)))
            bad = np.flatnonzero(np.abs(x - y) > tolerance)
            if bad.size:
                k = int(bad[0])
                where = "entry ({}, {}): ".format(*(np.array(divmod(k, a.shape[-1])) + 1)) if a.ndim == 3 else ""
                at = f"with random {sizes}: " if sizes else "at random values: "
                return Outcome("refuted", f"{at}{where}left {_num(x[k])}, right {_num(y[k])}")
        own = ", ".join(sorted(n for n in reached if n in self.definitions))
        if not sizes:
            # nothing drawn: the claim is about the note's own matrices, computed as defined
            return Outcome("verified", f"numerically, with the matrices as the note defines them ({own})" if own
                           else "numerically, with the matrices written in it (nothing drawn at random)")
        shown = f" ({sizes}{'; as the note defines ' + own if own else ''})"
        return Outcome("verified", f"numerically with {int(good.sum())} draws of random matrices{shown}")


def _real(v) -> np.ndarray:
    return np.isfinite(v) & (np.abs(v.imag) <= 1e-9 * np.maximum(1, np.abs(v.real)))


def _draw(shapes: dict, targets: set, sizes: Sizes, size: dict, rng) -> dict:
    """Random values for leaves: whole numbers for sizes (n, d_k), ±[0.15, 1.6] for other scalars, entries
    in [−1.5, 1.5] for matrices, probability rows for the targets of a cross-entropy."""
    leaves = {}
    for name, shape in sorted(shapes.items()):
        if shape is SCALAR:
            if WHOLE_NAME.match(name):
                values = rng.integers(2, 8, DRAWS).astype(float)  # not 1, where 1/d = 1/√d
            else:
                values = rng.uniform(0.15, 1.6, DRAWS) * rng.choice((-1, 1), DRAWS)
            leaves[name] = values.astype(complex)
            continue
        r, c = size[sizes.find(shape[0])], size[sizes.find(shape[1])]
        values = rng.uniform(-1.5, 1.5, (DRAWS, r, c))
        if name in targets:
            values = numeric.softmax_rows(2 * values)  # a target row is a distribution over classes
        leaves[name] = values.astype(complex)
    return leaves


def _diagonal(v):
    """A Jacobian ∂A/∂B of an entry-by-entry map, as the matrix of its diagonal (A, B of one shape)."""
    if not isinstance(v, Jacobian):
        return v
    if tuple(v.of) != tuple(v.by):
        raise Undecided("a Jacobian of matrices on its own (write it inside a chain-rule product)")
    T, P = v.values.shape[:2]
    J = v.values.reshape(T, P, P)
    diagonal = np.einsum("bii->bi", J)
    if np.max(np.abs(J - diagonal[:, :, None] * np.eye(P))) > 1e-12:
        raise Undecided("a Jacobian of matrices that is not entry by entry, outside a chain-rule product")
    return diagonal.reshape((T,) + tuple(v.of))
