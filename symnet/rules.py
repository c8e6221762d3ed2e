"""The derivative rules: one line per operation, apart from the driver in :mod:`symnet.derive`.

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

Rule = Callable[..., tuple]


def _product_partials(y, *xs):
    # ∂(x_1 ⋯ x_k)/∂x_i is the product of the other factors
    return tuple(sp.Mul(*(xs[:i] + xs[i + 1:])) for i in range(len(xs)))


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
})
