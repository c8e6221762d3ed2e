"""What deciding a relation gives: :class:`Outcome` (verified, refuted or undecided, and why), and numbers as the
evidence shows them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    status: str      # verified | refuted | undecided
    detail: str


def _num(v) -> str:
    v = float(v)
    if v == int(v) and abs(v) < 1e12:
        return str(int(v))
    return f"{v:.6g}"
