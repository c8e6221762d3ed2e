"""Wall time of `symnet verify` on a directory of notes: in one process (the old path), in one isolated
worker (`--jobs 1`, what the command now always does) and in several (`--jobs N`).

Each variant is a fresh process (imports included), run ``--rounds`` times interleaved; medians reported.
The note sets: the project's ``derivations/``, 28 files of d2l-ai/d2l-en (linear regression, multilayer
perceptrons, optimization) and all 27 chapters of it (191 files), read in place from /work/public_notes (never
copied).

    python benchmarks/verify_jobs.py --rounds 3
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
D2L = Path("/work/public_notes/d2l-en")
CHAPTERS = ("chapter_linear-regression", "chapter_multilayer-perceptrons", "chapter_optimization")

IN_PROCESS = ("import sys\nfrom symnet.notes.verify import note_files, verify_file\n"
              "[verify_file(p) for p in note_files(sys.argv[1:])]\n")
COMMAND = "from symnet.cli import entry_point; entry_point()"


def timed(argv: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    sets = {"derivations/": [str(ROOT / "derivations")]}
    if D2L.is_dir():
        sets[f"d2l-en, {len(CHAPTERS)} chapters"] = [str(p) for c in CHAPTERS for p in sorted((D2L / c).glob("*.md"))]
        chapters = sorted(D2L.glob("chapter_*"))
        sets[f"d2l-en, all {len(chapters)} chapters"] = [str(p) for c in chapters for p in sorted(c.glob("*.md"))]
    variants = {
        "in one process (old --jobs 1)": lambda paths: [sys.executable, "-c", IN_PROCESS, *paths],
        "--jobs 1 (one isolated worker)": lambda paths: [sys.executable, "-c", COMMAND, "verify", "--jobs", "1",
                                                         *paths],
        f"--jobs {args.jobs}": lambda paths: [sys.executable, "-c", COMMAND, "verify", "--jobs", str(args.jobs),
                                              *paths],
    }
    print(f"load average before: {os.getloadavg()[0]:.2f}; cores: {len(os.sched_getaffinity(0))}")
    print("| notes | files | variant | median wall (s) | runs (s) |")
    print("|---|---|---|---|---|")
    for title, paths in sets.items():
        files = len(paths) if len(paths) > 1 else len(list(Path(paths[0]).glob("*.md")))
        times: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(args.rounds):
            for name, make in variants.items():
                times[name].append(timed(make(paths)))
        for name, runs in times.items():
            print(f"| {title} | {files} | {name} | {statistics.median(runs):.2f} | "
                  f"{', '.join(f'{t:.2f}' for t in runs)} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    runner_control(args.rounds, args.jobs)
    big_note(2000)


def runner_control(rounds: int, jobs: int) -> None:
    """The runner's own parallelism, without SymPy: 8 notes of 4 formulas, each formula a fixed pure-Python
    loop (tests/hostile_checkers.py:burn), in one process with 1 and with ``jobs`` workers."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from symnet.notes.verify.runner import Limits, run_files

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(8):
            paths.append(Path(tmp) / f"n{i}.md")
            paths[-1].write_text("\n\n".join("$x = 1$" for _ in range(4)) + "\n")
        run_files(paths[:1], Limits(), judge_path="tests.hostile_checkers:burn")  # the fork server, started
        times: dict[int, list[float]] = {1: [], jobs: []}
        for _ in range(rounds):
            for j in times:
                start = time.perf_counter()
                run_files(paths, Limits(jobs=j, budget=30), judge_path="tests.hostile_checkers:burn")
                times[j].append(time.perf_counter() - start)
    print("runner control (fixed CPU work per formula): " + ", ".join(
        f"{j} worker(s) {statistics.median(t):.2f} s" for j, t in times.items()))



def big_note(paragraphs: int) -> None:
    """What isolation costs per formula: one note of ``paragraphs`` paragraphs (two formulas each), in this
    process and in one worker (the fork server already started)."""
    import tempfile

    sys.path.insert(0, str(ROOT))
    from symnet.notes.verify.runner import Limits, run_files
    from symnet.notes.verify import verify_text

    text = "\n\n".join(f"Paragraph {k} says $y_{{{k}}} = {k} x$ and $2 x = x + x$." for k in range(paragraphs))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.md"
        path.write_text(text + "\n")
        run_files([path], Limits())
        start = time.perf_counter()
        inside = verify_text(text)
        middle = time.perf_counter()
        isolated, = run_files([path], Limits())
        end = time.perf_counter()
    assert [v.status for v in inside.verdicts] == [v.status for v in isolated.verdicts]
    print(f"{paragraphs} paragraphs, {len(inside.verdicts)} formulas: in this process {middle - start:.2f} s, "
          f"in a worker {end - middle:.2f} s (same verdicts)")


if __name__ == "__main__":
    main()
