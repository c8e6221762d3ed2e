"""Notes stage 1, extract: a note's file read safely (files), its Markdown or notebook cells tokenized
(markdown) and its formulas taken out with their line and column (formulas).

May import: :mod:`symnet.errors` and ``symnet.notes.limits``; nothing else of the notes verifier.
"""
from .formulas import Formula, extract_formulas, extract_note, normalise

__all__ = ["Formula", "extract_formulas", "extract_note", "normalise"]
