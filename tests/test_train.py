"""Training, data and the closed forms it is checked against."""
import json

import numpy as np
import pytest
import sympy as sp

from symnet.errors import SymnetError
from symnet.models import scalar_blocks as blocks
from symnet.theory import ALPHA, K, gradient_descent_closed_form, stationary_point
from symnet.training.data import load_data, read_csv
from symnet.training.loop import TrainingDiverged, train
from symnet.training.plotting import require_matplotlib


def test_xor_reaches_full_training_accuracy(run, capsys):
    code, out, _ = run("train", "mlp", "--sizes", "2,8,1", "--data", "xor", "--optimizer", "adam",
                       "--format", "json")
    assert code == 0 and json.loads(out)["accuracy"] == 1.0


def test_house_regression_recovers_the_generating_line():
    data = load_data("house", seed=0)
    result = train(blocks.linear_regression(level="matrix"), data, "sgd", 0.05, 3000)
    w, b = float(result.parameters["W1"][0, 0]), float(result.parameters["b1"][0, 0])
    assert w == pytest.approx(data.truth["w"], rel=0.05) and b == pytest.approx(data.truth["b"], rel=0.05)


def ridge_by_numpy(x, y, lam):
    # oracle: minimise mean((w x + b − y)²) + λ w² by the normal equations
    A = np.array([[np.mean(x * x) + lam, np.mean(x)], [np.mean(x), 1.0]])
    return np.linalg.solve(A, [np.mean(x * y), np.mean(y)])


@pytest.mark.parametrize("lam", [0.0, 0.1, 1.0])
def test_ridge_closed_form_is_derived_and_training_converges_to_it(lam):
    data = load_data("house", seed=3)
    x, y = data.X[:, 0], data.Y[:, 0]
    optimum = stationary_point(blocks.linear_regression(l2=lam)).evaluate({"distance": x, "price": y})
    assert [optimum["w"], optimum["b"]] == pytest.approx(ridge_by_numpy(x, y, lam), rel=1e-12)
    result = train(blocks.linear_regression(l2=lam, level="matrix"), data, "sgd", 0.05, 6000)
    trained = [float(result.parameters["W1"][0, 0]), float(result.parameters["b1"][0, 0])]
    assert max(abs(t - o) for t, o in zip(trained, [optimum["w"], optimum["b"]])) <= 1e-6


def test_ridge_formula_reads_as_the_textbook_one():
    opt = stationary_point(blocks.linear_regression(l2=0.5))
    g = opt.graph
    w = opt.solution[g.symbol("w")]
    moments = {str(e): m for m, e in opt.moments.items()}
    d, p, dp, d2 = (moments[k] for k in ("distance", "price", "distance*price", "distance**2"))
    lam = g.symbol("lambda2")
    assert sp.simplify(w - (dp - d * p) / (d2 - d**2 + lam)) == 0


def test_no_closed_form_for_a_nonlinear_gradient():
    with pytest.raises(SymnetError, match="not linear in the parameters|not polynomial"):
        stationary_point(blocks.neuron(inputs=1, activation="sigmoid"))


def test_quadratic_iterates_match_their_closed_form():
    demo = gradient_descent_closed_form(blocks.quadratic(3), learning_rate=0.1, start=0.0, steps=60)
    assert sp.simplify(demo.formula - 3 * (1 - (1 - 2 * ALPHA) ** K)) == 0
    assert demo.max_error <= 1e-12
    assert demo.iterates[1] == pytest.approx(0.6) and demo.iterates[-1] == pytest.approx(3.0, abs=1e-4)
    # negative control: the same iterates against the closed form of another learning rate disagree
    other = sp.lambdify((K, ALPHA), demo.formula)
    assert max(abs(a - other(k, 0.11)) for k, a in enumerate(demo.iterates)) > 1e-2


def test_quadratic_demo_on_the_cli(run, capsys):
    code, out, _ = run("train", "quadratic", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["max_error"] <= 1e-12 and len(data["iterates"]) == 51


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_the_loss(optimizer):
    result = train(blocks.mlp((1, 8, 1), level="matrix"), load_data("sine"), optimizer, None, 200, seed=1)
    assert result.history[-1] < 0.5 * result.history[0]


def test_scalar_and_matrix_levels_train_identically():
    data = load_data("xor")
    a = train(blocks.mlp((2, 3, 1), loss="bce"), data, "adam", 0.05, 50, seed=2)
    b = train(blocks.mlp((2, 3, 1), loss="bce", level="matrix"), data, "adam", 0.05, 50, seed=2)
    assert a.history == pytest.approx(b.history, rel=1e-10)


def test_early_stopping_keeps_the_best_parameters():
    result = train(blocks.mlp((1, 8, 1), level="matrix"), load_data("sine"), "adam", 0.5, 2000, patience=5)
    assert result.epochs < 2000 and result.stopped.startswith("early stopping")
    assert result.loss == pytest.approx(min(result.history), rel=0.5)


def test_divergence_stops_with_a_message_and_writes_nothing(run, capsys, tmp_path):
    with pytest.raises(TrainingDiverged, match="the loss became inf"):
        train(blocks.linear_regression(level="matrix"), load_data("house"), "sgd", 5.0, 1000)
    saved = tmp_path / "params.npz"
    code, out, err = run("train", "linear-regression", "--data", "house", "--optimizer", "sgd",
                         "--lr", "5", "--epochs", "1000", "--save", str(saved))
    assert code == 1 and err.startswith("symnet: error: training stopped at epoch") and err.count("\n") == 1
    assert not saved.exists() and "nan" not in out


def test_minibatches_and_a_progress_bar(run, capsys):
    result = train(blocks.mlp((2, 8, 1), loss="bce", level="matrix"), load_data("moons"), "adam", 0.02, 30,
                   batch_size=16, progress=True)
    assert len(result.history) == 30
    assert "training" in capsys.readouterr().err


def test_plot_and_save(run, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    plot, saved = tmp_path / "loss.png", tmp_path / "params.npz"
    code, out, _ = run("train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--epochs", "20",
                       "--plot", str(plot), "--save", str(saved))
    assert code == 0 and plot.stat().st_size > 1000
    assert set(np.load(saved).files) == {"W1", "b1", "W2", "b2"}


def test_missing_matplotlib_is_a_clear_error(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SymnetError, match=r"--plot needs matplotlib: pip install 'symnet\[plot\]'"):
        require_matplotlib()


def test_csv_data(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n1,2,0\n3,4,1\n5,6,1\n")
    d = read_csv(path, "label")
    assert d.X.tolist() == [[1, 2], [3, 4], [5, 6]] and d.task == "classification" and d.features == ("a", "b")


BAD_CSV = [
    ("a,b\n1,2\n", "c", "no column 'c'; the columns are a, b"),
    ("a,b\n1,x\n", "b", ":2:2: 'x' in column 'b' is not a number"),
    ("a,b\n1,2,3\n", "b", ":2: 3 cells, the header has 2"),
    ("a,b\n", "b", "needs a header row and at least one data row"),
]


@pytest.mark.parametrize("text,target,message", BAD_CSV)
def test_bad_csv_is_one_clear_line(run, capsys, tmp_path, text, target, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    code, _, err = run("train", "mlp", "--sizes", "1,2,1", "--data", str(path), "--target", target)
    assert code == 2 and message in err and err.count("\n") == 1


BAD_TRAIN = [
    (["train", "mlp", "--sizes", "2,4,1", "--data", "nowhere.csv", "--target", "y"], "no such data file"),
    (["train", "mlp", "--sizes", "2,4,1", "--data", "moon"], "unknown data 'moon'"),
    (["train", "mlp", "--sizes", "3,4,1", "--data", "xor"], "has 2 feature(s), the model takes 3"),
    (["train", "mlp", "--sizes", "2,4,2", "--data", "xor", "--loss", "mse"], "1 target column(s), the model predicts 2"),
    (["train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--epochs", "0"], "'--epochs': 0 is not a whole number of at least 1"),
    (["train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--lr", "-1"], "'--lr': -1 is not a finite number greater than 0"),
    (["train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--save", "/no/such/dir/p.npz"], "the folder /no/such/dir does not exist"),
    (["train", "mlp", "--sizes", "2,4,1"], "train needs --data"),
    (["train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--target", "y"], "--target applies to CSV files"),
]


@pytest.mark.parametrize("argv,message", BAD_TRAIN, ids=[" ".join(a[3:]) for a, _ in BAD_TRAIN])
def test_bad_training_options(run, capsys, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
