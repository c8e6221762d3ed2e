"""Resolve a MODEL argument: a built-in block name with options, or ``path/to/file.py:function``.

A model file is Python the user chose to run, like a pytest conftest: it is imported and the named
function is called with no arguments; it must return a :class:`symnet.Graph`.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Callable, Mapping

import sympy as sp

from ..algebra.graph import Graph
from ..errors import SymnetError
from . import sequence_blocks as sequence
from .scalar_blocks import dense, linear_regression, mlp, neuron, quadratic

#: Built-in models and the options each accepts.
BUILTINS: Mapping[str, tuple[Callable[..., Graph], tuple[str, ...]]] = {
    "neuron": (neuron, ("inputs", "activation", "loss", "l1", "l2", "penalize", "alpha", "level")),
    "linear-regression": (linear_regression, ("l1", "l2", "level")),
    "dense": (dense, ("sizes", "activation", "loss", "l1", "l2", "penalize", "alpha", "level")),
    "mlp": (mlp, ("sizes", "activation", "output_activation", "loss", "l1", "l2", "penalize", "alpha", "level")),
    "quadratic": (quadratic, ()),
    "attention": (sequence.attention, ("d_model", "d_k", "causal")),
    "multi-head-attention": (sequence.multi_head_attention, ("d_model", "heads", "causal")),
    "layer-norm": (sequence.layer_norm_block, ("d_model",)),
    "residual": (sequence.residual_block, ("d_model", "d_ff")),
    "encoder": (sequence.encoder_block, ("d_model", "heads", "d_ff")),
    "decoder": (sequence.decoder_block, ("d_model", "heads", "d_ff")),
    "embedding": (sequence.embedding, ("vocabulary", "d_model", "positions")),
    "conv1d": (sequence.conv1d, ("d", "filters", "width", "classes")),
    "rnn": (sequence.rnn, ("inputs", "hidden", "outputs", "steps")),
}

#: Sequence models are built at matrix level; --level scalar writes them out entry by entry for --set rows=N.
SEQUENCE_MODELS = frozenset({"attention", "multi-head-attention", "layer-norm", "residual", "encoder", "decoder",
                             "embedding", "conv1d", "rnn"})


def parse_settings(items) -> dict[str, object]:
    """``--set key=value`` pairs: whole numbers, numbers, or true/false.

    >>> parse_settings(["heads=2", "causal=true"])
    {'heads': 2, 'causal': True}
    """
    out: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key, text = key.strip().replace("-", "_"), text.strip()
        if not sep or not key.isidentifier():
            raise SymnetError(f"--set {item!r}: expected KEY=VALUE")
        if text.lower() in ("true", "false"):
            out[key] = text.lower() == "true"
        elif re.fullmatch(r"[+-]?\d+", text):
            out[key] = int(text)
        else:
            try:
                out[key] = float(text)
            except ValueError:
                raise SymnetError(f"--set {item!r}: {text!r} is not a number or true/false") from None
    return out

_SIZES = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)+$")


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"2,3,1"`` -> ``(2, 3, 1)``, with a clear error for anything else.

    >>> parse_sizes("2, 3,1")
    (2, 3, 1)
    """
    if not _SIZES.match(text):
        raise SymnetError(f"malformed --sizes {text!r}: expected comma-separated whole numbers such as 2,3,1")
    sizes = tuple(int(s) for s in text.split(","))
    if any(s < 1 for s in sizes):
        raise SymnetError(f"malformed --sizes {text!r}: every layer needs at least one unit")
    return sizes


#: Scalar-level graphs have a symbol per weight; past this many the derivation takes minutes and the output is
#: unreadable, so the CLI asks for --level matrix (or --force).
SCALAR_LIMIT = 2000


def scalar_size(model: str, given: Mapping[str, object]) -> int:
    """An estimate of a scalar-level model's parameter count, before building it."""
    if model in ("mlp", "dense") and "sizes" in given:
        sizes = parse_sizes(str(given["sizes"]))
        return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if model == "neuron":
        return int(given.get("inputs", 2)) + 1
    return 0


def _check_scalar_size(model: str, count: int, force: bool) -> None:
    if count > SCALAR_LIMIT and not force:
        raise SymnetError(f"{model} at scalar level has about {count:,} scalar parameters (limit {SCALAR_LIMIT:,}): "
                          "use --level matrix, or --force to go on")


def build_model(model: str, options: Mapping[str, object], force: bool = False) -> Graph:
    """The graph for a CLI MODEL argument; ``options`` holds the CLI's block options (``None`` = not given).
    A scalar-level model past :data:`SCALAR_LIMIT` parameters is refused unless ``force``."""
    given = {k: v for k, v in options.items() if v is not None}
    given |= parse_settings(given.pop("settings", ()))
    rows = given.pop("rows", 2)
    if given.get("level", "scalar") == "scalar":
        _check_scalar_size(model, scalar_size(model, given), force)
    if model in SEQUENCE_MODELS:
        level = given.pop("level", "matrix")
        build, accepted = BUILTINS[model]
        extra = sorted(set(given) - set(accepted))
        if extra:
            raise SymnetError(f"model {model!r} takes no option {extra[0]!r} (it takes {', '.join(accepted)})")
        graph = build(**given)
        if level == "scalar":
            from ..checking.scalarize import scalarize
            if not isinstance(rows, int) or not 1 <= rows <= 6:
                raise SymnetError(f"--set rows takes 1 to 6 positions at scalar level, got {rows!r}")
            entries = sum(int(sp.prod(p.shape)) for p in graph.parameters)
            _check_scalar_size(model, entries, force)
            return scalarize(graph, rows=rows)
        return graph
    if model in BUILTINS:
        build, accepted = BUILTINS[model]
        extra = sorted(set(given) - set(accepted))
        if extra:
            flag = "--" + extra[0].replace("_", "-")
            raise SymnetError(f"option {flag} does not apply to model {model!r} (it takes "
                              f"{', '.join('--' + a.replace('_', '-') for a in accepted)})")
        if "sizes" in given:
            sizes = parse_sizes(str(given["sizes"]))
            if model == "dense":
                if len(sizes) != 2:
                    raise SymnetError(f"a dense layer takes --sizes IN,OUT, got {given['sizes']!r}")
                given.pop("sizes")
                given["inputs"], given["outputs"] = sizes
            else:
                given["sizes"] = sizes
        elif model == "mlp":
            raise SymnetError("model 'mlp' needs --sizes, for example --sizes 2,3,1")
        return build(**given)
    if ":" in model and model.rsplit(":", 1)[0].endswith(".py"):
        if given:
            flag = "--" + sorted(given)[0].replace("_", "-")
            raise SymnetError(f"option {flag} applies to built-in models only; {model} builds its own graph")
        return load_model_file(model)
    raise SymnetError(f"unknown model {model!r}; choose one of {', '.join(BUILTINS)} or give path/to/file.py:function")


def load_model_file(spec: str) -> Graph:
    """Import ``path.py`` and call ``function()`` from a ``path.py:function`` spec."""
    path_text, _, function = spec.rpartition(":")
    path = Path(path_text)
    if not path.is_file():
        raise SymnetError(f"{path_text}: no such model file")
    if not function.isidentifier():
        raise SymnetError(f"{spec}: {function!r} is not a function name")
    module_name = f"symnet_model_{abs(hash(str(path.resolve())))}"
    try:
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        loader_spec.loader.exec_module(module)
        if not hasattr(module, function):
            raise SymnetError(f"{path_text}: defines no function {function!r}")
        result = getattr(module, function)()
    except SymnetError:
        raise
    except Exception as exc:  # the user's own code failed: one line, with where
        raise SymnetError(f"{spec}: {type(exc).__name__}: {exc}") from None
    if not isinstance(result, Graph):
        raise SymnetError(f"{spec} returned {type(result).__name__}, not a symnet Graph")
    return result
