"""The training loop: compiled gradients, minibatches, early stopping, a progress bar (the optimisers are in
:mod:`symnet.training.optimizers`).

>>> from symnet.models.scalar_blocks import mlp
>>> from symnet.training.data import xor
>>> result = train(mlp((2, 8, 1), activation="tanh", loss="bce", level="matrix"), xor(), optimizer="adam",
...                learning_rate=0.05, epochs=300, seed=0)
>>> result.accuracy
1.0
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Callable, Mapping

import numpy as np

from ..algebra.graph import Graph, parameter_group
from ..codegen.compile import CompiledGraph, compile_graph
from ..errors import SymnetError
from .data import Dataset
from .optimizers import DEFAULT_LEARNING_RATE, Optimizer
from .sequence_tasks import SequenceTask, task_accuracy, task_inputs


class TrainingDiverged(SymnetError):
    """The loss or a gradient stopped being finite; training stops instead of carrying NaNs on."""

    exit_code = 1


@dataclass(frozen=True)
class TrainResult:
    parameters: dict[str, np.ndarray]
    history: tuple[float, ...]          # training loss per epoch
    stopped: str                        # why training ended
    loss: float                         # loss on the whole data set with the final parameters
    accuracy: float | None              # for classification data
    dataset: str

    @property
    def epochs(self) -> int:
        return len(self.history)

    def summary(self) -> str:
        lines = [f"trained on {self.dataset}: {self.epochs} epochs ({self.stopped})",
                 f"final loss {self.loss:.6g}"]
        if self.accuracy is not None:
            lines.append(f"training accuracy {100 * self.accuracy:.1f} %")
        return "\n".join(lines)


# -- data to graph inputs ------------------------------------------------------------------------------------

def input_mapping(graph: Graph, data: Dataset) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """A function from example indices to the graph's inputs, after checking that the shapes agree."""
    targets = [s for s in graph.inputs if s.name in graph.option("targets", ("Y",))]
    features = [s for s in graph.inputs if s not in targets]
    if graph.is_matrix:
        (X,), (Y,) = features, targets
        d, m = int(X.shape[1]), int(Y.shape[1])
    else:
        d, m = len(features), len(targets)
    if data.X.shape[1] != d:
        raise SymnetError(f"data {data.name!r} has {data.X.shape[1]} feature(s), the model takes {d}")
    if data.Y.shape[1] != m:
        raise SymnetError(f"data {data.name!r} has {data.Y.shape[1]} target column(s), the model predicts {m}")
    if graph.is_matrix:
        return lambda rows: {"X": data.X[rows], "Y": data.Y[rows]}
    return lambda rows: ({s.name: data.X[rows, i] for i, s in enumerate(features)}
                         | {s.name: data.Y[rows, j] for j, s in enumerate(targets)})


def initial_parameters(f: CompiledGraph, seed: int = 0) -> dict[str, np.ndarray]:
    """Weights drawn from N(0, 1/fan_in) (Glorot-like for tanh), biases zero, other parameters N(0, 0.01)."""
    rng = np.random.default_rng(seed)
    groups: dict[str, list[str]] = {}
    for name in f.shapes:
        groups.setdefault(parameter_group(name), []).append(name)
    params = {}
    for name, shape in f.shapes.items():
        group = parameter_group(name)
        if group[0] in "Ww":
            # fan-in: rows of a weight matrix, or the number of inputs a scalar weight group spans
            fan_in = shape[0] if shape else len({n.split("_")[1] for n in groups[group] if "_" in n} or {1})
            params[name] = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape)
        elif group[0] == "b":
            params[name] = np.zeros(shape)
        else:
            params[name] = rng.normal(0.0, 0.1, size=shape)
    return params


# -- the loop ------------------------------------------------------------------------------------------------

def predictions(f: CompiledGraph, params: Mapping[str, np.ndarray], data: Dataset) -> np.ndarray:
    """The model's outputs ``Ŷ`` (n×m) on the whole data set."""
    nodes = f.forward(params, input_mapping(f.graph, data)(np.arange(len(data.X))))
    outputs = [s.name for s in f.graph.outputs]
    if not outputs:
        raise SymnetError(f"graph {f.graph.name!r} marks no output node")
    if f.graph.is_matrix:
        return np.asarray(nodes[outputs[0]])
    return np.column_stack([np.broadcast_to(nodes[n], (len(data.X),)) for n in outputs])


def accuracy(Yhat: np.ndarray, Y: np.ndarray) -> float:
    """Share of examples classified right: threshold ½ for one 0/1 column, else the largest output."""
    if Y.shape[1] == 1:
        return float(np.mean((Yhat[:, 0] > 0.5) == (Y[:, 0] > 0.5)))
    return float(np.mean(np.argmax(Yhat, axis=1) == np.argmax(Y, axis=1)))


def train(model: Graph | CompiledGraph, data: Dataset | SequenceTask, optimizer: str = "adam", learning_rate: float | None = None,
          epochs: int = 200, batch_size: int | None = None, seed: int = 0, patience: int | None = None,
          min_delta: float = 0.0, progress: bool = False,
          parameters: Mapping[str, np.ndarray] | None = None) -> TrainResult:
    """Fit the model's parameters to ``data``; stops early after ``patience`` epochs without improvement."""
    f = model if isinstance(model, CompiledGraph) else compile_graph(model)
    if set(f.parameter_names) != set(f.shapes):
        raise SymnetError("training needs the gradient of every parameter (derive without wrt)")
    if epochs < 1:
        raise SymnetError(f"--epochs must be at least 1, got {epochs}")
    n = len(data.X)
    batch = n if batch_size is None else batch_size
    if not 1 <= batch:
        raise SymnetError(f"--batch-size must be at least 1, got {batch_size}")
    if patience is not None and patience < 1:
        raise SymnetError(f"--patience must be at least 1, got {patience}")
    batch = min(batch, n)
    sequences = isinstance(data, SequenceTask)
    if not sequences and f.dtype != "float64" and data.X.dtype != f.dtype:  # the data once in the program's precision
        data = replace(data, X=data.X.astype(f.dtype), Y=data.Y.astype(f.dtype))
    inputs = task_inputs(f.graph, data) if sequences else input_mapping(f.graph, data)
    params = {k: np.array(v, dtype=f.dtype) for k, v in (parameters or initial_parameters(f, seed)).items()}
    opt = Optimizer(optimizer, DEFAULT_LEARNING_RATE[optimizer] if learning_rate is None else learning_rate, params)
    fused = opt.fused(f, params) if f.graph.is_matrix and not sequences else None
    rng = np.random.default_rng(seed)
    history: list[float] = []
    best, best_params, waited = np.inf, params, 0
    stopped = "completed"
    bar = _progress(epochs, progress)
    # a diverging run is stopped and reported below, so NumPy's overflow warnings would only be noise
    with np.errstate(over="ignore", invalid="ignore"), _closing(bar):
        for epoch in range(epochs):
            # the epoch's loss is measured along the way from these parameters: keep them to restore the best
            start_params = {k: v.copy() for k, v in params.items()} if patience is not None else params
            order = rng.permutation(n) if batch < n else np.arange(n)
            total = 0.0
            for start in range(0, n, batch):
                rows = order[start:start + batch]
                if fused is not None:
                    # one generated call: loss, gradients and the update (a non-finite gradient shows up as
                    # a non-finite loss on the next step, or in the final loss)
                    batch_inputs = inputs(rows)
                    L = fused([batch_inputs[k] for k in f.input_names])
                    finite = np.isfinite(L)
                else:
                    L, grads = f.gradient_arrays(params, inputs(rows))
                    finite = np.isfinite(L) and all(np.all(np.isfinite(g)) for g in grads.values())
                if not finite:
                    raise TrainingDiverged(f"training stopped at epoch {epoch + 1}: the loss became {float(L)} "
                                           f"(try a smaller --lr than {opt.lr:g})")
                if fused is None:
                    opt.step(params, grads)
                total += float(L) * len(rows)
            history.append(total / n)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history[-1]:.4g}", refresh=False)
            if history[-1] < best - min_delta:
                best, waited = history[-1], 0
                best_params = start_params
            elif patience is not None:
                waited += 1
                if waited >= patience:
                    stopped = f"early stopping: no improvement for {patience} epochs; best parameters kept"
                    params = best_params
                    break
    everything = inputs(np.arange(n))
    final_loss = float(f.loss(params, everything))
    if not np.isfinite(final_loss):
        raise TrainingDiverged(f"training ended with a non-finite loss {final_loss} (try a smaller --lr)")
    if sequences:
        acc = task_accuracy(f, params, data)
    else:
        acc = accuracy(predictions(f, params, data), data.Y) if data.task == "classification" else None
    return TrainResult(params, tuple(history), stopped, final_loss, acc, data.name)


def growth_warning(history: tuple[float, ...] | list[float]) -> str | None:
    """A warning when training made the loss worse: it ended above where it started, or more than ten times
    above its best (a learning rate too large oscillates or climbs instead of descending)."""
    if len(history) < 3:
        return None
    first, last, best = history[0], history[-1], min(history)
    if last > first or last > 10 * best + 1e-12:
        return (f"the training loss grew from {first:.4g} (best {best:.4g}) to {last:.4g}: "
                "the learning rate may be too large (try a smaller --lr)")
    return None


@contextmanager
def _closing(bar):
    try:
        yield
    finally:
        if bar is not None:
            bar.close()


def _progress(epochs: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm
    return tqdm(total=epochs, desc="training", unit="epoch", file=sys.stderr, mininterval=0.2)
