"""Soundness of `symnet verify` (issue 9): the corpus in tests/soundness and a perturbed-identity property.

The oracle is independent of verify: every case's expectation was worked out by hand or with SymPy when the
corpus was written (see tests/soundness/__init__.py for the format). A wrong claim must never be `verified`,
a right one never `refuted`; at least 80 % of the right claims must be `verified`, each naming its evidence.

    python -m pytest tests/test_soundness.py -q -p no:cacheprovider
    SYMNET_SOUNDNESS_EXAMPLES=2000 python -m pytest tests/test_soundness.py -k perturbed   # a larger run
"""
from __future__ import annotations

import functools
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symnet.notes.verify import verify_text
from tests.soundness import Case, last_verdict, load_cases

CASES = load_cases()
WRONG = [c for c in CASES if c.expect == "wrong"]
RIGHT = [c for c in CASES if c.expect == "right"]
EVIDENCE_WORDS = ("symbolic", "numeric", "induction", "substitut", "solves", "rule", "exact", "approximately")


@functools.lru_cache(maxsize=None)
def _judged(case: Case) -> tuple[str, str]:
    """(status, detail) of verify's verdict on the case's last formula; each note is verified once per run."""
    # the verdicts, not the speed: a case near the CLI's 2 s budget (normalised-second-moment-r takes about 2 s
    # here) would flip to "undecided (time limit)" on a loaded machine; speed is measured in benchmarks/
    return last_verdict(case, verify_text(case.note, budget=6.0).verdicts)


def _evidence_named(detail: str) -> bool:
    """A `verified` verdict says what it rests on (symbolically, numerically at …, by induction, …)."""
    return bool(detail.strip()) and any(word in detail.lower() for word in EVIDENCE_WORDS)


def test_corpus_size_and_classes():
    """The corpus asked for by issue 9: at least 150 of each, every class with both kinds."""
    assert len(WRONG) >= 150 and len(RIGHT) >= 150, (len(WRONG), len(RIGHT))
    for cls in {c.cls for c in CASES}:
        kinds = {c.expect for c in CASES if c.cls == cls}
        assert kinds == {"wrong", "right"}, (cls, kinds)


@pytest.mark.parametrize("case", WRONG, ids=[c.id for c in WRONG])
def test_wrong_never_verified(case: Case):
    status, detail = _judged(case)
    assert status != "verified", f"{case.cls}/{case.id}: wrong claim verified ({detail}); why wrong: {case.why}"


@pytest.mark.parametrize("case", RIGHT, ids=[c.id for c in RIGHT])
def test_right_never_refuted(case: Case):
    status, detail = _judged(case)
    assert status != "refuted", f"{case.cls}/{case.id}: right claim refuted ({detail})"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verified_names_evidence(case: Case):
    status, detail = _judged(case)
    if status == "verified":
        assert _evidence_named(detail), f"{case.id}: verified without naming its evidence: {detail!r}"


def test_right_mostly_verified(capsys):
    """At least 80 % of the right claims verified; prints the verdicts by class and expectation."""
    table: Counter = Counter()
    for case in CASES:
        table[case.cls, case.expect, _judged(case)[0]] += 1
    verified = sum(n for (_, expect, status), n in table.items() if expect == "right" and status == "verified")
    with capsys.disabled():
        print()
        for cls in sorted({c.cls for c in CASES}):
            row = {e: {s: n for (k, ex, s), n in table.items() if k == cls and ex == e} for e in ("wrong", "right")}
            print(f"{cls:24} wrong {row['wrong']}  right {row['right']}")
        print(f"right verified: {verified}/{len(RIGHT)}")
    assert verified >= 0.8 * len(RIGHT), f"only {verified} of {len(RIGHT)} right claims verified"


# --- property: a true identity plus a small non-zero perturbation is never verified --------------------------

SIGMOID = r"Let $\sigma(x) = \frac{1}{1 + e^{-x}}$."
POSITIVE_XY = r"For $x > 0$ and $y > 0$,"

# (context sentence, left side, right side, variables): each identity holds on the context's domain.
IDENTITIES = [
    (SIGMOID, r"\sigma(-x)", r"1 - \sigma(x)", "x"),
    (SIGMOID, r"\tanh(x)", r"2\sigma(2x) - 1", "x"),
    ("", r"\log(e^{x})", "x", "x"),
    (SIGMOID, r"\frac{d}{dx}\sigma(x)", r"\sigma(x)(1 - \sigma(x))", "x"),
    ("", r"\frac{d}{dx}\tanh(x)", r"1 - \tanh^2(x)", "x"),
    ("", r"\cosh^2(x) - \sinh^2(x)", "1", "x"),
    ("", r"\sin^2(x) + \cos^2(x)", "1", "x"),
    ("", r"e^{x} e^{y}", r"e^{x + y}", "xy"),
    ("", r"(x + y)^2", r"x^2 + 2xy + y^2", "xy"),
    ("", r"\log(1 + e^{x}) - \log(1 + e^{-x})", "x", "x"),
    ("", r"\max(0, x)", r"\frac{x + |x|}{2}", "x"),
    ("", r"\sqrt{x^2}", "|x|", "x"),
    (SIGMOID, r"\frac{e^{x}}{e^{x} + e^{y}}", r"\sigma(x - y)", "xy"),
    ("", r"\log(e^{x} + e^{y})", r"x + \log(1 + e^{y - x})", "xy"),
    ("", r"\frac{d}{dx}\left(x e^{x}\right)", r"(x + 1) e^{x}", "x"),
    ("", r"\tanh(x)", r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}", "x"),
    ("", r"\cosh(2x)", r"2\cosh^2(x) - 1", "x"),
    ("", r"\sin(2x)", r"2\sin(x)\cos(x)", "x"),
    ("", r"\frac{d}{dx}\log(1 + x^2)", r"\frac{2x}{1 + x^2}", "x"),
    ("", r"x^3 - y^3", r"(x - y)(x^2 + xy + y^2)", "xy"),
    ("", r"\frac{1}{1 + e^{-x}}", r"\frac{e^{x}}{1 + e^{x}}", "x"),
    (POSITIVE_XY, r"\log(xy)", r"\log x + \log y", "xy"),
    (SIGMOID, r"\sigma(x)\sigma(-x)", r"\frac{d}{dx}\sigma(x)", "x"),
    (SIGMOID, r"\frac{d}{dx}\log\sigma(x)", r"1 - \sigma(x)", "x"),
    ("", r"\frac{\partial}{\partial x}\left(\frac{1}{2}(w x - y)^2\right)", r"w(w x - y)", "wxy"),
    ("", r"\sum_{i=1}^{n} i", r"\frac{n(n+1)}{2}", "n"),
    ("", r"\frac{\partial}{\partial w}(w x + b)^2", r"2x(w x + b)", "wxb"),
    (r"For $x > 0$,", r"e^{2\log x}", "x^2", "x"),
    ("", r"\cos(x - y)", r"\cos x \cos y + \sin x \sin y", "xy"),
    (r"For $x > 0$,", r"\arctan(x) + \arctan\left(\frac{1}{x}\right)", r"\frac{\pi}{2}", "x"),
    ("", r"\frac{d}{dx}\log(1 + e^{x})", r"\frac{1}{1 + e^{-x}}", "x"),
]

# Pieces of h, each a function of one variable that is nowhere identically zero; sums of them have only
# positive coefficients and distinct pieces, products of them are products of non-zero analytic functions,
# so h is never the zero function.
PIECES = [r"{v}^{2} + 1", r"e^{{{v}}}", r"\cosh({v})", r"2 + \tanh({v})", r"{v}", r"{v}^{3}",
          r"\frac{1}{1 + {v}^{2}}", r"3"]


def _epsilon_latex(mantissa: int, exponent: int, style: int) -> str:
    """m·10^e (1e-15 <= value <= 1e3) written three ways: a power of ten, `m \\times 10^{e}`, a decimal."""
    if mantissa == 1 and style == 0:
        return f"10^{{{exponent}}}"
    if style == 1 or not -6 <= exponent <= 2:
        return f"{mantissa} \\times 10^{{{exponent}}}"
    if exponent >= 0:
        return str(mantissa * 10 ** exponent)
    return "0." + "0" * (-exponent - 1) + str(mantissa)


@st.composite
def perturbed_identities(draw):
    context, left, right, names = draw(st.sampled_from(IDENTITIES))
    pieces = [draw(st.sampled_from(PIECES)).replace("{v}", draw(st.sampled_from(names)))
              for _ in range(draw(st.integers(1, 2)))]
    if len(pieces) == 2:
        h = f"{pieces[0]} + {pieces[1]}" if draw(st.booleans()) else r"\left(" + r"\right)\left(".join(pieces) + r"\right)"
    else:
        h = pieces[0]
    exponent = draw(st.integers(-15, 2))
    mantissa = draw(st.integers(1, 9))
    epsilon = _epsilon_latex(mantissa, exponent, draw(st.integers(0, 2)))
    term = f"{epsilon} \\left({h}\\right)"
    claim = f"{left} = {right} + {term}" if draw(st.booleans()) else f"{left} + {term} = {right}"
    return (f"{context}\n" if context else "") + f"$${claim}$$\n"


EXAMPLES = int(os.environ.get("SYMNET_SOUNDNESS_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(note=perturbed_identities())
def test_perturbed_identity_never_verified(note: str):
    case = Case(id="perturbed", cls="property", expect="wrong", note=note, why="epsilon * h != 0")
    status, detail = last_verdict(case, verify_text(note).verdicts)
    assert status != "verified", f"perturbed identity verified ({detail}):\n{note}"


@pytest.mark.parametrize("identity", IDENTITIES, ids=[f"identity-{i}" for i in range(len(IDENTITIES))])
def test_identities_themselves_not_refuted(identity):
    """The control for the property: the unperturbed identities are true, so never refuted."""
    context, left, right, _ = identity
    note = (f"{context}\n" if context else "") + f"$${left} = {right}$$\n"
    case = Case(id="identity", cls="property", expect="right", note=note)
    status, detail = last_verdict(case, verify_text(note).verdicts)
    assert status != "refuted", f"true identity refuted ({detail}):\n{note}"


def test_epsilon_latex_values():
    """The ε writer says what it means: the three styles name the same number."""
    assert _epsilon_latex(1, -15, 0) == "10^{-15}"
    assert _epsilon_latex(3, -7, 1) == r"3 \times 10^{-7}"
    assert _epsilon_latex(1, -3, 2) == "0.001"
    assert _epsilon_latex(9, 2, 2) == "900"
    assert _epsilon_latex(5, -12, 2) == r"5 \times 10^{-12}"


# --- the harness itself (negative controls: the corpus tests must be able to fail) ---------------------------

def test_last_verdict_picks_the_last_formula():
    """The verdict judged is the last formula's, not a context formula's, and a missing one is `missing`."""
    from symnet.notes.verify import Verdict
    case = Case(id="c", cls="k", expect="wrong", why="w", note="Let $a = 1$. Then\n$$a + a = 3$$\n")
    assert case.last_formula == (2, "a + a = 3")
    context = Verdict(line=1, column=5, text="a = 1", status="definition")
    claim = Verdict(line=2, column=3, text="a+a = 3", status="verified", detail="symbolically")
    assert last_verdict(case, [context, claim]) == ("verified", "symbolically")
    assert last_verdict(case, [context]) == ("missing", "")


def test_harness_catches_a_wrong_claim():
    """A deliberately wrong claim that today's verify refutes plainly comes back as refuted through the harness
    (so a `verified` there would be seen), and a deliberately right one as verified."""
    wrong = Case(id="w", cls="k", expect="wrong", why="2 != 3", note="$$1 + 1 = 3$$\n")
    right = Case(id="r", cls="k", expect="right", note="$$\\frac{d}{dx} x^2 = 2x$$\n")
    assert _judged(wrong)[0] == "refuted"
    assert _judged(right)[0] == "verified"
    assert not _evidence_named("") and not _evidence_named("because")
    assert _evidence_named("numerically: 40 points, 50 digits") and _evidence_named("symbolically")
