"""Notes stage 5, judge: a note's formulas judged in order. Each row is classified (definition, setting,
condition, claim, mention), definitions enter the note's state, claims are decided in the domain the note
gives them, and a refutation must survive doubt (doubt) before it is reported.

Its modules, bottom first: ``state`` (the note's state, verdicts), ``forms`` (what a statement's tree shows),
``doubt`` (second readings of a refuted claim), ``domains`` (a claim's sides and domain, decided), ``claims``,
``inequalities`` (and approximations), ``definitions`` (and settings, conditions), ``reading`` (:func:`judge`).

May import: ``symnet.algebra``, ``symnet.codegen`` and the notes stages below it: ``limits``, ``extract``,
``latex``, ``read``, ``decide``.
"""
