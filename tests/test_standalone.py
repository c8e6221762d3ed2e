"""derive --format python prints a module that runs on its own and equals compile_graph."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from symnet.checking.gradients import random_point
from symnet.codegen.compile import _dimensions, compile_graph
from symnet.codegen.standalone import standalone_module
from symnet.models import sequence_blocks as sequence
from symnet.models.scalar_blocks import mlp

MODELS = {
    "mlp-gelu-scalar": lambda: mlp((2, 2, 1), activation="gelu"),
    "mlp-ce-matrix": lambda: mlp((3, 4, 3), activation="sigmoid", loss="cross_entropy", level="matrix", l1=0.01),
    "attention-causal": lambda: sequence.attention(d_model=3, causal=True),
    "encoder": lambda: sequence.encoder_block(d_model=4, heads=2, d_ff=4),
    "decoder": lambda: sequence.decoder_block(d_model=4, heads=2, d_ff=4),
    "embedding": lambda: sequence.embedding(vocabulary=3, d_model=4),
    "conv1d": lambda: sequence.conv1d(d=2, filters=3, width=2, classes=2),
    "rnn": lambda: sequence.rnn(inputs=2, hidden=3, outputs=2, steps=2),
}

RUNNER = """
import json, runpy, sys
import numpy as np
module = runpy.run_path(sys.argv[1])
data = np.load(sys.argv[2])
args = [data[f"a{i}"] for i in range(len(data.files))]
L, grads = module["loss_and_gradient"](*args)
buffered = None
if "make_program" in module:  # the buffer-owning program, made for these sizes, runs alone too
    made_for = json.loads(sys.argv[3])  # dimensions, parameter shapes, and how many inputs get a batch axis
    made = module["make_program"](*made_for["dims"], *(tuple(s) for s in made_for["shapes"]))
    k = made_for["batched_inputs"]
    Lb, gb = made[0](*[a[None] for a in args[:k]], *args[k:])
    buffered = {"loss": float(Lb), "grads": [np.asarray(g).tolist() for g in gb]}
print(json.dumps({"loss": np.asarray(L).tolist(), "grads": [np.asarray(g).tolist() for g in grads],
                  "buffered": buffered, "symnet_imported": "symnet" in sys.modules}))
"""


@pytest.mark.parametrize("key", list(MODELS))
def test_printed_module_runs_alone_and_equals_compile_graph(tmp_path, key):
    f = compile_graph(MODELS[key]())
    path = tmp_path / "model.py"
    path.write_text(standalone_module(f))
    theta, data = random_point(f, seed=4, batch=3)
    args = f._arguments(theta, data)
    np.savez(tmp_path / "args.npz", **{f"a{i}": np.asarray(a, dtype=float) for i, a in enumerate(args)})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    batched = bool(f.graph.option("batched"))  # one sequence: a batch of one for make_program
    dims = [1 if axis == 0 and batched else args[f.input_names.index(i)].shape[axis]
            for _, i, axis in _dimensions(f.graph)]
    shapes = json.dumps({"dims": dims, "shapes": [list(s) for s in f.shapes.values()],
                         "batched_inputs": len(f.input_names) if batched else 0})
    done = subprocess.run([sys.executable, "-c", RUNNER, str(path), str(tmp_path / "args.npz"), shapes],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert not result["symnet_imported"]
    L, grads = f.per_example(theta, data)
    assert np.max(np.abs(np.asarray(result["loss"]) - L)) <= 1e-12 * max(1.0, np.max(np.abs(L)))
    for ours, theirs in zip(grads, result["grads"]):
        ours = np.asarray(ours, dtype=float)
        assert np.max(np.abs(np.asarray(theirs) - ours)) <= 1e-12 * max(1.0, np.max(np.abs(ours)))
    assert (result["buffered"] is not None) == ("make_program" in f._namespace)
    if result["buffered"] is not None:  # the matrix-level module's make_program: batch means, like compile's
        assert result["buffered"]["loss"] == pytest.approx(float(np.mean(L)), rel=1e-12)
        for name, theirs in zip(f.parameter_names, result["buffered"]["grads"]):
            ours = f.gradient(theta, data)[name]
            assert np.max(np.abs(np.asarray(theirs) - ours)) <= 1e-12 * max(1.0, np.max(np.abs(ours))), name


def test_the_module_is_not_the_runtime_import(tmp_path):
    """The negative control: the bare generated source (no helpers) fails in a fresh interpreter."""
    f = compile_graph(MODELS["attention-causal"]())
    path = tmp_path / "bare.py"
    path.write_text(f.source + "\nloss_and_gradient(*[__import__('numpy').ones((2, 3))] * 2,"
                    " *[__import__('numpy').ones((3, 3))] * 3)\n")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "NameError" in done.stderr


def test_output_option_writes_any_format(run, tmp_path):
    for fmt in ("python", "latex", "json", "text", "markdown"):
        target = tmp_path / f"out.{fmt}"
        code, out, err = run("derive", "neuron", "--format", fmt, "-o", str(target))
        assert code == 0 and out == "" and f"wrote {target}" in err
        assert target.read_text().strip()
    code, out, err = run("derive", "neuron", "-o", str(tmp_path / "missing" / "x.tex"))
    assert code == 2 and "does not exist" in err
