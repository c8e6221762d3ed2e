"""The buffer-owning program (symnet/codegen/buffers.py) against the plain generated program, which the oracle tests
(finite differences, complex step, the scalar level, PyTorch) check: same loss and gradients, buffers that do
not leak into what the caller kept, fused optimiser steps equal to training.optimizers.Optimizer, float32."""
import re

import numpy as np
import pytest

import symnet
from symnet.checking.gradients import random_point
from symnet.codegen.compile import compile_graph
from symnet.errors import SymnetError
from symnet.models import sequence_blocks as sequence
from symnet.training.optimizers import Optimizer

GRAPHS = [
    ("mlp-tanh-mse", lambda: symnet.mlp((4, 6, 3), activation="tanh", loss="mse", level="matrix")),
    ("mlp-sigmoid-bce", lambda: symnet.mlp((3, 5, 1), activation="sigmoid", loss="bce", level="matrix")),
    ("mlp-relu-ce-l2", lambda: symnet.mlp((4, 5, 4, 3), activation="relu", loss="cross_entropy", l2=0.01,
                                          level="matrix")),
    ("mlp-gelu-l1", lambda: symnet.mlp((3, 4, 2), activation="gelu", loss="mse", l1=0.01, level="matrix")),
    ("attention", lambda: sequence.attention(d_model=4)),
    ("attention-causal", lambda: sequence.attention(d_model=3, d_k=2, causal=True)),
    ("multi-head", lambda: sequence.multi_head_attention(d_model=4, heads=2)),
    ("layer-norm", lambda: sequence.layer_norm_block(d_model=4)),
    ("residual", lambda: sequence.residual_block(d_model=3, d_ff=4)),
    ("embedding", lambda: sequence.embedding(vocabulary=5, d_model=4)),
    ("conv1d", lambda: sequence.conv1d(d=3, filters=4, width=2, classes=2)),
    ("rnn", lambda: sequence.rnn(inputs=2, hidden=3, outputs=2, steps=3)),
    ("rnn-one-step", lambda: sequence.rnn(inputs=1, hidden=2, outputs=2, steps=1)),
    ("encoder", lambda: sequence.encoder_block(d_model=4, heads=2, d_ff=6)),
    ("decoder", lambda: sequence.decoder_block(d_model=4, heads=2, d_ff=4)),
]


def _point(f, seed=0, batch=5):
    theta, data = random_point(f, seed=seed, batch=batch)
    params = f.unpack(theta)
    inputs = [np.asarray(data[n], dtype=float) for n in f.input_names]
    return inputs, [np.array(params[n], dtype=float) for n in f.shapes]


@pytest.mark.parametrize("build", [g[1] for g in GRAPHS], ids=[g[0] for g in GRAPHS])
def test_buffered_program_equals_the_plain_program(build):
    f = compile_graph(build())
    program = f.program()
    if f.graph.option("batched"):
        _equal_on_batches_of_sequences(f, program)
        return
    for batch in (5, 3, 5):  # a new batch size makes new buffers; the old size's come back
        data, params = _point(f, seed=batch, batch=batch)
        L, grads = f._namespace["loss_and_gradient"](*data, *params)
        Lb, gb = program.loss_and_gradient(*data, *params)
        assert float(Lb) == pytest.approx(float(np.mean(L)), rel=1e-13, abs=1e-15)
        for name, g, h in zip(f.parameter_names, grads, gb):
            np.testing.assert_allclose(h, np.broadcast_to(g, np.shape(h)), rtol=1e-12, atol=1e-14, err_msg=name)


def _equal_on_batches_of_sequences(f, program):
    # B×n×d batches (B = 3, 2, 3: the first size's buffers come back; B = 1) and one n×d sequence: the batch
    # means of the loss and of the gradients, as the plain program's (which the PyTorch oracle checks)
    params = [np.array(v, dtype=float) for v in f.unpack(random_point(f, seed=0)[0]).values()]
    for B in (3, 2, 3, 1, None):
        points = [random_point(f, seed=10 * (B or 0) + b, batch=4)[1] for b in range(B or 1)]
        data = {k: np.stack([d[k] for d in points]) if B else points[0][k] for k in f.input_names}
        L, grads = f.gradient_arrays(dict(zip(f.shapes, params)), data)
        Lb, gb = program.loss_and_gradient(*(data[k] for k in f.input_names), *params)
        assert float(Lb) == pytest.approx(float(L), rel=1e-12, abs=1e-15)
        for name, h in zip(f.parameter_names, gb):
            np.testing.assert_allclose(h, grads[name], rtol=1e-11, atol=1e-14, err_msg=f"{name}, B={B}")


def test_batched_comparison_catches_a_wrong_batch_mean():
    # negative control: the weight gradient's division by the batch size dropped (a sum, not a mean)
    f = compile_graph(sequence.attention(d_model=3))
    assert f.source.count("numpy.multiply(dL_dWQ, 1/batch, out=dL_dWQ)") == 1
    namespace = dict(f._namespace)
    exec(f.source.replace("numpy.multiply(dL_dWQ, 1/batch, out=dL_dWQ)", "pass"), namespace)
    from symnet.codegen.buffers import BufferedProgram
    from symnet.codegen.compile import _dimensions
    wrong = BufferedProgram(namespace["make_program"], _dimensions(f.graph), f.input_names,
                            list(f.shapes.values()), batched=True)
    with pytest.raises(AssertionError, match="WQ, B=3"):
        _equal_on_batches_of_sequences(f, wrong)


def test_comparison_catches_a_wrong_buffered_program():
    # negative control: the same graph with the tanh derivative's "1 -" dropped in the buffered source
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", level="matrix"))
    assert "numpy.subtract(1, dL_dZ1, out=dL_dZ1)" in f.source
    namespace = dict(f._namespace)
    exec(f.source.replace("numpy.subtract(1, dL_dZ1, out=dL_dZ1)", "pass"), namespace)
    data, params = _point(f)
    _, grads = f._namespace["loss_and_gradient"](*data, *params)
    _, wrong = namespace["make_program"](5, *f.shapes.values())[0](*data, *params)
    assert not np.allclose(wrong[0], grads[0])


def test_returned_gradients_survive_the_next_call_unless_asked():
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", level="matrix"))
    data, params = _point(f)
    data2, _ = _point(f, seed=9)
    safe, shared = f.program(), f.program(copy=False)
    _, kept = safe.loss_and_gradient(*data, *params)
    first = [g.copy() for g in kept]
    safe.loss_and_gradient(*data2, *params)
    for a, b in zip(kept, first):
        np.testing.assert_array_equal(a, b)
    _, views = shared.loss_and_gradient(*data, *params)
    _, again = shared.loss_and_gradient(*data2, *params)
    assert all(a is b for a, b in zip(views, again))  # documented: valid until the next call
    assert not np.allclose(views[0], first[0])


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_fused_optimiser_steps_equal_train_optimizer(kind):
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", level="matrix"))
    data, params = _point(f)
    reference = dict(zip(f.shapes, (p.copy() for p in params)))
    opt = Optimizer(kind, 0.05, reference)
    program = f.program(copy=False)
    state = [np.zeros_like(p) for p in params for _ in range(2 if kind == "adam" else 1)]
    for t in range(1, 4):
        _, grads = f.gradient_arrays(reference, dict(zip(f.input_names, data)))
        opt.step(reference, grads)
        if kind == "sgd":
            program.sgd_step(*data, *params, learning_rate=0.05)
        elif kind == "momentum":
            program.momentum_step(*data, *params, learning_rate=0.05, velocities=state)
        else:
            program.adam_step(*data, *params, learning_rate=0.05, moments=state, t=t)
    for name, p in zip(f.shapes, params):
        np.testing.assert_allclose(p, reference[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_float32_program_runs_in_single_precision():
    g = symnet.mlp((4, 6, 3), activation="tanh", level="matrix")
    f64, f32 = compile_graph(g), compile_graph(g, dtype="float32")
    data, params = _point(f64)
    L, grads = f64.program().loss_and_gradient(*data, *params)
    L32, g32 = f32.program().loss_and_gradient(*(a.astype(np.float32) for a in data),
                                               *(p.astype(np.float32) for p in params))
    assert all(g.dtype == np.float32 for g in g32)
    eps = float(np.finfo(np.float32).eps)   # a Python float: pytest.approx refuses NumPy scalars
    assert float(L32) == pytest.approx(float(L), rel=50 * eps)
    for g, h in zip(grads, g32):
        assert np.linalg.norm(h - g) <= 50 * eps * np.linalg.norm(g)
    # and the plain program casts real inputs to float32 on the way in
    _, plain = f32.gradient_arrays(dict(zip(f32.shapes, params)), dict(zip(f32.input_names, data)))
    assert all(np.asarray(v).dtype == np.float32 for v in plain.values())
    with pytest.raises(SymnetError, match="dtype"):
        compile_graph(g, dtype="float16")


FLOAT32_GRAPHS = [g for g in GRAPHS if g[0] in ("mlp-tanh-mse", "mlp-sigmoid-bce", "mlp-relu-ce-l2", "attention")] + [
    ("scalar-mlp", lambda: symnet.mlp((2, 3, 1), activation="tanh")),
    ("encoder", lambda: sequence.encoder_block(d_model=4, heads=2, d_ff=6)),
]


@pytest.mark.parametrize("build", [g[1] for g in FLOAT32_GRAPHS], ids=[g[0] for g in FLOAT32_GRAPHS])
def test_float32_programs_pass_checks_scaled_to_their_precision(build):
    from symnet.checking.gradients import TOLERANCES_FLOAT32, check_grads
    f = compile_graph(build(), dtype="float32")
    report = check_grads(f, seed=1, batch=3, max_parameters=30)
    assert report.passed, str(report)
    assert {c.tolerance for c in report.comparisons} <= set(TOLERANCES_FLOAT32.values())
    if f.analytic:  # the complex step ran in complex64: errors of float32 size, not float64's
        assert 1e-9 < report.worst("complex") <= TOLERANCES_FLOAT32["complex"]


@pytest.mark.parametrize("method", ["central", "directional", "complex"])
def test_float32_checks_catch_a_wrong_rule(method):
    # negative control: σ' = σ(1+σ), compiled in float32
    from symnet.algebra.derive import derive
    from symnet.algebra.functions import sigmoid
    from symnet.algebra.rules import RULES
    from symnet.checking.gradients import check_grads
    g = symnet.mlp((2, 2, 1), activation="sigmoid", loss="mse")
    f = compile_graph(g, derive(g, rules=dict(RULES) | {sigmoid: lambda y, x: (y * (1 + y),)}), dtype="float32")
    report = check_grads(f, seed=0, methods=[method])
    assert not report.passed
    assert report.worst(method) > 1e-2


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_training_with_the_fused_step_follows_the_unfused_one(optimizer, monkeypatch):
    from symnet.training.data import xor
    from symnet.training.loop import train
    g = symnet.mlp((2, 6, 1), activation="tanh", loss="bce", level="matrix")
    fused = train(g, xor(), optimizer=optimizer, learning_rate=0.05, epochs=30, batch_size=3, seed=0)
    monkeypatch.setattr(Optimizer, "fused", lambda self, f, params: None)
    plain = train(g, xor(), optimizer=optimizer, learning_rate=0.05, epochs=30, batch_size=3, seed=0)
    np.testing.assert_allclose(fused.history, plain.history, rtol=1e-10)
    for k in plain.parameters:
        np.testing.assert_allclose(fused.parameters[k], plain.parameters[k], rtol=1e-9, atol=1e-12)


def test_training_in_float32():
    from symnet.training.data import xor
    from symnet.training.loop import train
    g = symnet.mlp((2, 8, 1), activation="tanh", loss="bce", level="matrix")
    result = train(compile_graph(g, dtype="float32"), xor(), optimizer="adam", learning_rate=0.05, epochs=300, seed=0)
    assert all(v.dtype == np.float32 for v in result.parameters.values())
    assert result.accuracy == 1.0


def test_command_line_dtype(capsys):
    import json

    from symnet.cli import main
    assert main(["check", "mlp", "--sizes", "3,4,2", "--level", "matrix", "--dtype", "float32"]) == 0
    assert "tolerance 1e-03" in capsys.readouterr().out
    assert main(["eval", "mlp", "--sizes", "2,3,1", "--level", "matrix", "--dtype", "float32", "--format", "json"]) == 0
    f64 = json.loads(capsys.readouterr().out)
    assert main(["eval", "mlp", "--sizes", "2,3,1", "--level", "matrix", "--format", "json"]) == 0
    f32 = json.loads(capsys.readouterr().out)
    assert f32["loss"] == pytest.approx(f64["loss"], rel=1e-6) and f32["loss"] != f64["loss"]
    assert main(["train", "mlp", "--sizes", "2,8,1", "--data", "xor", "--epochs", "200", "--lr", "0.05",
                 "--dtype", "float32", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["accuracy"] == 1.0
    assert main(["train", "mlp", "--sizes", "2,8,1", "--data", "xor", "--dtype", "float16"]) == 2


def test_in_place_only_when_the_dying_operand_is_read_first_and_element_wise():
    from symnet.codegen.schedule import reads_only_first as _reads_only_first
    # dL_dZ1 = dL_dA1*(1 - A1**2) may take A1's memory: only the first call reads A1
    lines = ["numpy.multiply(A1, A1, out=dL_dZ1)", "numpy.subtract(1, dL_dZ1, out=dL_dZ1)",
             "numpy.multiply(dL_dZ1, dL_dA1, out=dL_dZ1)"]
    assert _reads_only_first(lines, {"A1"})
    assert not _reads_only_first(lines, {"dL_dA1"})  # read in the last call: its memory must survive
    assert not _reads_only_first(["numpy.matmul(A1, W2, out=Z2)"], {"A1"})  # a product reads all of A1 late
    assert not _reads_only_first(["numpy.multiply(A10, A10, out=T)", "numpy.add(T, A1, out=T)"], {"A1"})
    assert _reads_only_first(["numpy.multiply(A1, A1, out=T)", "numpy.add(T, A10, out=T)"], {"A1"})
    # a row sum of the targets into a scratch column first does not read Yhat: Yhat's memory may be taken
    column = "numpy.sum(Y, axis=1, keepdims=True, out=scratch0)"
    assert _reads_only_first([column, "numpy.multiply(Yhat, scratch0, out=T)", "numpy.subtract(T, Y, out=T)"],
                             {"Yhat"})
    assert not _reads_only_first([column, "numpy.multiply(Yhat, scratch0, out=T)"], {"Y"})
    assert not _reads_only_first([column, "numpy.multiply(T, scratch0, out=T)", "numpy.add(T, Yhat, out=T)"],
                                 {"Yhat"})


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_buffered_cross_entropy_keeps_the_target_row_sums(dtype):
    # Σ_j y_j (lse(z) − z_j) with rows summing to 0.4 … 2: the gradient is rowsum(Y) ∘ softmax(Z) − Y, checked
    # against central differences of the float64 loss (independent of both generated programs)
    g = symnet.mlp((3, 4, 3), activation="tanh", loss="cross_entropy", level="matrix")
    f64, f = compile_graph(g), compile_graph(g, dtype=dtype)
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(6, 3)), rng.uniform(0.1, 0.7, size=(6, 3))
    assert np.ptp(Y.sum(axis=1)) > 0.3
    params = [rng.normal(size=s) for s in f.shapes.values()]
    L, grads = f.program().loss_and_gradient(*(a.astype(dtype) for a in (X, Y, *params)))
    assert all(np.asarray(h).dtype == np.dtype(dtype) for h in grads)
    tol = 1e-9 if dtype == "float64" else 50 * float(np.finfo(np.float32).eps)
    loss = lambda ps: float(f64.loss(list(ps), {"X": X, "Y": Y}))  # noqa: E731
    assert float(L) == pytest.approx(loss(params), rel=tol)
    h = 1e-6
    for k, (name, p, gk) in enumerate(zip(f.parameter_names, params, grads)):
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            up, down = [q.copy() for q in params], [q.copy() for q in params]
            up[k][i] += h
            down[k][i] -= h
            numeric[i] = (loss(up) - loss(down)) / (2 * h)
        assert np.linalg.norm(gk - numeric) <= tol * max(1.0, np.linalg.norm(numeric)), name
    # negative control: dropping the row-sum factor (softmax(Z) − Y) gives a different last-layer gradient
    wrong = dict(f64._namespace)
    source, dropped = re.subn(r"numpy\.multiply\(Yhat, (scratch\d+), out=(\w+)\)", r"numpy.copyto(\2, Yhat)",
                              f64.source)
    assert dropped >= 1  # in loss_and_gradient (and sgd_step's own program)
    exec(source, wrong)
    _, bad = wrong["make_program"](6, *f64.shapes.values())[0](X, Y, *params)
    assert not np.allclose(bad[-1], grads[-1], rtol=1e-3)


def test_train_takes_the_fused_step_only_for_one_batch_of_rows(run, monkeypatch):
    # an MLP on rows: the generated update, Optimizer.step never runs; a sequence task (B×n×d batches): the
    # plain gradients and Optimizer.step, no buffered program asked for
    from symnet.codegen.compile import CompiledGraph
    from symnet.training.optimizers import Optimizer
    calls = {"program": 0, "step": 0}
    program, step = CompiledGraph.program, Optimizer.step

    def counted_program(self, *a, **k):
        calls["program"] += 1
        return program(self, *a, **k)

    def counted_step(self, *a, **k):
        calls["step"] += 1
        return step(self, *a, **k)
    monkeypatch.setattr(CompiledGraph, "program", counted_program)
    monkeypatch.setattr(Optimizer, "step", counted_step)
    code, _, err = run("train", "mlp", "--sizes", "2,4,1", "--data", "xor", "--epochs", "3", "--format", "json")
    assert code == 0, err
    assert calls == {"program": 1, "step": 0}
    calls.update(program=0)
    code, _, err = run("train", "encoder", "--data", "reverse", "--epochs", "3", "--format", "json")
    assert code == 0, err
    assert calls["program"] == 0 and calls["step"] >= 3


@pytest.mark.parametrize("build,line", [
    (lambda: sequence.layer_norm_block(d_model=4), "numpy.sqrt(scratch"),             # σ without its root
    (lambda: sequence.attention(d_model=3), "numpy.divide(P, scratch"),               # softmax not normalised
])
def test_batched_comparison_catches_a_wrong_row_operation(build, line):
    # negative control for the in-place softmax and layer-norm statistics (symnet/codegen/rows.py)
    from symnet.codegen.buffers import BufferedProgram
    from symnet.codegen.compile import _dimensions
    f = compile_graph(build())
    wrong_source = "\n".join("        pass" if s.strip().startswith(line) else s for s in f.source.splitlines())
    assert wrong_source != f.source
    namespace = dict(f._namespace)
    exec(wrong_source, namespace)
    wrong = BufferedProgram(namespace["make_program"], _dimensions(f.graph), f.input_names,
                            list(f.shapes.values()), batched=True)
    with pytest.raises(AssertionError):
        _equal_on_batches_of_sequences(f, wrong)
