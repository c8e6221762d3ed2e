"""Loss curves as images, with matplotlib (an optional extra: ``pip install 'symnet[plot]'``)."""
from __future__ import annotations

from pathlib import Path

from ..errors import SymnetError


def plot_history(history: tuple[float, ...] | list[float], path: str | Path, title: str = "") -> None:
    """Save the loss curve as an image (matplotlib, an optional extra)."""
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(1, len(history) + 1), history)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    if min(history) > 0 and max(history) / min(history) > 100:
        ax.set_yscale("log")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def require_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SymnetError("--plot needs matplotlib: pip install 'symnet[plot]'") from None
    return plt
