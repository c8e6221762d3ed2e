"""Assumptions stated in prose, English and Chinese: "one-hot", "independent"/"i.i.d."/"独立", "mean 0"/"zero
mean"/"均值为0", "variance σ²"/"unit variance"/"方差为1", "standard normal"/"N(0, 1)" — with negations read right
("not unit variance", "x is not independent of y", "非独立", "without assuming independence") and bound to the
names the sentence speaks of ("the components of q and k are independent with mean 0 and variance 1").

Each sentence is cut into names (``$q$``, ``$q_i$``, bare letters, "query"/"key" when it speaks of components)
and properties; a property speaks of the names just before it, or, when none come before, of those just after.
What follows "then", "so", "hence" (因此, 所以) is a conclusion, not an assumption, and is not read.

>>> f = read_prose("q and k independent, their components independent with mean 0 and variances σ_q², σ_k².")
>>> f.variance("q").value, f.variance("k").value
(\\sigma[q]**2, \\sigma[k]**2)
"""
from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp

from ..latex import LatexError, Node, parse
from .assumptions import _sympy, read_memberships
from .facts import Distribution, Facts, Independence, Label, Moment, Source, plain
from .nodes import _key

_MATH = r"\$[^$]+\$"
_VALUE = rf"(?:{_MATH}|-?\d+(?:\.\d+)?(?!\d|\.\d)|\bzero\b|\bone\b|σ[\w^{{}}\\]*|\\sigma[\w^{{}}\\]*)"
_VALUES = rf"{_VALUE}(?:\s*(?:,|\band\b|和|、)\s*{_VALUE})*"
_SUBJECT = rf"(?:{_MATH}|(?<![A-Za-z])[A-Za-z](?![A-Za-z]))"

#: (kind, pattern): a named group ``v`` holds the value(s); ``s`` a subject bound by the phrase itself.
_PROPERTIES = [
    ("normal", r"\$\s*(?P<s>(?:[A-Za-z]|\\[A-Za-z]+(?:\{[^}]*\})?)(?:_\{?\w+\}?)?)\s*\\sim\s*(?:\\mathcal\{N\}|N)\s*"
               r"\(\s*(?P<m>[^,()$]+?)\s*,\s*(?P<v>[^()$]+?)\s*\)\s*\$"),
    ("mean", rf"\bmean\s+of\s+(?P<s>{_SUBJECT})\s+(?:is|equals|=)\s+(?P<neg>not\s+)?(?P<v>{_VALUE})"),
    ("variance", rf"\bvariance\s+of\s+(?P<s>{_SUBJECT})\s+(?:is|equals|=)\s+(?P<neg>not\s+)?(?P<v>{_VALUE})"),
    ("mean", rf"\bmean\s+(?:is|equals)\s+(?P<neg>not\s+)?(?P<v>{_VALUE})"),
    ("variance", rf"\bvariance\s+(?:is|equals)\s+(?P<neg>not\s+)?(?P<v>{_VALUE})"),
    ("mean", rf"\b(?P<v>zero)[- ]mean\b|\bmeans\s*(?:=\s*|equal\s+to\s+|of\s+(?=\d|zero))?(?P<v2>{_VALUES})"
             rf"|\bmean\s*(?:=\s*|equal\s+to\s+|of\s+(?=\d|zero))?(?P<v3>{_VALUE})"),
    ("mean", r"\bcent(?:er|re)d\b|零均值|均值为零|(?:均值|期望|平均值)\s*(?:都|均)?\s*(?:为|是|=|等于)\s*(?P<v>" + _VALUE + ")"),
    ("variance", r"\bunit[-\s]variances?\b|单位方差|方差\s*(?:都|均)?\s*(?:为|是|=|等于)\s*(?P<v>" + _VALUE + ")"),
    ("variance", rf"\bvariances\s*(?:=\s*|equal\s+to\s+|of\s+(?=\d|one\b|σ|\$\\sigma))?(?P<v>{_VALUES})"
                 rf"|\bvariance\s*(?:=\s*|equal\s+to\s+|of\s+(?=\d|one\b|σ|\$\\sigma))?(?P<v2>{_VALUE})"),
    ("deviation", rf"\bstandard\s+deviations?\s*(?:=\s*|of\s+(?=\d|σ|\$\\sigma))?(?P<v>{_VALUES})|标准差\s*(?:为|是|=)\s*(?P<v2>{_VALUE})"),
    ("normal", r"\bstandard\s+(?:normal|gaussian)\b|标准正态|(?:\\mathcal\{N\}|𝒩|(?<![A-Za-z])(?-i:N))\s*\(\s*(?P<m>[^,()$]+?)\s*,\s*(?P<v>[^()$]+?)\s*\)"),
    # conditional and linear independence are other statements: not read as independence
    ("independent", r"(?<!conditionally )(?<!linearly )\b(?:mutually\s+)?independen(?:t|ce)\b|\biid\b|独立同分布|相互独立|独立"
                    r"|\b(?:drawn|sampled|generated|chosen|picked|distributed)\s+independently\b"
                    r"|\bindependently\s+(?:and\s+identically\s+)?(?:drawn|sampled|generated|distributed|chosen|from)\b"),
    ("one-hot", r"\bone[- ]hot\b|独热"),
    ("constant", r"\b(?:an?\s+)?(?:constants?|fixed|deterministic|non-?random)\b(?!\s+variables?)|常数|常量"),
    ("random", r"\b(?:an?\s+)?random\s+variables?\b|随机变量"),
]
_PROPERTY = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PROPERTIES]

_NEGATION = re.compile(r"(?:\b(?:not|never|no|nor|without(?:\s+assuming)?|cannot|non)\b-?|n't|\bnon-)[\w\s-]{0,20}$"
                       r"|(?:不|非|并不|未必|不一定|不是|没有|无需|无)\s*$", re.IGNORECASE)
_NEGATED_AFTER = re.compile(r"^(?:\s+(?:of|between)\s+[^.;,]{0,40}?)?\s*(?:is|are)\s+not\s+(?:assumed|required|needed|given|guaranteed)|^\s*不成立",
                            re.IGNORECASE)
_CLAUSE = re.compile(r",|;|，|；|\bbut\b|\band\b|\bwith\b|\bwhile\b|但|且|并且|和|而")
_CONCLUSION = re.compile(r"(?:^|[\s,，])(?:then|so|hence|thus|therefore|which gives|we get|it follows)\b"
                         r"|因此|所以|于是|从而|可得", re.IGNORECASE)
_COMPONENTS = re.compile(r"\bcomponents?\b|\bentries\b|\belements\b|\bcoordinates\b|分量|元素|各维", re.IGNORECASE)
_GLOSSARY = [(re.compile(r"\bquer(?:y|ies)\b", re.I), "q"), (re.compile(r"\bkeys?\b", re.I), "k")]
_LETTER = re.compile(r"(?<![A-Za-z\\$_^{'’])([A-Za-z])(?![A-Za-z_^{('’])")
#: words that make independence hold among a family's own members too
_EACH_OTHER = re.compile(r"each other|one another|\bmutually\b|\biid\b|independently|相互|彼此|独立同分布", re.I)
_ANAPHORA = re.compile(r"\s*(?:they|each|their|both|all of them|these|those|它们|其|二者|两者)\b", re.I)
_PREPOSITION = re.compile(r"\b(?:to|of|from|into|for|at|on|in|by|as|than|is|are|has|have)\b|[,;:，；：]", re.I)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|(?<=[。；！？])|\n\s*\n|\n(?=\s*(?:[*+-]|\d+\.)\s)")
#: between two names of one group: "q and k", "q, k", "the query q and the key k"
_JOIN = re.compile(r"^[\s,]*(?:and|or|和|与|、|及)?\s*(?:the(?:\s+\w+)?\s*)?$", re.I)
#: a name that counts something is a size, not a random name
_COUNT = re.compile(r"^\s*-?\s*(?:samples?|examples?|observations?|points?|draws?|times|class(?:es)?|dimension(?:s|al)?"
                    r"|elements|entries|components|layers?|steps?|tokens?|words?|heads?|features?|inputs|outputs"
                    r"|个|次|维)\b", re.I)


def read_prose(text: str, line: int | None = None, scope: str = "") -> Facts:
    """The assumptions stated in ``text`` (a paragraph, or more), each with the sentence it comes from."""
    text = _normalise(text)
    facts = Facts()
    previous: list = []      # the names the last sentence spoke of ("they", "each" in the next one)
    for sentence in _SENTENCE.split(text):
        if sentence.strip():
            found, previous = _read_sentence(sentence.strip(), Source(line, sentence.strip(), scope), previous)
            facts = facts.merge(found)
    return facts


def read_around(ctx, text: str, scope: str = "") -> None:
    """Read the assumptions in the prose around a formula into ``ctx`` (a :class:`~.meaning.Context`): only
    what was not read just before; ``scope`` names the section they were read in."""
    ctx.prose = text
    if text == ctx._read:
        return
    new = text[len(ctx._read):] if ctx._read and text.startswith(ctx._read) else text
    ctx._read = text
    # a question states no facts: "If X = N(1, 4), find P(0 < X < 3.2)?" is an exercise's premise
    new = " ".join(sentence for sentence in re.split(r"(?<=[.!?。！？])\s+|\n", new)
                   if not sentence.rstrip().endswith(("?", "？")))
    if new.strip():
        ctx.assume(read_prose(new, scope=scope))


def _normalise(text: str) -> str:
    text = re.sub(r"\bi\.\s?i\.\s?d\.?", "iid", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(e\.g|i\.e|cf|resp|etc|vs)\.?(?=[\s,:;)])", lambda m: m.group(1).replace(".", ""), text,
                  flags=re.IGNORECASE)
    text = text.replace("²", "^2").replace("$$", "$")
    # Markdown emphasis: "**not** independent" is "not independent"
    text = re.sub(r"(\*{1,2})([^*$\n]+?)\1", r"\2", text)
    return text


def _read_sentence(sentence: str, source: Source, previous: list = ()) -> tuple[Facts, list]:
    cut = _CONCLUSION.search(sentence)
    if cut is not None:
        # a conclusion runs to the end of its sentence, or of its line (a heading has no full stop)
        end = sentence.find("\n", cut.start())
        sentence = sentence[:cut.start()] + ("" if end < 0 else " " * (end - cut.start()) + sentence[end:])
    components = bool(_COMPONENTS.search(sentence))
    properties = _properties(sentence)
    if properties:
        # quote the line the first property stands on (a heading may share the sentence)
        start = sentence.rfind("\n", 0, properties[0]["start"]) + 1
        end = sentence.find("\n", properties[0]["start"])
        source = replace(source, quote=sentence[start:end if end >= 0 else len(sentence)].strip())
    facts = Facts()
    for m in re.finditer(_MATH, sentence):       # "let $q, k \in \mathbb{R}^{d}$ have …": the shapes too
        if "\\in" not in m.group(0) and "∈" not in m.group(0):
            continue
        try:
            stated = read_memberships(parse(m.group(0)[1:-1]))
            facts = facts.merge(stated._map(lambda r: replace(r, source=source)))
        except (LatexError, RecursionError):
            pass
    if not properties:
        return facts, []
    names = _names(sentence, [(p["start"], p["end"]) for p in properties], components)
    if not names and previous and _ANAPHORA.match(sentence):
        names = [(-1, -1, n, m) for _, _, n, m in previous]     # "they …", "each …": the names just spoken of
    items = sorted([(p["start"], "property", p) for p in properties] + [(n[0], "name", n) for n in names],
                   key=lambda t: t[0])
    for prop, subjects in _bind(items, sentence):
        facts = facts.merge(_facts(prop, subjects, components, source, sentence))
    return facts, names


def _properties(sentence: str) -> list[dict]:
    found: list[dict] = []
    for kind, pattern in _PROPERTY:
        for m in pattern.finditer(sentence):
            if any(m.start() < p["end"] and p["start"] < m.end() for p in found):
                continue  # a phrase read already ("variance of x is 1" before "variance 1")
            groups = {k: v for k, v in m.groupdict().items() if v}
            found.append({"kind": kind, "start": m.start(), "end": m.end(), "text": m.group(0), "groups": groups,
                          "negated": bool(groups.get("neg")) or _negated(sentence, m, found)})
    return found


def _negated(sentence: str, m: re.Match, earlier: list[dict]) -> bool:
    start = max([0] + [p["end"] for p in earlier if p["end"] <= m.start()])
    before = sentence[start:m.start()]
    clauses = list(_CLAUSE.finditer(before))
    if clauses:
        before = before[clauses[-1].end():]
    return bool(_NEGATION.search(before) or _NEGATED_AFTER.match(sentence[m.end():]))


def _names(sentence: str, taken: list, components: bool) -> list[tuple[int, int, str, bool]]:
    """(start, end, name, written as a member like q_i) for each name outside the properties' phrases; a name
    that counts something ("$n$ samples", "$k$-class") is not a random name."""
    def free(a: int, b: int) -> bool:
        return not any(a < e and s < b for s, e in taken)

    def counts(end: int) -> bool:
        return _COUNT.match(sentence[end:]) is not None

    out = []
    for m in re.finditer(_MATH, sentence):
        if free(m.start(), m.end()) and not counts(m.end()):
            out += [(m.start(), m.end(), n, member) for n, member in _math_names(m.group(0)[1:-1])]
    outside = re.sub(_MATH, lambda m: " " * len(m.group(0)), sentence)
    for m in _LETTER.finditer(outside):
        if m.group(1) not in "aAI" and free(m.start(), m.end()) and not counts(m.end()):
            out.append((m.start(), m.end(), m.group(1), False))
    if components:
        for pattern, name in _GLOSSARY:
            out += [(m.start(), m.end(), name, False) for m in pattern.finditer(outside) if free(m.start(), m.end())]
    return sorted(out)


def _math_names(latex: str) -> list[tuple[str, bool]]:
    """The names a maths span speaks of: $q$, $q_i$, $q, k$, the left side of $q \\in \\mathbb{R}^d$
    (not of $\\mu = 0$: that is a value, not a subject)."""
    try:
        tree = _as_name(parse(latex))
    except (LatexError, RecursionError):
        m = re.match(r"\s*([^\\]|\\[A-Za-z]+)\s*\\sim", latex)
        return [(plain(m.group(1)), False)] if m else []
    if tree.kind == "shape":              # q, k \\in \\mathbb{R}^{d}, as the grammar reads it
        tree = tree.args[0]
    if tree.kind == "rel":
        if tree.args[0] != ("∈",):
            return []
        tree = tree.args[1][0]
    nodes = tree.args if tree.kind == "tuple" else (tree,)
    out = []
    for n in nodes:
        if isinstance(n, Node) and n.kind == "rel":
            if n.args[0] != ("∈",):
                return []
            n = n.args[1][0]
        if isinstance(n, Node) and n.kind == "name" and n.name not in (r"\mathbb{R}",):
            out.append((plain(n.name), False))
        elif isinstance(n, Node) and n.kind == "sub" and n.args[0].kind == "name":
            numbers = all(a.kind == "num" for a in n.args[1:])
            # q_i, w_{ij}: a member standing for its family; x_1: that member itself
            out.append((_member_key(n), False) if numbers else (plain(n.args[0].name), True))
    return out


def _member_key(node: Node) -> str:
    return plain(_key(node).replace("_{", "_").rstrip("}"))


def _bind(items: list, sentence: str):
    """(property, names) pairs: a property speaks of the group of names just before it (q and k, …), else of
    the group right after it ("zero-mean noise $\\epsilon$"); "independent of y" takes both."""
    groups: list[tuple[str, list]] = []
    for _, kind, item in items:
        if groups and groups[-1][0] == kind and (kind == "property" or
                                                 _JOIN.match(sentence[groups[-1][1][-1][1]:item[0]])):
            groups[-1][1].append(item)
        else:
            groups.append((kind, [item]))
    for k, (kind, props) in enumerate(groups):
        if kind != "property":
            continue
        before = groups[k - 1][1] if k > 0 else []
        after = groups[k + 1][1] if k + 1 < len(groups) else []
        if before and not _close(sentence[before[-1][1]:props[0]["start"]], 60):
            before = []
        if after and not _close(sentence[props[-1]["end"]:after[0][0]], 30):
            after = []
        for p in props:
            subjects = list(before) if before else list(after) if not _PREPOSITION.search(
                sentence[props[-1]["end"]:after[0][0]] if after else "") else []
            if p["kind"] in ("constant", "random") and p["text"].lower().startswith(("a ", "an ")) and after:
                subjects = list(after)            # "a constant $c$": the name it introduces
            if p["kind"] == "independent" and before and after and \
                    re.match(r"\s*(?:of|from|和|与)\b", sentence[props[-1]["end"]:after[0][0]] + " "):
                subjects = list(before) + list(after)
            yield p, subjects


def _close(gap: str, most: int) -> bool:
    """A short stretch of words with no other maths in it."""
    return len(gap) <= most and "$" not in gap


def _value(text: str) -> sp.Expr | None:
    text = text.strip()
    if text.lower() == "zero":
        return sp.S.Zero
    if text.lower() == "one":
        return sp.S.One
    if text.startswith("$"):
        text = text.strip("$")
    try:
        return _sympy(_as_name(parse(text)))
    except (LatexError, RecursionError):
        return None


def _as_name(tree: Node) -> Node:
    """A lone Greek letter ($\\mu$), which the grammar may keep as a sign mentioned, read as the name it is."""
    if tree.kind == "symbol" and re.fullmatch(r"\\[A-Za-z]+", tree.name or ""):
        return Node("name", tree.name, (), tree.offset)
    return tree


def _values(text: str) -> list[sp.Expr]:
    pieces = re.findall(_VALUE, text, flags=re.IGNORECASE)
    values = [_value(p) for p in pieces]
    return values if all(v is not None for v in values) else []


def _facts(prop: dict, subjects: list, components: bool, source: Source, sentence: str) -> Facts:
    kind, groups, holds = prop["kind"], prop["groups"], not prop["negated"]
    if "s" in groups:
        subjects = [(0, 0, n, m) for n, m in _math_names(groups["s"].strip("$"))]
    names = list(dict.fromkeys(n for _, _, n, _ in subjects))
    members = components or _EACH_OTHER.search(sentence) is not None or \
        (len(names) == 1 and any(m for _, _, _, m in subjects))
    if kind == "independent":
        if len(names) >= 2 or (names and members):
            return Facts(independence=(Independence(frozenset(names), members, holds, source),))
        return Facts()
    if not names:
        return Facts()
    if kind == "one-hot":
        return Facts(labels=tuple(Label(n, "one-hot", holds, source) for n in names))
    if kind == "constant":     # "a constant $c$", "$h$ is fixed": not random ("not constant": random)
        return Facts(distributions=tuple(Distribution(n, "constant" if holds else "random", source) for n in names))
    if kind == "random":       # "a random variable $X$", "$X$ is a random variable"
        return Facts(distributions=tuple(Distribution(n, "random", source) for n in names if holds))
    if kind == "normal":
        if "m" in groups:
            mean, variance = _value(groups["m"]), _value(groups["v"])
            identity = groups["v"].strip() in ("I", r"\mathbf{I}", "I_d")
            if identity:
                variance = sp.S.One  # N(0, I): independent unit-variance components
            if mean is None or variance is None:
                return Facts()
        else:
            mean, variance = sp.S.Zero, sp.S.One
        if not holds:
            return Facts(distributions=tuple(Distribution(n, "not normal", source) for n in names))
        moments = tuple(Moment(n, k, v, True, source) for n in names for k, v in (("mean", mean), ("variance", variance)))
        out = Facts(moments=moments, distributions=tuple(Distribution(n, "normal", source) for n in names))
        if "m" in groups and identity:
            out = out.merge(Facts(independence=(Independence(frozenset(names), True, True, source),)))
        return out
    given = groups.get("v") or groups.get("v2") or groups.get("v3")
    values = _values(given) if given else {"mean": [sp.S.Zero], "variance": [sp.S.One]}.get(kind, [])
    if not values:
        return Facts()
    if kind == "deviation":
        kind, values = "variance", [v**2 for v in values]
    if len(values) == len(names) > 1:
        pairs = list(zip(names, values))            # "variances σ_q², σ_k²" for q and k, respectively
    elif len(values) == 1:
        pairs = [(n, values[0]) for n in names]
    else:
        return Facts()
    return Facts(moments=tuple(Moment(n, kind, v, holds, source) for n, v in pairs))
