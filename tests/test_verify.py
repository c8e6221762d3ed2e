"""symnet verify: a corpus of notes with expected verdicts, the real seed notes, safety and fuzzing."""
import glob
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.cli import main
from symnet.notes.extract import extract_formulas
from symnet.notes.latex import LatexError, parse
from symnet.notes.verify import verify_file, verify_text

CORPUS = sorted(glob.glob(str(Path(__file__).parent / "notes_corpus" / "*.md")))
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
# a wrong formula may be reported anything but verified (issue 9): refuted, or read as a condition, …
WRONG_OK = {"refuted", "unparseable", "undecided", "condition", "assumption", "setting", "redefinition"}


def expectations(path):
    """(line, expected) per formula, from the <!-- expected --> comments, in order along each line."""
    out = {}
    for number, line in enumerate(Path(path).read_text().split("\n"), start=1):
        found = re.findall(r"<!-- (\w+) -->", line)
        if found:
            out[number] = found
    return out


@pytest.mark.parametrize("path", CORPUS, ids=[Path(p).stem for p in CORPUS])
def test_corpus_verdicts(path):
    report = verify_file(path)
    expected = expectations(path)
    seen: dict[int, int] = {}
    checked = 0
    for v in report.verdicts:
        wanted = expected.get(v.line)
        if wanted is None:
            continue
        k = seen.get(v.line, 0)
        seen[v.line] = k + 1
        want = wanted[k]
        checked += 1
        if want == "wrong":
            assert v.status in WRONG_OK, f"{path}:{v.line}: a wrong formula was {v.status}: {v.text}"
        else:
            assert v.status == want, f"{path}:{v.line}: expected {want}, got {v.status} ({v.detail}): {v.text}"
    assert checked == sum(len(x) for x in expected.values())


def test_corpus_size_and_wrong_formulas_never_verified():
    total = wrong = caught = 0
    for path in CORPUS:
        report, expected = verify_file(path), expectations(path)
        seen: dict[int, int] = {}
        for v in report.verdicts:
            if v.line not in expected:
                continue
            k = seen.get(v.line, 0)
            seen[v.line] = k + 1
            total += 1
            if expected[v.line][k] == "wrong":
                wrong += 1
                caught += v.status in WRONG_OK
    assert total >= 60 and wrong >= 25 and caught == wrong


def test_currency_and_code_are_not_maths():
    formulas, _ = extract_formulas("It costs $5 and $10.\n`$x$` and\n\n```\n$y$\n```\n    $z$ indented code\n")
    assert formulas == []


def test_positions_point_into_the_file():
    text = "# t\n\n- item with $a + b$ inside\n\n$$\nx = \\frac{1}{y\n$$\n"
    report = verify_text(text)
    first, second = report.verdicts
    assert (first.line, first.column) == (3, 14)
    assert second.status == "unparseable" and second.line == 6


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed notes are not beside this checkout")
def test_seed_notes():
    start = time.perf_counter()
    reports = {p.name[:3]: verify_file(p) for p in sorted(SEEDS.iterdir())}
    assert time.perf_counter() - start < 10
    chain = [v for v in reports["000"].verdicts if v.text.startswith(r"\frac{\partial{L_2}}")]
    assert [v.status for v in chain] == ["verified", "verified", "mention"]
    issues = {v.line: v for v in reports["004"].verdicts if v.status == "unparseable"}
    assert "e^{x_i}" in issues[87].detail
    assert "reversed" in issues[97].detail and "reversed" in issues[103].detail
    assert "prose inside maths" in issues[52].detail
    assert reports["003"].images > 50
    # nothing the seeds get wrong is verified: every verified formula there is one of the two chain rules
    verified = [v for r in reports.values() for v in r.verdicts if v.status == "verified"]
    assert len(verified) == 2


def test_a_note_holding_python_does_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    note = tmp_path / "evil.md"
    note.write_text("$__import__('os').system('touch pwned')$\n\n$$exec('import os')$$\n")
    assert main(["verify", str(note), "--strict"]) == 1
    assert not (tmp_path / "pwned").exists()
    assert capsys.readouterr().out.count(": unparseable") == 2


def test_pathological_formula_stops_at_the_budget():
    start = time.perf_counter()
    report = verify_text("$$(x + 1)^{20000} = (1 + x)^{20000} + 0 x^{3}$$\n", budget=0.5)
    assert time.perf_counter() - start < 20
    assert report.verdicts[0].status in ("verified", "undecided")


def test_cli_exit_codes_and_json(tmp_path, capsys):
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("$L = x^2$\n\n$\\frac{\\partial L}{\\partial x} = 2 x$\n")
    bad.write_text("$(64 - 4)/2 + 1 = 20$\n\n$e^x_i$\n")
    assert main(["verify", str(good)]) == 0
    capsys.readouterr()
    assert main(["verify", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {Path(d["path"]).name for d in data} == {"good.md", "bad.md"}
    assert main(["verify", str(good), str(tmp_path / "missing.md")]) == 2
    assert "no such file" in capsys.readouterr().err
    txt = tmp_path / "broken.txt"
    txt.write_text("$e^x_i$\n")
    assert main(["verify", str(txt)]) == 0 and main(["verify", str(txt), "--strict"]) == 1
    assert main(["verify", str(tmp_path), "--jobs", "2", "--quiet"]) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    capsys.readouterr()
    assert main(["verify", str(empty)]) == 2 and "no .md, .markdown, .txt or .ipynb notes" in capsys.readouterr().err


PIECES = list("$\\{}^_()[]|&`#*-\n xyzαλ∑·−1234+=/") + [
    "\\frac", "\\sum", "\\partial", "$$", "\\left(", "\\right)", "e^x_i", "损失", "<img>", "```", "\\[", "\\]",
    "\\(", "\\)", "\\sigma", "\\tanh", "\\sqrt", "\\hat{y}", "x_{i-1}", "^{(1)}"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_extractor_and_verifier_never_crash(text):
    report = verify_text(text, budget=0.2)
    assert all(v.status in ("definition", "verified", "refuted", "undecided", "mention", "unparseable")
               for v in report.verdicts)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parser_raises_only_latex_errors(text):
    try:
        parse(text)
    except LatexError:
        pass


MATRIX_PIECES = ["$$", "\n", " = ", " + ", " - ", " ", "X", "W", "b", "A", "Z", "L", "n", "d_k", "1", "2",
                 "\\mathbf{1}", "^{T}", "^T", " \\circ ", "\\frac{\\partial L}{\\partial W}", "\\frac{\\partial L}{\\partial Z}",
                 "\\frac{\\partial Z}{\\partial W}", "\\operatorname{softmax}(", "\\operatorname{rowsum}(", "\\tanh(",
                 "\\operatorname{windows}_{2}(", "\\operatorname{fold}_{2}(", "\\max_{t}(", "\\operatorname{CE}(Z, Y)",
                 "\\left\\lVert ", " \\right\\rVert_F^2", "\\left\\lVert ", " \\right\\rVert_1", "(", ")", "\\frac{1}{n}",
                 "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", "\\sqrt{d_k}", "^{(1)}", "\\operatorname{recip}("]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MATRIX_PIECES), max_size=30).map("".join))
def test_matrix_reading_never_crashes(text):
    # matrix notation goes through shape inference and the numeric pass: any input gives a verdict
    report = verify_text("$$Z = X W + \\mathbf{1} b$$\n$$L = \\left\\lVert Z \\right\\rVert_F^2$$\n" + text, budget=0.2)
    assert all(v.status in ("definition", "verified", "refuted", "undecided", "mention", "unparseable")
               for v in report.verdicts)


def test_a_defined_function_applied_then_raised_or_multiplied():
    """f(x)^2 is f(x) squared and f(x)(x - 1) a product with f applied (SymPy oracle: (x+1)^2, x^2 - 1); a
    letter the note never made a function stays a factor (q (x/q)^2 = x^2/q)."""
    def last(note):
        return verify_text(note).verdicts[-1].status
    assert last(r"Let $f(x) = x + 1$. Then $f(x)^2 = x^2 + 2x + 1$") == "verified"
    # negative control: f · x² is not it (a bare f on one side only: undecided, never verified)
    assert last(r"Let $f(x) = x + 1$. Then $f(x)^2 = x^2 f$") in ("refuted", "undecided")
    # wrong with the note's f: it fails at x = 1 (4 against 2), held back as undecided because it rests on f
    wrong = verify_text(r"Let $f(x) = x + 1$. Then $f(x)^2 = x^2 + 1$").verdicts[-1]
    assert wrong.status == "undecided" and "left 4, right 2" in wrong.detail
    assert last(r"Let $f(x) = x + 1$. Then $f(x)(x - 1) = x^2 - 1$") == "verified"
    assert last(r"Let $g(z) = \frac{1}{1 + e^{-z}}$ and $h(z) = g(z)^2$. Then $h(0) = 0$") == "refuted"
    assert last(r"$$q \left(\frac{x}{q}\right)^2 = \frac{x^2}{q}$$") == "verified"
