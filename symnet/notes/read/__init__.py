"""Notes stage 3, read: what a parsed formula means. LaTeX trees become SymPy expressions in a note's context
(meaning, notation), and what the note assumes is read from its formulas and its prose (facts, assumptions,
prose), with the rules of expectation under those assumptions (expectation).

May import: ``symnet.algebra``, ``symnet.codegen`` and the notes stages below it: ``limits``, ``extract``,
``latex``.
"""
from . import expectation  # noqa: F401  (installs the rules of expectation in Meaning, which cannot import them)
