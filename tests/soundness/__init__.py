"""The soundness corpus: small notes whose last formula is a claim known to be wrong or right (issue 9).

Each `*.toml` file here holds one class of cases (its file name is the class, unless a case says otherwise):

    [[case]]
    id = "silu-odd-w"             # unique over the whole corpus; the pytest id
    expect = "wrong"              # "wrong": must never be verified; "right": must never be refuted
    why = "SiLU(1) = 0.731 but -SiLU(-1) = 0.269"   # wrong cases: a counterexample or reason
    kind = "assumption"           # optional, right cases only: the last formula is not a claim
                                  # (assumption/setting/redefinition/condition), so it is not expected verified
    note = '''
    Markdown with $inline$ and $$display$$ formulas; the LAST formula is the one judged,
    the ones before it are its context (definitions, assumptions, settings).
    '''

Only the standard library reads it (`tomllib`), so the corpus is data, never code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A formula in a note: $$…$$ first (it may span lines), then $…$ on one line.
_FORMULA = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)


@dataclass(frozen=True)
class Case:
    """One note of the corpus and what its last formula must (not) be called."""
    id: str
    cls: str
    expect: str
    note: str
    why: str = ""
    kind: str = ""

    @property
    def last_formula(self) -> tuple[int, str]:
        """(1-based line, LaTeX text) of the note's last formula: the claim judged."""
        found = list(_FORMULA.finditer(self.note))
        if not found:
            raise ValueError(f"case {self.id}: the note has no formula")
        match = found[-1]
        line = self.note.count("\n", 0, match.start()) + 1
        return line, (match.group(1) or match.group(2)).strip()


def load_cases(directory: Path = HERE) -> list[Case]:
    """Every case of every `*.toml` file under `directory`, in file then case order; ids checked unique."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        default_class = data.get("class", path.stem)
        for raw in data.get("case", []):
            unknown = set(raw) - {"id", "class", "expect", "note", "why", "kind"}
            if unknown:
                raise ValueError(f"{path.name}: case {raw.get('id')}: unknown fields {sorted(unknown)}")
            case = Case(id=raw["id"], cls=raw.get("class", default_class), expect=raw["expect"],
                        note=raw["note"].strip("\n") + "\n", why=raw.get("why", ""), kind=raw.get("kind", ""))
            if case.expect not in ("wrong", "right"):
                raise ValueError(f"{path.name}: case {case.id}: expect must be 'wrong' or 'right'")
            if case.expect == "wrong" and not case.why:
                raise ValueError(f"{path.name}: case {case.id}: a wrong case needs a `why`")
            cases.append(case)
    ids = [c.id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate case ids: {duplicates}")
    return cases


def last_verdict(case: Case, verdicts) -> tuple[str, str]:
    """(status, detail) of the verdict on the note's last formula, ("missing", "") when there is none.

    The verdict is the last one (by line, column) on or after the last formula's line whose text is the
    formula's (whitespace ignored); failing that, the last one on or after that line."""
    line, text = case.last_formula
    squash = lambda s: re.sub(r"\s+", "", s)
    after = sorted((v for v in verdicts if v.line >= line), key=lambda v: (v.line, v.column))
    same = [v for v in after if squash(v.text) == squash(text)]
    chosen = same or after
    if not chosen:
        return "missing", ""
    return chosen[-1].status, chosen[-1].detail
