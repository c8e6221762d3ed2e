"""Stage 1, the algebra: what a network *is* and how its gradient is derived, symbolically.

- :mod:`.graph`: programs of named assignments (SSA) ending in one scalar loss, and their LaTeX;
- :mod:`.functions`: the SymPy functions networks use and SymPy lacks (sigmoid, ReLU, GELU, logsumexp …);
- :mod:`.matrix`: matrix-level operations (broadcast bias rows, row softmax, row statistics, masks …);
- :mod:`.rules`: the derivative rules, scalar and matrix (vector-Jacobian) side by side;
- :mod:`.derive`: reverse mode, each node's adjoint computed once;
- :mod:`.views`: where the objects of every stage find their console and notebook views.

May import: :mod:`symnet.errors` (and SymPy). Nothing here knows of code generation, models or the CLI.
"""
