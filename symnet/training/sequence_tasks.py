"""Small sequence tasks made on the spot, so that ``symnet train`` can fit every sequence model it lists.

Tokens come from a vocabulary of V symbols; a sequence of n tokens is an n×d matrix whose rows hold a token's
one-hot code and, where the model has no positions of its own, its position's one-hot code (zero-padded to the
model's width). The tasks:

- ``reverse``: position i must output the token at position n−1−i (needs attention across positions);
- ``copy``: position i outputs its own token;
- ``ngram``: a sequence is class 1 when the bigram "1 2" occurs in it (planted in half the sequences);
- ``next-token``: a tiny corpus that walks the tokens in a fixed cycle from a random start; each step predicts
  the next token.

Targets are one-hot rows (on the first V columns); a prediction is right when its largest class entry is the
target's. For the regression blocks the prediction is the block's output, read off ``E = out − Y``.

>>> task = make_task("reverse", width=8, seed=0)
>>> task.arrays["X"].shape, task.arrays["Y"].shape, task.classes
((64, 4, 8), (64, 4, 8), 4)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ..errors import SymnetError

VOCABULARY = 4
LENGTH = 4
EXAMPLES = 64
TASKS = ("reverse", "copy", "ngram", "next-token")
#: The task each sequence model trains on when --data is not given.
DEFAULT_TASK = {"attention": "reverse", "multi-head-attention": "reverse", "encoder": "reverse",
                "decoder": "reverse", "layer-norm": "copy", "residual": "copy", "embedding": "copy",
                "conv1d": "ngram", "rnn": "next-token"}


@dataclass(frozen=True)
class SequenceTask:
    """Arrays by the graph's input names, each with the examples on the first axis."""

    name: str
    arrays: dict[str, np.ndarray]
    targets: tuple[str, ...]
    classes: int
    description: str
    task: str = "classification"
    truth: dict = field(default_factory=dict)

    @property
    def X(self) -> np.ndarray:
        """The first input (its first axis counts the examples)."""
        return next(iter(self.arrays.values()))

    def __len__(self) -> int:
        return len(self.X)


def _one_hot(tokens: np.ndarray, width: int) -> np.ndarray:
    return np.eye(width)[tokens]


def _pad(M: np.ndarray, width: int) -> np.ndarray:
    if M.shape[-1] > width:
        raise SymnetError(f"this task needs a model width of at least {M.shape[-1]}, got {width}")
    return np.concatenate([M, np.zeros(M.shape[:-1] + (width - M.shape[-1],))], axis=-1)


def _token_rows(tokens: np.ndarray, width: int, positions: bool = True) -> np.ndarray:
    """One row per token: its one-hot code, then its position's one-hot code, zero-padded to ``width``."""
    N, n = tokens.shape
    code = _one_hot(tokens, VOCABULARY)
    if positions:
        code = np.concatenate([code, np.broadcast_to(np.eye(n), (N, n, n))], axis=-1)
    return _pad(code, width)


def task_width(name: str, positions: bool = True) -> int:
    """The smallest model width (d_model) a task fits."""
    return VOCABULARY + (LENGTH if positions and name in ("reverse", "copy") else 0)


def make_task(name: str, width: int | None = None, seed: int = 0, model: str = "encoder",
              steps: int = LENGTH, positions: bool = True) -> SequenceTask:
    """The task ``name`` shaped for ``model`` (input names, width); examples drawn with ``seed``."""
    if name not in TASKS:
        raise SymnetError(f"unknown sequence task {name!r}; choose one of {', '.join(TASKS)}")
    rng = np.random.default_rng(seed)
    if name in ("reverse", "copy"):
        if model in ("conv1d", "rnn"):
            raise SymnetError(f"model {model!r} does not train on {name!r}; use {DEFAULT_TASK[model]!r}")
        tokens = rng.integers(0, VOCABULARY, size=(EXAMPLES, LENGTH))
        wanted = tokens[:, ::-1] if name == "reverse" else tokens
        width = width or task_width(name, positions)
        Y = _pad(_one_hot(wanted, VOCABULARY), width)
        if model == "embedding":  # one-hot tokens in, the table and sinusoidal positions do the rest
            if name == "reverse":
                raise SymnetError("an embedding sees one position at a time: train it on 'copy'")
            arrays = {"X": _one_hot(tokens, VOCABULARY)}
        elif model == "decoder":
            # the source sequence is M; the decoder's own input carries positions only, so it must read tokens
            # from the source through cross-attention
            arrays = {"X": _pad(np.concatenate([np.zeros((EXAMPLES, LENGTH, VOCABULARY)),
                                                np.broadcast_to(np.eye(LENGTH), (EXAMPLES, LENGTH, LENGTH))], -1),
                                width),
                      "M": _token_rows(tokens, width)}
        else:
            arrays = {"X": _token_rows(tokens, width, positions)}
        what = "the tokens in reverse order" if name == "reverse" else "each token"
        return SequenceTask(name, arrays | {"Y": Y}, ("Y",), VOCABULARY,
                            f"{EXAMPLES} sequences of {LENGTH} tokens from {VOCABULARY}: output {what}")
    if name == "ngram":
        if model != "conv1d":
            raise SymnetError(f"task 'ngram' is sequence classification for conv1d, not {model!r}")
        tokens = rng.integers(0, VOCABULARY, size=(EXAMPLES, 6))
        has = lambda t: any(t[i] == 1 and t[i + 1] == 2 for i in range(len(t) - 1))  # noqa: E731
        labels = np.arange(EXAMPLES) % 2
        for k in range(EXAMPLES):
            while has(tokens[k]):  # a clean negative
                tokens[k] = rng.integers(0, VOCABULARY, size=6)
            if labels[k]:  # plant the bigram somewhere
                at = rng.integers(0, 5)
                tokens[k, at:at + 2] = (1, 2)
        return SequenceTask(name, {"X": _one_hot(tokens, VOCABULARY), "Y": _one_hot(labels, 2)[:, None, :]},
                            ("Y",), 2, f"{EXAMPLES} sequences of 6 tokens: class 1 when the bigram '1 2' occurs")
    if model != "rnn":
        raise SymnetError(f"task 'next-token' is for the rnn, not {model!r}")
    start = rng.integers(0, VOCABULARY, size=EXAMPLES)
    corpus = (start[:, None] + np.arange(steps + 1)[None, :]) % VOCABULARY
    arrays = {}
    for t in range(1, steps + 1):
        arrays[f"X{t}"] = _one_hot(corpus[:, t - 1], VOCABULARY)[:, None, :]
        arrays[f"Y{t}"] = _one_hot(corpus[:, t], VOCABULARY)[:, None, :]
    return SequenceTask(name, arrays, tuple(f"Y{t}" for t in range(1, steps + 1)), VOCABULARY,
                        f"{EXAMPLES} walks of {steps + 1} tokens around a cycle of {VOCABULARY}: predict the next")


def task_inputs(graph, task: SequenceTask):
    """A function from example indices to the graph's inputs, after checking names and widths."""
    names = [s.name for s in graph.inputs]
    missing = [n for n in names if n not in task.arrays]
    if missing or set(task.arrays) - set(names):
        raise SymnetError(f"task {task.name!r} gives {', '.join(task.arrays)}; model {graph.name!r} takes "
                          f"{', '.join(names)}")
    for s in graph.inputs:
        if int(s.shape[1]) != task.arrays[s.name].shape[-1]:
            raise SymnetError(f"task {task.name!r} has {task.arrays[s.name].shape[-1]} columns in {s.name}, "
                              f"the model takes {int(s.shape[1])}")
    return lambda rows: {k: v[rows] for k, v in task.arrays.items()}


def task_accuracy(f, params: Mapping[str, np.ndarray], task: SequenceTask) -> float:
    """The share of predictions (positions, steps or sequences) whose largest class entry is the target's."""
    data = {k: v for k, v in task.arrays.items()}
    nodes = f.forward(params, data)
    if "E" in nodes and task.targets == ("Y",):
        predictions = {"Y": np.asarray(nodes["E"]) + data["Y"]}  # E = out − Y
    else:
        outputs = [s.name for s in f.graph.outputs]
        predictions = dict(zip(task.targets, (np.asarray(nodes[o]) for o in outputs)))
    right = total = 0
    for name in task.targets:
        guess = np.argmax(predictions[name][..., :task.classes], axis=-1)
        truth = np.argmax(data[name][..., :task.classes], axis=-1)
        right += int(np.sum(guess == truth))
        total += guess.size
    return right / total


def sequence_setup(model: str, data_spec: str | None, options: dict, seed: int = 0) -> tuple[SequenceTask, dict]:
    """The task a sequence model trains on (``--data`` or its default) and the CLI's model options with the
    sizes the task needs filled in where the user gave none."""
    from ..models.registry import parse_settings

    name = data_spec or DEFAULT_TASK[model]
    if name not in TASKS:
        raise SymnetError(f"model {model!r} trains on a sequence task: --data {' or '.join(TASKS)}, not {name!r}")
    options = dict(options)
    settings = parse_settings(options.get("settings") or ())
    extra: dict[str, object] = {}
    if model == "embedding":
        extra = {"vocabulary": VOCABULARY}
        if options.get("d_model") is None:
            options["d_model"] = VOCABULARY
    elif model == "conv1d":
        extra = {"d": VOCABULARY, "classes": 2, "width": 2, "filters": 4}
    elif model == "rnn":
        extra = {"inputs": VOCABULARY, "outputs": VOCABULARY, "hidden": 8, "steps": LENGTH}
    else:
        if options.get("d_model") is None:
            options["d_model"] = task_width(name) if model not in ("multi-head-attention", "encoder", "decoder") \
                else 2 * ((task_width(name) + 1) // 2)
        if model in ("multi-head-attention", "encoder", "decoder") and options.get("heads") is None:
            options["heads"] = 2
        if model in ("encoder", "decoder", "residual") and options.get("d_ff") is None:
            options["d_ff"] = 16
    added = [f"{k}={v}" for k, v in extra.items() if k not in settings]
    options["settings"] = tuple(options.get("settings") or ()) + tuple(added)
    settings |= {k: v for k, v in extra.items() if k not in settings}
    task = make_task(name, width=options.get("d_model") if model != "embedding" else None, seed=seed, model=model,
                     steps=int(settings.get("steps", LENGTH)), positions=model != "embedding")
    if model == "embedding" and task.arrays["Y"].shape[-1] != options["d_model"]:
        task = SequenceTask(task.name, {"X": task.arrays["X"], "Y": _pad(task.arrays["Y"], options["d_model"])},
                            task.targets, task.classes, task.description)
    return task, options
