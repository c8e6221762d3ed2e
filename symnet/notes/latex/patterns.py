"""Ellipses read by their pattern: ``x_1 + \\dots + x_n`` is ``\\sum_{i=1}^{n} x_i``, ``x_1 x_2 \\cdots x_n`` is
``\\prod_{i=1}^{n} x_i``. The first and last terms must differ only where the first has a whole number and the
last an expression (the bounds); terms written before the ellipsis must follow the pattern. Anything else is
a :class:`LatexError` that says how to write the sum instead: an ellipsis is never guessed."""
from __future__ import annotations

from .tokens import LatexError, Node

FRESH = ("i", "j", "k", "m", "r", "s", "t", "u", "v")


def ellipsis_sum(terms: list[Node], start: int, parser) -> Node:
    return _pattern(terms, start, parser, "sum", "+")


def ellipsis_product(factors: list[Node], start: int, parser) -> Node:
    if len(factors) == 3 and factors[0].kind == "num" and factors[1].kind == "dots" and \
            factors[2].kind in ("name", "num"):
        # j = 1...K: two ends and an ellipsis with nothing between them to multiply is a range, not K!
        raise LatexError("1…K reads as a range here, not as the product 1·2·…·K", factors[1].offset,
                         r"write j = 1, \dots, K for a range, or 1 \cdot 2 \cdots K for a product")
    # p(x_1) p(x_2) \cdots p(x_n): a name and its bracket are one factor of the pattern
    paired: list[Node] = []
    for f in factors:
        if paired and f.kind in ("paren", "tuple") and paired[-1].kind in ("name", "sub"):
            paired[-1] = Node("op", "*", (paired[-1], f), paired[-1].offset)
        else:
            paired.append(f)
    return _pattern(paired, start, parser, "prod", " ")


def _pattern(items: list[Node], start: int, parser, kind: str, joiner: str) -> Node:
    command = "\\sum" if kind == "sum" else "\\prod"
    dots = [k for k, item in enumerate(items) if item.kind == "dots" or item.kind == "neg" and
            item.args[0].kind == "dots"]
    where = items[dots[0]].offset
    hint = f"write it as {command}_{{i=1}}^{{n}} with the general term"
    if kind == "prod" and dots == [len(items) - 1] and items[-2].kind == "num" and "." in items[-2].name:
        parser.read_as(f"read {items[-2].name}… as {items[-2].name}")  # 0.7…: a decimal, cut short
        items = items[:-1]
        return items[0] if len(items) == 1 else _fold(items, start)
    if len(dots) != 1 or dots[0] == 0 or dots[0] == len(items) - 1:
        raise LatexError("an ellipsis symnet cannot read (it needs a first term, the ellipsis, then the last "
                         "term)", where, hint)
    d = dots[0]
    last = items[d + 1]
    # the pattern starts at the earliest term that unifies with the last one; terms around it stay as written
    failure = LatexError("an ellipsis whose first and last terms do not show the pattern", where, hint)
    for begin in range(d):
        slots: list[tuple[Node, Node]] = []
        if not (_unify(items[begin], last, slots) and slots):
            continue
        try:
            pattern = _series(items[begin:d + 2], slots, start, parser, kind, command, hint, where)
            break
        except LatexError as exc:
            failure = exc
    else:
        raise failure
    whole = items[:begin] + [pattern] + items[d + 2:]
    return whole[0] if len(whole) == 1 else _fold(whole, start, "+" if kind == "sum" else "*")


def _fold(items: list[Node], start: int, op: str = "*") -> Node:
    node = items[0]
    for item in items[1:]:
        node = Node("op", op, (node, item), start)
    return node


def _series(items: list[Node], slots: list, start: int, parser, kind: str, command: str, hint: str,
            where: int) -> Node:
    """The sum or product that ``first, …, \\dots, last`` spells, its index bound at the slots."""
    first, last = items[0], items[-1]
    low = slots[0][0]
    if any(not _same(a, low) or not _same(b, slots[0][1]) for a, b in slots):
        raise LatexError("an ellipsis whose bounds differ from place to place", where, hint)
    index = next((x for x in FRESH if not _mentions(first, x) and not _mentions(last, x)), None)
    if index is None:
        raise LatexError("an ellipsis with no free letter for its index", where, hint)
    places = {id(a) for a, _ in slots}
    body = _replace(first, places, Node("name", index, (), first.offset))
    # the terms between the first and the ellipsis must be the pattern's next values
    for step, item in enumerate(items[1:-2], start=1):
        expected = _replace(first, places, Node("num", str(int(low.name) + step)))
        if not _same(item, expected):
            raise LatexError("the terms before the ellipsis do not follow one pattern", item.offset, hint)
    upper = slots[0][1]
    lower = Node("rel", "", (("=",), (Node("name", index, (), start), low)), start)
    source = parser.text[first.offset:_end(last, parser.text)].strip()
    parser.read_as(f"read {source} as {command}_{{{index}={low.name}}}^{{{latex_of(upper)}}} {latex_of(body)}")
    return Node(kind, "", (lower, upper, body), first.offset)


def _unify(a, b, slots: list) -> bool:
    """Whether ``a`` and ``b`` agree except where ``a`` has a whole number and ``b`` something else."""
    if isinstance(a, Node) and isinstance(b, Node):
        if a.kind == "num" and a.name.isdigit() and not _same(a, b):
            slots.append((a, b))
            return True
        if a.kind != b.kind or a.name != b.name or len(a.args) != len(b.args):
            return False
        return all(_unify(x, y, slots) for x, y in zip(a.args, b.args))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_unify(x, y, slots) for x, y in zip(a, b))
    return a == b


def _same(a, b) -> bool:
    """Structural equality, offsets aside."""
    if isinstance(a, Node) and isinstance(b, Node):
        return a.kind == b.kind and a.name == b.name and len(a.args) == len(b.args) and \
            all(_same(x, y) for x, y in zip(a.args, b.args))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _replace(node, places: set, new: Node):
    """``node`` with the nodes at ``places`` (their ids: the slots found by :func:`_unify`) replaced."""
    if isinstance(node, Node):
        if id(node) in places:
            return new
        return Node(node.kind, node.name, tuple(_replace(a, places, new) for a in node.args), node.offset)
    if isinstance(node, tuple):
        return tuple(_replace(a, places, new) for a in node)
    return node


def _mentions(node, letter: str) -> bool:
    if isinstance(node, Node):
        return node.kind == "name" and node.name == letter or any(_mentions(a, letter) for a in node.args)
    if isinstance(node, tuple):
        return any(_mentions(a, letter) for a in node)
    return False


def _end(node: Node, text: str) -> int:
    """Roughly where a node's source ends (the last offset inside it, plus its token)."""
    last = node.offset
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Node):
            last = max(last, n.offset)
            stack.extend(n.args)
        elif isinstance(n, tuple):
            stack.extend(n)
    k = last + 1
    depth = 0
    while k < len(text) and (text[k].isalnum() or text[k] in "_{}^" or depth > 0):
        depth += text[k] == "{"
        depth -= text[k] == "}"
        if depth < 0:
            break
        k += 1
    return k


def latex_of(node) -> str:
    """A short LaTeX rendering of a node, for readings (names, indices, sums, products, powers)."""
    if not isinstance(node, Node):
        return "" if node is None else str(node)
    k, a = node.kind, node.args
    if k in ("num", "name"):
        return node.name
    if k == "sub":
        return f"{latex_of(a[0])}_{{{','.join(latex_of(x) for x in a[1:])}}}"
    if k == "neg":
        return f"-{latex_of(a[0])}"
    if k == "paren":
        return f"({latex_of(a[0])})"
    if k == "op" and node.name == "^":
        return f"{latex_of(a[0])}^{{{latex_of(a[1])}}}"
    if k == "op" and node.name == "+":
        return f"{latex_of(a[0])} + {latex_of(a[1])}"
    if k == "op":
        return f"{latex_of(a[0])} {'' if node.name == '*' else node.name + ' '}{latex_of(a[1])}"
    if k == "call":
        return f"\\operatorname{{{node.name}}}({', '.join(latex_of(x) for x in a)})"
    return "…"
