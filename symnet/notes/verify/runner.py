"""Check notes in worker processes with hard limits, so that no note can hang, crash or exhaust a run.

Each worker is a process with an address-space cap (``RLIMIT_AS``, 1 GB by default). The parent sends it a
file; the worker reads the note, sends the formulas' positions, marks each formula's start in a small shared
array (no message per formula: a 20,000-formula note would pay for 20,000 round trips) and sends the verdicts
in batches. The worker's own soft limit (:func:`symnet.notes.limits.time_limit`) stops
ordinary SymPy work at the budget; the parent enforces the same budget (plus :data:`GRACE` for the soft limit
to unwind) by killing the worker, which no C extension, NumPy call, big-integer product or deep recursion can
escape. The killed formula is *undecided (time limit 2 s)*; a dead worker's (the memory cap) *undecided
(memory limit)*. A fresh worker then reads the note again and re-runs the formulas before the cut one without
reporting them (so the note's definitions are in force again), skips every formula that hit a limit, and goes
on from the next one. A formula that hit a limit after it had started to define something may have left
definitions that later formulas needed: a later *refuted* in that note is then reported as *undecided* with
the reason (a missing definition can make a true claim look false, never a false one true... except through
other definitions, hence the caution).

Per-file and per-run deadlines (``--timeout``) are enforced the same way; what they cut off is reported
(every formula of a file cut off is *undecided* with the reason; a file the run never reached is an error), so
every file named gets a report. Workers are reused from file to file; with ``jobs`` workers the files are
handed out largest first to whichever worker is free.

Why not a pool library: pebble and ``concurrent.futures`` time out whole tasks, but a deadline here is per
formula inside a task whose state (the note's definitions) must survive a kill, which needs a worker that
streams its progress; the loop below is that and little else.
"""
from __future__ import annotations

import os
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .worker import _DEFINING, _FORMULA, _STARTED, READ_LIMIT, _serve

__all__ = ["Limits", "run_files", "verify_many", "GRACE", "READ_LIMIT"]

#: seconds the parent waits past a formula's budget before it kills the worker (the soft limit fires first)
GRACE = 0.5
#: seconds between the parent's looks at its workers' progress
_POLL = 0.05
#: environment for workers: one BLAS/OpenMP thread each
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass(frozen=True)
class Limits:
    """Hard limits of a run: seconds per formula, per file and per run, bytes of address space per worker."""

    budget: float = 2.0
    jobs: int = 1
    file_timeout: float | None = None
    run_timeout: float | None = None
    memory: int = 1 << 30


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# -- the parent ------------------------------------------------------------------------------------------------

@dataclass
class _File:
    """What the parent knows of one file while it is checked."""

    path: str
    placeholders: list | None = None           # one undecided verdict per formula, at its position
    verdicts: dict = field(default_factory=dict)   # formula index -> its verdicts
    skip: set = field(default_factory=set)     # formulas that hit a hard limit: never run again
    defining: set = field(default_factory=set)  # formulas that started to define something
    lost: list = field(default_factory=list)   # (index, detail) of cut formulas that may have defined names
    images: int = 0
    started: float | None = None
    seconds: float = 0.0
    error: str = ""
    done: bool = False


class _Worker:
    """One worker process and what it is doing."""

    def __init__(self, context, limits: Limits, judge_path: str | None) -> None:
        self.conn, child = context.Pipe()
        self.progress = context.RawArray("d", 3)  # formula in progress, when it started, formula defining
        self.process = context.Process(target=_serve, args=(child, self.progress, limits.memory, judge_path),
                                       daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.file: _File | None = None
        self.formula: int | None = None   # the formula in progress (None: reading the note)
        self.deadline = float("inf")
        self.reason = ""
        self.read_deadline = float("inf")   # for reading the note and finding its formulas
        self.file_requeue: _File | None = None   # a file cut off mid-way that a fresh worker goes on with

    def stop(self) -> None:
        """Kill the process (it may be stuck in C code: no polite request would be seen)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run_files(paths, limits: Limits = Limits(), stats: dict | None = None,
              judge_path: str | None = None) -> list:
    """Check note files in workers under ``limits``; one report per path, in the order given.

    ``stats`` (when given) receives counts of kills and workers started and the workers' peak memory.
    ``judge_path`` (``module:function``) replaces :func:`verify.judge` in the workers: for tests only.
    """
    paths = [str(p) for p in paths]
    files = [_File(p) for p in paths]
    if not files:
        return []
    context = _context()
    count = max(1, min(limits.jobs, available_cores(), len(files)))
    stats = stats if stats is not None else {}
    stats.update(kills=0, workers=0, peak_memory=0)
    workers: list[_Worker] = []
    try:
        with _one_thread():  # the first worker starts the server, which keeps this environment
            for _ in range(count):
                workers.append(_Worker(context, limits, judge_path))
                stats["workers"] += 1
        from .note import FileReport, Verdict  # noqa: F401  (the parent's own import, while workers start)
        _loop(files, workers, context, limits, stats, judge_path)
    finally:
        for w in workers:
            w.stop()
    return [_report(f, limits) for f in files]


def _context():
    """How workers start. Not by forking this process (it may hold threads: BLAS pools, a GUI, a test runner):
    a *fork server*, itself a freshly spawned single-threaded process that has imported the checker once,
    forks each worker, so a second worker or a replacement after a kill starts in milliseconds instead of
    importing SymPy again (about 0.8 s). Plain spawn where fork servers do not exist (or ``SYMNET_START=spawn``).
    """
    import multiprocessing

    method = os.environ.get("SYMNET_START", "forkserver")
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["symnet.notes.verify"])
    return context


@contextmanager
def _one_thread():
    """Start processes with one BLAS/OpenMP thread (a fork server must hold no threads) and without the
    parent's main module: multiprocessing would run that script again in each worker (the ``symnet`` script
    with all its imports, or a script from stdin that does not exist as a file)."""
    import signal
    import sys
    import threading
    import types

    saved = {name: os.environ.get(name) for name in _ONE_THREAD}
    os.environ.update({name: "1" for name in _ONE_THREAD})
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    sys.modules["__main__"].__spec__ = None
    # Ctrl-C is the parent's: an ignored SIGINT is inherited through exec, so the fork server (which imports
    # SymPy before it ignores SIGINT itself) prints no KeyboardInterrupt traceback
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) \
        if threading.current_thread() is threading.main_thread() else None
    try:
        yield
    finally:
        if interrupt is not None:
            signal.signal(signal.SIGINT, interrupt)
        sys.modules["__main__"] = main
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _loop(files: list[_File], workers: list, context, limits: Limits, stats: dict, judge_path) -> None:
    from multiprocessing.connection import wait

    order = sorted(range(len(files)), key=lambda i: -_size(files[i].path))
    queue = deque(files[i] for i in order)
    run_deadline = time.monotonic() + limits.run_timeout if limits.run_timeout else float("inf")
    failed_starts = 0
    while queue or any(w.file for w in workers):
        now = time.monotonic()
        if now >= run_deadline:
            for w in workers:
                if w.file is not None:
                    _cut(w, files, f"the run's time limit ({limits.run_timeout:g} s) ran out", final=True)
                    stats["kills"] += 1
            for f in queue:
                _finish(f, f"the run's time limit ({limits.run_timeout:g} s) ran out")
            return
        for w in workers:
            if w.ready and w.file is None and queue:
                _send(w, queue.popleft(), limits)
            if w.file is not None:
                _refresh(w, limits)
        deadlines = [w.deadline for w in workers if w.file is not None] + [run_deadline]
        timeout = max(0.0, min(deadlines) - time.monotonic())
        if any(w.file is not None for w in workers):
            timeout = min(timeout, _POLL)  # a formula's start is read from shared memory, not signalled
        ready = wait([w.conn for w in workers] + [w.process.sentinel for w in workers],
                     timeout=min(timeout, 3600.0))
        for w in list(workers):
            problem = ""
            if w.conn in ready or w.process.sentinel in ready:
                try:
                    while w.conn.poll():
                        _receive(w, w.conn.recv(), limits, stats)
                except (EOFError, OSError):
                    problem = "memory limit" if w.ready else "start"
            if not problem and w.file is not None:
                _refresh(w, limits)
                if time.monotonic() >= w.deadline:
                    problem = w.reason
            if not problem:
                continue
            if problem == "start":
                failed_starts += 1
                if failed_starts >= 3:
                    from ...errors import SymnetError
                    raise SymnetError("verify: worker processes cannot start")
            else:
                stats["kills"] += 1
                file_over = w.reason.startswith("the file's")
                _cut(w, files, problem if problem != "memory limit" else _death(w), final=file_over)
                if w.file_requeue is not None:
                    queue.appendleft(w.file_requeue)
            w.stop()
            with _one_thread():
                workers[workers.index(w)] = _Worker(context, limits, judge_path)
            stats["workers"] += 1


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _send(w: _Worker, f: _File, limits: Limits) -> None:
    """Hand a file (or the rest of one) to a free worker."""
    now = time.monotonic()
    if f.started is None:
        f.started = now
    resume = 0  # the first formula whose verdicts have not come (a batch may have been lost in a cut)
    while resume in f.verdicts:
        resume += 1
    w.file, w.formula, w.file_requeue = f, None, None
    w.progress[_FORMULA] = w.progress[_DEFINING] = -1
    w.read_deadline = now + READ_LIMIT
    w.conn.send((f.path, limits.budget, frozenset(f.skip), resume))
    _refresh(w, limits)


def _refresh(w: _Worker, limits: Limits) -> None:
    """The worker's formula in progress and its deadline, from the shared progress array."""
    k, started = w.progress[_FORMULA], w.progress[_STARTED]
    if k != w.progress[_FORMULA] or k == -2:
        return  # the worker is writing a new start: read it next time
    if k < 0:
        w.formula = None
        _arm(w, w.read_deadline, f"finding the formulas took longer than {READ_LIMIT:g} s", limits)
    else:
        w.formula = int(k)
        _arm(w, started + limits.budget + GRACE, f"time limit {limits.budget:g} s", limits)


def _arm(w: _Worker, deadline: float, reason: str, limits: Limits) -> None:
    """The worker's next deadline: this step's, or the file's when that comes first."""
    w.deadline, w.reason = deadline, reason
    if limits.file_timeout and w.file is not None:
        file_deadline = w.file.started + limits.file_timeout
        if file_deadline < w.deadline:
            w.deadline, w.reason = file_deadline, f"the file's time limit ({limits.file_timeout:g} s) ran out"


def _receive(w: _Worker, message: tuple, limits: Limits, stats: dict) -> None:
    kind, *rest = message
    now = time.monotonic()
    f = w.file
    if kind == "ready":
        w.ready = True
    elif kind == "formulas":
        if f.placeholders is None:
            f.images, f.placeholders = rest
    elif kind == "verdicts":
        for k, verdicts in rest[0]:
            f.verdicts.setdefault(k, verdicts)
    elif kind in ("done", "error", "lost"):
        if kind == "done":
            stats["peak_memory"] = max(stats["peak_memory"], rest[1])
        else:
            f.error = rest[0] if kind == "error" else f"checking stopped: {rest[0]}"
        f.seconds, f.done = now - f.started, True
        w.file, w.formula, w.deadline = None, None, float("inf")


def _death(w: _Worker) -> str:
    """Why a worker died: the memory cap (the usual cause: a failed allocation in C code) or a signal."""
    import signal

    w.process.join(1.0)
    code = w.process.exitcode
    if code is not None and -code in (signal.SIGABRT, signal.SIGBUS, signal.SIGKILL, signal.SIGSEGV):
        return "memory limit"
    return f"the checking process stopped (exit {code})"


def _cut(w: _Worker, files: list, reason: str, final: bool) -> None:
    """A worker was stopped in the middle of a file: record why, and either finish the file or queue the rest."""
    f = w.file
    w.file_requeue = None
    if f is None:
        return
    _refresh(w, Limits())  # only the formula in progress is wanted here, not its deadline
    k = w.formula
    if f.placeholders is None:  # still reading the note
        f.error = reason if reason.startswith("finding") else f"checking stopped while reading the note: {reason}"
        final = True
    elif k is None:  # reading it again after a cut: no formula of it to blame, and no point in a third try
        final = True
    else:
        from dataclasses import replace
        f.verdicts.setdefault(k, [replace(f.placeholders[k], detail=reason)])
        f.skip.add(k)
        if w.progress[_DEFINING] == k:
            f.defining.add(k)
        if k in f.defining:
            f.lost.append((k, reason))
    if final:
        _finish(f, reason)
    else:
        w.file_requeue = f
    w.file, w.formula, w.deadline = None, None, float("inf")


def _finish(f: _File, reason: str) -> None:
    """End a file that a limit cut off: each formula not checked is reported as such (a file whose formulas
    were never found is an error)."""
    from dataclasses import replace

    if f.placeholders is None:
        f.error = f.error or f"not checked: {reason}"
    else:
        for j, placeholder in enumerate(f.placeholders):
            if j not in f.verdicts:
                f.verdicts[j] = [replace(placeholder, detail=f"not checked: {reason}")]
    f.seconds, f.done = time.monotonic() - (f.started or time.monotonic()), True


def _report(f: _File, limits: Limits):
    """The file's report: its verdicts in order, later refutations held back where definitions were lost."""
    from dataclasses import replace

    from .note import FileReport
    verdicts = []
    first_lost = min((k for k, _ in f.lost), default=None)
    for k in sorted(f.verdicts):
        for v in f.verdicts[k]:
            if first_lost is not None and k > first_lost and v.status == "refuted":
                line = f.placeholders[first_lost].line
                v = replace(v, status="undecided",
                            detail=f"{v.detail}; not counted as refuted: the formula on line {line} was cut off "
                                   f"while defining, and definitions it made are missing here")
            verdicts.append(v)
    if not f.done and not f.error:
        f.error = "not checked"
    return FileReport(f.path, tuple(verdicts), f.images, round(f.seconds, 3), f.error)


def verify_many(paths, jobs: int = 1, budget: float = 2.0, timeout: float | None = None,
                run_timeout: float | None = None) -> list:
    """Verify files in ``jobs`` worker processes with hard limits: ``budget`` seconds per formula, ``timeout``
    per file and ``run_timeout`` for the whole run; one :class:`~.note.FileReport` per file."""
    return run_files(paths, Limits(budget=budget, jobs=jobs, file_timeout=timeout, run_timeout=run_timeout))
