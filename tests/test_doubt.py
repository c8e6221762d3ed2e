r"""What verify asks of a failing claim before it says *refuted*, and the readings fixed after the hand-judged
sample of public notes (benchmarks/RESULTS.md, sample A). Each case is a small note written for this test and
the status its last formula must get; every doubt has a negative control beside it: a wrong formula of the
same shape that must still be refuted (or a wrong one that must never be verified). The oracle is the maths
of each formula, worked by hand in the comment.
"""
from __future__ import annotations

import re

import pytest

from symnet.notes.verify import verify_text

#: the status of a failing claim that passed every doubt but rests on the note's context (its definitions, its
#: functions): undecided with the counterexample (see symnet/notes/judge/confidence.py) — the control that the
#: doubt under test did not fire
HELD = "held back"

CASES = [
    # one side depends on quantities the other does not: a fit or a condition, unless no value satisfies it
    ("fit", r"$\log n_i = -\alpha \log i + c$", "undecided"),
    ("no value satisfies it", r"$\sigma(x) + \sigma(-x) = 2$", HELD),          # σ(x) + σ(−x) = 1
    ("root far outside the sampled range", r"$\frac{c-6015}{814 / \sqrt{100}}=1.28$", "undecided"),
    ("no real root anywhere", r"$\cosh(c) = 0$", HELD),                            # cosh ≥ 1
    ("derivative variable counts on both sides", r"$\frac{d}{dx} x^2 = 2$", HELD),       # it is 2x
    # letters written together, index superscripts, δ before a name
    ("two-letter names", r"$se = \sqrt{\frac{sd_1^2}{n_1} + \frac{sd_2^2}{n_2}}$", "undecided"),
    ("step superscripts", r"$w^{t+1}=w^t-\frac{\eta}{\sigma^t}g^t$", "undecided"),
    ("letters used on their own stay a product",
     "Let $L = (w x - y)^2$.\n\nThen $\\frac{\\partial L}{\\partial w} = (wx - y)x$", HELD),   # 2(wx − y)x
    # δ-fractions are derivatives
    ("δ chain rule", "Let $L = (a - y)^2$ and $a = \\tanh(z)$.\n\n"
                     "$$\\frac{\\delta L}{\\delta z} = 2(a - y)(1 - a^2)$$", "verified"),
    ("δ chain rule, wrong sign", "Let $L = (a - y)^2$ and $a = \\tanh(z)$.\n\n"
                                 "$$\\frac{\\delta L}{\\delta z} = 2(a - y)(1 + a^2)$$", HELD),
    ("δ fractions of undefined names do not cancel",
     r"$$\frac{\delta L}{\delta a}\frac{\delta a}{\delta z} = \frac{\delta L}{\delta y}$$", "undecided"),
    # numbers written rounded or scaled
    ("rounded", r"$\frac{100}{7} = 14.2$", "undecided"),
    ("order of magnitude", r"$2 \cdot 10^9 \cdot 16 \cdot 32 = 10^{12}$", "undecided"),
    ("arithmetic slip", r"$60/2 + 1 = 20$", "refuted"),
    # a convention at one point
    ("sign at 0", r"$\text{sign}(w) = \begin{cases} +1 & w \geq 0 \\ -1 & w < 0 \end{cases}$", "undecided"),
    ("sign everywhere", r"$\text{sign}(w) = \frac{w}{|w|} + 1$", HELD),
    # σ beside another activation may name it
    ("σ for tanh", r"$\sigma'(x) = 1 - \tanh^2(x)$", "undecided"),
    ("σ alone", r"$\sigma'(x) = \sigma(x)(1 + \sigma(x))$", HELD),               # σ(1 − σ)
    ("implication", r"$y > x \implies F(y) \ge F(x)$", "undecided"),
    ("Einstein indices", r"$\frac{d}{dx_k}x_ia_{ij}x_j = a_{kj}x_j + x_ia_{ik}$", "undecided"),
    # readings fixed
    ("equation number typed by hand", r"$$\frac{1}{2} = 0.5\ (4.2)$$", "verified"),
    ("log base without brackets", r"$\log_2 8 = 3$", "verified"),
    ("log base, wrong value", r"$\log_2 8 = 4$", "refuted"),
    ("prime in braces", r"$\sigma^{\prime}(z) = \sigma(z)(1-\sigma(z))$", "verified"),
    ("prime in braces, wrong", r"$\sigma^{\prime}(z) = \sigma(z)(1+\sigma(z))$", HELD),
    ("second derivative", "Let $f(x) = x^3$.\n\n$f''(x) = 6x$", "verified"),
    ("second derivative, wrong", "Let $f(x) = x^3$.\n\n$f''(x) = 3x$", HELD),
    ("derivative of an undefined function is not a definition", r"$f_2''(x)=-e^{-x}<0$", "undecided"),
    ("derivative operator takes the product",
     r"$$\frac{d}{d\theta} \theta^9(1-\theta)^4 = 9\theta^8(1-\theta)^4 - 4\theta^9(1-\theta)^3$$", "verified"),
    ("derivative operator, product rule forgotten",
     r"$$\frac{d}{d\theta} \theta^9(1-\theta)^4 = 9\theta^8(1-\theta)^4$$", HELD),
    ("derivative evaluated at its variable",
     "Consider $g(x) = ax^{2}+ bx + c$.\n\n$$\\frac{dg}{dx}(x) = 2ax + b$$", "verified"),
    ("a worked example's own value wins",
     "The padding is $P = (F-1)/2$.\n\nExample: $W=10$, $F=3$, $S=2$, $P=0$: $(W-F+2P)/S+1=4.5$", "verified"),
    ("a worked example's own value, wrong sum",
     "The padding is $P = (F-1)/2$.\n\nExample: $W=10$, $F=3$, $S=2$, $P=0$: $(W-F+2P)/S+1=6$", HELD),
    ("decimals beside names: a worked example", r"$\frac{\partial}{\partial w} \sigma(w) = w \times (-0.20)$",
     "undecided"),
    ("a range is an assumption", r"$n \geq 1$", "assumption"),
    ("a bound on a size is an assumption", r"$d \le 10^4$", "assumption"),     # d is drawn up to 60 only
    ("numbers compared", r"$2^{10} > 10^3$", "verified"),
    ("strict inequality with equal sides", r"$x < x$", HELD),
    ("summed index free in the derivative",
     "Let $\\beta_j = \\sum_h w_{hj} b_h$.\n\n$\\frac{\\partial \\beta_j}{\\partial w_{hj}}=b_h$", "undecided"),
    ("recurrence members", r"$N_h+1=N_{h-1}+1+N_{h-2}+1$", "undecided"),
    ("labels equal and different", r"$y_a = y_b \neq y_c$", "condition"),
    ("log without a backslash", r"$log_amn=log_am+log_an+1$", "undecided"),
    ("matrix entries rounded",
     r"$$z = \begin{bmatrix} 2/1.63 \\ 1 \end{bmatrix} = \begin{bmatrix} 1.23 \\ 1 \end{bmatrix}$$",
     "undecided"),                                                                   # 1.22699 → 1.23
    ("matrix entry rounded wrongly",
     r"$$z = \begin{bmatrix} 20/16.33 \\ 1 \end{bmatrix} = \begin{bmatrix} 1.23 \\ 1 \end{bmatrix}$$",
     "refuted"),                                                                     # 1.22474 → 1.22
    ("an event, not an equation", "Let $X = x_1 + 1$.\n\nThe event $X = x_i$", "mention"),
    ("w, h subscripts name things", "$t_w = \\log(G_w/P_w)$\n\n$t_h = \\log(G_h/P_h)$", "definition"),
    # verifications that must not rest on a reading the note does not support (found in hand-judged sample B)
    ("a subscripted capital before a bracket may be a function", r"$$R_n(F_1+F_2)=R_n(F_1)+R_n(F_2)$$",
     "undecided"),
    ("Greek capitals do not commute", "Let $A = T\\Lambda T^{-1}$.\n\n$$AT = \\Lambda T$$", "undecided"),
    ("Greek capitals, the right order", "Let $A = T\\Lambda T^{-1}$.\n\n$$AT = T\\Lambda$$", "verified"),
    ("a superscript 0 is a label", r"$$E_{out}^{0} = E_{in}^{0} + 1$$", "undecided"),
    ("g(x) = 0 is a constraint", "Subject to $g(x) = 0$.\n\nAlong the curve $g(x(t)) = 0$", "undecided"),
    ("a bound from another sentence does not narrow a general claim",
     "For $x \\geq 0$ we have $\\sqrt{x^2} = x$.\n\nIn general, $\\sqrt{x^2} = x$.", HELD),
    ("the same claim under its bound", "For $x \\geq 0$ we have $\\sqrt{x^2} = x$.", "verified"),
    ("a percentage", r"$9/9 = 100$", "undecided"),
    ("≈ within 1 %, rounded inputs", r"$\frac{100}{7} \approx 14.4$", "undecided"),
    ("≈ far off", r"$\frac{100}{7} \approx 16.1$", "refuted"),
    ("a function redefined in a new section",
     "# Bernoulli\n\nThen $a(\\eta) = \\log(1+e^\\eta)$.\n\n# Gaussian\n\nThen $a(\\eta) = \\eta^2/2$.",
     "redefinition"),
    ("a function contradicted in its own section",
     "Let $a(\\eta) = \\log(1+e^\\eta)$.\n\nThen $a(\\eta) = \\eta^2/2$.", HELD),
    ("a chain after a wrong step", "$$\n\\begin{aligned}\na &= 2 + 3 \\\\\n  &= 6 \\\\\n  &= 3 \\cdot 2\n\\end{aligned}\n$$",
     "undecided"),                                          # 6 = 3·2 holds, but a = 6 does not
    ("a chain whose steps all hold", "$$\n\\begin{aligned}\nb &= 2 + 3 \\\\\n  &= 5 \\\\\n  &= 10/2\n\\end{aligned}\n$$",
     "verified"),
    ("the first wrong step of a chain", "$$\n\\begin{aligned}\nb &= 2 + 3 \\\\\n  &= 6\n\\end{aligned}\n$$",
     "refuted"),
    ("a case under if is no definition", "If $\\alpha_i = C$ then it is bounded.\n\nCase: $\\alpha_i=C$",
     "definition"),
    ("a name set to a name, said twice", "Let $\\alpha_i = C$.\n\nAgain $\\alpha_i = C$", "mention"),
    ("an implied floor", r"$\frac{11-2+2*0}{2}+1=5$", "undecided"),
    ("code comparison", r"$j!=1$", "undecided"),
    ("a function's value at a point is no redefinition",
     "Let $H(p) = -p\\log_2 p - (1-p)\\log_2(1-p)$.\n\nHere $p = 0.5$.\n\nSo $H(p)=1$.\n\n$H(p) = 2$",
     "undecided"),
    ("a function from another section",
     "# ReLU\n\nLet $g(z) = \\max(0, z)$.\n\n# Linear layers\n\n$a_1 = g(w_1x + b_1) = w_1x + b_1$", "undecided"),
    ("a function from this section", "Let $g(z) = \\max(0, z)$.\n\n$a_1 = g(w_1x + b_1) = w_1x + b_1$", HELD),
    ("a size written as a product", r"$(7+2 \cdot 1-3)/1+1 = 7 \times 7$", "undecided"),
    ("a product that is not a size", r"$(7+2 \cdot 1-3)/1+1 = 7 \times 8$", "refuted"),
    ("a probability after P was given a value", "$$P = 1/105$$\n\n$$P(A \\cup B) = 1 - 6/14$$", "undecided"),
    ("a display continuing the one before", "$$a = 2 + 3$$\n\n$$= 6$$", "undecided"),
    ("the same chain in one display", "$$\nb = 2 + 3\n= 6\n$$", "refuted"),
    ("gates are names, not a family", "$\\Gamma_r = \\sigma(W_r x + b_r)$\n\n$\\Gamma_u = \\sigma(W_u x + b_u)$",
     "definition"),
    ("an equation the words set to zero", "Set the gradient to zero: $\\cosh(w) = 0$", "condition"),  # control:
    # "no real root anywhere" above, the same equation without those words, is refuted
    ("restatement in the same section", "# A\n\nLet $z = 2x + 1$.\n\n$z = 2x + 1$", "mention"),
    ("restatement in another section", "# A\n\nLet $z = 2x + 1$.\n\n# B\n\n$z = 2x + 1$", "mention"),
    # after sample F's preparation (tuned on A–E): a fact of another exercise, a rounded value for a name,
    # lines written as equations, W_t+1 typed for W_{t+1}
    ("variance from another section's exercise", "# One\n\nLet $X \\sim N(2,3)$. Then $E[X] = 2$.\n\n# Two\n\n"
     "For a chi-squared variable with $n$ degrees of freedom,\n\n$$\\sigma^2 = \\operatorname{Var}[X] = 2n$$",
     "undecided"),
    ("variance from this section's words", "Let $X$ be a random variable with variance 3.\n\n"
     "$\\operatorname{Var}[2X] = 6$", "refuted"),                                  # Var 2X = 4·3 = 12
    ("a rounded value given to a name", "If $\\alpha = 1$ all is shrunk; in practice $\\alpha \\approx 0.2$",
     "setting"),
    ("a constant is no name to set", r"$\pi \approx 3.5$", "refuted"),                 # π = 3.14159…
    ("lines of one section are equations", "# Lines\n\nThey cross: $y = 5 - x$, $y = x - 1$.\n\n"
     "The same line twice: $2y = 6x + 8$ and $y = 3x + 4$.", "redefinition"),
    ("a claim about a name defined once is judged", "# Lines\n\nLet $y = x - 1$.\n\nThen $2y = 2x + 2$",
     HELD),                                                                     # 2y = 2x − 2
    ("W_t+1 typed for W_{t+1}", "The update is $W_{t+1} = W_t + y_n x_n$, so $y_nx_nW_t+1 > y_nx_nW_t$",
     "undecided"),
    # after sample F (tuned on F): angles in degrees, log in base 10 or 2, a function named outside the maths,
    # a recurrence's member named by a word, vectors read as numbers, axioms
    ("cos of a whole number of degrees", "The angle is 30 degrees: $60 \\cos(30) = 30 \\sqrt{3}$", "undecided"),
    ("cos in degrees, wrong too", r"$60 \cos(30) = 20 \sqrt{3}$", "refuted"),          # 9.26 rad, 51.96 deg
    ("log in base 10", r"$\log(0.01) = -2$", "undecided"),
    ("log wrong in every base", r"$\log(0.01) = -3$", "refuted"),                       # −4.61, −2, −6.64
    ("a function named outside the maths", "The `softplus`$(d) = \\log(1+e^{d})$ function", "mention"),
    ("a bracketed sum is a claim", r"$(2 + 2) = 5$", "refuted"),
    ("a member named by a word", "Let $y_{n+1} = y_n + 1$ and $y_0 = 0$.\n\nThe last is $y_{n}=\\text{stop}$",
     "undecided"),
    ("a wrong closed form", "Let $y_{n+1} = y_n + 1$ and $y_0 = 0$.\n\nThen $y_{n} = 2n$", "refuted"),   # y_n = n
    ("vectors of the words", "For vectors $u$ and $v$: $u \\cdot v = v \\cdot u$", "undecided"),
    ("numbers of the words", "For numbers $u$ and $v$: $u \\cdot v = v \\cdot u$", "verified"),
    ("axioms", "A vector space is a set $V$ with the following properties:\n\n* $x+y=y+x$", "condition"),
    ("properties that are claims", "The dot product has these properties:\n\n* $2(x+y)=2y+2x$", "verified"),
    ("a defining condition", "There is a map $T^{-1}$ such that $T^{-1}(T(u)) = u$", "condition"),
    ("a claim after the words", "For every $u$ we have $u + u = 2u$", "verified"),
    ("a display line waiting for its operand",
     "$$\nf = -\\sum_{k=1}^{n} \\frac{1}{n} \\log_{2}\n\\frac{1}{n} = \\log_{2} n\n$$", "verified"),
    ("the same display, wrong", "$$\nf = -\\sum_{k=1}^{n} \\frac{1}{n} \\log_{2}\n\\frac{1}{n} = \\log_{2} 2 \\cdot n\n$$",
     HELD),                                                                     # log2 n ≠ n
    ("a family restated after its recurrence",
     "Let $w_{k+1} = w_k + x_{k+1}$ and $w_0 = 0$.\n\nAlternatively $w_{k+1}=\\frac{1}{1+k} \\sum_{i=1}^{k+1} x_i$ "
     "and $w_k=\\frac{1}{k} \\sum_{i=1}^k x_i$", "undecided"),
    ("a wrong closed form right after its recurrence",
     "Let $w_{k+1} = w_k + 1$ and $w_0 = 0$.\n\nThen $w_k = k + 1$", "refuted"),     # w_k = k
    ("shapes symnet inferred", "Let $A = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$.\n\n"
     "Then $(Ax)^T(Ax)=0$", "undecided"),
    # after sample H (tuned on H): modular arithmetic in the words, two bare numbers, premises restated
    ("modular arithmetic", "This holds because $1+1+1 = 0$ is true mod 3.", "undecided"),
    ("plain arithmetic, wrong", "This holds because $1+1+1 = 0$ is true.", "refuted"),    # 3
    ("two numbers and nothing computed", "A false statement such as $1 = 2$ proves anything.", "mention"),
    ("a premise restated", "Let $z = 2x$.\n\nSuppose $z = 2x$.", "mention"),
    ("a restatement in another form is a claim", "Let $z = 2x$.\n\nThen $z = (x + 1)^2 - x^2 - 1$.", "verified"),
    # after sample I (tuned on I): cos⁻¹ as arccos, a value at 0 of something never defined
    ("cos⁻¹ may be arccos", r"$\cos^{-1}(-3/\sqrt{10}) = 2.8198$", "undecided"),
    ("arccos, wrong", r"$\arccos(-3/\sqrt{10}) = 2.5$", "refuted"),                   # 2.8198
    ("a value at 0 of an undefined name", r"We start from $\beta(0) = 0$.", "undecided"),
    ("a value at 0 of the note's function", "Let $f(t) = t^2$. Then $f(0) = 0$.", "verified"),
    # an operator written as a capital before brackets on both sides (sample I: D(f + g), Φ, T)
    ("an operator's linearity", r"$D(f+g) = D(f) + D(g)$", "undecided"),
    ("a matrix times a sum", r"$X(2w + b) = 2Xw + Xb$", "verified"),
    # after sample J (tuned on J): mixed numbers, a function's argument before a division
    ("a mixed number", r"$\frac{1}{6} = 16 \frac{2}{3}\%$", "undecided"),
    ("a product of a number and a fraction, wrong", r"$2 \cdot \frac{2}{3} = 2$", "refuted"),   # 4/3
    ("cos π / 2 as cos(π/2)", r"$\cos \pi / 2 = 0$", "undecided"),
    ("cos(π)/2 written with brackets, wrong", r"$\cos(\pi) / 2 = 0$", "refuted"),          # −1/2
    ("an operator defined in words", r"$a \star (b + c) = a \star b + a \star c$", "undecided"),
    ("a starred name is no operator", r"$x^\star + x^\star = 2x^\star$", "verified"),
    ("a braced step is read as written", "Let $f(u) = u^2$. Then $f(x_{t+1}) = 2 x_{t+1}$",
     HELD),                                                                     # f(x_{t+1}) = x_{t+1}²
    # after reviewing every hand-judged sample A–J at one tree: what holds only because the note said it
    ("a definition written again checks nothing", "Let $z = 2x$.\n\nThen $z = 2x$.", "mention"),
    ("a function written again checks nothing", "Let $f(x) = x^2$.\n\nThen $f(x) = x^2$.", "mention"),
    ("a family written again checks nothing", "Let $z_i = w x_i + b$.\n\nSo $z_i = w x_i + b$.", "mention"),
    ("a definition in another form, wrong", "Let $z = 2x$.\n\nThen $z = (x + 1)^2 - x^2$.", HELD),  # 2x + 1
    ("a definition moved across the sign", "Let $y = a x + b$.\n\nOn the line, $y - a x - b = 0$.", "mention"),
    ("a member moved across the sign", "Let $z_i = w x_i + b$.\n\nFor each unit $z_i - b = w x_i$.", "mention"),
    ("a consequence stated after 'then' is a claim", "Let $z_i = w x_i + b$.\n\nThen $z_i - b = w x_i$.", "verified"),
    ("a definition moved, with a wrong sign", "Let $y = a x + b$.\n\nOn the line, $y - a x + b = 0$.",
     "undecided"),                                                              # 2b, not 0: never verified
    ("a step that scales a definition is a claim", "Let $k = m/h$.\n\nThe count is $3 h m k + m^2 = 4 m^2$.",
     "verified"),
    ("the same value as arithmetic", "Let $f(x) = x^2 - 4x + 11$. Then $f(2) = 7$.", "verified"),
    ("the same value as arithmetic, wrong", "Let $f(x) = x^2 - 4x + 11$. Then $f(2) = 8$.", "refuted"),  # 7
    ("an identity with a constant side", r"For every $x$: $\cos^2 x + \sin^2 x = 1$", "verified"),
    ("a bound between bare quantities", r"The parameters are $\mu$ and $\sigma^2 \geq 0$.", "assumption"),
    ("a bound that computes", r"Always $1 - \tanh^2(x) \le 1$", "verified"),
    ("a bound that computes, wrong", r"Always $1 - \tanh^2(x) \le 0$", HELD),             # 1 at x = 0
    # notation verify reads as numbers where the notation itself says otherwise (samples A–J, false evidence)
    ("a bold expectation read as a factor", r"$\mathbf{E}[aX + bY] = a\mathbf{E}[X] + b\mathbf{E}[Y]$", "undecided"),
    ("a bracketed letter", r"$[a]+[b]=[a+b]$", "undecided"),
    ("a bracketed sum is a number", r"$[a+b]^2 = a^2 + 2ab + b^2$", "verified"),
    ("a one-sided argument", r"$F(x + 0) = F(x)$", "undecided"),
    ("a shifted argument", "Let $F(x) = x^2$. Then $F(x + 1) = x^2 + 2x + 1$", "verified"),
    ("a shifted argument, wrong", "Let $F(x) = x^2$. Then $F(x + 1) = x^2 + x + 1$", HELD),     # x² + 2x + 1
    ("equation numbers added", r"$(1) + (2) = (3)$", "mention"),
    ("a vector in bold text", r"$\textbf{u} \cdot \textbf{v} = \textbf{v} \cdot \textbf{u}$", "undecided"),
    ("a vector drawn as a 1×1 matrix", r"$\vec{a} \cdot \vec{a} = \| \vec{a} \|^2$", "undecided"),
    ("a definition with dots written again", "Let $x=c_1b_1+...+c_nb_n$.\n\nSo $x=c_1b_1+...+c_nb_n$", "mention"),
    ("a family written again with another index", "Let $z_i = w x_i$.\n\nSo $z_j = w x_j$", "mention"),
    ("an instance of a family is a claim", "Let $z_i = w x_i$.\n\nSo $z_2 = w x_2$", "verified"),
    ("an instance of a family, wrong", "Let $z_i = w x_i$.\n\nSo $z_2 = w x_3$", HELD),            # w x_2
    ("a capital subscript names a part", "Let $H_E = E_E + P_E$.\n\nFor the decoder $H_D = E_D + P_D$", "definition"),
    ("an operator's homogeneity", r"$T(cu)=cT(u)$", "undecided"),
    # after sample L (tuned on L): σ is the sigmoid only where the note says so; conditions after the formula in
    # Korean, Japanese, Chinese
    ("σ never called the sigmoid", "The noise scale $\\sigma$ is small and $\\sigma(0) = 0$ holds.", "undecided"),
    ("σ called the sigmoid, wrong value", "The sigmoid has $\\sigma(0) = 0$.", "refuted"),                # 1/2
    ("a condition after the formula in Korean", "$2 + 2 = 5$일 때", "condition"),
    ("the same formula as a claim", "$2 + 2 = 5$이다.", "refuted"),
    ("axioms after 如果…满足", "对于任意元素 $u, v$ 如果运算 $+$ 满足：\n\n- $u+v=v+u$", "condition"),
    ("a property named after 满足 is a claim", "乘法满足分配律，$2(u + v) = 2u + 2v$", "verified"),
    ("a derivative written with a prime set to zero", "Let $f(x) = x^2$. 当 $f'(x_0)=0$ 时", "condition"),
    ("a prime derivative as a claim", "Let $f(x) = x^2$. Then $f'(x) = 2x$", "verified"),
    ("a prime derivative as a claim, wrong", "Let $f(x) = x^2$. Then $f'(x) = x$", HELD),          # 2x
    ("a map applied twice, drawn as matrices", "Let $F$ be a matrix. $F(b - a) = F(b) - F(a)$", "undecided"),
    # conditions, "such that" and axioms in other languages (a precaution after L, before sample M was run)
    ("a condition in French", "Si $2 + 2 = 5$, alors tout est vrai.", "condition"),
    ("the same in French as a claim", "On a $2 + 2 = 5$.", "refuted"),                                   # 4
    ("a condition in Spanish", "Cuando $2 + 2 = 5$, todo vale.", "condition"),
    ("axioms in French", "Un espace vectoriel $V$ vérifie les axiomes suivants :\n\n- $u + v = v + u$", "condition"),
    ("a property in French without the word", "Un espace vectoriel $V$ vérifie :\n\n- $2(u + v) = 2v + 2u$", "verified"),
    # after sample M (tuned on M): a premise posed with the note's function, a plain * between letters
    ("an initial condition posed", "Let $x(t) = x_0 e^{t}$ with the initial condition $x(0) = x_0$.", "condition"),
    ("the initial condition shown", "Let $x(t) = x_0 e^{t}$. Then $x(0) = x_0$.", "verified"),
    ("the initial condition shown, wrong", "Let $x(t) = x_0 e^{t}$. Then $x(0) = 2 x_0$.", HELD),       # x_0
    ("a group law written with *", r"A semigroup: $(a*b)*c = a*(b*c)$", "undecided"),
    ("* between numbers is a product", r"$(2 * 3^2) c = 18 c$", "verified"),
    ("* between numbers, wrong", r"$2 * 3^2 = 36$", "refuted"),                                       # 18
    ("a functional's linearity", r"$\varphi(v+w)=\varphi(v)+\varphi(w)$", "undecided"),
    ("a scalar before brackets twice is a product", r"$\lambda(x + 2y) = \lambda x + 2\lambda(y)$", "verified"),
    ("a calligraphic map's linearity", r"$\mathcal{I}(a f + g) = a\mathcal{I}(f) + \mathcal{I}(g)$", "undecided"),
    ("vectors in bold text without braces", r"$(\alpha \textbf x) \textbf z = \alpha (\textbf x \textbf z)$",
     "undecided"),
    ("a map letter before brackets twice", r"$f(2x) = 2f(x)$", "undecided"),
    ("composition", r"$h\circ(g\circ f) = (h\circ g)\circ f$", "undecided"),
    ("an inverse function", r"$(f^{-1})^{-1} = f$", "undecided"),
    ("a reciprocal of a number", r"For a real number $x \ne 0$, $(x^{-1})^{-1} = x$", "verified"),
    ("an inverse's inverse, of no stated kind", r"$(x^{-1})^{-1} = x$", "undecided"),   # a group law as well
    ("Landau's little o", r"$n \cdot o(1/n) = o(1)$", "undecided"),
    # after sample N (tuned on N): a counterexample that sets a member of the identity matrix
    ("a variance from N(0, I_n)", "Let $w \\sim N(0, I_n)$ with $w_i$ independent. "
     "Then $\\epsilon n \\mathrm{Var}[w_i] = \\epsilon n$.", "undecided"),
    ("a stated variance, wrong", "Let $w_i$ have variance $2$: $\\mathrm{Var}[w_i] = 2$. "
     "Then $\\epsilon n \\mathrm{Var}[w_i] = \\epsilon n$.", "refuted"),                            # 2εn
    ("axioms after 'such that the following properties hold'",
     "A vector space is a set $V$ with an addition such that the following properties hold:\n\n- $u+v = v+u$",
     "condition"),
    ("properties that follow from a definition are claims",
     "For real numbers $u, v$ the following is true:\n\n- $2(u+v) = 2v+2u$", "verified"),
    # a definition's list of properties (a precaution after samples F, I, L, N, whose axioms each came in new words)
    ("the list after a definition", "**Definition (group)**\nA group is a set $G$ with an operation such that:\n\n"
     "- $a + b = b + a$", "condition"),
    ("the list after a theorem", "**Theorem**\nFor a set $G$ of numbers:\n\n- $2(a + b) = 2b + 2a$", "verified"),
    ("claims well after a definition's list", "**Definition (group)**\nA group is a set $G$ with an operation such "
     "that:\n\n- $a + b = b + a$\n" + "\n" * 14 + "Then $(a+1)^2 = a^2 + 2a + 1$.", "verified"),
    ("σ times a bracket never called the sigmoid", r"$\sigma * (1 - \sigma) = \sigma - \sigma^2$", "undecided"),
    ("a value at ∞ of an undefined name", r"If $f_X(\infty)=0$, then", "undecided"),
    ("a hypothesis between two squares", "We test $\\sigma_1^2=\\sigma_2^2$.\n\nOne-sided: $\\sigma_1^2\\geq \\sigma_2^2$",
     "assumption"),
    ("a number times a matrix product", r"$2 X(w + b) = 2Xw + 2Xb$", "verified"),
    ("a function of another section", "Let $\\beta(t) = t/T$.\n\n# Annealing\n\nwhere $\\beta(0)=0$", "undecided"),
    ("a function of this section", "Let $\\beta(t) = t/T$. Then $\\beta(0)=0$", "verified"),
    ("a function of this section, wrong", "Let $f(t) = t/2$. Then $f(0)=1$", "refuted"),                  # 0
    ("a bound under 'if' is a test", "Let $g(w) = w^2$. A minimum if $\\frac{d^2}{d w^2}g(w) > 0$", "condition"),
    ("a bound after 'so' is a claim", "Let $g(w) = w^2$. So $\\frac{d^2}{d w^2}g(w) > 0$", "verified"),
    ("a value at a setting under 'when'", "Let $f(x) = x^2 - 4x + 11$ and $x = 2$; when they say $f(x) = 7$",
     "condition"),
    # laws of arithmetic in letters alone: axioms of vectors or an operation as often as claims about numbers
    ("a commutative law, no words around it", r"$\mathbf{u} + \mathbf{v} = \mathbf{v} + \mathbf{u}$", "undecided"),
    ("a distributive law", r"$(c + d)u = cu + du$", "undecided"),
    ("an identity element", r"$1v = v$", "undecided"),
    ("a law with a square is algebra", r"$(c + d)^2 = c^2 + 2cd + d^2$", "verified"),
    ("a longer sum is a computation", r"$q x + (1 - q) \cdot 0 = q x$", "verified"),
    ("a law of defined letters is a computation", "Let $z = w + b$. Then $z - b = w$", "verified"),
    # after sample P (tuned on P): a norm's axiom, a formula the words deny, σ² a standard deviation
    ("a norm of letters read as an absolute value", r"A norm satisfies $||x+y||\le||x||+||y||$", "undecided"),
    ("an absolute value stays a number", r"$|x + y| \le |x| + |y|$", "verified"),
    ("a formula the words deny", "Let $u = 2$ and $v = 3$. $u v = v u$ does not hold in general.", "mention"),
    ("a formula the words deny, in Japanese", "Let $u = 2$ and $v = 3$. $u v = v u$ とは限らない", "mention"),
    ("the same formula claimed", "Let $u = 2$ and $v = 3$. Then $u v = v u$ holds.", "verified"),
    ("σ squared is a name, not the sigmoid", r"Let $g(x) = \sqrt{x}$. Then $g(\sigma^2) = -\sigma$", HELD),
    ("the named sigmoid at a number, wrong", r"The sigmoid gives $\sigma(0) = 0.4$", "refuted"),          # 0.5
    # after sample Q (tuned on Q): infinities compared, a function applied to itself, a range after "for any"
    ("a number above −∞", r"and $0 > -\infty$, the value we would get", "verified"),
    ("a number below −∞", r"and $0 < -\infty$, the value we would get", "refuted"),
    ("a function on both sides at a member", r"Let $\sigma(z_4) = \sigma(a + b)$. Then $\sigma(z_3) = \sigma(a + b)$",
     "undecided"),
    ("a range after 'for any'", "Let $N = 2^k$. The cost for any $N \\le 2^k$ is small.", "assumption"),
    ("the same bound as a result", "Let $N = 2^k$. So $N \\le 2^k$.", "verified"),
    # after sample R (tuned on R): a row vector written with spacing, a derivative with respect to a matrix
    ("a row vector scaled", r"Here $2(2 \quad 1)=(4 \quad 2)$, so the rows are dependent", "undecided"),
    ("a product of bracketed numbers", r"Here $2(2 + 1)=(4 + 5)$", "refuted"),
    ("a derivative with respect to a matrix", "If $f(A) = \\exp(A)$, where $A$ is a square matrix: "
     "$\\frac{d}{dA}\\exp(A) = \\exp(A)$", "undecided"),
    ("a derivative with respect to a matrix named a paragraph before",
     "- If $f(A) = \\exp(A)$, where $A$ is a square matrix:\n  - First: $\\frac{d}{dA}\\exp(A) = \\exp(A)$", "undecided"),
    ("a derivative with respect to a scalar A", "Let $f(A) = \\exp(A)$. Then $\\frac{d}{dA}\\exp(A) = \\exp(A)$",
     "verified"),
    ("a matrix written by its entries", "Let $A=(a_{ij})$ and $B=(b_{ij})$. Then $AB = BA$", "undecided"),
    ("a value in brackets is a value", "Let $A=(a_{1})$. Then $2A = 2a_1$", "verified"),
    ("a value of a function at a capital is not a redefinition",
     "Let $r(A) = A^2$.\n\nWe have $r(A)=n$. So $r(B)=r(AB)$", HELD),
    ("a law the words say is of numbers", r"For real numbers $a, b$: $(ab)c = a(bc)$", "verified"),
    ("a law of scalars and vectors", r"For all scalars $a, b$ and numbers $c$: $(ab)v = a(bv)$", "undecided"),
    # a % right after a digit is a percentage (sample J refuted sqrt(0.0044) ≈ 6.7% as "not 6.7")
    ("a percentage, rounded", r"$$\sqrt{0.25 / 80 + 0.1131 / 87} \approx 6.7%$$", "verified"),   # 0.06652
    ("a wrong percentage", r"$$\sqrt{0.25 / 80 + 0.1131 / 87} \approx 7.7%$$", "refuted"),
    # a matrix given a new value in a new section is redefined there (sample I verified a rotation's A^T = A
    # against the permutation matrix A of an earlier section); control: in its own section A is still checked
    ("a matrix redefined in a new section", "Let $A=\\begin{bmatrix}0&1\\\\1&0\\end{bmatrix}$.\n\n## Rotation\n\n"
     "$A=\\begin{bmatrix}0&-1\\\\1&0\\end{bmatrix}$.\n\nIt has $A^\\top=A$.", "condition"),
    ("a matrix claim in its own section", "Let $A=\\begin{bmatrix}0&1\\\\1&0\\end{bmatrix}$.\n\nSo $A^\\top=A$.",
     "verified"),
    # after sample S (tuned on S): mixed numbers without braces, quotients of whole numbers, group laws with
    # inverses, a condition said again after "i.e.", recurrences, differentials
    ("a mixed number without braces", r"Note that $2 \frac 2 3 = 2 + \frac 2 3$ here", "undecided"),
    ("a product that is no mixed number", r"Note that $2 \cdot \frac 2 3 = 2 + \frac 2 3$ here", "refuted"),
    ("a whole-number quotient", "In binary: $$\\frac{1}{2} = 0$$ remainder 1", "undecided"),
    ("a quotient that is not the whole part", r"$$\frac{7}{2} = 4$$", "refuted"),
    ("a group law with inverses", r"In a group, $(ab)^{-1} = b^{-1}a^{-1}$", "undecided"),
    ("an inverse law the words call numbers", r"For real numbers $a, b$: $(ab)^{-1} = b^{-1}a^{-1}$", "verified"),
    ("a condition said again", "若 $g h = h g$（即 $g h g^{-1} = h$），则称它们可交换。", "undecided"),
    ("rows of a recurrence", "$$T(n) = 2T(n/2) + n$$\n\nso $$2T(n/2) + n = 4T(n/4) + 2n$$", "condition"),
    ("a wrong differential", "Let $y = x^2$. Then $\\mathrm{d}y = x\\,\\mathrm{d}x$.", "undecided"),
    ("a right differential", "Let $y = x^2$. Then $\\mathrm{d}y = 2x\\,\\mathrm{d}x$.", "verified"),
    ("differentials along a path, with an end point set", "Let $z = \\cos t$. At the end $t = \\pi/2$, $z = 0$: "
     "$\\mathrm{d}z = -\\sin t \\, \\mathrm{d}t$", "verified"),
    ("a wrong differential along a path, with an end point set", "Let $z = \\cos t$. At the end $t = \\pi/2$, $z = 0$: "
     "$\\mathrm{d}z = \\sin t \\, \\mathrm{d}t$", "undecided"),   # at t = π/2 both sides were d(0) = 0
    ("a substitution's differentials", r"Let $t = \frac{x}{2}$, so $dx = 2 dt$.", "verified"),
    # after sample T (tuned on T): a closed form in a sequence the note never defines; an exercise's own f
    ("a closed form in another sequence", "$$C_{n+1} = C_n + C_{n-1}$$\n\n$$C_1 = 1$$\n\n$$C_2 = 1$$\n\n$$C_n = F_n$$",
     "undecided"),
    ("a function named afresh", "Let $f(x) = x^2 + 1$. Then $f(2) = 5$.\n\n"
     "Next, let the function $f(x)$ be odd, with $f(1) = 1$.", "undecided"),
    ("the note's function near its definition", "Let $f(x) = x^2 + 1$. Then $f(2) = 5$ and $f(1) = 3$.", "refuted"),
    ("the note's function far from its definition", "Let $f(x) = x^2 + 1$.\n\n" + "Other text.\n\n" * 20 +
     "We have $f(1) = 3$ here.", "undecided"),
    ("a value far from the definition, verified", "Let $f(x) = x^2 + 1$.\n\n" + "Other text.\n\n" * 20 +
     "We have $f(1) = 2$ here.", "undecided"),
    ("an index written without its underscore", r"where $(x2-x1)=(x3-x2)$, the points are evenly spaced", "undecided"),
    ("a determinant written without a backslash", r"$$det(AB) = det(A)det(B)$$", "undecided"),
    ("a tangent written without a backslash", r"$$tan(x) = sin(x)/cos(x)$$", "verified"),
    ("the defining property of a kind of matrix", "Let $A = \\begin{bmatrix}1&2\\\\2&1\\end{bmatrix}$.\n\n"
     "Symmetric: $A^T=A$.", "condition"),
    ("a matrix shown symmetric", "Let $A = \\begin{bmatrix}1&2\\\\2&1\\end{bmatrix}$.\n\nHence $A^T=A$.", "verified"),
    ("the function named again is the same function", "Consider the function $f(a) = 3a$. For it, the function "
     "$f(a)$ grows; so $f(2) = 6$.", "verified"),
    ("one product written two ways", r"Note $AB = A \cdot B$ here.", "verified"),
    ("a logarithm's base before its argument", r"So $\log_a1 = 0$.", "verified"),
    # after sample U (tuned on U): −∞ ≠ 0 exactly; a value set after "if" is a hypothesis; a case X(0) ≥ x
    ("infinity is not zero", r"This is a contradiction as $-\infty \ne 0$.", "verified"),
    ("a value set after 'if'", "Let $p(x) = a x^2 + b$. If $a = 0$, the method fails. Moreover $p(1) \\le b$.",
     "undecided"),
    ("a value set plainly", "Let $q(x) = c x^2$. Take $c = 2$. Then $q(1) = 2$.", "verified"),
    ("an unknown function at a number, verified as a product", r"Case (ii): we have $X(0) = 0 \cdot x$.", "undecided"),
    # after sample V: Typst (or plain-text) maths, with symbols as words, is not read as LaTeX letters
    ("Typst notation", r"where $sin theta< 1$ holds", "unparseable"),
    ("LaTeX with the same symbols", r"where $\sin\theta < 2$ holds", "verified"),
    ("a Typst subscript", r"we have $B_(x)(0)=0$ there", "unparseable"),
    ("two values side by side", r"we have $R=0\;u=0$ there", "undecided"),
    ("a comment after a number stays a comment", "$$x = 3 % the third\n + 1$$", "setting"),
]


def test_infinity_sampled_as_a_whole_number_is_not_verified():
    """A sum to ∞ whose check sampled ∞ as 1..60 (sample H's Γ(x)ζ(x)) is undecided; control: the same evidence
    without ∞ among the sampled names stays verified."""
    from symnet.notes.judge.rereading import _typed_reading
    assert _typed_reading(r"numerically: 40 points, 50 digits, \infty ∈ 1..60", r"x = x")[0] == "undecided"
    assert _typed_reading(r"numerically: 40 points, 50 digits, n ∈ 1..60", r"x = x") is None


def test_the_lines_equation_is_not_refuted():
    """The equation between two redefinitions of y in one section: undecided, never refuted."""
    note = ("# Lines\n\nThey cross: $y = 5 - x$, $y = x - 1$.\n\n"
            "The same line twice: $2y = 6x + 8$ and $y = 3x + 4$.")
    equation = [v for v in verify_text(note).verdicts if v.text == "2y = 6x + 8"][0]
    assert equation.status == "undecided" and "several values" in equation.detail


def test_evidence_names_what_was_sampled():
    """m defined as a maximum is sampled as a real number when the claim holds for reals (evidence without
    "m ∈ 1..60"); E[X+Y] = E[X] + E[Y] rests on expectation rules, not on "every function E". Control: a
    claim that holds only for whole n says so."""
    lse = verify_text(r"Let $m = \max_i z_i$. Then $\log\sum_i e^{z_i} = m + \log\sum_i e^{z_i - m}$.")
    assert lse.verdicts[-1].status == "verified" and "m ∈" not in lse.verdicts[-1].detail
    linear = verify_text(r"By linearity, $E[X+Y]=E[X]+E[Y]$.").verdicts[-1]
    assert linear.status == "verified" and "every function" not in linear.detail
    whole = verify_text(r"$\cos(2 \pi n) = 1$").verdicts[-1]
    assert whole.status == "verified" and "whole-number n" in whole.detail


@pytest.mark.parametrize("name, note, expected", CASES, ids=[c[0] for c in CASES])
def test_doubts_and_readings(name, note, expected):
    _assert_last(note, expected)


def _assert_last(note: str, expected: str) -> None:
    """The note's last verdict has the expected status; HELD: undecided with the counterexample it fails at."""
    verdict = verify_text(note).verdicts[-1]
    if expected == HELD:
        assert verdict.status == "undecided" and verdict.detail.startswith("fails as read ("), verdict.detail
        assert re.search(r"rests on|do not write the same names|may mean something else", verdict.detail), \
            verdict.detail
        assert "not refuted" in verdict.detail
    else:
        assert verdict.status == expected, (verdict.status, verdict.detail)


def test_a_name_the_note_calls_random_is_never_a_constant():
    """The hand-judged probe: "the variance of a constant variable X is zero" after "X is a random variable"
    made X a constant, and E[(X − E[X])²] = 0 verified. X is random: the claim rests on moments the note does
    not give (undecided), never verified. Control: a name only ever called constant is one (E[X + c] = c)."""
    note = ("Let $X$ be a random variable. The variance of a constant variable $X$ is zero.\n\n"
            "$$\\mathrm{E}[(X-\\mathrm{E}[X])^2]=0$$\n\n$$\\mathrm{Var}[X+Y]=\\mathrm{Var}[X]$$")
    assert [v.status for v in verify_text(note).verdicts[-2:]] == ["undecided", "undecided"]
    control = "Take a constant $c$. Let $X$ be a random variable with mean $0$.\n\n$$\\mathrm{E}[X + c] = c$$"
    assert verify_text(control).verdicts[-1].status == "verified"


def test_a_question_states_no_facts():
    """"If X = N(1, 4), find …?" is an exercise's premise: Var X = 2n later (a chi-squared) is not judged
    against variance 4."""
    note = ("If $X \\sim N(1, 4)$, find $P(0 < X < 3.2)$?\n\n"
            "For a chi-squared variable: $$\\operatorname{Var}[X] = 2n$$")
    assert verify_text(note).verdicts[-1].status != "refuted"


@pytest.mark.parametrize("note, expected", [
    # closed arithmetic, the note's functions applied to numbers, a chain that names its result: refuted
    (r"$(64-4)/2+1 = 20$", "refuted"),                                                  # it is 31
    (r"Let $f(x) = \sqrt{x + 6}$. Then $f(6) = 4$", "refuted"),                         # √12 = 3.46
    (r"$w_{out} = \frac{64-4}{2}+1 = 20$", "refuted"),
    # an identity between names, even wrong everywhere: held back (notation may differ; samples F, G)
    (r"$\cos(\alpha+\beta) = \cos\alpha\sin\beta - \sin\alpha\cos\beta$", HELD),
    (r"$\frac{d}{d\xi}\sigma(\xi) = \sigma(\xi)(-\xi)$", HELD),                         # σ(ξ)σ(−ξ)
    # the same kinds of failure resting on the note's context: held back with the counterexample
    (r"Let $L = (wx - y)^2$. Then $\frac{\partial L}{\partial w} = 2(wx - y)$", HELD),   # 2(wx − y)x
    (r"Let $f(x) = \sqrt{x + 6}$. Then $f(x) = \sqrt{x} + 6$", HELD),
    (r"$\mu_1(x + y - 4) = 0$", "undecided"),                    # complementary slackness: a condition
])
def test_a_refutation_rests_on_nothing_it_may_misread(note, expected):
    """symnet/notes/judge/confidence.py: closed arithmetic and identities in their own names are refuted; a
    failure that rests on the note's definitions or functions is undecided, naming what it rests on and the
    counterexample. The oracle: each formula worked by hand (comments)."""
    _assert_last(note, expected)


def test_a_solution_is_refuted_only_near_its_condition():
    """p̂ = k/n solves dL/dp = 0 for L = k log p + (n − k) log(1 − p) (oracle: by hand); a wrong p̂ right after
    the condition is refuted, the same wrong p̂ forty lines on (another method's estimate) is not."""
    condition = "Let $L = k \\log p + (n-k)\\log(1-p)$.\n\nSet $\\frac{\\partial L}{\\partial p} = 0$.\n\n"
    near = verify_text(condition + "$\\hat{p} = \\frac{k+1}{n+2}$").verdicts[-1]
    assert near.status == "refuted" and "does not solve" in near.detail
    far = verify_text(condition + "Other text.\n\n" * 20 + "$\\hat{p} = \\frac{k+1}{n+2}$").verdicts[-1]
    assert far.status == "undecided" and "does not solve" in far.detail
    right = verify_text(condition + "$\\hat{p} = \\frac{k}{n}$").verdicts[-1]
    assert right.status == "verified"


def test_a_map_applied_twice_is_not_verified_as_matrices():
    """f(λv) = λ f(v) checked with f drawn as a random matrix (sample M) is undecided: f, like a capital, before
    brackets twice is a map applied; control: a matrix before one bracket (A(x + y) = Ax + Ay) stays verified."""
    from symnet.notes.judge.rereading import _typed_reading
    drawn = "numerically with 4 draws of random matrices (f 3×4, v 4×2)"
    assert _typed_reading(drawn, r"f(\lambda \cdot v) = \lambda \cdot f(v)")[0] == "undecided"
    assert _typed_reading("numerically with 4 draws of random matrices (A 3×4, x 4×1, y 4×1)",
                          r"A(x + y) = Ax + Ay") is None


def test_one_quantity_written_two_ways_is_a_mention():
    """x(0) = x_0 read as the same member on both sides (sample M: an initial condition) checks nothing; control:
    a member set equal to another member is not a mention."""
    from symnet.notes.judge.restatements import one_name_twice
    from symnet.notes.latex import parse
    from symnet.notes.read.meaning import Context, Meaning
    meaning = Meaning(Context({}, {}))
    same = parse("x_0 = x_{0}")
    assert one_name_twice(meaning, *same.args[1])
    other = parse("x_0 = x_1")
    assert not one_name_twice(meaning, *other.args[1])

