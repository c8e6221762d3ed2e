"""Notes stage 0, limits: soft time limits inside one process, nested deadlines on ``SIGALRM`` that restore
the outer one.

A ``with time_limit(s):`` block raises :class:`TimeLimit` when ``s`` seconds have passed, or earlier when an
enclosing block's deadline comes first. Leaving an inner block re-arms the timer for what is left of the outer one
(a moment later when that deadline has already passed, so that code which caught the TimeLimit can return what it
has), so a chain of inner limits can never switch the outer limit off. These limits are *soft*: a C extension, a
NumPy call or a big-integer product does not see the signal until it returns. Hard limits (the process is killed)
are :mod:`symnet.notes.verify.runner`'s job. May import: nothing of symnet.

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

__all__ = ["TimeLimit", "time_limit", "reset"]


class TimeLimit(Exception):
    """Symbolic work ran past its budget."""


#: the deadlines in force (time.monotonic()), innermost last; each is already the minimum of the ones outside it
_deadlines: list[float] = []
_previous_handler = None
#: seconds that code which caught a TimeLimit gets to wrap up (return the numeric verdict it has) before the
#: deadline, still in force, fires again; the hard limit (the runner kills at budget + 0.5 s) covers the rest
_WRAP_UP = 0.25
_SOON = 1e-4  # seconds: "at once" (setitimer(0) would switch the timer off)


def _stop(signum, frame) -> None:
    if not _deadlines:
        return  # a signal that arrived after the last block ended
    if frame is not None and frame.f_code in _OWN_CODE:
        # never raise inside the bookkeeping: a block whose exit was cut short would leave its deadline behind
        signal.setitimer(signal.ITIMER_REAL, _SOON)
        return
    left = _deadlines[-1] - time.monotonic()
    if left > 1e-3:  # early (a restored outer timer rounded down): wait for the rest
        signal.setitimer(signal.ITIMER_REAL, left)
        return
    # fire again after a moment until a block whose deadline this is has ended: code that catches TimeLimit
    # (a helper giving up on simplification) may return what it has, but cannot swallow an outer deadline
    signal.setitimer(signal.ITIMER_REAL, _WRAP_UP)
    raise TimeLimit()


def _arm() -> None:
    """Set the timer for the innermost deadline in force, or switch it off when none is."""
    global _previous_handler
    if _deadlines:
        left = _deadlines[-1] - time.monotonic()
        # past the deadline: the wrap-up time counts from the deadline, so re-arming never postpones it
        signal.setitimer(signal.ITIMER_REAL, left if left > 0 else max(left + _WRAP_UP, _SOON))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, _previous_handler if _previous_handler is not None else signal.SIG_DFL)
        _previous_handler = None


class time_limit:
    """Interrupt the block after ``seconds`` (main thread only; elsewhere it runs unbounded)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(float(seconds), 0.0)
        self.depth: int | None = None

    def __enter__(self) -> "time_limit":
        global _previous_handler
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return self
        deadline = time.monotonic() + self.seconds
        if _deadlines:
            deadline = min(deadline, _deadlines[-1])
        else:
            _previous_handler = signal.signal(signal.SIGALRM, _stop)
        self.depth = len(_deadlines)
        _deadlines.append(deadline)
        _arm()
        return self

    def __exit__(self, *exc) -> bool:
        if self.depth is not None:
            # down to this block's depth: an inner block whose exit was skipped leaves nothing behind either
            del _deadlines[self.depth:]
            self.depth = None
            _arm()  # the outer deadline is back in force, with what is left of it
        return False


def reset() -> None:
    """Forget every deadline and switch the timer off (for a loop's outermost level, between items)."""
    del _deadlines[:]
    _arm()


_OWN_CODE = {time_limit.__enter__.__code__, time_limit.__exit__.__code__, _arm.__code__}
