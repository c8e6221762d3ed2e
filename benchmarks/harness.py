"""Shared measurement rules for the step benchmarks (see ../shared/DESIGN.md on thread pools).

Each implementation runs in its own process with one thread (OpenMP, OpenBLAS, MKL and XLA pinned to 1).
Inside that process the implementation and the hand-written NumPy baseline alternate in rounds of
``steps`` steps; each round gives a time ratio, and the median over the rounds is reported.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Callable

import numpy as np

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")

Maker = Callable[[], tuple[Callable[[], object], dict]]


def measure(make: Maker, baseline: Maker, rounds: int, steps: int) -> dict:
    """Median per-step times of an implementation and of the baseline, and of their per-round ratio."""
    step, extra = make()
    base, _ = baseline()
    for _ in range(5):  # warm up both
        step()
        base()
    ratios, times, base_times = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            base()
        t1 = time.perf_counter()
        for _ in range(steps):
            result = step()
        if hasattr(result, "block_until_ready"):
            result.block_until_ready()
        t2 = time.perf_counter()
        base_times.append((t1 - t0) / steps)
        times.append((t2 - t1) / steps)
        ratios.append(times[-1] / base_times[-1])
    return {"ratio": float(np.median(ratios)), "step_ms": 1e3 * float(np.median(times)),
            "hand_ms": 1e3 * float(np.median(base_times)), **extra}


def run(script: str, description: str, makers: dict[str, Maker], baseline: str) -> None:
    """The command line of a step benchmark: the parent starts one child process per implementation."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        try:
            result = measure(makers[args.child], makers[baseline], args.rounds, args.steps)
        except ImportError as exc:
            result = {"skipped": f"not installed ({exc.name})"}
        print(json.dumps(result))
        return
    env = os.environ | {v: "1" for v in THREAD_VARIABLES} | {
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}
    print(f"{description}; one process per implementation, one thread; median of {args.rounds} rounds of "
          f"{args.steps} steps\n")
    print("| implementation | step (ms) | hand NumPy in the same process (ms) | ratio to hand NumPy | notes |")
    print("|---|---|---|---|---|")
    for name in makers:
        out = subprocess.run([sys.executable, script, "--child", name, "--rounds", str(args.rounds),
                              "--steps", str(args.steps)], capture_output=True, text=True, env=env)
        if out.returncode != 0:
            last = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "?"
            print(f"| {name} | – | – | – | failed: {last} |")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if "skipped" in r:
            print(f"| {name} | – | – | – | {r['skipped']} |")
            continue
        notes = ", ".join(f"{k.removesuffix('_s')} {v:.3f} s" for k, v in r.items() if k.endswith("_s"))
        print(f"| {name} | {r['step_ms']:.3f} | {r['hand_ms']:.3f} | {r['ratio']:.3f} | {notes} |", flush=True)
