"""train --save never leaves a broken file, refuses what it should before training, and every option is checked."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from symnet.errors import SymnetError
from symnet.training.saving import check_save_path, load_parameters, save_parameters

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys, types
import numpy as np
# the saving module alone (its package's __init__ would import SymPy: seconds per child)
package = types.ModuleType("symnet")
package.__path__ = [sys.argv[2]]
sys.modules["symnet"] = package
from symnet.training.saving import save_parameters
new = {"W": np.full((800, 500), 2.0), "b": np.arange(500.0)}
print("ready", flush=True)
while True:  # save again and again, so that the signal lands at an arbitrary moment of a save
    save_parameters(sys.argv[1], new)
"""
#: The negative control: NumPy's own savez writes the target in place.
NAIVE_CHILD = CHILD.replace("save_parameters(sys.argv[1], new)", "np.savez(sys.argv[1], **new)")
MOMENTS = [0.0, 0.0005, 0.001, 0.002, 0.004, 0.006, 0.01, 0.015, 0.02, 0.03, 0.045, 0.06]


def _interrupted(child_code: str, target: Path, signum) -> list[str]:
    """Start a child that saves in a loop, signal it at each moment; what the target then holds each time."""
    old = {"W": np.full((800, 500), 1.0), "b": np.zeros(500)}
    outcomes = []
    for delay in MOMENTS:
        save_parameters(target, old)
        child = subprocess.Popen([sys.executable, "-c", child_code, str(target), str(ROOT / "symnet")],
                                 stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        child.send_signal(signum)
        child.wait(timeout=30)
        assert child.returncode != 0
        try:
            with np.load(target) as archive:
                W, b = archive["W"], archive["b"]
        except Exception:  # noqa: BLE001 - a truncated or half-written archive, whatever NumPy says
            outcomes.append("broken")
            continue
        if W.shape == (800, 500) and np.all(W == 1.0) and np.all(b == 0):
            outcomes.append("old")
        elif W.shape == (800, 500) and np.all(W == 2.0) and np.array_equal(b, np.arange(500.0)):
            outcomes.append("new")
        else:
            outcomes.append("broken")
    return outcomes


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_save_leaves_the_old_or_the_new_file(tmp_path, signum):
    outcomes = _interrupted(CHILD, tmp_path / "params.npz", signum)
    assert "broken" not in outcomes, outcomes
    assert "new" in outcomes  # the saves did happen: the test looked at both sides


def test_negative_control_an_in_place_save_is_caught(tmp_path):
    assert "broken" in _interrupted(NAIVE_CHILD, tmp_path / "params.npz", signal.SIGTERM)


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "p.npz"
    save_parameters(target, {"w": np.array(1.0)})

    def broken(handle, **arrays):
        handle.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(KeyboardInterrupt):
        save_parameters(target, {"w": np.array(2.0)})
    monkeypatch.undo()
    assert float(np.load(target)["w"]) == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.npz"]


def test_save_path_checks(tmp_path):
    with pytest.raises(SymnetError, match=r"ending in \.npz"):
        check_save_path(tmp_path / "notes.md")
    with pytest.raises(SymnetError, match="does not exist"):
        check_save_path(tmp_path / "missing" / "p.npz")
    existing = tmp_path / "p.npz"
    existing.write_bytes(b"x")
    with pytest.raises(SymnetError, match="exists; add --force"):
        check_save_path(existing)
    assert check_save_path(existing, force=True) == existing
    (tmp_path / "d.npz").mkdir()
    with pytest.raises(SymnetError, match="is a folder"):
        check_save_path(tmp_path / "d.npz", force=True)


def test_load_checks_names_and_shapes(tmp_path):
    path = save_parameters(tmp_path / "p.npz", {"W1": np.ones((2, 3))})
    assert load_parameters(path, {"W1": (2, 3)})["W1"].tolist() == np.ones((2, 3)).tolist()
    with pytest.raises(SymnetError, match="shape"):
        load_parameters(path, {"W1": (3, 2)})
    with pytest.raises(SymnetError, match="no value for parameter 'b1'"):
        load_parameters(path, {"W1": (2, 3), "b1": (1, 3)})
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(SymnetError, match="not a parameter file"):
        load_parameters(tmp_path / "bad.npz", {"W1": (2, 3)})


XOR = ["train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--epochs", "5"]


def test_train_refuses_to_replace_a_file_without_force(run, tmp_path):
    saved = tmp_path / "params.npz"
    saved.write_bytes(b"precious")
    code, out, err = run(*XOR, "--save", str(saved))
    assert code == 2 and out == "" and "exists; add --force" in err and err.count("\n") == 1
    assert saved.read_bytes() == b"precious"
    code, out, err = run(*XOR, "--save", str(saved), "--force")
    assert code == 0 and f"saved parameters to {saved}\n" in out
    assert set(np.load(saved).files) == {"W1", "b1", "W2", "b2"}


def test_train_writes_exactly_the_name_it_prints(run, tmp_path):
    code, out, err = run(*XOR, "--save", str(tmp_path / "notes.md"))
    assert code == 2 and out == "" and "ending in .npz" in err
    assert list(tmp_path.iterdir()) == []


def test_eval_loads_what_train_saved(run, tmp_path):
    saved = tmp_path / "params.npz"
    code, out, _ = run(*XOR, "--save", str(saved), "--format", "json")
    assert code == 0
    trained = json.loads(out)["parameters"]
    code, out, err = run("eval", "mlp", "--sizes", "2,4,1", "--level", "matrix", "--load", str(saved),
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["parameters"] == trained
    code, _, err = run("eval", "mlp", "--sizes", "2,5,1", "--level", "matrix", "--load", str(saved))
    assert code == 2 and "shape" in err and err.count("\n") == 1


BAD_OPTIONS = [
    (["train", *XOR[1:], "--seed", "-1"], "'--seed': -1"),
    (["train", *XOR[1:], "--lr", "0"], "'--lr': 0 is not a finite number greater than 0"),
    (["train", *XOR[1:], "--lr", "inf"], "'--lr': inf"),
    (["train", *XOR[1:], "--epochs", "0"], "'--epochs': 0"),
    (["train", *XOR[1:], "--batch-size", "0"], "'--batch-size': 0"),
    (["train", *XOR[1:], "--patience", "0"], "'--patience': 0"),
    (["train", *XOR[1:], "--l1", "nan"], "'--l1': nan"),
    (["eval", "mlp", "--sizes", "2,3,1", "--batch", "-1"], "'--batch': -1"),
    (["eval", "mlp", "--sizes", "2,3,1", "--seed", "-3"], "'--seed': -3"),
    (["check", "mlp", "--sizes", "2,3,1", "--l2", "nan"], "'--l2': nan"),
    (["derive", "mlp", "--sizes", "2,3,1", "--alpha", "0"], "'--alpha': 0"),
    (["derive", "mlp", "--sizes", "500,500,10"], "about 255,510 scalar parameters (limit 2,000): use --level matrix"),
    (["derive", "attention", "--level", "scalar", "--d-model", "40"], "scalar parameters"),
]


@pytest.mark.parametrize("argv,message", BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_bad_options_are_one_line_and_exit_2(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1, err


def test_a_growing_loss_prints_a_warning(run):
    code, out, err = run("train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--lr", "100", "--epochs", "200")
    assert code == 0 and "warning: the training loss grew" in err
    code, out, err = run("train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--lr", "0.05", "--epochs", "200")
    assert code == 0 and "warning" not in err  # the negative control: a healthy run stays quiet


@pytest.mark.parametrize("level", ["scalar", "matrix"])
def test_eval_cross_entropy_draws_one_hot_targets(run, level):
    code, out, err = run("eval", "dense", "--sizes", "2,3", "--loss", "cross_entropy", "--level", level,
                         "--batch", "4", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    if level == "matrix":
        Y = np.array(result["inputs"]["Y"])
    else:
        Y = np.column_stack([result["inputs"][f"y_{j}"] for j in (1, 2, 3)])
    assert Y.shape == (4, 3) and set(np.unique(Y)) <= {0.0, 1.0} and np.all(Y.sum(axis=1) == 1)
    assert result["loss"] > 0
