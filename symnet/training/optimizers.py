"""The optimisers training uses: SGD, momentum and Adam, updating parameters in place from their gradients.

    θ ← θ − α g                                        (SGD)
    v ← μ v + g;  θ ← θ − α v                          (momentum, μ = 0.9)
    m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  θ ← θ − α m̂ / (√v̂ + ε)   (Adam)

Where the compiled program owns its buffers (:mod:`symnet.codegen.buffers`) the same updates run fused into
the generated gradient function (:meth:`Optimizer.fused`).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from ..codegen.compile import CompiledGraph
from ..errors import SymnetError

OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_LEARNING_RATE = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01}


class Optimizer:
    """Updates parameters in place from their gradients."""

    def __init__(self, kind: str, learning_rate: float, params: Mapping[str, np.ndarray]) -> None:
        if kind not in OPTIMIZERS:
            raise SymnetError(f"unknown optimizer {kind!r}; choose one of {', '.join(OPTIMIZERS)}")
        if not learning_rate > 0:
            raise SymnetError(f"the learning rate must be positive, got {learning_rate}")
        self.kind, self.lr, self.t = kind, learning_rate, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: dict[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        self.t += 1
        for k, g in grads.items():
            p, g = params[k], np.asarray(g)  # NumPy arrays (JAX's are immutable), updated in place
            if self.kind == "sgd":
                p -= self.lr * g
            elif self.kind == "momentum":
                # v ← β v + g;  θ ← θ − α v
                self.m[k] *= 0.9
                self.m[k] += g
                p -= self.lr * self.m[k]
            else:
                # Adam: bias-corrected first and second moments, β₁ = 0.9, β₂ = 0.999, ε = 1e-8
                self.m[k] = 0.9 * self.m[k] + 0.1 * g
                self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
                m_hat = self.m[k] / (1 - 0.9**self.t)
                v_hat = self.v[k] / (1 - 0.999**self.t)
                p -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)


    def fused(self, f: CompiledGraph, params: Mapping[str, np.ndarray]) -> Callable[[Sequence], float] | None:
        """The compiled program's own update (gradients and step in one generated function, in buffers it
        owns), for matrix-level graphs of one batch of rows; ``None`` where there is none (then :meth:`step`)."""
        try:
            program = f.program(copy=False)
        except SymnetError:
            return None
        values = [params[k] for k in f.shapes]  # updated in place by the program
        if self.kind == "sgd":
            return lambda data: program.sgd_step(*data, *values, learning_rate=self.lr)
        if self.kind == "momentum":
            velocities = [self.m[k] for k in f.shapes]
            return lambda data: program.momentum_step(*data, *values, learning_rate=self.lr, velocities=velocities)
        moments = [a for k in f.shapes for a in (self.m[k], self.v[k])]

        def adam(data):
            self.t += 1
            return program.adam_step(*data, *values, learning_rate=self.lr, moments=moments, t=self.t)
        return adam
