"""JAX versions of :mod:`symnet.codegen.numeric`, so the generated programs run unchanged under ``jax.jit``.

Imported only for ``compile_graph(..., backend="jax")`` (``pip install 'symnet[jax]'``).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.scipy.special import erf

jax.config.update("jax_enable_x64", True)  # symnet's programs are checked in float64

__all__ = ["sigmoid", "step", "relu", "leaky_relu", "gelu", "softplus", "logsumexp", "erf", "leaky_relu_slope",
           "gelu_slope", "softmax_rows", "softmax_cross_entropy_sum", "row_std", "row_normalize", "causal_mask",
           "positional_encoding", "unfold", "fold", "argmax_mask", "weight_gradient", "column_sum_mean",
           "batch_mean"]

sigmoid = jax.nn.sigmoid
softplus = jax.nn.softplus


def step(x):
    return jnp.where(jnp.real(x) > 0, 1.0, 0.0)


def relu(x):
    return jnp.where(jnp.real(x) > 0, x, 0.0 * x)


def leaky_relu(x, alpha):
    return jnp.where(jnp.real(x) > 0, x, alpha * x)


def leaky_relu_slope(x, alpha):
    return jnp.where(jnp.real(x) > 0, 1.0, alpha)


def gelu(x):
    return 0.5 * x * (1 + erf(x / jnp.sqrt(2.0)))


def gelu_slope(x):
    return 0.5 * (1 + erf(x / jnp.sqrt(2.0))) + x * jnp.exp(-0.5 * x * x) / jnp.sqrt(2 * jnp.pi)


def logsumexp(*zs):
    return jax.scipy.special.logsumexp(jnp.stack(jnp.broadcast_arrays(*zs)), axis=0)


def softmax_rows(Z):
    return jax.nn.softmax(Z, axis=-1)


def softmax_cross_entropy_sum(Z, Y):
    lse = jax.scipy.special.logsumexp(Z, axis=-1, keepdims=True)
    return jnp.sum(lse * Y.sum(axis=-1, keepdims=True), axis=(-2, -1)) - jnp.sum(Y * Z, axis=(-2, -1))


def row_std(X, eps):
    centred = X - X.mean(axis=-1, keepdims=True)
    return jnp.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)


def row_normalize(X, eps):
    return (X - X.mean(axis=-1, keepdims=True)) / row_std(X, eps)


def unfold(X, k):
    n = X.shape[-2]
    return jnp.concatenate([X[..., j:n - k + 1 + j, :] for j in range(k)], axis=-1)


def fold(G, k):
    rows, width = G.shape[-2], G.shape[-1] // k
    out = jnp.zeros(G.shape[:-2] + (rows + k - 1, width), dtype=G.dtype)
    for j in range(k):
        out = out.at[..., j:j + rows, :].add(G[..., j * width:(j + 1) * width])
    return out


def argmax_mask(C):
    index = jnp.argmax(jnp.real(C), axis=-2)
    return (jnp.arange(C.shape[-2])[:, None] == index[..., None, :]).astype(float)


# constants (the NumPy arrays serve as they are) and the batch reductions, written for any array namespace
from .numeric import (batch_mean, causal_mask, column_sum_mean, positional_encoding,  # noqa: E402
                      weight_gradient)
