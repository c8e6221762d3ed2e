"""The closed-form gradients of every built-in block against PyTorch float64 autograd (tests/torch_oracle.py,
written from the textbook formulas), at scalar and matrix level, for one example/sequence and for batches
(B×n×d for sequence blocks); and a batch's gradient against the mean of its sequences' gradients."""
import functools
import os

import numpy as np
import pytest

from symnet.checking.gradients import _input_shape
from symnet.checking.scalarize import entry_values, scalarize
from symnet.codegen.compile import compile_graph
from symnet.models import sequence_blocks as sequence
from tests import torch_oracle as oracle
from tests.cases import BLOCKS, build

# CI sets SYMNET_REQUIRE_TORCH so that a missing PyTorch fails the run instead of skipping the oracle
torch = __import__("torch") if os.environ.get("SYMNET_REQUIRE_TORCH") else pytest.importorskip("torch")

TOLERANCE = 1e-10

SEQUENCES = {
    "attention": (sequence.attention, dict(d_model=4)),
    "attention-causal": (sequence.attention, dict(d_model=3, d_k=2, causal=True)),
    "multi-head": (sequence.multi_head_attention, dict(d_model=4, heads=2)),
    "multi-head-causal": (sequence.multi_head_attention, dict(d_model=4, heads=2, causal=True)),
    "layer-norm": (sequence.layer_norm_block, dict(d_model=4)),
    "residual": (sequence.residual_block, dict(d_model=3, d_ff=4)),
    "encoder": (sequence.encoder_block, dict(d_model=4, heads=2, d_ff=6)),
    "decoder": (sequence.decoder_block, dict(d_model=4, heads=2, d_ff=6)),
    "embedding": (sequence.embedding, dict(vocabulary=5, d_model=4)),
    "conv1d": (sequence.conv1d, dict(d=3, filters=4, width=2, classes=3)),
    "conv1d-width-1": (sequence.conv1d, dict(d=1, filters=2, width=1, classes=2)),
    "rnn": (sequence.rnn, dict(inputs=2, hidden=3, outputs=2, steps=3)),
    "rnn-one-step": (sequence.rnn, dict(inputs=2, hidden=3, outputs=2, steps=1)),
}
#: Small twins for the scalar level (every entry its own symbol).
SMALL_SEQUENCES = {
    "attention-causal": (sequence.attention, dict(d_model=2, causal=True)),
    "multi-head": (sequence.multi_head_attention, dict(d_model=2, heads=2)),
    "layer-norm": (sequence.layer_norm_block, dict(d_model=3)),
    "residual": (sequence.residual_block, dict(d_model=2, d_ff=2)),
    "encoder": (sequence.encoder_block, dict(d_model=2, heads=1, d_ff=2)),
    "decoder": (sequence.decoder_block, dict(d_model=2, heads=1, d_ff=2)),
    "embedding": (sequence.embedding, dict(vocabulary=3, d_model=2)),
    "conv1d": (sequence.conv1d, dict(d=2, filters=2, width=2, classes=2)),
    "rnn-one-step": (sequence.rnn, dict(inputs=2, hidden=2, outputs=2, steps=1)),
    "rnn": (sequence.rnn, dict(inputs=2, hidden=2, outputs=2, steps=2)),
}
ROWS = 4  # positions per sequence
BATCH = 3  # sequences per batch


def _kind(key: str) -> str:
    return next(k for k in ("multi-head", "layer-norm", "attention", "residual", "encoder", "decoder",
                            "embedding", "conv1d", "rnn") if key.startswith(k))


@functools.lru_cache(maxsize=None)
def _compiled(key: str, small: bool = False):
    maker, options = (SMALL_SEQUENCES if small else SEQUENCES)[key]
    return maker(**options), compile_graph(maker(**options))


def _sequence_point(f, rows: int, batch: int | None, seed: int = 0):
    """Parameters N(0, 0.5²) and inputs: one sequence (batch None) or a B×n×d batch. Cross-entropy targets
    are drawn from U(0, 1) so that their rows do not sum to 1."""
    rng = np.random.default_rng(seed)
    params = {n: rng.normal(0, 0.5, size=s) for n, s in f.shapes.items()}
    targets = set(f.graph.option("targets") or ())
    data = {}
    for s in f.graph.inputs:
        shape = _input_shape(s, rows) if batch is None else (batch, *_input_shape(s, rows))
        data[s.name] = rng.uniform(0, 1, size=shape) if s.name in targets else rng.normal(size=shape)
    return params, data


def _check_sequence(key: str, batch: int | None):
    g, f = _compiled(key)
    params, data = _sequence_point(f, ROWS, batch)
    L, grads = f.gradient_arrays(params, data)
    options = SEQUENCES[key][1]
    L_t, grads_t = oracle.gradients(functools.partial(oracle.sequence_loss, _kind(key), options), params, data)
    assert float(L) == pytest.approx(L_t, rel=1e-12)
    return oracle.relative_error(grads, grads_t)


@pytest.mark.parametrize("key", list(SEQUENCES))
@pytest.mark.parametrize("batch", [None, BATCH], ids=["one-sequence", "batch"])
def test_sequence_block_matrix_level_equals_torch(key, batch):
    assert _check_sequence(key, batch) <= TOLERANCE


@pytest.mark.parametrize("key", list(SEQUENCES))
def test_batch_gradient_is_the_mean_of_sequence_gradients(key):
    _, f = _compiled(key)
    params, data = _sequence_point(f, ROWS, BATCH, seed=1)
    L, grads = f.gradient_arrays(params, data)
    singles = [f.gradient_arrays(params, {k: v[i] for k, v in data.items()}) for i in range(BATCH)]
    assert float(L) == pytest.approx(np.mean([s[0] for s in singles]), rel=1e-12)
    for name, value in grads.items():
        mean = np.mean([s[1][name] for s in singles], axis=0)
        assert np.max(np.abs(value - mean)) <= 1e-12 * max(1.0, np.max(np.abs(mean))), name


def test_the_issue_conv1d_example():
    """Issue 12: a batch of two one-position sequences through conv1d(d=1, filters=2, width=1)."""
    f = compile_graph(sequence.conv1d(d=1, filters=2, width=1, classes=2))
    params = {"Wc": np.array([[1, -0.5]]), "bc": np.array([[0.2, 0.1]]), "W": np.array([[0.3, -0.4], [0.7, 0.2]]),
              "b": np.array([[0.1, -0.2]])}
    data = {"X": np.array([[[1.0], [2.0]], [[-1.0], [0.5]]]), "Y": np.array([[[1.0, 0.0]], [[0.0, 1.0]]])}
    grads = f.gradient(params, data)
    np.testing.assert_allclose(grads["Wc"], [[0.0350309, -0.18709543]], atol=1e-7)


def _check_sequence_scalar(key: str, batch: int):
    g, f = _compiled(key, small=True)
    rows = 2
    s = compile_graph(scalarize(g, rows=rows))
    params, data = _sequence_point(f, rows, batch, seed=2)
    flat_data = {}
    for name, array in data.items():
        for i in range(array.shape[1]):
            for j in range(array.shape[2]):
                flat_data[f"{name}_{i + 1}_{j + 1}"] = array[:, i, j]
    L, grads = s.gradient_arrays(entry_values(g, params), flat_data)
    options = SMALL_SEQUENCES[key][1]
    L_t, grads_t = oracle.gradients(functools.partial(oracle.sequence_loss, _kind(key), options), params, data)
    assert float(L) == pytest.approx(L_t, rel=1e-12)
    return oracle.relative_error(grads, entry_values(g, grads_t))


@pytest.mark.parametrize("key", list(SMALL_SEQUENCES))
@pytest.mark.parametrize("batch", [1, BATCH], ids=["one-sequence", "batch"])
def test_sequence_block_scalar_level_equals_torch(key, batch):
    assert _check_sequence_scalar(key, batch) <= TOLERANCE


# -- the scalar blocks: every activation, loss and penalty ----------------------------------------------

def _mlp_spec(case):
    name, maker, kw = case
    kw = dict(kw)
    loss = kw.get("loss", "mse")
    if name.startswith("linear-regression"):
        return (1, 1), "identity", "mse", "identity", kw.get("l1", 0.0), kw.get("l2", 0.0), "weights", 0.01
    if name.startswith("neuron") or name.startswith("dense"):
        sizes = (kw.get("inputs", 2), kw.get("outputs", 1))
        act = kw.get("activation", "identity")
        if act == "identity" and loss in ("bce", "cross_entropy"):
            act = {"bce": "sigmoid", "cross_entropy": "softmax"}[loss]
        return sizes, act, loss, act, kw.get("l1", 0.0), kw.get("l2", 0.0), kw.get("penalize", "weights"), \
            kw.get("alpha", 0.01)
    return (kw["sizes"], kw.get("activation", "tanh"), loss, kw.get("output_activation"), kw.get("l1", 0.0),
            kw.get("l2", 0.0), kw.get("penalize", "weights"), kw.get("alpha", 0.01))


def _mlp_data(sizes, loss, rows, rng):
    X = rng.normal(size=(rows, sizes[0]))
    if loss in ("bce", "cross_entropy"):
        Y = rng.uniform(0, 1, size=(rows, sizes[-1]))  # rows that do not sum to 1
    else:
        Y = rng.normal(size=(rows, sizes[-1]))
    return X, Y


def _torch_mlp(spec, params, X, Y):
    sizes, act, loss, output, l1, l2, penalize, alpha = spec

    def fn(t, x):
        return oracle.mlp_loss(t, x["X"], x["Y"], sizes, act, loss, output, l1, l2, penalize, alpha)
    return oracle.gradients(fn, params, {"X": X, "Y": Y})


def _check_block(case, level: str, rows: int):
    spec = _mlp_spec(case)
    name, maker, kw = case
    g = maker(**kw, level=level) if level == "matrix" else build(case)
    f = compile_graph(g)
    rng = np.random.default_rng(5)
    X, Y = _mlp_data(spec[0], spec[2], rows, rng)
    if level == "matrix":
        params = {n: rng.normal(0, 0.7, size=s) for n, s in f.shapes.items()}
        L, grads = f.gradient_arrays(params, {"X": X, "Y": Y})
        L_t, grads_t = _torch_mlp(spec, params, X, Y)
    else:
        values = {n: float(v) for n, v in zip(f.parameter_names, rng.normal(0, 0.7, size=len(f.parameter_names)))}
        targets = list(g.option("targets"))
        features = [s.name for s in g.inputs if s.name not in targets]
        data = {n: X[:, i] for i, n in enumerate(features)} | {n: Y[:, i] for i, n in enumerate(targets)}
        L, grads = f.gradient_arrays(values, data)
        L_t, grads_m = _torch_mlp(spec, oracle.scalar_to_matrices(values), X, Y)
        grads_t = oracle.matrices_to_scalar(grads_m, values)
    assert float(L) == pytest.approx(L_t, rel=1e-12)
    return oracle.relative_error(grads, grads_t)


@pytest.mark.parametrize("case", BLOCKS, ids=[c[0] for c in BLOCKS])
@pytest.mark.parametrize("level", ["scalar", "matrix"])
@pytest.mark.parametrize("rows", [1, 5], ids=["one-example", "batch"])
def test_block_equals_torch(case, level, rows):
    assert _check_block(case, level, rows) <= TOLERANCE


def test_negative_control_a_wrong_gradient_is_caught():
    """The comparison must see a gradient off by one part in a million."""
    _, f = _compiled("encoder")
    params, data = _sequence_point(f, ROWS, BATCH)
    _, grads = f.gradient_arrays(params, data)
    _, grads_t = oracle.gradients(functools.partial(oracle.sequence_loss, "encoder", {"heads": 2}), params, data)
    grads["F1_b1"] = grads["F1_b1"] * (1 + 1e-6)
    assert oracle.relative_error(grads, grads_t) > TOLERANCE


def worst_errors() -> dict[str, float]:
    """Every case's worst relative error (for ``python -m tests.torch_oracle``)."""
    out = {}
    for key in SEQUENCES:
        out[f"{key} matrix one-sequence"] = _check_sequence(key, None)
        out[f"{key} matrix batch"] = _check_sequence(key, BATCH)
    for key in SMALL_SEQUENCES:
        for b in (1, BATCH):
            out[f"{key} scalar {'batch' if b > 1 else 'one-sequence'}"] = _check_sequence_scalar(key, b)
    for case in BLOCKS:
        for level in ("scalar", "matrix"):
            for rows in (1, 5):
                out[f"{case[0]} {level} {'batch' if rows > 1 else 'one-example'}"] = _check_block(case, level, rows)
    return out


def test_one_cross_entropy_at_both_levels_for_rows_not_summing_to_one():
    """Issue 12: y = [0.6, 0.6] gave 0.904 at scalar level and 0.803 at matrix level. Both must equal
    Σ_j y_j (logsumexp(z) − z_j), written here in NumPy; the old matrix formula logsumexp(z) − ⟨y, z⟩ must not."""
    from symnet.models.scalar_blocks import dense
    z_of = {}
    for level in ("scalar", "matrix"):
        g = dense(inputs=1, outputs=2, loss="cross_entropy", level=level)
        f = compile_graph(g)
        if level == "matrix":
            params, data = {"W1": np.array([[0.5, -1.0]]), "b1": np.array([[0.1, 0.3]])}, \
                {"X": np.array([[1.0]]), "Y": np.array([[0.6, 0.6]])}
        else:
            params = {"W1_1_1": 0.5, "W1_1_2": -1.0, "b1_1": 0.1, "b1_2": 0.3}
            data = {"x_1": np.array([1.0]), "y_1": np.array([0.6]), "y_2": np.array([0.6])}
        z_of[level] = float(f.loss(params, data))
    z = np.array([0.5 + 0.1, -1.0 + 0.3])
    y = np.array([0.6, 0.6])
    lse = np.log(np.sum(np.exp(z)))
    expected = float(np.sum(y * (lse - z)))
    assert z_of["scalar"] == pytest.approx(expected, rel=1e-14)
    assert z_of["matrix"] == pytest.approx(expected, rel=1e-14)
    assert abs(z_of["matrix"] - (lse - y @ z)) > 0.05  # the old, one-hot-only formula is caught
