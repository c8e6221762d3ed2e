"""Hostile notes (issue 10): every note ends with a report and exit 0/1, no traceback, under the memory cap,
and a hard limit cuts off what the soft one cannot (negative controls with stand-in checkers)."""
import os
import time

import pytest

from symnet.notes.limits import TimeLimit, time_limit
from symnet.notes.verify.runner import GRACE, Limits, available_cores, run_files

STATUSES = {"definition", "redefinition", "assumption", "setting", "condition", "verified", "refuted", "undecided", "mention", "unparseable", "ignored"}
BUDGET = 0.5

HOSTILE = {
    "chain_of_limits": "$1 = 1 = 10^{10^{10}}$\n",
    "nested_parentheses": "$" + "(" * 123 + "x" + ")" * 123 + " = x$\n",
    "deep_nesting": "$" + "(" * 5000 + "x = 1$\n",
    "tower": "$2^{2^{2^{2^{2^{2^{2^{x}}}}}}} = 1$\n",
    "sum_equals_tower": "$\\sum_{i=1}^{2} i = 2^{2^{2^{2^{2^{2^{2^{x}}}}}}}$\n",
    "wide_matrix": "$A = \\begin{bmatrix} " + " & ".join(["1"] * 9000) + " \\end{bmatrix}$\n\n$A A^T = 9000$\n",
    "matrix_4000": "$A = \\begin{bmatrix} " + " \\\\ ".join(["x"] * 4000) + " \\end{bmatrix}$\n\n$A^T A = x$\n",
    "deep_frac": "$" + "\\frac{1}{" * 400 + "x" + "}" * 400 + " = x$\n",
    "long_chain": "$" + " = ".join(["(x+1)^2"] * 300) + "$\n",
    "factorials": "$1000000! = 1$\n\n$99999999! + 1 = 1$\n\n$1 + 1 = 3$\n",
    "derivatives": "$\\frac{d^{1000}}{dx^{1000}} e^{x^2} = 1$\n\n$\\frac{d^{100}}{dx^{100}} \\tanh(x) = 1$\n",
    "big_powers": "$10^{10^{7}} + 1 = 1$\n\n$7^{10^{8}} = 1$\n\n$3^{3^{3^{3}}} = 1$\n",
    "many_limits": "\n\n".join("$1 = 1 = 10^{10^{10}}$" for _ in range(4)) + "\n",
    "code_in_names": "$1 + f_{a_{\\text{ x y ; print(1) #}}}(x) = 2$\n",
    "huge_sum": "$\\sum_{i=1}^{10^{12}} i^{i} = 5$\n",
}


def hostile_files(tmp_path):
    paths = []
    for name, text in HOSTILE.items():
        (tmp_path / f"{name}.md").write_text(text)
        paths.append(tmp_path / f"{name}.md")
    rng = __import__("random").Random(0)
    # random text (any code points, valid UTF-8) is read and checked; random bytes are refused as not UTF-8
    (tmp_path / "random_text.md").write_text("".join(chr(rng.randrange(32, 0x3000)) for _ in range(20_000)))
    (tmp_path / "random_bytes.md").write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    paths += [tmp_path / "random_text.md", tmp_path / "random_bytes.md"]
    return paths


def test_every_hostile_note_gets_a_report_within_its_limits(tmp_path):
    paths = hostile_files(tmp_path)
    stats = {}
    reports = run_files(paths, Limits(budget=BUDGET, jobs=2), stats)
    assert [r.path for r in reports] == [str(p) for p in paths]  # every file, in order
    for r in reports:
        if r.path.endswith("random_bytes.md"):
            assert "not UTF-8" in r.error   # refused with one clear line, never decoded to garbage
            continue
        assert not r.error, (r.path, r.error)
        assert r.verdicts or r.path.endswith("random_text.md"), r.path
        assert {v.status for v in r.verdicts} <= STATUSES
        assert not [v for v in r.verdicts if "internal error" in v.detail], r.path
        # does not hang: a generous bound (each formula may be replayed once after a cut)
        assert r.seconds <= 2 * (BUDGET + GRACE) * len(r.verdicts) + 20, (r.path, r.seconds)
    assert 0 < stats["peak_memory"] < Limits().memory
    by_name = {os.path.basename(r.path): r for r in reports}
    # 10^{10^{10}} is past the grammar's size limits (unparseable) or cut by the time limit (undecided)
    assert by_name["chain_of_limits.md"].verdicts[0].status in ("undecided", "unparseable")
    assert by_name["factorials.md"].verdicts[-1].status == "refuted"  # the run went on after the limits


def test_the_command_reports_every_hostile_file(tmp_path, run):
    hostile_files(tmp_path)
    code, out, err = run("verify", str(tmp_path), "--budget", "0.3", "--jobs", "2")
    assert code == 2, err   # the random bytes are refused (a file that cannot be read); every other file checked
    assert "Traceback" not in out + err and "internal error" not in out + err
    for name in list(HOSTILE) + ["random_text", "random_bytes"]:
        assert f"{name}.md" in out


def note(tmp_path, name, *formulas):
    path = tmp_path / name
    path.write_text("\n\n".join(f"${f}$" for f in formulas) + "\n")
    return path


def test_hard_limits_cut_off_what_the_soft_limit_cannot(tmp_path):
    """Negative controls: a checker that ignores SIGALRM and sleeps, spins, allocates without end or dies
    must be cut off, and the note's definitions before it must still be in force after the cut."""
    # a = s + 1 is a definition (a plain a = 1 would be a setting of one paragraph); the claims square it (a
    # claim that only moves the definition across the sign, a + 1 = s + 2, checks nothing and is a mention)
    path = note(tmp_path, "a.md", "a = s + 1", "SLEEP = 1", "(a - s)^2 = 1", "SPIN = 1", "(a - s)^3 = 1",
                "ALLOC = 1", "(a - s)^4 = 1", "CRASH = 1", "(a - s)^5 = 1", "a + 5 = s + 7")
    other = note(tmp_path, "b.md", "b = s + 2", "(b - s)^2 = 4")
    stats = {}
    start = time.monotonic()
    reports = run_files([path, other], Limits(budget=BUDGET, jobs=1), stats,
                        judge_path="tests.hostile_checkers:misbehave")
    assert time.monotonic() - start < 120  # does not hang (each cut costs a new worker)
    got = [(v.text, v.status, v.detail) for v in reports[0].verdicts]
    assert got[0][1] == "definition"
    assert got[1] == ("SLEEP = 1", "undecided", f"time limit {BUDGET:g} s")
    assert got[3] == ("SPIN = 1", "undecided", f"time limit {BUDGET:g} s")
    assert got[5] == ("ALLOC = 1", "undecided", "memory limit")
    assert got[7] == ("CRASH = 1", "undecided", "memory limit")
    for k in (2, 4, 6, 8):  # a is still 1 after every cut: these would be refuted without it
        assert got[k][1] == "verified", got[k]
    # wrong with a = s + 1 in force: it fails at every s (held back as undecided: it rests on the definition)
    assert got[9][1] == "undecided" and got[9][2].startswith("fails as read ("), got[9]
    assert [v.status for v in reports[1].verdicts] == ["definition", "verified"]
    assert stats["kills"] >= 3
    assert stats["peak_memory"] < Limits().memory


def test_a_cut_definition_holds_back_later_refutations(tmp_path):
    """A formula cut off while defining c: a later claim about c is refuted only by c's absence, so it is
    reported undecided with the reason; a refutation before the cut stands."""
    path = note(tmp_path, "c.md", "1 + 1 = 3", "DEFINE = 1", r"\sin(c)^2 + \cos(c)^2 = 2")
    report, = run_files([path], Limits(budget=BUDGET), judge_path="tests.hostile_checkers:misbehave")
    statuses = [v.status for v in report.verdicts]
    assert statuses == ["refuted", "undecided", "undecided"]
    # held back either by the cut or, first, by the refutation gate (an identity between names)
    assert "cut off while defining" in report.verdicts[2].detail or \
        report.verdicts[2].detail.startswith("fails as read (")


def test_file_and_run_time_limits_report_what_they_cut(tmp_path):
    slow = note(tmp_path, "slow.md", "x = s + 1", "SLEEP = 1", "SLEEP = 2", "(x - s)^2 = 1")
    fine = note(tmp_path, "fine.md", "y = s + 2", "(y - s)^2 = 4")
    reports = run_files([slow, fine], Limits(budget=5, file_timeout=1.0, jobs=1),
                        judge_path="tests.hostile_checkers:misbehave")
    got = [(v.status, v.detail) for v in reports[0].verdicts]
    # verdicts come in batches (every 0.1 s): one not sent before a cut that ends the file is "not checked"
    assert got[0] in (("definition", ""), ("undecided", "not checked: the file's time limit (1 s) ran out"))
    assert got[1] == ("undecided", "the file's time limit (1 s) ran out")
    assert got[2:] == [("undecided", "not checked: the file's time limit (1 s) ran out")] * 2
    assert [v.status for v in reports[1].verdicts] == ["definition", "verified"]

    slow_too = note(tmp_path, "slow2.md", "SLEEP = 3")
    reports = run_files([slow, slow_too], Limits(budget=30, run_timeout=1.0, jobs=1),
                        judge_path="tests.hostile_checkers:misbehave")
    assert len(reports) == 2
    cut = [r for r in reports if r.verdicts]
    unstarted = [r for r in reports if not r.verdicts]
    assert len(cut) == 1 and "the run's time limit (1 s)" in cut[0].verdicts[-1].detail
    assert len(unstarted) == 1 and "not checked: the run's time limit" in unstarted[0].error


def test_options_are_checked(tmp_path, run):
    path = note(tmp_path, "n.md", "1 + 1 = 2")
    for option in (["--budget", "0"], ["--budget", "nan"], ["--timeout", "-1"], ["--run-timeout", "inf"],
                   ["--jobs", "0"]):
        code, out, err = run("verify", str(path), *option)
        assert code == 2 and "error" in err and "Traceback" not in err, option
    code, out, err = run("verify", str(path), "--jobs", "64")  # capped at the cores available
    assert code == 0 and "verified" in out
    assert available_cores() >= 1


def test_nested_time_limits_keep_the_outer_deadline():
    """An inner limit that ends must restore the outer one (the old finally switched it off)."""
    start = time.monotonic()
    with pytest.raises(TimeLimit):
        with time_limit(0.2):
            while time.monotonic() - start < 30:
                with time_limit(10):  # a chain of inner limits, each ending in time
                    sum(range(1000))
    assert time.monotonic() - start < 30
    # an inner block that swallows the outer deadline's TimeLimit: the outer fires again when it ends
    start = time.monotonic()
    with pytest.raises(TimeLimit):
        with time_limit(0.1):
            try:
                with time_limit(10):
                    time.sleep(5)
            except TimeLimit:
                pass
            time.sleep(5)
    assert time.monotonic() - start < 5
