"""Forward and backward of one transformer encoder block: d_model 64, 4 heads, FFN 256, sequences of 32,
batch 16, float64, MSE against a target sequence. symnet's compiled program against hand-written NumPy
and PyTorch eager, measured as ``harness.py`` says (all in one process, one thread, rotating rounds; with and
without PyTorch).

The hand-written NumPy uses full W_Q, W_K, W_V, W_O and reshapes into heads, as one writes it; symnet's
per-head matrices are the column (row, for W_O) blocks of those. Each child checks, before timing, that its
gradients equal the hand-written ones.

symnet's step is the buffer-owning program (``f.program(copy=False)``: buffers made once, filled in place);
``symnet-plain`` is the plain generated ``loss_and_gradient``, which allocates every node on every call.

    python benchmarks/attention_step.py [--rounds 30] [--steps 20]
"""
from __future__ import annotations

import harness  # noqa: I001 - sets the thread variables before NumPy loads

harness.import_torch_first()

import time  # noqa: E402

import numpy as np  # noqa: E402

B, T, D, HEADS, FF, EPS = 16, 32, 64, 4, 256, 1e-5
DK = D // HEADS
#: matrix-product flops of forward + backward: forward F = 4 projections (2TD² each), scores and P V (2T²D
#: each over all heads), the FFN (2·2TD·FF); backward twice each product, less dX of the Q, K, V projections
_F = 8 * T * D * D + 4 * T * T * D + 4 * T * D * FF
FLOPS = B * (3 * _F - 6 * T * D * D)


def problem():
    rng = np.random.default_rng(0)
    p = {k: rng.normal(0, D**-0.5, (D, D)) for k in ("WQ", "WK", "WV", "WO")}
    p |= {"W1": rng.normal(0, D**-0.5, (D, FF)), "c1": np.zeros((1, FF)), "W2": rng.normal(0, FF**-0.5, (FF, D)),
          "c2": np.zeros((1, D)), "g1": np.ones((1, D)), "be1": np.zeros((1, D)), "g2": np.ones((1, D)),
          "be2": np.zeros((1, D))}
    return rng.normal(size=(B, T, D)), rng.normal(size=(B, T, D)), p


def _norm(R):
    mu = R.mean(-1, keepdims=True)
    C = R - mu
    sigma = np.sqrt((C * C).mean(-1, keepdims=True) + EPS)
    return C / sigma, sigma


def _norm_backward(G, N, sigma):
    return (G - G.mean(-1, keepdims=True) - N * (G * N).mean(-1, keepdims=True)) / sigma


def _heads(M):
    return M.reshape(B, T, HEADS, DK).transpose(0, 2, 1, 3)


def _merge(M):
    return M.transpose(0, 2, 1, 3).reshape(B, T, D)


def hand_step(X, Y, p):
    """Loss and gradients, forward and backward written out by hand."""
    Q, K, V = _heads(X @ p["WQ"]), _heads(X @ p["WK"]), _heads(X @ p["WV"])
    S = Q @ K.swapaxes(-1, -2) / np.sqrt(DK)
    E = np.exp(S - S.max(-1, keepdims=True))
    P = E / E.sum(-1, keepdims=True)
    O = _merge(P @ V)
    R1 = X + O @ p["WO"]
    N1, s1 = _norm(R1)
    A = N1 * p["g1"] + p["be1"]
    Fa = np.maximum(A @ p["W1"] + p["c1"], 0)
    R2 = A + Fa @ p["W2"] + p["c2"]
    N2, s2 = _norm(R2)
    Err = N2 * p["g2"] + p["be2"] - Y
    L = np.mean(np.sum(Err * Err, axis=(-2, -1))) / (T * D)
    dOut = Err * (2 / (B * T * D))
    g = {"g2": (dOut * N2).sum((0, 1))[None], "be2": dOut.sum((0, 1))[None]}
    dR2 = _norm_backward(dOut * p["g2"], N2, s2)
    g["W2"] = Fa.reshape(-1, FF).T @ dR2.reshape(-1, D)
    g["c2"] = dR2.sum((0, 1))[None]
    dZf = (dR2 @ p["W2"].T) * (Fa > 0)
    g["W1"] = A.reshape(-1, D).T @ dZf.reshape(-1, FF)
    g["c1"] = dZf.sum((0, 1))[None]
    dA = dR2 + dZf @ p["W1"].T
    g["g1"], g["be1"] = (dA * N1).sum((0, 1))[None], dA.sum((0, 1))[None]
    dR1 = _norm_backward(dA * p["g1"], N1, s1)
    g["WO"] = O.reshape(-1, D).T @ dR1.reshape(-1, D)
    dO = _heads(dR1 @ p["WO"].T)
    dP = dO @ V.swapaxes(-1, -2)
    dV = P.swapaxes(-1, -2) @ dO
    dS = P * (dP - (dP * P).sum(-1, keepdims=True)) / np.sqrt(DK)
    dQ, dK = dS @ K, dS.swapaxes(-1, -2) @ Q
    for name, dM in (("WQ", dQ), ("WK", dK), ("WV", dV)):
        g[name] = X.reshape(-1, D).T @ _merge(dM).reshape(-1, D)
    return L, g


def hand_numpy():
    X, Y, p = problem()
    return (lambda: hand_step(X, Y, p)), {}


def symnet_params(p):
    """The hand-written parameters as symnet's per-head blocks."""
    out = {}
    for i in range(HEADS):
        cols = slice(i * DK, (i + 1) * DK)
        for w in ("WQ", "WK", "WV"):
            out[f"{w}s{i + 1}"] = p[w][:, cols]
        out[f"WOs{i + 1}"] = p["WO"][cols, :]
    names = {"W1": "F1_W1", "c1": "F1_b1", "W2": "F1_W2", "c2": "F1_b2", "g1": "gamma1", "be1": "beta1",
             "g2": "gamma2", "be2": "beta2"}
    return out | {names[k]: p[k] for k in names}


def symnet_step(buffered: bool = True):
    import symnet
    from symnet.models.sequence_blocks import encoder_block
    t0, c0 = time.perf_counter(), time.process_time()
    g = encoder_block(d_model=D, heads=HEADS, d_ff=FF)
    t1 = time.perf_counter()
    grads = symnet.derive(g)
    t2 = time.perf_counter()
    f = symnet.compile_graph(g, grads)
    t3 = time.perf_counter()
    cpu = time.process_time() - c0
    X, Y, p = problem()
    params = symnet_params(p)
    L, ours = f.gradient_arrays(params, {"X": X, "Y": Y})
    L_hand, theirs = hand_step(X, Y, p)
    assert abs(L - L_hand) <= 1e-12 * abs(L_hand), (L, L_hand)
    for name, value in symnet_params(theirs).items():
        assert np.allclose(ours[name], value, rtol=1e-9, atol=1e-12), name
    arguments = [X, Y] + [np.ascontiguousarray(params[q.name]) for q in g.parameters]
    function = f.function("loss_and_gradient")
    if buffered:  # the program for this batch's sizes, called directly as a training loop would
        program = f.program(copy=False)
        function = program.program(arguments)[0]
        L_b, ours_b = function(*arguments)
        assert abs(L_b - L_hand) <= 1e-12 * abs(L_hand), (L_b, L_hand)
        for name, value in zip((q.name for q in g.parameters), ours_b):
            assert np.allclose(value, ours[name], rtol=1e-9, atol=1e-12), name
    return (lambda: function(*arguments)), {"build_s": t1 - t0, "derive_s": t2 - t1, "compile_s": t3 - t2,
                                            "pipeline_cpu_s": cpu}


def torch_step():
    import torch
    torch.set_num_threads(1)
    X, Y, p = problem()
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    t = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in p.items()}

    def norm(R, gain, bias):
        mu = R.mean(-1, keepdim=True)
        var = ((R - mu) ** 2).mean(-1, keepdim=True)
        return (R - mu) / torch.sqrt(var + EPS) * gain + bias

    def heads(M):
        return M.reshape(B, T, HEADS, DK).transpose(1, 2)

    def step():
        Q, K, V = heads(X @ t["WQ"]), heads(X @ t["WK"]), heads(X @ t["WV"])
        P = torch.softmax(Q @ K.mT / DK**0.5, dim=-1)
        O = (P @ V).transpose(1, 2).reshape(B, T, D)
        A = norm(X + O @ t["WO"], t["g1"], t["be1"])
        R2 = A + torch.relu(A @ t["W1"] + t["c1"]) @ t["W2"] + t["c2"]
        Err = norm(R2, t["g2"], t["be2"]) - Y
        L = (Err * Err).sum(dim=(-2, -1)).mean() / (T * D)
        for q in t.values():
            q.grad = None
        L.backward()
        return L

    L = step()
    L_hand, theirs = hand_step(*problem())
    assert abs(float(L.detach()) - L_hand) <= 1e-12 * abs(L_hand)
    assert all(np.allclose(t[k].grad.numpy(), v, rtol=1e-9, atol=1e-12) for k, v in theirs.items())
    return step, {}


MAKERS = {"numpy-hand": hand_numpy, "symnet": symnet_step, "symnet-plain": lambda: symnet_step(buffered=False),
          "torch-f64": torch_step}

if __name__ == "__main__":
    harness.run(__file__, f"Encoder block forward + backward, d_model {D}, {HEADS} heads, FFN {FF}, sequence {T}, "
                          f"batch {B}, float64", MAKERS, "numpy-hand", compare="torch-f64", matmul_flops=FLOPS)
