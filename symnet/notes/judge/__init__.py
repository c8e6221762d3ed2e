"""Notes stage 5, judge: a note's formulas judged in order. Each row is classified (definition, setting,
condition, claim, mention), definitions enter the note's state, claims are decided in the domain the note
gives them, and a refutation must survive doubt (doubt) before it is reported.

May import: ``symnet.algebra``, ``symnet.codegen`` and the notes stages below it: ``limits``, ``extract``,
``latex``, ``read``, ``decide``.
"""
