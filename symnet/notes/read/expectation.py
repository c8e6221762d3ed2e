"""E, Var and Cov by the rules of expectation, from the facts a note states (:mod:`symnet.notes.read.assumptions`).

The rules, and nothing else:

- linearity: E[a X + b Y] = a E[X] + b E[Y] for constants a, b, also through sums with symbolic bounds
  (E[∑_{i=1}^{d} X_i] = ∑_{i=1}^{d} E[X_i]); a name is a constant only when the note uses it as a stated value
  or size (σ, μ, d_k) or it is an index; any other name inside E[…] is random;
- independence: E[X Y] = E[X] E[Y] only when the note states that X and Y are independent; the members of a
  family (q_i, q_j, i ≠ j) only when it states that the components are;
- identically distributed families: a fact about q speaks for every q_i; two members with symbolic indices
  are the same variable when the indices agree (δ_ij) and different ones otherwise (1 − δ_ij);
- stated moments: E[x] = μ, Var(x) = σ², E[x²] = σ² + μ²; higher moments only for a stated normal
  distribution; y ∈ {0, 1} gives y² = y;
- vectors (a stated x ∈ ℝ^d, or a family spoken of as having components): q·k = ∑_{i=1}^{d} q_i k_i.

Var(X) = E[X²] − E[X]², Cov(X, Y) = E[XY] − E[X] E[Y]. What the facts do not give is kept as an unknown number
``E(x)``, ``E(x**2)``, ``E(x*y)`` (so linearity, Var(x + c) = Var(x) and Cov's definition are decided whatever it
is, and nothing else is) and listed in :attr:`Expectation.missing` ("the variance of q_i", "independence of x and
y not stated"); with ``strict=True`` the first missing thing raises :class:`~symnet.notes.read.meaning.Undecided`.

>>> from symnet.notes.read.prose import read_prose
>>> facts = read_prose("Let $q, k \\\\in \\\\mathbb{R}^{d}$ have independent components with mean 0 and unit variance.")
>>> q, k = sp.symbols("q k", real=True)
>>> Expectation(facts, sp.Symbol("d", real=True)).variance(q * k)
d
"""
from __future__ import annotations

import re
from itertools import product

import sympy as sp
from sympy.utilities.iterables import multiset_partitions

from ..latex import Node, parse
from .facts import Facts, describe, plain
from .meaning import Meaning, use_expectation
from .nodes import Undecided, expand, family_base
from .prose import read_around

#: An expectation the facts do not give, kept as an unknown number: E(x), E(x**2), E(x*y).
UNKNOWN = sp.Function("E", real=True)

#: Above this many terms after multiplying sums out, the claim is left undecided (it would only be slow).
MAX_TERMS = 400


def expectation(meaning: Meaning, name: str, args: tuple) -> sp.Expr:
    """``E``, ``Var`` or ``Cov`` of parsed arguments in a note's context (:meth:`Meaning.expectation`): the facts
    are the context's (its prose read first), the facts used are added to ``ctx.evidence``."""
    ctx = meaning.ctx
    read_around(ctx, ctx.prose)                # whoever set the prose, its assumptions are read (once)
    wanted = 2 if name == "Cov" else 1
    if len(args) != wanted:
        raise Undecided(f"{name} of {len(args)} argument(s)")
    # vectors (stated q ∈ ℝ^d, or spoken of as having components) do not commute: (q·k)² stays a square
    reader = _VectorMeaning(ctx, {n for n in _names(args) if ctx.facts.is_vector(n)})
    values = [expand(reader.expr(_without_transposes(a)), ctx.values) for a in args]
    # a vector whose shape the note does not state has the dimension d_k when the note names d_k
    named = re.search(r"d_\{?k\}?", ctx.prose + " " + ctx.formula)
    rules = Expectation(ctx.facts, meaning.expr(parse("d_k")) if named else None)
    result = rules.mean(*values) if name == "E" else rules.variance(*values) if name == "Var" else \
        rules.covariance(*values)
    ctx.evidence = (ctx.evidence or []) + rules.used
    ctx.missing = (ctx.missing or []) + [m for m in rules.missing if m not in (ctx.missing or [])]
    return result


def expectation_evidence(status: str, detail: str, ctx) -> tuple[str, str]:
    """A verdict on a claim with expectations: what it rests on ("by expectation rules, assuming mean of q = 0
    (line 3)"), or, undecided, which assumptions are missing. Call after deciding each claim (with
    ``ctx.evidence`` and ``ctx.missing`` reset to None before it)."""
    if status == "undecided" and ctx.missing:
        return status, "assumptions missing: " + "; ".join(ctx.missing)
    if status in ("verified", "refuted") and ctx.evidence is not None:
        used = describe(ctx.evidence)
        # the unstated expectations E[X], E[Y] are unknown numbers here, not arbitrary functions named E
        detail = re.sub(r", for every function (?:(?:E|Var|Cov|\\mathbb\{E\}|\\operatorname\{(?:Var|Cov)\})(?:, )?)+$",
                        "", detail)
        unknown = ", whatever the unstated expectations are" if ctx.missing else ""
        return status, f"{detail}; by expectation rules{unknown}{', assuming ' + used if used else ''}"
    return status, detail


class _VectorMeaning(Meaning):
    """Reads vectors as non-commuting names, so that q·k, (q·k)² and q·q keep their pairs."""

    def __init__(self, context, vectors: set) -> None:
        super().__init__(context)
        self.vectors = vectors

    def symbol(self, name: str) -> sp.Symbol:
        if plain(name) in self.vectors:
            return sp.Symbol(name, commutative=False)
        return Meaning.symbol(name)


def _names(nodes) -> set:
    out = set()
    for n in nodes:
        if isinstance(n, Node):
            if n.kind == "name":
                out.add(n.name)
            out |= _names(n.args)
    return out


def _without_transposes(node: Node) -> Node:
    """q^T k read as q·k (transposes of single names dropped: for vectors q^T k is the dot product)."""
    if node.kind == "transpose" and node.args and node.args[0].kind == "name":
        return node.args[0]
    if not any(isinstance(a, Node) for a in node.args):
        return node
    return Node(node.kind, node.name, tuple(_without_transposes(a) if isinstance(a, Node) else a
                                            for a in node.args), node.offset)


class Expectation:
    """E, Var, Cov of SymPy expressions under ``facts``; :attr:`used` lists the facts each result rests on."""

    def __init__(self, facts: Facts, dimension: sp.Expr | None = None, constants: set = frozenset(),
                 strict: bool = False) -> None:
        self.facts = facts
        self.strict = strict                # raise Undecided on anything missing, instead of keeping E[…] unknown
        self.missing: list[str] = []        # what the facts did not give (when not strict)
        self.dimension = dimension          # the size of a vector whose shape is not stated (d_k, named in the note)
        self.constants = set(constants) | facts.parameters() | facts.sizes()
        if dimension is not None:
            self.constants |= dimension.free_symbols | set(dimension.atoms(sp.Indexed))
        self.used: list = []

    # -- the public operations -------------------------------------------------------------------------------
    def mean(self, x: sp.Expr) -> sp.Expr:
        """E[x]."""
        return self._expect(self._prepare(x))

    def variance(self, x: sp.Expr) -> sp.Expr:
        """Var(x) = E[x²] − E[x]² (E[x] first: a missing mean is named before anything else)."""
        x = self._prepare(x)
        shortcut = self._single_variance(x)
        if shortcut is not None:
            return shortcut
        m = self._expect(x)
        return sp.expand(self._expect(self._power(x, 2)) - m**2)

    def covariance(self, x: sp.Expr, y: sp.Expr) -> sp.Expr:
        """Cov(x, y) = E[xy] − E[x] E[y]."""
        x, y = self._prepare(x), self._prepare(y)
        mx, my = self._expect(x), self._expect(y)
        return sp.expand(self._expect(x * self._renamed(y)) - mx * my)

    def evidence(self) -> str:
        """The facts used, with where they come from: "assuming mean of q = 0, … (line 3)"."""
        return describe(self.used)

    # -- vectors and names -----------------------------------------------------------------------------------
    def _prepare(self, x: sp.Expr) -> sp.Expr:
        """Capitals read as scalars (random variables X, Y), dot products written out as sums."""
        swap = {s: sp.Symbol(s.name, real=True) for s in x.free_symbols
                if isinstance(s, sp.Symbol) and not s.is_commutative and not self.facts.is_vector(s.name)}
        if swap:
            x = x.xreplace(swap)
        for s in x.atoms(sp.Sum):                 # the bounds of sums are sizes, not random
            for _, a, b in s.limits:
                self.constants |= _loose(a) | _loose(b) | a.atoms(sp.Indexed) | b.atoms(sp.Indexed)
        return self._dots(x)

    def _vector(self, e) -> bool:
        return isinstance(e, sp.Symbol) and not e.is_integer and e not in self.constants and \
            self.facts.is_vector(e.name)

    def _size(self, v: sp.Symbol) -> sp.Expr:
        shape = self.facts.shape(v.name)
        if shape is not None and len(shape.dims) == 1:
            self.used.append(shape)
            return shape.dims[0]
        if self.dimension is None:
            raise Undecided(f"assumptions missing: the dimension of {v} (e.g. {v} \\in \\mathbb{{R}}^{{d}})")
        return self.dimension

    def _dots(self, e: sp.Expr) -> sp.Expr:
        """q·k → ∑_{i=1}^{d} q_i k_i for vectors q, k; q·q (or q²) → ∑ q_i²."""
        if not any(self._vector(s) for s in _loose(e)):
            return e
        if e.is_Add:
            return sp.Add(*[self._dots(a) for a in e.args])
        if isinstance(e, sp.Sum):
            return sp.Sum(self._dots(e.function), *e.limits)
        factors = sp.Mul.make_args(e)
        vectors, rest = [], []
        for f in factors:
            if self._vector(f):
                vectors.append(f)
            elif f.is_Pow and self._vector(f.base) and f.exp == 2:
                vectors += [f.base, f.base]
            elif any(self._vector(s) for s in _loose(f)):
                if f.is_Pow and f.exp.is_Integer and f.exp > 0:
                    rest.append(self._dots(f.base) ** f.exp)
                    continue
                raise Undecided("a vector inside a function: only dot products of vectors are expected")
            else:
                rest.append(f)
        if not vectors:
            return sp.Mul(*rest)
        if any(not f.is_commutative for f in rest):
            raise Undecided("a vector times something other than a scalar")
        if len(vectors) != 2:
            raise Undecided(f"a product of {len(vectors)} vectors: only dot products q·k are expected")
        a, b = vectors
        d_a, d_b = self._size(a), self._size(b)
        if sp.simplify(d_a - d_b) != 0:
            raise Undecided(f"{a} and {b} have different dimensions ({d_a}, {d_b})")
        i = sp.Dummy("i", integer=True)
        # the families q_i, k_i as the note's own q_i are read (a plain label, real entries)
        base_a, base_b = (family_base(v.name) for v in (a, b))
        return sp.Mul(*rest) * sp.Sum(base_a[i] * base_b[i], (i, 1, d_a))

    def _random(self, atom) -> bool:
        if atom in self.constants or atom.is_number:
            return False
        said = self.facts.constant(_family(atom)) if isinstance(atom, (sp.Symbol, sp.Indexed)) else None
        if said is not None:
            self.used.append(said)
            return False
        if isinstance(atom, sp.Symbol):
            return not atom.is_integer
        if isinstance(atom, sp.Indexed):
            return not any(isinstance(c, sp.Indexed) and c.base.label == atom.base.label for c in self.constants)
        return False

    def _atoms(self, e: sp.Expr) -> set:
        found = {a for a in e.atoms(sp.Indexed) if self._random(a)}
        found |= {s for s in _loose(e) if self._random(s)}
        return found

    # -- E ---------------------------------------------------------------------------------------------------
    def _expect(self, x: sp.Expr) -> sp.Expr:
        total = sp.S.Zero
        terms = _normal_form(x)
        if len(terms) > MAX_TERMS:
            raise Undecided(f"the expectation has {len(terms)} terms once multiplied out (more than {MAX_TERMS})")
        for limits, body in terms:
            ranges = {i: (a, b) for i, a, b in limits}
            value = sp.Add(*[self._monomial(t) for t in sp.Add.make_args(sp.expand(body))])
            for i, a, b in reversed(limits):
                value = _sum(value, i, a, b, ranges)
            total += value
        return sp.expand(total)

    def _monomial(self, term: sp.Expr) -> sp.Expr:
        coefficient, powers, other = sp.S.One, {}, []
        for f in sp.Mul.make_args(term):
            atoms = self._atoms(f)
            if not atoms:
                coefficient *= f
            elif f in atoms:
                powers[f] = powers.get(f, 0) + 1
            elif f.is_Pow and f.base in atoms and f.exp.is_Integer and f.exp > 0:
                powers[f.base] = powers.get(f.base, 0) + int(f.exp)
            else:
                other.append(f)
        if other:
            names = ", ".join(sorted(map(str, self._atoms(sp.Mul(*other)))))
            random = sp.Mul(*other, *[a**p for a, p in powers.items()])
            return coefficient * self._missing(f"E of a nonlinear function of {names}", random)
        if not powers:
            return coefficient
        return coefficient * self._product(powers)

    def _missing(self, reason: str, random: sp.Expr) -> sp.Expr:
        """What the facts do not give: strict, an error naming it; else E[random] kept as an unknown number,
        so that a claim holding whatever it is (linearity, Var(x + c) = Var(x)) is still decided."""
        if self.strict:
            raise Undecided(f"assumptions missing: {reason}")
        if reason not in self.missing:
            self.missing.append(reason)
        return UNKNOWN(random)

    def _product(self, powers: dict) -> sp.Expr:
        """E[∏ atom^p]: members of a family with symbolic indices split by whether their indices agree."""
        families: dict = {}
        for atom in powers:
            families.setdefault(_family(atom), []).append(atom)
        choices = []
        for family, members in families.items():
            if len(members) > 4:
                raise Undecided(f"more than four members of {family} in one product")
            choices.append([(family, p) for p in _partitions(members)])
        total = sp.S.Zero
        for choice in product(*choices):
            weight, variables = sp.S.One, []
            for family, blocks in choice:
                weight *= _partition_weight(blocks)
                if weight == 0:
                    break
                variables += [(blocks_i[0], sum(powers[a] for a in blocks_i)) for blocks_i in blocks]
            if weight == 0:
                continue
            total += weight * self._independent_product(variables)
        return total

    def _independent_product(self, variables: list) -> sp.Expr:
        families = list(dict.fromkeys(_family(a) for a, _ in variables))
        if len(variables) > 1:
            missing = None
            if len(families) > 1:
                missing = self._independence(families, components=False)
            for f in families:
                if missing is None and sum(_family(a) == f for a, _ in variables) > 1:
                    missing = self._independence([f], components=True)
            if missing is not None:
                return self._missing(missing, sp.Mul(*[a**p for a, p in variables]))
        out = sp.S.One
        for atom, power in variables:
            out *= self._moment(atom, power)
        return out

    def _independence(self, names: list, components: bool) -> str | None:
        """None when the facts state the independence wanted (and it is used), else what is missing."""
        facts, wanted = self.facts, set(names)
        found = None
        for r in reversed(facts.independence):
            touches = len(wanted & r.names) >= (1 if components else 2) and (not components or r.components or not r.holds)
            if not touches:
                continue
            if not r.holds:
                break          # a later denial outweighs an earlier statement
            if wanted <= r.names and (r.components or not components):
                found = r
                break
        if found is None:
            if components:
                return f"independence of the components of {names[0]} not stated"
            pair = " and ".join(sorted(names)[:2]) if len(names) == 2 else ", ".join(sorted(names))
            return f"independence of {pair} not stated"
        self.used.append(found)
        return None

    def _moment(self, atom, power: int) -> sp.Expr:
        """E[atom^power] from the stated facts."""
        name = _key(atom)
        shown = _show(atom)
        values = self.facts.values(_family(atom))
        if values is not None and set(values.values) <= {0, 1}:
            self.used.append(values)
            power = 1                                   # y ∈ {0, 1}: y^p = y
        if power == 1:
            return self._stated(atom, "mean")
        second = self.facts.moment(name, "second")
        if power == 2 and second is not None:
            self.used.append(second)
            return second.value
        normal = self.facts.normal(name)
        if power == 2 or normal is not None and self.facts.mean(name) and self.facts.variance(name):
            variance = self._stated(atom, "variance")
            mean = self._stated(atom, "mean") if not isinstance(variance, sp.Function) else None
            if isinstance(variance, sp.Function):
                return self._missing(f"the variance of {shown}", atom**2)     # E[x²] unknown as a whole
            if power == 2:
                return variance + mean**2
            self.used.append(normal)
            # x = μ + σ z with z standard normal: E[z^k] = (k − 1)!! for even k, 0 for odd k
            return sp.expand(sum(sp.binomial(power, k) * mean**(power - k) * variance**sp.Rational(k, 2)
                                 * sp.factorial2(k - 1) for k in range(0, power + 1, 2)))
        return self._missing(f"E[{shown}^{power}] (moments above the second need a stated distribution, "
                             f"e.g. normal)", atom**power)

    def _stated(self, atom, kind: str) -> sp.Expr:
        """The stated mean or variance of atom; else (not strict) E[atom] or the unknown E[atom²]."""
        name = _key(atom)
        m = self.facts.moment(name, kind)
        if m is None:
            denied = self.facts.denied(name, kind)
            why = f" ({kind} {denied.value} is denied, {denied.source})" if denied is not None else ""
            return self._missing(f"the {kind} of {_show(atom)}{why}", atom if kind == "mean" else atom**2)
        self.used.append(m)
        return m.value

    def _single_variance(self, x: sp.Expr) -> sp.Expr | None:
        """Var(a X + b) = a² Var(X) for one random name X with a stated variance (its mean not needed)."""
        atoms = self._atoms(x)
        if len(atoms) != 1 or x.has(sp.Sum):
            return None
        (atom,) = atoms
        a = sp.diff(x, atom)
        if self._atoms(a) or sp.expand(x - a * atom).has(atom):
            return None
        m = self.facts.moment(_key(atom), "variance")
        if m is None:
            return None
        self.used.append(m)
        return sp.expand(a**2 * m.value)

    def _power(self, x: sp.Expr, n: int) -> sp.Expr:
        return sp.Mul(*[self._renamed(x) for _ in range(n)])

    @staticmethod
    def _renamed(x: sp.Expr) -> sp.Expr:
        """x with every bound index made fresh (so that a product of sums has distinct indices)."""
        return x.replace(lambda e: isinstance(e, sp.Sum), lambda s: _fresh(s))


def _loose(e: sp.Expr) -> set:
    """The symbols of e outside family members (q in q·k, not the q of q_i)."""
    indexed = e.atoms(sp.Indexed)
    inside = set().union(*[a.free_symbols for a in indexed]) if indexed else set()
    return {s for s in e.free_symbols if isinstance(s, sp.Symbol) and s not in inside}


def _fresh(s: sp.Sum) -> sp.Sum:
    swap = {i: sp.Dummy(str(i), integer=True) for i, *_ in s.limits}
    return sp.Sum(s.function.xreplace(swap), *[(swap[i], a, b) for i, a, b in s.limits])


def _normal_form(x: sp.Expr) -> list:
    """x as a list of (limits, body): sums pulled out, each bound index fresh, bodies free of sums."""
    if x.is_Add:
        return [t for a in x.args for t in _normal_form(a)]
    if isinstance(x, sp.Sum):
        s = _fresh(x)
        limits = tuple(s.limits)
        return [(limits + l, b) for l, b in _normal_form(s.function)]
    if x.is_Mul and x.has(sp.Sum):
        out = [((), sp.S.One)]
        for f in x.args:
            parts = _normal_form(f)
            out = [(l1 + l2, b1 * b2) for l1, b1 in out for l2, b2 in parts]
            if len(out) > MAX_TERMS:
                raise Undecided(f"the expectation has more than {MAX_TERMS} terms once multiplied out")
        return out
    if x.is_Pow and x.has(sp.Sum):
        if not (x.exp.is_Integer and x.exp > 0):
            raise Undecided("a sum inside a power other than a whole one")
        return _normal_form(sp.Mul(*[Expectation._renamed(x.base) for _ in range(int(x.exp))], evaluate=False))
    if x.has(sp.Sum):
        raise Undecided("a sum inside a nonlinear function")
    return [((), x)]


def _sum(value: sp.Expr, i, a, b, ranges: dict) -> sp.Expr:
    """∑_{i=a}^{b} value, with δ_ij over the same range picking j = i."""
    value = sp.expand(value).replace(lambda e: e.is_Pow and isinstance(e.base, sp.KroneckerDelta) and e.exp > 0,
                                     lambda e: e.base)
    out = sp.S.Zero
    for t in sp.Add.make_args(value):
        if not t.has(i):
            out += t * (b - a + 1)
            continue
        delta = next((d for d in t.atoms(sp.KroneckerDelta) if i in d.free_symbols), None)
        if delta is not None:
            other = delta.args[1] if delta.args[0] == i else delta.args[0]
            if ranges.get(other) == (a, b) and other != i:
                out += t.xreplace({i: other})         # δ_ij = 1 exactly at j = i, which lies in the range
                continue
        out += sp.Sum(t, (i, a, b)).doit()
    return out


def _partitions(members: list) -> list:
    """The ways members of one family may coincide: those with provably equal indices always do."""
    if len(members) == 1:
        return [[members]]
    return [[list(block) for block in p] for p in multiset_partitions(members)]


def _partition_weight(blocks: list) -> sp.Expr:
    """∏ δ within each block × ∏ (1 − δ) across blocks: 1 exactly when the indices fall in this pattern."""
    weight = sp.S.One
    for block in blocks:
        for a in block[1:]:
            weight *= _same(block[0], a)
    for k, b1 in enumerate(blocks):
        for b2 in blocks[k + 1:]:
            weight *= 1 - _same(b1[0], b2[0])
    return sp.expand(weight)


def _same(a, b) -> sp.Expr:
    """1 when two members are one variable, 0 when not, δ when their indices decide."""
    if not isinstance(a, sp.Indexed) or not isinstance(b, sp.Indexed):
        return sp.S.One if a == b else sp.S.Zero
    if len(a.indices) != len(b.indices):
        return sp.S.Zero
    # w_ij and w_kl are one variable exactly when every index agrees
    return sp.Mul(*[sp.KroneckerDelta(i, j) for i, j in zip(a.indices, b.indices)])


def _family(atom) -> str:
    return plain(str(atom.base.label) if isinstance(atom, sp.Indexed) else atom.name)


def _key(atom) -> str:
    """q_3 is looked up as itself first (then as q); q_i as the family q."""
    if isinstance(atom, sp.Indexed) and all(i.is_Integer for i in atom.indices):
        return f"{atom.base.label}_{'_'.join(map(str, atom.indices))}"
    return _family(atom)


def _show(atom) -> str:
    if isinstance(atom, sp.Indexed):
        return f"{atom.base.label}_{','.join(str(i).lstrip('_') for i in atom.indices)}"
    return str(atom)


__all__ = ["Expectation", "expectation", "expectation_evidence"]


use_expectation(expectation)  # Meaning reads E[X], Var(X), Cov(X, Y) by these rules
