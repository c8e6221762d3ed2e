"""Fuzz `symnet verify` with hostile notes: deep nesting, exponent towers, factorials, high-order derivatives,
long chains, huge matrices, big sums, random bytes and random LaTeX from the grammar's tokens.

Each case is one note file of 1 to 4 formulas (a seeded generator: the same seed gives the same notes); all
cases are checked in one run of worker processes with hard limits, as `symnet verify --jobs N` does. A *crash*
is a file error or an "internal error" verdict (a Python exception that escaped symnet's checks); a *hang* is
a file that took longer than twice (budget + grace) per formula plus 5 s, or a run that does not end.

    python benchmarks/fuzz_verify.py --cases 10000 --budget 0.25 --jobs 2     # the benchmark run
    python benchmarks/fuzz_verify.py --cases 100                              # about what the CI test runs
    python benchmarks/fuzz_verify.py --hostile --budget 0.5                   # the hostile notes, one by one
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NAMES = ["x", "y", "w", "b", "z", "L", "a_1", "x_i", "W_{ij}", "\\theta", "\\alpha", "\\sigma", "n", "k"]
FUNCTIONS = ["\\sigma", "\\tanh", "\\exp", "\\log", "\\sin", "\\sqrt", "\\mathrm{ReLU}", "f", "g", "\\max"]
TOKENS = ["x", "y", "1", "2", "0", "10", "n", "i", "{", "}", "(", ")", "[", "]", "^", "_", "+", "-", "=", "<",
          ">", "\\le", "\\ge", "\\ne", "\\approx", "\\cdot", "\\times", "/", "!", "'", ",", "&", "\\\\", "|",
          "\\frac", "\\sum", "\\prod", "\\int", "\\partial", "\\nabla", "\\sqrt", "\\log", "\\exp", "\\sigma",
          "\\tanh", "\\left(", "\\right)", "\\left|", "\\right|", "\\mathrm{", "\\text{", "\\mathbf{", "\\hat{",
          "\\operatorname{", "\\begin{bmatrix}", "\\end{bmatrix}", "\\begin{aligned}", "\\end{aligned}",
          "\\mathbb{E}", "\\top", "\\infty", "\\alpha", "\\theta", "\\lambda", "\\to", "\\in", "\\leftarrow", ":=",
          "\\;", "\\,", " ", "\\", "$", "%", "#", "\\quad", "\\displaystyle", "\\boxed{", "\\underbrace{"]


def nesting(rng: random.Random) -> str:
    depth = rng.choice([1, 2, 5, 10, 50, 100, 123, 200, 500, 1000])
    kind = rng.choice(["paren", "brace", "frac", "sqrt", "left", "power", "unbalanced", "sub"])
    x = rng.choice(NAMES)
    if kind == "paren":
        body = "(" * depth + x + ")" * depth
    elif kind == "brace":
        body = "{" * depth + x + "}" * depth
    elif kind == "frac":
        body = "\\frac{1}{" * depth + x + "}" * depth
    elif kind == "sqrt":
        body = "\\sqrt{" * depth + x + "}" * depth
    elif kind == "left":
        body = "\\left(" * depth + x + "\\right)" * depth
    elif kind == "power":
        body = x + "^{" * depth + "2" + "}" * depth
    elif kind == "sub":
        body = x + "_{" * depth + "i" + "}" * depth
    else:
        body = rng.choice("({[") * depth + x + rng.choice(")}]") * rng.randrange(depth + 1)
    return f"{body} = {rng.choice([x, '1', '0'])}"


def tower(rng: random.Random) -> str:
    height = rng.randrange(1, 13)
    base = lambda: rng.choice(["2", "3", "10", "x", "e", "1.5", "99", "-2"])  # noqa: E731
    body = base()
    for _ in range(height):
        body = f"{base()}^{{{body}}}"
    other = rng.choice(["1", "0", "x", "\\sum_{i=1}^{2} i", body])
    relation = rng.choice(["=", "<", ">", "\\le", "\\ne"])
    return f"{body} {relation} {other}"


def factorial(rng: random.Random) -> str:
    n = rng.choice(["1000000", "99999999", "10^{10}", "170", "171", "x", "(10!)", "2^{64}", "-1", "0.5"])
    left = rng.choice([f"{n}!", f"({n}!)!", f"\\frac{{{n}!}}{{({n}-1)!}}", f"\\log({n}!)", f"{n}!!"])
    right = rng.choice(["1", n, "0", "\\infty"])
    return f"{left} = {right}"


def derivative(rng: random.Random) -> str:
    order = rng.choice([1, 2, 5, 10, 30, 100, 1000, 10 ** 6])
    f = rng.choice(["e^{x^2}", "\\tanh(x)", "\\sigma(x)", "x^{x}", "\\tanh(\\tanh(\\tanh(x)))", "\\log(1+e^{x})",
                    "\\frac{1}{1+x^2}", "(x+1)^{1000}"])
    if rng.random() < 0.5:
        left = f"\\frac{{d^{{{order}}}}}{{dx^{{{order}}}}} {f}"
    else:
        left = f"\\frac{{\\partial^{{{order}}} {f}}}{{\\partial x^{{{order}}}}}"
    right = rng.choice(["0", "1", f, "x"])
    return f"{left} = {right}"


def chain(rng: random.Random) -> str:
    links = rng.choice([2, 3, 10, 50, 200, 500])
    parts = [rng.choice(["x+1", "(x+1)^2", "x^2+2x+1", "10^{10^{10}}", "\\tanh(x)", "1", "2", "x"])
             for _ in range(links)]
    return " = ".join(parts)


def matrix(rng: random.Random) -> str:
    rows, cols = rng.choice([(1, 9000), (1, 4000), (3000, 1), (100, 100), (60, 60), (2, 2), (1, 1), (0, 0)])
    env = rng.choice(["bmatrix", "pmatrix", "matrix"])
    entry = lambda: rng.choice(["1", "x", "0", "2^{100}", "\\tanh(x)"])  # noqa: E731
    body = " \\\\ ".join(" & ".join(entry() for _ in range(cols)) for _ in range(rows))
    claim = rng.choice(["A A^T = A^T A", "A^T A = 1", "A = A", "\\det(A) = 0", "A^{100} = A"])
    return f"A = \\begin{{{env}}} {body} \\end{{{env}}}$\n\n${claim}"


def big_sum(rng: random.Random) -> str:
    top = rng.choice(["10^{12}", "100000000", "n", "\\infty", "10^{10^{10}}", "2"])
    term = rng.choice(["i", "i^{i}", "\\frac{1}{i^2}", "i!", "x_i", "2^{i}"])
    op = rng.choice(["\\sum", "\\prod"])
    right = rng.choice(["5", "1", "n", "x"])
    return f"{op}_{{i=1}}^{{{top}}} {term} = {right}"


def random_bytes(rng: random.Random) -> str:
    data = bytes(rng.randrange(256) for _ in range(rng.choice([1, 10, 100, 1000, 5000])))
    return data.decode("utf-8", errors="surrogateescape")  # written back as the raw bytes


def random_latex(rng: random.Random) -> str:
    return "".join(rng.choice(TOKENS) for _ in range(rng.randrange(1, 200)))


def definitions(rng: random.Random) -> str:
    """Definitions then claims that use them, one of them hostile."""
    hostile = rng.choice([tower, factorial, derivative, chain, big_sum])(rng)
    value = rng.choice(["1", "x^2", "2^{2^{2^{2}}}"])
    return f"a = {value}$\n\n${hostile}$\n\n$a + 1 = a + 1$\n\n$a = a + 1"


GENERATORS = {"nesting": nesting, "tower": tower, "factorial": factorial, "derivative": derivative,
              "chain": chain, "matrix": matrix, "big sum": big_sum, "random bytes": random_bytes,
              "random LaTeX": random_latex, "definitions": definitions}


def note(rng: random.Random) -> tuple[str, str]:
    """One hostile note and the name of the generator of its first formula."""
    kinds = [rng.choice(list(GENERATORS)) for _ in range(rng.randrange(1, 5))]
    parts = []
    for kind in kinds:
        body = GENERATORS[kind](rng)
        parts.append(body if kind == "random bytes" else f"${body}$")
    return "\n\n".join(parts) + "\n", kinds[0]


def write_cases(directory: Path, cases: int, seed: int) -> dict[str, str]:
    """Write ``cases`` notes into ``directory``: {path: generator}."""
    rng = random.Random(seed)
    kinds = {}
    for k in range(cases):
        text, kind = note(rng)
        path = directory / f"case{k:05d}.md"
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        kinds[str(path)] = kind
    return kinds


def fuzz(cases: int, seed: int = 0, budget: float = 0.25, jobs: int = 2) -> dict:
    """Run the fuzz cases; figures and the crashes and hangs found."""
    from symnet.notes.verify.runner import GRACE, Limits, run_files

    with tempfile.TemporaryDirectory(prefix="symnet-fuzz-") as tmp:
        kinds = write_cases(Path(tmp), cases, seed)
        stats: dict = {"kills": 0, "workers": 0, "peak_memory": 0}
        start = time.perf_counter()
        reports, paths = [], list(kinds)
        for first in range(0, len(paths), 1000):  # in batches, with progress on stderr
            batch: dict = {}
            reports += run_files(paths[first:first + 1000], Limits(budget=budget, jobs=jobs), batch)
            stats = {"kills": stats["kills"] + batch["kills"], "workers": stats["workers"] + batch["workers"],
                     "peak_memory": max(stats["peak_memory"], batch["peak_memory"])}
            print(f"{len(reports)} cases, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        wall = time.perf_counter() - start
    statuses = collections.Counter(v.status for r in reports for v in r.verdicts)
    # a note that is not UTF-8 is refused with one line (issue 10: encodings detected or refused): no crash
    refused = [r for r in reports if r.error and "not UTF-8" in r.error]
    crashes = [(r.path, r.error or next(v.detail for v in r.verdicts if "internal error" in v.detail))
               for r in reports if r not in refused and
               (r.error or any("internal error" in v.detail for v in r.verdicts))]
    hangs = [(r.path, r.seconds) for r in reports
             if r.seconds > 2 * (budget + GRACE) * max(1, len(r.verdicts)) + 5]
    limits = collections.Counter()
    slowest = collections.defaultdict(float)
    for r in reports:
        slowest[kinds[r.path]] = max(slowest[kinds[r.path]], r.seconds)
        for v in r.verdicts:
            if v.detail.startswith("time limit"):
                limits["time limit"] += 1
            elif v.detail == "memory limit":
                limits["memory limit"] += 1
            elif "too deeply nested" in v.detail or "too large" in v.detail or "too long" in v.detail:
                limits["size limits"] += 1
    return {"cases": len(reports), "formulas": sum(statuses.values()), "wall": wall, "statuses": statuses,
            "crashes": crashes, "hangs": hangs, "limits": limits, "stats": stats, "slowest": dict(slowest),
            "reported": len(reports) == cases, "budget": budget, "jobs": jobs, "seed": seed}


def hostile_table(budget: float) -> None:
    """Each hostile note of tests/test_hostile.py alone in one worker: seconds against budget × formulas."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_hostile import HOSTILE

    from symnet.notes.verify.runner import Limits, run_files

    print(f"| note | formulas | verdicts | seconds | budget × formulas | worker peak (MiB) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="symnet-hostile-") as tmp:
        for name, text in HOSTILE.items():
            path = Path(tmp) / f"{name}.md"
            path.write_text(text)
            stats: dict = {}
            report, = run_files([path], Limits(budget=budget, jobs=1), stats)
            kinds = collections.Counter(v.status for v in report.verdicts)
            print(f"| {name} | {len(report.verdicts)} | {', '.join(f'{n} {k}' for k, n in kinds.items())} | "
                  f"{report.seconds:.2f} | {budget * len(report.verdicts):.2f} | {stats['peak_memory'] / 2**20:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hostile", action="store_true", help="time the hostile notes of the tests instead")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=float, default=0.25)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    if args.hostile:
        hostile_table(args.budget)
        return
    result = fuzz(args.cases, args.seed, args.budget, args.jobs)
    s = result["stats"]
    print(f"{result['cases']} cases (seed {args.seed}), {result['formulas']} formulas, budget {args.budget:g} s, "
          f"{args.jobs} workers: {result['wall']:.1f} s ({result['cases'] / result['wall']:.1f} cases/s)")
    print(f"every file reported: {result['reported']}; crashes: {len(result['crashes'])}; "
          f"hangs: {len(result['hangs'])}")
    print("verdicts: " + ", ".join(f"{n} {k}" for k, n in result["statuses"].most_common()))
    print("limits hit: " + ", ".join(f"{n} {k}" for k, n in result["limits"].most_common()))
    print(f"workers killed: {s['kills']}; workers started: {s['workers']}; "
          f"peak worker memory: {s['peak_memory'] / 2 ** 20:.0f} MiB")
    print("slowest case per generator (s): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(
        result["slowest"].items(), key=lambda kv: -kv[1])))
    for path, why in result["crashes"][:20]:
        print(f"crash: {path}: {why}")
    for path, seconds in result["hangs"][:20]:
        print(f"hang: {path}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
