"""Stage 2, code generation: a graph and its gradient program as NumPy (or JAX) functions over a batch.

- :mod:`.printing`: printers from SymPy programs to NumPy source, scalar and matrix level;
- :mod:`.numeric`, :mod:`.numeric_jax`: the runtimes the generated code calls (stable sigmoid, logsumexp …);
- :mod:`.compile`: :func:`compile_graph`, the generated module and :class:`CompiledGraph`;
- :mod:`.buffers`, :mod:`.rows`, :mod:`.steps`: generated steps that own their memory, with the row-wise
  operations written in place and the optimiser updates fused in;
- :mod:`.standalone`: the compiled program as a module that runs without symnet.

May import: :mod:`symnet.errors`, :mod:`symnet.algebra`.
"""
