"""Stage 4, the models people build, as graphs of the algebra.

- :mod:`.common`: what scalar and matrix blocks share (activation and loss tables, checks, the penalised loss);
- :mod:`.scalar_blocks`: neuron, linear regression, dense layer, MLP, every weight its own symbol;
- :mod:`.matrix_blocks`: the same networks from weight matrices;
- :mod:`.sequence_blocks`: attention, layer norm, encoder and decoder blocks, embedding, conv1d, RNN;
- :mod:`.network`: a model from a plain Python function of SymPy symbols;
- :mod:`.registry`: the names the CLI accepts, their options, and ``path/to/file.py:function`` models.

May import: :mod:`symnet.errors`, :mod:`symnet.algebra`, :mod:`symnet.codegen`, :mod:`symnet.checking` (the
registry builds the scalar twin of a sequence model with :func:`symnet.checking.scalarize.scalarize`).
"""
