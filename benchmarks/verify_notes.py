"""How long `symnet verify` takes on real and derived notes, against deriving the same note in the same process.

Notes: the seed notes in ../shared/seeds (when present), and what `symnet derive … --format markdown --steps`
prints for a scalar 2-2-2 cross-entropy network and for the matrix-level encoder and decoder blocks. The ratio
is verify time over derive-and-render time (the baseline: producing the note symnet then checks).

    python benchmarks/verify_notes.py
"""
from __future__ import annotations

import time
from pathlib import Path

from symnet.algebra.derive import derive
from symnet.models.registry import build_model
from symnet.notes.verify import note_files, verify_file, verify_text
from symnet.rendering.render import render

DERIVED = [
    ("mlp 2-2-2 scalar, cross-entropy", "mlp", {"sizes": "2,2,2", "loss": "cross_entropy",
                                                 "output_activation": "softmax"}),
    ("mlp 2-3-2 matrix, cross-entropy + L1", "mlp", {"sizes": "2,3,2", "level": "matrix", "loss": "cross_entropy",
                                                      "l1": 0.1}),
    ("encoder block (matrix)", "encoder", {}),
    ("decoder block (matrix)", "decoder", {}),
]


def main() -> None:
    print("| note | formulas | verified | derive + render (s) | verify (s) | ratio |")
    print("|---|---|---|---|---|---|")
    for title, model, options in DERIVED:
        start = time.perf_counter()
        markdown = render(derive(build_model(model, options)), "markdown", steps=True)
        made = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_text(markdown)
        checked = time.perf_counter() - start
        print(f"| {title} | {len(report.verdicts)} | {report.count('verified')} | {made:.2f} | {checked:.2f} | "
              f"{checked / made:.2f} |")
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if seeds.is_dir():
        start = time.perf_counter()
        reports = [verify_file(p) for p in note_files([seeds])]
        total = time.perf_counter() - start
        formulas = sum(len(r.verdicts) for r in reports)
        print(f"\nseed notes: {len(reports)} files, {formulas} formulas, {total:.2f} s")


if __name__ == "__main__":
    main()
