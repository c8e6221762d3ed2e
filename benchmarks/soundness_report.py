"""Verdicts of `symnet verify` on the soundness corpus (tests/soundness), by class and expectation.

For each class: how many wrong claims were verified (must be 0), right claims refuted (must be 0) and right
claims verified (at least 80 % overall), then every offending case. The lead records the table in RESULTS.md.

    python benchmarks/soundness_report.py            # table and offending cases
    python benchmarks/soundness_report.py --all      # also every case's verdict
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symnet.notes.verify import verify_text  # noqa: E402
from tests.soundness import last_verdict, load_cases  # noqa: E402


def main(argv: list[str]) -> int:
    show_all = "--all" in argv
    cases = load_cases()
    started = time.perf_counter()
    results = []
    for case in cases:
        status, detail = last_verdict(case, verify_text(case.note).verdicts)
        results.append((case, status, detail))
    seconds = time.perf_counter() - started

    classes = sorted({c.cls for c in cases})
    print("| class | wrong | wrong verified | right | right refuted | right verified | right statuses |")
    print("|---|---|---|---|---|---|---|")
    totals: Counter = Counter()
    for cls in classes:
        rows = [(c, s) for c, s, _ in results if c.cls == cls]
        wrong = [s for c, s in rows if c.expect == "wrong"]
        right = [s for c, s in rows if c.expect == "right"]
        counts = Counter(right)
        line = Counter(wrong=len(wrong), wrong_verified=wrong.count("verified"), right=len(right),
                       right_refuted=counts["refuted"], right_verified=counts["verified"])
        totals.update(line)
        statuses = ", ".join(f"{s} {n}" for s, n in counts.most_common())
        print(f"| {cls} | {line['wrong']} | {line['wrong_verified']} | {line['right']} | "
              f"{line['right_refuted']} | {line['right_verified']} | {statuses} |")
    share = totals["right_verified"] / max(totals["right"], 1)
    print(f"| **all** | {totals['wrong']} | {totals['wrong_verified']} | {totals['right']} | "
          f"{totals['right_refuted']} | {totals['right_verified']} ({share:.0%}) | |")
    print(f"\n{len(cases)} notes verified in {seconds:.1f} s")

    print("\nOffending cases:")
    for case, status, detail in results:
        bad = (case.expect == "wrong" and status == "verified") or (case.expect == "right" and status == "refuted")
        if bad or show_all:
            mark = "!!" if bad else "  "
            print(f"{mark} {case.cls}/{case.id} [{case.expect}] {status}: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
