"""Shared measurement rules for the step benchmarks (see DESIGN.md on thread pools and the allocator).

Every implementation is timed in **one process**: all are built first, then timed in rounds of ``steps``
steps, the order rotating from round to round, so that a slow spell of the machine hits all of them alike.
Threads are pinned to one (environment variables before any library loads, ``threadpoolctl`` for BLAS and
OpenMP, ``torch.set_num_threads(1)``, XLA flags). The report gives absolute per-step medians, each one's
median per-round ratio to the baseline, the environment (versions, BLAS, threads, allocator variables, load)
and the machine's one-thread matmul peak measured in the same process, from which a step's "flop limit" (its
matrix-product flops at that peak) follows. Each round records wall-clock and CPU time (``time.process_time``);
ratios use CPU time, which on a busy machine leaves out the time a one-thread process waits for a core (on a
quiet machine the two agree).

The parent runs the measuring process two or three times: with ``import torch`` before anything else
(PyTorch's import changes glibc's allocator behaviour, which moves NumPy baselines by 30 % or more), without
PyTorch at all (its implementations left out), and without PyTorch or JAX (whose import has the same effect),
and prints each table.

Import this module before NumPy: it sets the thread variables that the libraries read when they load.
"""
from __future__ import annotations

import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS")
for _v in THREAD_VARIABLES:
    os.environ[_v] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

Maker = Callable[[], tuple[Callable[[], object], dict]]
#: the measuring processes: PyTorch imported before anything else; PyTorch never imported (its rows left out);
#: and, where JAX rows exist, neither (JAX's import changes the allocator's behaviour as PyTorch's does)
MODES = ("torch-first", "no-torch", "numpy-only")
ALLOCATOR_VARIABLES = ("MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX",
                       "LD_PRELOAD")


def pin_threads() -> None:
    """One thread for every pool that is loaded (BLAS, OpenMP) and for PyTorch if it is imported."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def _sync(result) -> None:
    if hasattr(result, "block_until_ready"):
        result.block_until_ready()


def matmul_peak(dtype: str = "float64", n: int = 512, repeats: int = 7) -> float:
    """The machine's one-thread matrix-product rate in GFLOP/s: best of ``repeats`` n×n products."""
    import numpy as np
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(n, n)).astype(dtype), rng.normal(size=(n, n)).astype(dtype)
    C = np.empty((n, n), dtype)
    np.matmul(A, B, out=C)
    best = min(_timed(lambda: np.matmul(A, B, out=C), 3)[1] for _ in range(repeats))  # CPU time
    return 2 * n**3 / best / 1e9


def _timed(step: Callable[[], object], steps: int) -> tuple[float, float]:
    """Seconds per step: wall-clock and this process's CPU time. With one thread and a busy machine (other
    processes competing for the cores) CPU time leaves out the time the process waited for a core."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        result = step()
    _sync(result)
    return (time.perf_counter() - t0) / steps, (time.process_time() - c0) / steps


def measure(makers: dict[str, Maker], rounds: int, steps: int, baseline: str) -> dict[str, dict]:
    """Build every implementation, warm each up, then time them in rotating order; medians per step."""
    import numpy as np
    built, results = {}, {}
    for name, make in makers.items():
        try:
            t0 = time.perf_counter()
            step, extra = make()
            pin_threads()  # a library imported by make() brings its own pool
            for _ in range(3):
                _sync(step())
            built[name] = step
            results[name] = {"setup_s": time.perf_counter() - t0, **extra}
        except ImportError as exc:
            results[name] = {"skipped": f"not installed ({exc.name})"}
        except Exception as exc:  # noqa: BLE001 - a benchmark reports what failed and goes on
            results[name] = {"skipped": f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"}
    names = list(built)
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            times[name].append(_timed(built[name], steps))
    for name in names:
        wall, cpu = np.array(times[name]).T
        results[name]["step_ms"] = 1e3 * float(np.median(wall))
        results[name]["best_ms"] = 1e3 * float(wall.min())
        results[name]["cpu_ms"] = 1e3 * float(np.median(cpu))
        if baseline in times:
            results[name]["ratio"] = float(np.median(cpu / np.array(times[baseline])[:, 1]))
    return results


def environment() -> dict:
    """Library versions, BLAS and its threads, allocator variables, CPU and load."""
    from importlib.metadata import PackageNotFoundError, version

    from threadpoolctl import threadpool_info
    env = {"python": platform.python_version(), "machine": platform.processor() or platform.machine(),
           "cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2)}
    try:
        env["cpu"] = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                          if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    for package in ("numpy", "scipy", "sympy", "torch", "jax", "jaxlib", "threadpoolctl"):
        try:
            env[package] = version(package)
        except PackageNotFoundError:
            pass
    env["pools"] = [f"{p['internal_api']} {p.get('version') or ''} {p.get('architecture') or ''} "
                    f"threads={p['num_threads']}" for p in threadpool_info()]
    if "torch" in sys.modules:
        env["torch_threads"] = sys.modules["torch"].get_num_threads()
    env["allocator"] = {v: os.environ[v] for v in ALLOCATOR_VARIABLES if v in os.environ} or "glibc defaults"
    env["torch_imported_first"] = os.environ.get("SYMNET_BENCH_TORCH_FIRST") == "1"
    return env


def child(makers: dict[str, Maker], args, baseline: str, matmul_flops: float | None) -> None:
    """The measuring process: one JSON line with the environment, the peak and every implementation."""
    if args.mode in ("no-torch", "numpy-only"):
        makers = {k: v for k, v in makers.items() if not k.startswith("torch")}
    if args.mode == "numpy-only":  # importing JAX changes the allocator's behaviour just as PyTorch does
        makers = {k: v for k, v in makers.items() if "jax" not in k}
    pin_threads()
    results = measure(makers, args.rounds, args.steps, baseline)
    # the peak is measured after the timing: freeing its 2 MB matrices raises glibc's mmap threshold, which
    # would hide the allocator's effect on the implementations that allocate (see DESIGN.md)
    peak = {"float64": matmul_peak("float64"), "float32": matmul_peak("float32")}
    peak_after = {"float64": matmul_peak("float64"), "float32": matmul_peak("float32")}
    print(json.dumps({"environment": environment(), "peak_gflops": peak, "peak_gflops_after": peak_after,
                      "matmul_flops": matmul_flops, "results": results}))


def table(out: dict, baseline: str, compare: str | None) -> str:
    """A Markdown table of one measuring process's results."""
    peak = max(out["peak_gflops"]["float64"], out["peak_gflops_after"]["float64"])
    peak32 = max(out["peak_gflops"]["float32"], out["peak_gflops_after"]["float32"])
    flops = out["matmul_flops"]
    res = out["results"]
    ref = res.get(compare, {}).get("cpu_ms") if compare else None
    head = (f"| implementation | CPU time / step (ms) | wall / step (ms) | best wall (ms) | ratio to {baseline} "
            "(CPU, median of rounds) |")
    head += f" ratio to {compare} (CPU) |" if compare else ""
    head += " × flop limit (CPU) | notes |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, r in res.items():
        if "skipped" in r:
            dashes = "| – " * (5 if compare else 4)
            lines.append(f"| {name} {dashes}| – | {r['skipped']} |")
            continue
        p = peak32 if "f32" in name else peak
        limit = f"{r['cpu_ms'] / (1e3 * flops / (p * 1e9)):.2f}" if flops else "–"
        notes = ", ".join(f"{k.removesuffix('_s')} {v:.3f} s" for k, v in r.items() if k.endswith("_s"))
        row = (f"| {name} | {r['cpu_ms']:.3f} | {r['step_ms']:.3f} | {r['best_ms']:.3f} | "
               f"{r.get('ratio', float('nan')):.3f} |")
        if compare:
            row += f" {r['cpu_ms'] / ref:.3f} |" if ref else " – |"
        lines.append(row + f" {limit} | {notes} |")
    return "\n".join(lines)


def describe(out: dict) -> str:
    env = out["environment"]
    flops = out["matmul_flops"]
    peak = max(out["peak_gflops"]["float64"], out["peak_gflops_after"]["float64"])
    lines = [f"- environment: Python {env['python']}, " + ", ".join(
        f"{k} {env[k]}" for k in ("numpy", "scipy", "sympy", "torch", "jax") if k in env)
        + f"; {env.get('cpu', env['machine'])}, {env['cpus']} cores; load (1 min) {env['load_1min']}",
        f"- thread pools: {'; '.join(env['pools'])}" + (f"; torch threads {env['torch_threads']}"
                                                         if "torch_threads" in env else ""),
        f"- allocator: {env['allocator']}; torch imported first: {env['torch_imported_first']}",
        "- one-thread matmul peak (512×512, best CPU time of 7, measured twice after the steps): float64 "
        f"{out['peak_gflops']['float64']:.1f} / {out['peak_gflops_after']['float64']:.1f} GFLOP/s; "
        f"float32 {out['peak_gflops']['float32']:.1f} / {out['peak_gflops_after']['float32']:.1f}"]
    if flops:
        lines.append(f"- the step's matrix products: {flops / 1e6:.2f} MFLOP → flop limit "
                     f"{1e3 * flops / (peak * 1e9):.3f} ms at the float64 peak (× flop limit = CPU time / that)")
    return "\n".join(lines)


def run(script: str, description: str, makers: dict[str, Maker], baseline: str, compare: str | None = None,
        matmul_flops: float | None = None) -> None:
    """The command line of a step benchmark: the parent starts the measuring process twice (torch imported
    first, and no torch at all) and prints both tables; ``--json`` keeps the raw results."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--json", help="write the raw results of both processes here")
    args = parser.parse_args()
    if args.mode:
        child(makers, args, baseline, matmul_flops)
        return
    print(f"{description}. All implementations in one process, one thread, rounds of {args.steps} steps in "
          f"rotating order, medians of {args.rounds} rounds.\n")
    raw = {}
    modes = MODES if any("jax" in k for k in makers) else MODES[:2]
    for mode in modes:
        env = os.environ | {"SYMNET_BENCH_TORCH_FIRST": "1" if mode == "torch-first" else "0"}
        out = subprocess.run([sys.executable, script, "--mode", mode, "--rounds", str(args.rounds),
                              "--steps", str(args.steps)], capture_output=True, text=True, env=env)
        if out.returncode != 0:
            print(f"### {mode}: failed\n\n```\n{out.stderr.strip()[-2000:]}\n```\n")
            continue
        raw[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        title = {"torch-first": "`import torch` first", "no-torch": "PyTorch never imported",
                 "numpy-only": "neither PyTorch nor JAX imported"}[mode]
        against = compare if mode == "torch-first" else None
        print(f"### {title}\n\n{describe(raw[mode])}\n\n{table(raw[mode], baseline, against)}\n", flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(raw, fh, indent=1)


def import_torch_first() -> None:
    """Called at the top of a benchmark script: in the torch-first process, PyTorch loads before NumPy."""
    if os.environ.get("SYMNET_BENCH_TORCH_FIRST") == "1":
        import torch  # noqa: F401
