"""Stage 7, rendering: derivations and objects written out for people.

- :mod:`.render`: a derivation as LaTeX, Markdown, plain text, Python or JSON, the chain rule node by node;
- :mod:`.display`: one-line reprs and notebook views, registered with :mod:`symnet.algebra.views`.

May import every stage below it: :mod:`symnet.errors`, :mod:`symnet.algebra`, :mod:`symnet.codegen`,
:mod:`symnet.checking`, :mod:`symnet.models`, :mod:`symnet.training`, :mod:`symnet.theory`.
"""
