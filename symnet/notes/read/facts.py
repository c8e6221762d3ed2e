"""What a note assumes, as records: facts read from its formulas (``\\eta > 0``, ``x \\in \\mathbb{R}^d``,
``1 \\le i \\le n``) and from its prose ("the components of q and k are independent with mean 0 and unit
variance").

The facts are immutable records, each with where it comes from (a line, or the sentence it was read from):

- bounds on symbols (``\\eta > 0``, ``0 < \\eta\\lambda < 2``, ``j \\ne i``) and index ranges (``1 \\le i \\le n``,
  ``i \\in \\{1, \\ldots, n\\}``); shapes (``\\mathbf{X} \\in \\mathbb{R}^{n \\times d}``) and finite value sets
  (``y \\in \\{0, 1\\}``); labels that sum to one (``\\sum_i y_i = 1``) or are called one-hot;
- distributions per name or family (``q`` speaks for every ``q_i``): means, variances, normality, and which names
  are independent of each other (``components``: the entries of a vector are independent of one another too).

A statement the prose denies ("not unit variance", "x is not independent of y", "非独立") is kept as a record
with ``holds=False``: the latest statement about a thing wins, so a denial is never read as the fact.

The records are read by :mod:`symnet.notes.read.assumptions` (from formulas) and :mod:`symnet.notes.read.prose`.

>>> from symnet.notes.read.prose import read_prose
>>> facts = read_prose("Let the components of $q$ and $k$ be independent with mean 0 and unit variance.")
>>> facts.mean("q").value, facts.variance("k").value, bool(facts.independent("q", "k"))
(0, 1, True)
>>> read_prose("Here x is not independent of y, and its variance is not 1.").independent("x", "y") is None
True
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace

import sympy as sp

# -- the records ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a fact was read: a line of the note, or the sentence (quoted), and the scope it holds in."""

    line: int | None = None
    quote: str = ""
    scope: str = ""          # "" = the whole note; otherwise a name the caller chose (a paragraph, an example)

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        quote = " ".join(self.quote.split())
        return f"“{quote[:57] + '…' if len(quote) > 60 else quote}”" if quote else "stated"


@dataclass(frozen=True)
class Bound:
    """``subject relation other``: η > 0, η·λ < 2, j ≠ i."""

    subject: sp.Expr
    relation: str
    other: sp.Expr
    source: Source = Source()


@dataclass(frozen=True)
class IndexRange:
    """An integer name between two bounds (inclusive): 1 ≤ i ≤ n, i ∈ {1, …, n}."""

    name: str
    lower: sp.Expr
    upper: sp.Expr
    source: Source = Source()


@dataclass(frozen=True)
class Shape:
    """x ∈ ℝ^d: dims (d,); X ∈ ℝ^{n×d}: (n, d); x ∈ ℝ: ()."""

    name: str
    dims: tuple
    source: Source = Source()


@dataclass(frozen=True)
class ValueSet:
    """A name that takes only these values: y ∈ {0, 1}."""

    name: str
    values: tuple
    source: Source = Source()


@dataclass(frozen=True)
class Moment:
    """A stated moment of a name or a family: kind is ``mean``, ``variance`` or ``second`` (E[x²])."""

    name: str
    kind: str
    value: sp.Expr
    holds: bool = True
    source: Source = Source()


@dataclass(frozen=True)
class Independence:
    """These names are mutually independent; ``components``: so are the entries of each (q_i ⊥ q_j, i ≠ j)."""

    names: frozenset
    components: bool = False
    holds: bool = True
    source: Source = Source()


@dataclass(frozen=True)
class Distribution:
    """A named distribution (``normal``); its moments are recorded as :class:`Moment` too."""

    name: str
    family: str
    source: Source = Source()


@dataclass(frozen=True)
class Label:
    """``one-hot`` (said so) or ``sums-to-one`` (∑_i y_i = 1): a label vector."""

    name: str
    kind: str
    holds: bool = True
    source: Source = Source()


@dataclass(frozen=True)
class Facts:
    """Everything a note assumes, in the order stated (immutable; combine with :meth:`merge`)."""

    bounds: tuple = ()
    ranges: tuple = ()
    shapes: tuple = ()
    sets: tuple = ()
    moments: tuple = ()
    independence: tuple = ()
    distributions: tuple = ()
    labels: tuple = ()

    def merge(self, other: "Facts") -> "Facts":
        """Both sets of facts, ``other``'s last (so its statements win); repeats dropped."""
        def joined(a: tuple, b: tuple) -> tuple:
            # one record per statement, wherever it was read: a statement made again moves to the end (the
            # latest wins) instead of piling up (a note that says "unit variance" in every paragraph)
            kept = {_statement(x): x for x in a}
            for x in b:
                kept.pop(_statement(x), None)
                kept[_statement(x)] = x
            return tuple(kept.values())
        return Facts(**{f.name: joined(getattr(self, f.name), getattr(other, f.name)) for f in fields(self)})

    def records(self) -> tuple:
        return tuple(r for f in fields(self) for r in getattr(self, f.name))

    def __bool__(self) -> bool:
        return bool(self.records())

    # -- scope -----------------------------------------------------------------------------------------------
    def scoped(self, scope: str) -> "Facts":
        """The same facts, holding only in ``scope`` (a paragraph, a worked example: the caller names it)."""
        return self._map(lambda r: replace(r, source=replace(r.source, scope=scope)))

    def within(self, *scopes: str) -> "Facts":
        """The facts that hold note-wide and those of the given scopes."""
        allowed = {"", *scopes}
        return self._filter(lambda r: r.source.scope in allowed)

    def without(self, scope: str) -> "Facts":
        """Everything but the facts of ``scope`` (when a worked example ends)."""
        return self._filter(lambda r: r.source.scope != scope)

    def _map(self, fn) -> "Facts":
        return Facts(**{f.name: tuple(fn(r) for r in getattr(self, f.name)) for f in fields(self)})

    def _filter(self, keep) -> "Facts":
        return Facts(**{f.name: tuple(r for r in getattr(self, f.name) if keep(r)) for f in fields(self)})

    # -- questions -------------------------------------------------------------------------------------------
    def _latest(self, records: tuple, test) -> object | None:
        for r in reversed(records):
            if test(r):
                return r
        return None

    def moment(self, name: str, kind: str) -> Moment | None:
        """The latest statement of ``name``'s mean/variance/second moment, or None (none, or it was denied)."""
        for key in _keys(name):
            r = self._latest(self.moments, lambda m: m.name == key and m.kind == kind)
            if r is not None:
                return r if r.holds else None
        return None

    def mean(self, name: str) -> Moment | None:
        return self.moment(name, "mean")

    def variance(self, name: str) -> Moment | None:
        return self.moment(name, "variance")

    def denied(self, name: str, kind: str) -> Moment | None:
        """The latest denial about ``name``'s ``kind`` when it is the latest statement ("not unit variance")."""
        for key in _keys(name):
            r = self._latest(self.moments, lambda m: m.name == key and m.kind == kind)
            if r is not None:
                return None if r.holds else r
        return None

    def independent(self, a: str, b: str) -> Independence | None:
        """The statement that ``a`` and ``b`` are independent (``a == b``: the components of a are), if it holds."""
        a, b = plain(a), plain(b)
        if a == b:
            r = self._latest(self.independence, lambda i: a in i.names and (i.components or not i.holds))
        else:
            r = self._latest(self.independence, lambda i: a in i.names and b in i.names)
        return r if r is not None and r.holds else None

    def normal(self, name: str) -> Distribution | None:
        for key in _keys(name):
            r = self._latest(self.distributions, lambda d: d.name == key)
            if r is not None:
                return r if r.family == "normal" else None
        return None

    def shape(self, name: str) -> Shape | None:
        key = plain(name)
        return self._latest(self.shapes, lambda s: s.name == key)

    def values(self, name: str) -> ValueSet | None:
        key = plain(name)
        return self._latest(self.sets, lambda s: s.name == key)

    def index_range(self, name: str) -> IndexRange | None:
        return self._latest(self.ranges, lambda r: r.name == name)

    def one_hot(self, name: str) -> Label | None:
        """Whether ``name`` is a one-hot label: said so, or 0/1-valued and summing to one."""
        key = plain(name)
        said = self._latest(self.labels, lambda l: l.name == key and l.kind == "one-hot")
        if said is not None:
            return said if said.holds else None
        sums = self._latest(self.labels, lambda l: l.name == key and l.kind == "sums-to-one" and l.holds)
        binary = self.values(key)
        if sums is not None and binary is not None and set(binary.values) <= {0, 1}:
            return sums
        return None

    def is_vector(self, name: str) -> bool:
        """Stated with one dimension, or spoken of as having components."""
        key = plain(name)
        s = self.shape(key)
        if s is not None:
            return len(s.dims) == 1
        return any(key in i.names and i.components for i in self.independence) or \
            any(m.name == key and m.source.quote and _COMPONENTS.search(m.source.quote) for m in self.moments)

    def constant(self, name: str) -> Distribution | None:
        """The statement that ``name`` is a constant ("a constant $c$", "$h$ is fixed"), if it is the latest."""
        key = plain(name)
        if any(d.name == key and d.family == "random" for d in self.distributions):
            # "a constant variable X … is zero" after "X is a random variable": a name the note ever calls
            # random is not taken as a constant (a constant zeroes its variance: claims would verify for it)
            return None
        r = self._latest(self.distributions, lambda d: d.name == key and d.family in ("constant", "random"))
        return r if r is not None and r.family == "constant" else None

    def parameters(self) -> set:
        """The names that stated values and sizes are made of (σ, μ, d_k): constants, not random."""
        out: set = set()
        for m in self.moments:
            out |= m.value.free_symbols | set(m.value.atoms(sp.Indexed))
        for s in self.shapes:
            for d in s.dims:
                out |= d.free_symbols | set(d.atoms(sp.Indexed))
        return out

    def sizes(self) -> set:
        """The names that bound index ranges (n in 1 ≤ i ≤ n): sizes, not random."""
        out: set = set()
        for r in self.ranges:
            for e in (r.lower, r.upper):
                e = e if isinstance(e, sp.Basic) else sp.Integer(e)
                out |= e.free_symbols | set(e.atoms(sp.Indexed))
        return out

    def bounds_on(self, subject: sp.Expr) -> tuple:
        """Every bound stated on ``subject`` (η > 0, η < 1 …), in the order stated."""
        return tuple(b for b in self.bounds if b.subject == subject)

    def sign(self, subject: sp.Expr) -> str | None:
        """``positive``/``nonnegative``/``negative``/``nonpositive`` when a bound against 0 says so."""
        for b in reversed(self.bounds):
            if b.subject == subject and b.other == 0:
                return {">": "positive", "≥": "nonnegative", "<": "negative", "≤": "nonpositive"}.get(b.relation)
        return None


_COMPONENTS = re.compile(r"\bcomponents?\b|\bentries\b|\belements\b|\bcoordinates\b|分量|元素|各维", re.I)


def _statement(record):
    """A record without where it was read (two readings of one statement are one statement)."""
    return replace(record, source=Source()) if hasattr(record, "source") else record


def plain(name: str) -> str:
    r"""The key a name is filed under: ``\mathbf{q}`` → ``q``, ``q_i`` → ``q`` (a family), ``x_1`` stays."""
    name = name.strip()
    m = re.fullmatch(r"\\(?:mathbf|boldsymbol|bm|vec|mathbfit)\{([^{}]+)\}(.*)", name)
    if m:
        name = m.group(1).strip() + m.group(2)
    m = re.fullmatch(r"(.+?)_\{?([A-Za-z])\}?", name)
    if m and not name.startswith("\\sigma") and not name.startswith("d_"):
        name = m.group(1)
    return name


def _keys(name: str) -> list[str]:
    """A member ``x_1`` is looked up as itself, then as its family ``x``."""
    key = plain(name)
    m = re.fullmatch(r"(.+?)_\{?(\d+)\}?", key)
    return [key, plain(m.group(1))] if m else [key]



# -- facts in words ------------------------------------------------------------------------------------------

def describe(records) -> str:
    """The facts in words, grouped by where they come from: "mean of q = 0, q and k independent (line 3)"."""
    by_source: dict = {}
    for r in records:
        words = _words(r)
        if words:
            by_source.setdefault(str(r.source), [])
            if words not in by_source[str(r.source)]:
                by_source[str(r.source)].append(words)
    return "; ".join(f"{', '.join(w)} ({where})" for where, w in by_source.items())


def _greek(name: str) -> str:
    """σ for sigma, Σ for Sigma; other words as they are."""
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.removeprefix('var').upper()}")
    except KeyError:
        return name


def _text(e) -> str:
    """A value in plain words: σ_k², not \\sigma[k]**2."""
    out = re.sub(r"\\([A-Za-z]+)", lambda m: _greek(m.group(1)), sp.sstr(e))
    return re.sub(r"\[(\w+)\]", r"_\1", out).replace("**2", "²").replace("*", "·")


def _words(r) -> str:
    if isinstance(r, Moment):
        kind = {"second": "E of the square"}.get(r.kind, r.kind)
        return f"{kind} of {r.name} {'=' if r.holds else '≠'} {_text(r.value)}"
    if isinstance(r, Independence):
        names = " and ".join(sorted(r.names))
        word = "independent" if r.holds else "not independent"
        if len(r.names) == 1:
            return f"the components of {names} {word}"
        return f"{names} {word}" + (" (components too)" if r.components and r.holds else "")
    if isinstance(r, Distribution):
        return f"{r.name} {r.family}"
    if isinstance(r, Shape):
        return f"{r.name} ∈ ℝ^({'×'.join(map(_text, r.dims))})" if r.dims else f"{r.name} real"
    if isinstance(r, ValueSet):
        return f"{r.name} ∈ {{{', '.join(map(sp.sstr, r.values))}}}"
    if isinstance(r, Label):
        return f"{r.name} {r.kind}"
    if isinstance(r, Bound):
        return f"{_text(r.subject)} {r.relation} {_text(r.other)}"
    if isinstance(r, IndexRange):
        return f"{_text(r.lower)} ≤ {r.name} ≤ {_text(r.upper)}"
    return ""


__all__ = ["Bound", "Distribution", "Facts", "IndexRange", "Independence", "Label", "Moment", "Shape", "Source",
           "ValueSet", "describe", "plain"]
