"""How symnet's reverse-mode program scales, beside naive ``sympy.diff`` of the substituted loss.

For tanh and sigmoid MLPs of width w ∈ {2, 4, 8} and depth D ∈ {1..5} (D dense layers w→w, MSE), and for
64→128→10, prints:

- ops(forward + gradient program) / ops(forward), counted with ``sympy.count_ops``;
- symnet's graph build, derive and compile times;
- naive: ``sympy.diff`` of the fully substituted loss for every parameter, its op count relative to the
  forward program (without and with ``sympy.cse``) and its time, each run in a child process killed at the
  cap (``--cap`` seconds; once a width hits the cap, deeper nets of that width are not tried).

Timings are wall-clock on this machine, one process; ratios are what to compare across machines.

    python benchmarks/derive_scaling.py [--cap 20] [--quick]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import sympy as sp

import symnet
from symnet.algebra.functions import elementary
from symnet.codegen.compile import compile_graph


def ops(exprs) -> int:
    return sum(sp.count_ops(e) for e in exprs)


def naive(sizes, activation, queue) -> None:
    g = symnet.mlp(sizes, activation=activation, loss="mse")
    t = time.perf_counter()
    L = elementary(g.substituted_loss())
    grads = [sp.diff(L, p) for p in g.parameters]
    elapsed = time.perf_counter() - t
    replacements, reduced = sp.cse([L] + grads)
    queue.put((ops(grads), ops([e for _, e in replacements]) + ops(reduced), elapsed))


def run_naive(sizes, activation, cap: float):
    queue: mp.Queue = mp.Queue()
    child = mp.Process(target=naive, args=(sizes, activation, queue))
    child.start()
    child.join(cap)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return queue.get() if not queue.empty() else None


def measure(sizes, activation):
    t0 = time.perf_counter()
    g = symnet.mlp(sizes, activation=activation, loss="mse")
    t1 = time.perf_counter()
    grads = symnet.derive(g)
    t2 = time.perf_counter()
    compile_graph(g, grads)
    t3 = time.perf_counter()
    forward = ops(a.expression for a in g.assignments)
    ratio = (forward + grads.operation_count) / forward
    return g, forward, ratio, t1 - t0, t2 - t1, t3 - t2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=20.0, help="seconds allowed for each naive sympy.diff run")
    parser.add_argument("--quick", action="store_true", help="widths 2 and 4, depths 1-3, no 64-128-10")
    args = parser.parse_args()
    widths, depths = ((2, 4), (1, 2, 3)) if args.quick else ((2, 4, 8), (1, 2, 3, 4, 5))
    print("| activation | net | params | fwd ops | (fwd+grad)/fwd | build s | derive s | compile s "
          "| naive grad/fwd | naive+cse/fwd | naive s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for activation in ("tanh", "sigmoid"):
        for w in widths:
            capped = False
            for depth in depths:
                sizes = (w,) * (depth + 1)
                g, forward, ratio, tb, td, tc = measure(sizes, activation)
                worst = max(worst, ratio)
                result = None if capped else run_naive(sizes, activation, args.cap)
                if result is None:
                    capped = True
                    naive_cols = f"> {args.cap:.0f} s cap | – | > {args.cap:.0f}"
                else:
                    n_ops, n_cse, n_time = result
                    naive_cols = f"{n_ops / forward:.1f} | {n_cse / forward:.2f} | {n_time:.2f}"
                print(f"| {activation} | {w}×{depth} | {len(g.parameters)} | {forward} | {ratio:.2f} | {tb:.2f} | "
                      f"{td:.2f} | {tc:.2f} | {naive_cols} |", flush=True)
    if not args.quick:
        g, forward, ratio, tb, td, tc = measure((64, 128, 10), "tanh")
        worst = max(worst, ratio)
        print(f"| tanh | 64→128→10 | {len(g.parameters)} | {forward} | {ratio:.2f} | {tb:.2f} | {td:.2f} | "
              f"{tc:.2f} | not run | – | – |")
    print(f"\nworst (forward+gradient)/forward ratio: {worst:.2f}")


if __name__ == "__main__":
    main()
