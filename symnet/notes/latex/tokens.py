"""Tokens of the LaTeX that notes use: the vocabulary (Greek letters, functions, relations, accents), the
:class:`Node` and :class:`LatexError` types the parser returns, and :func:`tokenize`."""
from __future__ import annotations

import re
from dataclasses import dataclass

GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho sigma "
         "tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()
UNICODE = {"λ": r"\lambda", "θ": r"\theta", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta",
           "ε": r"\epsilon", "η": r"\eta", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau", "φ": r"\phi", "ω": r"\omega",
           "π": r"\pi", "ρ": r"\rho", "Σ": r"\Sigma", "∑": r"\sum", "∏": r"\prod", "−": "-", "·": r"\cdot",
           "×": r"\times", "∕": "/", "÷": "/", "∂": r"\partial", "√": r"\sqrt", "∇": r"\nabla", "≈": r"\approx",
           "≤": r"\le", "≥": r"\ge", "←": r"\leftarrow", "→": r"\to", "∞": r"\infty", "′": "'", "∘": r"\circ",
           "⊙": r"\circ", "≠": r"\ne", "∈": r"\in", "–": "-", "＝": "=", "（": "(", "）": ")", "，": ","}
FUNCTIONS = {"sin", "cos", "tan", "tanh", "sinh", "cosh", "exp", "log", "ln", "max", "min", "arg", "det", "arcsin",
             "arccos", "arctan", "cot", "sec", "csc", "coth", "lg", "gcd", "deg", "dim", "ker", "hom"}
RELATIONS = {"=": "=", ":=": ":=", r"\approx": "≈", r"\leftarrow": "←", r"\gets": "←", r"\to": "→",
             r"\rightarrow": "→", r"\le": "≤", r"\leq": "≤", r"\ge": "≥", r"\geq": "≥", "<": "<", ">": ">",
             r"\ne": "≠", r"\neq": "≠", r"\equiv": ":=", r"\triangleq": ":=", r"\coloneqq": ":=", r"\in": "∈"}
ACCENTS = {"hat", "widehat", "vec", "bar", "overline", "tilde", "widetilde", "dot", "ddot", "mathbf", "boldsymbol",
           "bm", "mathcal", "mathbb", "check"}
WORDS = {"mathrm", "operatorname", "mathop", "text", "textrm", "textit", "mathit", "textbf", "mathsf", "texttt"}
SPACING = {",", ";", "!", ":", " ", ">", "enspace", "thinspace", "medspace", "thickspace", "negthinspace", "quad", "qquad", "displaystyle", "textstyle", "limits", "nolimits", "big", "Big",
           "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "middle"}
ELISIONS = {"ldots", "cdots", "dots", "vdots", "ddots"}
#: Words that notes write as plain letters but mean as one name.
WORD_NAMES = {"cost", "loss", "Loss", "Cost", "softmax", "Softmax", "sigmoid", "Sigmoid", "ReLU", "relu", "MSE", "MAE",
              "Var", "tanh", "exp", "log", "ln", "sin", "cos", "max", "min", "argmax", "argmin", "GELU", "Attention",
              "attention", "LayerNorm", "Dropout", "dropout", "output", "input", "error", "grad", "lr",
              # written without a backslash, still one name (det(A) is no product d·e·t·A)
              "det", "tr", "rank", "tan", "cot", "sec", "csc", "sinh", "cosh", "arctan", "arcsin", "arccos"}
#: words that are symbols in Typst (and in plain-text maths) but never a run of single-letter names in LaTeX
TYPST_WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "theta", "lambda", "sigma", "omega", "phi", "psi",
               "rho", "tau", "pi", "nabla", "partial", "integral", "infinity", "arrow", "Delta", "Gamma", "Theta",
               "Lambda", "Sigma", "Omega", "Phi", "Psi"}
_THOUSANDS = re.compile(r",\d{3}(?![\d.])")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]")


class LatexError(ValueError):
    """A formula symnet cannot read: where (an offset into the formula), why, and a hint when there is one."""

    def __init__(self, message: str, offset: int, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.offset, self.hint = message, offset, hint


@dataclass(frozen=True)
class Node:
    """A parsed piece: ``kind`` says what it is, ``args`` its parts, ``name`` a name or operator."""

    kind: str            # num name sub op neg call deriv sum prod abs norm matrix rel prime rows continued …
    name: str = ""
    args: tuple = ()
    offset: int = 0

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.args))
        return f"{self.kind}({self.name}{': ' if self.name and inner else ''}{inner})"


@dataclass(frozen=True)
class Token:
    kind: str    # num letter cmd sym text end
    value: str
    offset: int


#: Limits that keep parsing bounded whatever the input (each breach is a :class:`LatexError` with a hint).
MAX_LENGTH = 50_000        # characters in one formula (an alignment of many rows)
MAX_ROW_LENGTH = 10_000    # characters in one row of it
MAX_BRACKETS = 40          # brackets of any kind ({ ( [ \left) open at once
MAX_DEPTH = 150            # the parser's own nesting (brackets, fractions, roots, signs, scripts together)
MAX_TREE_DEPTH = 250       # the depth of the finished tree (a chain of 1,000 sums is 1,000 deep)
MAX_TOWER = 3              # exponents inside exponents: a^{b^{c^{d}}} and no higher
MAX_DIGITS = 40            # digits in one number
MAX_DIGITS_OF_VALUE = 10_000   # a constant power such as 10^{10^{5}} that would have more digits is refused

_OPENERS = {"{": "}", "(": ")", "[": "]", r"\left": r"\right", r"\{": r"\}"}
_CLOSERS = {"}", ")", "]", r"\right", r"\}"}


_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
# 6.7% in a note is a percentage, not a comment: a % right after a digit, not followed by words on its line
_PERCENT = re.compile(r"(?<=\d)%(?![ \t]*[A-Za-z\\])")
#: B_(x): a subscript in parentheses, Typst's way of writing it
_TYPST_SUBSCRIPT = re.compile(r"[A-Za-z]_\(")


def tokenize(text: str, names: frozenset = frozenset()) -> list[Token]:
    """The formula's tokens. ``names`` are multi-letter words the note defines (``LSE``): each is one name,
    as are the words of :data:`WORD_NAMES`; any other run of letters is a run of one-letter names."""
    if len(text) > MAX_LENGTH:
        raise LatexError(f"formula too long to check ({len(text)} characters, the limit is {MAX_LENGTH})", 0,
                         "split it into several formulas, naming the parts")
    # a LaTeX comment (% to the end of the line, not \%) is blanked, keeping every offset where it was
    if "%" in text:
        percents = {m.start() for m in _PERCENT.finditer(text)}
        text = _PERCENT.sub(" ", text)
        text = _COMMENT.sub(lambda m: " " * len(m.group()), text)
    else:
        percents = set()
    typst = _TYPST_SUBSCRIPT.search(text)
    if typst:
        # B_(x)(0): a subscript in parentheses is Typst's, never LaTeX's (where _( subscripts a lone bracket)
        raise LatexError("a subscript in parentheses (_( … )): this looks like Typst, not LaTeX", typst.start() + 1,
                         "write _{…} (LaTeX), or keep the formula out of the check")
    tokens: list[Token] = []
    i, n = 0, len(text)
    depth = 0
    while i < n:
        c = text[i]
        if i in percents:
            tokens.append(Token("cmd", r"\%", i))   # as \%: a hundredth
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if _CJK.match(c):
            j = i
            while j < n and (_CJK.match(text[j]) or text[j].isspace()):
                j += 1
            raise LatexError(f"prose inside maths: {text[i:j].strip()!r}", i,
                             "move the words out of the $…$ (or wrap them in \\text{…})")
        if c in UNICODE:
            mapped = UNICODE[c]
            tokens.append(Token("cmd" if mapped.startswith("\\") else ("sym" if len(mapped) == 1 else "cmd"),
                                mapped, i))
            i += 1
        elif c == "\\":
            if i + 1 < n and text[i + 1].isalpha():
                j = i + 1
                while j < n and text[j].isalpha():
                    j += 1
                name = text[i:j]
                if name[1:] in ("operatorname", "mathop") and text.startswith("*{", j):
                    j += 1  # \operatorname*{argmax}: limits below, the same name
                if name[1:] in WORDS and j < n and text[j] == "{":
                    close = _matching(text, j)
                    content = text[j + 1:close]
                    # \text{choose~}, \text{ for }: spaces kept around prose (a name is written without them)
                    content = content.strip() if not name[1:].startswith("text") else content.replace("~", " ")
                    if name[1:] in ("operatorname", "mathrm", "mathop"):
                        content = re.sub(r"\\[,;:!> ]|\s+|~|\\[A-Za-z]+\{([^{}]*)\}", lambda m: m.group(1) or "", content)
                    tokens.append(Token("text", content, i))
                    i = close + 1
                    continue
                tokens.append(Token("cmd", name, i))
                i = j
            elif i + 1 < n:
                tokens.append(Token("cmd", "\\" + text[i + 1], i))
                i += 2
            else:
                raise LatexError("a lone backslash ends the formula", i, "delete it, or write \\\\ for a new line")
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i
            while j < n and (text[j].isdigit() or (text[j] == "." and j + 1 < n and text[j + 1].isdigit())):
                j += 1
            while _THOUSANDS.match(text, j) and "." not in text[i:j]:
                j += 4   # 60,000: a thousands separator, not a list
            if "," in text[i:j]:
                tokens.append(Token("num", text[i:j].replace(",", ""), i))
                i = j
                continue
            if j - i > MAX_DIGITS:
                raise LatexError(f"a number of {j - i} digits (the limit is {MAX_DIGITS})", i,
                                 "write it with a power of ten, e.g. 10^{40}, or round it")
            tokens.append(Token("num", text[i:j], i))
            i = j
        elif text.startswith("...", i):
            tokens.append(Token("cmd", r"\dots", i))   # x_1 + ... + x_n: an ellipsis, as \dots
            i += 3
        elif c.isalpha() and c.isascii():
            j = i
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            word = text[i:j]
            if word in WORD_NAMES or word in names:
                # cost, loss, softmax, and the note's own multi-letter names (LSE): one name each
                tokens.append(Token("text", word, i))
                i = j
                continue
            if word in TYPST_WORDS:
                # d sin theta = k lambda, partial L, integral: Typst (or plain text), where these words are symbols;
                # read as LaTeX they would be products of single letters
                raise LatexError(f"{word!r} without a backslash: this looks like Typst or plain-text maths, not LaTeX",
                                 i, f"write \\{word} (LaTeX), or keep the formula out of the check")
            tokens.extend(Token("letter", word[k], i + k) for k in range(len(word)))  # one token a letter
            i = j
        elif c.isalpha():
            raise LatexError(f"unexpected character {c!r}", i, "use the LaTeX command for it (\\alpha, \\ell, …)")
        elif text.startswith(":=", i) or text.startswith("=:", i):
            tokens.append(Token("sym", ":=", i))
            i += 2
        elif c in "+-*/=()[]{}^_,;:!|'<>&.":
            tokens.append(Token("sym", c, i))
            i += 1
        else:
            raise LatexError(f"unexpected character {c!r}", i, "delete it, or use the LaTeX command for it")
        v = tokens[-1].value
        if v in _OPENERS:
            depth += 1
            if depth > MAX_BRACKETS:
                raise LatexError(f"brackets nested deeper than {MAX_BRACKETS} levels", i,
                                 "name the inner parts in separate formulas")
        elif v in _CLOSERS:
            depth -= 1
    tokens.append(Token("end", "", n))
    return tokens


def _matching(text: str, start: int) -> int:
    depth = 0
    for k in range(start, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and text[k - 1] != "\\":
            depth -= 1
            if depth == 0:
                return k
    raise LatexError("unbalanced braces: a { is never closed", start, "add the missing }")
