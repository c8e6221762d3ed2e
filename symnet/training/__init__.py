"""Stage 5, training: fitting a model's parameters with its compiled gradients.

- :mod:`.data`: data sets made on the spot, and CSV files;
- :mod:`.sequence_tasks`: small sequence tasks for the sequence models;
- :mod:`.optimizers`: SGD, momentum and Adam;
- :mod:`.loop`: :func:`train`, minibatches, early stopping, progress;
- :mod:`.plotting`: loss curves (matplotlib, optional);
- :mod:`.saving`: parameters written atomically and read back.

May import: :mod:`symnet.errors`, :mod:`symnet.algebra`, :mod:`symnet.codegen`, :mod:`symnet.checking`,
:mod:`symnet.models`.
"""
