"""Assumptions read from formulas and from prose (English and Chinese), negations included."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import sympy as sp

from symnet.notes.read.assumptions import read_formula, read_memberships
from symnet.notes.read.facts import Facts, Independence, Moment, Source, describe
from symnet.notes.read.prose import read_prose
from symnet.notes.latex import parse
from symnet.notes.read.meaning import Context, Meaning

eta, lam = sp.Symbol(r"\eta", real=True), sp.Symbol(r"\lambda", real=True)


def read(latex: str) -> sp.Expr:
    """A value as verify reads it from a note."""
    return Meaning(Context.empty()).expr(parse(latex))


def formula(text: str, line: int = 7) -> Facts:
    return read_formula(parse(text), line)


# -- formulas ---------------------------------------------------------------------------------------------------

def test_bounds_and_ranges():
    f = formula(r"\eta > 0")
    assert f.sign(eta) == "positive" and f.bounds[0].source.line == 7
    f = formula(r"0 < \eta\lambda < 2")
    assert {(b.relation, b.other) for b in f.bounds_on(eta * lam)} == {(">", 0), ("<", 2)}
    assert f.bounds_on(eta) == () and f.sign(eta) is None
    assert all(b.subject == eta * lam for b in f.bounds)
    f = formula(r"1 \le i \le n")
    r = f.index_range("i")
    assert (r.lower, r.upper) == (1, sp.Symbol("n", real=True))
    assert formula(r"j \ne i").bounds[0].relation == "≠"
    assert formula(r"t < T").bounds[0].relation == "<"
    # 0 < η: the named side becomes the subject
    assert formula(r"0 < \eta").sign(eta) == "positive"


def test_memberships_give_shapes():
    assert formula(r"x \in \mathbb{R}^d").shape("x").dims == (sp.Symbol("d", real=True),)
    X = formula(r"\mathbf{X} \in \mathbb{R}^{n\times d}").shape("X")
    assert [str(d) for d in X.dims] == ["n", "d"]
    both = formula(r"q, k \in \mathbb{R}^{d_k}")
    assert both.shape("q").dims == both.shape("k").dims and both.is_vector("q")
    assert formula(r"x \in \mathbb{R}").shape("x").dims == ()
    # only memberships are read wherever they stand
    assert read_memberships(parse(r"\eta > 0")) == Facts()
    assert read_memberships(parse(r"x \in \mathbb{R}^d")).shape("x") is not None


def test_labels_and_stated_moments():
    f = formula(r"\sum_i y_i = 1")
    assert f.labels[0].kind == "sums-to-one"
    # summing to one makes a label one-hot only when its entries are 0 or 1
    assert f.one_hot("y") is None
    from symnet.notes.read.facts import ValueSet
    assert f.merge(Facts(sets=(ValueSet("y", (0, 1)),))).one_hot("y") is not None
    assert formula(r"\mathbb{E}[x] = \mu").mean("x").value == sp.Symbol(r"\mu", real=True)
    assert formula(r"\mathrm{Var}(x) = \sigma^2").variance("x").value == sp.Symbol(r"\sigma", real=True) ** 2
    assert formula(r"\mathbb{E}[x^2] = 2").moment("x", "second").value == 2
    # a claim that is not an assumption of any kind gives nothing
    assert formula(r"f(x) = x^2") == Facts()


# -- prose ------------------------------------------------------------------------------------------------------

def test_which_names_the_sentence_speaks_of():
    f = read_prose("Let the components of $q$ and $k$ be independent with mean 0 and unit variance.")
    for name in "qk":
        assert f.mean(name).value == 0 and f.variance(name).value == 1
    assert f.independent("q", "k") and f.independent("q", "q")   # components too
    f = read_prose("Let $x$ have mean 0 and $y$ have unit variance.")
    assert f.mean("x") is not None and f.variance("x") is None
    assert f.variance("y") is not None and f.mean("y") is None
    # respectively: two values for two names
    f = read_prose("q and k independent, their components independent with mean 0 and variances σ_q², σ_k².")
    assert f.variance("q").value == read(r"\sigma_q^2")
    assert f.variance("k").value == read(r"\sigma_k^2")


@pytest.mark.parametrize("text", [
    "The components of $q$ are not unit variance.",
    "Here $q$ does not have unit variance.",
    "$q$ 的方差不为1。",
])
def test_not_unit_variance_is_not_unit_variance(text):
    # negative control: the words "unit variance" are there, the fact is not
    f = read_prose(text)
    assert f.variance("q") is None


def test_a_later_denial_wins():
    f = read_prose("Let $q$ have unit variance.").merge(read_prose("In this section $q$ is not unit variance."))
    assert f.variance("q") is None and f.denied("q", "variance") is not None
    # and an assertion after a denial holds again
    g = f.merge(read_prose("From now on $q$ has variance 1."))
    assert g.variance("q").value == 1


@pytest.mark.parametrize("text", [
    "Here x is not independent of y.",
    "$x$ and $y$ need not be independent.",
    "We proceed without assuming independence of $x$ and $y$.",
    "$x$ 与 $y$ 非独立。",
    "$x$ 和 $y$ 不独立。",
    "Independence of $x$ and $y$ is not assumed.",
])
def test_negated_independence(text):
    f = read_prose(text)
    assert f.independent("x", "y") is None
    # and the positive statement is read (the same sentence without the negation)
    assert read_prose("Here x is independent of y.").independent("x", "y") is not None


@pytest.mark.parametrize("text", [
    "$x$ and $y$ are independent.",
    "Let $x$ and $y$ be i.i.d. with zero mean.",
    "$x$ 和 $y$ 相互独立，均值为0，方差为1。",
])
def test_independence_read(text):
    assert read_prose(text).independent("x", "y") is not None


def test_chinese_moments():
    f = read_prose("设 $q$ 和 $k$ 的分量相互独立，均值为0，方差为 $\\sigma^2$。")
    assert f.mean("q").value == 0 and f.variance("k").value == sp.Symbol(r"\sigma", real=True) ** 2
    assert f.independent("q", "q") is not None
    assert read_prose("设 $x$ 服从标准正态分布。").normal("x") is not None


def test_normal_distributions():
    f = read_prose(r"Let $x \sim \mathcal{N}(\mu, \sigma^2)$ and let $z$ be standard normal.")
    mu, sigma = sp.Symbol(r"\mu", real=True), sp.Symbol(r"\sigma", real=True)
    assert (f.mean("x").value, f.variance("x").value) == (mu, sigma**2) and f.normal("x")
    assert (f.mean("z").value, f.variance("z").value) == (0, 1)
    f = read_prose("Let $q$ have entries drawn from N(0, I).")
    assert f.variance("q").value == 1 and f.independent("q", "q") is not None


def test_one_hot_and_its_negation():
    assert read_prose("The label $y$ is one-hot.").one_hot("y") is not None
    assert read_prose("The label $y$ is not one-hot.").one_hot("y") is None
    assert read_prose("标签 $y$ 是独热编码。").one_hot("y") is not None


def test_conclusions_are_not_assumptions():
    # "then … has variance d_k" is what the note derives, not what it assumes
    f = read_prose("Let $q$ and $k$ have independent components. Then $s$ has mean 0 and variance $d_k$.")
    assert f.variance("s") is None and f.mean("s") is None
    assert f.independent("q", "k") is not None


def test_the_query_and_key_are_q_and_k_only_when_components_are_spoken_of():
    f = read_prose("Let the query and key have independent components with mean 0 and unit variance.")
    assert f.variance("q").value == 1 and f.independent("q", "k")
    assert read_prose("The key point has mean 0.").mean("k") is None


def test_scope_and_merge():
    a = read_prose("Let $x$ have mean 0.").scoped("example 1")
    b = read_prose("Let $y$ have mean 0.")
    both = b.merge(a)
    assert both.mean("x") is not None and both.without("example 1").mean("x") is None
    assert both.within("example 2").mean("x") is None and both.within("example 1").mean("x") is not None
    assert both.merge(both) == both                                   # merging repeats adds nothing
    with pytest.raises(Exception):
        both.moments = ()                                            # immutable


def test_evidence_in_words():
    f = Facts(moments=(Moment("q", "mean", sp.S.Zero, True, Source(line=3)),),
              independence=(Independence(frozenset("qk"), True, True, Source(quote="q and k independent")),))
    text = describe(f.records())
    assert "mean of q = 0 (line 3)" in text and "k and q independent (components too)" in text


@pytest.mark.parametrize("text,name,kind", [
    # a name that counts something is a size, not a random name
    ("Assume that we draw $m$ samples $x_i$ from a distribution with mean 0 and variance 1.", "m", "mean"),
    # a value written as an equation is not a subject
    ("After normalising, the batch has zero mean $\\boldsymbol{\\mu} = 0$ and unit variance.", "\\mu", "mean"),
    # a property and a name far apart, a preposition between them
    ("Noise of mean zero $\\epsilon \\sim \\mathcal{N}(0,\\sigma^2)$ is then added to the input $\\mathbf{x}$.",
     "x", "mean"),
    # i.e. and e.g. are not the names e, i, g
    ("The noise is independent, i.e., it has mean 0, e.g. Gaussian.", "e", "mean"),
])
def test_misreadings_avoided(text, name, kind):
    assert read_prose(text).moment(name, kind) is None


@pytest.mark.parametrize("text", [
    "The columns $a$ and $b$ are linearly independent.",
    "$a$ and $b$ are conditionally independent given $c$.",
    "We control the learning rates $a$ and $b$ independently.",
])
def test_other_kinds_of_independence_are_not_independence(text):
    assert read_prose(text).independent("a", "b") is None


def test_the_right_subject_is_kept_when_others_are_near():
    f = read_prose("Noise of mean zero $\\epsilon \\sim \\mathcal{N}(0,\\sigma^2)$ is then added to the input "
                   "$\\mathbf{x}$.")
    assert f.mean("\\epsilon").value == 0 and f.normal("\\epsilon") is not None
    f = read_prose("Suppose every element of the query $\\mathbf{q} \\in \\mathbb{R}^d$ and the key "
                   "$\\mathbf{k}_i \\in \\mathbb{R}^d$ is an independent random variable with zero mean and unit "
                   "variance.")
    assert f.variance("q").value == 1 and f.variance("k").value == 1 and f.independent("q", "k")
    assert f.shape("q").dims == (sp.Symbol("d", real=True),)


WORDS = ["$q$", "$k_i$", "$x$", "and", "not", "independent", "of", "mean", "0", "zero-mean", "variance", "unit",
         "$\\sigma^2$", "σ²", "is", "components", "i.i.d.", "N(0, 1)", "$x \\sim \\mathcal{N}(0,1)$", "one-hot", ",", ".",
         "均值为", "方差为1", "独立", "非", "then", "$\\{$", "$", "\\", "$q \\in \\mathbb{R}^{d}$", "(", "$a = $", "x"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25))
def test_any_prose_is_read_without_error(words):
    facts = read_prose(" ".join(words))
    assert isinstance(facts, Facts)
    describe(facts.records())
    # a denial read from the same words never becomes the fact it denies
    for m in facts.moments:
        if not m.holds:
            assert facts.moment(m.name, m.kind) is None or facts.moments.index(m) < max(
                k for k, r in enumerate(facts.moments) if r.name == m.name and r.kind == m.kind and r.holds)


def test_emphasis_and_pronouns():
    # "**not** independent" is a denial; "they … each has variance σ²" speaks of the names before
    f = read_prose("Here $x$ and $y$ are **not** independent.")
    assert f.independent("x", "y") is None and not f.independence[0].holds
    assert "x and y not independent" in describe(f.records())
    f = read_prose("The components of $q$ and $k$ are independent, with mean 0; they do **not** have unit\n"
                   "variance: each has variance $\\sigma^2$.")
    assert f.variance("q").value == sp.Symbol(r"\sigma", real=True) ** 2
    assert read_prose("Each has variance 2.").records() == ()      # no names before: nothing to speak of
