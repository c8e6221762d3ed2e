"""Results that notes state, derived rather than asserted.

- :func:`stationary_point`: the closed-form optimum of a loss whose gradient is linear in the parameters
  (linear regression, ridge), by solving ∇(batch-mean loss) = 0 with data monomials replaced by their sample
  means; :func:`optimum_comparison` sets it beside the parameters training found.
- :func:`gradient_descent_closed_form`: gradient descent on a quadratic in one parameter is an affine
  recursion θ_{k+1} = a θ_k + c, so θ_k = θ* + a^k (θ_0 − θ*); each numeric iterate is compared with it.

>>> from symnet.models.scalar_blocks import quadratic
>>> demo = gradient_descent_closed_form(quadratic(3), learning_rate=0.1, start=0.0, steps=5)
>>> demo.formula
3*(1 - (1 - 2*alpha)**k)
>>> demo.max_error < 1e-12
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy as sp

from .algebra.derive import derive
from .algebra.graph import Graph, to_latex
from .codegen.compile import compile_graph
from .errors import SymnetError
from .models.scalar_blocks import linear_regression
from .training.data import Dataset
from .training.loop import TrainResult
from .training.plotting import require_matplotlib


@dataclass(frozen=True)
class Optimum:
    """A closed-form stationary point in sample moments (``\\overline{x y}`` = mean of x·y) and constants."""

    graph: Graph
    solution: dict[sp.Symbol, sp.Expr]
    moments: dict[sp.Symbol, sp.Expr]

    def evaluate(self, data: Mapping[str, np.ndarray]) -> dict[str, float]:
        """The optimum's numbers for a data set (``{input name: values}``)."""
        values: dict[sp.Symbol, float] = {c: v for c, v in self.graph.constants}
        for m, monomial in self.moments.items():
            f = sp.lambdify(list(self.graph.inputs), monomial, modules="numpy")
            values[m] = float(np.mean(f(*[np.asarray(data[s.name], dtype=float) for s in self.graph.inputs])))
        return {p.name: float(e.xreplace(values)) for p, e in self.solution.items()}

    def latex(self) -> str:
        names = dict(self.graph.latex_map) | {m: r"\overline{%s}" % to_latex(e, self.graph.latex_map)
                                             for m, e in self.moments.items()}
        lines = [f"{names.get(p, str(p))}^* &= {to_latex(e, names)}" for p, e in self.solution.items()]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def stationary_point(graph: Graph) -> Optimum:
    """Solve ∇(batch-mean loss) = 0 in closed form, for losses whose gradient is linear in the parameters.

    The per-example gradient is a polynomial in the data; its batch mean replaces every data monomial
    (``distance²``, ``distance·price``) by a sample-moment symbol, leaving linear equations in the parameters.
    """
    if graph.is_matrix:
        raise SymnetError("closed-form optima are derived at scalar level; build the graph with level='scalar'")
    grads = derive(graph)
    data = list(graph.inputs)
    moments: dict[sp.Expr, sp.Symbol] = {}
    equations = []
    for p in graph.parameters:
        g = sp.expand(grads.expanded(p))
        try:
            poly = sp.Poly(g, *data) if data else None
        except sp.PolynomialError:
            raise SymnetError(f"∂L/∂{p} is not polynomial in the data: no closed-form optimum") from None
        mean = sp.S.Zero
        for monomial, coefficient in (poly.terms() if poly is not None else [((), g)]):
            term = sp.Mul(*[d**k for d, k in zip(data, monomial)])
            if term != 1 and term not in moments:
                moments[term] = sp.Symbol("m_" + "_".join(f"{d.name}{k}" for d, k in zip(data, monomial) if k),
                                          real=True)
            mean += coefficient * (moments[term] if term != 1 else 1)
        equations.append(mean)
    params = list(graph.parameters)
    for eq in equations:
        try:
            degree = sp.Poly(eq, *params).total_degree()
        except sp.PolynomialError:
            degree = None
        if degree is None or degree > 1:
            raise SymnetError("the gradient is not linear in the parameters: no closed-form optimum")
    solutions = sp.solve(equations, params, dict=True)
    if len(solutions) != 1 or set(solutions[0]) != set(params):
        raise SymnetError("∇L = 0 has no unique solution")
    solution = {p: sp.factor(solutions[0][p]) for p in params}
    return Optimum(graph, solution, {s: m for m, s in moments.items()})


def optimum_comparison(model: str, graph: Graph, data: Dataset, result: TrainResult) -> dict[str, dict[str, float]]:
    """For linear models: the generating values of the data and the closed-form optimum (ridge when λ₂ > 0)
    that symnet derives by solving ∇L = 0, beside which the trained parameters can be read."""
    out: dict[str, dict[str, float]] = {}
    if data.truth:
        out["generating_values"] = dict(data.truth)
    if model != "linear-regression" or graph.option("l1"):
        return out
    twin = linear_regression(l2=graph.option("l2") or 0.0)
    optimum = stationary_point(twin).evaluate({"distance": data.X[:, 0], "price": data.Y[:, 0]})
    out["closed_form_optimum"] = optimum
    trained = {"w": float(np.ravel(result.parameters.get("w", result.parameters.get("W1")))[0]),
               "b": float(np.ravel(result.parameters.get("b", result.parameters.get("b1")))[0])}
    out["distance_to_optimum"] = {"max": max(abs(trained[k] - optimum[k]) for k in optimum)}
    return out


@dataclass(frozen=True)
class Trajectory:
    """Gradient-descent iterates beside their closed form ``θ_k``."""

    formula: sp.Expr                 # θ_k in k, the learning rate α and the start θ_0's value
    iterates: tuple[float, ...]
    closed_form: tuple[float, ...]
    learning_rate: float

    @property
    def max_error(self) -> float:
        return max(abs(a - b) for a, b in zip(self.iterates, self.closed_form))


K = sp.Symbol("k", integer=True, nonnegative=True)
ALPHA = sp.Symbol("alpha", positive=True)


def gradient_descent_closed_form(graph: Graph, learning_rate: float, start: float, steps: int) -> Trajectory:
    """Run gradient descent θ ← θ − α ∂L/∂θ on a one-parameter quadratic and compare every iterate with the
    closed form of the affine recursion it follows."""
    if len(graph.parameters) != 1 or graph.inputs:
        raise SymnetError("the gradient-descent closed form needs a loss of one parameter and no data")
    (theta,) = graph.parameters
    grads = derive(graph)
    g = sp.expand(grads.expanded(theta).xreplace({c: sp.Rational(str(v)) for c, v in graph.constants}))
    step = sp.expand(theta - ALPHA * g)  # θ_{k+1} = a θ_k + c
    a, c = step.coeff(theta), step.subs(theta, 0)
    if step.has(theta) and sp.expand(step - a * theta - c) != 0 or a.has(theta):
        raise SymnetError("the loss is not quadratic in its parameter: gradient descent is not affine")
    start_value = sp.Rational(str(start))
    if sp.simplify(a - 1) == 0:
        formula = start_value + c * K
    else:
        fixed = sp.simplify(c / (1 - a))
        formula = sp.factor_terms(fixed + a**K * (start_value - fixed))
    f = compile_graph(graph, grads)
    iterates = [float(start)]
    for _ in range(steps):
        _, grad = f.loss_and_gradient([iterates[-1]], {})
        iterates.append(iterates[-1] - learning_rate * float(grad[0]))
    numeric = sp.lambdify((K, ALPHA), formula, modules="numpy")
    closed = tuple(float(numeric(k, learning_rate)) for k in range(steps + 1))
    return Trajectory(formula, tuple(iterates), closed, learning_rate)


# -- reports ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """A derivation to print: prose, display maths and tables, as text, Markdown, LaTeX or JSON."""

    title: str
    items: tuple[tuple[str, object], ...]   # ("text", str) | ("math", latex) | ("table", (header, rows))
    data: dict

    def render(self, fmt: str = "text") -> str:
        if fmt == "json":
            import json
            return json.dumps({"title": self.title, **self.data}, indent=2, default=str)
        out = [f"# {self.title}" if fmt in ("markdown", "text") else f"% {self.title}", ""]
        for kind, content in self.items:
            if kind == "text":
                out.append(content if fmt != "latex" else f"% {content}")
            elif kind == "math":
                out.append(f"$${content}$$" if fmt == "markdown" else
                           (f"\\[{content}\\]" if fmt == "latex" else f"    {content}"))
            else:
                header, rows = content
                if fmt == "markdown":
                    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                    out += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
                else:
                    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
                    for r in [header, *rows]:
                        line = "  ".join(str(x).rjust(w) for x, w in zip(r, widths))
                        out.append(f"% {line}" if fmt == "latex" else line)
            out.append("")
        return "\n".join(out)


# -- Var(q·k) = d_k σ_q² σ_k² ----------------------------------------------------------------------------------

def _sum_over(term: sp.Expr, j: sp.Symbol, i: sp.Symbol, d: sp.Symbol) -> sp.Expr:
    """Σ_{j=1}^{d} term, for an outer index 1 ≤ i ≤ d (so δ_ij picks j = i: SymPy's `d ≥ i` branch holds)."""
    # δ_ij² = δ_ij; then each term of the expanded sum is summed on its own
    term = sp.expand(term).replace(lambda e: e.is_Pow and isinstance(e.base, sp.KroneckerDelta),
                                   lambda e: e.base)
    inner = sp.Add(*[sp.Sum(t, (j, 1, d)).doit() for t in sp.Add.make_args(term)])
    return inner.replace(lambda e: isinstance(e, sp.Piecewise),
                         lambda e: e.args[0][0] if e.args[0][1] in (sp.Ge(d, i), sp.Le(i, d)) else e)


def dot_product_variance(correlation: sp.Expr = sp.S.Zero) -> dict[str, sp.Expr]:
    """Var(q·k) for q, k independent with zero-mean components of variances σ_q², σ_k², derived with the
    rules of expectation; ``correlation`` ρ between different components of the same vector (0: iid)."""
    d = sp.Symbol("d_k", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True, positive=True)
    sq, sk = sp.symbols("sigma_q sigma_k", positive=True)

    def covariance(sigma: sp.Expr) -> sp.Expr:
        # E[x_i x_j] for zero-mean components: σ² on the diagonal, ρσ² off it
        return sigma**2 * (sp.KroneckerDelta(i, j) + correlation * (1 - sp.KroneckerDelta(i, j)))

    # E[q·k] = Σ_i E[q_i] E[k_i] = 0 (q independent of k, zero means)
    mean = sp.Sum(sp.S.Zero, (i, 1, d)).doit()
    # E[(q·k)²] = Σ_i Σ_j E[q_i q_j] E[k_i k_j]  (q independent of k)
    inner = sp.expand(_sum_over(covariance(sq) * covariance(sk), j, i, d))
    second = sp.Add(*[sp.Sum(t, (i, 1, d)).doit() for t in sp.Add.make_args(inner)])
    variance = sp.factor(sp.simplify(second - mean**2))
    scaled = sp.simplify(variance / d)  # Var(q·k/√d_k) = Var(q·k)/d_k
    return {"d_k": d, "sigma_q": sq, "sigma_k": sk, "mean": mean, "second_moment": second,
            "variance": variance, "scaled_variance": scaled}


def attention_variance(dims: tuple[int, ...] = (16, 64, 512), samples: int = 20000, seed: int = 0) -> Report:
    """Why attention divides by √d_k: the derivation and a Monte Carlo check of Var(q·k) = d_k."""
    r = dot_product_variance()
    d, sq, sk = r["d_k"], r["sigma_q"], r["sigma_k"]
    unit = r["scaled_variance"].subs({sq: 1, sk: 1})
    rng = np.random.default_rng(seed)
    rows = []
    for dk in dims:
        q, k = rng.normal(size=(samples, dk)), rng.normal(size=(samples, dk))
        s = np.sum(q * k, axis=1)
        expected = float(r["variance"].subs({d: dk, sq: 1, sk: 1}))
        rows.append((dk, f"{np.var(s):.4g}", f"{expected:g}", f"{abs(np.var(s) - expected) / expected:.2%}",
                     f"{np.var(s / np.sqrt(dk)):.4f}"))
    items = (
        ("text", "q and k independent, their components independent with mean 0 and variances σ_q², σ_k²."),
        ("math", r"\mathbb{E}[q \cdot k] = \sum_{i=1}^{d_k} \mathbb{E}[q_i]\,\mathbb{E}[k_i] = %s" % sp.latex(r["mean"])),
        ("math", r"\mathbb{E}[(q \cdot k)^2] = \sum_{i=1}^{d_k} \sum_{j=1}^{d_k} \mathbb{E}[q_i q_j]\,\mathbb{E}[k_i k_j]"
                 r" = \sum_{i=1}^{d_k} \sum_{j=1}^{d_k} \sigma_q^2 \delta_{ij}\, \sigma_k^2 \delta_{ij} = %s" % sp.latex(r["second_moment"])),
        ("math", r"\operatorname{Var}(q \cdot k) = %s" % sp.latex(r["variance"])),
        ("math", r"\operatorname{Var}\left(\frac{q \cdot k}{\sqrt{d_k}}\right) = %s" % sp.latex(r["scaled_variance"])),
        ("text", f"For unit variances (σ_q = σ_k = 1) the scaled score has variance {unit}, whatever d_k is."),
        ("text", f"Monte Carlo, {samples} samples of q, k ~ N(0, I) per d_k:"),
        ("table", (("d_k", "Var(q·k) sampled", "d_k σ_q² σ_k²", "relative error", "Var(q·k/√d_k)"), rows)),
    )
    data = {"variance": str(r["variance"]), "scaled_variance": str(r["scaled_variance"]), "unit": str(unit),
            "monte_carlo": [dict(zip(("d_k", "sampled", "expected", "relative_error", "scaled"), row))
                            for row in rows]}
    return Report("Var(q·k) = d_k σ_q² σ_k², hence the 1/√d_k in attention", items, data)


# -- softmax saturation ------------------------------------------------------------------------------------------

def softmax_jacobian(k: int = 3) -> tuple[sp.Matrix, sp.Matrix]:
    """∂p_i/∂z_j for p = softmax(z), derived by reverse mode, and diag(p) − p pᵀ, both in z."""
    from .algebra.functions import elementary, logsumexp
    from .algebra.graph import GraphBuilder

    b = GraphBuilder("softmax", f"softmax of {k} logits")
    z = [b.parameter(f"z_{j + 1}") for j in range(k)]
    c = [b.input(f"c_{j + 1}") for j in range(k)]
    s = b.assign("s", logsumexp(*z))
    p = [b.assign(f"p_{j + 1}", sp.exp(zj - s)) for j, zj in enumerate(z)]
    g = b.build(b.assign("L", sp.Add(*[ci * pi for ci, pi in zip(c, p)]), "loss"))
    grads = derive(g)
    # L = Σ_i c_i p_i, so ∂L/∂z_j is linear in c and its c_i coefficient is ∂p_i/∂z_j
    J = sp.Matrix(k, k, lambda i_, j_: sp.expand(grads.expanded(z[j_])).coeff(c[i_]))
    P = sp.Matrix([sp.exp(zj) / sp.Add(*[sp.exp(zk) for zk in z]) for zj in z])
    J = J.applyfunc(lambda e: elementary(e))
    return J, sp.diag(*P) - P * P.T


def softmax_saturation(dims: tuple[int, ...] = (4, 16, 64, 256, 1024), keys: int = 16, trials: int = 200,
                       seed: int = 0) -> Report:
    """Attention entropy and softmax-Jacobian norm against d_k, with and without the 1/√d_k scaling."""
    J, expected = softmax_jacobian(3)
    residual = (J - expected).applyfunc(lambda e: sp.simplify(e))
    rng = np.random.default_rng(seed)
    rows, data_rows = [], []
    for dk in dims:
        stats = {}
        for label, scale in (("unscaled", 1.0), ("scaled", 1 / np.sqrt(dk))):
            entropies, norms, tops = [], [], []
            for _ in range(trials):
                q, K = rng.normal(size=dk), rng.normal(size=(keys, dk))
                s = scale * (K @ q)
                p = np.exp(s - s.max())
                p /= p.sum()
                entropies.append(-np.sum(p * np.log(np.maximum(p, 1e-300))))
                norms.append(np.linalg.norm(np.diag(p) - np.outer(p, p)))
                tops.append(p.max())
            stats[label] = (np.mean(entropies), np.mean(norms), np.mean(tops))
        u, sc = stats["unscaled"], stats["scaled"]
        rows.append((dk, f"{u[0]:.3f}", f"{sc[0]:.3f}", f"{u[1]:.2e}", f"{sc[1]:.3f}", f"{u[2]:.3f}", f"{sc[2]:.3f}"))
        data_rows.append({"d_k": dk, "entropy_unscaled": u[0], "entropy_scaled": sc[0], "jacobian_unscaled": u[1],
                          "jacobian_scaled": sc[1], "max_weight_unscaled": u[2], "max_weight_scaled": sc[2]})
    items = (
        ("text", "The softmax Jacobian, derived by reverse mode and compared entry by entry:"),
        ("math", r"\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j), \quad J = \operatorname{diag}(p) - p p^{T}"
                 r"\quad (\text{residual } %s)" % sp.latex(residual)),
        ("text", f"Scores of one query against {keys} keys, q, k ~ N(0, I), mean of {trials} draws. Without the "
                 "scaling the weights collapse onto one key (entropy → 0) and so does the gradient ‖J‖_F:"),
        ("table", (("d_k", "entropy", "entropy /√d_k", "‖J‖_F", "‖J‖_F /√d_k", "max p", "max p /√d_k"), rows)),
        ("text", f"Maximum entropy for {keys} keys: log {keys} = {np.log(keys):.3f}."),
    )
    return Report("Softmax saturation: why unscaled attention stops learning", items,
                  {"jacobian_residual": str(residual), "rows": data_rows})


def plot_saturation(report: Report, path: str) -> None:
    """Entropy and Jacobian norm against d_k, scaled and unscaled (matplotlib, an optional extra)."""
    plt = require_matplotlib()
    rows = report.data["rows"]
    dk = [r["d_k"] for r in rows]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for ax, key, label in ((axes[0], "entropy", "attention entropy"), (axes[1], "jacobian", "‖diag(p) − ppᵀ‖_F")):
        ax.plot(dk, [r[f"{key}_scaled"] for r in rows], "o-", label="q·k/√d_k")
        ax.plot(dk, [r[f"{key}_unscaled"] for r in rows], "s--", label="q·k")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("d_k")
        ax.set_title(label)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# -- vanishing gradients ---------------------------------------------------------------------------------------

def derivative_maximum(function: str) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(f'(x), argmax, max f') for sigmoid or tanh: f' from the rules table, its maximum by solving f'' = 0."""
    from .algebra.functions import elementary
    from .algebra.functions import sigmoid as sigmoid_function
    from .algebra.graph import GraphBuilder

    f = {"sigmoid": sigmoid_function, "tanh": sp.tanh}[function]
    b = GraphBuilder(function, f"{function} of one input")
    x = b.parameter("x")
    g = b.build(b.assign("L", f(x), "loss"))
    slope = derive(g).expanded(x)
    smooth = elementary(slope)
    critical = sp.solve(sp.diff(smooth, x), x)
    real = [c for c in critical if c.is_real]
    best = max(real, key=lambda c: smooth.subs(x, c))
    peak = sp.simplify(smooth.subs(x, best))
    # a maximum: the slope falls to 0 at both ends
    assert sp.limit(smooth, x, sp.oo) == 0 and sp.limit(smooth, x, -sp.oo) == 0
    return slope, best, peak


def vanishing_gradients(depths: tuple[int, ...] = (1, 2, 5, 10, 20), width: int = 8, seed: int = 0) -> Report:
    """σ' ≤ 1/4 and tanh' ≤ 1 derived; a depth-L sigmoid chain's gradient against (1/4)^L Π‖W‖; and how a
    residual connection keeps an identity term."""
    s_slope, s_at, s_max = derivative_maximum("sigmoid")
    t_slope, t_at, t_max = derivative_maximum("tanh")
    rng = np.random.default_rng(seed)
    rows = []
    for L in depths:
        Ws = [rng.normal(0, 1 / np.sqrt(width), size=(width, width)) for _ in range(L)]
        h = rng.normal(size=width)
        J_plain, J_res = np.eye(width), np.eye(width)
        a, r = h.copy(), h.copy()
        for W in Ws:
            z = a @ W
            a = 1 / (1 + np.exp(-z))
            # ∂a/∂a_prev = W diag(σ'(z)); chained from the input
            J_plain = J_plain @ (W * (a * (1 - a))[None, :])
            zr = r @ W
            sr = 1 / (1 + np.exp(-zr))
            r = r + sr
            J_res = J_res @ (np.eye(width) + W * (sr * (1 - sr))[None, :])
        bound = 0.25**L * np.prod([np.linalg.norm(W, 2) for W in Ws])
        rows.append((L, f"{np.linalg.norm(J_plain, 2):.3e}", f"{bound:.3e}",
                     "yes" if np.linalg.norm(J_plain, 2) <= bound * (1 + 1e-12) else "NO",
                     f"{np.linalg.norm(J_res, 2):.3e}"))
    b_items = (
        ("math", r"\sigma'(x) = %s \le \sigma'(%s) = %s" % (sp.latex(s_slope), sp.latex(s_at), sp.latex(s_max))),
        ("math", r"\tanh'(x) = %s \le \tanh'(%s) = %s" % (sp.latex(t_slope), sp.latex(t_at), sp.latex(t_max))),
        ("math", r"\left\lVert \frac{\partial a_L}{\partial a_0} \right\rVert = \left\lVert \prod_{l=1}^{L} W_l"
                 r" \operatorname{diag}\sigma'(z_l) \right\rVert \le \left(\tfrac{1}{4}\right)^{L} \prod_l \lVert W_l \rVert"),
        ("math", r"\frac{\partial (x + F(x))}{\partial x} = I + \frac{\partial F}{\partial x}"),
        ("text", f"Sigmoid chains of width {width}, W ~ N(0, 1/width), spectral norms:"),
        ("table", (("depth L", "‖∂a_L/∂a_0‖", "(1/4)^L Π‖W‖", "within bound", "residual ‖∂r_L/∂r_0‖"), rows)),
    )
    data = {"sigmoid_max": str(s_max), "sigmoid_argmax": str(s_at), "tanh_max": str(t_max),
            "rows": [dict(zip(("depth", "plain", "bound", "within", "residual"), r)) for r in rows]}
    return Report("Vanishing gradients: σ' ≤ 1/4, tanh' ≤ 1, and the residual path", b_items, data)


THEORY_TOPICS = {"attention-variance": attention_variance, "softmax-saturation": softmax_saturation,
                 "vanishing-gradients": vanishing_gradients}
