"""NumPy implementations of :mod:`symnet.algebra.functions`, called by the generated code.

Each one is finite wherever the mathematics is (logits of ±1000 included) and accepts complex arrays, so
that complex-step checks run through the same code as training.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.linalg import blas as _blas
from scipy.special import erf as _erf

__all__ = ["sigmoid", "step", "relu", "leaky_relu", "gelu", "softplus", "logsumexp", "erf", "leaky_relu_slope",
           "gelu_slope", "softmax_rows", "softmax_cross_entropy_sum", "row_std", "row_normalize", "causal_mask",
           "positional_encoding", "unfold", "fold", "argmax_mask", "weight_gradient", "column_sum_mean",
           "batch_mean", "gemm_into", "buffer_block"]


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
    return (np.real(x) > 0).astype(float)


def relu(x):
    x = np.asarray(x)
    if np.iscomplexobj(x):
        return np.where(np.real(x) > 0, x, 0.0 * x)
    return np.maximum(x, 0.0)


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
    E = np.exp(Z - np.max(np.real(Z), axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_cross_entropy_sum(Z, Y):
    """Σ_i Σ_j Y_ij (logsumexp(Z_i) − Z_ij) over the rows of each matrix (the last two axes), finite at ±1000:
    ``Σ_i [(Σ_j Y_ij) logsumexp(Z_i) − ⟨Y_i, Z_i⟩]``, so target rows need not sum to 1."""
    Z, Y = np.asarray(Z), np.asarray(Y)
    m = np.max(np.real(Z), axis=-1, keepdims=True)
    lse = m + np.log(np.exp(Z - m).sum(axis=-1, keepdims=True))
    return np.sum(lse * Y.sum(axis=-1, keepdims=True), axis=(-2, -1)) - np.sum(Y * Z, axis=(-2, -1))


def row_std(X, eps):
    """√(variance of each row + ε), broadcast over the row."""
    X = np.asarray(X)
    centred = X - X.mean(axis=-1, keepdims=True)
    return np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)


def row_normalize(X, eps):
    X = np.asarray(X)
    centred = X - X.mean(axis=-1, keepdims=True)
    return centred / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)


@lru_cache(maxsize=64)
def _causal(n: int) -> np.ndarray:
    mask = np.triu(np.full((n, n), -1e300), k=1)
    mask.flags.writeable = False
    return mask


def causal_mask(n):
    """0 on and below the diagonal, −1e300 above: added to scores, it zeroes attention to later positions."""
    return _causal(int(n))


@lru_cache(maxsize=64)
def _positions(n: int, d: int) -> np.ndarray:
    p = np.arange(n)[:, None]
    i = np.arange(d)[None, :]
    angle = p / np.power(10000.0, (2 * (i // 2)) / d)
    pe = np.where(i % 2 == 0, np.sin(angle), np.cos(angle))
    pe.flags.writeable = False
    return pe


def positional_encoding(n, d):
    """PE[p, 2i] = sin(p / 10000^{2i/d}), PE[p, 2i+1] = cos(p / 10000^{2i/d})."""
    return _positions(int(n), int(d))


def unfold(X, k):
    """Windows of k consecutive rows, concatenated: row t = [X_t, …, X_{t+k−1}]."""
    X = np.asarray(X)
    n = X.shape[-2]
    return np.concatenate([X[..., j:n - k + 1 + j, :] for j in range(k)], axis=-1)


def fold(G, k):
    """The adjoint of :func:`unfold`: scatter-add each window's pieces back to their rows."""
    G = np.asarray(G)
    rows, width = G.shape[-2], G.shape[-1] // k
    out = np.zeros(G.shape[:-2] + (rows + k - 1, width), dtype=G.dtype)
    for j in range(k):
        out[..., j:j + rows, :] += G[..., j * width:(j + 1) * width]
    return out


def argmax_mask(C):
    """One-hot along each column at the first largest entry (real parts compared)."""
    C = np.asarray(C)
    index = np.argmax(np.real(C), axis=-2)
    return (np.arange(C.shape[-2])[:, None] == index[..., None, :]).astype(float)


# The three batch reductions below use only array methods and the array's own namespace, so the JAX
# runtime imports them as they are.

def weight_gradient(A, G):
    """Aᵀ G for one sequence; for a batch (B×n×·) the mean over the batch, as one product over all rows."""
    if A.ndim == 3 or G.ndim == 3:
        if A.shape[:-1] != G.shape[:-1]:
            A, G = A.__array_namespace__().broadcast_arrays(A, G)
        return A.reshape(-1, A.shape[-1]).T @ G.reshape(-1, G.shape[-1]) / A.shape[0]
    return A.T @ G


def column_sum_mean(M):
    """𝟏ᵀ M for one sequence; for a batch the mean over the batch of each sequence's column sums."""
    if M.ndim == 3:
        return M.sum(axis=(0, 1))[None, :] / M.shape[0]
    return M.sum(axis=0, keepdims=True)


def batch_mean(M, ndim):
    """The mean over a leading batch axis, when there is one (a plain number has none)."""
    return M.mean(axis=0) if getattr(M, "ndim", 0) > ndim else M


#: BLAS's general product and matrix-vector product (SciPy's wrappers) by dtype, for :func:`gemm_into`.
_GEMM = {np.dtype(np.float64): (_blas.dgemm, _blas.dgemv), np.dtype(np.float32): (_blas.sgemm, _blas.sgemv)}


def gemm_into(C, A, B, alpha, beta):
    """C ← α A B + β C, in place, in one BLAS call: the buffered program's bias add (``C`` holding the bias
    rows, β = 1) or SGD update (``C`` the parameter, α = −learning rate) fused into the product.

    ``C`` is a C-ordered matrix, so ``Cᵀ`` is Fortran-ordered and BLAS computes ``Cᵀ ← α Bᵀ Aᵀ + β Cᵀ`` in it;
    each operand goes in as the Fortran-ordered transpose it is or with BLAS's transpose flag, never copied. A
    one-row product (``𝟏ᵀ G``, a bias gradient) is the matrix-vector product ``Gᵀ 𝟏``, and a one-column product
    (a one-output layer) ``A b``. Anything else (another dtype, a stack of matrices, a read-only or non-contiguous
    ``C``) takes NumPy's slower path, same result.
    """
    blas, flags = _GEMM.get(C.dtype), C.flags
    if blas is None or C.ndim != 2 or A.ndim != 2 or B.ndim != 2 or not (flags.c_contiguous and flags.writeable):
        product = alpha * (A @ B)
        if beta == 0:  # as in BLAS, C's old values (even NaN) are not read
            C[...] = product
        else:
            C *= beta
            C += product
        return C
    if C.shape[0] == 1:  # row = α 𝟏ᵀ-like row A times B: y ← α Bᵀ a + β y
        _gemv(blas[1], alpha, B, True, A[0], beta, C[0])
        return C
    if C.shape[1] == 1:  # one column (a one-output layer's A1 w): y ← α A b + β y, 3.0 µs against gemm's 11.7
        _gemv(blas[1], alpha, A, False, B[:, 0], beta, C[:, 0])
        return C
    # op(a) = Bᵀ and op(b) = Aᵀ: a C-ordered operand's transpose as it is, any other with the transpose flag
    b_rows, a_rows = B.flags.c_contiguous, A.flags.c_contiguous
    blas[0](alpha, B.T if b_rows else B, A.T if a_rows else A, beta, C.T, not b_rows, not a_rows, 1)
    return C


def _gemv(gemv, alpha, M, transposed: bool, x, beta, y) -> None:
    """y ← α op(M) x + β y in place, op(M) = Mᵀ or M: a C-ordered M goes in as its Fortran-ordered transpose
    with the transpose flag flipped. Arguments by position (offx, incx, offy, incy, trans, overwrite_y): f2py's
    keywords cost 0.3 µs a call."""
    if M.flags.c_contiguous:
        gemv(alpha, M.T, x, beta, y, 0, 1, 0, 1, int(not transposed), 1)
    else:
        gemv(alpha, M, x, beta, y, 0, 1, 0, 1, int(transposed), 1)


#: Transparent huge pages are 2 MiB; NumPy asks the kernel for them (``madvise``) on allocations of 4 MiB or more.
_HUGE_PAGE = 1 << 21


def buffer_block(dtype):
    """``new_buffer(shape)`` for a buffer-owning program: uninitialised C-ordered arrays carved one after another
    (64-byte aligned) from one block of at least 4 MiB, starting at a 2 MiB boundary, instead of one allocation
    each. Where the system backs such a block with huge pages, a program's whole working set sits in a few TLB
    entries rather than one per 4 KiB page, so a step that runs after other work (a training loop's data
    loading, the benchmark's other implementations) refills less. Measured on the 64→128→10 MLP step, batch 256,
    in rounds interleaved with other steps: 264 → 261 µs; a block below 4 MiB (no huge pages) gains nothing."""
    dtype = np.dtype(dtype)
    state: dict = {"block": None, "at": 0}

    def new_buffer(shape):
        nbytes = int(np.prod(shape)) * dtype.itemsize
        block, at = state["block"], state["at"]
        if block is None or at + nbytes > block.size:
            block = np.empty(max(2 * _HUGE_PAGE, nbytes) + _HUGE_PAGE, np.uint8)
            at = -block.ctypes.data % _HUGE_PAGE
        state["block"], state["at"] = block, at + -(-nbytes // 64) * 64
        return block[at:at + nbytes].view(dtype).reshape(shape)
    return new_buffer
