"""NumPy implementations of :mod:`symnet.functions`, called by the generated code.

Each one is finite wherever the mathematics is (logits of ±1000 included) and accepts complex arrays, so
that complex-step checks run through the same code as training.
"""
from __future__ import annotations

import numpy as np
from scipy.special import erf as _erf

__all__ = ["sigmoid", "step", "relu", "leaky_relu", "gelu", "softplus", "logsumexp", "erf", "leaky_relu_slope",
           "gelu_slope", "softmax_rows", "softmax_cross_entropy_sum"]


def _positive_real_part(x):
    return np.real(x) >= 0


def sigmoid(x):
    """σ(x) evaluated as 1/(1+e^{-x}) for Re x ≥ 0 and e^{x}/(1+e^{x}) otherwise: never overflows."""
    x = np.asarray(x)
    positive = _positive_real_part(x)
    e = np.exp(np.where(positive, -x, x))
    return np.where(positive, 1 / (1 + e), e / (1 + e))


def softplus(x):
    """log(1 + e^x) as x + log1p(e^{-x}) for Re x ≥ 0 and log1p(e^{x}) otherwise."""
    x = np.asarray(x)
    positive = _positive_real_part(x)
    e = np.exp(np.where(positive, -x, x))
    return np.where(positive, x + np.log1p(e), np.log1p(e))


def logsumexp(*zs):
    """log Σ e^{z_j} with the largest real part subtracted first (a constant shift, so exact)."""
    zs = np.broadcast_arrays(*[np.asarray(z) for z in zs])
    m = np.maximum.reduce([np.real(z) for z in zs])
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(sum(np.exp(z - m) for z in zs))


def step(x):
    """1 where Re x > 0, else 0 (so step(0) = 0)."""
    return np.where(np.real(x) > 0, 1.0, 0.0)


def relu(x):
    x = np.asarray(x)
    return np.where(np.real(x) > 0, x, 0.0 * x)


def leaky_relu(x, alpha):
    x = np.asarray(x)
    return np.where(np.real(x) > 0, x, alpha * x)


def erf(x):
    """The error function, complex arguments included (SciPy's Faddeeva implementation)."""
    return _erf(x)


def gelu(x):
    x = np.asarray(x)
    return 0.5 * x * (1 + _erf(x / np.sqrt(2.0)))


def leaky_relu_slope(x, alpha):
    """LeakyReLU'(x): 1 for Re x > 0, else α (so the slope at 0 is α)."""
    return np.where(np.real(x) > 0, 1.0, alpha)


def gelu_slope(x):
    """GELU'(x) = Φ(x) + x φ(x)."""
    x = np.asarray(x)
    return 0.5 * (1 + _erf(x / np.sqrt(2.0))) + x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)


def softmax_rows(Z):
    """Softmax of each row, with the row's largest real part subtracted first."""
    Z = np.asarray(Z)
    E = np.exp(Z - np.max(np.real(Z), axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_cross_entropy_sum(Z, Y):
    """Σ_i [logsumexp(Z_i) − ⟨Y_i, Z_i⟩], finite at logits of ±1000."""
    Z = np.asarray(Z)
    m = np.max(np.real(Z), axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.sum(lse) - np.sum(Y * Z)
