"""Extraction: which text is maths, and where each formula is in the file (checked against the file's own lines)."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.notes.extract import extract_formulas, extract_note
from symnet.notes.verify import verify_text


def located(source: str, formulas) -> None:
    """The independent oracle: each visible character of every formula is the file's character at the line and
    column reported for it (whitespace is skipped: markdown-it may write an indent's tab as spaces)."""
    lines = source.replace("\r\n", "\n").split("\n")
    for f in formulas:
        for offset, char in enumerate(f.text):
            if char.isspace():
                continue
            line, column = f.position(offset)
            assert lines[line - 1][column - 1:column] == char, (f.text, offset, char, line, column)


def texts(source: str) -> list[str]:
    formulas, _ = extract_formulas(source)
    located(source, formulas)
    return [f.text.strip() for f in formulas]


def test_currency_is_prose_but_the_formula_after_it_is_found():
    assert texts("It costs $5 and $10 and $x = 1 = 2$ in all.\n") == ["x = 1 = 2"]
    assert texts("Between $5 and $10.\n") == []
    assert texts("Prices: $3, $4 or $7; and $2 + 2 = 4$ holds.\n") == ["2 + 2 = 4"]
    assert texts("a 16$\\times$ speed-up and $$y = 2$$ inline\n") == ["\\times", "y = 2"]


def test_code_is_never_read():
    source = ("`$a = 1$` span, ``$b$ ` `` double span\n\n```\n$c = 2$\n```\n\n    $d$ indented\n\n"
              "~~~python\n$$e$$\n~~~\n\n<pre>\n$f = 1$\n</pre>\n\nreal $g$\n")
    assert texts(source) == ["g"]


def test_html_comments_and_front_matter_are_skipped():
    source = ("---\ntitle: $a = 1 = 2$\n---\n\n<!-- $b = 1 = 2$ -->\n\ntext <!-- $c$ --> and $d$\n\n"
              "<!--\n$$e$$\n-->\n")
    assert texts(source) == ["d"]
    toml = "+++\ntitle = '$a$'\n+++\n\n$b$\n"
    formulas, _ = extract_formulas(toml)
    assert [(f.text, f.line, f.column) for f in formulas] == [("b", 5, 2)]


def test_all_delimiters_and_environments():
    source = ("inline $a$, spaced $ b $, display $$c$$, \\(d\\) and \\[e\\]\n\n$$\nf = 1\n$$\n\n"
              "\\begin{align}\ng &= h \\\\\ni &= j\n\\end{align}\n\n> quoted $k$\n\n- item $l$\n\n"
              "| col | $m$ |\n|-----|-----|\n| $n$ | $o$ |\n\n![alt with $p$](x.png)\n")
    formulas, images = extract_formulas(source)
    located(source, formulas)
    assert [f.text.strip() for f in formulas] == ["a", "b", "c", "d", "e", "f = 1",
                                                  "\\begin{align}\ng &= h \\\\\ni &= j\n\\end{align}",
                                                  "k", "l", "m", "n", "o", "p"]
    assert [f.display for f in formulas] == [False, False, True, False, True, True, True] + [False] * 6
    assert images == 1


def test_positions_with_tabs_nul_crlf_and_wide_characters():
    source = "tab\t\t$a + b$\r\nx\0y $c$\r\n损失 $d$ 和 $e$\r\n- list\n\t- nested $f$\n"
    formulas, _ = extract_formulas(source)
    located(source.replace("\0", "\ufffd"), formulas)
    # a tab and a NUL each count one column: expanding the tabs (to 4 or 8 columns) would move 'a' to 10 or 18
    assert [(f.text, f.line, f.column) for f in formulas] == [
        ("a + b", 1, 7), ("c", 2, 6), ("d", 3, 5), ("e", 3, 11), ("f", 5, 12)]


def test_multi_line_positions_inside_containers():
    source = ("> $$\n> x = \\frac{1}{y\n> $$\n\n1. a list item with\n   $p +\n   q$ across lines\n\n"
              "- item\n\t\tcontinued $r\n\t\t= s$\n")
    formulas, _ = extract_formulas(source)
    located(source, formulas)
    display, spread, tabbed = formulas
    # markdown-it writes the first tab of "\t\t= s" as spaces; the position still counts the file's characters
    assert tabbed.position(tabbed.text.index("=")) == (11, 3) and (tabbed.line, tabbed.column) == (10, 14)
    assert display.position(display.text.index("x")) == (2, 3)
    assert spread.position(spread.text.index("q")) == (7, 4)
    assert spread.end_line == 7


def test_parser_errors_point_into_the_file():
    source = "Intro.\n\n- item $a + b$\n\n$$\nz = \\frac{1}{y\n$$\n"
    first, second = verify_text(source).verdicts
    assert (first.line, first.column) == (3, 9)
    assert second.status == "unparseable" and second.line == 6


def test_paragraph_and_section_instead_of_the_text_before():
    source = ("# One\n\nFirst, with unit variance: $a$ and $b$.\n\nBefore the display:\n\n$$c = 1$$\n\n"
              "After it.\n\n## Two\n\n$d$\n")
    a, b, c, d = extract_formulas(source)[0]
    assert a.paragraph == b.paragraph == "First, with unit variance: $a$ and $b$."
    assert a.paragraph_index == b.paragraph_index < c.paragraph_index < d.paragraph_index
    assert c.paragraph == "Before the display:\nAfter it."
    assert (a.section_index, c.section_index, d.section_index) == (1, 1, 2)
    assert "unit variance" not in d.paragraph and a.context == a.paragraph


def test_ignore_comments():
    source = ("$a = 1 = 2$ <!-- symnet: ignore -->\n\n<!-- symnet: ignore -->\n\n$$\nb = 3 = 4\n$$\n\n"
              "$c = 5 = 6$\n\nwith <!-- symnet: ignore --> $d$ and $e$ on one line\n")
    formulas, _ = extract_formulas(source)
    assert [(f.text.strip(), f.ignored) for f in formulas] == [
        ("a = 1 = 2", True), ("b = 3 = 4", True), ("c = 5 = 6", False), ("d", True), ("e", True)]
    whole, _ = extract_formulas("$x$\n\n<!-- symnet: ignore-file -->\n\n$y$\n")
    assert all(f.ignored for f in whole)
    report = verify_text(source)
    assert [v.status for v in report.verdicts][:3] == ["ignored", "ignored", "refuted"]


def notebook(cells) -> str:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    for kind, text in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text))
    return nbformat.writes(nb)


def test_notebook_markdown_cells_only_with_cell_numbers():
    source = notebook([("md", "# Title\n\n$L = x^2$"), ("code", "x = '$y = 1 = 2$'"),
                       ("md", "Then\n\n$$(64 - 4)/2 + 1 = 20$$\n")])
    formulas, _ = extract_note(source, "n.ipynb")
    assert [(f.text, f.cell, f.line, f.column) for f in formulas] == [
        ("L = x^2", 1, 3, 2), ("(64 - 4)/2 + 1 = 20", 3, 3, 3)]
    assert formulas[0].paragraph_index < formulas[1].paragraph_index
    report = verify_text(source, "n.ipynb")
    assert [(v.status, v.cell) for v in report.verdicts] == [("definition", 1), ("refuted", 3)]
    assert "cell" in json.loads(json.dumps(report.verdicts[0].__dict__))


def test_a_broken_notebook_is_a_file_error():
    report = verify_text("{not json", "broken.ipynb")
    assert report.error.startswith("not a Jupyter notebook") and report.verdicts == ()


def test_many_openers_stay_linear_and_correct():
    # unclosed \( and $ in one long paragraph: each is prose, and the formula at the end is still found
    source = "\\( a " * 2000 + "$5 b " * 2000 + "$z = 1$\n"
    assert texts(source) == ["z = 1"]


def test_blocks_after_many_unclosed_openers_are_found():
    # the block rules remember where the next closing line is; they must still find the real blocks
    source = ("\\begin{gather}\n\n" * 30 + "$$ a\n# heading\n" * 30 +
              "\\begin{align}\nx &= y\n\\end{align}\n\n$$\nz = 1\n$$\n\n> $$ q\n> r $$\n")
    found = texts(source)
    assert found[-3:] == ["\\begin{align}\nx &= y\n\\end{align}", "z = 1", "q\nr"]


PIECES = ["$", "$$", "\\(", "\\)", "\\[", "\\]", "`", "```\n", "\n", "\n\n", "\t", " ", "  ", "> ", "- ", "1. ",
          "# ", "| ", "<!-- ", " -->", "<img>", "![a", "](b)", "\\", "x", "y = 2", "5", "\\frac{1}{2}", "损失",
          "\0", "\r\n", "\\begin{align}\n", "\\end{align}", "---\n", "+++\n", "<!-- symnet: ignore -->"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_every_formula_found_is_where_it_says(pieces):
    source = "".join(pieces)
    formulas, images = extract_formulas(source)
    located(source.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd"), formulas)
    assert images >= 0 and all(f.line >= 1 and f.column >= 1 for f in formulas)


def test_table_pipes_and_stripped_whitespace_lines():
    # in a table cell \| is a literal | (GitHub renders it so): the text has |, the columns stay the file's
    source = "| norm | $\\|x\\| = 1$ |\n|---|---|\n\n\x0b\nafter a vertical tab $y$\n"
    formulas, _ = extract_formulas(source)
    located(source, formulas)
    norm, y = formulas
    assert norm.text == "|x| = 1" and norm.position(norm.text.index("=")) == (1, 17)
    assert (y.line, y.column) == (5, 23)


def test_negative_control_the_oracle_catches_expanded_tabs():
    # positions computed on a tab-expanded copy (what a column-counting editor model would do) must fail
    source = "a\tb $x + y$ and\t$z$\n"
    wrong, _ = extract_formulas(source.expandtabs(4))
    with pytest.raises(AssertionError):
        located(source, wrong)
    right, _ = extract_formulas(source)
    located(source, right)
    assert [(f.line, f.column) for f in right] == [(1, 6), (1, 18)]
