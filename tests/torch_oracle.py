"""Every built-in model written again in PyTorch float64, by hand from the textbook formulas: the oracle the
closed-form gradients are compared with. Nothing here imports symnet's derivation, rules or generated code;
parameters and inputs travel as NumPy arrays by name.

``python -m tests.torch_oracle`` prints the worst relative error of every case (the figure in
benchmarks/RESULTS.md).
"""
from __future__ import annotations

import math
import re

import numpy as np


def _torch():
    import torch
    return torch


# -- the pieces -------------------------------------------------------------------------------------------

def cross_entropy(Z, Y):
    """Σ_rows Σ_j y_j (logsumexp(z) − z_j): the one cross-entropy, for any targets (rows need not sum to 1)."""
    torch = _torch()
    lse = torch.logsumexp(Z, dim=-1, keepdim=True)
    return (Y * (lse - Z)).sum(dim=(-2, -1))


def activation(name: str, Z, alpha: float = 0.01):
    torch = _torch()
    F = torch.nn.functional
    table = {
        "identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
        "leaky_relu": lambda z: F.leaky_relu(z, alpha), "gelu": lambda z: F.gelu(z),
        "softmax": lambda z: torch.softmax(z, dim=-1), "silu": F.silu, "elu": lambda z: F.elu(z, 1.0),
        "softplus": F.softplus, "mish": F.mish,
    }
    return table[name](Z)


def mlp_loss(t: dict, X, Y, sizes, act: str, loss: str, output: str | None, l1: float, l2: float,
             penalize: str = "weights", alpha: float = 0.01):
    """The batch-mean loss of an MLP whose layer k has ``W{k}`` (d×h) and ``b{k}`` (1×h); X is n×d."""
    torch = _torch()
    output = output or {"mse": "identity", "mae": "identity", "bce": "sigmoid", "cross_entropy": "softmax"}[loss]
    A = X
    depth = len(sizes) - 1
    for k in range(1, depth + 1):
        Z = A @ t[f"W{k}"] + t[f"b{k}"]
        A = activation(act if k < depth else output, Z, alpha)
    n, m = X.shape[0], sizes[-1]
    if loss == "mse":
        data = ((A - Y) ** 2).sum() / (n * m)
    elif loss == "mae":
        data = (A - Y).abs().sum() / (n * m)
    elif loss == "bce":  # −[y log σ(z) + (1 − y) log(1 − σ(z))]
        data = -(Y * torch.log(torch.sigmoid(Z)) + (1 - Y) * torch.log(1 - torch.sigmoid(Z))).sum() / (n * m)
    else:
        data = cross_entropy(Z, Y) / n
    chosen = [k for k in t if (k[0] in "Ww" if penalize == "weights" else True)]
    return data + l1 * sum(t[k].abs().sum() for k in chosen) + l2 * sum((t[k] ** 2).sum() for k in chosen)


def head(t, Xq, Xkv, d_k: int, tag: str, causal: bool):
    torch = _torch()
    Q, K, V = Xq @ t[f"WQ{tag}"], Xkv @ t[f"WK{tag}"], Xkv @ t[f"WV{tag}"]
    S = Q @ K.mT / math.sqrt(d_k)
    if causal:
        n = S.shape[-1]
        S = S.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), float("-inf"))
    return torch.softmax(S, dim=-1) @ V


def multi(t, Xq, Xkv, d: int, heads: int, prefix: str = "", causal: bool = False):
    out = 0
    for i in range(1, heads + 1):
        tag = f"{prefix}{i}" if heads > 1 or prefix else ""
        out = out + head(t, Xq, Xkv, d // heads, tag, causal) @ t[f"WO{tag}"]
    return out


def norm(t, R, tag: str, eps: float = 1e-5):
    mu = R.mean(-1, keepdim=True)
    var = ((R - mu) ** 2).mean(-1, keepdim=True)
    return (R - mu) / (var + eps).sqrt() * t[f"gamma{tag}"] + t[f"beta{tag}"]


def feed_forward(t, X, tag: str):
    torch = _torch()
    return torch.relu(X @ t[f"F{tag}_W1"] + t[f"F{tag}_b1"]) @ t[f"F{tag}_W2"] + t[f"F{tag}_b2"]


def positions(n: int, d: int):
    torch = _torch()
    p = torch.arange(n, dtype=torch.float64)[:, None]
    i = torch.arange(d)[None, :]
    angle = p / torch.pow(torch.tensor(10000.0, dtype=torch.float64), (2 * (i // 2)).double() / d)
    return torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle))


def regression(out, Y):
    """‖out − Y‖²_F / (n d) per sequence, averaged over a leading batch axis if there is one."""
    n, d = out.shape[-2:]
    return (((out - Y) ** 2).sum(dim=(-2, -1)) / (n * d)).mean()


def sequence_loss(name: str, options: dict, t: dict, data: dict):
    """The batch-mean loss of a sequence block (inputs may be one n×d sequence or B×n×d)."""
    torch = _torch()
    X = data.get("X")
    if name == "attention":
        d = X.shape[-1]
        return regression(head(t, X, X, options.get("d_k") or d, "", options.get("causal", False)), data["Y"])
    if name == "multi-head":
        return regression(multi(t, X, X, X.shape[-1], options["heads"], causal=options.get("causal", False)),
                          data["Y"])
    if name == "layer-norm":
        return regression(norm(t, X, "1"), data["Y"])
    if name == "residual":
        return regression(X + feed_forward(t, X, "1"), data["Y"])
    if name == "encoder":
        d, h = X.shape[-1], options["heads"]
        A = norm(t, X + multi(t, X, X, d, h, "s"), "1")
        return regression(norm(t, A + feed_forward(t, A, "1"), "2"), data["Y"])
    if name == "decoder":
        d, h, M = X.shape[-1], options["heads"], data["M"]
        A = norm(t, X + multi(t, X, X, d, h, "s", causal=True), "1")
        B2 = norm(t, A + multi(t, A, M, d, h, "c"), "2")
        return regression(norm(t, B2 + feed_forward(t, B2, "1"), "3"), data["Y"])
    if name == "embedding":
        Z = X @ t["Emb"]
        if options.get("positions", True):
            Z = Z + positions(X.shape[-2], t["Emb"].shape[1])
        return regression(Z, data["Y"])
    if name == "conv1d":
        k = options["width"]
        n = X.shape[-2]
        U = torch.cat([X[..., j:n - k + 1 + j, :] for j in range(k)], dim=-1)
        C = torch.relu(U @ t["Wc"] + t["bc"])
        Z = C.max(dim=-2, keepdim=True).values @ t["W"] + t["b"]
        return cross_entropy(Z, data["Y"]).mean()
    if name == "rnn":
        T = options["steps"]
        h, total = None, 0
        for s in range(1, T + 1):
            z = data[f"X{s}"] @ t["Wx"] + t["b"] + (0 if h is None else h @ t["Wh"])
            h = torch.tanh(z)
            total = total + cross_entropy(h @ t["U"] + t["b2"], data[f"Y{s}"])
        return (total / T).mean()
    raise KeyError(name)


def gradients(loss_fn, params: dict[str, np.ndarray], data: dict[str, np.ndarray]):
    """(loss, {name: ∂L/∂name}) by PyTorch autograd in float64."""
    torch = _torch()
    t = {k: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64, requires_grad=True)
         for k, v in params.items()}
    x = {k: torch.tensor(np.asarray(v, dtype=float), dtype=torch.float64) for k, v in data.items()}
    L = loss_fn(t, x)
    L.backward()
    # a parameter the loss does not use (W_h of a one-step RNN) has gradient zero
    return float(L.detach()), {k: np.zeros(v.shape) if v.grad is None else v.grad.numpy().copy()
                               for k, v in t.items()}


def relative_error(ours: dict, theirs: dict) -> float:
    """The gradient's relative error in the max norm: max |ours − theirs| over every entry of every parameter,
    over the largest |theirs| entry (a parameter whose own gradient is round-off, such as the attention weights
    under a two-wide layer norm, is judged against the gradient's scale, not its own)."""
    diff = max(float(np.max(np.abs(np.asarray(ours[k], dtype=float) - v))) for k, v in theirs.items())
    scale = max(float(np.max(np.abs(v))) for v in theirs.values())
    return diff / max(scale, 1e-300)


# -- scalar level <-> matrices ----------------------------------------------------------------------------

_ENTRY = re.compile(r"^(?P<base>[A-Za-z]+\d*)_(?P<i>\d+)_(?P<j>\d+)$")


def scalar_to_matrices(values: dict[str, float]) -> dict[str, np.ndarray]:
    """``{W1_2_3: v}`` -> ``{W1: matrix}`` (bias ``b1_3`` -> row ``b1``; neuron ``w_2``/``b`` -> ``W1``/``b1``)."""
    grids: dict[str, dict] = {}
    for name, v in values.items():
        m = _ENTRY.match(name)
        if m:
            base, i, j = m["base"], int(m["i"]) - 1, int(m["j"]) - 1
        elif re.fullmatch(r"b\d+_\d+", name):
            base, rest = name.split("_")
            i, j = 0, int(rest) - 1
        elif re.fullmatch(r"w_\d+", name):
            base, i, j = "W1", int(name[2:]) - 1, 0
        elif name in ("b", "w"):
            base, i, j = ("b1" if name == "b" else "W1"), 0, 0
        else:
            raise KeyError(name)
        grids.setdefault(base, {})[(i, j)] = v
    out = {}
    for base, cells in grids.items():
        r, c = max(i for i, _ in cells) + 1, max(j for _, j in cells) + 1
        M = np.zeros((r, c) + np.shape(next(iter(cells.values()))))
        for (i, j), v in cells.items():
            M[i, j] = v
        out[base] = M
    return out


def matrices_to_scalar(grads: dict[str, np.ndarray], names) -> dict[str, float]:
    """The inverse of :func:`scalar_to_matrices` for the given scalar names."""
    out = {}
    for name in names:
        m = _ENTRY.match(name)
        if m:
            out[name] = grads[m["base"]][int(m["i"]) - 1, int(m["j"]) - 1]
        elif re.fullmatch(r"b\d+_\d+", name):
            base, rest = name.split("_")
            out[name] = grads[base][0, int(rest) - 1]
        elif re.fullmatch(r"w_\d+", name):
            out[name] = grads["W1"][int(name[2:]) - 1, 0]
        else:
            out[name] = grads["b1" if name == "b" else "W1"][0, 0]
    return out


if __name__ == "__main__":  # pragma: no cover - the figure for benchmarks/RESULTS.md
    from tests.test_torch_oracle import worst_errors
    rows = worst_errors()
    width = max(len(k) for k in rows)
    for k, v in rows.items():
        print(f"{k:<{width}}  {v:.2e}")
    print(f"{'worst':<{width}}  {max(rows.values()):.2e} over {len(rows)} cases")
