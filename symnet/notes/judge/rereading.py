"""Verdicts read again before they are given: a verified or refuted claim that notes' notation may mean
otherwise (W_t+1 for W_{t+1}, vectors taken for numbers, axioms and "such that" properties, arithmetic the words
make modular, cos⁻¹, angles in degrees, values at 0 of names never defined, sums to ∞ sampled finitely).
Verified claims are read again for notation that the numbers reading contradicts (:func:`_typed_reading`: vectors,
maps applied twice, composition, Landau's o, traces and bold moments, bracketed letters, one-sided limits), and for
premises (a verification under "if/when" that rests on the note's values is a condition). Each rule came from a
hand-judged sample of public notes (benchmarks/RESULTS.md) and has a case with its negative control in
tests/test_doubt.py. A rule returns the new (status, detail), or None to keep the verdict.
"""
from __future__ import annotations

import re

import sympy as sp

from ..read.meaning import KNOWN_FUNCTIONS
from ..read.nodes import _show
from .confidence import far_function
from .doubt import written_names
from .scope import _defined_written, foreign_functions, written_symbols
from .state import AXIOM_PROSE, VECTOR_PROSE, NoteState

#: a one-letter subscript followed by ±1, unbraced and unspaced (W_t+1): typed for W_{t+1} as often as not
_UNBRACED_STEP = re.compile(r"([A-Za-z])_([a-z])([+-])1(?![0-9.])")
#: words that make arithmetic modular ("true mod 3", "modulo 7", "in Z_5")
_MODULAR = re.compile(r"\bmod(?:ulo|ular)?\b|\\pmod|\\bmod|同余|模\s*\d", re.IGNORECASE)
#: a sum or product whose upper limit is ∞
_INFINITE_SUM = re.compile(r"\\(?:sum|prod)\s*_\s*(?:\{[^{}]*\}|\S)\s*\^\s*\{?\s*\\infty")
#: a trigonometric function of a whole number of degrees as written (\cos 90, \sin(30))
_DEGREE_ANGLE = re.compile(r"\\(?:sin|cos|tan|cot)\s*\(?\s*(?:15|30|45|60|90|120|135|150|180|270|360)(?![0-9.])")
#: the inverse-function superscript on a trigonometric function (cos^{-1} x: arccos or 1/cos)
_INVERSE_TRIG = re.compile(r"\\(?:sin|cos|tan)\s*\^\s*\{\s*-\s*1\s*\}|\\(?:sin|cos|tan)\s*\^\s*-1")
#: a whole number written right before a fraction: 16 \frac{2}{3} (a mixed number, or a product)
_MIXED_NUMBER = re.compile(r"(?<![\d.^_{])\d+\s*\\[dt]?frac\s*(?:\{\s*\d+\s*\}|\d)\s*(?:\{\s*\d+\s*\}|\d)")
#: a letter with digits glued to it: x2, W1 (an index written without an underscore)
_GLUED_INDEX = re.compile(r"(?<![A-Za-z\\_^])(?<!\^\{\()(?<!\^\()[A-Za-z]\d+(?![\d.])")   # not K^{(s2)}, a label
#: a transpose, conjugate or adjoint mark (A^T, A^*, A^H, A^\dagger), and spacing or a written product (\,  \cdot)
_DECORATION = re.compile(r"\^\{?(?:T|\\top|\\mathsf\{T\}|\\mathrm\{T\}|\*|H|\\ast|\\dagger)\}?")
_SPACING = re.compile(r"\s+|\\(?:cdot|,|;|!| )")


def _kind_condition(text: str) -> bool:
    """A^T = A, A^*A = AA^*, AB = BA: capitals alone, the same ones on both sides, only decorated or reordered."""
    sides = [_SPACING.sub("", side) for side in text.split("=")]
    if len(sides) != 2:
        return False
    letters = [_DECORATION.sub("", side) for side in sides]
    # AB = A·B only writes one product two ways: not a property of anything
    return all(re.fullmatch(r"[A-Z]+", x) for x in letters) and sorted(letters[0]) == sorted(letters[1]) and \
        sides[0] != sides[1]


#: two equations side by side: R=0\;u=0, x = 1 \quad y = 2
_SIDE_BY_SIDE = re.compile(r"=[^=]*?\d\s*\\(?:;|quad|qquad|,)\s*[A-Za-z][^=]*=")
#: a function's value at a number: f(0), g(1.5)
_VALUE_AT_NUMBER = re.compile(r"(?<![A-Za-z\\])([A-Za-z])\s*(?:\\left)?\(\s*[-+]?\d+(?:\.\d+)?\s*(?:\\right)?\)")
#: a ratio of whole numbers set equal to a whole number: 44/2 = 22, 5/2 = 2, 1/2 = 0 (quotients in a division table)
_WHOLE_QUOTIENT = re.compile(r"^\s*(?:\\[dt]?frac\s*\{?\s*(\d+)\s*\}?\s*\{?\s*(\d+)\s*\}?|(\d+)\s*/\s*(\d+))"
                             r"\s*&?\s*=\s*(\d+)\s*(?:,|\\quad|&|\\\\|$)")
#: a function written without brackets whose argument is followed by a division: \cos \pi / 2
_LOOSE_ARGUMENT = re.compile(r"\\(?:sin|cos|tan|log|ln|exp)\s+\\?[A-Za-z]+\s*/\s*\d")
#: binary operators notes define in words (⋆ convolution, ⊕, ⊗): read as products by the grammar
_OPERATOR = re.compile(r"\\(?:star|ast|diamond|oplus|otimes|bullet)(?![A-Za-z])|"
                       # a plain * between single letters or brackets (a * b, (a*b)*c): a group law or a convolution;
                       # between numbers (2 * 3) or after a fraction (\frac{…}{…} * \frac{…}{…}) it is a product
                       r"(?:(?<![A-Za-z\\])[A-Za-z]|\))\s*\*\s*(?:[A-Za-z](?![A-Za-z{])|\()")
#: a name (possibly starred or primed) applied to 0: x^\star(0), β(0)
_AT_ZERO = re.compile(r"(\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]\}?)?)(?:\^\{?(?:\\star|\*|\\ast)\}?|')?\s*\(\s*(0|\\infty)\s*\)")

#: a paragraph headed "Definition" (in several languages) that ends by introducing a list: what follows are the
#: defining properties (a vector space's axioms, a linear map's conditions), not results
_DEFINITION_LIST = re.compile(r"(?:^|\*\*|#\s*|\n)\s*(?:Definition|Definizione|Définition|Definición|Definição|"
                              r"定义|定義|정의)[^\n]*\n(?:.|\n)*[:：]\s*$", re.IGNORECASE)

#: how many lines after a "Definition …:" paragraph its list of defining properties is taken to run
DEFINITION_LIST_LINES = 12

#: words that name the logistic sigmoid (σ is also a standard deviation, a noise scale, a singular value)
_SIGMOID_WORDS = re.compile(r"sigmoid|logistic|시그모이드|シグモイド|逻辑|S\s*型", re.IGNORECASE)

#: words saying the letters of a formula are numbers ("for real numbers a and b", x ∈ ℝ)
_NUMBERS_PROSE = re.compile(r"\bnumbers?\b|\\in\s*\\mathbb\s*\{?[RCQZN]\}?(?!\s*\^)|实数|실수", re.IGNORECASE)
#: words naming other objects or structures (a vector space's scalars, a group's operation): the law is theirs
_STRUCTURE_PROSE = re.compile(r"vector|matri|group|ring\b|field|operation|space|axiom|scalar|向量|矩阵|群|运算|"
                              r"벡터|행렬|ベクトル|行列|vecteur|Vektor|vettor|espace|Raum", re.IGNORECASE)

#: the commands that make a lower-case letter bold or arrowed: a vector by convention
_VECTOR_COMMANDS = r"mathbf|vec|boldsymbol|bm|overrightarrow"
#: bold or arrowed lower-case letters: vectors by convention
_VECTOR_NAME = re.compile(rf"\\(?:{_VECTOR_COMMANDS}|textbf)\{{[a-z]\}}")
#: a random-matrix draw of a bold or arrowed lower-case name as 1×1 (a vector checked as a number)
_ONE_BY_ONE = re.compile(rf"(\\(?:{_VECTOR_COMMANDS})\{{[a-z]\}}) 1×1(?!\d)")
#: operators of matrices and random variables that verify reads as factors when written without brackets or bold
_TRACE_OR_BOLD_MOMENT = re.compile(r"\\(?:mathrm|operatorname|text)\{(?:tr|Tr|trace)\}|\\mathbf\{(?:E|Var|Cov)\}")
#: a single letter in square brackets used as an operand ([a] + [b]: a residue class, a floor, an Iverson bracket)
_BRACKETED_LETTER = re.compile(r"(?<![A-Za-z}\]_^])\[\s*[a-z]\s*\]")
#: a one-sided argument x + 0 or x − 0 (F(x + 0): the right limit)
_ONE_SIDED_ARGUMENT = re.compile(r"\(\s*[a-z]\s*[+-]\s*0\s*\)")
#: a vector in bold text (\textbf{u}, \textbf u), which the grammar reads as the plain letter
_BOLD_TEXT = re.compile(r"\\textbf\s*(?:\{[a-z]\}|[a-z](?![A-Za-z]))")
#: a capital, or f, g, h, right before a bracket: a map applied when it happens twice in a claim
_APPLIED_LETTER = re.compile(r"(?<![A-Za-z\\])([A-Zfgh])\s*(?:\\left)?\(")
#: function composition f ∘ g, or an inverse function f^{-1}
_COMPOSED = re.compile(r"(?<![A-Za-z\\])[fghFGH]\s*\\circ\s*\(?\s*[fghFGH](?![A-Za-z])|"
                       r"(?<![A-Za-z\\])[fgh]\s*\^\s*\{\s*-\s*1\s*\}")
#: Landau's o(…) and O(…)
_LANDAU = re.compile(r"(?<![A-Za-z\\])[oO]\s*\(")
#: an order relation written in a formula
_INEQUALITY = re.compile(r"\\(?:le|ge|leq|geq|leqslant|geqslant|lt|gt)(?![a-z])|(?<!\\left)<|(?<!\\right)>")
#: a double-bar norm of something written with letters (‖x + y‖, \|\mathbf{w}\|): a vector's norm by convention
_NORM_OF_LETTERS = re.compile(r"(?:\\\||\|\||\\[lr]?Vert)\s*(?:\\(?:mathbf|boldsymbol|vec)\{)?\s*[A-Za-z]")
#: numbers in brackets separated by spacing commands: (2 \quad 1) is a row vector, not the product 2·1
_SPACED_ROW = re.compile(r"\(\s*-?\d+(?:\.\d+)?\s*\\(?:quad|qquad|;|:|,|\s)\s*-?\d")
#: a derivative with respect to a capital (d/dA, ∂f/∂W): with respect to a matrix where the words say so
_CAPITAL_DERIVATIVE = re.compile(r"\\frac\s*\{[^{}]*?(?:d|\\partial)\s*[^{}]*\}\s*\{\s*(?:d|\\partial)\s*\\?(?:mathbf\{)?([A-Z])")
#: words that make capitals matrices
_MATRIX_WORDS = re.compile(r"matri|矩阵|행렬|行列", re.IGNORECASE)
#: a capital the words call a matrix: "where $A$ is a square matrix", "$W$ is an $n \times m$ matrix"
_MATRIX_LETTER = re.compile(r"\$\s*(?:\\mathbf\{)?([A-Z])\}?\s*\$\s*(?:is|be|are|denotes?)\s+(?:a|an|the)?\s*(?:[^.$]{0,30}?)"
                            r"matri", re.IGNORECASE)
#: equation numbers added: (1) + (2) = (3)
_EQUATION_NUMBERS = re.compile(r"^\s*\(\d+\)(?:\s*[-+]\s*\(\d+\))*\s*=\s*\(\d+\)\s*$")


def _vector_names(parts, state: NoteState) -> list:
    """The vectors a claim writes as bare names (u, \\mathbf{a}; a component u_i is a number)."""
    return sorted({n.name for part in parts for n in written_names(part)
                   if n.kind == "name" and (n.name in state.vectors or _VECTOR_NAME.fullmatch(n.name))})


def read_vectors_and_axioms(context: str, line: int, state: NoteState) -> None:
    """Names the prose makes vectors, and words that make the formulas after them axioms."""
    for match in VECTOR_PROSE.finditer(context):
        spans = [g for g in match.groups() if g]
        for span in re.findall(r"\$([^$]+)\$", spans[0] if spans else ""):
            for name in re.split(r"\s*,\s*|\s*\\(?:cdot|times)\s*", span.strip()):
                if re.fullmatch(r"[a-z]", name) or _VECTOR_NAME.fullmatch(name):
                    state.vectors.setdefault(name, line)
    if state.axioms is not None and len(state.axioms) > 2 and line - state.axioms[1] > DEFINITION_LIST_LINES:
        state.axioms = None    # a definition's list of properties has ended; what follows may be claims again
    if AXIOM_PROSE.search(context):
        state.axioms = (state.section, line)
    elif _DEFINITION_LIST.search(context):
        state.axioms = (state.section, line, "definition list")
    for match in _MATRIX_LETTER.finditer(context):
        state.matrix_letters.setdefault(match.group(1), line)
    if _SIGMOID_WORDS.search(context):
        state.sigmoid_named = True


def reread_before(status: str, detail: str, text: str, parts, state: NoteState) -> tuple[str, str] | None:
    """Rereadings that come before the words around the formula are weighed (equations of lines, W_t+1)."""
    if status == "refuted" and state.several:
        equations = sorted({_show(n) for part in parts for n, _, symbol in written_symbols(part, state)
                            if (symbol, state.section) in state.several})
        if equations:
            return ("undecided", f"{', '.join(equations)} given several values in this section (equations, "
                    f"not definitions); as read it fails: {detail}")
    sloppy = _UNBRACED_STEP.search(text)
    if status in ("verified", "refuted") and sloppy:
        # "W_t+1" is W_t + 1 as typed, but notes write it for W_{t+1}: the two readings differ
        return ("undecided", f"{sloppy.group()} may mean {sloppy.group(1)}_{{{sloppy.group(2)}"
                f"{sloppy.group(3)}1}}; as typed it is {status}: {detail}")
    return None


def reread_after(status: str, detail: str, text: str, ops, parts, state: NoteState) -> tuple[str, str] | None:
    """Rereadings after the words around the formula are weighed (conditions, vectors, modular arithmetic …)."""
    if status == "verified" and state.quantified and any(op in ("<", ">", "≤", "≥") for op in ops):
        # "the total cost for any $N ≤ 2^k$ will be …": the range a statement is made for, not a result
        return ("assumption", f"the range a statement is made for (a quantifier before it); as read it holds: {detail}")
    row = _SPACED_ROW.search(text) if status in ("verified", "refuted") else None
    if row:
        # 2(2 \quad 1) = (4 \quad 2): a row vector scaled, read here as 2 · (2 · 1)
        return ("undecided", f"{row.group().strip()}… is a row of numbers (a vector), read here as a product "
                f"({status}: {detail})")
    hypothetical = sorted(str(s_) for s_ in state.used & state.hypothetical) if status == "verified" else []
    if hypothetical:
        # p''(x*) ≤ 0 "verified" at Δ₂ = 0, taken from "if Δ₁ = Δ₂ = 0, this technique breaks down"
        return ("undecided", f"holds as read ({detail}), but only at {', '.join(hypothetical)} as set after "
                f"'if'/'when': a hypothesis of its own sentence, not the case this claim is about")
    at_numbers = _VALUE_AT_NUMBER.findall(text) if status in ("verified", "refuted") else []
    if status == "verified" and any(m in state.context.functions for m in at_numbers):
        far = far_function(parts, state)
        if far:
            # f(0) = 0, f(1) > 0 given in exercise 18 "verified" with exercise 3's f: a premise of its own problem
            return ("undecided", f"holds as read ({detail}), but {far}")
    undefined_at = [m for m in at_numbers if m not in state.context.functions and
                    m.lstrip("\\") not in KNOWN_FUNCTIONS and sp.Symbol(m, real=True) not in state.context.values and
                    sp.Symbol(m, real=True) not in state.settings]
    if undefined_at:
        # f(0) = 2 for a function the exercise names but never writes out, X(0) ≥ x (a case of an argument):
        # read as f times 0 they "fail" or "hold"
        return ("undecided", f"{status} as read ({detail}), but {undefined_at[0]}(…) is read as a product: "
                f"{undefined_at[0]} may be a function the note does not write out")
    if status == "verified" and state.cue != "claim" and _kind_condition(text):
        # "symmetric: A^T = A", "| Normal | A^*A = AA^* |": the property that names a kind of matrix, not a claim
        return ("condition", f"the same matrices on both sides, only transposed, conjugated or reordered: the "
                f"defining property of a kind of matrix (symmetric, normal, commuting), not a claim; as read it "
                f"holds ({detail})")
    recurrent = [n for n in state.self_defined if status in ("verified", "refuted") and
                 re.search(rf"(?<![A-Za-z\\]){re.escape(n)}\s*(?:\\left)?\s*\(", text)]
    if recurrent:
        # 2·2T(n/4) after T(n) = 2T(n/2): read as products T·n/4 any such row "holds"; the recurrence is not solved
        return ("undecided", f"{recurrent[0]} is defined by a recurrence (line {state.self_defined[recurrent[0]]}); "
                f"read as a product {recurrent[0]}·(…) this is {status} ({detail}), which says nothing about "
                f"{recurrent[0]}")
    capital = _CAPITAL_DERIVATIVE.search(text) if status == "verified" and "random matri" not in detail else None
    if capital and (_MATRIX_WORDS.search(state.context.prose or "") or capital.group(1) in state.matrix_letters):
        # d/dA exp(A) = exp(A) "where A is a square matrix": a matrix derivative, checked here as a scalar one
        return ("undecided", f"a derivative with respect to a matrix, checked here as a scalar derivative ({detail})")
    if status in ("verified", "refuted") and state.negated:
        # "$AB = BA$ とは限らない" (need not hold): the note states it as what fails, not as a claim
        return ("mention", f"the words around it deny it (it need not hold); as read it is {status}: {detail}")
    if status in ("verified", "refuted") and state.such_that:
        # "a T⁻¹ such that T⁻¹(T(u)) = u": the property that picks something out, not a claim about it
        return ("condition", f"the words before it (such that …) make it a defining condition; as an "
                f"identity it is {status}")
    if status in ("verified", "refuted") and state.axioms is not None and state.axioms[0] == state.section:
        # "a set V with the following properties: x + y = y + x, …": what a structure must satisfy
        return ("condition", f"an axiom or defining property (the words on line {state.axioms[1]}), not a "
                f"claim; as an identity of numbers it is {status}")
    vectors = _vector_names(parts, state) if status in ("verified", "refuted") and \
        not re.search(r"matri|random|\d×\d|expectation rules", detail) else []
    if vectors:
        where = state.vectors.get(vectors[0])
        return ("undecided", f"{', '.join(vectors)} {'is a vector' if len(vectors) == 1 else 'are vectors'}"
                f"{f' (line {where})' if where else ''}, checked here only as numbers "
                f"({status}: {detail})")
    if status == "verified" and "matri" not in detail and state.context.evidence is None and \
            not _numbers_of_the_words(state.context.prose or "") and arithmetic_law(ops, parts, state):
        # (not matrices drawn at random, nor expectations decided by their rules: those were checked as what they are)
        return ("undecided", f"a law of arithmetic written with letters alone (commutativity, associativity, "
                f"distributivity, an identity element): {detail} of numbers, but notes state such laws as the "
                f"axioms of an operation or of vectors and matrices, which this does not show")
    if status == "verified":
        reread = _typed_reading(detail, text)
        if reread:
            return reread
    if status == "refuted" and _MODULAR.search(state.context.prose or ""):
        # "1 + 1 + 1 = 0 … true mod 3": the words make it modular arithmetic
        return ("undecided", f"fails as read ({detail}), but the words around it speak of modular "
                f"arithmetic; not refuted")
    if status == "refuted" and _MIXED_NUMBER.search(text):
        # 16 \frac{2}{3}\% is sixteen and two thirds per cent, not 16 × 2/3
        return ("undecided", f"fails as read ({detail}), but {_MIXED_NUMBER.search(text).group()} may be a mixed "
                f"number; not refuted")
    quotient = _WHOLE_QUOTIENT.match(text) if status == "refuted" else None
    if quotient:
        a, b = int(quotient.group(1) or quotient.group(3)), int(quotient.group(2) or quotient.group(4))
        if b and int(quotient.group(5)) == a // b:
            # 1/2 = 0 beside "remainder 1": division of whole numbers, the quotient written
            return ("undecided", f"fails as read ({detail}), but {a // b} is the whole-number quotient of {a} ÷ {b} "
                    f"(integer division?); not refuted")
    if status == "refuted" and _LOOSE_ARGUMENT.search(text):
        # \cos \pi / 2 is cos(π/2) to its writer, (cos π)/2 to the grammar
        return ("undecided", f"fails as read ({detail}), but the argument of "
                f"{_LOOSE_ARGUMENT.search(text).group().strip()} may run past the division; not refuted")
    if status == "refuted" and _INVERSE_TRIG.search(text):
        # cos^{-1} is arccos in most notes, 1/cos in some
        return ("undecided", f"fails as read with cos⁻¹ as 1/cos ({detail}); it may mean arccos; not refuted")
    at_zero = _AT_ZERO.search(text)
    if status == "verified" and at_zero and at_zero.group(1) not in state.context.functions and \
            at_zero.group(1).lstrip("\\") not in KNOWN_FUNCTIONS:
        # x*(0) = 0, β(0) = 0, f_X(∞) = 0: a value at 0 (or ∞) of something the note never defines holds here
        # only as "β times 0"
        return ("undecided", f"{at_zero.group(0)} read as {at_zero.group(1)} times {at_zero.group(2)} ({detail}); "
                f"a value of {at_zero.group(1)} at {at_zero.group(2)} is not shown")
    if status == "refuted" and len(parts) == 2 and all(p.kind == "num" for p in parts):
        # "1 = 2": two numbers and no computation — an example of a false statement, a label, a case
        return ("mention", f"two numbers set equal with nothing computed ({detail})")
    if status == "verified" and state.cue == "condition" and (detail.startswith(("agrees with", "restates")) or
                                                              "(setting, line" in detail or _INEQUALITY.search(text)):
        # "suppose Av = λv", "when p = log n / n": the same equation again, under words that make it a premise;
        # "when they say f(x) = 7" at x = 2, "a minimum if ∂²g/∂w² > 0": a case or a test, not a result
        return ("condition", f"the words around it make it a premise or a case; {detail}")
    if status == "verified" and state.premise and any(_defined_written(part, state) for part in parts):
        # "with the initial condition $x(0) = x_0$", "if $z = wx + b$": the premise itself, true of the note's x(t)
        # perhaps, but posed there, not claimed
        return ("condition", f"the words before it make it a premise (a condition posed, not a result); {detail}")
    foreign = foreign_functions(parts, state) if status == "verified" else []
    if foreign:
        # β(0) = 0 with β(t) = t/T from another section: the schedule meant here may be another one
        return ("undecided", f"holds with {foreign[0]} as defined on line {state.lines.get(foreign[0])}, another "
                f"section: the note may mean another {foreign[0]} here ({detail})")
    operator = _OPERATOR.search(re.sub(r"\^\s*\{?\s*\\(?:star|ast)\s*\}?", "", text))
    if status in ("verified", "refuted") and operator:
        # a ⋆ (b + c): an operation the note defines in words (convolution, a group law), read here as a product
        return ("undecided", f"{operator.group()} is an operation the note defines in its own words, read here as a "
                f"product ({status}: {detail})")
    if status == "verified" and _INFINITE_SUM.search(text) and "numerically" in detail:
        return ("undecided", f"a sum to ∞ checked only with finite upper limits ({detail})")
    if status == "refuted" and _DEGREE_ANGLE.search(text) and re.search(r"entry \(|random", detail):
        # cos 90 in a rotation matrix: 90° (the matrix checks do not try the degrees reading)
        return ("undecided", f"fails as read ({detail}), but its angles may be in degrees; not refuted")
    return None


#: how many letters and numerals a side of a law has at most: an axiom relates two or three elements
#: (a(bv) = (ab)v, (a + b)v = av + bv, u + (−u) = 0); longer sides (qx + (1 − q)·0 = qx) are computations
LAW_LEAVES = 4


def _leaves(node) -> int:
    """How many letters and numerals a side writes."""
    if node.kind in ("name", "num"):
        return 1
    return sum(_leaves(a) for a in node.args if hasattr(a, "kind"))


def _numbers_of_the_words(prose: str) -> bool:
    """Whether the words around a law say its letters are numbers, and name no other object it could be of."""
    return bool(_NUMBERS_PROSE.search(prose)) and not _STRUCTURE_PROSE.search(prose)


def _ring_word(node) -> bool:
    """Whether a side is written with letters, 0 and 1, sums, differences and products alone (u + v, a(bv), 1v)."""
    if node.kind == "name":
        return True
    if node.kind == "num":
        return node.name in ("0", "1")
    if node.kind in ("neg", "paren", "group") or node.kind == "op" and node.name in ("+", "*"):
        return bool(node.args) and all(_ring_word(a) for a in node.args)
    if node.kind == "op" and node.name == "^" and len(node.args) == 2 and _minus_one(node.args[1]):
        # g⁻¹, (ab)⁻¹: the inverse in a group's laws (gHg⁻¹ = H, (ab)⁻¹ = b⁻¹a⁻¹)
        return node.args[0].kind in ("name", "paren") and _ring_word(node.args[0])
    return False


def _minus_one(node) -> bool:
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    return node.kind == "neg" and len(node.args) == 1 and node.args[0].kind == "num" and node.args[0].name == "1" \
        or node.kind == "num" and node.name == "-1"


def arithmetic_law(ops, parts, state: NoteState) -> bool:
    """Whether an equation is a law of arithmetic written with letters alone: commutativity (u + v = v + u),
    associativity ((ab)v = a(bv)), distributivity (a(u + v) = au + av), identities (1v = v, 0 + v = v).
    True of numbers by the laws of a ring, so checking them as numbers shows nothing; notes write them as the
    axioms of a vector space, a group or an operation they define (samples L, M and N: each time in new words),
    or as properties of matrices and vectors, which are other objects. Letters the note defines, and entries
    (W_{12}: a number), make it a computation, not a law."""
    sides = [p for p in parts if p.kind != "continued"]
    return len(sides) >= 2 and all(op == "=" for op in ops) and any(written_names(p) for p in sides) and \
        all(_leaves(p) <= LAW_LEAVES for p in sides) and all(_ring_word(p) for p in sides) and \
        any(p.kind in ("op", "neg", "paren") for p in sides) and \
        not any(_defined_written(p, state, offered=False) for p in sides) and \
        not any(symbol in state.settings for p in sides for _, _, symbol in written_symbols(p, state))


def _typed_reading(detail: str, text: str) -> tuple[str, str] | None:
    """A verified claim whose proof rests on a reading of its notation as numbers that the notation itself
    contradicts (hand-judged samples A–J: "true as meant, but the evidence rests on a reading the note does not
    support"): the agreement is reported, not called verified."""
    if _EQUATION_NUMBERS.match(text):
        return "mention", f"equation numbers combined ((1) + (2) = (3)), not arithmetic ({detail})"
    if _SIDE_BY_SIDE.search(text):
        # R=0\;u=0: two values stated side by side, read as the chain R = 0·u = 0
        return "undecided", f"two statements side by side, separated only by spacing, read as one chain ({detail})"
    glued = _GLUED_INDEX.search(text) if "random matri" not in detail else None
    if glued:
        # (x2 − x1) = (x3 − x2): x_2 written without its underscore, read here as x·2
        return "undecided", f"{glued.group()} may be {glued.group()[0]}_{glued.group()[1:]} (an index written without _), " \
                            f"read here as a product ({detail})"
    one = _ONE_BY_ONE.search(detail) if "random matri" in detail else None
    if one:
        return "undecided", f"holds with {one.group(1)} drawn as a 1×1 matrix, a number ({detail}); as the vector " \
                            f"it may be, it is not shown"
    if "\\infty ∈" in detail:
        return "undecided", f"∞ was sampled as a whole number ({detail}); the limit itself is not shown"
    norm = _NORM_OF_LETTERS.search(text)
    if norm and "random matri" not in detail:
        # ‖x + y‖ ≤ ‖x‖ + ‖y‖ in a list of what a norm satisfies: checked here with ‖·‖ as |·| of numbers
        return "undecided", f"‖…‖ is a norm (of vectors, as notes write it), checked here as the absolute value of " \
                            f"a number ({detail})"
    bold = _BOLD_TEXT.search(text)
    if bold and "random matri" not in detail:
        # \textbf{u}: a vector in bold text, which the grammar reads as the plain letter
        return "undecided", f"{bold.group()} is a vector, checked here only as a number ({detail})"
    applied = _APPLIED_LETTER.findall(text)
    twice = sorted({c for c in applied if applied.count(c) >= 2})
    if twice and "random matri" in detail:
        # F(b − a) = F(b) − F(a), L(v + w) = L(v) + L(w), f(λv) = λ f(v): a capital (or f, g, h) before brackets
        # twice is a map applied (a CDF, a linear map), drawn here as a matrix multiplying
        return "undecided", f"{twice[0]}(…) is read as a matrix times a bracket ({detail}); {twice[0]} applied as " \
                            f"a function or map is not shown"
    composed = _COMPOSED.search(text)
    if composed:
        # h ∘ (g ∘ f), (f⁻¹)⁻¹ = f: composition and the inverse function, read here as products and 1/f
        return "undecided", f"{composed.group().strip()} is function composition or an inverse function, read here " \
                            f"as arithmetic ({detail})"
    landau = _LANDAU.search(text)
    if landau:
        # n · o(1/n) = o(1): Landau's little-o and big-O, read here as a factor o
        return "undecided", f"{landau.group().strip()}…) may be Landau notation (o, O), read here as a factor ({detail})"
    operator = _TRACE_OR_BOLD_MOMENT.search(text)
    if operator and not re.search(r"random matri|expectation rules", detail):
        return "undecided", f"{operator.group()} (a trace, an expectation) is read here as a factor ({detail}); as " \
                            f"the operator it is, it is not shown"
    bracket = _BRACKETED_LETTER.search(text)
    if bracket:
        return "undecided", f"{bracket.group().strip()} is read as a bracketed number ({detail}); it may be a class, a " \
                            f"floor or an Iverson bracket"
    limit = _ONE_SIDED_ARGUMENT.search(text)
    if limit:
        return "undecided", f"{limit.group()} is read as plain addition ({detail}); it may be a one-sided limit"
    return None

