"""E, Var, Cov by rules, checked against Monte Carlo draws (fixed seed) and closed forms from the literature."""
import numpy as np
import pytest
import sympy as sp

from symnet.notes.read.assumptions import read_formula
from symnet.notes.read.facts import Facts, ValueSet
from symnet.notes.read.prose import read_prose
from symnet.notes.read.expectation import UNKNOWN, Expectation
from symnet.notes.latex import parse
from symnet.notes.read.meaning import Context, Meaning
from symnet.notes.read.nodes import Undecided
from symnet.notes.verify import verify_text

q, k, x, y = sp.symbols("q k x y", real=True)
q_, k_ = (sp.Symbol(n, commutative=False) for n in "qk")   # vectors, as verify reads them inside E[…]
d = sp.Symbol("d", real=True)
i, j = sp.symbols("i j", integer=True)
n = sp.Symbol("n", real=True)
X = sp.IndexedBase("x", real=True)
Q = sp.IndexedBase("q", real=True)
mu, sigma = sp.Symbol(r"\mu", real=True), sp.Symbol(r"\sigma", real=True)

SAMPLES = 200_000


def read(latex: str) -> sp.Expr:
    """A name as verify reads it from a note (σ_q is a member of the family σ)."""
    return Meaning(Context.empty()).expr(parse(latex))


def facts(text: str, *formulas: str) -> Facts:
    out = read_prose(text)
    for f in formulas:
        out = out.merge(read_formula(parse(f)))
    return out


def agrees(samples: np.ndarray, value: float, kind: str, sigmas: float = 5.0) -> bool:
    """Whether the rule's value lies within a few standard errors of the sample mean or variance."""
    if kind == "mean":
        se = samples.std(ddof=1) / np.sqrt(len(samples))
        return abs(samples.mean() - value) <= sigmas * se
    # the variance of a sample variance: (m4 − s⁴)/N
    centred = samples - samples.mean()
    s2 = centred.var(ddof=1)
    se = np.sqrt(max((centred**4).mean() - s2**2, 0.0) / len(samples))
    return abs(s2 - value) <= sigmas * se


# -- Monte Carlo oracles ------------------------------------------------------------------------------------------

def test_variance_of_a_dot_product_matches_sampling_and_the_closed_form():
    # Var(q·k) = d_k σ_q² σ_k² for independent zero-mean components (Vaswani et al. 2017, footnote 4)
    f = facts("Let $q, k \\in \\mathbb{R}^{d}$ have independent components with mean 0 and variances "
              "$\\sigma_q^2$, $\\sigma_k^2$.")
    rule = Expectation(f).variance(q_ * k_)
    sq, sk = read(r"\sigma_q"), read(r"\sigma_k")
    assert sp.simplify(rule - d * sq**2 * sk**2) == 0
    rng = np.random.default_rng(0)
    values = {d: 8, sq: 1.5, sk: 0.7}
    qs, ks = rng.normal(0, 1.5, (SAMPLES, 8)), rng.normal(0, 0.7, (SAMPLES, 8))
    s = (qs * ks).sum(axis=1)
    assert agrees(s, float(rule.xreplace(values)), "variance")
    # negative control: the same samples reject a wrong closed form (σ_k² dropped)
    assert not agrees(s, float((d * sq**2).xreplace(values)), "variance")


def test_scaled_dot_product_has_unit_variance():
    f = facts("Let $q, k \\in \\mathbb{R}^{d}$ have independent components with mean 0 and unit variance.")
    assert Expectation(f).variance(q_ * k_ / sp.sqrt(d)) == 1
    assert Expectation(f).variance(q_ * k_) == d
    assert Expectation(f).mean(q_ * k_) == 0


def test_expected_square_norm_is_the_dimension():
    f = facts("Let $q \\in \\mathbb{R}^{d}$ have independent components with mean 0 and unit variance.")
    assert Expectation(f).mean(q_ * q_) == d          # so E[q·q] = 0 is false
    rng = np.random.default_rng(1)
    s = (rng.normal(size=(SAMPLES, 6)) ** 2).sum(axis=1)
    assert agrees(s, 6, "mean") and not agrees(s, 0, "mean")


def test_variance_of_a_square_norm_needs_the_fourth_moment():
    unit = "Let $q \\in \\mathbb{R}^{d}$ have independent components with mean 0 and unit variance."
    with pytest.raises(Undecided, match="moments above the second"):
        Expectation(facts(unit), strict=True).variance(q_ * q_)
    # under a stated normal distribution: Var(q·q) = 2d (chi-square), not d
    normal = "Let $q \\in \\mathbb{R}^{d}$ have independent standard normal components."
    rule = Expectation(facts(normal)).variance(q_ * q_)
    assert rule == 2 * d and rule != d
    rng = np.random.default_rng(2)
    s = (rng.normal(size=(SAMPLES, 5)) ** 2).sum(axis=1)
    assert agrees(s, 10, "variance") and not agrees(s, 5, "variance")


def test_independent_products_and_stated_moments():
    f = facts("Let $x$ and $y$ be independent, $x$ with mean 1 and variance 4, $y$ with mean -2 and variance 0.25.")
    assert Expectation(f).mean(x * y) == -2
    assert Expectation(f).variance(x * y) == (4 + 1) * (sp.Rational(1, 4) + 4) - 4
    assert Expectation(f).variance(3 * x - y + 5) == 9 * 4 + sp.Rational(1, 4)
    assert Expectation(f).covariance(x, x + y) == 4
    rng = np.random.default_rng(3)
    xs, ys = rng.normal(1, 2, SAMPLES), rng.normal(-2, 0.5, SAMPLES)
    assert agrees(xs * ys, -2, "mean")
    assert agrees(xs * ys, float(Expectation(f).variance(x * y)), "variance")
    # negative control: a rule that forgot the means (Var(xy) = Var x Var y) is caught by the samples
    assert not agrees(xs * ys, 4 * 0.25, "variance")


def test_sample_mean_and_sample_variance():
    f = facts("Let $x_i$ be i.i.d. with mean $\\mu$ and variance $\\sigma^2$.")
    mean = sp.Sum(X[i], (i, 1, n)) / n
    assert sp.simplify(Expectation(f).variance(mean) - sigma**2 / n) == 0
    assert sp.simplify(Expectation(f).mean(mean) - mu) == 0
    # E[∑ (x_i − x̄)²] = (n − 1) σ²: why the sample variance divides by n − 1
    spread = sp.Sum((X[i] - sp.Sum(X[j], (j, 1, n)) / n) ** 2, (i, 1, n))
    rule = Expectation(f).mean(spread)
    assert sp.simplify(rule - (n - 1) * sigma**2) == 0
    rng = np.random.default_rng(4)
    xs = rng.normal(0.3, 1.2, (SAMPLES, 4))
    s = ((xs - xs.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    assert agrees(s, float(rule.xreplace({n: 4, sigma: 1.2})), "mean")
    assert not agrees(s, 4 * 1.2**2, "mean")          # negative control: n σ² (dividing by n is biased)


def test_weighted_sum_of_independent_inputs():
    # Var(∑_j w_ij x_j) = n σ² γ² (the argument behind Xavier/He initialisation)
    W = sp.IndexedBase("w", real=True)
    gamma = sp.Symbol(r"\gamma", real=True)
    f = read_prose(XAVIER)
    rule = Expectation(f).variance(sp.Sum(W[i, j] * X[j], (j, 1, n)))
    assert sp.simplify(rule - n * sigma**2 * gamma**2) == 0
    rng = np.random.default_rng(6)
    ws, xs = rng.uniform(-1, 1, (SAMPLES, 5)), rng.normal(0, 0.5, (SAMPLES, 5))   # any law: only moments matter
    s = (ws * xs).sum(axis=1)
    value = float(rule.xreplace({n: 5, sigma: np.sqrt(1 / 3), gamma: 0.5}))
    assert agrees(s, value, "variance") and not agrees(s, 5 / 3, "variance")


def test_kronecker_delta_for_components():
    f = facts("The components of $q$ are independent with mean 0 and variance $\\sigma^2$.")
    assert Expectation(f).mean(Q[i] * Q[j]) == sigma**2 * sp.KroneckerDelta(i, j)
    assert Expectation(f).mean(Q[1] * Q[2]) == 0 and Expectation(f).mean(Q[2] ** 2) == sigma**2
    # with a mean: E[q_i q_j] = μ² + σ² δ_ij
    g = facts("The components of $q$ are independent with mean $\\mu$ and variance $\\sigma^2$.")
    assert sp.expand(Expectation(g).mean(Q[i] * Q[j]) - (mu**2 + sigma**2 * sp.KroneckerDelta(i, j))) == 0


def test_normal_higher_moments():
    f = facts("Let $x \\sim \\mathcal{N}(\\mu, \\sigma^2)$.")
    assert sp.expand(Expectation(f).mean(x**4) - (mu**4 + 6 * mu**2 * sigma**2 + 3 * sigma**4)) == 0
    rng = np.random.default_rng(5)
    xs = rng.normal(0.5, 0.8, SAMPLES)
    assert agrees(xs**3, float(Expectation(f).mean(x**3).xreplace({mu: 0.5, sigma: 0.8})), "mean")


def test_binary_values_square_to_themselves():
    # y ∈ {0, 1} (a Bernoulli label): y² = y, so Var(y) = p − p²
    f = read_prose("Let $y$ have mean $p$.").merge(Facts(sets=(ValueSet("y", (0, 1)),)))
    p = sp.Symbol("p", real=True)
    assert Expectation(f).variance(y) == p - p**2
    with pytest.raises(Undecided, match="the variance of y"):
        Expectation(read_prose("Let $y$ have mean $p$."), strict=True).variance(y)   # control: without {0, 1}


# -- what is missing is said --------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression,text,reason", [
    (x * y, "", "independence of x and y not stated"),
    (x * y, "Here x is not independent of y, and both have mean 0.", "independence of x and y not stated"),
    (x * y, "Let $x$ and $y$ be independent.", "the mean of x"),
    (x**2, "Let $x$ have variance 1.", "the mean of x"),
    (x**3, "Let $x$ have mean 0 and variance 1.", "moments above the second"),
    (Q[i] * Q[j], "Let $q$ have mean 0 and variance 1.", "independence of the components of q"),
])
def test_undecided_names_what_is_missing(expression, text, reason):
    with pytest.raises(Undecided, match=reason):
        Expectation(read_prose(text), strict=True).mean(expression)
    # not strict: the missing expectation is kept as an unknown E(…), and what was missing is listed
    rules = Expectation(read_prose(text))
    assert rules.mean(expression).has(UNKNOWN) and any(reason in m for m in rules.missing)


def test_not_unit_variance_is_not_used():
    f = read_prose("Let $q, k$ have independent components with mean 0, but they are not unit variance.")
    with pytest.raises(Undecided, match="the variance of [qk]_i .variance 1 is denied"):
        Expectation(f, d, strict=True).variance(q_ * k_)


def test_identities_hold_whatever_the_unstated_moments():
    # linearity, shifts and scalings need no stated moment: E[x] stays an unknown number E(x)
    rules = Expectation(Facts())
    c = sp.Symbol("c", real=True)
    assert rules.mean(3 * x + 2) == 3 * UNKNOWN(x) + 2
    assert sp.expand(rules.variance(2 * x) - 4 * rules.variance(x)) == 0
    # Var(x + c) = Var(x) for a constant c: c is a stated value here (an index range bound makes it a size)
    shifted = Expectation(Facts(), constants={c})
    assert sp.expand(shifted.variance(x + c) - shifted.variance(x)) == 0
    assert sp.expand(rules.covariance(x, y) - (UNKNOWN(x * y) - UNKNOWN(x) * UNKNOWN(y))) == 0
    # negative control: an unknown product moment is not split without independence
    assert sp.expand(rules.mean(x * y) - UNKNOWN(x) * UNKNOWN(y)) != 0
    assert "independence of x and y not stated" in rules.missing


def test_a_vector_without_a_dimension():
    f = read_prose("Let $q$ and $k$ have independent components with mean 0 and unit variance.")
    with pytest.raises(Undecided, match="dimension of q"):
        Expectation(f).variance(q_ * k_)


# -- through verify -----------------------------------------------------------------------------------------------

XAVIER = ("Let the weights $w_{ij}$ be i.i.d. with zero mean and variance $\\sigma^2$, and let the inputs $x_j$ be "
          "i.i.d. with zero mean and variance $\\gamma^2$; $x_j$ is independent of $w_{ij}$.\n\n")
UNIT = "Let $q, k \\in \\mathbb{R}^{d_k}$ have independent components with mean 0 and unit variance.\n\n"


@pytest.mark.parametrize("note,status", [
    (UNIT + "$$\\mathbb{E}[q \\cdot q] = 0$$\n", "refuted"),
    (UNIT + "$$\\mathbb{E}[q \\cdot q] = d_k$$\n", "verified"),
    (UNIT + "$$\\mathbb{E}[q^\\top k] = 0$$\n", "verified"),
    (UNIT + "$$\\operatorname{Var}(q \\cdot k) = d_k$$\n", "verified"),
    (UNIT + "$$\\operatorname{Var}(q \\cdot k) = 1$$\n", "refuted"),
    (UNIT + "$$\\operatorname{Var}\\left(\\frac{q \\cdot k}{\\sqrt{d_k}}\\right) = 1$$\n", "verified"),
    (UNIT + "$$\\operatorname{Var}(q \\cdot q) = d_k$$\n", "undecided"),
    (UNIT + "$$\\mathbb{E}[q_i q_j] = \\delta_{ij}$$\n", "verified"),
    (UNIT + "$$\\mathbb{E}[q_i q_j] = 1$$\n", "refuted"),
    ("Nothing is assumed here.\n\n$$\\mathbb{E}[x y] = 0$$\n", "undecided"),
    ("Let $x$ and $y$ be independent with mean 0.\n\n$$\\mathbb{E}[x y] = 0$$\n", "verified"),
    ("Let $x$ and $y$ have mean 0; x is not independent of y.\n\n$$\\mathbb{E}[x y] = 0$$\n", "undecided"),
    ("The components of $q$ and $k$ are independent with mean 0 but not unit variance.\n\n"
     "$$\\operatorname{Var}(q \\cdot k) = d_k$$\n", "undecided"),
    ("Let $x_i$ be i.i.d. with mean $\\mu$ and variance $\\sigma^2$.\n\n"
     "$$\\operatorname{Var}\\left(\\frac{1}{n}\\sum_{i=1}^{n} x_i\\right) = \\frac{\\sigma^2}{n}$$\n", "verified"),
    ("Let $x_i$ be i.i.d. with mean $\\mu$ and variance $\\sigma^2$.\n\n"
     "$$\\operatorname{Var}\\left(\\frac{1}{n}\\sum_{i=1}^{n} x_i\\right) = \\sigma^2$$\n", "refuted"),
    (UNIT + "$$\\operatorname{Var}\\left(\\sum_{i=1}^{d_k} q_i k_i\\right) = d_k$$\n", "verified"),
    (UNIT + "$$\\operatorname{Var}\\left(\\sum_{i=1}^{d_k} q_i k_i\\right) = d_k^2$$\n", "refuted"),
    (XAVIER + "$$\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_{ij} x_j\\right) = n \\sigma^2 \\gamma^2$$\n", "verified"),
    (XAVIER + "$$\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_{ij} x_j\\right) = n \\sigma^2$$\n", "refuted"),
    (XAVIER.replace("$x_j$ is independent of $w_{ij}$", "nothing links $x_j$ and $w_{ij}$")
     + "$$\\mathrm{Var}\\left(\\sum_{j=1}^{n} w_{ij} x_j\\right) = n \\sigma^2 \\gamma^2$$\n", "undecided"),
])
def test_verify_decides_expectations_from_the_notes_assumptions(note, status):
    verdict = verify_text(note).verdicts[-1]
    assert verdict.status == status, verdict
    if status in ("verified", "refuted"):
        assert "by expectation rules" in verdict.detail
    if status == "verified":
        assert "mean of" in verdict.detail or "independent" in verdict.detail


# -- negative controls: each true result, mutated, must never be verified ---------------------------------------

TRUE_RESULTS = [
    (UNIT, r"\mathbb{E}[q \cdot q]", "d_k"),
    (UNIT, r"\operatorname{Var}(q \cdot k)", "d_k"),
    (UNIT, r"\mathbb{E}[q_i q_j]", r"\delta_{ij}"),
    ("Let $x$ and $y$ be independent with mean $\\mu$ and variance $\\sigma^2$.\n\n", r"\mathbb{E}[x y]", r"\mu^2"),
    ("Let $x$ and $y$ be independent with mean $\\mu$ and variance $\\sigma^2$.\n\n", r"\mathrm{Var}(x - y)",
     r"2 \sigma^2"),
    ("Let $x$ have mean $\\mu$ and variance $\\sigma^2$.\n\n", r"\mathbb{E}[x^2]", r"\sigma^2 + \mu^2"),
    ("Let $x$ have mean $\\mu$ and variance $\\sigma^2$.\n\n", r"\mathrm{Var}(3 x + 1)", r"9 \sigma^2"),
    (XAVIER, r"\mathrm{Var}\left(\sum_{j=1}^{n} w_{ij} x_j\right)", r"n \sigma^2 \gamma^2"),
]


@pytest.mark.parametrize("prose,left,right", TRUE_RESULTS)
def test_true_results_verify_and_mutants_do_not(prose, left, right):
    assert verify_text(f"{prose}$${left} = {right}$$\n").verdicts[-1].status == "verified"
    for wrong in (f"2 \\left({right}\\right)", f"{right} + 1", f"\\left({right}\\right)^2 + 1", "0"):
        verdict = verify_text(f"{prose}$${left} = {wrong}$$\n").verdicts[-1]
        assert verdict.status != "verified", (wrong, verdict)


def test_stated_constants_come_out_of_expectations():
    c = sp.Symbol("c", real=True)
    f = read_prose("For a random variable $x$ and a constant $c$, consider the shift.")
    assert sp.expand(Expectation(f).variance(x + c) - Expectation(f).variance(x)) == 0
    assert Expectation(f).mean(c * x) == c * UNKNOWN(x)
    # negative control: a c the note calls random (not constant) stays inside the expectation
    g = read_prose("Here $c$ is not constant.")
    assert Expectation(g).mean(c * x) == UNKNOWN(c * x)
    assert verify_text("For a random variable $x$ and a constant $c$,\n\n"
                       "$$\\mathrm{Var}(x + c) = \\mathrm{Var}(x)$$\n").verdicts[-1].status == "verified"
    assert verify_text("For a random variable $x$ and a constant $c$,\n\n"
                       "$$\\mathrm{Var}(x + c) = \\mathrm{Var}(x) + c^2$$\n").verdicts[-1].status != "verified"
