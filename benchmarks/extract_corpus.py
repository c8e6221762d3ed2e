"""Extraction over a corpus of notes as a user would point ``symnet verify`` at it: formulas and images
found, time, and every formula's position checked character by character against the file.

    python benchmarks/extract_corpus.py /work/public_notes/d2l-en /work/shared/seeds

The notes stay outside the repository (cite d2l-ai/d2l-en:<path>); nothing from them is written.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symnet.notes.extract import extract_note, normalise  # noqa: E402
from symnet.notes.extract.files import NoteFileError, note_files, read_note  # noqa: E402


def misplaced(source: str, formulas) -> int:
    """Formulas with a visible character not at the line:column reported for it (0 when all are right)."""
    lines = normalise(source).split("\n")
    bad = 0
    for f in formulas:
        for offset, char in enumerate(f.text):
            if char.isspace():
                continue
            line, column = f.position(offset)
            if lines[line - 1][column - 1:column] != char:
                bad += 1
                break
    return bad


def main(paths: list[str]) -> None:
    files = note_files(paths)
    formulas = images = bad = unreadable = notebooks = 0
    seconds = 0.0
    for path in files:
        try:
            source = read_note(path)
        except NoteFileError as exc:
            unreadable += 1
            print(f"unreadable: {exc}")
            continue
        start = time.perf_counter()
        found, pictures = extract_note(source, str(path))
        seconds += time.perf_counter() - start
        formulas += len(found)
        images += pictures
        if path.suffix.lower() == ".ipynb":
            notebooks += 1   # positions are inside cells: not checked against the JSON file
        else:
            bad += misplaced(source, found)
    print(f"{len(files)} files ({notebooks} notebooks, {unreadable} unreadable): {formulas} formulas, "
          f"{images} images, extracted in {seconds:.2f} s; misplaced formulas: {bad}")


if __name__ == "__main__":
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
        raise SystemExit(0)
    try:
        main(sys.argv[1:] or ["."])
    except NoteFileError as exc:
        print(f"extract_corpus: {exc}", file=sys.stderr)
        raise SystemExit(2)
