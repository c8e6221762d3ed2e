"""How the objects people hold show themselves: a one-line repr in a console, the maths in a notebook.

Graphs and gradients (this stage), compiled programs (:mod:`symnet.codegen`) and check reports
(:mod:`symnet.checking`) are :class:`Shown`: they answer ``repr``, ``_repr_latex_`` and ``_repr_markdown_``
through :func:`show`. The views themselves are written in :mod:`symnet.rendering.display`, a stage above all
of them (a derivation is shown by the renderer), which registers them here when :mod:`symnet` is imported; so
no stage imports one above its own to be shown.
"""
from __future__ import annotations

from typing import Callable

#: ``(class, view)`` → the function that shows an instance; views are ``repr``, ``latex`` and ``markdown``.
_VIEWS: dict[tuple[type, str], Callable[[object], str | None]] = {}


def register(cls: type, **views: Callable[[object], str | None]) -> None:
    """Show instances of ``cls`` with these functions (keywords ``repr``, ``latex``, ``markdown``)."""
    for view, function in views.items():
        _VIEWS[cls, view] = function


def show(obj: object, view: str) -> str | None:
    """``obj`` shown as ``view``: by the function registered for its class, else Python's own repr (and no
    notebook view)."""
    for cls in type(obj).__mro__:
        function = _VIEWS.get((cls, view))
        if function is not None:
            return function(obj)
    return object.__repr__(obj) if view == "repr" else None


class Shown:
    """A class whose repr and notebook views are the ones registered for it (a dataclass that is ``Shown``
    says ``repr=False``, so that it keeps this repr)."""

    def __repr__(self) -> str:
        return show(self, "repr")

    def _repr_latex_(self) -> str | None:
        return show(self, "latex")

    def _repr_markdown_(self) -> str | None:
        return show(self, "markdown")
