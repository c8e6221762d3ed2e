"""What a parsed formula means: LaTeX trees turned into SymPy expressions in a note's context.

:class:`Meaning` gives names (symbols, families ``x_i`` as :class:`FamilyBase`, Kronecker ``δ_ij``), functions
(known ones, the note's own, and undefined ones kept as SymPy functions, never products of letters), sums with
bound indices apart from free ones, and derivatives: ``∂A/∂B`` differentiates A's definition with B held as the
variable (so ``∂L/∂ŷ`` and ``∂L/∂z`` differ as they should); the derivative of a name the note never defines is
not guessed. What a formula *is* (definition, claim, setting …) is :mod:`symnet.notes.judge.reading`'s business, and
whether a claim holds :mod:`symnet.notes.decide`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ...algebra.functions import gelu, leaky_relu, relu, sigmoid, softplus, step
from ..latex import Node
from . import notation
from .facts import Facts
from .nodes import Undecided, _key, _show, _ungroup, expand, family_base, family_size, names_in


KNOWN_FUNCTIONS = {
    "sigma": sigmoid, "sigmoid": sigmoid, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log, "ln": sp.log,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh, "ReLU": relu, "relu": relu,
    "softplus": softplus, "GELU": gelu, "gelu": gelu, "sign": sp.sign, "sgn": sp.sign, "erf": sp.erf,
    "abs": sp.Abs, "max": sp.Max, "min": sp.Min, "sqrt": sp.sqrt, "factorial": sp.factorial,
    "LeakyReLU": lambda x, alpha=sp.Rational(1, 100): leaky_relu(x, alpha),
    # x σ(x) (SiLU, Swish with β = 1), ELU with α = 1, Mish: activations notes define by these formulas
    "SiLU": lambda x: x * sigmoid(x), "silu": lambda x: x * sigmoid(x), "Swish": lambda x: x * sigmoid(x),
    "swish": lambda x: x * sigmoid(x), "ELU": lambda x: sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True)),
    "Mish": lambda x: x * sp.tanh(softplus(x)), "Softplus": softplus,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sec": sp.sec, "csc": sp.csc, "cot": sp.cot,
    "arsinh": sp.asinh, "artanh": sp.atanh, "coth": sp.coth,
}
#: Words that name functions symnet does not evaluate (softmax of a vector, attention, layer norm).
FUNCTION_WORDS = {"softmax", "Softmax", "Attention", "attention", "LayerNorm", "Dropout", "dropout", "argmax",
                  "argmin", "grad", "MSE", "MAE", "Concat", "FFN", "MultiHead", "head"}

#: Functions of whole rows or matrices, read by the matrix checks (symnet.notes.decide.interpret), never as scalars.
MATRIX_FUNCTIONS = FUNCTION_WORDS | {"rowsum", "rowmean", "rowstd", "normalize", "CE", "BCE", "windows", "fold",
                                     "LN", "concat", "Concat", "diag", "tr", "trace"}

#: d before a variable (dx, \mathrm{d}y): the differential of what the variable stands for, worked out from the
#: note's definitions (see :func:`differentials`)
DIFFERENTIAL = sp.Function("differential")


def differentials(e: sp.Expr, values=lambda v: v) -> sp.Expr:
    """Each differential(v) replaced by the total differential of ``values(v)`` (v with the note's definitions
    put in): Σ ∂v/∂w dw over v's variables, dw a new symbol (dy = 2x dx for y = x²; d of a constant is 0)."""
    def total(v):
        v = values(v)
        if v.atoms(sp.Indexed) or any(isinstance(f, sp.core.function.AppliedUndef) for f in v.atoms(sp.Function)) or \
                any(not getattr(x, "is_commutative", True) for x in v.free_symbols):
            raise Undecided(f"the differential d({v}) of a family member, a function or a matrix is not worked out")
        return sum((sp.diff(v, w) * sp.Symbol(f"d{w.name}", real=True)
                    for w in sorted(v.free_symbols, key=str)), sp.Integer(0))
    return e.replace(lambda x: isinstance(x, sp.Function) and x.func == DIFFERENTIAL, lambda x: total(x.args[0])) \
        if e.has(DIFFERENTIAL) else e


#: lower-case Greek letters notes use for maps and functionals (φ(v + w) = φ(v) + φ(w)) far more than for numbers
MAP_LETTER = re.compile(r"^(?:\\(?:phi|varphi|psi)|[fgh])$")
CAPITAL = re.compile(r"^(?:[A-Z]|\\(?:Gamma|Delta|Theta|Lambda|Xi|Sigma|Phi|Psi|Omega)|"
                     r"\\(?:mathbf|boldsymbol|bm)\{[A-Z]\})(\^\{.*\})?$")

#: Letters that notes use for functions: f(x), F(x), J(θ), L(θ), l(…), g(x) are calls unless defined as values.
CALL_LIKE = {"f", "g", "l", "F", "G", "J", "L", "P", "p", "q", "Q"}
INTEGER_LIKE = re.compile(r"^(i|j|k|l|m|n|t|N|T|K|M|d|d_k|L)$")


def _fraction(text: str) -> sp.Rational:
    f = Fraction(text)  # digits only: the tokenizer made sure
    return sp.Rational(f.numerator, f.denominator)


@dataclass
class Context:
    """What a note has defined so far."""

    values: dict            # Symbol | Indexed -> expression
    functions: dict         # name -> (parameters, expression)
    prose: str = ""         # the text around the formula (for stated assumptions)
    formula: str = ""       # the formula's own LaTeX
    expansions: dict = None  # each defined name written out in leaves (filled as claims need them)
    facts: Facts = None     # what the note assumes (symnet.notes.read.assumptions), merged as it is read
    evidence: list = None   # the facts the current claim's expectations rest on (None: it has none)
    missing: list = None    # what its expectations needed and the note does not state

    def __post_init__(self) -> None:
        if self.expansions is None:
            self.expansions = {}
        if self.facts is None:
            self.facts = Facts()
        self._read = ""

    def defines(self, value) -> bool:
        """Whether the note gave ``value`` (a symbol, an entry x_2, or a member of a family z_i = …) a value."""
        return value in self.values or isinstance(value, sp.Indexed) and value.base in self.values

    def assume(self, facts: Facts) -> None:
        """Add assumptions (later statements win over earlier ones about the same thing)."""
        if facts:
            self.facts = self.facts.merge(facts)

    @classmethod
    def empty(cls) -> "Context":
        return cls({}, {})


class Meaning:
    """Turns parsed nodes into SymPy expressions in a note's context."""

    def __init__(self, context: Context) -> None:
        self.ctx = context
        self.ambiguous: set = set()   # capitals before brackets read as products (R_n(…), T(…))
        self.bracketed: dict = {}     # bare capital -> how often it stood before a bracket in this claim

    # -- names ---------------------------------------------------------------------------------------------
    @staticmethod
    def symbol(name: str) -> sp.Symbol:
        # a bare capital (X, W, W^{(1)}) may be a matrix: it does not commute, so X W and W X stay apart
        if CAPITAL.match(name):
            return sp.Symbol(name, commutative=False)
        return sp.Symbol(name, real=True)

    def name(self, node: Node) -> sp.Expr:
        if node.kind == "name" and node.name.startswith(("\\mathbf{1}", "\\mathbb{1}")):
            raise Undecided("vector and matrix notation is not checked at scalar level")
        if node.kind == "name":
            if node.name == "e" and self.symbol("e") not in self.ctx.values:
                return sp.E
            if node.name == r"\pi":
                return sp.pi
            return self.symbol(node.name)
        if node.kind == "sub":
            base = node.args[0]
            if base.kind != "name":
                raise Undecided("a subscript on an expression")
            index_nodes = node.args[1:]
            if base.name == r"\delta" and len(index_nodes) == 1 and index_nodes[0].kind == "op" and \
                    index_nodes[0].name == "*" and all(a.kind == "name" for a in index_nodes[0].args):
                index_nodes = index_nodes[0].args    # δ_{ij}: two indices run together
            indices = [self.index(i) for i in index_nodes]
            if base.name == r"\delta" and len(indices) == 2 and self.family(r"\delta") is None:
                return sp.KroneckerDelta(*indices)   # δ_ij: Kronecker's, unless the note defines a δ family
            return family_base(base.name)[tuple(indices)]
        raise Undecided(f"{node.kind} is not a name")

    def family(self, name: str):
        """The note's definition of a family (``z_i = …`` defines every z_i), or None."""
        return self.ctx.values.get(family_base(name))

    def index(self, node: Node) -> sp.Expr:
        e = self.expr(node)
        return e if e.is_Integer else e.xreplace({s: sp.Symbol(s.name, integer=True)
                                                  for s in e.free_symbols if isinstance(s, sp.Symbol)})

    # -- expressions ---------------------------------------------------------------------------------------
    def expr(self, node: Node) -> sp.Expr:
        k = node.kind
        if k == "num":
            return sp.oo if node.name == "oo" else _fraction(node.name)
        if k in ("name", "sub"):
            return self.name(node)
        if k in ("paren", "group"):
            if len(node.args) != 1:
                raise Undecided("an empty or multiple group")
            return self.expr(node.args[0])
        if k == "neg":
            return -self.expr(node.args[0])
        if k == "op":
            a, b = node.args
            if node.name == "+":
                return self.expr(a) + self.expr(b)
            if node.name == "/":
                return self.expr(a) / self.expr(b)
            if node.name == "^":
                base, power = self.expr(a), self.expr(b)
                if power == 0 and not base.is_number:
                    # E_{out}^{0/1}, x^{(0)} written as x^0: a superscript 0 names a version, it is no power
                    raise Undecided(f"{_show(a)}^{{{_show(b)}}}: a superscript 0 is a label here, not a power")
                return base ** power
            if node.name == "∘":
                raise Undecided("a Hadamard product ∘ is matrix notation")
            return self.product(a, b)
        if k == "call":
            return self.call(node.name, node.args)
        if k == "deriv":
            return self.derivative(*node.args)
        if k == "nabla":
            sub, body = node.args
            if sub is None:
                raise Undecided("a gradient ∇f of several variables")
            return self.derivative(body, sub, 1)
        if k in ("sum", "prod"):
            return self.big_operator(k, *node.args)
        if k == "abs":
            return sp.Abs(self.expr(node.args[0]))
        if k == "prime":
            raise Undecided("a prime without an argument")
        if k in ("matrix", "transpose", "norm", "tuple"):
            raise Undecided("vector and matrix notation is not checked at scalar level")
        if k == "rel":
            raise Undecided("a relation inside an expression")
        if k == "optimum":
            raise Undecided(f"\\{node.name} over a variable is an optimisation, not evaluated")
        if k == "placeholder":
            raise Undecided("a placeholder argument (·)")
        if k == "label":
            raise Undecided(f"the word {node.name!r} inside maths")
        if k == "partial":
            raise Undecided("a ∂ outside a derivative")
        if k in notation.KINDS:
            return notation.meaning(self, node)  # piecewise, evaluation bars, declarations (notation.py)
        raise Undecided(f"cannot evaluate {k}")

    def product(self, a: Node, b: Node) -> sp.Expr:
        if a.kind == "num" and b.kind == "name" and b.name in ("K", "M", "B", "G", "k") and \
                self.symbol(b.name) not in self.ctx.values:
            raise Undecided(f"{a.name}{b.name}: a number with a unit suffix (thousands, millions)")
        # f(x) or f (x)(…): a call when f is a function the note or symnet knows, or the argument is a tuple
        if b.kind in ("paren", "tuple") and a.kind == "op" and a.name == "*" and self._applies(a.args[1]):
            # x Φ(x) parses as (x Φ)(x): application binds tighter than the product, so x · Φ(x)
            return self.expr(a.args[0]) * self.product(a.args[1], b)
        if b.kind == "op" and b.name == "^" and b.args[0].kind in ("paren", "tuple") and self._applies(a):
            # f(x)^2 parses as f · (x)^2: the power is of the function's value, f(x) squared
            return self.product(a, b.args[0]) ** self.expr(b.args[1])
        if a.kind == "deriv" and b.kind == "paren" and len(b.args) == 1 and isinstance(a.args[1], Node) and \
                b.args[0].kind in ("name", "sub") and _key(b.args[0]) == _key(a.args[1]):
            return self.expr(a)   # \frac{dg}{dx}(x): the derivative at x, not times x
        differential = self._differential(a, b)
        if differential is not None:
            return differential
        if a.kind == "name" and a.name in (r"\Delta", r"\delta") and b.kind in ("name", "sub") and \
                self.symbol(a.name) not in self.ctx.values:
            return self.symbol(f"{a.name} {_key(b)}")   # Δc, δw: an increment, one name
        if b.kind in ("paren", "tuple"):
            args = b.args if b.kind == "tuple" else (b.args[0],)
            if a.kind == "name" and a.name == "P" and a.name not in self.ctx.functions and \
                    not (b.kind == "paren" and b.args and b.args[0].kind == "num") and \
                    not (self.symbol("P") in self.ctx.values and "P" in names_in(b)):
                # P(A ∪ B), P(≥ 1 …): a probability even where the note gave P a value elsewhere
                raise Undecided("a probability P(…) is not evaluated")
            if a.kind == "name" and a.name in ("E", "P") and self.symbol(a.name) not in self.ctx.values and \
                    a.name not in self.ctx.functions:
                if a.name == "E":
                    return self.call("E", args)   # E[X]: an expectation, as \mathbb{E}[X]
                raise Undecided("a probability P(…) is not evaluated")
            if a.kind == "op" and a.name == "^" and a.args[1].kind == "neg":
                raise Undecided(f"an inverse function {_show(a.args[0])}^{{-1}} is not evaluated")
            if a.kind == "prime":
                return self.prime_call(a.args[0], args)
            fname = self._function_name(a)
            if fname is not None:
                return self.call(fname, args)
            if self._call_like(a):
                # F(x), J(θ), l(…): a function the note does not define, kept as SymPy's undefined function
                return sp.Function(_key(a))(*[self.expr(x) for x in args])
            if b.kind == "tuple":
                raise Undecided(f"{_show(a)}(…) is not a function this note defines")
            head = a
            while head.kind == "op" and head.name == "*" and head.args:
                head = head.args[-1]     # c T(u): the capital right before the bracket
            if b.kind == "paren" and self._bare_capital(head):
                # D(f + g) = D(f) + D(g), Φ(a + b), T(cu) = cT(u): one capital before brackets twice in a claim
                # is an operator applied more often than a matrix multiplied
                self.bracketed[head.name] = self.bracketed.get(head.name, 0) + 1
                if self.bracketed[head.name] >= 2:
                    self.ambiguous.add(_show(head))
            if b.kind == "paren" and self._capital_name(a):
                # R_n(F_1 + F_2), T(x + y): a capital before a bracket may be a function applied; the claim is
                # read as a product, and a verification must not rest on that reading alone
                self.ambiguous.add(_show(a))
        return self.expr(a) * self.expr(b)

    def _differential(self, a: Node, b: Node) -> sp.Expr | None:
        """``d x``, ``3 \\, \\mathrm{d}t``: d (not a name the note gives a value) right before a variable is a
        differential, never the number d times x; None when the product is something else."""
        if b.kind not in ("name", "sub") or self.symbol("d") in self.ctx.values or "d" in self.ctx.functions:
            return None
        if a.kind == "name" and a.name == "d":
            return DIFFERENTIAL(self.expr(b))
        if a.kind == "op" and a.name == "*" and len(a.args) == 2 and a.args[1].kind == "name" and a.args[1].name == "d":
            return self.expr(a.args[0]) * DIFFERENTIAL(self.expr(b))
        return None

    def _bare_capital(self, node: Node) -> bool:
        """A capital (Latin, Greek, blackboard) the note gives no value, written alone before a bracket."""
        if node.kind != "name" or not (CAPITAL.match(node.name) or MAP_LETTER.match(node.name) or
                                       node.name.startswith(("\\mathbb", "\\mathcal", "\\mathscr"))):
            return False
        return self._valueless(node)

    def _valueless(self, node: Node) -> bool:
        """Whether the note gives the name no value (a name that cannot be read counts as given one)."""
        try:
            return not self.ctx.defines(self.name(node))
        except Undecided:
            return False

    def _capital_name(self, node: Node) -> bool:
        # a subscripted capital (R_n, M_t, T_k) names a function or an operator more often than a matrix
        if node.kind != "sub" or not node.args:
            return False
        if not all(isinstance(i, Node) and i.kind == "name" for i in node.args[1:]):
            return False   # W_{1,2}, W^{(2)}_{1,1}: an entry (numbers below), multiplied by the bracket
        base = node.args[0]
        if base.kind != "name" or not CAPITAL.match(base.name):
            return False
        return self._valueless(node)

    def _applies(self, node: Node) -> bool:
        """Whether ``node`` followed by a bracket is a function applied (one the note defined, or a known one),
        rather than a factor (``q (x/q)^2`` is a product: q is no function here)."""
        return self._function_name(node) is not None or node.kind == "prime"

    def _call_like(self, node: Node) -> bool:
        base = node.args[0] if node.kind == "sub" else node
        if base.kind != "name" or base.name not in CALL_LIKE:
            return False
        try:
            value = self.name(node)
        except Undecided:
            return False
        defined = self.ctx.defines(value)
        return not defined

    def _function_name(self, node: Node) -> str | None:
        if node.kind == "call" and not node.args and node.name in KNOWN_FUNCTIONS:
            return node.name  # \tanh'(x)
        if node.kind == "name":
            bare = node.name.lstrip("\\")
            if node.name in self.ctx.functions or bare in KNOWN_FUNCTIONS:
                return node.name if node.name in self.ctx.functions else bare
        if node.kind == "sub" and node.args[0].kind == "name":
            key = _key(node)
            if key in self.ctx.functions:
                return key
        return None

    def call(self, name: str, args: tuple) -> sp.Expr:
        if name == "indicator":
            if len(args) == 1 and args[0].kind == "rel" and args[0].args[0] == (">",):
                left, right = args[0].args[1]
                return step(self.expr(left) - self.expr(right))
            raise Undecided("an indicator of something other than x > y")
        if name in ("E", "Var", "Cov") and name not in self.ctx.functions:
            return self.expectation(name, args)
        values = [self.expr(a) for a in args]
        if name in self.ctx.functions:
            params, body = self.ctx.functions[name]
            if len(params) != len(values):
                raise Undecided(f"{name} takes {len(params)} argument(s)")
            return body.xreplace(dict(zip(params, values)))
        if name in KNOWN_FUNCTIONS:
            if not values:
                return self.symbol(name)  # \operatorname{cost} used as a name
            if name == "sqrt" and len(values) == 2:
                return sp.root(values[0], values[1])
            if name == "log" and len(values) == 1:
                return sp.log(values[0])
            return KNOWN_FUNCTIONS[name](*values)
        if not values:
            return self.symbol(name)
        if name in MATRIX_FUNCTIONS:
            raise Undecided(f"{name} acts on vectors or matrices (not checked at scalar level)")
        # a name this note does not define, applied to arguments: a function symnet knows nothing about (a
        # claim about it holds only if it holds for every function), never a product of letters
        return sp.Function(name.lstrip("\\"), real=True)(*values)

    def prime_call(self, f: Node, args: tuple) -> sp.Expr:
        x = sp.Dummy("x", real=True)
        order = 1
        while f.kind == "prime":
            f, order = f.args[0], order + 1   # f'': the second derivative
        name = self._function_name(f)
        if name is None or len(args) != 1:
            raise Undecided(f"{_show(f)}{chr(39) * order} is not a function this note defines")
        value = self.expr(args[0])
        fn = self.ctx.functions.get(name)
        if fn is not None:
            params, expression = fn
            if len(params) != 1:
                raise Undecided(f"{name}{chr(39) * order} of a function of several variables")
            return sp.diff(expression.xreplace({params[0]: x}), x, order).xreplace({x: value})
        return sp.diff(KNOWN_FUNCTIONS[name](x), x, order).xreplace({x: value})

    def derivative(self, target: Node | None, variable: Node, order: int) -> sp.Expr:
        if target is None:
            raise Undecided("a derivative of nothing")
        target, variable = _ungroup(target), _ungroup(variable)
        v = self.name(variable) if variable.kind in ("name", "sub") else None
        if v is None:
            raise Undecided("a derivative with respect to an expression")
        t = self.defined_function(target)
        if t is None:
            t = self.expr(target)
        if isinstance(t, (sp.Symbol, sp.Indexed)) and t != v and not self.ctx.defines(t):
            raise Undecided(f"∂{_show(target)}: {_show(target)} is not defined in this note")
        # hold v as the variable (with every member of its family: ∂/∂z_j sees z_i and the z_k of a sum)
        # and expand every other definition
        # the same derivative asked again (∂L/∂a_1 in every claim downstream of a_1): computed once while the
        # definitions stay as they are (the memo is cleared with the expansions on any redefinition)
        memo = self.ctx.expansions
        key = ("∂", t, v, order)
        if key in memo:
            return memo[key]
        family = isinstance(v, sp.Indexed) and isinstance(self.ctx.values.get(v.base), sp.Lambda)
        hold = {v, v.base} if family else {v}
        expanded = expand(t, self.ctx.values, hold=hold)
        if not (expanded.has(v) or isinstance(v, sp.Indexed) and expanded.has(v.base)):
            # ∂L/∂S = 0 because L never mentions S: true as read, but almost always a name used for two things
            raise Undecided(f"{_show(target)} does not depend on {_show(variable)} in this note's definitions")
        memo[key] = result = sp.diff(expanded, v, order)
        return result

    def defined_function(self, target: Node):
        """``L`` in ∂L/∂w where the note defined ``L(w, b) = …``: the body, in its own parameters."""
        if target.kind == "name" and target.name in self.ctx.functions and \
                self.symbol(target.name) not in self.ctx.values:
            return self.ctx.functions[target.name][1]
        return None

    def big_operator(self, kind: str, lower: Node | None, upper: Node | None, body: Node) -> sp.Expr:
        """∑/∏ with a bound index distinct from every free one (a Dummy); ``\\sum_j`` without bounds runs
        over the whole family its body indexes with j (1 … |z| for ``\\sum_j e^{z_j}``)."""
        if lower is not None and lower.kind == "rel" and lower.args[0] == ("=",):
            index_node, start_node = lower.args[1]
            start, end = self.expr(start_node), self.expr(upper) if upper is not None else None
        elif lower is not None and lower.kind == "name" and upper is None:
            index_node, start, end = lower, sp.Integer(1), None
        else:
            raise Undecided(f"a \\{kind} whose range is not i = a … b or a single index")
        if index_node.kind != "name":
            raise Undecided("a sum over something other than a name")
        index = sp.Dummy(index_node.name, integer=True)
        content = self.expr(body).xreplace({self.symbol(index_node.name): index,
                                            sp.Symbol(index_node.name, integer=True): index})
        if end is None:
            families = sorted({str(a.base) for a in content.atoms(sp.Indexed) if index in a.indices})
            if not families:
                raise Undecided(f"a \\{kind} over {index_node.name} without bounds, indexing no family")
            end = family_size(families[0])
        op = sp.Sum if kind == "sum" else sp.Product
        return op(content, (index, start, end))

    def expectation(self, name: str, args: tuple) -> sp.Expr:
        """E[X], Var(X), Cov(X, Y) by the rules of expectation under the facts the note has stated
        (:mod:`symnet.notes.read.expectation`); the facts used are kept for the verdict's evidence. Those rules
        build on this class, so they are installed from above (:func:`use_expectation`) and not imported."""
        return _EXPECTATION[0](self, name, args)

    def ctx_dimension(self) -> sp.Expr:
        return sp.IndexedBase("d", real=True)[sp.Symbol("k", integer=True)]


#: the rules of expectation :meth:`Meaning.expectation` applies (installed by symnet.notes.read.expectation,
#: which the read package imports: it subclasses Meaning, so this module cannot import it)
_EXPECTATION: list = [None]


def use_expectation(rule) -> None:
    """Install ``rule(meaning, name, args)`` as the rules of expectation :class:`Meaning` applies."""
    _EXPECTATION[0] = rule
