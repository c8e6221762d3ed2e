"""The verify command as a linter: --quiet, totals, per-directory summaries, colours, github and SARIF output."""
import json

import pytest

from symnet.cli import main
from symnet.notes.verify.report import exit_code, render_json, render_text
from symnet.notes.verify import FileReport, Verdict

GOOD = "$L = x^2$\n\n$\\frac{\\partial L}{\\partial x} = 2 x$\n"
BAD = "Intro\n\n$(64 - 4)/2 + 1 = 20$\n\n$e^x_i$\n"


@pytest.fixture
def notes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "good.md").write_text(GOOD)
    (tmp_path / "b" / "bad.md").write_text(BAD)
    return tmp_path


def test_quiet_prints_only_problems_and_one_total(notes, capsys):
    assert main(["verify", str(notes), "--quiet"]) == 1
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 3
    assert lines[0].startswith(f"{notes / 'b' / 'bad.md'}:3:2: refuted")
    assert lines[1].startswith(f"{notes / 'b' / 'bad.md'}:5:") and "unparseable" in lines[1]
    assert lines[2] == "total: 2 file(s), 4 formula(s): 1 verified, 1 refuted, 1 unparseable, 1 definition"


def test_summary_per_directory(notes, capsys):
    main(["verify", str(notes)])
    out = capsys.readouterr().out
    assert f"{notes / 'a'}/: 1 file(s): 1 verified, 1 definition" in out
    assert f"{notes / 'b'}/: 1 file(s): 1 refuted, 1 unparseable" in out
    assert out.rstrip().endswith("4 formula(s): 1 verified, 1 refuted, 1 unparseable, 1 definition")


def test_colour_flag_and_no_color(notes, capsys, monkeypatch):
    bad = str(notes / "b" / "bad.md")
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(["verify", bad, "--colour"])
    assert "\x1b[31m" in capsys.readouterr().out      # refuted in red
    main(["verify", bad, "--color"])
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["verify", bad])
    assert "\x1b[" not in capsys.readouterr().out
    main(["verify", bad, "--colour"])                  # the flag wins over the environment
    assert "\x1b[" in capsys.readouterr().out
    main(["verify", bad, "--no-color"])
    assert "\x1b[" not in capsys.readouterr().out


def test_ignored_formulas_are_listed_and_never_fail(tmp_path, capsys):
    note = tmp_path / "n.md"
    note.write_text("$1 + 1 = 3$ <!-- symnet: ignore -->\n\n<!-- symnet: ignore -->\n$e^x_i$\n\n$2 = 2$\n")
    assert main(["verify", str(note), "--strict"]) == 0
    out = capsys.readouterr().out
    assert out.count("ignored") >= 2 and "2 ignored" in out
    silenced = tmp_path / "all.md"
    silenced.write_text("<!-- symnet: ignore-file -->\n$1 + 1 = 3$\n")
    assert main(["verify", str(silenced), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["counts"] == {"ignored": 1} and data[0]["verdicts"][0]["cell"] is None
    # negative control: without the comment the same note fails
    silenced.write_text("$1 + 1 = 3$\n")
    assert main(["verify", str(silenced)]) == 1


def test_any_status_renders_and_counts():
    verdicts = (Verdict(1, 1, "a = 1", "setting", "scoped to this paragraph"),
                Verdict(2, 1, "x > 0", "assumption"), Verdict(3, 1, "b = 2", "brand-new-kind"),
                Verdict(4, 1, "c = 3", "refuted", "at c = 0", cell=7))
    report = FileReport("n.ipynb", verdicts)
    text = render_text([report], colour=True)
    assert "1 refuted, 1 assumption, 1 setting, 1 brand-new-kind" in text
    assert "n.ipynb:cell 7:line 4:col 1" in text and "brand-new-kind" in text
    assert json.loads(render_json([report]))[0]["counts"]["setting"] == 1
    assert exit_code([FileReport("m.md", verdicts[:3])], strict=True) == 0
    assert exit_code([report]) == 1


def test_github_annotations(notes, capsys):
    assert main(["verify", str(notes), "--format", "github"]) == 1
    lines = capsys.readouterr().out.strip().split("\n")
    path = str(notes / "b" / "bad.md")
    assert lines[0].startswith(f"::error file={path.replace(':', '%3A')},line=3,col=2,title=symnet%3A refuted::")
    assert lines[1].startswith(f"::warning file={path},line=5,col=") and "unparseable" in lines[1]
    assert lines[-1].startswith("total: 2 file(s)")
    note = notes / "b" / "bad.md"
    note.write_text("$1 + 1 = 3$, and more:\n\n$$\n3 + 1 = 5\n$$\n")
    main(["verify", str(note), "--format", "github"])
    lines = capsys.readouterr().out.strip().split("\n")
    assert [line.split("::")[1].split(",")[1:3] for line in lines[:2]] == [["line=1", "col=2"], ["line=4", "col=1"]]


def validate_sarif(log: dict) -> None:
    """The parts of the SARIF 2.1.0 schema that code scanning needs, checked by hand."""
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert all(isinstance(r["shortDescription"]["text"], str) for r in driver["rules"])
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert result["level"] in ("none", "note", "warning", "error")
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert isinstance(physical["artifactLocation"]["uri"], str)
            region = physical.get("region", {})
            assert all(isinstance(region[k], int) and region[k] >= 1 for k in region)
    for invocation in run.get("invocations", []):
        assert isinstance(invocation["executionSuccessful"], bool)


def test_sarif(notes, capsys, tmp_path):
    (notes / "b" / "gone.md").write_bytes(b"\xff\xfe\x00")  # odd UTF-16: a file error among the results
    assert main(["verify", str(notes), "--format", "sarif"]) == 2
    log = json.loads(capsys.readouterr().out)
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results] == [("refuted", "error", 3), ("unparseable", "warning", 5)]
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert main(["verify", str(notes / "b" / "bad.md"), "--format", "sarif", "--strict"]) == 1
    levels = [r["level"] for r in json.loads(capsys.readouterr().out)["runs"][0]["results"]]
    assert levels == ["error", "error"]


def test_notebook_verdicts_name_their_cell(tmp_path, capsys):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells += [nbformat.v4.new_markdown_cell("$L = x^2$"), nbformat.v4.new_code_cell("print('$1 = 2$')"),
                 nbformat.v4.new_markdown_cell("Wrong:\n\n$(64 - 4)/2 + 1 = 20$")]
    path = tmp_path / "n.ipynb"
    path.write_text(nbformat.writes(nb))
    assert main(["verify", str(tmp_path)]) == 1
    assert f"{path}:cell 3:line 3:col 2: refuted" in capsys.readouterr().out
    main(["verify", str(path), "--format", "json"])
    verdicts = json.loads(capsys.readouterr().out)[0]["verdicts"]
    assert [(v["status"], v["cell"], v["line"]) for v in verdicts] == [("definition", 1, 1), ("refuted", 3, 3)]
    main(["verify", str(path), "--format", "github"])
    first = capsys.readouterr().out.split("\n")[0]
    assert first.startswith(f"::error file={path},title=") and "cell 3, line 3" in first
    main(["verify", str(path), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    validate_sarif(log)
    assert log["runs"][0]["results"][0]["properties"] == {"cell": 3, "lineInCell": 3, "columnInCell": 2}
