"""Numerical checks of compiled gradients: central differences, random directions and complex step.

Each comparison reports the analytic value, the numeric one and their error

    error = |analytic − numeric| / max(|analytic|, |numeric|, 10⁻³·‖numeric‖_∞, 10⁻³⁰)

— a relative error, in which components far below the gradient's scale are measured against a thousandth
of that scale — and passes when the error is within the method's tolerance.

==============  ====================  =========  ======================================================
method          step                  tolerance  what it catches
==============  ====================  =========  ======================================================
central         h = 6e-6·max(1,|θ|)   1e-6       each parameter's partial derivative
directional     h = 6e-6              1e-6       the whole gradient along random unit directions
complex         h = 1e-30             1e-12      each partial, without cancellation (analytic graphs)
==============  ====================  =========  ======================================================
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

from ..algebra.matrix import BATCH
from ..algebra.views import Shown
from ..codegen.compile import CompiledGraph
from ..errors import GradientMismatch, SymnetError

METHODS = ("central", "directional", "complex")
TOLERANCES = {"central": 1e-6, "directional": 1e-6, "complex": 1e-12}
STEPS = {"central": 6e-6, "directional": 6e-6, "complex": 1e-30}
# A float32 program (compile_graph(..., dtype="float32")): differences of a float32 loss are too noisy to judge
# it (their error, about ε^{2/3} ≈ 2.4e-5 relative to the loss, reaches 1e-2 of a small gradient component),
# so central and directional differences run the same program in float64 and the float32 gradient is judged
# against them with a tolerance of 1e-3, about 8,400 ε(float32) (float64's 1e-6 is 4,500 ε(float64)); errors
# seen on the built-in models stay below 4e-5. The complex step runs the float32 program itself in complex64,
# exact up to rounding: float64's 1e-12 scaled by ε(float32)/ε(float64) = 2^29, 5.4e-4.
FLOAT32_SCALE = 2.0**29  # ε(float32) / ε(float64)
TOLERANCES_FLOAT32 = {"central": 1e-3, "directional": 1e-3, "complex": 1e-12 * FLOAT32_SCALE}


@dataclass(frozen=True)
class Comparison:
    method: str
    parameter: str
    analytic: float
    numeric: float
    error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return bool(self.error <= self.tolerance)


@dataclass(frozen=True, repr=False)
class CheckReport(Shown):
    """The outcome of :func:`check_grads`: every comparison, and methods skipped with their reason."""

    graph: str
    comparisons: tuple[Comparison, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    point: Mapping[str, float] = field(default_factory=dict)
    seed: int | None = None

    @property
    def passed(self) -> bool:
        return bool(self.comparisons) and all(c.ok for c in self.comparisons)

    @property
    def failures(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if not c.ok)

    def worst(self, method: str) -> float:
        """The largest error of one method (``nan`` when it did not run)."""
        errors = [c.error for c in self.comparisons if c.method == method]
        return max(errors) if errors else float("nan")

    def raise_if_failed(self) -> None:
        """Raise :class:`GradientMismatch` for the worst failing comparison."""
        if self.failures:
            c = max(self.failures, key=lambda c: c.error)
            where = ", ".join(f"{k}={v:.4g}" for k, v in list(self.point.items())[:4])
            raise GradientMismatch(c.parameter, c.analytic, c.numeric, c.method, where)

    def summary(self) -> list[tuple[str, int, float, float, bool]]:
        """Per method: (method, comparisons, worst error, tolerance, passed)."""
        rows = []
        for m in METHODS:
            cs = [c for c in self.comparisons if c.method == m]
            if cs:
                rows.append((m, len(cs), max(c.error for c in cs), cs[0].tolerance, all(c.ok for c in cs)))
        return rows

    def __str__(self) -> str:
        lines = [f"gradient check of {self.graph} (seed {self.seed})"]
        lines.append(f"{'method':<12} {'parameter':<16} {'analytic':>14} {'numeric':>14} {'error':>9}  ok")
        shown = self.failures or self.comparisons
        for c in shown[:40]:
            mark = "yes" if c.ok else "NO"
            lines.append(f"{c.method:<12} {c.parameter:<16} {c.analytic:>14.7g} {c.numeric:>14.7g} "
                         f"{c.error:>9.1e}  {mark}")
        if len(shown) > 40:
            lines.append(f"… {len(shown) - 40} more rows")
        for m, n, worst, tol, ok in self.summary():
            lines.append(f"{m}: {n} comparisons, worst error {worst:.1e} (tolerance {tol:.0e}) "
                         f"{'passed' if ok else 'FAILED'}")
        for m, why in self.skipped:
            lines.append(f"{m}: skipped ({why})")
        lines.append("PASSED" if self.passed else "FAILED")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {"graph": self.graph, "seed": self.seed, "passed": self.passed,
                "comparisons": [asdict(c) | {"ok": c.ok} for c in self.comparisons],
                "skipped": [{"method": m, "reason": r} for m, r in self.skipped],
                "summary": [dict(zip(("method", "count", "worst_error", "tolerance", "passed"), r))
                            for r in self.summary()]}
        return json.dumps(data, indent=2, default=float)


def _error(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    scale = 1e-3 * np.max(np.abs(n)) if n.size else 0.0
    denominator = np.maximum.reduce([np.abs(a), np.abs(n), np.full(a.shape, max(scale, 1e-30))])
    return np.abs(a - n) / denominator


def random_point(f: CompiledGraph, seed: int = 0, batch: int = 4) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Parameters and a batch of inputs drawn from N(0, 1) with a fixed seed."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=f.size)
    data = {s.name: rng.normal(size=_input_shape(s, batch)) for s in f.graph.inputs}
    return theta, data


def _input_shape(s, batch: int) -> tuple[int, ...]:
    if isinstance(s, sp.MatrixSymbol):
        # the rows n take the batch size; any other length (a source sequence) one more, so mix-ups show
        sizes = {BATCH: batch} | {d: batch + 1 for k in s.shape for d in sp.sympify(k).free_symbols if d != BATCH}
        return tuple(int(sp.sympify(k).subs(sizes)) for k in s.shape)
    return (batch,)


def check_grads(f: CompiledGraph, parameters: Mapping[str, float] | Sequence[float] | None = None,
                inputs: Mapping[str, object] | None = None, seed: int = 0, methods: Sequence[str] = METHODS,
                batch: int = 4, max_parameters: int = 64, directions: int = 3,
                tolerances: Mapping[str, float] | None = None) -> CheckReport:
    """Compare the compiled analytic gradient with numeric ones at a (seeded) random point.

    Per-parameter methods look at up to ``max_parameters`` parameters (a seeded random subset when there are
    more); the directional check always covers the whole gradient.
    """
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise SymnetError(f"unknown check method {sorted(unknown)[0]!r}; choose from {', '.join(METHODS)}")
    single = getattr(f, "dtype", "float64") == "float32"
    tol = (TOLERANCES_FLOAT32 if single else TOLERANCES) | dict(tolerances or {})
    steps = STEPS
    theta0, data0 = random_point(f, seed, batch)
    theta = f.pack(parameters) if isinstance(parameters, Mapping) else theta0
    if parameters is not None and not isinstance(parameters, Mapping):
        theta = np.asarray(parameters, dtype=float).ravel()
    # in float32 the point is made of float32 numbers, so both precisions see the same parameters
    theta = theta.astype(np.float32).astype(float) if single else theta.astype(float)
    data = {n: np.asarray(v, dtype=float) for n, v in (inputs or data0).items()}
    names = list(f.flat_labels)
    wrt = list(f.wrt_positions)
    labels = [names[i] for i in wrt]
    _, g = f.loss_and_gradient(theta, data)
    g = np.real(g)

    rng = np.random.default_rng(seed + 1)
    chosen = np.arange(len(wrt))
    if len(wrt) > max_parameters:
        chosen = np.sort(rng.choice(len(wrt), size=max_parameters, replace=False))

    comparisons: list[Comparison] = []
    skipped: list[tuple[str, str]] = []
    if len(chosen) < len(wrt):
        skipped.append(("per-parameter", f"{len(chosen)} of {len(wrt)} parameters, a seeded random subset"))

    def record(method: str, labels: list[str], a: np.ndarray, n: np.ndarray) -> None:
        for label, ai, ni, e in zip(labels, a, n, _error(a, n)):
            comparisons.append(Comparison(method, label, float(ai), float(ni), float(e), tol[method]))

    # differences of a float32 program are taken in float64 (the same generated code), see TOLERANCES_FLOAT32
    reference = replace(f, dtype="float64") if single else f

    def loss_at(t) -> complex | float:
        return (f if np.iscomplexobj(t) else reference).loss(t, data)

    if "central" in methods:
        h = steps["central"]
        numeric = []
        for k in chosen:
            i = wrt[k]
            step = h * max(1.0, abs(theta[i]))
            up, down = theta.copy(), theta.copy()
            up[i] += step
            down[i] -= step
            numeric.append((loss_at(up) - loss_at(down)) / (up[i] - down[i]))
        record("central", [labels[k] for k in chosen], g[chosen], np.array(numeric))

    if "directional" in methods:
        h = steps["directional"]
        directions_seen, a, n = [], [], []
        for d in range(directions):
            v = np.zeros_like(theta)
            v[wrt] = rng.normal(size=len(wrt))
            v /= np.linalg.norm(v)
            a.append(float(g @ v[wrt]))
            n.append((loss_at(theta + h * v) - loss_at(theta - h * v)) / (2 * h))
            directions_seen.append(f"direction {d + 1}")
        record("directional", directions_seen, np.array(a), np.array(n))

    if "complex" in methods:
        if not f.analytic:
            skipped.append(("complex", "the graph uses a non-analytic function (abs, ReLU, step, sign)"))
        else:
            h = steps["complex"]
            numeric = []
            for k in chosen:
                t = theta.astype(np.complex64 if single else complex)
                t[wrt[k]] += 1j * h
                numeric.append(np.imag(loss_at(t)) / h)
            record("complex", [labels[k] for k in chosen], g[chosen], np.array(numeric))

    point = dict(zip(names, map(float, theta)))
    return CheckReport(f.graph.name, tuple(comparisons), tuple(skipped), point, seed)


def target_kind(graph) -> str | None:
    """``"cross_entropy"``, ``"bce"`` or None: what a graph's targets must look like (one-hot rows, 0/1)."""
    from ..algebra.matrix import SoftmaxCrossEntropy, SoftplusSum

    loss = graph.option("loss")
    if loss in ("cross_entropy", "bce"):
        return loss
    expressions = [a.expression for a in graph.assignments]
    if any(e.has(SoftmaxCrossEntropy) for e in expressions):
        return "cross_entropy"
    if any(e.has(SoftplusSum) for e in expressions):
        return "bce"
    return None


def draw_targets(graph, data: Mapping[str, np.ndarray], seed: int = 0) -> dict[str, np.ndarray]:
    """``data`` with its targets redrawn as a loss needs them: one-hot rows for a cross-entropy, 0/1 for a
    binary cross-entropy (N(0, 1) targets give such a loss no meaning, even a negative value)."""
    kind = target_kind(graph)
    names = [n for n in graph.option("targets", ("Y",)) if n in data]
    if kind is None or not names:
        return dict(data)
    rng = np.random.default_rng([seed, 1])
    out = dict(data)
    if kind == "bce":
        for n in names:
            out[n] = rng.integers(0, 2, size=np.shape(data[n])).astype(float)
    elif graph.is_matrix:
        for n in names:
            shape = np.shape(data[n])
            out[n] = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    else:  # scalar level: the targets y_1 … y_m together make one one-hot row per example
        shape = np.shape(data[names[0]])
        hot = rng.integers(0, len(names), size=shape)
        for j, n in enumerate(names):
            out[n] = (hot == j).astype(float)
    return out
