"""The Optimization and Deep Learning chapter (chapters/optimization_intro.md).

Every number the text and the exercises quote is recomputed here independently (NumPy, SciPy-free
root finding by bisection, the shim's generator for the random matrices) and looked up in the
chapter's text; what each framework printed must agree with the recomputation. The figures must be
the same in every framework: to the letter as SVG in the book's executed notebooks, and within
1e-12 in the numbers behind them (lines, wires of the 3-D surface), computed per framework by
running the chapter's code.
"""

import math
import re

import numpy as np
import pytest
import yaml

from bookbuild.frameworks import FRAMEWORKS
from d2l_shim import rng

from .chapter_runner import assert_figures_agree, figure_data, run_code, run_sections
from .chapter_tools import ROOT, ChapterUnderTest, assert_same_outputs_in_every_framework, printed

CHAPTER = ChapterUnderTest("optimization_intro.md")
quoted = CHAPTER.quoted


def risk(x):
    return x * np.cos(np.pi * x)


def risk_grad(x):
    return np.cos(np.pi * x) - np.pi * x * np.sin(np.pi * x)


def empirical(x, amplitude=0.2):
    return risk(x) + amplitude * np.cos(5 * np.pi * x)


def bisect(f, lo, hi, steps=200):
    """A root of f in [lo, hi], where f changes sign."""
    assert f(lo) * f(hi) < 0
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(lo) * f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


@pytest.fixture(scope="module")
def figures():
    """{framework: figure data of each code cell}, from running the chapter's code."""
    return figure_data(CHAPTER)


# The part of the book


def test_the_part_opens_with_this_chapter_and_every_reference_resolves():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    [part] = [part for part in toc["parts"] if part.get("numbered")]
    files = [entry["file"] for entry in part["chapters"]]
    assert files[:3] == ["chapters/optimization_intro", "chapters/convexity", "chapters/gd"]
    sources = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "chapters").glob("*.md")}
    labels = {label for text in sources.values() for label in re.findall(r"^\((\w+)\)=$", text, re.M)}
    assert {"sec_optimization_intro", "sec_convexity"} <= labels
    for name, text in sources.items():
        for target in re.findall(r"\{numref\}`(\w+)`", text):
            assert target in labels, f"{name} refers to {target}, which no chapter defines"
    gd = sources["gd.md"]
    assert "{numref}`sec_optimization_intro`" in gd and "{numref}`sec_convexity`" in gd


# The goal of optimization


def test_the_minima_of_risk_and_empirical_risk(notebooks):
    x = np.arange(50, 151) / 100
    i_emp, i_risk = empirical(x).argmin(), risk(x).argmin()
    assert (x[i_emp], x[i_risk]) == (1.02, 1.09)
    assert (round(empirical(x)[i_emp], 3), round(risk(x)[i_emp], 3), round(risk(x)[i_risk], 3)) == (
        -1.208, -1.018, -1.047)
    assert empirical(x).min() < risk(x).min(), "the training loss is optimistic"
    quoted("The empirical risk reaches its minimum, $-1.208$, at $x = 1.02$")
    quoted("where the risk is $-1.018$")
    quoted("smallest at $x = 1.09$, where it is $-1.047$")
    expected = ("minimum of the empirical risk: g(1.02) = -1.208\nrisk there: f(1.02) = -1.018\n"
                "minimum of the risk: f(1.09) = -1.047\n")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def g(x)") == expected, fw


# Local minima


def test_gradient_descent_finds_the_local_and_the_global_minimum(notebooks):
    local = bisect(risk_grad, -0.5, -0.1)
    best = bisect(risk_grad, 0.9, 1.3)
    grid = np.arange(-100, 201) / 100
    assert risk(best) <= risk(grid).min() and risk(best) < risk(local)
    x = np.array([-0.6, 0.6])
    for _ in range(50):
        x = x - 0.05 * risk_grad(x)
    assert np.allclose(x, [local, best], atol=1e-8)
    assert np.all(np.abs(risk_grad(x)) < 1e-8)
    assert (round(local, 3), round(risk(local), 3)) == (-0.274, -0.179)
    assert (round(best, 3), round(risk(best), 3)) == (1.090, -1.047)
    quoted("settles in the local minimum at $x \\approx -0.274$, where $f = -0.179$")
    quoted("finds the global minimum at $x \\approx 1.090$, where $f = -1.047$")
    quoted("smaller than $10^{-8}$ in magnitude")
    for fw, notebook in notebooks.items():
        lines = printed(notebook, "x = x - 0.05 * grad(f, x)").splitlines()
        assert [line.split(", derivative")[0] for line in lines] == [
            "x = -0.274, f(x) = -0.179", "x = 1.090, f(x) = -1.047"], fw
        assert all(abs(float(line.split("derivative ")[1])) < 1e-8 for line in lines), fw


# Saddle points


def test_the_cube_and_the_saddle(notebooks):
    cube = np.polynomial.Polynomial([0, 0, 0, 1])
    assert cube.deriv(1)(0) == 0 and cube.deriv(2)(0) == 0 and cube(-0.1) < 0 < cube(0.1)
    hessian = np.array([[2.0, 0.0], [0.0, -2.0]])  # of x^2 - y^2, checked by differences below
    h = 1e-3
    saddle = lambda x, y: x ** 2 - y ** 2  # noqa: E731
    assert saddle(h, 0) + saddle(-h, 0) - 2 * saddle(0, 0) == pytest.approx(hessian[0, 0] * h ** 2)
    assert saddle(0, h) + saddle(0, -h) - 2 * saddle(0, 0) == pytest.approx(hessian[1, 1] * h ** 2)
    assert sorted(np.linalg.eigvalsh(hessian)) == [-2, 2]
    quoted("the diagonal matrix with entries $2$ and $-2$")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def cube(x)") == "derivative at 0: 0.0\n", fw
        grads = printed(notebook, "def saddle(points)").splitlines()[1:]
        values = [[float(v) for v in re.findall(r"-?\d+\.", line)] for line in grads]
        assert values == [[0, 0], [2, 0], [0, -2]], fw


def positive_definite_counts():
    """How many of 10,000 random symmetric k x k matrices are positive definite, k = 1..6.

    The matrices are those of the chapter: the shim's generator seeded with 0, one draw per k,
    and the symmetric matrix with the drawn lower triangle.
    """
    rng.seed(0)
    counts = []
    for k in range(1, 7):
        draws = rng.normal(0, 1, (10000, k, k)).astype(np.float64)
        symmetric = np.tril(draws) + np.swapaxes(np.tril(draws, -1), 1, 2)
        counts.append(int((np.linalg.eigvalsh(symmetric) > 0).all(axis=1).sum()))
    return counts


def test_minima_become_rare_as_the_dimension_grows(notebooks):
    counts = positive_definite_counts()
    assert counts == sorted(counts, reverse=True)
    assert 4500 < counts[0] < 5500, "about half"
    assert 10000 / 9 < counts[1] < 10000 / 7, "about one in eight"
    assert counts[3] < 10, "fewer than one in a thousand"
    assert counts[5] == 0, "not one of the 10,000"
    quoted("For $k = 2$ it is about one in eight, for $k = 4$ fewer than one in a thousand, and for "
           "$k = 6$ not one of the 10,000.")
    expected = "".join(f"k = {k}: {n:5d} of 10000 have only positive eigenvalues\n"
                       for k, n in enumerate(counts, 1))
    for fw, notebook in notebooks.items():
        assert printed(notebook, "eigvalsh(tensor(") == expected, fw


# Vanishing gradients


def test_the_derivative_of_tanh_vanishes(notebooks):
    slope = 1 - np.tanh(4.0) ** 2
    assert round(slope, 4) == 0.0013
    x = np.arange(-200, 501) / 100
    derivative = 1 - np.tanh(x) ** 2
    assert x[derivative.argmax()] == 0 and derivative.max() == 1
    quoted("$f'(4) = 1 - \\tanh^2(4) \\approx 0.0013$")
    quoted("The derivative peaks at 1 for $x = 0$")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "grad(tanh, tensor([4.0]))") == "derivative at x = 4: 0.0013\n", fw


# Exercises


def test_answer_escaping_the_saddle():
    eta = 0.1
    x, y = 1.0, 0.0
    for _ in range(100):
        x, y = x - eta * 2 * x, y + eta * 2 * y
    assert y == 0 and abs(x) < 1e-9, "from (1, 0) the iterates run into the saddle point"
    x, y, steps = 1.0, 1e-6, 0
    while abs(y) <= 1:
        x, y, steps = x - eta * 2 * x, y + eta * 2 * y, steps + 1
    assert steps == 76
    assert round(math.log(1e6) / math.log(1.2), 1) == 75.8
    quoted("$t > \\ln(10^6) / \\ln(1.2) \\approx 75.8$, that is, after 76 steps")
    quoted("factor $0.8$ per step")
    quoted("factor $1.2$ per step")


def test_answer_sigmoid_layers():
    x = np.linspace(-10, 10, 20001)
    sigmoid = 1 / (1 + np.exp(-x))
    assert (sigmoid * (1 - sigmoid)).max() == pytest.approx(0.25)
    assert f"{0.25 ** 10:.1e}" == "9.5e-07"
    assert round(1 - np.tanh(2.0) ** 2, 3) == 0.071
    quoted("$0.25^{10} \\approx 9.5 \\cdot 10^{-7}$")
    quoted("at $x = 2$ the factor is already about $0.071$")


def test_answer_a_smaller_wiggle():
    x = np.arange(50, 151) / 100
    i = empirical(x, 0.05).argmin()
    best = risk(x).min()
    assert (x[i], round(risk(x)[i], 3)) == (1.05, -1.037)
    assert round(risk(x)[i] - best, 3) == 0.010
    assert round(risk(x)[empirical(x).argmin()] - best, 3) == 0.029
    quoted("$x = 1.05$, where the risk is $-1.037$, only $0.010$ above its minimum $-1.047$")
    quoted("the gap was $0.029$")


def test_exercises_have_collapsed_answers():
    CHAPTER.assert_exercises_have_collapsed_answers(5)


# Figures


def test_every_framework_shows_the_same_outputs(notebooks):
    assert_same_outputs_in_every_framework(notebooks, figures=5)


def test_the_numbers_behind_each_figure_agree_across_frameworks(figures):
    assert_figures_agree(figures, drawn=5, atol=1e-12)


def test_the_figures_show_what_the_text_says(figures):
    # Each of these cells draws one figure with one axes.
    risk_axes, minima_axes, cube_axes, surface, tanh_axes = (
        axes for cell in figures["pytorch"] for [axes] in cell)
    lines = [np.array(data) for kind, data in risk_axes if kind == "line"]
    x = np.arange(50, 151) / 100
    assert np.allclose(lines[0], np.c_[x, risk(x)]) and np.allclose(lines[1], np.c_[x, empirical(x)])
    [curve] = [np.array(data) for kind, data in minima_axes if kind == "line"]
    assert curve[0, 0] == -1 and curve[-1, 0] == 2 and np.allclose(curve[:, 1], risk(curve[:, 0]))
    [wires] = [data for kind, data in surface if kind == "wires"]
    points = np.concatenate([np.array(w) for w in wires])
    assert np.allclose(points[:, 2], points[:, 0] ** 2 - points[:, 1] ** 2)
    tanh_curve, slope = (np.array(data) for kind, data in tanh_axes if kind == "line")
    assert np.allclose(tanh_curve[:, 1], np.tanh(tanh_curve[:, 0]))
    assert np.allclose(slope[:, 1], 1 - np.tanh(slope[:, 0]) ** 2, atol=1e-12)


#: Computes ``out``: cos(pi x) and tanh(x) on the grid of the figures, in single and double
#: precision, in the framework named by ``fw``.
PRECISION_PROBE = """
import math
import numpy as np
values = [k / 100 for k in range(-200, 501)]
if fw == 'mxnet':
    from d2l_shim import mxnet as d2l
    from mxnet import np as xp
    make, cos, tanh = (lambda v, t: xp.array(v, dtype=t)), xp.cos, xp.tanh
elif fw == 'pytorch':
    import torch
    from d2l_shim import torch as d2l
    make, cos, tanh = (lambda v, t: torch.tensor(v, dtype=getattr(torch, t))), torch.cos, torch.tanh
elif fw == 'tensorflow':
    import tensorflow as tf
    from d2l_shim import tensorflow as d2l
    make, cos, tanh = (lambda v, t: tf.constant(v, dtype=t)), tf.cos, tf.tanh
else:
    import jax
    import jax.numpy as jnp
    from d2l_shim import jax as d2l
    jax.config.update('jax_enable_x64', True)  # as the chapter does; float32 stays available
    make, cos, tanh = (lambda v, t: jnp.asarray(v, dtype=t)), jnp.cos, jnp.tanh
out = {}
for dtype in ('float32', 'float64'):
    x = make(values, dtype)
    out[dtype] = [d2l.numpy(cos(math.pi * x)).astype(float).tolist(), d2l.numpy(tanh(x)).astype(float).tolist()]
"""


def test_single_precision_would_not_draw_the_same_figures():
    """The reason the chapter computes in float64: in float32 the frameworks' cos and tanh differ."""

    assert set(FRAMEWORKS.names) == {"mxnet", "pytorch", "tensorflow", "jax"}, "extend the probe"
    requests = {fw: ([f"fw = {fw!r}", PRECISION_PROBE], {"out": "out"}) for fw in FRAMEWORKS.names}
    results = {fw: result["values"]["out"] for fw, result in run_code(requests, "a precision probe").items()}
    single = [np.array(results[fw]["float32"]) for fw in FRAMEWORKS.names]
    double = [np.array(results[fw]["float64"]) for fw in FRAMEWORKS.names]
    assert any(not np.array_equal(single[0], other) for other in single[1:])
    assert max(np.abs(single[0] - other).max() for other in single[1:]) < 1e-6
    assert max(np.abs(double[0] - other).max() for other in double[1:]) < 1e-15
    assert len(double) == 4
    quoted("in double precision the four frameworks\nagree to the last digit that a figure can show")
    quoted("in single precision their `cos` and `tanh` differ in the last bits")


def test_every_framework_computes_in_64_bit_floats_jax_once_told():
    """Each framework's first cell makes 64-bit tensors and gradients; JAX needs its 64-bit mode for it."""
    done = run_sections(CHAPTER, (), {"tensor": "str(tensor([1.0]).dtype)",
                                      "grad": "str(grad(tanh, tensor([0.5])).dtype)",
                                      "slope": "float(grad(tanh, tensor([0.5]))[0])"})
    assert sorted(done) == sorted(FRAMEWORKS.names)
    for fw, values in done.items():
        assert "float64" in values["tensor"] and "float64" in values["grad"], (fw, values)
        assert values["slope"] == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15), fw
    probe = "import jax.numpy as jnp\n"
    default = run_code({"jax": ([probe], {"dtype": "str(jnp.asarray([1.0], dtype=jnp.float64).dtype)"})},
                       "a JAX probe")["jax"]["values"]
    assert default["dtype"] == "float32"
    quoted("JAX computes in 32-bit\nfloats unless its 64-bit mode is switched on, so its first cell does that, and its `grad` is\n"
           "`jax.grad` applied to the summed function.")


#: Counts, in JAX, how many of 1000 random 3 x 3 matrices get other eigenvalues from
#: ``jnp.linalg.eigvalsh`` than the symmetric matrices with their lower triangles, by default and
#: with ``symmetrize_input=False``.
JAX_EIGVALSH_PROBE = """
import jax
import jax.numpy as jnp
import numpy as np
jax.config.update('jax_enable_x64', True)
draws = np.random.default_rng(1).normal(size=(1000, 3, 3))
lower = np.linalg.eigvalsh(np.tril(draws) + np.swapaxes(np.tril(draws, -1), 1, 2))
def differ(**options):
    return int((np.abs(np.asarray(jnp.linalg.eigvalsh(jnp.asarray(draws), **options)) - lower) > 1e-9).any(axis=1).sum())
"""


def test_jax_reads_only_the_lower_triangle_when_told():
    """Why the chapter's JAX cell passes ``symmetrize_input=False`` to ``eigvalsh``."""
    done = run_code({"jax": ([JAX_EIGVALSH_PROBE], {"default": "differ()", "lower": "differ(symmetrize_input=False)"})},
                    "a JAX probe")["jax"]["values"]
    assert done["default"] > 990 and done["lower"] == 0
    [cell] = [cell for cell in CHAPTER.code_cells("jax") if "def eigvalsh" in cell.source]
    assert "symmetrize_input=False" in cell.source
    quoted("JAX's would first average the matrix with its transpose, a different symmetric matrix, "
           "unless told not to with `symmetrize_input=False`.")
