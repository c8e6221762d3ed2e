"""When a failing claim is *refuted*: only where the failure does not rest on symnet's reading of the note's
context. A refutation blocks a note (exit 1 in a hook), so it must be as sure as a proof.

Hand-judged samples of public notes (benchmarks/RESULTS.md) showed where refutations go wrong: nearly every
false alarm rested on something read from elsewhere in the note — a definition from another paragraph taken
for the one meant, a setting of a worked example carried over, equations of lines read as definitions, a
condition (one side a constant, or different unknowns on each side) read as an identity — while the right
ones were mostly closed arithmetic, kept here: the sides write no free names at all (``(64 − 4)/2 + 1 = 20``,
``f(6) = 4.0`` with ``f`` the note's function, a matrix of numbers), after a name the chain starts by naming
(``w = …``). An identity between names, even one that fails everywhere, is undecided: on samples F and G such
failures were mostly notation read another way (``d(\\sin x) = \\cos x\\,dx``, ``e^{jθ}``, vectors taken for
numbers) and about one in ten a real error; its counterexample is reported all the same.

Checks that name their own premises also stand: a closed form checked by induction against the note's
recurrence, a solution substituted into the note's condition, expectations computed from this section's
stated assumptions. Every other failure is reported *undecided*, with the counterexample and what it rests on.
"""
from __future__ import annotations

import re

from ..latex import Node
from ..read.meaning import KNOWN_FUNCTIONS, Meaning
from .doubt import _text, derivative_variables
from .scope import _applied_names, _calls_defined, _same_section, written_symbols
from .state import NoteState

#: what a claim's detail says when no value of its one-sided names satisfies it (σ(x) + σ(−x) = 2): false as
#: an identity and as an equation
NO_VALUE = "no value of"
#: details of checks whose premises the verdict names (see the module's docstring)
_SELF_CONTAINED = ("the closed form does not", "does not solve the condition")


def refutation_doubt(ops: tuple, parts: tuple, state: NoteState, detail: str, evidence) -> str | None:
    """Why a failing claim is not refuted (``None``: the refutation stands)."""
    identity = re.search(r"(?<![A-Za-z\\])(?:I|\\mathbf\{I\}|\\mathbb\{I\})(?:_\{?n\}?)?\[[^\]]*\] = ", detail)
    if identity:
        # w ~ N(0, I_n), then εn Var[w_i] = εn "fails at I[7] = −1": I is the identity matrix, its diagonal is 1
        return f"its counterexample sets {identity.group().rstrip(' =')}, a member of I, which is the identity matrix"
    if detail.startswith(_SELF_CONTAINED) or evidence:
        return None
    if "shape" in detail:
        # the sizes were inferred by symnet, not written by the note ((Ax)ᵀ(Ax) is 1×1 for a vector x)
        return "it rests on the shapes symnet inferred for the note's names"
    if len(parts) > 2 and ops[0] == "=" and isinstance(parts[0], Node) and parts[0].kind in ("name", "sub"):
        parts = parts[1:]   # "w_out = (64 − 4)/2 + 1 = 20": the chain names its result, then computes it
    meaning = Meaning(state.context)
    # the names differentiated by are on both sides whatever the result is (d/dx x² = 2 is an identity claim)
    exempt = set().union(*(derivative_variables(part) for part in parts))
    written, given, calls, named = [], set(), False, False
    for part in parts:
        names = set()
        applied = _applied_names(part)
        for n, key, symbol in written_symbols(part, state, meaning):
            plain = n.name.lstrip("\\") if n.kind == "name" else None
            if plain in state.context.functions:
                calls = True     # the note's own f in f(6), f(x)²
                continue
            if plain in KNOWN_FUNCTIONS and plain in {a.lstrip("\\") for a in applied}:
                continue         # σ in σ'(x): a function, not a name the claim is about (σ² is a name: σ > 0 may be meant)
            shown = str(key) if key is not None else _text(n)
            if symbol is not None and not symbol.free_symbols:
                continue     # π, e: constants, not names
            if symbol is None or key is None:
                given.add(shown)
                continue
            if state.context.defines(symbol) or key in state.matrices.definitions or key in state.matrix_names \
                    or symbol in state.used:
                given.add(shown)
            named = True
            if _text(n) not in exempt:
                names.add(shown)
        written.append(names)
    calls = calls or any(_calls_defined(part, state) for part in parts)
    if not named and not given:
        if not state.sigmoid_named and "sigma" not in state.context.functions and \
                any(name.lstrip("\\") == "sigma" for part in parts for name in _applied_names(part)):
            # σ(0) = 0 where the note's σ is √(1 − ᾱ)/√ᾱ: σ applied is the sigmoid only if the note says so
            return "σ is read as the logistic sigmoid, which the note never names: it may be the note's own σ"
        far = far_function(parts, state)
        if far:
            # f(1) = 1 in exercise 18 with the f = |x − 1/2| of exercise 3, 86 lines up: a premise of its own problem
            return far
        return None          # closed arithmetic (the note's functions applied to numbers allowed, defined near)
    if given:
        return f"it rests on the note's value for {_list(given)}, which may not be the one meant here"
    if calls:
        return "it rests on a function the note defines, which may not be the one meant here"
    if any(names != written[0] for names in written[1:]) and NO_VALUE not in detail:
        return "its sides do not write the same names: an equation for some values, not an identity"
    # an identity between names: on hand-judged public notes (samples F and G) nearly every such failure was
    # notation read another way — d(sin x) = cos x dx (d a differential), e^{jθ} (j the imaginary unit),
    # matrices and vectors taken for numbers, a function's name glued to its argument — and one in ten a
    # real error: the counterexample is reported, the note is not blocked
    return "it relates names whose notation may mean something else here (differentials, vectors, operators)"


#: lines after which a function's definition is taken to belong to another exercise of the note
FAR_DEFINITION = 30


def far_function(parts, state: NoteState) -> str | None:
    """Why a claim about the note's function at given arguments may be about another function: its definition
    is in another section or more than :data:`FAR_DEFINITION` lines up (None when it is near)."""
    for part in parts:
        for name in sorted(_applied_names(part)):
            if name not in state.context.functions:
                continue
            where = state.lines.get(name)
            if where is None or not _same_section(where, state) or state.here - where > FAR_DEFINITION:
                at = f"line {where}" if where is not None else "elsewhere"
                return f"it rests on {name} as defined on {at}, far from here: the note may mean another {name} " \
                       f"(an exercise's own)"
    return None


def _list(names) -> str:
    shown = sorted(str(n) for n in names)
    return ", ".join(shown[:4]) + (", …" if len(shown) > 4 else "")
