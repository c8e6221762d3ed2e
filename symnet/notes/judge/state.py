"""What the judge keeps while it reads a note: :class:`NoteState` (definitions, bounds, settings, conditions …),
:class:`Verdict`, and the conventions it reads by (sizes, rounded numbers, units, optima).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..decide.matrices import MatrixNote
from ..latex import Node
from ..read.meaning import Context


DEFINING = ("=", ":=", "←")
ORDER = ("<", ">", "≤", "≥")
#: Names that are sizes by habit (dimensions, counts): taken as whole numbers when the note does not say.
SIZE_NAMES = re.compile(r"^(n|m|N|M|d|D|K|d_k|d_v|d_\{model\}|d_\{\\text\{model\}\}|d_\{\\mathrm\{model\}\})$")
#: "for every integer $k$", "$n$ is a positive integer", "natural numbers $m$ and $n$"
WHOLE_PROSE = re.compile(r"(?:integers?|whole numbers?|natural numbers?|整数)\s*\$([^$]+)\$|\$([^$]+)\$\s+(?:is|are)\s+"
                         r"(?:a |an )?(?:positive |non-negative |nonnegative )?(?:integers?|whole numbers?)",
                         re.IGNORECASE)
#: Names the prose makes vectors: "vectors $u$ and $v$", "$u$, $v$, and $w$ in $V$", "$v,x,y,z$ are in $V$",
#: "the components of $u$ and $v$", "the dot product $u \\cdot v$".
_MATHS_LIST = r"\$[^$]{1,20}\$(?:(?:\s*,\s*|\s*,?\s*and\s+)\$[^$]{1,20}\$)*"
VECTOR_PROSE = re.compile(r"vectors?\s+(" + _MATHS_LIST + r")"
                          r"|(" + _MATHS_LIST + r")\s*(?:are\s+|is\s+|be\s+)?(?:(?:a\s+)?vectors?\b|in\s+\$[VW]\$)"
                          r"|(?:components?|entries|coordinates|norm|magnitude)\s+of\s+(" + _MATHS_LIST + r")"
                          r"|(?:dot|inner|cross)\s+product\s+(\$[a-z]\s*\\(?:cdot|times)\s*[a-z]\$)", re.IGNORECASE)
#: Words that make the formulas after them axioms or a definition by properties, not claims.
AXIOM_PROSE = re.compile(r"\baxioms?\b|公理|(?:with|has|have|satisf\w*)\s+the\s+following\s+(?:properties|conditions)"
                         r"|such\s+that\s+the\s+following|the\s+following\s+(?:properties|conditions|axioms)\s+hold"
                         r"|满足(?:以下|如下)|(?:如果|如过|若).{0,30}满足\s*[:：]|满足\s*[:：]\s*$"
                         # French, German, Spanish, Italian, Korean, Japanese
                         r"|\baxiomes?\b|\bAxiome?\b|\baxiomas?\b|\bassiomi\b|propriétés suivantes|folgenden Eigenschaften|"
                         r"siguientes propiedades|seguenti proprietà|공리|다음을 만족|次の性質|以下の性質", re.IGNORECASE)
#: A decimal of at most this many significant digits is read as rounded (0.272), one with more claims them all.
ROUNDED_DIGITS = 6
#: Words that are units in notes' arithmetic (24 GB, 3 bytes): a formula with them is not about variables.
UNIT = re.compile(r"bytes?|bits?|[KMGTP]i?B|KB|ms|sec|seconds?|minutes?|hours?|days?|params|parameters|"
                  r"tokens?|FLOPs?|flops|epochs?|steps|samples|images|pixels|px|GPUs?|nodes|layers")
#: Built-in names a note may take for something else (σ for "any activation"); tanh, exp, ReLU … it may not.
REDEFINABLE = {"sigma"}
#: Elementary functions keep their meaning; activations (ReLU, LeakyReLU with the note's own slope, GELU's
#: approximations, ELU, Swish …) come in variants a note may define for itself.
ELEMENTARY = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "abs", "max", "min", "sign",
              "sgn", "erf", "factorial", "arcsin", "arccos", "arctan", "sec", "csc", "cot", "arsinh", "artanh",
              "coth"}
#: How an optimum is written: w^*, \hat{w}, w_{opt}, w^{\star}.
OPTIMUM = re.compile(r"^(?:\\hat\{(?P<a>.+)\}|(?P<b>.+?)\^\{?(?:\*|\\star|\\ast|opt|\\text\{opt\})\}?)$")


@dataclass(frozen=True)
class Verdict:
    """One formula's verdict, where it stands and why."""

    line: int
    column: int
    text: str
    status: str   # definition redefinition assumption setting condition verified refuted undecided mention unparseable
    detail: str = ""
    cell: int | None = None   # the 1-based cell of a notebook (line and column are then inside the cell)


@dataclass
class NoteState:
    """What a note has said so far."""

    context: Context = field(default_factory=Context.empty)
    matrices: MatrixNote = field(default_factory=MatrixNote)
    lines: dict = field(default_factory=dict)         # defined name -> line
    lower: dict = field(default_factory=dict)         # symbol -> (value, strict)
    upper: dict = field(default_factory=dict)
    integers: set = field(default_factory=set)
    assumed: list = field(default_factory=list)       # "η > 0 (line 3)"
    settings: dict = field(default_factory=dict)      # symbol -> (value, scope, line)
    conditions: list = field(default_factory=list)    # (variable, expression that must vanish, line)
    recurrences: dict = field(default_factory=dict)   # family base -> (k, shift, body, line)
    previous: Node | None = None                      # the last side of the last relation (for "= …" displays)
    scope: object = None                              # the paragraph being read
    used: set = field(default_factory=set)            # the settings the claim being checked uses

    def used_settings_in(self, names) -> bool:
        """Whether a setting of this paragraph gives a value to one of ``names`` (f(x) = 0 at x = 10)."""
        return any(s in names for s, (_, scope, _line) in self.settings.items() if scope == self.scope)
    distinct: set = field(default_factory=set)        # index pairs stated different (j ≠ i)
    cue: str | None = None                            # what the words before the formula make of it
    index_condition: tuple = ()                       # ("=", "i", "j") from "…, i = j" after the formula
    words: set = field(default_factory=set)           # multi-letter names the note defined (LSE)
    display: bool = False                             # this formula is a display following a display
    last_display: bool = False
    whole_names: set = field(default_factory=set)     # names the prose calls integers
    section: object = None                            # the section being read
    matrix_names: set = field(default_factory=set)    # names defined with matrix notation (or only as matrices)
    section_settings: dict = field(default_factory=dict)  # symbol -> (value, line) set in earlier paragraphs
    bound_section: dict = field(default_factory=dict)  # symbol -> the section its stated bound holds in
    unreadable: dict = field(default_factory=dict)    # name -> line of a definition that could not be read
    solving: tuple | None = None                      # (paragraph, line) of the last condition being solved
    line_sections: dict = field(default_factory=dict) # (cell, line) -> the section it is in
    general: bool = False                             # the words claim the formula in general ("in general")
    chain_broken: tuple | None = None                 # (line, status) of a chain's first step not verified
    piece: int = 0                                    # which line of a display written without \\ is read
    defined_in: dict = field(default_factory=dict)    # symbol -> the section of its latest definition
    several: set = field(default_factory=set)         # (symbol, section): defined twice in one section
    vectors: dict = field(default_factory=dict)       # name -> line where the note makes it a vector
    matrix_letters: dict = field(default_factory=dict)  # capital -> line where the note calls it a matrix
    self_defined: dict = field(default_factory=dict)  # function defined through itself (T(n) = 2T(n/2)) -> its line
    here: int = 0                                     # the line of the formula being judged
    hypothetical: set = field(default_factory=set)    # settings made under "if/when" (Δ₁ = Δ₂ = 0 after "if")
    axioms: object = None                             # (section, line) of words that make what follows axioms
    sigmoid_named: bool = False                       # whether the prose so far names the logistic sigmoid
    premise: bool = False                             # the formula is the condition itself, not a conclusion after it
    negated: bool = False                             # the words right after the formula deny it ("… need not hold")
    quantified: bool = False                          # the words right before are a quantifier ("for any $N ≤ 2^k$")
    such_that: bool = False                           # the words right before the formula end "such that"
    family_lines: dict = field(default_factory=dict)  # family base -> line of its last general statement


def record_setting(state: NoteState, symbol, value, line: int) -> None:
    """A value set for ``symbol`` in this paragraph, remembering whether it was set under "if/when" (a
    hypothesis) or plainly (a value given)."""
    state.settings[symbol] = (value, state.scope, line)
    if state.cue == "condition":
        state.hypothetical.add(symbol)
    else:
        state.hypothetical.discard(symbol)
