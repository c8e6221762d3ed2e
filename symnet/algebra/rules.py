"""The derivative rules: one line per operation, apart from the driver in :mod:`symnet.algebra.derive`.

Each rule takes ``(y, *args)`` — the value of the operation (a node's own name when the operation is the
whole node, so that ``tanh' = 1 - a²`` reuses the forward activation ``a``) and its arguments — and returns
the tuple of partial derivatives ``∂y/∂arg_i``. This is the vector-Jacobian table of HIPS/autograd's
``defvjp``, written for SymPy expression heads.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping

import sympy as sp

from .functions import gelu, gaussian_cdf, leaky_relu, logsumexp, relu, sigmoid, softplus, step
from .matrix import (ELEMENTWISE, AbsoluteSum, Apply, ArgmaxMask, Broadcast, ColumnMax, ColumnSum, Fold, RowMean,
                     RowNormalize, RowSoftmax, RowStd, RowSum, SoftmaxCrossEntropy, SoftplusSum, SquaredNorm, Unfold,
                     hadamard, is_matrix, matmul)

Rule = Callable[..., tuple]


def _product_partials(y, *xs):
    # ∂(x_1 ⋯ x_k)/∂x_i is the product of the other factors
    return tuple(sp.Mul(*(xs[:i] + xs[i + 1:])) for i in range(len(xs)))


def _first_max(i, xs):
    # ∂max/∂x_i = 1 where x_i is the first largest argument (ties go to the earliest), else 0
    return sp.Mul(*[step(xs[i] - x) if j < i else 1 - step(x - xs[i]) for j, x in enumerate(xs) if j != i])


RULES: Mapping[type, Rule] = MappingProxyType({
    sp.Add:        lambda y, *xs: (sp.S.One,) * len(xs),
    sp.Mul:        _product_partials,
    sp.Pow:        lambda y, b, e: (e * b ** (e - 1), y * sp.log(b)),
    sp.exp:        lambda y, x: (y,),
    sp.log:        lambda y, x: (1 / x,),
    sp.tanh:       lambda y, x: (1 - y**2,),
    sp.sin:        lambda y, x: (sp.cos(x),),
    sp.cos:        lambda y, x: (-sp.sin(x),),
    sp.Abs:        lambda y, x: (sp.sign(x),),
    sp.sign:       lambda y, x: (sp.S.Zero,),
    sp.erf:        lambda y, x: (2 * sp.exp(-x**2) / sp.sqrt(sp.pi),),
    sigmoid:       lambda y, x: (y * (1 - y),),
    softplus:      lambda y, x: (sigmoid(x),),
    relu:          lambda y, x: (step(x),),
    step:          lambda y, x: (sp.S.Zero,),
    leaky_relu:    lambda y, x, a: (a + (1 - a) * step(x), x * (1 - step(x))),
    gelu:          lambda y, x: (gaussian_cdf(x) + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi),),
    logsumexp:     lambda y, *xs: tuple(sp.exp(x - y) for x in xs),
    sp.Max:        lambda y, *xs: tuple(_first_max(i, xs) for i in range(len(xs))),
})


# -- matrix level -------------------------------------------------------------------------------------------
# A matrix rule takes (Y, G, *args) — the operation's value, the adjoint G = ∂L/∂Y flowing into it — and
# returns each argument's vector-Jacobian product ∂L/∂arg (None for arguments that take no gradient).

def _matmul_vjp(Y, G, *args):
    # Y = c·M_1⋯M_k  ⇒  ∂L/∂M_i = c·(M_1⋯M_{i−1})ᵀ G (M_{i+1}⋯M_k)ᵀ
    scalars = [a for a in args if not is_matrix(a)]
    mats = [a for a in args if is_matrix(a)]
    c = sp.Mul(*scalars)
    out, m = [], 0
    for a in args:
        if not is_matrix(a):
            out.append(None)
            continue
        left, right = mats[:m], mats[m + 1:]
        factors = [c] + ([matmul(*left).T] if left else []) + [G] + ([matmul(*right).T] if right else [])
        out.append(matmul(*factors))
        m += 1
    return tuple(out)


def _hadamard_vjp(Y, G, *args):
    return tuple(hadamard(G, *(args[:i] + args[i + 1:])) for i in range(len(args)))


MATRIX_RULES: Mapping[type, Rule] = MappingProxyType({
    sp.MatMul:              _matmul_vjp,
    sp.MatAdd:              lambda Y, G, *args: (G,) * len(args),
    sp.Transpose:           lambda Y, G, A: (G.T,),
    sp.HadamardProduct:     _hadamard_vjp,
    sp.HadamardPower:       lambda Y, G, A, k: (matmul(k, hadamard(G, A if k == 2 else sp.HadamardPower(A, k - 1))), None),
    sp.Trace:               lambda Y, G, M: (matmul(G, sp.Identity(M.rows)),),
    Apply:                  lambda Y, G, f, Z, *p: (None, hadamard(G, ELEMENTWISE[f.name].derivative(Z, Y, p)),
                                                    *(None,) * len(p)),
    Broadcast:              lambda Y, G, b, rows: (ColumnSum(G), None),
    RowSoftmax:             lambda Y, G, Z: (hadamard(Y, G - RowSum(hadamard(G, Y))),),
    SquaredNorm:            lambda y, g, M: (matmul(2 * g, M),),
    AbsoluteSum:            lambda y, g, M: (matmul(g, Apply("sign", M)),),
    SoftplusSum:            lambda y, g, Z, T: (matmul(g, Apply("sigmoid", Z) - T), matmul(-g, Z)),
    # Σ_ij T_ij (lse(Z_i) − Z_ij): ∂/∂Z = rowsum(T) ∘ softmax(Z) − T (softmax(Z) − T for one-hot rows),
    # ∂/∂T = lse(Z_i) − Z_ij = −log softmax(Z)
    SoftmaxCrossEntropy:    lambda y, g, Z, T: (matmul(g, hadamard(RowSum(T), RowSoftmax(Z)) - T),
                                                matmul(-g, Apply("log", RowSoftmax(Z)))),
    RowMean:                lambda Y, G, M: (RowMean(G),),
    # layer norm: ∂L/∂X = (1/σ) ∘ (G − rowmean(G) − N ∘ rowmean(G ∘ N)), N the normalised rows
    RowNormalize:           lambda N, G, X, eps: (hadamard(Apply("reciprocal", RowStd(X, eps)),
                                                           G - RowMean(G) - hadamard(N, RowMean(hadamard(G, N)))),
                                                   None),
    Unfold:                 lambda Y, G, X, k: (Fold(G, k, X.shape[1]), None),
    ColumnMax:              lambda Y, G, C: (hadamard(ArgmaxMask(C), Broadcast(G, C.shape[0])),),
})
