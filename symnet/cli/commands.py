"""The ``symnet`` command: each subcommand parses options, calls the library, renders, returns its exit code.

User errors print one line ``symnet: error: …`` and exit 2; a failed gradient check exits 1.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Sequence

import click
import numpy as np

from ..algebra.derive import derive as derive_gradients
from ..algebra.matrix import RowSoftmax
from ..checking.gradients import METHODS, check_grads, draw_targets, random_point
from ..codegen.compile import compile_graph
from ..codegen.standalone import standalone_module
from ..errors import SymnetError
from ..models.common import ACTIVATIONS, LOSSES
from ..models.registry import BUILTINS, SEQUENCE_MODELS, build_model
from ..models.scalar_blocks import quadratic
from ..rendering.render import EXPANDED_LIMIT, FORMATS, expanded_size, render
from ..theory import THEORY_TOPICS, gradient_descent_closed_form, optimum_comparison, plot_saturation
from ..training.data import load_data
from ..training.loop import growth_warning
from ..training.loop import train as run_training
from ..training.optimizers import OPTIMIZERS
from ..training.plotting import plot_history, require_matplotlib
from ..training.saving import check_save_path, load_parameters, save_parameters
from ..training.sequence_tasks import sequence_setup
from .from_note import graph_from_note, is_note
from .options import NONNEGATIVE_FLOAT, NONNEGATIVE_INT, POSITIVE_FLOAT, POSITIVE_INT


def _model_options(f):
    options = [
        click.option("--sizes", help="layer sizes, inputs first: 2,3,1 (mlp; IN,OUT for dense)"),
        click.option("--inputs", type=POSITIVE_INT, help="number of inputs of a neuron"),
        click.option("--activation", type=click.Choice(list(ACTIVATIONS)), help="hidden (mlp) or unit activation"),
        click.option("--output-activation", type=click.Choice(list(ACTIVATIONS)), help="mlp output activation"),
        click.option("--loss", type=click.Choice(LOSSES), help="loss function"),
        click.option("--l1", type=NONNEGATIVE_FLOAT, help="L1 penalty λ Σ|w|"),
        click.option("--l2", type=NONNEGATIVE_FLOAT, help="L2 penalty λ Σw²"),
        click.option("--penalize", help="what the penalties cover: weights (default), all, or names like W1,b1"),
        click.option("--alpha", type=POSITIVE_FLOAT, help="leaky ReLU slope for x < 0"),
        click.option("--level", type=click.Choice(["scalar", "matrix"]),
                     help="scalar: every weight a symbol (default); matrix: X W + 1b, as on a whiteboard"),
        click.option("--d-model", type=POSITIVE_INT, help="model width of attention and transformer blocks"),
        click.option("--heads", type=POSITIVE_INT, help="attention heads (d_model must divide by it)"),
        click.option("--d-ff", type=POSITIVE_INT, help="hidden width of a transformer's feed-forward"),
        click.option("--causal/--no-causal", default=None, help="mask attention to later positions"),
        click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
                     help="other block options, e.g. --set hidden=4 --set steps=3 (rnn), --set rows=3"),
        click.option("--force", is_flag=True,
                     help="go on past the scalar-level size limit (and, for train, replace an existing --save file)"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


_MODEL_KEYS = ("sizes", "inputs", "activation", "output_activation", "loss", "l1", "l2", "penalize", "alpha", "level",
               "d_model", "heads", "d_ff", "causal", "settings")


def _graph(model: str, kwargs: dict):
    return build_model(model, {k: kwargs.pop(k) for k in _MODEL_KEYS}, force=kwargs.pop("force", False))


def _wrt(values: Sequence[str]) -> list[str] | None:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    return names or None


_backend_option = click.option("--backend", type=click.Choice(["numpy", "jax"]), default="numpy", show_default=True,
                               help="run the compiled program with NumPy, or with JAX (pip install 'symnet[jax]')")

_dtype_option = click.option("--dtype", type=click.Choice(["float64", "float32"]), default="float64",
                             show_default=True, help="the precision the compiled program computes in")

MODEL_HELP = (f"MODEL is one of {', '.join(BUILTINS)}, or path/to/file.py:function returning a graph. "
              f"derive also takes the theory topics {', '.join(THEORY_TOPICS)}.")


@click.group()
@click.version_option(package_name="symnet")
def cli() -> None:
    """Derive, compile and check the mathematics of neural networks."""


@cli.command(help=f"Print closed-form gradients of MODEL. {MODEL_HELP}")
@click.argument("model")
@_model_options
@click.option("--wrt", multiple=True, help="parameters or groups to differentiate for (W1, b2, w); default all")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="latex", show_default=True)
@click.option("--steps", is_flag=True, help="show the chain rule node by node, naming reused adjoints")
@click.option("--expanded/--no-expanded", default=None,
              help="also write gradients out in inputs and parameters (default: for small graphs)")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="for softmax-saturation: save the entropy and gradient plot (needs matplotlib)")
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False),
              help="write the result to this file instead of the terminal")
def derive(model: str, wrt, fmt: str, steps: bool, expanded, plot_path, output_path, **kwargs) -> int:
    if output_path and not Path(output_path).absolute().parent.is_dir():
        raise SymnetError(f"{output_path}: the folder does not exist")
    if model in THEORY_TOPICS:
        return _theory(model, fmt, plot_path, kwargs, output_path)
    if plot_path:
        raise SymnetError("--plot applies to the theory topic softmax-saturation")
    force = bool(kwargs.get("force"))
    if is_note(model):  # the loss a Markdown note defines, in the note's names
        given = [k for k, v in kwargs.items() if v not in (None, (), False)]
        if given:
            raise SymnetError(f"option --{given[0].replace('_', '-')} applies to built-in models, not to a note")
        g = graph_from_note(model, _wrt(wrt))
        grads = derive_gradients(g)
    else:
        g = _graph(model, kwargs)
        grads = derive_gradients(g, wrt=_wrt(wrt))
    if expanded and not force:
        size = expanded_size(grads)
        if size > EXPANDED_LIMIT:
            raise SymnetError(f"--expanded would write about {size:,} operations (limit {EXPANDED_LIMIT:,}): "
                              "leave it out to read the program form, or add --force")
    source = standalone_module(compile_graph(g, grads)) if fmt == "python" else None
    _emit(render(grads, fmt, steps=steps, expanded=expanded, source=source), output_path)
    return 0


def _emit(text: str, output_path: str | None) -> None:
    """Print ``text``, or write it to ``output_path`` (saying so on stderr)."""
    if not output_path:
        click.echo(text)
        return
    try:
        Path(output_path).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise SymnetError(f"{output_path}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"wrote {output_path}", err=True)


def _assignments(values: Sequence[str], what: str) -> dict[str, np.ndarray]:
    """``NAME=1,2,3`` (a vector) or ``NAME=1,0;0,2`` (a matrix, rows separated by ';')."""
    out = {}
    for item in values:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise SymnetError(f"--{what} {item!r}: expected NAME=VALUE")
        try:
            rows = [[float(t) for t in row.split(",")] for row in text.split(";")]
        except ValueError:
            raise SymnetError(f"--{what} {item!r}: {text!r} is not a number (or comma-separated numbers)") from None
        if len({len(r) for r in rows}) != 1:
            raise SymnetError(f"--{what} {item!r}: the rows have different lengths")
        out[name.strip()] = np.array(rows) if ";" in text else np.array(rows[0])
    return out


@cli.command("eval", help=f"Evaluate MODEL's loss and gradients at given or seeded values. {MODEL_HELP}")
@click.argument("model")
@_model_options
@click.option("--param", "param_values", multiple=True, help="NAME=VALUE for a parameter (others are seeded)")
@click.option("--input", "input_values", multiple=True, help="NAME=VALUE[,VALUE…] for an input (a batch if several)")
@click.option("--wrt", multiple=True, help="parameters or groups to report gradients for; default all")
@click.option("--load", "load_path", type=click.Path(dir_okay=False),
              help="parameters from a .npz file written by train --save (--param overrides single ones)")
@click.option("--seed", type=NONNEGATIVE_INT, default=0, show_default=True)
@click.option("--batch", type=POSITIVE_INT, default=1, show_default=True, help="examples drawn for inputs not given")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_backend_option
@_dtype_option
def eval_command(model: str, param_values, input_values, load_path, wrt, seed: int, batch: int, fmt: str,
                 backend: str, dtype: str, **kwargs) -> int:
    g = _graph(model, kwargs)
    f = compile_graph(g, derive_gradients(g, wrt=_wrt(wrt)), backend=backend, dtype=dtype)
    given_params, given_inputs = _assignments(param_values, "param"), _assignments(input_values, "input")
    loaded = load_parameters(load_path, f.shapes) if load_path else {}
    for name, value in given_params.items():
        if name not in f.shapes:
            raise SymnetError(f"--param {name}: the model has no parameter {name!r}")
        size = max(1, int(np.prod(f.shapes[name])))
        if value.size != size:
            raise SymnetError(f"--param {name}: takes {size} value(s) for shape {f.shapes[name]}, got {value.size}")
    for name in given_inputs:
        if name not in f.input_names:
            raise SymnetError(f"--input {name}: the model's inputs are {', '.join(f.input_names)}")
    if g.is_matrix:
        given_inputs = {k: np.atleast_2d(v) for k, v in given_inputs.items()}
        if model in ("attention", "multi-head-attention") and "X" not in given_inputs:
            # the worked example of the notes: two tokens x₁ = [1,0,1,0], x₂ = [0,2,0,2]
            given_inputs["X"] = np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 2.0]])
        rows = {v.shape[0] for k, v in given_inputs.items() if k in ("X", "M") or k.startswith("X")}
        n = rows.pop() if len(rows) == 1 else batch
    else:
        sizes = {v.size for v in given_inputs.values()}
        if len(sizes) > 1:
            raise SymnetError("every --input needs the same number of values")
        n = sizes.pop() if sizes else batch
    theta, data = random_point(f, seed, n)
    # targets drawn for a cross-entropy are one-hot rows (0/1 for binary cross-entropy), not N(0, 1)
    data = draw_targets(g, data, seed)
    values = f.unpack(theta) | loaded | {k: v.reshape(f.shapes[k]) for k, v in given_params.items()}
    data |= given_inputs
    loss, grads = f.gradient_arrays(values, data)
    nodes = f.forward(values, data) if g.is_matrix else {}
    if fmt == "json":
        click.echo(json.dumps({"loss": float(loss),
                               "gradient": {k: np.asarray(v, dtype=float).tolist() for k, v in grads.items()},
                               "parameters": {k: np.asarray(v, dtype=float).tolist() for k, v in values.items()},
                               "inputs": {k: np.asarray(v).tolist() for k, v in data.items()}}, indent=2))
        return 0
    click.echo(f"{g.name}: {g.description}")
    click.echo("inputs:     " + ", ".join(f"{k}={_fmt(v)}" for k, v in data.items()))
    click.echo("parameters: " + ", ".join(f"{k}={_fmt(v)}" for k, v in values.items()))
    for name, value in nodes.items():
        if np.ndim(value) == 2:
            click.echo(f"{name} =\n{_matrix(value)}")
            if isinstance(g.definitions[g.symbol(name)], RowSoftmax):
                click.echo(f"  row sums of {name}: {_fmt(np.sum(value, axis=-1))}")
    click.echo(f"loss {g.loss} = {float(loss):.10g}")
    for name, value in grads.items():
        if np.ndim(value) == 2 and np.size(value) > 1:
            click.echo(f"d{g.loss}/d{name} =\n{_matrix(value)}")
        else:
            click.echo(f"  d{g.loss}/d{name} = {_fmt(value, 10)}")
    return 0


def _matrix(v) -> str:
    return "\n".join("  [" + "  ".join(f"{x:>10.5g}" for x in row) + "]" for row in np.asarray(v, dtype=float))


def _fmt(v, digits: int = 6) -> str:
    v = np.asarray(v, dtype=float)
    if v.ndim == 2:
        return "[" + "; ".join(",".join(f"{x:.{digits}g}" for x in row) for row in v) + "]"
    return ",".join(f"{x:.{digits}g}" for x in np.atleast_1d(v))


@cli.command(help=f"Check MODEL's gradients against finite differences and complex step. {MODEL_HELP}")
@click.argument("model")
@_model_options
@click.option("--wrt", multiple=True, help="parameters or groups to check; default all")
@click.option("--seed", type=NONNEGATIVE_INT, default=0, show_default=True)
@click.option("--batch", type=POSITIVE_INT, default=4, show_default=True)
@click.option("--method", "methods", multiple=True, type=click.Choice(METHODS), help="default: all three")
@click.option("--max-parameters", type=POSITIVE_INT, default=64, show_default=True,
              help="per-parameter checks look at a seeded random subset beyond this")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_dtype_option
def check(model: str, wrt, seed: int, batch: int, methods, max_parameters: int, fmt: str, dtype: str,
          **kwargs) -> int:
    if batch < 1 or max_parameters < 1:
        raise SymnetError("--batch and --max-parameters must be at least 1")
    g = _graph(model, kwargs)
    f = compile_graph(g, derive_gradients(g, wrt=_wrt(wrt)), dtype=dtype)
    report = check_grads(f, seed=seed, batch=batch, methods=methods or METHODS, max_parameters=max_parameters)
    click.echo(report.to_json() if fmt == "json" else str(report))
    return 0 if report.passed else 1


@cli.command(help=f"Train MODEL on --data with its compiled gradients. {MODEL_HELP} "
                   "The model 'quadratic' runs gradient descent on L(θ) = (θ − 3)² against its closed form.")
@click.argument("model")
@_model_options
@click.option("--data", "data_spec", help="house, xor, moons, spirals, sine, or a .csv file; for sequence models "
              "reverse, copy, ngram (conv1d) or next-token (rnn), made on the spot (default: one that fits)")
@click.option("--target", help="the CSV column to predict")
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="adam", show_default=True)
@click.option("--lr", type=POSITIVE_FLOAT, help="learning rate (default: sgd 0.1, momentum 0.05, adam 0.01)")
@click.option("--epochs", type=POSITIVE_INT, default=500, show_default=True)
@click.option("--batch-size", type=POSITIVE_INT, help="examples per step (default: the whole data set)")
@click.option("--seed", type=NONNEGATIVE_INT, default=0, show_default=True)
@click.option("--patience", type=POSITIVE_INT, help="stop after this many epochs without improvement")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), help="save the loss curve (needs matplotlib)")
@click.option("--save", "save_path", type=click.Path(dir_okay=False),
              help="save the parameters to this .npz file (atomically; --force replaces an existing one)")
@click.option("--progress/--no-progress", default=None, help="progress bar (default: on a terminal)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_backend_option
@_dtype_option
def train(model: str, data_spec, target, optimizer, lr, epochs, batch_size, seed, patience, plot_path, save_path,
          progress, fmt, backend, dtype, **kwargs) -> int:
    if plot_path and not Path(plot_path).absolute().parent.is_dir():
        raise SymnetError(f"{plot_path}: the folder does not exist")
    if save_path:  # checked before training: a bad path must not cost a run
        save_path = check_save_path(save_path, force=bool(kwargs.get("force")))
    if plot_path:
        require_matplotlib()
    if model == "quadratic":
        if save_path or plot_path:
            raise SymnetError("the quadratic demo has no parameters to save or curve to plot")
        kwargs.pop("force", None)
        return _quadratic_demo(0.1 if lr is None else lr, epochs if epochs != 500 else 50, fmt, kwargs)
    if model in SEQUENCE_MODELS:  # a small sequence task made on the spot
        if target:
            raise SymnetError("--target applies to CSV files; the sequence tasks know their targets")
        data, kwargs = sequence_setup(model, data_spec, kwargs, seed)
    else:
        if not data_spec:
            raise SymnetError("train needs --data (house, xor, moons, spirals, sine, or a .csv file)")
        data = load_data(data_spec, target, seed)
        if kwargs.get("loss") is None and model != "linear-regression" and ":" not in model:
            kwargs["loss"] = ("bce" if data.Y.shape[1] == 1 else "cross_entropy") \
                if data.task == "classification" else "mse"
        if kwargs.get("level") is None and ":" not in model:
            kwargs["level"] = "matrix"
    g = _graph(model, kwargs)
    result = run_training(compile_graph(g, backend=backend, dtype=dtype), data, optimizer, lr, epochs, batch_size, seed, patience,
                          progress=sys.stderr.isatty() if progress is None else progress)
    comparison = optimum_comparison(model, g, data, result)
    warning = growth_warning(result.history)
    if warning:
        click.echo(f"symnet: warning: {warning}", err=True)
    if save_path:
        save_path = save_parameters(save_path, result.parameters)
    if plot_path:
        plot_history(result.history, plot_path, f"{g.description} on {data.name}")
    if fmt == "json":
        click.echo(json.dumps({"epochs": result.epochs, "stopped": result.stopped, "loss": result.loss,
                               "accuracy": result.accuracy, "history": list(result.history),
                               "parameters": {k: np.asarray(v).tolist() for k, v in result.parameters.items()},
                               **({"saved": str(save_path)} if save_path else {}), **comparison}, indent=2))
        return 0
    click.echo(f"{g.description}; {optimizer}, {epochs} epochs")
    click.echo(result.summary())
    small = {k: v for k, v in result.parameters.items() if np.asarray(v).size == 1}
    if small and len(small) == len(result.parameters) and len(small) <= 10:
        click.echo("parameters: " + ", ".join(f"{k} = {float(np.ravel(v)[0]):.8g}" for k, v in small.items()))
    for key, value in comparison.items():
        click.echo(f"{key.replace('_', ' ')}: " + ", ".join(f"{k} = {v:.8g}" for k, v in value.items()))
    if save_path:
        click.echo(f"saved parameters to {save_path}")
    if plot_path:
        click.echo(f"saved the loss curve to {plot_path}")
    return 0


def _theory(topic: str, fmt: str, plot_path, kwargs: dict, output_path: str | None = None) -> int:
    if any(v not in (None, (), False) for v in kwargs.values()):
        raise SymnetError(f"{topic} takes no model options")
    if fmt == "python":
        raise SymnetError(f"{topic} is a derivation, not a program: use --format latex, markdown, text or json")
    if plot_path and topic != "softmax-saturation":
        raise SymnetError("--plot applies to softmax-saturation")
    if plot_path:
        require_matplotlib()
    report = THEORY_TOPICS[topic]()
    if plot_path:
        plot_saturation(report, plot_path)
    _emit(report.render(fmt), output_path)
    return 0


def _quadratic_demo(lr: float, steps: int, fmt: str, kwargs: dict) -> int:
    if any(v not in (None, (), False) for v in kwargs.values()):
        raise SymnetError("model 'quadratic' takes no model options")
    demo = gradient_descent_closed_form(quadratic(3), learning_rate=lr, start=0.0, steps=steps)
    if fmt == "json":
        click.echo(json.dumps({"formula": str(demo.formula), "iterates": demo.iterates,
                               "closed_form": demo.closed_form, "max_error": demo.max_error}, indent=2))
        return 0
    click.echo(f"L(theta) = (theta - 3)^2, gradient descent from theta_0 = 0 with alpha = {lr:g}")
    click.echo(f"closed form: theta_k = {demo.formula}")
    click.echo(f"{'k':>4} {'theta_k (iterated)':>22} {'closed form':>22} {'difference':>11}")
    for k, (a, b) in enumerate(zip(demo.iterates, demo.closed_form)):
        click.echo(f"{k:>4} {a:>22.16g} {b:>22.16g} {abs(a - b):>11.1e}")
    click.echo(f"largest difference {demo.max_error:.1e}")
    return 0


@cli.command(help="Check the formulas in Markdown notes and Jupyter notebooks: each is verified, refuted (with a "
                   "counterexample), a definition, a mention, undecided, or unparseable (with line:column and a hint). "
                   "PATHS are .md, .markdown, .txt or .ipynb files, or directories to walk. "
                   "<!-- symnet: ignore --> silences the formulas on its line (or the next one), "
                   "<!-- symnet: ignore-file --> a whole note. Exit code: 0 nothing refuted, "
                   "1 something refuted (or, with --strict, unparseable), 2 a file could not be read.")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="github: workflow annotations; sarif: SARIF 2.1.0 for code scanning")
@click.option("--strict", is_flag=True, help="also fail (exit 1) on unparseable formulas")
@click.option("--jobs", type=int, default=1, show_default=True,
              help="check files in this many worker processes (at most the cores available)")
@click.option("--budget", type=float, default=2.0, show_default=True,
              help="seconds per formula, a hard limit: past it the formula is undecided (time limit)")
@click.option("--timeout", type=float, default=None,
              help="seconds per file: formulas not checked by then are reported undecided (file time limit)")
@click.option("--run-timeout", type=float, default=None,
              help="seconds for the whole run: what is not checked by then is reported as not checked")
@click.option("--quiet", is_flag=True,
              help="print only problems (refuted, unparseable; undecided with --strict) and a total line")
@click.option("--colour/--no-colour", "--color/--no-color", "colour", default=None,
              help="colour verdicts (default: on a terminal, unless NO_COLOR is set)")
def verify(paths, fmt, strict, jobs, budget, timeout, run_timeout, quiet, colour) -> int:
    import math

    from ..notes.extract.files import note_files
    from ..notes.verify.report import exit_code, render, use_colour
    from ..notes.verify import verify_many

    files = note_files(paths)
    if not files:
        raise SymnetError(f"no .md, .markdown, .txt or .ipynb notes under {', '.join(paths)}")
    for name, value in (("--budget", budget), ("--timeout", timeout), ("--run-timeout", run_timeout)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise SymnetError(f"{name} must be a positive number of seconds, not {value:g}")
    if jobs < 1:
        raise SymnetError(f"--jobs must be at least 1, not {jobs}")
    # always in worker processes: only a process the parent can kill holds a hard limit
    reports = verify_many(files, jobs, budget, timeout, run_timeout)
    coloured = fmt == "text" and use_colour(colour, sys.stdout.isatty())
    click.echo(render(reports, fmt, colour=coloured, quiet=quiet, strict=strict), color=coloured)
    return exit_code(reports, strict)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return its exit code instead of raising (``symnet`` calls this)."""
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="symnet", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("symnet: aborted", err=True)
        return 1
    except click.ClickException as e:
        click.echo(f"symnet: error: {e.format_message()}", err=True)
        return 2 if isinstance(e, click.UsageError) else e.exit_code
    except SymnetError as e:
        click.echo(f"symnet: error: {e}", err=True)
        return e.exit_code
    except Exception as e:  # a bug in symnet, not the user's input: one line, the traceback on request
        if os.environ.get("SYMNET_DEBUG"):
            raise
        click.echo(f"symnet: internal error: {type(e).__name__}: {e} (set SYMNET_DEBUG=1 for the traceback)",
                   err=True)
        return 70
    return code if isinstance(code, int) else 0


def entry_point() -> None:
    sys.exit(main())
