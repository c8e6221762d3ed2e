"""check_grads passes on every block and catches a deliberately wrong rule with each method."""
import numpy as np
import pytest

import symnet
from symnet.algebra.derive import derive
from symnet.algebra.functions import sigmoid
from symnet.algebra.rules import RULES
from symnet.checking.gradients import check_grads
from symnet.codegen.compile import compile_graph

from .cases import BLOCKS, build


@pytest.mark.parametrize("case", BLOCKS, ids=[c[0] for c in BLOCKS])
def test_every_block_passes_its_checks(case):
    g = build(case)
    report = check_grads(compile_graph(g, derive(g)), seed=0)
    assert report.passed, str(report)
    assert report.worst("central") <= 1e-6
    assert report.worst("directional") <= 1e-6
    f = compile_graph(g, derive(g))
    if f.analytic:
        assert report.worst("complex") <= 1e-12
    else:
        assert ("complex", "the graph uses a non-analytic function (abs, ReLU, step, sign)") in report.skipped


def wrong_sigmoid_graph():
    # negative control: σ' = σ(1+σ)
    wrong = dict(RULES) | {sigmoid: lambda y, x: (y * (1 + y),)}
    g = symnet.mlp((2, 2, 1), activation="sigmoid", loss="mse")
    return compile_graph(g, derive(g, rules=wrong))


@pytest.mark.parametrize("method", ["central", "directional", "complex"])
def test_each_method_catches_a_wrong_rule(method):
    report = check_grads(wrong_sigmoid_graph(), seed=0, methods=[method])
    assert not report.passed
    assert report.worst(method) > 1e-3


def test_mismatch_names_both_numbers():
    report = check_grads(wrong_sigmoid_graph(), seed=0, methods=["central"])
    with pytest.raises(symnet.GradientMismatch) as caught:
        report.raise_if_failed()
    message = str(caught.value)
    worst = max(report.failures, key=lambda c: c.error)
    assert f"analytic {worst.analytic:.6g} vs numeric {worst.numeric:.6g}" in message
    assert "(central)" in message


def test_known_derivative_at_a_chosen_point():
    # L = (w·d + b − p)² at w=2, b=1, d=1, p=3: residual 0 → gradient 0; at p=4: dL/dw = 2·(−1)·1 = −2
    f = compile_graph(symnet.linear_regression())
    report = check_grads(f, parameters={"w": 2.0, "b": 1.0}, inputs={"distance": [1.0], "price": [4.0]})
    assert report.passed
    analytic = {c.parameter: c.analytic for c in report.comparisons if c.method == "complex"}
    assert analytic == pytest.approx({"w": -2.0, "b": -2.0}, abs=1e-12)


def test_large_graphs_check_a_seeded_subset_and_every_direction():
    f = compile_graph(symnet.mlp((6, 12, 3), activation="tanh"))
    report = check_grads(f, seed=1, max_parameters=10, directions=2)
    assert report.passed
    assert sum(c.method == "central" for c in report.comparisons) == 10
    assert sum(c.method == "directional" for c in report.comparisons) == 2
    assert any("10 of 123 parameters" in why for _, why in report.skipped)
    again = check_grads(f, seed=1, max_parameters=10, directions=2)
    assert [c.parameter for c in again.comparisons] == [c.parameter for c in report.comparisons]


def test_report_renders_text_and_json():
    report = check_grads(compile_graph(symnet.neuron()), seed=0)
    text = str(report)
    assert "PASSED" in text and "central" in text
    import json
    data = json.loads(report.to_json())
    assert data["passed"] is True and {r["method"] for r in data["summary"]} == {"central", "directional", "complex"}


def test_unknown_method_is_a_user_error():
    with pytest.raises(symnet.SymnetError, match="unknown check method"):
        check_grads(compile_graph(symnet.neuron()), methods=["forward"])


def test_error_measure_is_relative():
    from symnet.checking.gradients import _error
    assert _error(np.array([0.25]), np.array([0.75]))[0] == pytest.approx(2 / 3)
    assert _error(np.array([0.0]), np.array([0.0]))[0] == 0.0
