"""Definitions, settings and conditions: what ``left = right`` defines (a value, a function, a family, a
recurrence, an entry), or restates, or asks to solve; a later optimum ``w^* = …`` is checked against the
condition by substitution.
"""
from __future__ import annotations

import re

import sympy as sp

from ..decide.outcome import Outcome
from ..decide.decision import decide
from ..latex import Node
from ..read.meaning import KNOWN_FUNCTIONS, Meaning
from ..read.nodes import Undecided, _key, _show, expand
from .claims import _claim, _matrix_notation
from .restatements import _member_value, _written_again, rearranged_definition, restates_as_written
from .scope import _applied_names, _same_section, _undefined_derivative
from .domains import _decide, _domain, _sides
from .forms import (_defined_names, _derivative_variable, _grounded, _has_derivative, _has_name, _is_two, _is_zero,
                    _plain_equation, _target, _value_or_none, meaning_free_of, unify_indices)
from .state import ELEMENTARY, NoteState, OPTIMUM, record_setting


def _defining(op: str, left: Node, right: Node, meaning: Meaning, state: NoteState, line: int,
              budget: float) -> tuple[str, str]:
    ctx = state.context
    if op == "←":
        return "definition", "update rule"
    if _is_zero(right) and _has_derivative(left):
        variable = _derivative_variable(left)
        expression = meaning.expr(left)
        state.conditions.append((variable, expression, line))
        return "condition", "an equation to solve (a stationarity condition), not an identity"
    undefined = _undefined_derivative(left, state)
    if undefined:
        # f_2''(x) = −e^{−x}: a derivative of a function the note never defined is not a new definition
        raise Undecided(f"the derivative of {undefined}, which this note does not define: not checked")
    if left.kind == "name" and re.fullmatch(r"[A-Z]", left.name) and (
            right.kind == "name" and right.name == left.name.lower() or
            right.kind == "sub" and right.args[0].kind == "name" and right.args[0].name == left.name.lower()):
        # X = x, X = x_i: the event that a random variable takes a value
        return "mention", f"the event {left.name} = {_show(right)} (a random variable taking a value)"
    if left.kind == "name" and re.fullmatch(r"(?:\\mathbf\{)?[A-Z]\}?", left.name) and right.kind == "paren" and \
            len(right.args) == 1 and right.args[0].kind == "sub" and len(right.args[0].args) >= 3 and \
            all(a.kind == "name" for a in right.args[0].args[1:]):
        # A = (a_{ij}): the matrix whose entries are a_ij (entry notation), never A set equal to one number a_ij
        state.matrix_letters.setdefault(left.name.replace("\\mathbf{", "").rstrip("}"), line)
        return "assumption", f"{left.name} is the matrix of entries {_show(right.args[0])} (entry notation, not a value)"
    if left.kind == "name" and right.kind == "name" and re.fullmatch(r"[A-Za-z]", left.name) and \
            re.fullmatch(r"[A-Za-z]", right.name) and Meaning.symbol(right.name) not in ctx.values:
        # j = i, G = C: a case or a condition between two letters, not a definition of one by the other
        return "condition", f"{left.name} = {right.name}: a case or condition, not a definition"
    target = _target(left, meaning)
    if target is None and left.kind == "op" and left.name == "^" and left.args[0].kind in ("name", "sub"):
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number:
            return "setting", f"a value for {_show(left.args[0])}^{_show(left.args[1])} (line {line}), not substituted"
        name = meaning.name(left.args[0])
        if value is not None and _is_two(left.args[1]) and name in state.context.values and \
                state.cue != "claim" and not value.has(name):
            # He after Xavier: σ_w² = 2/n_in replaces σ_w² = 2/(n_in + n_out)
            state.context.values[name] = sp.sqrt(value)
            state.context.expansions.clear()
            state.lines[name] = line
            return "redefinition", f"{_show(left.args[0])}² given a new value from here on"
        if value is not None and _is_two(left.args[1]) and name not in state.context.values and \
                not value.has(name):
            # σ² = (1/d) Σ (x_i − μ)²: defines σ as the root of a variance
            state.context.values[name] = sp.sqrt(value)
            state.context.expansions.clear()
            state.lines[name] = line
            return "definition", f"defines {_show(left.args[0])}² (and {_show(left.args[0])} as its root)"
    if target is None:
        return _claim_or_condition(left, right, meaning, state, budget)
    kind = target[0]
    if kind == "function" and target[1].lstrip("\\") in ("E", "Var", "Cov", "P", "Pr", "mathbb{E}"):
        # Var[w] = 1/n, E[x] = μ: a moment the note states (an assumption), not a function of its argument
        return "assumption", f"a stated moment or probability: {_show(left) if left.kind != 'op' else target[1]}"
    if kind == "function":
        return _function_definition(target, left, right, meaning, state, line, budget)
    symbol = target[1]
    solved = _solution(left, right, meaning, state, budget, line)
    if solved is not None:
        return solved
    if isinstance(symbol, sp.Indexed):
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number and symbol.base not in state.recurrences and \
                symbol not in ctx.values and (symbol.base not in ctx.values or
                                             right.kind in ("num", "neg", "op") and state.cue != "claim" and
                                             not _has_name(right)):
            # p_1 = 4/5 in a worked example, θ_0 = 0 before its recurrence: a value in this paragraph
            record_setting(state, symbol, value, line)
            return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
        if symbol in ctx.values and symbol.base not in ctx.values:
            return _restated(symbol, left, right, meaning, state, line, budget)
        return _family_statement(symbol, left, right, meaning, state, line, budget)
    value = _value_or_none(meaning, right)
    # a value for a name (η = 0.1, x = 10): a setting of its paragraph, whatever the note said of it before
    if value is not None and (left.kind == "name" and not value.free_symbols and not _defined_names(value, ctx)
                              or value.is_number and not state.matrices.defines(left)):
        record_setting(state, symbol, value, line)
        return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
    if symbol in ctx.values or state.matrices.defines(left):
        return _restated(symbol, left, right, meaning, state, line, budget)
    return _define_value(symbol, left, right, value, meaning, state, line)


def _offer_matrices(left: Node, right: Node, state: NoteState) -> bool:
    """Every definition is offered to the matrix reading too (h_3 = tanh(x_3 W_x + …) is a row of a matrix);
    the name counts as a matrix for later claims when its definition is written with matrix notation."""
    accepted = state.matrices.define_node(left, right)
    if accepted and _matrix_notation(right, state):
        state.matrix_names.add(_key(left))
    return accepted


def _define_value(symbol, left: Node, right: Node, value, meaning: Meaning, state: NoteState,
                  line: int) -> tuple[str, str]:
    as_matrices = _offer_matrices(left, right, state)
    if value is None:
        try:
            value = meaning.expr(right)
        except Undecided as exc:
            if as_matrices:
                state.matrix_names.add(_key(left))
                state.lines.setdefault(symbol, line)
            return "definition", ("read as matrices" if as_matrices else f"its right side is not evaluated: {exc}")
    if value.has(symbol):
        raise Undecided("a definition that refers to itself")
    state.context.values[symbol] = value
    state.context.expansions.clear()
    state.lines[symbol] = line
    state.defined_in[symbol] = state.section
    return "definition", ""


def _restated(symbol, left, right, meaning, state, line, budget) -> tuple[str, str]:
    """A name defined before, given a value again: the same value is a claim that holds; a different one is
    a redefinition, unless the words before it make it a claim ("then", "hence")."""
    ctx = state.context
    if symbol not in ctx.values:
        where = state.lines.get(symbol)
        if where is None or _same_section(where, state):
            raise Undecided(f"{_show(left)} is defined as a matrix; a new value for it is not checked")
        # A = [[0, 1], [1, 0]] before, a rotation A = … now: the note (re)defines A from here on, and claims
        # about A are never checked against the matrix it replaced
        _offer_matrices(left, right, state)
        state.lines[symbol] = line
        state.defined_in[symbol] = state.section
        return "redefinition", f"replaces {_show(left)} from line {where} from here on (a new section)"
    outcome = _claim(meaning, left, right, "=", state, budget)
    where = state.lines.get(symbol)
    if outcome.status == "verified":
        if where == line:
            # A = Q^T P_B …, then A = P D P^{-1} on the same line: one display's rows, not a check of anything
            return "mention", f"restates {_show(left)} from the same line"
        if not _same_section(where, state):
            # a summary restating what another section defined (or a copy of it): nothing new to check, and
            # which definition is meant there is the note's business
            return "mention", f"restates {_show(left)} from line {where} (another section)"
        if _bare(ctx.values.get(symbol)):
            # α_i = C again, y_t = i again: a name set to a name (a case, an event) said twice proves nothing
            return "mention", f"restates {_show(left)} from line {where}"
        if _written_again(ctx.values.get(symbol), _value_or_none(meaning, right)):
            return restates_as_written(_show(left), where)
        return "verified", f"agrees with its definition (line {where}); {outcome.detail}"
    new_value = meaning.expr(right)
    if state.cue == "claim" and outcome.status == "refuted" and _same_section(where, state):
        # (a new section's L = … is a redefinition whatever the words before it)
        return outcome.status, outcome.detail
    if state.cue == "condition":
        return "condition", "an equation the words around it make a condition, not an identity"
    # a name given another value without "then/hence" before it: the note is (re)defining it (exercises
    # "(i) f = c, (ii) f = x^n", a new section's L)
    ctx.values[symbol] = new_value
    ctx.expansions.clear()
    state.lines[symbol] = line
    if state.defined_in.get(symbol) == state.section:
        # "y = 5 − x and y = x − 1 cross at (3, 2)": a name given two values in one section is written in
        # equations (a system, examples of lines), not defined
        state.several.add((symbol, state.section))
    state.defined_in[symbol] = state.section
    return "redefinition", f"replaces {_show(left)} from line {where} from here on"


def _function_definition(target, left: Node, right: Node, meaning: Meaning, state: NoteState, line: int,
                         budget: float) -> tuple[str, str]:
    """``f(x) = …``: a definition, or for a name already defined (by the note or a built-in such as σ)
    either the same function (verified) or a redefinition from here on."""
    ctx = state.context
    _, name, params = target
    plain_parameters = all(isinstance(p, sp.Symbol) and len(p.name.lstrip("\\")) <= 6 and
                           not set(p.name) & set("_^") for p in params)
    if name.lstrip("\\") in {a.lstrip("\\") for a in _applied_names(right)} and not plain_parameters:
        # σ(z_4^{(1)}) = σ(w_{11} a_1 + b_1 + …): values of σ set equal (defining the argument z_4), not σ redefined
        raise Undecided(f"{name} on both sides at an argument that is not a variable: an equation between values "
                        f"of {name}, not a definition of it")
    if type(name) is str and name.lstrip("\\") in {a.lstrip("\\") for a in _applied_names(right)} and \
            name.lstrip("\\") not in KNOWN_FUNCTIONS and name not in ctx.functions:
        # T(n) = 2T(n/2) + n: a recurrence, T defined through itself; its later rows are not checked as products T·n
        state.self_defined[name] = line
        return "definition", f"a recurrence ({name} defined through itself): its values are not worked out"
    known = ctx.functions.get(name)
    builtin = name.lstrip("\\") in KNOWN_FUNCTIONS
    defined_parameters = (builtin or known is not None) and any(ctx.defines(p) for p in params)
    if (builtin and not known and name.lstrip("\\") in ELEMENTARY) or defined_parameters or \
            state.used_settings_in(params):
        # log p_i = …, tanh(x) = … at a setting: statements about values, not definitions of functions
        outcome = _claim(meaning, left, right, "=", state, budget)
        return outcome.status, outcome.detail
    value = meaning.expr(right)
    if known is None and not builtin and not (value.free_symbols & set(params)) and \
            not any(isinstance(p, sp.Symbol) and p.name in ("x", "t", "z", "w") for p in params):
        # P(𝒮) = 1, f(heads) = 0.5: a value at one argument, not a definition of the whole function
        return "setting", f"a value of {name} at one argument (line {line})"
    if known is None and not builtin and value.is_number:
        # g(x) = 0, h_i(x) = 0: a constraint (where g vanishes), not g defined as the zero function
        return "condition", f"{name}({', '.join(map(str, params))}) = {value}: a constraint on its arguments, " \
                            f"not a definition of {name}"
    if known is None and not builtin:
        ctx.functions[name] = (params, value)
        state.lines[name] = line
        return "definition", ""
    variables = all(isinstance(p, sp.Symbol) and re.fullmatch(r"[a-z]", p.name) for p in params)
    if known is not None and not (value.free_symbols & set(params)) and set(known[0]) & known[1].free_symbols and \
            (value.is_number or not variables):
        # H(p_1) = 1 after H(p) = −p log p − …, r(A) = n after r(A) = rank: a value at an argument set elsewhere (a
        # worked example, a hypothesis), never H or r redefined as a constant
        raise Undecided(f"{name}({', '.join(map(str, params))}) = {value}: a value of {name} at an argument not "
                        f"set in this paragraph")
    current = known[1].xreplace(dict(zip(known[0], params))) if known else \
        KNOWN_FUNCTIONS[name.lstrip("\\")](*params)
    try:
        outcome = decide(current, value, "=", _domain(state, current, value), budget)
    except Undecided:
        outcome = Outcome("undecided", "")
    origin = f"its definition (line {state.lines[name]})" if known else f"the built-in {name.lstrip(chr(92))}"
    if outcome.status == "verified":
        if known and not _same_section(state.lines.get(name), state):
            return "mention", f"restates {name} from line {state.lines.get(name)} (another section)"
        if known and name not in _show(right) and _written_again(current, value):
            return restates_as_written(name, state.lines.get(name))
        return "verified", f"agrees with {origin}; {outcome.detail}"
    if state.cue == "claim" and outcome.status == "refuted" and (not known or _same_section(state.lines.get(name), state)):
        return outcome.status, outcome.detail
    if state.cue == "condition":
        # "otherwise h(x) = 1", "if x < c": a case of a definition given in pieces, not a new definition
        return "condition", f"a case of {name}, under a condition the words around it give"
    ctx.functions[name] = (params, value)
    state.lines[name] = line
    return "redefinition", f"replaces {origin} from here on"


#: Subscript letters that name things (width, height, coordinates) rather than run over members.
LABEL_LETTERS = set("whxyzufocr")   # width, height, coordinates; the gates of an LSTM/GRU (Γ_u, Γ_r, f, o, c)


def _family_statement(member: sp.Indexed, left: Node, right: Node, meaning: Meaning, state: NoteState,
                      line: int, budget: float) -> tuple[str, str]:
    ctx = state.context
    base = member.base
    free = [i for i in member.indices if i.free_symbols]
    if base in state.recurrences and free:
        # another general statement of the family since its recurrence ("alternatively, w_{k+1} = …") starts
        # a new indexing: a closed form after it is not checked against the old recurrence
        restated = state.family_lines.get(base, 0) > state.recurrences[base][3]
        if any(not isinstance(i, sp.Symbol) for i in free):
            state.family_lines[base] = line    # w_{k+1} = … again: a shifted statement, a new recurrence
        if restated:
            raise Undecided(f"the family {base} was restated after its recurrence (line "
                            f"{state.recurrences[base][3]}): which recurrence this closed form answers is not clear")
        return _closed_form(member, right, meaning, state, budget, line)
    shifted = [i for i in member.indices if i.free_symbols and not isinstance(i, sp.Symbol)]
    if shifted and len(member.indices) == 1 and base not in ctx.values:
        # θ_{k+1} = … θ_k …: a recurrence, checked against closed forms by induction
        k = sorted(shifted[0].free_symbols, key=str)[0]
        shift = sp.simplify(shifted[0] - k)
        if not shift.is_Integer or shift <= 0:
            raise Undecided("a recurrence whose index is not k + a positive whole number")
        body = meaning.expr(right).xreplace({sp.Symbol(k.name, real=True): k})
        state.recurrences[base] = (k, int(shift), body, line)
        state.lines[base] = line
        return "definition", "a recurrence (closed forms after it are checked by induction)"
    label = free and not (meaning_free_of(right, meaning) & set(free) or
                          {sp.Symbol(str(i), real=True) for i in free} & meaning_free_of(right, meaning))
    if free and all(str(i) in LABEL_LETTERS or re.fullmatch(r"[A-Z]", str(i)) for i in free):
        # t_w = log(G_w/P_w), t_h = …: w, h, x, y name the box's width, height and centre, each its own line;
        # H_E = E_E + P_E, H_D = …: a capital names a part (encoder, decoder), not an index that runs
        label = True
    if label:
        # k_h = 4, w_k = "solid", x_{ij} = 0: the subscript is a label (or an example), not an index the
        # right side runs over; a constant is a setting of that label in its paragraph
        value = _value_or_none(meaning, right)
        if value is not None and value.is_number:
            record_setting(state, member, value, line)
            return "setting", f"{_show(left)} = {value} in this paragraph only (line {line})"
    if base in ctx.values and free and not label and all(isinstance(i, sp.Symbol) for i in member.indices) and \
            state.cue != "claim":
        outcome = _claim(meaning, left, right, "=", state, budget)
        if outcome.status == "verified":
            if not _same_section(state.lines.get(base), state):
                return "mention", f"restates {_show(left)} from line {state.lines.get(base)} (another section)"
            if _written_again(_member_value(ctx.values.get(base), member, general=True),
                              _value_or_none(meaning, right)):
                return restates_as_written(_show(left), state.lines.get(base))
            return "verified", f"agrees with the definition of {_show(left)} (line {state.lines.get(base)}); " \
                               f"{outcome.detail}"
        # Y_{b,d} = tanh(…) after Y_{b,d} = ReLU(…): the family defined anew (another activation, another step)
        value, = unify_indices(meaning.expr(right))
        ctx.values[base] = sp.Lambda(tuple(member.indices), value)
        ctx.expansions.clear()
        state.lines[base] = line
        return "redefinition", f"every {_show(left)} defined anew from here on"
    if base in ctx.values or member in ctx.values:
        # an instance of a family the note defined (z_2 after z_i = …), or the family again: a claim
        outcome = _claim(meaning, left, right, "=", state, budget)
        if outcome.status == "verified":
            where = state.lines.get(member, state.lines.get(base))
            if not _same_section(where, state):
                return "mention", f"restates {_show(left)} from line {where} (another section)"
            if _bare(ctx.values.get(member, ctx.values.get(base))):
                return "mention", f"restates {_show(left)} from line {where}"
            if _written_again(ctx.values[member] if member in ctx.values else
                              _member_value(ctx.values.get(base), member, general=True),
                              _value_or_none(meaning, right)):
                return restates_as_written(_show(left), where)
            return "verified", f"agrees with the definition of {_show(left)} (line {where}); {outcome.detail}"
        return outcome.status, outcome.detail
    # every definition is offered to the matrix reading too (h_3 = tanh(z_3) may be a row of a matrix)
    as_matrices = _offer_matrices(left, right, state)
    try:
        value, = unify_indices(meaning.expr(right))
    except Undecided as exc:
        if as_matrices:
            state.matrix_names.add(_key(left))
            return "definition", "read as matrices"
        return "definition", f"its right side is not evaluated: {exc}"
    value = value.xreplace({sp.Symbol(i.name, real=True): i for i in member.indices if isinstance(i, sp.Symbol)})
    if free and not label and all(isinstance(i, sp.Symbol) for i in member.indices):
        if any(e.base == base and e.free_symbols & set(member.indices) for e in value.atoms(sp.Indexed)):
            raise Undecided("a family defined by its own members")
        ctx.values[base] = sp.Lambda(tuple(member.indices), value)
        ctx.expansions.clear()
        state.lines[base] = line
        return "definition", f"defines every {_show(left).split('_')[0]}_{','.join(map(str, member.indices))}"
    if free and not label:
        raise Undecided("a family member with an index expression that is not a name")
    ctx.values[member] = value
    ctx.expansions.clear()
    state.lines[member] = line
    return "definition", ""


def _closed_form(member: sp.Indexed, right: Node, meaning: Meaning, state: NoteState,
                 budget: float, here: int) -> tuple[str, str]:
    """θ_k = C(k) after θ_{k+1} = R(θ_k) and θ_0 = a: by induction, C(0) = a and C(k+1) = R(C(k))."""
    base = member.base
    k_rec, shift, body, rec_line = state.recurrences[base]
    (k,) = [i for i in member.indices if i.free_symbols]
    if not isinstance(k, sp.Symbol):
        raise Undecided("a closed form whose index is not a name")
    closed = meaning.expr(right)
    if not closed.has(k) and not closed.has(sp.Symbol(str(k), real=True)):
        # y_n = stop names the last member; θ_k = 3 is a value at some k: no closed form in k to check
        raise Undecided(f"a value of a recurrence's member that does not depend on {k}: not a closed form")
    others = {e.base for e in closed.atoms(sp.Indexed)} - {base} - \
        {b for b in (getattr(x, "base", None) for x in state.context.values) if b is not None}
    if others:
        # C_n = F_n: a closed form in another sequence the note never defines (the Fibonacci numbers) is no
        # closed form symnet can check; sampling F freely would "refute" it
        raise Undecided(f"a closed form in {', '.join(sorted(map(str, others)))}, which the note does not define")
    k_whole = sp.Symbol(str(k), integer=True, nonnegative=True)
    closed = closed.xreplace({k: k_whole, sp.Symbol(str(k), real=True): k_whole})

    def at(index):
        return closed.xreplace({k_whole: index})

    initial = {e: v for e, (v, _scope, _line) in state.settings.items() if isinstance(e, sp.Indexed)}
    initial.update({e: v for e, v in state.context.values.items() if isinstance(e, sp.Indexed)})
    starts = sorted((e for e in initial if e.base == base and e.indices[0].is_Integer),
                    key=lambda e: int(e.indices[0]))
    if len(starts) < shift:
        raise Undecided(f"the recurrence for {base} needs {shift} initial value(s) before a closed form is checked")
    for start in starts[:shift]:
        outcome = _decide(at(start.indices[0]), expand(initial[start], state.context.values), "=", state, budget)
        if outcome.status != "verified":
            return _closed_form_fails(f"the closed form does not give the initial value {start}: {outcome.detail}",
                                      rec_line, closed, body, state, here)
    # the step: the recurrence with every θ_{k+j} replaced by the closed form must give C(k + shift)
    step = body.xreplace({k_rec: k_whole, sp.Symbol(str(k_rec), real=True): k_whole})
    step = step.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base, lambda e: at(e.indices[0]))
    outcome = _decide(at(k_whole + shift), step, "=", state, budget)
    if outcome.status != "verified":
        return _closed_form_fails(f"the closed form does not satisfy the recurrence (line {rec_line}): "
                                  f"{outcome.detail}", rec_line, closed, body, state, here)
    first = starts[0]
    return "verified", f"by induction from {first} = {initial[first]} and the recurrence (line {rec_line}); " \
                       f"step {outcome.detail}"


def _bare(value) -> bool:
    """A value that is a single name, a number, or a name's inverse (Σ = Λ⁻¹): nothing a restatement checks."""
    if isinstance(value, sp.Lambda):
        value = value.expr
    if not isinstance(value, sp.Basic):
        return False
    if value.is_Pow and value.exp == -1:
        value = value.base
    return value.is_Atom or isinstance(value, sp.Indexed)


#: how many lines after its condition (or recurrence) a wrong solution (or closed form) is refuted: further on,
#: p̂ may solve another problem
NEAR_CONDITION = 25


def _closed_form_fails(detail: str, rec_line: int, closed, body, state: NoteState, here: int) -> tuple[str, str]:
    """A closed form that fails its recurrence: refuted only for a recurrence of numbers a few lines above in
    the same section (u_k = A^k u_0 after u_{k+1} = A u_k is about matrices; a recurrence far above may be
    another problem's, or indexed differently; "alternatively, define w_k = …" starts another indexing)."""
    capitals = [s for s in (closed.free_symbols | body.free_symbols) if not getattr(s, "is_commutative", True)]
    if capitals or not _same_section(rec_line, state) or here - rec_line > NEAR_CONDITION or state.cue == "define":
        raise Undecided(f"{detail} (the recurrence is about matrices, or far above: not refuted)")
    return "refuted", detail


def _solution(left: Node, right: Node, meaning: Meaning, state: NoteState, budget: float, here: int):
    """``w^* = …`` (or ``w = …``) after ``∂L/∂w = 0``: checked by substitution into the condition."""
    if not state.conditions or left.kind != "name":
        return None
    match = OPTIMUM.match(left.name)
    name = (match.group("a") or match.group("b")) if match else left.name
    for variable, expression, line in reversed(state.conditions):
        if str(variable) == name or getattr(variable, "name", None) == name:
            if not _same_section(line, state) and not match:
                return None   # w = 0 far from ∂J/∂w = 0 (an initial value, another method): no candidate solution
            value = meaning.expr(right)
            residual = expand(expression, state.context.values, hold={variable}).xreplace({variable: value})
            outcome = _decide(residual, sp.Integer(0), "=", state, budget)
            if outcome.status == "verified":
                return "verified", f"solves the condition on line {line}; {outcome.detail}"
            if not _same_section(line, state) or here - line > NEAR_CONDITION:
                # p̂ of a later method (MAP after the MLE's condition) is not that condition's solution
                raise Undecided(f"does not solve the condition on line {line} (far from it or in another "
                                f"section: maybe another problem's): {outcome.detail}")
            return "refuted", f"does not solve the condition on line {line}: {outcome.detail}"
    return None


def _claim_or_condition(left: Node, right: Node, meaning: Meaning, state: NoteState,
                        budget: float) -> tuple[str, str]:
    """An equation whose left side defines nothing: a claim, or (between free quantities, one side plain)
    a condition such as ∑_i y_i = 1 that holds for some values and not others."""
    outcome = _claim(meaning, left, right, "=", state, budget)
    if outcome.status == "verified" and state.cue != "claim":
        rearranged = rearranged_definition(meaning, left, right, state)
        if rearranged:
            return "mention", rearranged
    if outcome.status != "refuted" or not (_plain_equation(left, right, state) or
                                           not _grounded(left, state) and not _grounded(right, state)):
        return outcome.status, outcome.detail
    try:
        l, r = _sides(meaning, left, right, state)
        constant = not (l.free_symbols | r.free_symbols)
    except Undecided:
        constant = False   # matrix notation: names, so not constant
    if constant:
        return outcome.status, outcome.detail
    return "condition", "an equation between quantities the note leaves free, not an identity"
