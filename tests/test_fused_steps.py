"""The SGD step's own program (symnet/codegen/schedule.py): a gradient that is a product is accumulated into its
parameter by one BLAS call (``gemm_into``), after the last statement that reads the parameter; the bias is
added inside the forward product. Checked against the plain generated gradients (which the oracle tests check),
with negative controls for an update placed too early and for a wrong product."""
import re

import numpy as np
import pytest
import sympy as sp

import symnet
from symnet.codegen.schedule import fused_schedule, tall_and_thin
from symnet.codegen.compile import compile_graph
from symnet.codegen.numeric import gemm_into
from tests.test_buffers import GRAPHS, _point

ROWS = [g for g in GRAPHS if g[0].startswith("mlp")] + [
    ("mlp-deep-softplus", lambda: symnet.mlp((3, 5, 4, 4, 2), activation="softplus", loss="mse", level="matrix")),
    ("mlp-l2-tanh", lambda: symnet.mlp((4, 6, 3), activation="tanh", loss="mse", l2=0.05, level="matrix")),
]


def _sgd_source(f) -> str:
    return f.source[f.source.index("    def sgd_step"):f.source.index("    def momentum_step")]


def _steps_equal_the_plain_update(f, sgd, dtype="float64", steps=3, rtol=1e-12):
    """``steps`` SGD steps of the generated ``sgd`` against θ − α ∇L of the plain program, from the same start."""
    data, params = _point(f, batch=7)
    data = [d.astype(dtype) for d in data]
    params = [p.astype(dtype) for p in params]
    reference = [p.astype(np.float64) for p in params]
    plain = f._namespace["loss_and_gradient"]
    for _ in range(steps):
        L, grads = plain(*(d.astype(np.float64) for d in data), *reference)
        Lf = sgd(*data, *params, 0.1)
        assert float(Lf) == pytest.approx(float(np.mean(L)), rel=rtol * 10)
        reference = [p - 0.1 * np.broadcast_to(g, p.shape) for p, g in zip(reference, grads)]
    for name, p, r in zip(f.parameter_names, params, reference):
        np.testing.assert_allclose(p, r, rtol=rtol, atol=rtol, err_msg=name)


@pytest.mark.parametrize("build", [g[1] for g in ROWS], ids=[g[0] for g in ROWS])
def test_fused_sgd_step_equals_the_plain_gradient_step(build):
    f = compile_graph(build())
    assert "gemm_into(" in _sgd_source(f)  # some update is fused in every one of these
    sgd = f._namespace["make_program"](7, *f.shapes.values())[1]
    _steps_equal_the_plain_update(f, sgd)


def test_fused_sgd_step_in_float32():
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", loss="mse", level="matrix"), dtype="float32")
    sgd = f.program(copy=False).program(_point(f, batch=7)[0] + _point(f, batch=7)[1])[1]
    _steps_equal_the_plain_update(f, sgd, "float32", rtol=1e-5)


def test_update_waits_for_the_last_read_of_its_parameter():
    # W2 is read by the backward pass (dL_dA1 = dL_dE @ W2.T): its update comes after that product
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", loss="mse", level="matrix"))
    lines = [s.strip() for s in _sgd_source(f).splitlines()]
    read = lines.index("numpy.matmul(dL_dE, W2.T, out=dL_dA1)")
    update = next(k for k, s in enumerate(lines) if s.startswith("gemm_into(W2,"))
    assert read < update
    # negative control: the update moved before that read changes the step, and the comparison catches it
    moved = lines[:read] + [lines[update]] + lines[read:update] + lines[update + 1:]
    wrong = _sgd_source(f).replace("\n".join("        " + s for s in lines[read:update + 1]),
                                   "\n".join("        " + s for s in moved[read:update + 1]))
    assert wrong != _sgd_source(f)
    namespace = dict(f._namespace)
    exec(f.source.replace(_sgd_source(f), wrong), namespace)
    with pytest.raises(AssertionError):
        _steps_equal_the_plain_update(f, namespace["make_program"](7, *f.shapes.values())[1])


def test_comparison_catches_a_wrong_fused_product():
    # negative control: W1's fused update with twice the learning rate is caught (by the next step's loss)
    f = compile_graph(symnet.mlp((4, 6, 3), activation="tanh", loss="mse", level="matrix"))
    source, k = re.subn(r"gemm_into\(W1, X\.T, (\w+), -learning_rate, 1\.0\)",
                        r"gemm_into(W1, X.T, \1, -2*learning_rate, 1.0)", f.source)
    assert k == 1
    namespace = dict(f._namespace)
    exec(source, namespace)
    with pytest.raises(AssertionError):
        _steps_equal_the_plain_update(f, namespace["make_program"](7, *f.shapes.values())[1])


def test_no_fusion_when_the_parameter_is_read_after_its_update():
    # V's gradient is 2 W, computed after the program: W's update cannot be fused (it would be read updated)
    n = sp.Symbol("n", integer=True, positive=True)
    X, W, V = sp.MatrixSymbol("X", n, 2), sp.MatrixSymbol("W", 2, 2), sp.MatrixSymbol("V", 2, 2)
    Z, G = sp.MatrixSymbol("Z", n, 2), sp.MatrixSymbol("G", 2, 2)
    kept = [(Z, X * W), (G, X.T * Z)]
    assert fused_schedule(kept, [G, 2 * V], ["W", "V"])[1] == {G: "W"}
    assert fused_schedule(kept, [G, 2 * W], ["W", "V"])[1] == {}
    assert fused_schedule(kept, [G, 2 * V], ["X", "V"])[1] == {}  # G reads X itself: never fused into X


def test_tall_and_thin_parameters_are_the_ones_numpy_updates():
    n = sp.Symbol("n", integer=True, positive=True)
    assert tall_and_thin(sp.MatrixSymbol("W2", 128, 10)) and tall_and_thin(sp.MatrixSymbol("W", 64, 16))
    assert not tall_and_thin(sp.MatrixSymbol("W1", 64, 128))   # the first layer: SciPy's fused update is faster
    assert not tall_and_thin(sp.MatrixSymbol("W", 128, 17))
    assert not tall_and_thin(sp.MatrixSymbol("W", 6, 3))       # small: one call beats three
    assert tall_and_thin(sp.MatrixSymbol("w", 128, 1))       # one output: SciPy's product is 4× slower here
    assert not tall_and_thin(sp.MatrixSymbol("b", 1, 10)) and not tall_and_thin(sp.MatrixSymbol("b", 1, 128))
    assert not tall_and_thin(sp.MatrixSymbol("W", n, 10))      # a size known only per batch


def _thin_network():
    # W2 is 64×3 (tall and thin): its gradient is NumPy's product into the program's buffer, updated after the
    # program; W1 (4×64) and the bias rows keep their fused updates
    return compile_graph(symnet.mlp((4, 64, 3), activation="tanh", loss="mse", level="matrix"))


def test_tall_and_thin_parameter_takes_numpys_product_then_the_update():
    f = _thin_network()
    lines = [s.strip() for s in _sgd_source(f).splitlines()]
    assert "numpy.matmul(A1.T, dL_dE, out=dL_dW2)" in lines
    assert not any(s.startswith("gemm_into(W2,") for s in lines)
    assert any(s.startswith("gemm_into(W1, X.T,") for s in lines)
    assert lines.index("numpy.subtract(W2, step_W2, out=W2)") > lines.index("numpy.matmul(dL_dE, W2.T, out=dL_dA1)")
    sgd = f._namespace["make_program"](7, *f.shapes.values())[1]
    _steps_equal_the_plain_update(f, sgd)


def test_one_output_network_with_a_tall_last_layer_steps_as_the_plain_gradient():
    # W2 is 64×1 (one output, sigmoid + cross-entropy): NumPy's product and the update after the program
    f = compile_graph(symnet.mlp((3, 64, 1), activation="sigmoid", loss="bce", level="matrix"))
    source = _sgd_source(f)
    assert "gemm_into(W2," not in source and "numpy.subtract(W2, step_W2, out=W2)" in source
    assert "gemm_into(W1," in source
    _steps_equal_the_plain_update(f, f._namespace["make_program"](7, *f.shapes.values())[1])


@pytest.mark.parametrize("wrong", ["rate", "early"])
def test_comparison_catches_a_wrong_thin_update(wrong):
    # negative controls: W2's update with twice the learning rate, or made before the backward pass reads W2
    f = _thin_network()
    sgd_source = _sgd_source(f)
    update = "        numpy.multiply(dL_dW2, learning_rate, out=step_W2)\n        numpy.subtract(W2, step_W2, out=W2)\n"
    assert update in sgd_source
    if wrong == "rate":
        bad = sgd_source.replace(update, update.replace("learning_rate,", "2*learning_rate,"))
    else:
        read = "        numpy.matmul(dL_dE, W2.T, out=dL_dA1)\n"
        bad = sgd_source.replace(update, "").replace(read, update + read)
    assert bad != sgd_source
    namespace = dict(f._namespace)
    exec(f.source.replace(sgd_source, bad), namespace)
    with pytest.raises(AssertionError):
        _steps_equal_the_plain_update(f, namespace["make_program"](7, *f.shapes.values())[1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_gemm_into_equals_numpy(dtype):
    rng = np.random.default_rng(0)
    for p, q, r in [(5, 3, 4), (1, 6, 3), (4, 1, 2), (1, 1, 1), (7, 5, 1)]:
        for order_a in "CF":
            for order_b in "CF":
                A = np.asarray(rng.normal(size=(p, q)), dtype, order=order_a)
                B = np.asarray(rng.normal(size=(q, r)), dtype, order=order_b)
                C = rng.normal(size=(p, r)).astype(dtype)
                expected = 0.5 * C - 0.3 * (A @ B)
                assert gemm_into(C, A, B, -0.3, 0.5) is C
                np.testing.assert_allclose(C, expected, rtol=1e-5 if dtype == np.float32 else 1e-13, atol=1e-6)
    # a Fortran-ordered or read-only C takes NumPy's path: same result, or NumPy's own error
    C = np.asfortranarray(rng.normal(size=(4, 3)))
    A, B = rng.normal(size=(4, 2)), rng.normal(size=(2, 3))
    expected = C + A @ B
    gemm_into(C, A, B, 1.0, 1.0)
    np.testing.assert_allclose(C, expected, rtol=1e-13)
    C[0, 0] = np.nan  # β = 0: C's old values are not read, on either path
    gemm_into(C, A, B, 2.0, 0.0)
    np.testing.assert_allclose(C, 2 * (A @ B), rtol=1e-13)
    D = np.full((4, 3), np.nan)
    gemm_into(D, A, B, 2.0, 0.0)
    np.testing.assert_allclose(D, 2 * (A @ B), rtol=1e-13)
    for P, Q in [(rng.normal(size=(1, 4)), rng.normal(size=(4, 3))),
                 (rng.normal(size=(5, 4)), rng.normal(size=(4, 1)))]:
        R = np.full((P.shape[0], Q.shape[1]), np.nan)  # the matrix-vector paths (one row, one column) as well
        gemm_into(R, P, Q, 2.0, 0.0)
        np.testing.assert_allclose(R, 2 * (P @ Q), rtol=1e-13)
    C.flags.writeable = False
    with pytest.raises(ValueError):
        gemm_into(C, A, B, 1.0, 1.0)


@pytest.mark.parametrize("case", ["XW+b", "XW-M", "XW+M-N", "-XW+M", "2XW+b-M", "M-XW.T"])
def test_product_plus_terms_written_by_one_blas_call(case):
    # the emitter's c A B + (operands) form: the operands into the buffer, then gemm_into adds the product;
    # against NumPy's value of the same expression, for each sign and coefficient
    from symnet.codegen.buffers import _Emitter
    from symnet.algebra.matrix import Broadcast
    from symnet.codegen.printing import MatrixPrinter
    n = sp.Symbol("n", integer=True, positive=True)
    X, W, V = sp.MatrixSymbol("X", n, 3), sp.MatrixSymbol("W", 3, 4), sp.MatrixSymbol("V", 4, 3)
    b, M, N = sp.MatrixSymbol("b", 1, 4), sp.MatrixSymbol("M", n, 4), sp.MatrixSymbol("N", n, 4)
    expr = {"XW+b": X * W + Broadcast(b, n), "XW-M": X * W - M, "XW+M-N": X * W + M - N, "-XW+M": -X * W + M,
            "2XW+b-M": 2 * X * W + Broadcast(b, n) - M, "M-XW.T": M - X * V.T}[case]
    emitter, lines = _Emitter(MatrixPrinter({"fully_qualified_modules": True})), []
    emitter.emit(expr, "out", lines)
    assert any(line.startswith("gemm_into(out,") for line in lines), lines
    rng = np.random.default_rng(1)
    values = {"X": rng.normal(size=(5, 3)), "W": rng.normal(size=(3, 4)), "V": rng.normal(size=(4, 3)),
              "b": rng.normal(size=(1, 4)), "M": rng.normal(size=(5, 4)), "N": rng.normal(size=(5, 4))}
    namespace = {"numpy": np, "gemm_into": gemm_into, "out": np.full((5, 4), np.nan), **values}
    exec("\n".join(lines), namespace)
    X, W, V, b, M, N = (values[k] for k in "XWVbMN")
    expected = {"XW+b": X @ W + b, "XW-M": X @ W - M, "XW+M-N": X @ W + M - N, "-XW+M": -X @ W + M,
                "2XW+b-M": 2 * X @ W + b - M, "M-XW.T": M - X @ V.T}[case]
    np.testing.assert_allclose(namespace["out"], expected, rtol=1e-13, atol=1e-13)


def _disjoint(arrays) -> bool:
    """Whether no two of the arrays share memory (the check the buffer block must pass)."""
    return not any(np.shares_memory(a, b) for k, a in enumerate(arrays) for b in arrays[k + 1:])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_buffer_block_gives_separate_aligned_c_ordered_buffers(dtype):
    from symnet.codegen.numeric import buffer_block
    new_buffer = buffer_block(dtype)
    shapes = [(256, 128), (1, 10), (3,), (0, 4), (129, 7), (2000, 1000), (2, 3)]
    buffers = [new_buffer(s) for s in shapes]
    # 2000×1000 (8 MB in float32) never fits in what is left of the first 6 MiB block, wherever its 2 MiB
    # boundary falls (1500×1000 in float32, 6 MB, did when the block happened to start near a boundary)
    assert buffers[5].base is not buffers[0].base
    for b, s in zip(buffers, shapes):
        assert b.shape == s and b.dtype == dtype and b.flags.c_contiguous and b.flags.writeable
        assert b.size == 0 or b.ctypes.data % 64 == 0
    assert _disjoint(buffers)
    for k, b in enumerate(buffers):  # each one holds what is written into it
        b[...] = k
    for k, b in enumerate(buffers):
        assert np.all(b == k)
    # negative control: two views of one block's memory are caught by the same check
    block = np.empty(100)
    assert not _disjoint([block[:60].reshape(6, 10), block[50:].reshape(5, 10)])


def test_buffered_program_buffers_come_from_one_block():
    f = compile_graph(symnet.mlp((4, 64, 3), activation="tanh", loss="mse", level="matrix"))
    assert "new_buffer = buffer_block(dtype)" in f.source and "numpy.empty(" not in f.source
    b = symnet.GraphBuilder("clash")  # the generated code's own name is reserved
    x, w = b.input("x"), b.parameter("new_buffer")
    with pytest.raises(symnet.SymnetError, match="'new_buffer' is reserved"):
        compile_graph(b.build(b.assign("L", (w * x) ** 2, role="loss")))
