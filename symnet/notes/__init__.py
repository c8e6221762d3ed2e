"""Stage 8, the notes verifier: ``symnet verify`` reads people's Markdown notes and judges their formulas.

Its own stages, bottom first (each may import the ones before it, never one after; ``tests/test_layout.py``
walks them):

0. ``limits``  — soft time limits inside one process (every stage above may be cut off by them);
1. ``extract`` — a note's file read safely, its Markdown or notebook cells, its formulas with line and column;
2. ``latex``   — parse: the grammar of the LaTeX notes use, trees of :class:`~symnet.notes.latex.Node`;
3. ``read``    — what a formula means (SymPy in the note's context) and what the note assumes;
4. ``decide``  — whether a relation holds: sampling in high precision, symbolic checks, matrices;
5. ``judge``   — each formula classified and judged in order, the note's state, doubt before refuting;
6. ``verify``  — report: one note in this process, many in worker processes with hard limits, text or JSON.

May import: ``symnet.errors``, ``symnet.algebra``, ``symnet.codegen`` and the package's ``__version__``.
"""
