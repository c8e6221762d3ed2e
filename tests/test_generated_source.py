"""No text from a note reaches the Python source that verify generates and executes (issue 10, item 5)."""
import builtins

import pytest
import sympy as sp
from sympy.printing.numpy import SciPyPrinter

from symnet.notes.decide import evaluation, generated
from symnet.notes.verify import verify_text


@pytest.fixture
def sources(monkeypatch):
    """Every source string verify compiles, captured on its way to ``compile``."""
    seen = []

    def spy(source, filename, mode, *args, **kwargs):
        seen.append(source)
        return builtins.compile(source, filename, mode, *args, **kwargs)

    monkeypatch.setattr(generated, "compile", spy, raising=False)
    monkeypatch.setattr(evaluation, "compile", spy, raising=False)
    return seen


def test_a_note_cannot_put_text_into_the_source(sources, tmp_path):
    marker = tmp_path / "MARKER"
    note = "\n\n".join([
        r"$1 + f_{a_{\text{ x y ; print(1) #}}}(x) = 2$",
        rf"$1 + g_{{\text{{ x ; open('{marker}', 'w') #}}}}(x) = 2$",
        r"$h_{\text{__import__}}(x) + \text{os}(y) + W_{ij} = x^2$",
        r"$\sigma(x) + \tanh(y) = 1 + \log(x)$",
    ])
    verify_text(note)
    assert sources, "the vectorised check ran (otherwise this test proves nothing)"
    text = "\n".join(sources)
    for fragment in ("print", "open", "MARKER", "__import__", "os", "#", ";", "'"):
        assert fragment not in text, (fragment, text)
    # only generated names: v0 … (symbols), F0 … (families), d0 … (indices), c0_0 … (shared pieces); the
    # undefined functions f, g, h are never compiled (a claim about them is decided symbolically or not at all)
    import re
    names = set(re.findall(r"\b[A-Za-z_][A-Za-z_0-9]*\b", text))
    allowed = {"def", "return", "mpmath", "_pow", "_sum", "_prod", "_range", "for", "in", "if", "else", "Max",
               "Min", "Heaviside", "numpy", "scipy", "special", "True", "False", "and", "or", "not"}
    generated = re.compile(r"^([vdF]\d+|c\d+_\d+|f\d+)$")
    mpmath_functions = {n for n in names if n in dir(__import__("mpmath"))}
    assert names - allowed - mpmath_functions - {n for n in names if generated.match(n)} == set(), names
    assert not marker.exists()


def test_names_are_generated_before_printing():
    x = sp.Symbol("x")
    evil = sp.Function("__import__('os').system('touch MARKER') #")
    arguments = [sp.Symbol("v0", real=True)]
    f = generated._numeric_function(arguments, evil(arguments[0]) + x, sp.Integer(1))
    with pytest.raises(NameError):  # F0 and u0 are not defined: the caller falls back to point-by-point
        f(1.0)


def test_the_printer_check_refuses_note_text():
    """Negative control: SciPy's printer alone would print the note's name verbatim, and the check refuses it."""
    v0 = sp.Symbol("v0")
    raw = SciPyPrinter({"fully_qualified_modules": True, "allow_unknown_functions": True}).doprint(
        sp.Function("print(1) #")(v0))
    assert "print(1)" in raw
    namespace = {"numpy": __import__("numpy")}
    with pytest.raises(ValueError):
        generated._check_generated(f"def f(v0):\n    return ({raw}, 1)\n", namespace)
    with pytest.raises((ValueError, AttributeError)):
        generated._check_generated("def f(v0):\n    return (numpy.system(v0), 1)\n", namespace)
    with pytest.raises(ValueError):
        generated._check_generated("def f(v0):\n    return (open(v0), 1)\n", namespace)
    generated._check_generated("def f(v0, u1):\n    return (numpy.tanh(v0) + F0(u1), 1)\n", namespace)
