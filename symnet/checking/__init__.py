"""Stage 3, checking: independent numbers to hold the derived gradients against.

- :mod:`.gradients`: :func:`check_grads`, central differences, random directions and complex step on a
  compiled program, with the relative error and tolerances each method earns;
- :mod:`.scalarize`: the scalar-level twin of a matrix-level graph, every entry its own symbol, so that the
  scalar rules derive what the matrix rules derived: the oracle of the matrix level.

May import: :mod:`symnet.errors`, :mod:`symnet.algebra`, :mod:`symnet.codegen`.
"""
