"""Hints for formulas symnet cannot read: what to write instead (each one a fix that parses)."""
from __future__ import annotations

#: Commands notes mistype or that symnet spells differently, and what to write.
KNOWN = {"cdotp": r"\cdot", "mul": r"\cdot", "Sum": r"\sum", "Frac": r"\frac", "sigmoid": r"\sigma",
         "softmax": r"\operatorname{softmax}", "relu": r"\operatorname{ReLU}", "ReLU": r"\operatorname{ReLU}",
         "argmax": r"\operatorname{argmax}", "argmin": r"\operatorname{argmin}", "Var": r"\operatorname{Var}",
         "var": r"\operatorname{Var}", "E": r"\mathbb{E}", "tr": r"\operatorname{tr}", "diag": r"\operatorname{diag}",
         "softplus": r"\operatorname{softplus}", "sign": r"\operatorname{sign}", "sgn": r"\operatorname{sgn}",
         "rank": r"\operatorname{rank}", "Tr": r"\operatorname{tr}", "R": r"\mathbb{R}", "reals": r"\mathbb{R}",
         "epsilon": r"\epsilon", "grad": r"\nabla", "leq": r"\le", "geq": r"\ge", "dfrac": r"\frac",
         "textrm": r"\text", "mathrmbf": r"\mathbf", "bold": r"\mathbf", "vect": r"\vec", "choose": r"\binom{n}{k}",
         "$": "a number without the currency sign", "over": r"\frac{a}{b}", "atop": r"\binom{n}{k}"}
#: Commands that are prose or typography rather than maths.
TYPOGRAPHY = {"hspace", "vspace", "hfill", "kern", "mkern", "mspace", "phantom", "newline", "linebreak",
              "hline", "toprule", "midrule", "bottomrule", "footnotesize", "small", "large", "Large", "tiny"}
LOGIC = {"forall", "exists", "land", "lor", "wedge", "vee", "neg", "lnot", "cap", "cup", "setminus", "therefore",
         "because"}


def command_hint(name: str) -> str:
    """A fix for an unknown ``\\name``."""
    if name in KNOWN:
        return f"did you mean {KNOWN[name]}?"
    if name in TYPOGRAPHY:
        return f"delete \\{name}: it is layout, not maths"
    if name in LOGIC:
        return f"state the condition in words outside the formula (symnet does not check \\{name})"
    if name[:1].isupper() or len(name) > 2:
        return f"write \\operatorname{{{name}}} for a function or name symnet does not know"
    return "symnet reads \\frac, \\partial, \\sum, \\sqrt, \\exp, \\log, \\sigma, \\tanh, \\operatorname{…} and Greek letters"


def unexpected_hint(value: str) -> str:
    """A fix for a token the grammar did not expect where it stands."""
    if value == "&":
        return "& aligns rows: put the formula in \\begin{aligned} … \\end{aligned}"
    if value in ("\\\\",):
        return "\\\\ ends a row: put the formula in \\begin{aligned} … \\end{aligned}"
    if value in (":",):
        return "write := for a definition, or f: A \\to B for a signature"
    if value in ("!",):
        return "a factorial follows a number or a name: n!"
    if value in (".", ",", ";"):
        return "end the sentence outside the formula"
    if value in (r"\mid",):
        return "a bar | belongs inside a set \\{x \\mid x > 0\\} or a probability P(y \\mid x)"
    if value in ("|",):
        return "close the absolute value |x| or write \\mid for a condition"
    if value.startswith("\\"):
        return f"{value} cannot stand here; write the formula without it or split it in two"
    return "split the formula in two, or put the words in \\text{…} outside it"
