"""Claims: an equation between two sides, decided as written or, failing that, as the matrix claim it may be;
a refutation must survive doubt first (one-sided quantities, second readings, rounding, foreign notation).
"""
from __future__ import annotations

import re

import sympy as sp

from ..decide.outcome import Outcome
from ..decide.sampler import fails_only_at_special_points, solvable
from ..latex import Node
from ..read.meaning import MATRIX_FUNCTIONS, Meaning
from ..read.nodes import Undecided, _key, _show, numeric
from .domains import _decide, _domain, _sides
from .doubt import (children, derivative_variables, imaginary_unit, one_sided, repeated_index, scaled_or_rounded,
                    second_readings, stated_names, unbounded_sum, written_names)
from .confidence import NO_VALUE
from .forms import _capital_products, _has_derivative, _noncommutative
from .scope import (written_symbols, foreign_functions, _defined_written, _free_family_members, _index_clash, _named_values,
                    _undeclared)
from .state import NoteState, ROUNDED_DIGITS, SIZE_NAMES


def _claim(meaning: Meaning, left_node: Node, right_node: Node, relation: str, state: NoteState,
           budget: float, second: bool = False) -> Outcome:
    """A claim between two sides, with the note's definitions and this paragraph's settings. A refutation
    must survive the doubts of :mod:`symnet.notes.judge.doubt` (one-sided quantities, other readings, rounding)."""
    meaning.ambiguous.clear()
    meaning.bracketed.clear()
    outcome, sides = _claim_as_written(meaning, left_node, right_node, relation, state, budget)
    if outcome.status == "verified" and meaning.ambiguous:
        names = ", ".join(sorted(meaning.ambiguous)[:3])
        raise Undecided(f"holds with {names}(…) read as a product ({outcome.detail}), but {names} before a bracket "
                        f"may be a function applied, for which it is not shown")
    if outcome.status != "refuted":
        return outcome
    index = repeated_index(left_node) or repeated_index(right_node)
    if index:
        raise Undecided(f"fails as written ({outcome.detail}), but the index {index} is repeated in a product: "
                        f"Einstein's summation convention may be meant")
    if imaginary_unit(left_node) or imaginary_unit(right_node):
        raise Undecided(f"fails with i a real number ({outcome.detail}), but i in an exponent of e may be the "
                        f"imaginary unit (complex values are not checked)")
    if (unbounded_sum(left_node) or unbounded_sum(right_node)) and sides is not None and \
            any(getattr(s, "is_integer", False) or SIZE_NAMES.match(str(s))
                for s in sides[0].free_symbols | sides[1].free_symbols):
        raise Undecided(f"fails as written ({outcome.detail}), but a sum without bounds (Σ_i) sits beside a size: "
                        f"how far the sum runs is not tied to it")
    if sides is None and "leave apart" in outcome.detail:
        # sizes the definitions do not tie together are not shown different either: no contradiction
        raise Undecided(f"read as matrices the shapes do not fit as drawn ({outcome.detail}); nothing in the "
                        f"note forces those sizes apart")
    if _decimals(left_node) or _decimals(right_node):
        if written_names(left_node) or written_names(right_node) or _has_derivative(left_node) or \
                _has_derivative(right_node):
            # ∂f/∂w_0 = x_0 × (−0.20) = 0.20: decimals beside names are a worked example's values, and the
            # example's inputs are often given in prose
            raise Undecided(f"fails as written ({outcome.detail}), but decimals beside names make it a worked "
                            f"example whose values may be given in the prose")
    foreign = foreign_functions((left_node, right_node), state)
    if foreign:
        # g = ReLU defined in an earlier section; here the note says its layers are linear (in prose)
        raise Undecided(f"fails with {foreign[0]} as defined on line {state.lines.get(foreign[0])} ({outcome.detail}), "
                        f"another section: the note may mean another {foreign[0]} here")
    if sides is not None:
        family = _free_family_members(sides[0], sides[1], state)
        if family:
            raise Undecided(f"fails as written ({outcome.detail}), but it relates members of {family}, which the "
                            f"note leaves free (a recurrence or a relation among them, not an identity)")
        clash = _index_clash(left_node, right_node, state)
        if clash:
            raise Undecided(f"fails as written ({outcome.detail}), but the index {clash} is both free here and "
                            f"summed over in a definition it rests on")
    if sides is None and "shape" in outcome.detail:
        loose = _undeclared(left_node, state) | _undeclared(right_node, state)
        if loose:
            raise Undecided(f"read as matrices the shapes do not fit ({outcome.detail}), but the note gives no "
                            f"shape for {', '.join(sorted(loose)[:4])}")
    if sides is not None:
        left, right = sides
        if relation == "=" and not (left.free_symbols or right.free_symbols):
            reason = scaled_or_rounded(left, right)
            if reason:
                raise Undecided(f"as numbers the sides differ, but {reason}")
            if _size_product(left_node) or _size_product(right_node):
                # (7 + 2 − 3)/1 + 1 = 7 × 7: the output is a 7×7 map, a size written as a product
                raise Undecided(f"as numbers the sides differ ({outcome.detail}), but n × n may be a size (an "
                                f"n×n map), not a product")
            named = _named_values(left_node, state) | _named_values(right_node, state)
            if named:
                # 4.5 = (W − F + 2P)/S + 1 with P from a general formula: a worked example may take its own
                # values for the names a general definition gave
                raise Undecided(f"as numbers the sides differ ({outcome.detail}), but they take "
                                f"{', '.join(sorted(named)[:3])} from the note's definitions: a worked example may "
                                f"use values of its own")
        domain = _domain(state, left, right)
        # E and Var bring in what the assumptions state (Var(Σ w_j x_j) = n σ² γ²): those names are given
        expectations = _expectation(left_node) or _expectation(right_node)
        stated = stated_names(state.context.facts) | {str(s) for s in domain.integers} if expectations else set()
        sided = one_sided(left, right, left_node, right_node, stated, wholes=expectations)
        if sided and solvable(left, right, relation, domain, unknowns=tuple(sided)):
            names = ", ".join(map(str, sided[:4]))
            raise Undecided(f"fails as an identity ({outcome.detail}), but {names} "
                            f"{'is' if len(sided) == 1 else 'are'} on one side only: an equation that holds for "
                            f"some values (a condition, a fit or a definition in passing), not refuted")
        if sided:
            outcome = Outcome("refuted", f"{outcome.detail}; {NO_VALUE} {', '.join(map(str, sided[:4]))} "
                                         f"satisfies it")
        if _activations(left_node) | _activations(right_node) > {r"\sigma"} and r"\sigma" in \
                _activations(left_node) | _activations(right_node) and "\\sigma" not in state.context.functions:
            # σ'(x) = 1 − tanh²(x): σ here stands for the activation the note speaks of, not the logistic one
            raise Undecided(f"fails with σ the logistic sigmoid ({outcome.detail}), but the claim speaks of "
                            f"another activation too: σ may stand for it here")
        if re.match(r"at [^:]*: ", outcome.detail) and \
                fails_only_at_special_points(left, right, relation, _domain(state, left, right)):
            raise Undecided(f"fails only at a special point ({outcome.detail.split(':')[0]}: "
                            f"{outcome.detail.split(':', 1)[1].strip()}) and holds at 20 random points: a "
                            f"convention at that point (sign(0), a derivative at a kink), not refuted")
    if not second:
        known = {str(s) for v in state.context.values.values() if hasattr(v, "free_symbols")
                 for s in v.free_symbols}
        for what, left2, right2 in second_readings(left_node, right_node, known, set(state.context.functions)):
            try:
                again = _claim(Meaning(state.context), left2, right2, relation, state, budget, second=True)
            except Undecided as exc:
                again = Outcome("undecided", str(exc))
            if again.status != "refuted":
                raise Undecided(f"fails as written ({outcome.detail}), but not when read with {what} "
                                f"({again.status}{': ' + again.detail[:120] if again.detail else ''})")
    return outcome


def _claim_as_written(meaning: Meaning, left_node: Node, right_node: Node, relation: str, state: NoteState,
                      budget: float) -> tuple[Outcome, tuple | None]:
    try:
        left, right = _sides(meaning, left_node, right_node, state)
    except Undecided as scalar_reason:
        return _matrix_claim(left_node, right_node, relation, state, scalar_reason), None
    if _capital_products(left) or _capital_products(right):
        return _noncommutative(left, right, relation, budget), (left, right)
    try:
        outcome = _decide(left, right, relation, state, budget)
    except Undecided as scalar_reason:
        return _matrix_claim(left_node, right_node, relation, state, scalar_reason), None
    if outcome.status == "refuted" and relation == "=":
        _rounded(left_node, right_node, left, right)
        _foreign(left_node, right_node, left, right, state)
    if outcome.status == "refuted" and state.section_settings:
        _worked_example(left, right, relation, state, budget)
    return outcome, (left, right)


def _worked_example(left, right, relation: str, state: NoteState, budget: float) -> None:
    """A claim refuted in general but true at the values an earlier paragraph of its section set (a worked
    example over several paragraphs): undecided, naming the values, rather than refuted."""
    values = {s: v for s, (v, _line) in state.section_settings.items() if left.has(s) or right.has(s)}
    if not values:
        return
    try:
        again = _decide(left.xreplace(values), right.xreplace(values), relation, state, budget)
    except Undecided:
        return
    if again.status == "verified":
        shown = ", ".join(f"{s} = {v} (line {line})" for s, (v, line) in state.section_settings.items()
                          if s in values)
        raise Undecided(f"holds at {shown} set earlier in this section (a worked example?), not in general")


def _foreign(left_node: Node, right_node: Node, left, right, state: NoteState) -> None:
    """∂L/∂b = (1/m) Σ (y_pred − y_true) after a one-example L: a derivative claim whose other side speaks of
    names that neither the derivative nor the note's definitions involve is about another L (a batch, another
    section): undecided, not refuted."""
    if not (_has_derivative(left_node) or _has_derivative(right_node)):
        return
    known = left.free_symbols | set().union(*[v.free_symbols for v in state.context.values.values()
                                              if hasattr(v, "free_symbols")] or [set()])
    foreign = {s for s in right.free_symbols - known if isinstance(s, sp.Symbol) and not s.is_integer}
    if foreign:
        names = ", ".join(sorted(map(str, foreign)))
        raise Undecided(f"the right side speaks of {names}, which the note's definitions do not involve "
                        f"(another {_show(left_node.args[0]) if left_node.kind == 'deriv' else 'quantity'}?)")


def _rounded(left_node: Node, right_node: Node, left, right) -> None:
    """√(0.2·0.37) = 0.272: a short decimal that is the other side rounded to the digits written is a rounded
    value, not a wrong one; it is undecided (≈ says so). A long one (1/3 = 0.333333333333) claims its digits."""
    for literal, other in ((right_node, left), (left_node, right)):
        if literal.kind == "num" and re.fullmatch(r"\d+\.\d+", literal.name) and not other.free_symbols:
            digits = len(literal.name.replace(".", "").lstrip("0"))
            decimals = len(literal.name.split(".")[1])
            if digits <= ROUNDED_DIGITS:
                try:
                    close = abs(sp.N(other, 30) - sp.Rational(literal.name)) <= sp.Rational(1, 2) * 10 ** -decimals
                except (TypeError, ValueError):
                    return
                if close:
                    raise Undecided(f"equal only to the {digits} digits written (rounded; ≈ would say so)")


def _matrix_claim(left_node, right_node, relation, state: NoteState, scalar_reason: Undecided) -> Outcome:
    """What scalar semantics cannot decide may be a statement about matrices (only when it is written with
    matrix notation: capitals, bold vectors, transposes, ∘, 𝟏, brackets of entries, or names the note made
    matrices; log(ab) = log a + log b is no statement about matrices)."""
    if not (_matrix_notation(left_node, state) or _matrix_notation(right_node, state)) or \
            _expectation(left_node) or _expectation(right_node):
        raise scalar_reason
    try:
        outcome = state.matrices.check((left_node, right_node), relation)
        if outcome.status == "refuted" and not (_known_matrices(left_node, state) or
                                                _known_matrices(right_node, state)):
            # P(heads), E[X]: capitals alone do not make matrices; nothing in the note says these are
            raise Undecided(f"read as matrices it fails ({outcome.detail}), but nothing in the note makes "
                            f"these names matrices")
        if outcome.status == "refuted" and (numeric(left_node) or numeric(right_node)) and \
                (written_names(left_node) or written_names(right_node)):
            # ‖u‖ = 1, L𝟏 = 0, uᵀSu = 1: an expression set to a number is a constraint (or a zero vector)
            raise Undecided(f"read as matrices it fails ({outcome.detail}), but one side is a number: a "
                            f"constraint on particular values, not an identity")
        if outcome.status == "refuted" and not (written_names(left_node) or written_names(right_node)):
            rounded = _entry_rounded(outcome.detail)
            if rounded:
                raise Undecided(f"the entries agree to the digits written ({rounded}); = with rounded values")
        if outcome.status == "refuted" and (written_names(left_node) or written_names(right_node)) and \
                not (_defined_written(left_node, state) or _defined_written(right_node, state)):
            # Aᵀ = −A, X* X = I: a property that picks out particular matrices (skew-symmetric, unitary) the
            # note leaves free, not an identity about every matrix
            raise Undecided(f"read as matrices it fails ({outcome.detail}), but the note defines none of its "
                            f"names: a property of particular matrices, not an identity")
        if outcome.status == "refuted":
            sided = _one_sided_names(left_node, right_node, state)
            if sided:
                # Xᵀ X θ + λ θ = Xᵀ y: the normal equations, a condition on θ, not an identity in X and y
                raise Undecided(f"read as matrices it fails ({outcome.detail}), but {', '.join(sided[:4])} "
                                f"{'is' if len(sided) == 1 else 'are'} on one side only (an equation to solve, "
                                f"not an identity)")
        return outcome
    except Undecided as matrix_reason:
        matrix_names = state.matrices.matrix_only(left_node, right_node, state.context.values)
        raise (matrix_reason if matrix_names else scalar_reason) from None
    except (ValueError, TypeError, IndexError, ZeroDivisionError, RecursionError):
        raise scalar_reason from None


MATRIX_NAME = re.compile(r"^(\\(hat|bar|tilde|widehat|mathcal|mathrm|operatorname)\{)?[A-Z]|"
                         r"^\\(mathbf|boldsymbol|bm|vec|mathbb)\b|^\\(Sigma|Lambda)")


ACTIVATIONS = {r"\sigma", "tanh", "ReLU", "relu", "sigmoid", "softplus", "GELU", "gelu", "ELU", "SiLU", "Swish"}


def _activations(node) -> set:
    """The activation functions a claim applies (σ(x), \tanh x, ReLU(z))."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind == "call" and node.name.lstrip("\\") in {a.lstrip("\\") for a in ACTIVATIONS}:
        found.add(r"\sigma" if node.name.lstrip("\\") == "sigma" else node.name.lstrip("\\"))
    if node.kind == "name" and node.name == r"\sigma":
        found.add(r"\sigma")
    for child in children(node):
        found |= _activations(child)
    return found


def _one_sided_names(left_node: Node, right_node: Node, state: NoteState) -> list:
    """The free names one side of a claim depends on and the other does not, the note's definitions (scalar
    and matrix) followed down to the names they rest on: ∂L/∂W_x and ∂L/∂z_1 both rest on everything L does."""
    meaning, ctx, definitions = Meaning(state.context), state.context, state.matrices.definitions

    def leaves(node, seen) -> set:
        found = set()
        for n, k, symbol in written_symbols(node, state, meaning):
            if k is None:
                continue
            if k in definitions:
                if k not in seen:
                    found |= leaves(definitions[k], seen | {k})
                continue
            if symbol is None:
                continue
            if ctx.defines(symbol) or k in state.matrix_names:
                value = ctx.values.get(symbol)
                if value is None and isinstance(symbol, sp.Indexed):
                    value = ctx.values.get(symbol.base.label)
                if isinstance(value, sp.Basic):
                    found |= _bases(value)
                continue
            found |= _bases(symbol)
        return found
    def written(node) -> set:
        # the free names written on a side itself (not reached through a definition)
        found = set()
        for n, k, symbol in written_symbols(node, state, meaning):
            if k is None or symbol is None or k in definitions or ctx.defines(symbol) or k in state.matrix_names:
                continue
            found |= _bases(symbol)
        return found
    exempt = derivative_variables(left_node) | derivative_variables(right_node)
    sided = (written(left_node) - leaves(right_node, frozenset())) | \
        (written(right_node) - leaves(left_node, frozenset()))
    return sorted(n for n in sided if n not in exempt)


def _size_product(node: Node) -> bool:
    """``7 \\times 7``: the same whole number twice, multiplied: how sizes are written."""
    return node.kind == "op" and node.name == "*" and all(a.kind == "num" for a in node.args) and \
        node.args[0].name == node.args[1].name and node.args[0].name.isdigit()


def _decimals(node) -> bool:
    """Whether a decimal number (0.20, 1.105) is written in a side."""
    if not isinstance(node, Node):
        return False
    if node.kind == "num" and "." in node.name:
        return True
    return any(_decimals(child) for child in children(node))


def _entry_rounded(detail: str) -> str | None:
    """``entry (1, 1): left -1.22699, right -1.23``: a short decimal that is the other value rounded."""
    match = re.search(r"left (-?[\d.]+(?:e[-+]?\d+)?), right (-?\d+\.(\d{1,4}))(?![\d.e])", detail)
    if not match:
        return None
    left, right, decimals = float(match.group(1)), float(match.group(2)), len(match.group(3))
    if abs(left - right) <= 0.5 * 10 ** -decimals + 1e-12:
        return f"{left:g} is {match.group(2)} to {decimals} decimals"
    return None


def _bases(e: sp.Basic) -> set:
    """The names an expression rests on: symbols, and families by their name (y for y_1); whole numbers aside."""
    indexed = e.atoms(sp.Indexed)
    names = {str(x.base.label) for x in indexed}
    inner = {s for x in indexed for s in x.free_symbols}
    names |= {str(x) for x in e.free_symbols - inner if isinstance(x, sp.Symbol) and not x.is_integer}
    return names


def _expectation(node: Node) -> bool:
    """E[X], Var(X), Cov(X, Y), P(…): statements about random quantities, never read as matrices."""
    if node.kind == "call" and node.name in ("E", "Var", "Cov", "P", "Pr"):
        return True
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and node.args[0].name in ("E", "P") \
            and node.args[1].kind in ("paren", "tuple"):
        return True
    return any(isinstance(a, Node) and _expectation(a) for a in node.args)


def _known_matrices(node: Node, state: NoteState) -> bool:
    """Names the note defined or declared as matrices, or notation only matrices have (ᵀ, ∘, 𝟏, brackets)."""
    if node.kind in ("transpose", "matrix") or node.kind == "op" and node.name == "∘":
        return True
    if node.kind in ("name", "sub") and (_key(node) in state.matrix_names or
                                         node.kind == "name" and node.name.startswith(("\\mathbf{1}", "\\mathbb{1}"))):
        return True
    if node.kind == "call" and node.name in MATRIX_FUNCTIONS:
        return True
    return any(isinstance(a, Node) and _known_matrices(a, state) for a in node.args)


def _matrix_notation(node: Node, state: NoteState) -> bool:
    if node.kind in ("transpose", "matrix", "norm") or node.kind == "op" and node.name == "∘":
        return True
    if node.kind == "name" and MATRIX_NAME.match(node.name):
        return True
    if node.kind in ("name", "sub") and _key(node) in state.matrix_names:
        return True
    if node.kind == "call" and node.name in MATRIX_FUNCTIONS:
        return True
    if node.kind == "sub" and node.args and isinstance(node.args[0], Node) and _matrix_notation(node.args[0], state):
        return True
    return any(isinstance(a, Node) and _matrix_notation(a, state) for a in node.args)
