r"""When a refutation cannot be trusted: what verify asks of a failing claim before it says *refuted*.

A refutation blocks a note in a hook, so it must rest on a reading of the formula the note's author meant.
Real notes fail random points for reasons that are not errors, and this module names them:

- **one-sided quantities**: ``\log n_i = -\alpha\log i + c``, ``\eta_t = \eta_0``, ``\cos\theta = -1``: the
  sides depend on different quantities the note leaves free, so the equation fixes or relates them (a fit, a
  condition, a definition in passing); it is refuted only when no values satisfy it at all
  (``\sigma(x) + \sigma(-x) = 2``). A variable of differentiation counts on both sides.
- **second readings** of notation that notes use both ways (:func:`second_readings`): letters written
  together as one name (``se``, ``XV``, ``mean_1``), ``\delta``/``\Delta`` before a name as part of it
  (``\frac{\delta MSE}{\delta w_j}``), a letter superscript as a step or example index (``w^{t+1}``,
  ``\sigma^t``, ``e^i``) rather than a power. A claim is refuted only if it fails under every reading.
- **numbers that look rounded or scaled**: ``100/7 = 14.2``, ``2\cdot 10^9\cdot 16\cdot 32 = 10^{12}``,
  ``7\times 10^9 \times 16 = 112`` (GB): equal to the digits written, or up to a power of ten (units).
"""
from __future__ import annotations

import math

import sympy as sp

from ..latex import Node
from ..read.nodes import names_in

#: Letters that index steps, layers and examples when written as superscripts (w^t, x^{(i)}, u^{k+1}).
INDEX_SUPERSCRIPTS = set("ijklmnrstuv") | {r"\tau"}
#: Letters written together that may be one name: plain Latin letters only (not \alpha x, not 2x).
LETTER = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
VARIATION = (r"\delta", r"\Delta")


# -- walking the tree ----------------------------------------------------------------------------------------

def children(node) -> list:
    """The parts of a node that are nodes (a relation's sides included); none for anything else."""
    if not isinstance(node, Node):
        return []
    found = []
    for a in node.args:
        for b in (a if isinstance(a, tuple) else (a,)):
            if isinstance(b, Node):
                found.append(b)
    return found


def rebuilt(node: Node, change) -> Node:
    """``node`` with ``change`` applied to each of its parts (each side of a relation)."""
    if node.kind == "rel":
        return Node(node.kind, node.name, (node.args[0], tuple(change(p) for p in node.args[1])), node.offset)
    if not node.args or node.kind in ("num", "name"):
        return node
    return Node(node.kind, node.name, tuple(change(a) if isinstance(a, Node) else a for a in node.args),
                node.offset)


# -- second readings ------------------------------------------------------------------------------------------

def second_readings(left: Node, right: Node, known: set = frozenset(),
                    functions: set = frozenset()) -> list[tuple[str, Node, Node]]:
    """The other readings of a claim's two sides, each with what it changes (only those that differ).

    Letters the note uses on their own (``known``: names in its definitions, or standing alone in the claim)
    stay letters: ``wx`` after ``L = (wx - y)^2`` is w times x."""
    known = set(known) | _alone(left) | _alone(right)

    def joined(n):
        return _joined(n, known)
    readings = []
    for what, change in (("letters written together as one name", joined),
                         ("a letter superscript as an index, not a power", _labelled),
                         ("both", lambda n: _labelled(joined(n))),
                         ("each sum running to the end of its side", _summed_to_end),
                         ("a name before a bracketed number as a function's value (p(5))",
                          lambda n: _valued(n, functions)),
                         ("a function's name used bare elsewhere as a value, so p(1 − p) is p times (1 − p)",
                          lambda n: _unapplied(n, functions, _bare(n))),
                         ("angles in degrees (cos(30) as cos 30°)", _degrees),
                         ("log as the base-10 logarithm", lambda n: _log_base(n, "10")),
                         ("log as the base-2 logarithm", lambda n: _log_base(n, "2"))):
        l2, r2 = change(left), change(right)
        if (l2, r2) != (left, right) and all(r[1:] != (l2, r2) for r in readings):
            readings.append((what, l2, r2))
    return readings


#: whole numbers that notes write as angles in degrees: cos(30), sin(45), tan(60)
_DEGREES = {str(d) for d in range(15, 361, 15)}
_TRIG = {"sin", "cos", "tan", "cot", "sec", "csc"}


def _degrees(node):
    """cos(30) read as cos 30°: a trigonometric function of a whole number of degrees."""
    if not isinstance(node, Node):
        return node
    if node.kind == "call" and node.name.lstrip("\\") in _TRIG and len(node.args) == 1 and \
            isinstance(node.args[0], Node) and node.args[0].kind == "num" and node.args[0].name in _DEGREES:
        at = node.args[0].offset
        radians = Node("op", "/", (Node("op", "*", (node.args[0], Node("name", r"\pi", (), at)), at),
                                   Node("num", "180", (), at)), at)
        return Node(node.kind, node.name, (radians,), node.offset)
    return rebuilt(node, _degrees)


def _log_base(node, base: str):
    """log x read as log_base x (notes write log for log₁₀ or log₂ as often as for ln)."""
    if not isinstance(node, Node):
        return node
    if node.kind == "call" and node.name == "log" and len(node.args) == 1:
        inner = _log_base(node.args[0], base)
        return Node(node.kind, node.name, (inner, Node("num", base, (), node.offset)), node.offset)
    return rebuilt(node, lambda n: _log_base(n, base))


def _end(node: Node) -> int | None:
    """Where a plain name ends in the formula's text (None for anything else)."""
    if node.kind == "name" and (len(node.name) == 1 or node.name.isalpha()):
        return node.offset + len(node.name)
    return None


def _factors(node: Node) -> list:
    if node.kind == "op" and node.name == "*":
        return _factors(node.args[0]) + _factors(node.args[1])
    return [node]


def _alone(node) -> set:
    """Single letters that stand on their own somewhere in the claim (not written against another letter)."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind == "op" and node.name == "*":
        factors = _factors(node)
        for k, f in enumerate(factors):
            touching = (k > 0 and _end(factors[k - 1]) == f.offset) or \
                (k + 1 < len(factors) and _end(f) == _start(factors[k + 1]))
            if f.kind == "name" and len(f.name) == 1 and not touching:
                found.add(f.name)
            elif f.kind != "name":
                found |= _alone(f)
        return found
    if node.kind == "name" and len(node.name) == 1:
        return {node.name}
    for child in children(node):
        found |= _alone(child)
    return found


def _start(node: Node) -> int:
    if node.kind == "sub" and node.args:
        return node.args[0].offset
    return node.offset


def _joined(node, known: set = frozenset()):
    """``s e`` written ``se``, ``X V`` written ``XV``, ``\\delta MSE``: one name (letters in ``known`` excepted)."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "*":
        factors = [_joined(f, known) for f in _factors(node)]
        merged = [factors[0]]
        for f in factors[1:]:
            last = merged[-1]
            joined = _join(last, f, known)
            if joined is None:
                merged.append(f)
            else:
                merged[-1] = joined
        out = merged[0]
        for f in merged[1:]:
            out = Node("op", "*", (out, f), out.offset)
        return out
    return rebuilt(node, lambda part: _joined(part, known))


def _join(last: Node, f: Node, known: set = frozenset()) -> Node | None:
    if last.kind == "name" and last.name in VARIATION and f.kind in ("name", "sub", "call") and \
            (f.kind != "call" or not f.args):
        # δMSE, Δw_j: a variation written before a name is part of the name
        if f.kind == "sub":
            return Node("sub", "", (Node("name", f"{last.name} {f.args[0].name}", (), last.offset),) + f.args[1:],
                        last.offset)
        return Node("name", f"{last.name} {f.name}", (), last.offset)
    end = _end(last)
    if end is None or not (last.name.isalpha() and all(c in LETTER for c in last.name)):
        return None
    letter = f.args[0].name if f.kind == "sub" and f.args and f.args[0].kind == "name" else f.name
    if len(last.name) == 1 and last.name in known and letter in known:
        return None   # w x written wx, both used on their own: a product
    if f.kind == "name" and f.offset == end and len(f.name) == 1 and f.name in LETTER:
        return Node("name", last.name + f.name, (), last.offset)
    if f.kind == "sub" and f.args[0].kind == "name" and f.args[0].offset == end and len(f.args[0].name) == 1 and \
            f.args[0].name in LETTER:
        return Node("sub", "", (Node("name", last.name + f.args[0].name, (), last.offset),) + f.args[1:], last.offset)
    if f.kind == "call" and not f.args and f.offset == end:
        return Node("name", last.name + f.name, (), last.offset)
    if f.kind == "op" and f.name == "^" and f.args[0].kind in ("name", "sub"):
        # sd_1^2: the power is on the joined name
        base = _join(last, f.args[0], known)
        return None if base is None else Node("op", "^", (base, f.args[1]), last.offset)
    return None


def _index_like(node: Node) -> str | None:
    """``t``, ``t+1``, ``k-1``, ``(t)``: the text of a superscript that can be an index."""
    while node.kind in ("group", "paren") and len(node.args) == 1:
        node = node.args[0]
    if node.kind == "name" and node.name in INDEX_SUPERSCRIPTS:
        return node.name
    if node.kind == "op" and node.name in ("+", "-") and node.args[0].kind == "name" and \
            node.args[0].name in INDEX_SUPERSCRIPTS and node.args[1].kind == "num":
        return f"{node.args[0].name}{node.name}{node.args[1].name}"
    if node.kind == "op" and node.name == "+" and node.args[0].kind == "name" and \
            node.args[0].name in INDEX_SUPERSCRIPTS and node.args[1].kind == "neg" and node.args[1].args[0].kind == "num":
        return f"{node.args[0].name}-{node.args[1].args[0].name}"
    return None


def _labelled(node):
    """``w^t``, ``u^{k+1}``, ``e^i``: the superscript names a step or an example (a label), not a power."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "^":
        base, power = node.args
        label = _index_like(power)
        if label is not None and base.kind == "name":
            return Node("name", f"{base.name}^{{({label})}}", (), base.offset)
        if label is not None and base.kind == "sub" and base.args[0].kind == "name":
            inner = base.args[0]
            return Node("sub", "", (Node("name", f"{inner.name}^{{({label})}}", (), inner.offset),) + base.args[1:],
                        base.offset)
    return rebuilt(node, _labelled)


def _valued(node, functions: set = frozenset()):
    """``p(5)``, ``f(0)``: the value of p at 5 (a name of its own), not p times 5 (the note's functions aside)."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "*" and node.args[0].kind in ("name", "sub") and \
            not (node.args[0].kind == "name" and node.args[0].name in functions) and \
            node.args[1].kind == "paren" and len(node.args[1].args) == 1 and node.args[1].args[0].kind == "num":
        base = node.args[0]
        text = base.name if base.kind == "name" else "·"
        return Node("name", f"{text}({node.args[1].args[0].name})", (), node.offset)
    return rebuilt(node, lambda part: _valued(part, functions))


def _bare(node) -> set:
    """Names that stand on their own in a side (not right before a bracket)."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind == "name":
        return {node.name}
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and node.args[1].kind == "paren":
        return _bare(node.args[1])
    for child in children(node):
        found |= _bare(child)
    return found


def _unapplied(node, functions: set, bare: set):
    """``n p(1 − p)`` where p also stands alone: p is a value here, multiplied by the bracket."""
    if not isinstance(node, Node):
        return node
    if node.kind == "op" and node.name == "*" and node.args[0].kind == "name" and node.args[1].kind == "paren" and \
            node.args[0].name in functions and node.args[0].name in bare:
        return Node("op", "*", (node.args[0], Node("group", "", node.args[1].args, node.args[1].offset)),
                    node.offset)
    return rebuilt(node, lambda part: _unapplied(part, functions, bare))


def _terms(node: Node) -> list:
    if node.kind == "op" and node.name == "+":
        return _terms(node.args[0]) + _terms(node.args[1])
    return [node]


def _sum_index(node: Node) -> str | None:
    if node.kind == "neg":
        return _sum_index(node.args[0])
    if node.kind != "sum" or not node.args:
        return None
    index = node.args[0]
    if index.kind == "rel":
        index = index.args[1][0]
    return index.name if index.kind == "name" else None


def _summed_to_end(node):
    r"""``\sum_i y_i \log p_i + (1 - y_i)\log(1 - p_i)``: the terms after a sum that use its index belong to it."""
    if not isinstance(node, Node):
        return node
    if node.kind == "rel":
        return rebuilt(node, _summed_to_end)
    terms = _terms(node)
    for k, term in enumerate(terms[:-1]):
        index = _sum_index(term)
        if index is None or not any(index in names_in(t) for t in terms[k + 1:]):
            continue
        negated = term.kind == "neg"
        total = term.args[0] if negated else term
        body = total.args[2]
        for t in terms[k + 1:]:
            body = Node("op", "+", (body, Node("neg", "", (t,), t.offset) if negated else t), body.offset)
        merged = Node("sum", total.name, (total.args[0], total.args[1], body) + total.args[3:], total.offset)
        merged = Node("neg", "", (merged,), term.offset) if negated else merged
        out = terms[0] if k else merged
        for t in terms[1:k]:
            out = Node("op", "+", (out, t), out.offset)
        if k:
            out = Node("op", "+", (out, merged), out.offset)
        return out
    return node


# -- one-sided quantities --------------------------------------------------------------------------------------

def quantities(e: sp.Expr) -> set:
    """The free quantities a side depends on: symbols, families (by name) and functions the note left open."""
    out = {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    out |= {x.base.label for x in e.atoms(sp.Indexed)}
    out |= {f.func for f in e.atoms(sp.core.function.AppliedUndef)}
    return out


def derivative_variables(node) -> set:
    """The names a claim differentiates by (∂/∂w, d/dx): present on both sides whatever the result looks like."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind == "deriv" and len(node.args) > 1 and isinstance(node.args[1], Node):
        found.add(_text(node.args[1]))
    for child in children(node):
        found |= derivative_variables(child)
    return found


def _text(node: Node) -> str:
    if node.kind == "name":
        return node.name
    if node.kind == "sub" and node.args and node.args[0].kind == "name":
        return node.args[0].name
    return ""


def one_sided(left: sp.Expr, right: sp.Expr, left_node: Node, right_node: Node, stated: set = frozenset(),
              wholes: bool = False) -> list:
    """Quantities that only one side depends on (after the note's definitions are put in). A variable of
    differentiation is no unknown an equation could fix; nor, in a claim about expectations (``wholes``),
    are whole numbers (Var of a mean is σ²/n whatever n is) and the names the assumptions speak of."""
    exempt = derivative_variables(left_node) | derivative_variables(right_node) | set(stated)
    a, b = quantities(left), quantities(right)
    return sorted((x for x in a ^ b if str(x) not in exempt and not (wholes and getattr(x, "is_integer", False))),
                  key=str)


def stated_names(facts) -> set:
    """The names a note's assumptions speak of (moments, shapes, bounds, ranges, value sets)."""
    names = set()
    for record in (facts.records() if facts is not None else ()):
        for value in vars(record).values():
            if isinstance(value, str):
                names.add(value)
            elif isinstance(value, sp.Basic):
                names |= {str(s) for s in value.free_symbols}
            elif isinstance(value, (tuple, frozenset)):
                for v in value:
                    if isinstance(v, str):
                        names.add(v)
                    elif isinstance(v, sp.Basic):
                        names |= {str(s) for s in v.free_symbols}
    return names


def written_names(node) -> set:
    """The names written in a side (a name, or the base of a subscripted name with its index), functions and
    bound indices aside: what a matrix claim's two sides are about."""
    found = set()
    if not isinstance(node, Node):
        return found
    if node.kind in ("name", "sub"):
        return {node}
    if node.kind == "call":
        nodes = node.args
    elif node.kind in ("sum", "prod"):
        nodes = node.args[2:]
    else:
        nodes = node.args
    for a in nodes:
        for child in (a if isinstance(a, tuple) else (a,)):
            found |= written_names(child)
    return found


def repeated_index(node) -> str | None:
    """An index letter written twice in one product outside any sum (``x_i a_{ij} x_j``): Einstein's
    summation convention may be meant, under which the product is a sum."""
    if not isinstance(node, Node) or node.kind in ("sum", "prod"):
        return None
    if node.kind == "op" and node.name == "*":
        seen: dict = {}
        for f in _factors(node):
            if f.kind == "sub":
                for index in f.args[1:]:
                    if isinstance(index, Node) and index.kind == "name" and len(index.name) == 1:
                        seen[index.name] = seen.get(index.name, 0) + 1
        twice = sorted(k for k, v in seen.items() if v >= 2)
        if twice:
            return twice[0]
    for child in children(node):
        found = repeated_index(child)
        if found:
            return found
    return None


def unbounded_sum(node) -> bool:
    """``\\sum_i x_i`` with no upper limit: how far it runs is the note's business, not a drawn size."""
    if not isinstance(node, Node):
        return False
    if node.kind == "sum" and len(node.args) > 1 and node.args[1] is None:
        return True
    return any(unbounded_sum(child) for child in children(node))


def imaginary_unit(node, bound: frozenset = frozenset()) -> bool:
    """``e^{-i θ Y/2}``: an ``i`` in an exponent of e that no sum binds is the imaginary unit."""
    if not isinstance(node, Node):
        return False
    if node.kind in ("sum", "prod") and node.args and isinstance(node.args[0], Node):
        index = node.args[0].args[1][0] if node.args[0].kind == "rel" else node.args[0]
        if index.kind == "name":
            bound = bound | {index.name}
    if node.kind == "op" and node.name == "^" and node.args[0].kind == "name" and node.args[0].name == "e":
        if "i" in names_in(node.args[1]) and "i" not in bound:
            return True
    return any(imaginary_unit(child, bound) for child in children(node))


# -- numbers ---------------------------------------------------------------------------------------------------

def scaled_or_rounded(left: sp.Expr, right: sp.Expr) -> str | None:
    """Two numbers that agree to a few digits, or up to a power of ten: a rounded value or a unit."""
    try:
        a, b = float(sp.N(left, 30)), float(sp.N(right, 30))
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)) or a == 0 or b == 0 or (a > 0) != (b > 0):
        return None
    ratio = a / b
    if float(b).is_integer() and not float(a).is_integer() and b == math.floor(a) and a - b >= 0.5 - 1e-12:
        return f"{a:.6g} rounds down to {b:g} (an implied floor, as in output-size formulas?)"
    if abs(ratio - 1) <= 0.05:
        return f"{a:.6g} and {b:.6g} agree within 5 % (a rounded value? ≈ would say so)"
    exponent = math.log10(abs(ratio))
    if abs(abs(exponent) - 2) < 0.002:
        return f"{a:.6g} and {b:.6g} differ by a factor 100 (a percentage?)"
    if abs(exponent) >= 2.5 and abs(exponent - round(exponent)) < 0.02 and round(exponent) % 3 == 0:
        return f"{a:.6g} and {b:.6g} differ by 10^{round(exponent)} (a unit such as k, M, G?)"
    return None
