"""Formulas per second of ``symnet verify`` on a corpus of at least 1,000 formulas, with ``--jobs 1`` and 2.

The corpus is made in a temporary folder: the project's ``derivations/*.md`` and what ``symnet derive MODEL
--format markdown --steps`` prints for a list of models (scalar and matrix MLPs with several losses and
penalties, attention, encoder and decoder blocks, RNN, convolution), copied until the corpus holds at least
``--min-formulas`` formulas. Each run is the real command line (``python -m``-style, a fresh process), so the
time includes start-up; ``--jobs`` spreads files over processes.

    python benchmarks/verify_throughput.py [--min-formulas 1000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = [
    ("mlp", ["--sizes", "2,2,2", "--loss", "cross_entropy", "--output-activation", "softmax"]),
    ("mlp", ["--sizes", "2,3,1", "--activation", "sigmoid", "--loss", "bce"]),
    ("mlp", ["--sizes", "3,2,1", "--activation", "tanh", "--l2", "0.01"]),
    ("mlp", ["--sizes", "2,3,2", "--level", "matrix", "--loss", "cross_entropy", "--l1", "0.1"]),
    ("mlp", ["--sizes", "4,5,3", "--level", "matrix", "--activation", "relu"]),
    ("mlp", ["--sizes", "3,4,4,2", "--level", "matrix", "--activation", "gelu"]),
    ("neuron", ["--inputs", "3", "--activation", "sigmoid", "--loss", "bce"]),
    ("linear-regression", ["--l2", "0.1"]),
    ("attention", []), ("multi-head-attention", []), ("layer-norm", []), ("residual", []),
    ("encoder", []), ("decoder", []), ("rnn", []), ("conv1d", []),
]
COMMAND = [sys.executable, "-c",
           "import sys; from symnet.cli import entry_point; sys.argv[0] = 'symnet'; entry_point()"]


def symnet(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=env, timeout=timeout)


def formulas_in(folder: Path) -> int:
    out = symnet("verify", str(folder), "--format", "json")
    return _count(out.stdout)


def _count(text: str) -> int:
    data = json.loads(text)
    files = data["files"] if isinstance(data, dict) and "files" in data else data
    return sum(len(f.get("verdicts", [])) for f in files)


def make_corpus(folder: Path, minimum: int) -> int:
    for path in sorted((ROOT / "derivations").glob("*.md")):
        shutil.copy(path, folder / path.name)
    for k, (model, options) in enumerate(MODELS):
        out = symnet("derive", model, *options, "--format", "markdown", "--steps")
        if out.returncode == 0:
            (folder / f"derived_{k:02d}_{model}.md").write_text(out.stdout)
    count = formulas_in(folder)
    base = sorted(folder.glob("*.md"))
    copy = 1
    while count < minimum:  # more of the same notes, as a larger collection would have
        for path in base:
            shutil.copy(path, folder / f"copy{copy}_{path.name}")
        count = formulas_in(folder)
        copy += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-formulas", type=int, default=1000)
    parser.add_argument("--keep", help="make the corpus in this folder and keep it")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="symnet-verify-corpus-"))
    folder.mkdir(parents=True, exist_ok=True)
    count = make_corpus(folder, args.min_formulas)
    files = len(list(folder.glob("*.md")))
    print(f"corpus: {files} files, {count} formulas (derivations/ and derive's Markdown); load (1 min) "
          f"{os.getloadavg()[0]:.2f}\n")
    print("| jobs | wall (s) | formulas / s | exit | verdicts |\n|---|---|---|---|---|")
    for jobs in (1, 2):
        t0 = time.perf_counter()
        out = symnet("verify", str(folder), "--format", "json", "--jobs", str(jobs), timeout=1800)
        wall = time.perf_counter() - t0
        data = json.loads(out.stdout)
        files_ = data["files"] if isinstance(data, dict) and "files" in data else data
        verdicts: dict[str, int] = {}
        for f in files_:
            for v in f.get("verdicts", []):
                status = v.get("status", "?")
                verdicts[status] = verdicts.get(status, 0) + 1
        n = sum(verdicts.values())
        summary = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
        print(f"| {jobs} | {wall:.1f} | {n / wall:.1f} | {out.returncode} | {summary} |", flush=True)
    print(f"\nload (1 min) after: {os.getloadavg()[0]:.2f}")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
