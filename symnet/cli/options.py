"""Checked option types for the command line: a bad number is one line and exit 2, before any work starts.

>>> POSITIVE_FLOAT.convert("0.5", None, None)
0.5
>>> import click
>>> try:
...     POSITIVE_FLOAT.convert("nan", None, None)
... except click.BadParameter as e:
...     print(e.message)
nan is not a finite number greater than 0
"""
from __future__ import annotations

import math

import click


class _Checked(click.ParamType):
    """A number of type ``kind`` that is finite and passes ``test`` (described by ``what``)."""

    def __init__(self, kind: type, test, what: str) -> None:
        self.kind, self.test, self.what = kind, test, what
        self.name = what

    def convert(self, value, param, ctx):
        if isinstance(value, self.kind) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = self.kind(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not {'a whole number' if self.kind is int else 'a number'}", param, ctx)
        if not (math.isfinite(number) and self.test(number)):
            self.fail(f"{value} is not {self.what}", param, ctx)
        return number


POSITIVE_INT = _Checked(int, lambda x: x >= 1, "a whole number of at least 1")
NONNEGATIVE_INT = _Checked(int, lambda x: x >= 0, "a whole number of at least 0")
POSITIVE_FLOAT = _Checked(float, lambda x: x > 0, "a finite number greater than 0")
NONNEGATIVE_FLOAT = _Checked(float, lambda x: x >= 0, "a finite non-negative number")
