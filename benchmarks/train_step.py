"""One SGD step of a 64→128(tanh)→10 MSE network, batch 256, float64: symnet against hand-written NumPy.

Measured as ``harness.py`` says: one process and one thread per implementation, rounds alternating with
hand-written NumPy, the median ratio. Implementations that are not installed (PyTorch, JAX, PyTensor) are
reported as skipped.

    python benchmarks/train_step.py [--rounds 30] [--steps 20]
"""
from __future__ import annotations

import time

import numpy as np
from harness import run

N, D, H, M, LR = 256, 64, 128, 10, 0.01


def problem(dtype=np.float64):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(N, D)).astype(dtype), rng.normal(size=(N, M)).astype(dtype)
    params = {"W1": rng.normal(0, D**-0.5, (D, H)), "b1": np.zeros((1, H)),
              "W2": rng.normal(0, H**-0.5, (H, M)), "b2": np.zeros((1, M))}
    return X, Y, {k: v.astype(dtype) for k, v in params.items()}


def hand_numpy():
    X, Y, p = problem()

    def step():
        A1 = np.tanh(X @ p["W1"] + p["b1"])
        E = A1 @ p["W2"] + p["b2"] - Y
        L = np.sum(E * E) / (N * M)
        dZ2 = E * (2.0 / (N * M))
        dA1 = dZ2 @ p["W2"].T
        dZ1 = dA1 * (1 - A1**2)
        p["W2"] -= LR * (A1.T @ dZ2)
        p["b2"] -= LR * dZ2.sum(axis=0, keepdims=True)
        p["W1"] -= LR * (X.T @ dZ1)
        p["b1"] -= LR * dZ1.sum(axis=0, keepdims=True)
        return L
    return step, {}


def symnet_step(backend="numpy"):
    import symnet
    t0 = time.perf_counter()
    g = symnet.mlp((D, H, M), activation="tanh", loss="mse", level="matrix")
    t1 = time.perf_counter()
    grads = symnet.derive(g)
    t2 = time.perf_counter()
    f = symnet.compile_graph(g, grads, backend=backend)
    t3 = time.perf_counter()
    X, Y, p = problem()
    loss_and_gradient = f.function("loss_and_gradient")

    def step():
        L, (dW1, db1, dW2, db2) = loss_and_gradient(X, Y, p["W1"], p["b1"], p["W2"], p["b2"])
        p["W1"] -= LR * dW1
        p["b1"] -= LR * db1
        p["W2"] -= LR * dW2
        p["b2"] -= LR * db2
        return L

    if backend == "jax":
        import jax

        @jax.jit
        def update(X, Y, W1, b1, W2, b2):
            L, grads = loss_and_gradient(X, Y, W1, b1, W2, b2)
            return L, tuple(w - LR * d for w, d in zip((W1, b1, W2, b2), grads))

        state = [p["W1"], p["b1"], p["W2"], p["b2"]]

        def jax_step():  # the JAX step keeps its arrays on the device, functionally
            L, state[:] = update(X, Y, *state)
            return L
        jax_step().block_until_ready()
        return jax_step, {"build_s": t1 - t0, "derive_s": t2 - t1, "compile_s": t3 - t2}
    return step, {"build_s": t1 - t0, "derive_s": t2 - t1, "compile_s": t3 - t2}


def torch_step(dtype_name):
    import torch
    torch.set_num_threads(1)
    dtype = {"f64": torch.float64, "f32": torch.float32}[dtype_name]
    X, Y, p = problem(np.float64 if dtype_name == "f64" else np.float32)
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    params = [torch.from_numpy(p[k]).to(dtype).requires_grad_() for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = params

    def step():
        E = torch.tanh(X @ W1 + b1) @ W2 + b2 - Y
        L = (E * E).sum() / (N * M)
        L.backward()
        with torch.no_grad():
            for q in params:
                q -= LR * q.grad
                q.grad = None
        return L
    return step, {}


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

    state = [tuple(jnp.asarray(p[k]) for k in ("W1", "b1", "W2", "b2"))]
    t0 = time.perf_counter()
    update(state[0], X, Y)[0].block_until_ready()
    compile_s = time.perf_counter() - t0

    def step():
        L, state[0] = update(state[0], X, Y)
        return L
    return step, {"compile_s": compile_s}


def pytensor_step():
    import pytensor
    import pytensor.tensor as pt
    X, Y, p = problem()
    # biases as vectors: a shared (1, h) matrix is not broadcastable over rows in PyTensor
    shared = [pytensor.shared(p[k] if k[0] == "W" else p[k].ravel(), name=k) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = shared
    x, y = pt.dmatrix("x"), pt.dmatrix("y")
    E = pt.tanh(x @ W1 + b1) @ W2 + b2 - y
    L = (E * E).sum() / (N * M)
    grads = pytensor.grad(L, shared)
    t0 = time.perf_counter()
    fn = pytensor.function([x, y], L, updates=[(q, q - LR * g) for q, g in zip(shared, grads)])
    compile_s = time.perf_counter() - t0
    return (lambda: fn(X, Y)), {"compile_s": compile_s}


MAKERS = {"numpy-hand": hand_numpy, "symnet": symnet_step, "symnet-jax": lambda: symnet_step("jax"),
          "torch-f64": lambda: torch_step("f64"), "torch-f32": lambda: torch_step("f32"),
          "jax-jit-f64": jax_step, "pytensor": pytensor_step}


if __name__ == "__main__":
    run(__file__, f"SGD step, {D}→{H}(tanh)→{M}, MSE, batch {N}, float64 unless noted", MAKERS, "numpy-hand")
