"""Scale curves: step time against batch and width (the MLP of train_step.py) and against sequence length (the
encoder block of attention_step.py), symnet next to hand-written NumPy and PyTorch eager; and build + derive +
compile time against the number of parameters, at matrix level (to 10⁵) and scalar level (to 10⁴).

Everything runs in one process with ``import torch`` first and one thread (``harness.py``); each point times
the implementations in rotating rounds (fewer steps at large sizes). Writes Markdown tables to stdout, the raw
numbers to ``--json`` and a plot to ``benchmarks/plots/scale_curves.png`` when matplotlib is installed.

    python benchmarks/scale_curves.py [--rounds 5] [--quick]
"""
from __future__ import annotations

import harness  # noqa: I001 - sets the thread variables before NumPy loads

import os  # noqa: E402

os.environ["SYMNET_BENCH_TORCH_FIRST"] = "1"
harness.import_torch_first()

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import attention_step  # noqa: E402
import train_step  # noqa: E402

BATCHES = (32, 64, 128, 256, 512, 1024, 2048, 4096)
WIDTHS = (64, 128, 256, 512, 1024)
LENGTHS = (16, 32, 64, 128, 256, 512)
SEQUENCE_BATCH = 4  # sequences per step in the length sweep (16 × 512² scores per head would not fit the budget)


def point(makers: dict, rounds: int, budget: float = 0.05) -> dict[str, float]:
    """Median CPU milliseconds per step of each maker (``harness._timed``), rounds in rotating order, about
    ``budget`` seconds a round each."""
    built = {}
    for name, make in makers.items():
        step, _ = make()
        harness.pin_threads()
        t0 = time.perf_counter()
        step()
        built[name] = (step, max(1, int(budget / max(time.perf_counter() - t0, 1e-6))))
    times: dict[str, list[float]] = {n: [] for n in built}
    names = list(built)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            step, steps = built[name]
            times[name].append(harness._timed(step, steps)[1])
    return {n: 1e3 * float(np.median(t)) for n, t in times.items()}


def mlp_makers(**sizes) -> dict:
    return {"numpy-hand": lambda: train_step.hand_numpy(**sizes),
            "symnet": lambda: train_step.symnet_step(**sizes),
            "torch-f64": lambda: train_step.torch_step("f64", **sizes),
            "symnet-f32": lambda: train_step.symnet_step("float32", **sizes),
            "torch-f32": lambda: train_step.torch_step("f32", **sizes)}


def encoder_makers(length: int) -> dict:
    attention_step.T, attention_step.B = length, SEQUENCE_BATCH  # the makers read the module's sizes
    return {"numpy-hand": attention_step.hand_numpy, "symnet": attention_step.symnet_step,
            "torch-f64": attention_step.torch_step}


def derive_times(sizes: tuple[int, ...], level: str) -> dict:
    import symnet
    t0 = time.perf_counter()
    g = symnet.mlp(sizes, activation="tanh", loss="mse", level=level)
    t1 = time.perf_counter()
    grads = symnet.derive(g)
    t2 = time.perf_counter()
    f = symnet.compile_graph(g, grads)
    t3 = time.perf_counter()
    return {"sizes": "→".join(map(str, sizes)), "parameters": f.size, "build_s": t1 - t0, "derive_s": t2 - t1,
            "compile_s": t3 - t2, "total_s": t3 - t0}


MATRIX_SIZES = [(4, 8, 2), (16, 32, 4), (64, 128, 10), (128, 256, 128, 10), (256, 256, 128, 10), (64,) * 8 + (10,)]
SCALAR_SIZES = [(2, 3, 1), (4, 8, 2), (8, 16, 4), (16, 32, 8), (32, 64, 10), (64, 128, 10)]


def table(title: str, key: str, rows: list[dict], names: list[str]) -> str:
    head = f"| {key} | " + " | ".join(f"{n} (CPU ms)" for n in names) + " | symnet / torch-f64 | symnet / numpy-hand |"
    lines = [f"#### {title}", "", head, "|" + "---|" * (len(names) + 3)]
    for r in rows:
        t = r["ms"]
        lines.append(f"| {r[key]} | " + " | ".join(f"{t[n]:.3f}" for n in names)
                     + f" | {t['symnet'] / t['torch-f64']:.2f} | {t['symnet'] / t['numpy-hand']:.2f} |")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    for ax, (key, label, rows) in zip(axes, [("batch", "batch (MLP 64→128→10)", results["batch"]),
                                             ("width", "hidden width (MLP, batch 256)", results["width"]),
                                             ("length", f"sequence length (encoder, batch {SEQUENCE_BATCH})",
                                              results["length"])]):
        for name in rows[0]["ms"]:
            ax.loglog([r[key] for r in rows], [r["ms"][name] for r in rows], "o-", label=name, ms=3)
        ax.set_xticks([r[key] for r in rows], [str(r[key]) for r in rows], fontsize=7)
        ax.minorticks_off()
        ax.set_xlabel(label)
        ax.set_ylabel("CPU ms per step")
        ax.legend(fontsize=7)
    ax = axes[3]
    for level in ("matrix", "scalar"):
        rows = sorted(results[f"derive_{level}"], key=lambda r: r["parameters"])
        ax.loglog([r["parameters"] for r in rows], [r["total_s"] for r in rows], "o-", label=f"{level} level", ms=3)
    ax.set_xlabel("parameters")
    ax.set_ylabel("build + derive + compile (s)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a few sizes only (a smoke run)")
    parser.add_argument("--json", help="write the raw numbers here")
    parser.add_argument("--plot", default=str(Path(__file__).parent / "plots" / "scale_curves.png"))
    parser.add_argument("--replot", metavar="JSON", help="only draw the plot from a --json file of an earlier run")
    args = parser.parse_args()
    if args.replot:
        plot(json.loads(Path(args.replot).read_text()), Path(args.plot))
        return
    harness.pin_threads()
    pick = (lambda xs: xs[:2]) if args.quick else (lambda xs: xs)
    env = harness.environment()
    results: dict = {"environment": env, "peak_gflops": harness.matmul_peak("float64")}
    results["batch"] = [{"batch": n, "ms": point(mlp_makers(n=n), args.rounds)} for n in pick(BATCHES)]
    results["width"] = [{"width": h, "ms": point(mlp_makers(h=h), args.rounds)} for h in pick(WIDTHS)]
    results["length"] = [{"length": t, "ms": point(encoder_makers(t), args.rounds, budget=0.1)}
                         for t in pick(LENGTHS)]
    results["derive_matrix"] = [derive_times(s, "matrix") for s in pick(MATRIX_SIZES)]
    results["derive_scalar"] = [derive_times(s, "scalar") for s in pick(SCALAR_SIZES)]
    results["load_after"] = round(os.getloadavg()[0], 2)
    print(f"environment: {json.dumps(env)}; float64 peak {results['peak_gflops']:.1f} GFLOP/s; "
          f"load after {results['load_after']}\n")
    mlp = list(results["batch"][0]["ms"])
    print(table("MLP 64→H→10 (H = 128), tanh, MSE, SGD step, against batch", "batch", results["batch"], mlp), "\n")
    print(table("MLP 64→H→10, batch 256, against hidden width H", "width", results["width"], mlp), "\n")
    print(table(f"Encoder block (d_model 64, 4 heads, FFN 256), batch {SEQUENCE_BATCH}, against sequence length",
                "length", results["length"], list(results["length"][0]["ms"])), "\n")
    for level in ("matrix", "scalar"):
        print(f"#### build + derive + compile, {level} level\n\n| MLP | parameters | build (s) | derive (s) | "
              "compile (s) | total (s) |\n|---|---|---|---|---|---|")
        for r in results[f"derive_{level}"]:
            print(f"| {r['sizes']} | {r['parameters']} | {r['build_s']:.3f} | {r['derive_s']:.3f} | "
                  f"{r['compile_s']:.3f} | {r['total_s']:.3f} |")
        print()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if plot(results, Path(args.plot)):
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
