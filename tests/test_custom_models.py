"""Your own model: a Python function, GraphBuilder, a Markdown note; functions the rules table lacks."""
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import symnet
from symnet.cli.from_note import graph_from_text
from symnet.errors import GraphError, NoRuleError

README = Path(__file__).resolve().parents[1] / "README.md"


def _full_loss(g):
    """The loss written out in inputs and parameters: the oracle differentiates this with sympy.diff."""
    return g.expanded()[g.loss]


def _assert_matches_sympy(g, points=5, seed=0):
    grads = symnet.derive(g)
    full = _full_loss(g)
    rng = np.random.default_rng(seed)
    leaves = list(g.inputs) + list(g.parameters)
    for _ in range(points):
        at = {s: float(v) for s, v in zip(leaves, rng.uniform(0.1, 0.9, size=len(leaves)))}
        for p in g.parameters:
            ours = float(sp.N(grads.expanded(p).subs(at), 30))
            theirs = float(sp.N(sp.diff(full, p).subs(at), 30))
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-14), p


def test_a_python_function_keeps_the_names_it_assigns():
    @symnet.network(inputs=["x", "y"])
    def model(x, y, w, b):
        """one tanh unit, squared error"""
        z = w * x + b
        a = sp.tanh(z)
        z = a * a  # assigned again: a node z_2
        return (z - y) ** 2

    assert [str(a.target) for a in model.assignments] == ["z", "a", "z_2", "L"]
    assert model.description == "one tanh unit, squared error"
    assert [p.name for p in model.parameters] == ["w", "b"] and [s.name for s in model.inputs] == ["x", "y"]
    _assert_matches_sympy(model)
    assert "dL_dz" in symnet.compile_graph(model).source  # the user's name reaches the generated code


def test_from_function_defaults_and_a_returned_loss_node():
    def ridge(x, y, w):
        loss = (w * x - y) ** 2 + sp.Rational(1, 10) * w ** 2
        return loss

    g = symnet.from_function(ridge)
    assert g.loss.name == "loss" and [s.name for s in g.inputs] == ["x", "y"]
    _assert_matches_sympy(g)


def test_from_function_user_errors():
    with pytest.raises(GraphError, match="not an argument"):
        symnet.from_function(lambda x, w: w * x, inputs=["q"])
    with pytest.raises(GraphError, match="every argument is an input"):
        symnet.from_function(lambda x, y: x * y)
    with pytest.raises(GraphError, match="not a SymPy expression"):
        symnet.from_function(lambda x, w: "w")


def test_functions_without_a_rule_are_differentiated_by_sympy():
    @symnet.network
    def odd(x, y, w, b):
        h = sp.atan(w * x) + sp.asinh(b) * sp.sinh(w)
        return (h - y) ** 2

    _assert_matches_sympy(odd)
    report = symnet.check_grads(symnet.compile_graph(odd), seed=1)
    assert report.passed, str(report)


def test_an_undefined_function_still_has_no_rule():
    f = sp.Function("f")
    with pytest.raises(NoRuleError, match="no derivative rule"):
        symnet.derive(symnet.from_function(lambda x, w: f(w * x)))


# -- from a note -------------------------------------------------------------------------------------------

NOTE = r"""
# A neuron

The pre-activation is $z = w x + b$ and the prediction $\hat{y} = \sigma(z)$, with the loss
$$L = -\left(y \log \hat{y} + (1 - y) \log(1 - \hat{y})\right)$$
A claim about it, $L = 3$, is not a definition. Unrelated: $q = \arctan(w)$.
"""


def test_a_note_defines_the_loss_and_its_names():
    g = graph_from_text(NOTE, wrt=["w", "b"])
    assert [str(a.target) for a in g.assignments] == ["z", "hat_y", "L"]
    assert g.latex(g.symbol("hat_y")) == r"\hat{y}"
    _assert_matches_sympy(g)


def test_a_note_may_define_functions_it_then_calls():
    g = graph_from_text(r"Let $f(u) = u^2$ and $z = w x$; then $L = f(z - y)$.", wrt=["w"])
    assert [str(a) for a in g.assignments] == ["z = w*x", "L = (-y + z)**2"]
    _assert_matches_sympy(g)


def test_derive_a_note_from_the_command_line(run, tmp_path):
    note = tmp_path / "neuron.md"
    note.write_text(NOTE)
    code, out, err = run("derive", str(note), "--wrt", "w,b")
    assert code == 0, err
    assert r"\frac{\partial L}{\partial \hat{y}}" in out and "% gradients" in out
    code, out, err = run("derive", str(note), "--wrt", "v")
    assert code == 2 and "depends on b, w, x, y" in err and err.count("\n") == 1
    code, out, err = run("derive", str(note))
    assert code == 2 and "--wrt" in err
    empty = tmp_path / "empty.md"
    empty.write_text("no formulas here")
    code, out, err = run("derive", str(empty), "--wrt", "w")
    assert code == 2 and "defines nothing" in err


def test_a_note_with_code_does_nothing(run, tmp_path):
    marker = tmp_path / "pwned"
    note = tmp_path / "hostile.md"
    note.write_text("$L = w^2 + __import__('os').system('touch %s')$\n"
                    "$L_{a_{\\text{ x ; open('%s','w') #}}} = w x$\n" % (marker, marker))
    run("derive", str(note), "--wrt", "w", "--format", "python")
    assert not marker.exists()


def test_expanded_refuses_beyond_its_limit(run):
    code, out, err = run("derive", "mlp", "--sizes", "4,6,6,2", "--expanded")
    assert code == 2 and out == "" and "about 325,704 operations" in err and "--force" in err


# -- the README's examples run as they are ------------------------------------------------------------------

def _readme_section(title: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return re.findall(r"```python\n(.*?)```", text[start:end if end > 0 else None], re.S)


def test_readme_own_model_examples_run():
    blocks = _readme_section("## Your own model")
    assert len(blocks) >= 2
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})  # our own README, not user text
