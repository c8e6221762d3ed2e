"""Soft time limits inside one process: nested deadlines on ``SIGALRM`` that restore the outer one.

A ``with time_limit(s):`` block raises :class:`TimeLimit` when ``s`` seconds have passed, or earlier when an
enclosing block's deadline comes first. Leaving an inner block re-arms the timer for what is left of the outer
one (at once when that deadline has already passed), so a chain of inner limits can never switch the outer
limit off. These limits are *soft*: a C extension, a NumPy call or a big-integer product does not see the
signal until it returns. Hard limits (the process is killed) are :mod:`symnet.notes.runner`'s job.

>>> import time
>>> try:
...     with time_limit(0.05):
...         with time_limit(10):
...             pass
...         while True:          # the outer limit still holds after the inner block
...             time.sleep(0.001)
... except TimeLimit:
...     print("stopped")
stopped
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

__all__ = ["TimeLimit", "time_limit"]


class TimeLimit(Exception):
    """Symbolic work ran past its budget."""


#: the deadlines in force (time.monotonic()), innermost last; each is already the minimum of the ones outside it
_deadlines: list[float] = []
_previous_handler = None
_AGAIN = 0.01  # seconds between repeated signals once a deadline has passed
_SOON = 1e-4  # seconds: "at once", for a deadline already passed (setitimer(0) would switch the timer off)


def _stop(signum, frame) -> None:
    if not _deadlines:
        return  # a signal that arrived after the last block ended
    left = _deadlines[-1] - time.monotonic()
    if left > 1e-3:  # early (a restored outer timer rounded down): wait for the rest
        signal.setitimer(signal.ITIMER_REAL, left)
        return
    # fire again soon until a block whose deadline this is has ended: code that catches TimeLimit inside
    # (a helper giving up on simplification) cannot swallow an outer deadline
    signal.setitimer(signal.ITIMER_REAL, _AGAIN)
    raise TimeLimit()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread only; elsewhere it runs unbounded)."""
    global _previous_handler
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    now = time.monotonic()
    deadline = now + max(float(seconds), 0.0)
    if _deadlines:
        deadline = min(deadline, _deadlines[-1])
    else:
        _previous_handler = signal.signal(signal.SIGALRM, _stop)
    _deadlines.append(deadline)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - now, _SOON))
    try:
        yield
    finally:
        _deadlines.pop()
        if _deadlines:
            # the outer deadline is back in force, with what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(_deadlines[-1] - time.monotonic(), _SOON))
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, _previous_handler if _previous_handler is not None else signal.SIG_DFL)
            _previous_handler = None
