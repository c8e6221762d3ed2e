"""How much of real notes the LaTeX grammar reads: formulas parsed, mentions, unparseable, and the causes.

Give it directories (or files) of Markdown notes kept outside the repository, for example chapters of
d2l-ai/d2l-en::

    python benchmarks/parse_coverage.py /work/public_notes/d2l-en/chapter_linear-regression …

It prints one row per note, the totals, and a table of the causes of what stays unparseable (the grammar's own
messages, grouped). A formula is *lost* when it holds a top-level relation (``=``, ``<``, ``\\le`` …) but
parses to something that is neither a claim nor a declaration: such formulas would be silently mentioned.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from symnet.notes.extract import extract_formulas
from symnet.notes.latex import LatexError, read, tokenize
from symnet.notes.latex.environments import blank_markup, split_rows, top_relation

CLAIMS = {"rel", "rows"}
DECLARATIONS = {"shape", "signature", "set", "range", "symbol"}


def _has_relation(text: str) -> bool:
    try:
        tokens = tokenize(blank_markup(text))[:-1]
    except LatexError:
        return False
    return any(top_relation(row) is not None for row in split_rows(tokens))


def _cause(exc: LatexError) -> str:
    return exc.message if len(exc.message) <= 70 else exc.message[:67] + "…"


def measure(paths: list[Path]) -> dict:
    files = []
    for p in paths:
        files += sorted(p.rglob("*.md")) if p.is_dir() else [p]
    rows, causes, examples, lost = [], Counter(), {}, []
    seconds = 0.0
    for path in files:
        formulas, _ = extract_formulas(path.read_text(encoding="utf-8"))
        counts = Counter()
        for f in formulas:
            start = time.perf_counter()
            try:
                tree = read(f.text).tree
            except LatexError as exc:
                seconds += time.perf_counter() - start
                counts["unparseable"] += 1
                causes[_cause(exc)] += 1
                examples.setdefault(_cause(exc), f"{path.name}:{f.line}")
                continue
            seconds += time.perf_counter() - start
            if tree.kind in CLAIMS:
                counts["claim"] += 1
            elif tree.kind in DECLARATIONS:
                counts["declaration"] += 1
            else:
                counts["mention"] += 1
                if _has_relation(f.text):
                    lost.append(f"{path.name}:{f.line}")
        rows.append((path, len(formulas), counts))
    return {"rows": rows, "causes": causes, "examples": examples, "lost": lost, "seconds": seconds}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    result = measure([Path(a) for a in argv])
    print("| note | formulas | claims | declarations | mentions | unparseable |")
    print("|---|---|---|---|---|---|")
    total = Counter()
    for path, n, c in result["rows"]:
        total.update(c)
        total["formulas"] += n
        print(f"| {path.parent.name}/{path.name} | {n} | {c['claim']} | {c['declaration']} | {c['mention']} | "
              f"{c['unparseable']} |")
    non_mention = total["formulas"] - total["mention"]
    share = 100 * total["unparseable"] / max(1, non_mention)
    claims = total["claim"] + total["unparseable"]
    strict = 100 * total["unparseable"] / max(1, claims)
    print(f"| **{len(result['rows'])} notes** | {total['formulas']} | {total['claim']} | {total['declaration']} | "
          f"{total['mention']} | {total['unparseable']} |")
    print()
    print(f"unparseable: {total['unparseable']} of {non_mention} non-mention formulas ({share:.1f} %); "
          f"counting declarations as mentions too: {total['unparseable']} of {claims} ({strict:.1f} %)")
    print(f"lost (a relation read as a mention): {len(result['lost'])}; parsing took {result['seconds']:.2f} s")
    if result["lost"]:
        print("lost:", ", ".join(result["lost"][:20]))
    print()
    print("| cause | formulas | first seen |")
    print("|---|---|---|")
    for cause, count in result["causes"].most_common():
        print(f"| {cause.replace('|', '&#124;')} | {count} | {result['examples'][cause]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
