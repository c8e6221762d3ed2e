"""One SGD step of a 64→128(tanh)→10 MSE network, batch 256: symnet against hand-written NumPy, PyTorch and JAX.

Measured as ``harness.py`` says: every implementation in one process, one thread, rounds in rotating order,
absolute medians and ratios, the run repeated with ``import torch`` first and without PyTorch. Implementations
that are not installed are reported as skipped.

    python benchmarks/train_step.py [--rounds 30] [--steps 20] [--json out.json]
"""
from __future__ import annotations

import harness  # noqa: I001 - sets the thread variables before NumPy loads

harness.import_torch_first()

import time  # noqa: E402

import numpy as np  # noqa: E402

N, D, H, M, LR = 256, 64, 128, 10, 0.01
#: matrix-product flops of one step: X W1, A1 W2 forward; dZ2 W2ᵀ, A1ᵀ dZ2, Xᵀ dZ1 backward
FLOPS = 4 * N * D * H + 6 * N * H * M
NAMES = ("W1", "b1", "W2", "b2")


def problem(dtype=np.float64, n=N, d=D, h=H, m=M):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(n, d)), rng.normal(size=(n, m))
    params = {"W1": rng.normal(0, d**-0.5, (d, h)), "b1": np.zeros((1, h)),
              "W2": rng.normal(0, h**-0.5, (h, m)), "b2": np.zeros((1, m))}
    return X.astype(dtype), Y.astype(dtype), {k: v.astype(dtype) for k, v in params.items()}


def hand_numpy(dtype=np.float64, **sizes):
    """The step as one writes it in NumPy: every temporary a fresh array."""
    X, Y, p = problem(dtype, **sizes)
    n, m = Y.shape

    def step():
        A1 = np.tanh(X @ p["W1"] + p["b1"])
        E = A1 @ p["W2"] + p["b2"] - Y
        L = np.sum(E * E) / (n * m)
        dZ2 = E * (2.0 / (n * m))
        dA1 = dZ2 @ p["W2"].T
        dZ1 = dA1 * (1 - A1**2)
        p["W2"] -= LR * (A1.T @ dZ2)
        p["b2"] -= LR * dZ2.sum(axis=0, keepdims=True)
        p["W1"] -= LR * (X.T @ dZ1)
        p["b1"] -= LR * dZ1.sum(axis=0, keepdims=True)
        return L
    return step, {}


def symnet_step(dtype="float64", program=True, **sizes):
    """symnet's compiled matrix-level program: the buffer-owning one with its fused SGD step, or (``program=False``)
    the plain allocating ``loss_and_gradient`` with the update written in NumPy."""
    import symnet
    X, Y, p = problem(np.dtype(dtype), **sizes)
    t0, c0 = time.perf_counter(), time.process_time()
    g = symnet.mlp((X.shape[1], p["W1"].shape[1], Y.shape[1]), activation="tanh", loss="mse", level="matrix")
    t1 = time.perf_counter()
    grads = symnet.derive(g)
    t2 = time.perf_counter()
    f = symnet.compile_graph(g, grads, dtype=dtype)
    t3 = time.perf_counter()
    args = [X, Y, *(p[k] for k in NAMES)]
    # the pipeline's CPU time beside its wall-clock parts (on a busy machine the wall clock waits for a core)
    times = {"build_s": t1 - t0, "derive_s": t2 - t1, "compile_s": t3 - t2,
             "pipeline_cpu_s": time.process_time() - c0}
    if program:
        sgd = f.program(copy=False).program(args)[1]  # the generated sgd_step for this batch size
        return (lambda: sgd(*args, LR)), times
    loss_and_gradient = f.function("loss_and_gradient")

    def step():
        L, gradients = loss_and_gradient(*args)
        for k, d in zip(NAMES, gradients):
            p[k] -= LR * d
        return L
    return step, times


def symnet_jax():
    import jax
    import symnet
    jax.config.update("jax_enable_x64", True)
    g = symnet.mlp((D, H, M), activation="tanh", loss="mse", level="matrix")
    f = symnet.compile_graph(g, symnet.derive(g), backend="jax")
    X, Y, p = problem()
    loss_and_gradient = f.function("loss_and_gradient")

    @jax.jit
    def update(X, Y, *params):
        L, grads = loss_and_gradient(X, Y, *params)
        return L, tuple(w - LR * d for w, d in zip(params, grads))

    state = [p[k] for k in NAMES]
    t0 = time.perf_counter()
    update(X, Y, *state)[0].block_until_ready()
    compile_s = time.perf_counter() - t0

    def step():  # the JAX step keeps its arrays on the device, functionally
        L, state[:] = update(X, Y, *state)
        return L
    return step, {"jit_s": compile_s}


def torch_step(dtype_name="f64", compiled=False, **sizes):
    import torch
    torch.set_num_threads(1)
    dtype = {"f64": np.float64, "f32": np.float32}[dtype_name]
    X, Y, p = problem(dtype, **sizes)
    n, m = Y.shape
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    params = [torch.from_numpy(p[k]).requires_grad_() for k in NAMES]

    def loss(X, Y, W1, b1, W2, b2):
        E = torch.tanh(X @ W1 + b1) @ W2 + b2 - Y
        return (E * E).sum() / (n * m)

    forward = torch.compile(loss) if compiled else loss

    def step():
        L = forward(X, Y, *params)
        L.backward()
        with torch.no_grad():
            for q in params:
                q -= LR * q.grad
                q.grad = None
        return L
    t0 = time.perf_counter()
    step()
    return step, ({"compile_s": time.perf_counter() - t0} if compiled else {})


def jax_step():
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    X, Y, p = problem()

    def loss(params, X, Y):
        W1, b1, W2, b2 = params
        E = jnp.tanh(X @ W1 + b1) @ W2 + b2 - Y
        return jnp.sum(E * E) / (N * M)

    @jax.jit
    def update(params, X, Y):
        L, grads = jax.value_and_grad(loss)(params, X, Y)
        return L, tuple(w - LR * g for w, g in zip(params, grads))

    state = [tuple(jnp.asarray(p[k]) for k in NAMES)]
    t0 = time.perf_counter()
    update(state[0], X, Y)[0].block_until_ready()
    compile_s = time.perf_counter() - t0

    def step():
        L, state[0] = update(state[0], X, Y)
        return L
    return step, {"jit_s": compile_s}


MAKERS = {"numpy-hand": hand_numpy, "symnet": symnet_step,
          "symnet-plain": lambda: symnet_step(program=False),
          "symnet-f32": lambda: symnet_step("float32"), "numpy-hand-f32": lambda: hand_numpy(np.float32),
          "symnet-jax": symnet_jax,
          "torch-f64": torch_step, "torch-f32": lambda: torch_step("f32"),
          "torch-compile-f64": lambda: torch_step("f64", compiled=True),
          "jax-jit-f64": jax_step}


if __name__ == "__main__":
    harness.run(__file__, f"SGD step, {D}→{H}(tanh)→{M}, MSE, batch {N}, float64 unless the name says f32",
                MAKERS, "numpy-hand", compare="torch-f64", matmul_flops=FLOPS)
