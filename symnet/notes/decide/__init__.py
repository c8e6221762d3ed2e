"""Notes stage 4, decide: whether a relation between two expressions holds. The sampler evaluates both sides at
random points in high precision (sampler), symbolic simplification settles what sampling cannot, and matrix
claims are evaluated on random matrices of consistent shapes (interpret, shapes, matrices).

May import: ``symnet.algebra``, ``symnet.codegen`` and the notes stages below it: ``limits``, ``extract``,
``latex``, ``read``.
"""
from .sampler import Domain, decide, fails_only_at_special_points, satisfiable, solvable

__all__ = ["Domain", "decide", "fails_only_at_special_points", "satisfiable", "solvable"]
