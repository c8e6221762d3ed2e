"""Extraction and ``verify`` time and memory against a note's size: 2,000 vs 20,000 paragraphs.

Each paragraph is prose with an inline mention, an inline code span, a currency amount and, every tenth
paragraph, a display claim; a heading every 50 paragraphs. Linear cost means the 10× larger note takes
about 10× the time (issue 10 asks ≤ 11×) with a flat memory peak per paragraph (tracemalloc).

    python benchmarks/verify_scale.py            # extraction and a full verify, 2,000 and 20,000 paragraphs
    python benchmarks/verify_scale.py --quick    # 200 and 2,000 paragraphs
"""
from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symnet.notes.extract import extract_formulas  # noqa: E402
from symnet.notes.verify.report import render_text  # noqa: E402
from symnet.notes.verify import verify_text  # noqa: E402


def note(paragraphs: int) -> str:
    parts = []
    for k in range(paragraphs):
        if k % 50 == 0:
            parts.append(f"## Section {k // 50}")
        text = (f"Paragraph {k} costs $5 and $10; the weight $w_{{{k % 97}}}$ with `code $x$` and "
                f"\\(a_{{{k % 13}}}\\) has unit variance.")
        if k % 10 == 0:
            text += f"\n\n$$\n(x + {k % 7 + 1})^2 = x^2 + {2 * (k % 7 + 1)} x + {(k % 7 + 1) ** 2}\n$$"
        parts.append(text)
    return "\n\n".join(parts) + "\n"


def measure(func, *args, repeat: int = 1) -> tuple[float, int]:
    """Best seconds of ``repeat`` calls and the tracemalloc peak bytes of one (traced separately)."""
    seconds = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(*args)
        seconds = min(seconds, time.perf_counter() - start)
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def verify_and_report(source: str) -> None:
    render_text([verify_text(source, "scale.md", 2.0)])


HOSTILE = {   # shapes that made naive scanners quadratic: each should cost ~4× at 4× the size
    "unclosed \\begin{align}": lambda n: "\\begin{align} x\n" * n,
    "unclosed $$ between headings": lambda n: "$$ a\n# h\n" * n,
    "unclosed \\( in one paragraph": lambda n: "\\( a " * n,
    "code spans and maths": lambda n: "`a` $x$ " * n,
    "image openers": lambda n: "![ " * n,
    "HTML comments": lambda n: "<!-- $x$ " * n,
}


def hostile() -> None:
    print(f"{'hostile shape':<32} {'2,000':>8} {'8,000':>8}  ratio (4× size)")
    for name, make in HOSTILE.items():
        t1, _ = measure(extract_formulas, make(2_000), repeat=3)
        t2, _ = measure(extract_formulas, make(8_000), repeat=3)
        print(f"{name:<32} {t1:>7.3f}s {t2:>7.3f}s  {t2 / t1:>5.1f}×")


def main() -> None:
    small, large = (200, 2_000) if "--quick" in sys.argv else (2_000, 20_000)
    rows = []
    verify_and_report(note(small))   # warm up: imports, compiled patterns, SymPy caches of the first claims
    for label, func, repeat in (("extract", extract_formulas, 3), ("verify + report", verify_and_report, 1)):
        (t1, m1), (t2, m2) = (measure(func, note(n), repeat=repeat) for n in (small, large))
        rows.append((label, t1, t2, m1, m2))
    print(f"{'stage':<16} {small:>7,} par. {large:>8,} par.  time ratio  peak/par. {small:,}  peak/par. {large:,}")
    for label, t1, t2, m1, m2 in rows:
        print(f"{label:<16} {t1:>9.2f} s {t2:>10.2f} s {t2 / t1:>10.1f}×  {m1 / small / 1024:>10.1f} KiB "
              f"{m2 / large / 1024:>10.1f} KiB")


if __name__ == "__main__":
    main()
    hostile()
