"""Named exceptions. Every user-facing error is a :class:`SymnetError`; the CLI prints its message on one
line and exits with its ``exit_code`` instead of showing a traceback."""
from __future__ import annotations


class SymnetError(Exception):
    """A problem with the user's input (model, options, data): reported as one line, exit code 2."""

    exit_code = 2


class GraphError(SymnetError):
    """A graph that is not a valid program: an unknown name, a name assigned twice, a non-scalar loss."""


class NoRuleError(SymnetError):
    """Reverse mode met a function that has no line in the rules table."""


class GradientMismatch(AssertionError):
    """An analytic derivative disagrees with a numeric one; the message prints both numbers.

    >>> str(GradientMismatch("w", 0.25, 0.75, "central", "x=0"))
    'dL/dw: analytic 0.25 vs numeric 0.75 at x=0 (central)'
    """

    def __init__(self, parameter: str, analytic: float, numeric: float, method: str, where: str = "") -> None:
        self.parameter, self.analytic, self.numeric, self.method = parameter, analytic, numeric, method
        at = f" at {where}" if where else ""
        super().__init__(f"dL/d{parameter}: analytic {analytic:.6g} vs numeric {numeric:.6g}{at} ({method})")
