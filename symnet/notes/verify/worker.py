"""A worker process of the runner (:mod:`symnet.notes.verify.runner`): it caps its memory, then checks the notes
the parent sends, marking each formula's start in a shared array (the parent reads it to enforce the deadline)
and sending the verdicts in batches.
"""
from __future__ import annotations

import os
import time

#: seconds for reading a note and finding its formulas
READ_LIMIT = 60.0

# -- the worker --------------------------------------------------------------------------------------------

#: slots of a worker's shared progress array (written by the worker, read by the parent without messages)
_FORMULA, _STARTED, _DEFINING = 0, 1, 2
#: the worker sends verdicts in batches: at most this many, or this many seconds apart
_BATCH, _BATCH_SECONDS = 256, 0.1


def _serve(conn, progress, memory: int, judge_path: str | None) -> None:
    """A worker's life: cap its memory, then check the files the parent sends until told to stop."""
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if not os.environ.get("SYMNET_DEBUG"):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # nothing a note triggers may print a traceback or a C library's message
    warnings.simplefilter("ignore")
    import resource

    from . import note as verify
    judge_one = None
    if judge_path:  # tests only: a stand-in checker (the negative controls); never reachable from the CLI
        import importlib
        module, name = judge_path.split(":")
        judge_one = getattr(importlib.import_module(module), name)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    defines = _watch_definitions(verify, progress)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        path, budget, skip, resume = job
        try:
            _check(conn, progress, verify, path, budget, skip, resume, defines, judge_one)
        except MemoryError:
            conn.send(("lost", "memory limit"))
        except Exception as exc:  # a bug in symnet: the parent reports it on the file, the worker goes on
            conn.send(("lost", f"internal error: {type(exc).__name__}: {exc}"[:300]))


def _watch_definitions(verify, progress) -> bool:
    """Mark in ``progress`` when a formula starts to define something (wrapping the two places definitions
    enter a note's state); returns False when they cannot be found: every formula is then taken as defining."""
    from ..decide import matrices
    from ..judge import definitions
    remember = getattr(definitions, "_defining", None)   # every definition, setting and condition goes through it
    define_node = getattr(matrices.MatrixNote, "define_node", None)
    if remember is None or define_node is None:
        return False

    def remember_and_tell(*args, **kwargs):
        progress[_DEFINING] = progress[_FORMULA]
        return remember(*args, **kwargs)

    def define_and_tell(self, *args, **kwargs):
        progress[_DEFINING] = progress[_FORMULA]
        return define_node(self, *args, **kwargs)

    definitions._defining = remember_and_tell
    matrices.MatrixNote.define_node = define_and_tell
    return True


def _check(conn, progress, verify, path: str, budget: float, skip: frozenset, resume: int, defines: bool,
           judge_one) -> None:
    """Check one file: send its formulas' positions, mark each formula's start in ``progress`` (the parent
    reads it to enforce the deadline) and send the verdicts from formula ``resume`` on, in batches."""
    from ..extract.formulas import extract_note
    from ..limits import TimeLimit, time_limit

    start = time.perf_counter()
    progress[_FORMULA] = progress[_DEFINING] = -1
    source, error = verify.read_note(path)
    if error:
        conn.send(("error", error))
        return
    try:
        with time_limit(READ_LIMIT):
            formulas, images = extract_note(source, path)
    except ValueError as exc:   # a notebook that is not one
        conn.send(("error", str(exc)))
        return
    except TimeLimit:
        conn.send(("error", f"finding the formulas took longer than {READ_LIMIT:g} s"))
        return
    del source
    conn.send(("formulas", images, [verify._undecided(f, "") for f in formulas]))

    def started(k: int) -> None:
        progress[_FORMULA] = -2  # while the two slots change: the parent waits for a consistent pair
        progress[_STARTED] = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process
        progress[_FORMULA] = k
        if not defines:
            progress[_DEFINING] = k

    batch: list = []
    sent = time.monotonic()
    for k, verdicts in verify.judge_all(formulas, budget, skip, started, judge_one):
        if k >= resume:
            batch.append((k, verdicts))
        if batch and (len(batch) >= _BATCH or time.monotonic() - sent > _BATCH_SECONDS):
            conn.send(("verdicts", batch))
            batch, sent = [], time.monotonic()
    if batch:
        conn.send(("verdicts", batch))
    conn.send(("done", time.perf_counter() - start, _peak_memory()))


def _peak_memory() -> int:
    """This process's peak resident memory, in bytes."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
