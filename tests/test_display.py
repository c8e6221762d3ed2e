"""One-line reprs, notebook views, python -m symnet."""
import subprocess
import sys
from pathlib import Path

import symnet
from symnet.models.sequence_blocks import encoder_block

ROOT = Path(__file__).resolve().parents[1]


def test_reprs_are_one_short_line_however_big_the_model():
    g = symnet.mlp((64, 128, 10), level="matrix")
    grads = symnet.derive(g)
    f = symnet.compile_graph(g, grads)
    report = symnet.check_grads(f, max_parameters=5)
    for obj in (g, grads, f, report, encoder_block(), symnet.mlp((3, 5, 2))):
        text = repr(obj)
        assert "\n" not in text and len(text) < 200 and text.startswith("<"), text
    assert "9,610" not in repr(f) and "9610 parameters" in repr(f)


def test_notebook_views_show_the_maths():
    g = symnet.neuron()
    grads = symnet.derive(g)
    assert g._repr_latex_().startswith("$$\\begin{aligned}") and "\\hat{y}" in g._repr_latex_()
    assert "\\frac{\\partial L}" in grads._repr_latex_()
    assert "## Gradients" in grads._repr_markdown_()
    f = symnet.compile_graph(g, grads)
    assert "```python" in f._repr_markdown_() and "def loss_and_gradient" in f._repr_markdown_()
    assert "| central |" in symnet.check_grads(f)._repr_markdown_()


def test_views_come_from_the_registry_of_the_algebra_stage():
    # a Shown class nobody registered views for shows Python's own repr and no notebook view (the control);
    # registered, it shows what the registered functions write
    from dataclasses import dataclass

    from symnet.algebra.views import Shown, register

    @dataclass(frozen=True, repr=False)
    class Thing(Shown):
        size: int

    thing = Thing(3)
    assert repr(thing).startswith("<") and " object at 0x" in repr(thing)
    assert thing._repr_latex_() is None and thing._repr_markdown_() is None
    register(Thing, repr=lambda t: f"<Thing of size {t.size}>", latex=lambda t: f"$${t.size}$$")
    assert repr(thing) == "<Thing of size 3>" and thing._repr_latex_() == "$$3$$"
    assert thing._repr_markdown_() is None


def test_a_huge_graph_falls_back_to_the_short_repr():
    g = symnet.mlp((30, 40, 10))  # scalar level: 1,650 symbols
    assert g._repr_latex_() is None and g._repr_markdown_() is None


def test_python_dash_m_symnet():
    done = subprocess.run([sys.executable, "-m", "symnet", "derive", "neuron", "--format", "text"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "gradients of L:" in done.stdout
    done = subprocess.run([sys.executable, "-m", "symnet", "train", "mlp", "--sizes", "2,2,1", "--data", "xor",
                           "--lr", "0"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1
