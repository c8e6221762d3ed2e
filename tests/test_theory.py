"""The design arguments of the notes, derived: Var(q·k), softmax saturation, vanishing gradients."""
import json

import sympy as sp

from symnet.cli import main
from symnet.theory import (attention_variance, derivative_maximum, dot_product_variance, softmax_jacobian,
                           softmax_saturation, vanishing_gradients)


def test_dot_product_variance_is_derived():
    r = dot_product_variance()
    d, sq, sk = r["d_k"], r["sigma_q"], r["sigma_k"]
    assert r["mean"] == 0
    assert sp.simplify(r["variance"] - d * sq**2 * sk**2) == 0
    assert sp.simplify(r["scaled_variance"] - sq**2 * sk**2) == 0
    assert r["scaled_variance"].subs({sq: 1, sk: 1}) == 1


def test_correlated_components_change_the_answer():
    # negative control: with correlation ρ between components the same derivation gives d σ²σ² (1 + (d−1)ρ²)
    rho = sp.Symbol("rho")
    r = dot_product_variance(rho)
    d, sq, sk = r["d_k"], r["sigma_q"], r["sigma_k"]
    assert sp.simplify(r["variance"] - d * sq**2 * sk**2 * (1 + (d - 1) * rho**2)) == 0
    assert sp.simplify(r["variance"] - d * sq**2 * sk**2) != 0


def test_monte_carlo_agrees_within_three_percent():
    data = attention_variance(dims=(16, 64, 512), samples=20000, seed=0).data
    for row in data["monte_carlo"]:
        assert float(row["relative_error"].rstrip("%")) < 3.0
        assert abs(float(row["scaled"]) - 1.0) < 0.03


def test_softmax_jacobian_is_diag_p_minus_ppT():
    J, expected = softmax_jacobian(3)
    assert (J - expected).applyfunc(sp.simplify) == sp.zeros(3, 3)
    # negative control: diag(p) + p pᵀ is not it
    P = sp.Matrix(expected.diagonal())
    assert (J - (expected + 2 * (sp.diag(*P) - expected))).applyfunc(sp.simplify) != sp.zeros(3, 3)


def test_unscaled_attention_saturates():
    rows = softmax_saturation(dims=(4, 64, 1024), trials=100).data["rows"]
    first, last = rows[0], rows[-1]
    assert last["entropy_unscaled"] < 0.2 * first["entropy_unscaled"]
    assert last["jacobian_unscaled"] < 0.3 * first["jacobian_unscaled"]
    assert abs(last["entropy_scaled"] - first["entropy_scaled"]) < 0.2
    assert abs(last["jacobian_scaled"] - first["jacobian_scaled"]) < 0.05


def test_slopes_of_sigmoid_and_tanh():
    _, at, peak = derivative_maximum("sigmoid")
    assert at == 0 and peak == sp.Rational(1, 4)
    _, at, peak = derivative_maximum("tanh")
    assert at == 0 and peak == 1


def test_vanishing_gradient_bound_holds_and_residuals_keep_the_signal():
    rows = vanishing_gradients(depths=(1, 5, 20)).data["rows"]
    assert all(r["within"] == "yes" for r in rows)
    assert float(rows[-1]["plain"]) < 1e-10 and float(rows[-1]["residual"]) >= 1.0


def test_theory_topics_on_the_cli(capsys):
    assert main(["derive", "attention-variance", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["variance"] == "d_k*sigma_k**2*sigma_q**2" and data["unit"] == "1"
    assert main(["derive", "vanishing-gradients", "--format", "markdown"]) == 0
    assert r"\frac{1}{4}" in capsys.readouterr().out
    assert main(["derive", "softmax-saturation", "--format", "python"]) == 2
