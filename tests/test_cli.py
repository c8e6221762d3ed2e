"""The CLI end to end: formats, exit codes, and one clear line for every user error."""
import json
import subprocess
import sys

import pytest

from symnet.models.registry import BUILTINS


def test_derive_json_gives_latex_and_text_per_parameter(run, capsys):
    code, out, err = run("derive", "mlp", "--sizes", "2,3,1", "--activation", "sigmoid", "--loss", "mse",
                         "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert len(data["parameters"]) == 13
    w = data["parameters"]["W1_1_1"]
    assert r"\sigma\left(" in w["latex"] and "sigmoid(" in w["text"]
    assert w["expanded"] is True and w["program_text"] == "dL_dz1_1*x_1"


@pytest.mark.parametrize("fmt,marker", [("latex", r"\begin{aligned}"), ("markdown", "## Gradients"),
                                        ("text", "gradients of L:"), ("python", "def loss_and_gradient(")])
def test_derive_formats(run, capsys, fmt, marker):
    code, out, _ = run("derive", "mlp", "--sizes", "2,2,1", "--l2", "0.01", "--format", fmt)
    assert code == 0 and marker in out


def test_derive_steps_name_the_reused_adjoints(run, capsys):
    code, out, _ = run("derive", "mlp", "--sizes", "2,2,1", "--activation", "tanh", "--format", "text",
                       "--steps")
    assert code == 0
    assert "dL/dz1_1 = dL/da1_1 * da1_1/dz1_1 = dL_da1_1 * (1 - a1_1**2)" in out
    assert "[reuses dL_dyhat]" in out


def test_derive_wrt_restricts_the_output(run, capsys):
    code, out, _ = run("derive", "mlp", "--sizes", "2,3,1", "--wrt", "W2", "--format", "json")
    assert code == 0 and sorted(json.loads(out)["parameters"]) == ["W2_1_1", "W2_2_1", "W2_3_1"]


@pytest.mark.parametrize("model,options", [
    ("neuron", []), ("neuron", ["--activation", "sigmoid", "--loss", "bce"]), ("linear-regression", ["--l2", "0.1"]),
    ("dense", ["--sizes", "3,2", "--loss", "cross_entropy"]),
    ("mlp", ["--sizes", "2,3,1", "--activation", "relu", "--l1", "0.01"]),
    ("mlp", ["--sizes", "2,2,2", "--activation", "gelu", "--loss", "bce"]),
])
def test_check_passes_for_builtin_models(run, capsys, model, options):
    assert model in BUILTINS
    code, out, _ = run("check", model, *options)
    assert code == 0 and out.rstrip().endswith("PASSED")


def test_check_exits_1_when_a_check_fails(run, capsys, monkeypatch):
    # negative control: the CLI runs with a rules table whose tanh' is 1 + a² instead of 1 − a²
    import importlib

    import sympy as sp
    module = importlib.import_module("symnet.algebra.derive")
    monkeypatch.setattr(module, "RULES", dict(module.RULES) | {sp.tanh: lambda y, x: (1 + y**2,)})
    code, out, _ = run("check", "mlp", "--sizes", "2,3,1", "--activation", "tanh")
    assert code == 1 and out.rstrip().endswith("FAILED")
    code, out, _ = run("check", "mlp", "--sizes", "2,3,1", "--activation", "sigmoid")
    assert code == 0


def test_eval_with_given_values(run, capsys):
    code, out, _ = run("eval", "linear-regression", "--param", "w=2", "--param", "b=1",
                       "--input", "distance=1,2", "--input", "price=4,5", "--format", "json")
    data = json.loads(out)
    # residuals −1, 0: L = 1/2, dL/dw = mean(2 r d) = −1, dL/db = mean(2 r) = −1
    assert code == 0 and data["loss"] == pytest.approx(0.5)
    assert data["gradient"] == pytest.approx({"w": -1.0, "b": -1.0})


BAD = [
    (["derive", "transformer"], "unknown model 'transformer'"),
    (["derive", "mlp", "--sizes", "2,x,1"], "malformed --sizes '2,x,1'"),
    (["derive", "mlp", "--sizes", "2,0,1"], "at least one unit"),
    (["derive", "mlp", "--sizes", "2,3,1", "--activation", "swish"], "'swish' is not one of"),
    (["derive", "mlp", "--sizes", "2,3,1", "--wrt", "W9"], "unknown parameter 'W9'"),
    (["derive", "mlp"], "needs --sizes"),
    (["derive", "linear-regression", "--sizes", "2,3"], "--sizes does not apply"),
    (["derive", "missing.py:build"], "missing.py: no such model file"),
    (["derive", "mlp", "--sizes", "2,3,1", "--loss", "bce", "--output-activation", "tanh"], "needs output activation"),
    (["eval", "neuron", "--param", "w_1"], "expected NAME=VALUE"),
    (["eval", "neuron", "--input", "x_9=1"], "the model's inputs are"),
    (["check", "neuron", "--batch", "0"], "at least 1"),
    (["derive", "mlp", "--sizes", "2,3,1", "--l2", "-1"], "non-negative"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(run, capsys, argv, message):
    code, out, err = run(*argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("symnet: error: ") and message in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("body,message", [
    ("def build():\n    return 42\n", "returned int, not a symnet Graph"),
    ("def other():\n    pass\n", "defines no function 'build'"),
    ("def build():\n    raise ValueError('boom')\n", "ValueError: boom"),
    ("import no_such_module_here\n", "ModuleNotFoundError"),
])
def test_bad_model_files(run, capsys, tmp_path, body, message):
    path = tmp_path / "model.py"
    path.write_text(body)
    code, _, err = run("derive", f"{path}:build")
    assert code == 2 and message in err and err.count("\n") == 1


def test_console_script_prints_no_traceback():
    result = subprocess.run([sys.executable, "-c", "from symnet.cli import entry_point; entry_point()",
                             "derive", "mlp", "--sizes", "2,,1"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == "symnet: error: malformed --sizes '2,,1': expected comma-separated whole " \
                                    "numbers such as 2,3,1"
