"""Data sets made on the spot (no downloads) and CSV files.

Built-in: ``house`` (price against distance: the one-neuron regression), ``xor``, ``moons``, ``spirals``
(three classes), ``sine``. Every generator takes a seed; the generating values of ``house`` are kept in
``truth`` so that training can be checked against them.

>>> d = load_data("house", seed=0)
>>> d.X.shape, d.Y.shape, d.truth
((100, 1), (100, 1), {'w': -0.5, 'b': 4.0})
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import SymnetError


@dataclass(frozen=True)
class Dataset:
    """Features ``X`` (n×d), targets ``Y`` (n×m), and what they mean."""

    name: str
    X: np.ndarray
    Y: np.ndarray
    task: str                          # "regression" or "classification"
    features: tuple[str, ...]
    targets: tuple[str, ...]
    description: str = ""
    truth: dict = field(default_factory=dict)

    @property
    def classes(self) -> int:
        """Number of classes: 2 for one 0/1 column, else the one-hot width."""
        return 2 if self.Y.shape[1] == 1 else self.Y.shape[1]


def house(seed: int = 0, n: int = 100) -> Dataset:
    """Price (in units of 100k) falling with distance to the centre (km): price = −0.5·distance + 4 + noise."""
    rng = np.random.default_rng(seed)
    w, b = -0.5, 4.0
    distance = rng.uniform(0.5, 5.0, size=n)
    price = w * distance + b + rng.normal(0.0, 0.1, size=n)
    return Dataset("house", distance[:, None], price[:, None], "regression", ("distance",), ("price",),
                   "house price against distance, linear plus noise", {"w": w, "b": b})


def xor(seed: int = 0, n: int = 4) -> Dataset:
    """The four XOR points, a target of 1 where exactly one input is 1."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return Dataset("xor", X, Y, "classification", ("x_1", "x_2"), ("y",), "exclusive or")


def moons(seed: int = 0, n: int = 200, noise: float = 0.1) -> Dataset:
    """Two interleaving half circles, labels 0 and 1."""
    rng = np.random.default_rng(seed)
    k = n // 2
    t = rng.uniform(0, np.pi, size=k)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    X = np.r_[upper, lower] + rng.normal(0.0, noise, size=(2 * k, 2))
    Y = np.r_[np.zeros(k), np.ones(k)][:, None]
    return Dataset("moons", X, Y, "classification", ("x_1", "x_2"), ("y",), "two moons")


def spirals(seed: int = 0, n: int = 300, classes: int = 3, noise: float = 0.2) -> Dataset:
    """Interleaved spiral arms, one class per arm, targets one-hot."""
    rng = np.random.default_rng(seed)
    k = n // classes
    X, labels = [], []
    for c in range(classes):
        r = np.linspace(0.0, 1.0, k)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, k) + rng.normal(0.0, noise, size=k)
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        labels += [c] * k
    Y = np.eye(classes)[labels]
    names = tuple(f"y_{c + 1}" for c in range(classes))
    return Dataset("spirals", np.vstack(X), Y, "classification", ("x_1", "x_2"), names, f"{classes} spirals")


def sine(seed: int = 0, n: int = 200, noise: float = 0.05) -> Dataset:
    """y = sin(x) + noise on [−π, π]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, size=n)
    return Dataset("sine", x[:, None], (np.sin(x) + rng.normal(0.0, noise, size=n))[:, None], "regression",
                   ("x",), ("y",), "sine regression")


BUILTIN_DATA: dict[str, Callable[..., Dataset]] = {
    "house": house, "xor": xor, "moons": moons, "spirals": spirals, "sine": sine,
}


def read_csv(path: str | Path, target: str | None) -> Dataset:
    """A CSV file with a header row; ``target`` names the column to predict, every other column is a feature.

    Classification is assumed when the target holds only 0 and 1.
    """
    path = Path(path)
    if not path.is_file():
        raise SymnetError(f"{path}: no such data file")
    if not target:
        raise SymnetError(f"{path}: name the column to predict with --target")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SymnetError(f"{path}: cannot read: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise SymnetError(f"{path}: needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise SymnetError(f"{path}: no column {target!r}; the columns are {', '.join(header)}")
    if len(header) < 2:
        raise SymnetError(f"{path}: needs at least one feature column besides {target!r}")
    values = np.empty((len(rows) - 1, len(header)))
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise SymnetError(f"{path}:{line}: {len(row)} cells, the header has {len(header)}")
        for col, cell in enumerate(row):
            try:
                values[line - 2, col] = float(cell)
            except ValueError:
                raise SymnetError(f"{path}:{line}:{col + 1}: {cell.strip()!r} in column {header[col]!r} "
                                  f"is not a number") from None
    if not np.all(np.isfinite(values)):
        raise SymnetError(f"{path}: holds inf or nan")
    t = header.index(target)
    features = [c for c in range(len(header)) if c != t]
    Y = values[:, [t]]
    task = "classification" if set(np.unique(Y)) <= {0.0, 1.0} else "regression"
    return Dataset(path.stem, values[:, features], Y, task, tuple(header[c] for c in features), (target,),
                   f"{path.name}, target {target}")


def load_data(spec: str, target: str | None = None, seed: int = 0) -> Dataset:
    """A built-in data set by name, or a CSV file by path."""
    if spec in BUILTIN_DATA:
        if target:
            raise SymnetError(f"--target applies to CSV files; the built-in {spec!r} knows its target")
        return BUILTIN_DATA[spec](seed=seed)
    if spec.endswith(".csv") or Path(spec).suffix:
        return read_csv(spec, target)
    raise SymnetError(f"unknown data {spec!r}; choose one of {', '.join(BUILTIN_DATA)} or give a .csv file")
