"""Notes stage 4, decide: whether a relation between two expressions holds, and what the verdict rests on.

Its modules, bottom first: ``outcome`` (a verdict and its evidence), ``points`` (the domain and the points drawn
in it), ``evaluation`` (both sides in high precision, compiled with generated names only), ``sampler`` (points
until enough agree or one disagrees), ``decision`` (:func:`decide`: symbolic proof first, then the sampler),
``generated`` (both sides as one NumPy function), and the matrix claims: ``interpret``, ``shapes``, ``matrices``
(random matrices of consistent shapes).

May import: ``symnet.algebra``, ``symnet.codegen`` and the notes stages below it: ``limits``, ``extract``,
``latex``, ``read``.
"""
from .decision import decide
from .points import Domain
from .sampler import fails_only_at_special_points, satisfiable, solvable

__all__ = ["Domain", "decide", "fails_only_at_special_points", "satisfiable", "solvable"]
