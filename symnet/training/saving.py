"""Parameters on disk: ``train --save`` writes them atomically, ``eval --load`` reads them back.

A save writes a temporary file in the target's own folder and renames it over the target (``os.replace``, atomic
on POSIX), so an interruption at any moment (SIGINT, SIGTERM, a full disk) leaves either the old file or the new
one, never a truncated one. The path is checked before training starts, so a bad path fails at once.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> written = save_parameters(check_save_path(folder / "p.npz"), {"w": np.array(2.0)})
>>> written.name, float(load_parameters(written, {"w": ()})["w"])
('p.npz', 2.0)
"""
from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import zipfile
from pathlib import Path
from typing import Mapping

import numpy as np

from ..errors import SymnetError

SUFFIX = ".npz"


def check_save_path(path: str | os.PathLike, force: bool = False) -> Path:
    """The path ``train --save`` will write, checked before any training: a ``.npz`` name (no suffix is added
    behind the user's back), an existing writable folder, and no existing file unless ``force``."""
    p = Path(path)
    if p.suffix.lower() != SUFFIX:
        raise SymnetError(f"{path}: --save writes NumPy's .npz format; give a file name ending in .npz")
    folder = p.absolute().parent
    if not folder.is_dir():
        raise SymnetError(f"{path}: the folder {folder} does not exist")
    if p.is_dir():
        raise SymnetError(f"{path}: is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SymnetError(f"{path}: the folder {folder} is not writable")
    if p.exists() or p.is_symlink():
        if not force:
            raise SymnetError(f"{path} exists; add --force to replace it")
        if not p.is_file():
            raise SymnetError(f"{path}: not a regular file, will not replace it")
    return p


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM raises KeyboardInterrupt meanwhile, so the temporary file is removed on the way out (the target
    is safe either way: it is only ever replaced whole)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def save_parameters(path: str | os.PathLike, parameters: Mapping[str, object]) -> Path:
    """Write ``{name: array}`` to ``path`` atomically; returns the path written (exactly the name given)."""
    p = Path(path)
    folder = p.absolute().parent
    with _terminate_as_interrupt():
        fd, temporary = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                # a file object, not a name: np.savez then appends no suffix of its own
                np.savez(handle, **{k: np.asarray(v) for k, v in parameters.items()})
                handle.flush()
                os.fsync(handle.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, p)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return p


def load_parameters(path: str | os.PathLike, shapes: Mapping[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Read parameters saved by ``train --save`` for a model whose parameters have these shapes."""
    p = Path(path)
    if not p.is_file():
        raise SymnetError(f"{path}: no such file" if not p.exists() else f"{path}: not a regular file")
    try:
        with np.load(p, allow_pickle=False) as archive:
            values = {k: np.array(archive[k], dtype=float) for k in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise SymnetError(f"{path}: not a parameter file written by train --save ({exc})") from None
    unknown = sorted(set(values) - set(shapes))
    if unknown:
        raise SymnetError(f"{path}: holds {unknown[0]!r}, which the model has no parameter called "
                          f"(it has {', '.join(shapes)})")
    missing = [n for n in shapes if n not in values]
    if missing:
        raise SymnetError(f"{path}: has no value for parameter {missing[0]!r}")
    for name, shape in shapes.items():
        if tuple(values[name].shape) != tuple(shape):
            raise SymnetError(f"{path}: parameter {name} has shape {values[name].shape}, the model needs {shape}")
    return values
