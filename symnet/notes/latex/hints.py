"""Hints for formulas symnet cannot read: what to write instead."""
from __future__ import annotations


def command_hint(name: str) -> str:
    known = {"cdotp": r"\cdot", "mul": r"\cdot", "Sum": r"\sum", "Frac": r"\frac", "sigmoid": r"\sigma",
             "softmax": r"\operatorname{softmax}", "relu": r"\operatorname{ReLU}", "ReLU": r"\operatorname{ReLU}"}
    if name in known:
        return f"did you mean {known[name]}?"
    return "symnet reads \\frac, \\partial, \\sum, \\sqrt, \\exp, \\log, \\sigma, \\tanh, \\operatorname{…} and Greek letters"

