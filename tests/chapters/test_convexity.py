"""The Convexity chapter (chapters/convexity.md): its claims, its numbers and its figures.

Every number the text and the exercises quote is recomputed here independently with NumPy (the
Jensen samples with the shim's seeded generator, as the chapter draws them) and looked up in the
chapter's text; what each framework printed must agree with the recomputation. The figures must
be the same in every framework: to the letter as SVG in the book's executed notebooks, and within
1e-12 in the numbers behind them, computed per framework by running the chapter's code.
"""

import math

import numpy as np
import pytest

from d2l_shim import rng

from bookbuild.frameworks import FRAMEWORKS

from .chapter_runner import assert_figures_agree, figure_data, run_code, run_sections
from .chapter_tools import ChapterUnderTest, assert_same_outputs_in_every_framework, printed

CHAPTER = ChapterUnderTest("convexity.md")
quoted = CHAPTER.quoted

P = np.array([2.0, 1.0])
ALPHA = math.sqrt(5) - 1
FUNCTIONS = {"0.5 x^2": lambda x: 0.5 * x ** 2, "cos(pi x)": lambda x: np.cos(np.pi * x),
             "exp(0.5 x)": lambda x: np.exp(0.5 * x)}


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


@pytest.fixture(scope="module")
def figures():
    """{framework: figure data of each code cell}, from running the chapter's code."""
    return figure_data(CHAPTER)


def in_disk(points, center, radius):
    return ((points - np.array(center)) ** 2).sum(axis=1) <= radius ** 2


# Convex sets and functions


def test_segments_in_the_three_sets(notebooks):
    sets = {"disk": lambda q: in_disk(q, (0, 0), 1),
            "disk with a bite": lambda q: in_disk(q, (0, 0), 1) & ~in_disk(q, (0.6, 0), 0.8),
            "intersection": lambda q: in_disk(q, (-0.4, 0), 1) & in_disk(q, (0.4, 0), 1)}
    segments = {"disk": ((-0.5, 0.6), (0.7, -0.4)), "disk with a bite": ((0.1, 0.9), (0.1, -0.9)),
                "intersection": ((-0.3, -0.5), (0.2, 0.7))}
    lam = (np.arange(101) / 100)[:, None]
    outside = {}
    for name, member in sets.items():
        a, b = map(np.array, segments[name])
        assert member(np.array([a, b])).all(), f"the end points of the {name} segment are in the set"
        outside[name] = 1 - member(lam * a + (1 - lam) * b).mean()
    assert outside["disk"] == 0 and outside["intersection"] == 0
    assert round(100 * outside["disk with a bite"]) == 68
    quoted("68% of the points on the segment in the bitten disk lie in the bite")
    expected = "".join(f"{name}: {share:.0%} of the points on the segment lie outside the set\n"
                       for name, share in outside.items())
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def in_disk(") == expected, fw


def test_only_the_cosine_rises_above_its_chord(notebooks):
    a, b = -1.5, 1.0
    lam = np.arange(101) / 100
    excess = {name: (f(lam * a + (1 - lam) * b) - (lam * f(a) + (1 - lam) * f(b))).max()
              for name, f in FUNCTIONS.items()}
    assert excess["0.5 x^2"] == 0 and excess["exp(0.5 x)"] == 0
    assert round(excess["cos(pi x)"], 3) == 1.608
    quoted("The cosine rises up to 1.608")
    quoted("the largest excess is exactly 0")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "functions = {") == "".join(
            f"{name}: rises at most {value:.3f} above the chord\n" for name, value in excess.items()), fw


def test_jensens_inequality_on_the_samples(notebooks):
    rng.seed(0)
    samples = rng.normal(0, 1, (10000,)).astype(np.float64)
    values = {"exp(x)": (np.exp(samples).mean(), np.exp(samples.mean())),
              "x^2": ((samples ** 2).mean(), samples.mean() ** 2)}
    assert all(left >= right for left, right in values.values())
    assert [round(v, 4) for v in values["exp(x)"]] == [1.6428, 1.0063]
    assert [round(v, 4) for v in values["x^2"]] == [0.9962, 0.0]
    assert values["x^2"][0] - values["x^2"][1] == pytest.approx(samples.var())
    assert round(math.exp(0.5), 4) == 1.6487
    quoted("the mean of $e^X$ is $1.6428$ (the exact expectation is $e^{1/2} \\approx 1.6487$)")
    quoted("is only $1.0063$")
    quoted("here they are $0.9962$ against $0.0000$")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "samples = tensor(") == "".join(
            f"{name}: mean of f(X) = {left:.4f}, f(mean of X) = {right:.4f}\n"
            for name, (left, right) in values.items()), fw


# Properties


def test_every_run_on_the_convex_function_ends_at_the_same_minimum(notebooks):
    x = np.array([-3.0, -1.0, 0.0, 2.0, 3.0])
    for _ in range(50):
        x = x - 1.0 * (0.5 * np.exp(0.5 * x) - 1)
    assert np.allclose(x, 2 * math.log(2), atol=1e-9)
    assert round(2 * math.log(2), 4) == 1.3863 and round(2 - 2 * math.log(2), 4) == 0.6137
    quoted("All five runs end at $x = 1.3863$, the minimizer $2 \\ln 2$")
    quoted("$2 - 2 \\ln 2 \\approx 0.6137$")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "x = tensor([-3.0, -1.0, 0.0, 2.0, 3.0])") == (
            "end points: ['1.3863', '1.3863', '1.3863', '1.3863', '1.3863']\n"
            "values: 0.6137 to 0.6137\n"), fw


def runs(x, below):
    """(first, last) x of each run of consecutive True in ``below``."""
    edges = np.flatnonzero(np.diff(np.r_[0, below.astype(int), 0]))
    return [(x[start], x[stop - 1]) for start, stop in edges.reshape(-1, 2)]


def test_sublevel_sets(notebooks):
    x = np.arange(-100, 201) / 100
    nonconvex = runs(x, x * np.cos(np.pi * x) <= -0.1)
    convex = runs(x, 0.5 * x ** 2 <= 0.5)
    assert [tuple(round(v, 2) for v in run) for run in nonconvex] == [(-0.42, -0.11), (0.56, 1.47)]
    assert convex == [(-1.0, 1.0)]
    quoted("falls apart into two intervals, about $[-0.42, -0.11]$ and $[0.56, 1.47]$")
    quoted("is the single interval $[-1, 1]$")
    # sqrt|x| is quasiconvex (its sublevel sets are intervals) but not convex
    y = np.linspace(-4, 4, 801)
    assert len(runs(y, np.sqrt(np.abs(y)) <= 1.3)) == 1
    assert np.sqrt(abs(0.5 * 0 + 0.5 * 4)) > 0.5 * np.sqrt(0) + 0.5 * np.sqrt(4), "above a chord"
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def intervals(") == (
            "x cos(pi x) <= -0.1: [-0.42, -0.11], [0.56, 1.47]\n0.5 x^2 <= 0.5: [-1.00, 1.00]\n"), fw


def test_the_second_derivative_test(notebooks):
    x = np.arange(-200, 201) / 100
    second = {"0.5 x^2": np.ones_like(x), "cos(pi x)": -np.pi ** 2 * np.cos(np.pi * x),
              "exp(0.5 x)": np.exp(0.5 * x) / 4}
    smallest = {name: values.min() for name, values in second.items()}
    assert [f"{v:.3f}" for v in smallest.values()] == ["1.000", "-9.870", "0.092"]
    quoted("$f''(x) = e^{x/2}/4 \\ge 0.092$ on this interval")
    quoted("reaches $-\\pi^2 \\approx -9.870$")
    quoted("The parabola has $f'' = 1$ everywhere")
    # x^4 is convex with f''(0) = 0: on a grid, every chord lies above it
    a, b = np.meshgrid(x, x)
    assert np.all(0.5 * a ** 4 + 0.5 * b ** 4 >= ((a + b) / 2) ** 4 - 1e-12)
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def second_derivative(") == "".join(
            f"{name}: smallest f'' = {value:.3f}\n" for name, value in smallest.items()), fw


# Constraints


def test_the_lagrangian_and_its_multiplier(notebooks):
    x_star = P / np.linalg.norm(P)
    assert np.allclose(2 * (x_star - P) + 2 * ALPHA * x_star, 0)
    assert np.linalg.norm(x_star) == pytest.approx(1)
    angles = np.linspace(0, 2 * np.pi, 100001)
    circle = np.c_[np.cos(angles), np.sin(angles)]
    assert ((circle - P) ** 2).sum(axis=1).min() >= ((x_star - P) ** 2).sum() - 1e-12
    assert [round(v, 3) for v in x_star] == [0.894, 0.447] and round(ALPHA, 3) == 1.236
    quoted("$\\mathbf{p} / \\|\\mathbf{p}\\| = (2, 1) / \\sqrt{5} \\approx (0.894, 0.447)$")
    quoted("$\\alpha = \\sqrt{5} - 1 \\approx\n1.236$")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "lagrangian = lambda") == (
            "x* = [0.894, 0.447]\ngradient of L at x*: [0.0, 0.0]\n"), fw


def test_penalties(notebooks):
    weights = [0.0, 0.5, ALPHA, 2.0, 3.0]
    solutions = [P / (1 + w) for w in weights]
    for w, solution in zip(weights, solutions):
        x = np.zeros(2)
        for _ in range(100):
            x = x - 0.1 * (2 * (x - P) + 2 * w * x)
        assert np.allclose(x, solution, atol=1e-6)
    norms = [np.linalg.norm(s) for s in solutions]
    assert [round(n, 3) for n in norms] == [2.236, 1.491, 1.0, 0.745, 0.559]
    assert np.allclose(solutions[2], P / np.linalg.norm(P))
    quoted("with norm $\\sqrt{5} \\approx 2.236$")
    quoted("($\\lambda = 0.5$ gives the norm $1.491$)")
    quoted("($\\lambda = 3$ gives $0.559$)")
    quoted("$\\lambda = \\alpha \\approx 1.236$, the penalized solution is the constrained\nsolution $(0.894, 0.447)$")
    for fw, notebook in notebooks.items():
        lines = printed(notebook, "weights = [").splitlines()
        assert [float(line.rsplit("norm ", 1)[1]) for line in lines] == [round(n, 3) for n in norms], fw


def test_projected_gradient_descent(notebooks):
    x, path = np.array([-0.5, -0.8]), []
    for _ in range(40):
        x = x - 0.1 * 2 * (x - P)
        x = x * min(1.0, 1 / np.linalg.norm(x))
        path.append(x)
    assert np.allclose(x, P / np.linalg.norm(P), atol=1e-7)
    norms = [np.linalg.norm(q) for q in path]
    assert max(norms[:3]) < 1, "the first steps stay inside the disk"
    assert all(n == pytest.approx(1) for n in norms[3:]), "then the iterates stay on the circle"
    angles = [math.atan2(q[1], q[0]) for q in path[3:]]
    assert angles == sorted(angles), "and slide along it towards the solution"
    for fw, notebook in notebooks.items():
        assert printed(notebook, "def project(") == "end point: [0.894, 0.447]\n", fw


# Exercises


def test_answer_gradient_descent_on_the_convex_function():
    x = np.linspace(-3, 3, 60001)
    step = x - (0.5 * np.exp(0.5 * x) - 1)
    slope = 1 - np.exp(0.5 * x) / 4
    assert (round(slope.min(), 3), round(slope.max(), 3)) == (-0.120, 0.944)
    assert np.abs(slope).max() <= 0.9443
    assert round(step.min(), 3) == -2.112 and step.argmin() == 0
    assert step.max() == pytest.approx(2 * math.log(4) - 1, abs=1e-8) and round(step.max(), 3) == 1.773
    assert -3 < step.min() and step.max() < 3, "T maps [-3, 3] into itself"
    assert round(math.exp(1.5) / 4, 2) == 1.12
    quoted("between\n$1 - e^{1.5} / 4 \\approx -0.120$ and $1 - e^{-1.5} / 4 \\approx 0.944$")
    quoted("$T(-3) \\approx -2.112$ and $T(2 \\ln 4) = 2 \\ln 4 - 1\n\\approx 1.773$")


def test_answer_min_of_convex_functions_and_l1_projection():
    f, g = (lambda x: (x - 1) ** 2), (lambda x: (x + 1) ** 2)
    h = lambda x: min(f(x), g(x))  # noqa: E731
    assert (h(-1), h(1), h(0)) == (0, 0, 1) and h(0) > 0.5 * h(-1) + 0.5 * h(1)
    quoted("has two minima, at $\\pm 1$, and the value 1 at 0, above the chord\n   value 0")
    w, theta = np.array([2.0, 1.0]), 1.0
    projection = np.sign(w) * np.maximum(0, np.abs(w) - theta)
    assert np.abs(projection).sum() == 1 and projection.tolist() == [1.0, 0.0]
    # it is the closest point of the l1 ball, on a fine grid of the ball's boundary
    t = np.linspace(0, 1, 10001)
    boundary = np.concatenate([np.c_[t, 1 - t], np.c_[-t, 1 - t], np.c_[t, t - 1], np.c_[-t, t - 1]])
    assert np.linalg.norm(boundary - w, axis=1).min() == pytest.approx(np.linalg.norm(projection - w))
    quoted("the threshold is $\\theta = 1$ and the\n   projection is $(1, 0)$")


def test_exercises_have_collapsed_answers():
    CHAPTER.assert_exercises_have_collapsed_answers(7)


# Figures


def test_every_framework_shows_the_same_outputs(notebooks):
    assert_same_outputs_in_every_framework(notebooks, figures=5)


def test_the_numbers_behind_each_figure_agree_across_frameworks(figures):
    assert_figures_agree(figures, drawn=5, atol=1e-12)


def test_the_figures_show_what_the_text_says(figures):
    sets, functions, sublevel, penalties, projection = (
        cell[0] for cell in figures["pytorch"] if cell)
    assert len(sets) == 3 and len(functions) == 3
    for axes, f in zip(functions, FUNCTIONS.values()):
        curve, chord = (np.array(data) for kind, data in axes if kind == "line")
        assert np.allclose(curve[:, 1], f(curve[:, 0]))
        assert np.allclose(chord, [[-1.5, f(-1.5)], [1.0, f(1.0)]])
    [axes] = sublevel
    bars = [np.array(data) for kind, data in axes if kind == "line"][2:]
    assert [tuple(np.round(bar[:, 0], 2)) for bar in bars] == [(-0.42, -0.11), (0.56, 1.47)]
    [axes] = penalties
    norms = np.array(axes[0][1])
    assert np.allclose(norms[:, 1], np.linalg.norm(P) / (1 + norms[:, 0]), atol=1e-6)
    [axes] = projection
    path = [np.array(data) for kind, data in axes if kind == "line"][1]
    assert np.allclose(path[0], [-0.5, -0.8]) and np.allclose(path[-1], P / np.linalg.norm(P), atol=1e-7)


def test_tensorflow_squares_by_a_power_function():
    """Why the chapter squares with `square`: TensorFlow's ``x ** 2`` may differ from ``x * x``."""

    probe = ("import numpy as np, tensorflow as tf\n"
             "c = [k / 20 for k in range(-30, 51)]\n"
             "d = tf.constant([[a - 2.0, b - 1.0] for b in c for a in c], dtype=tf.float64)\n")
    counts = {"power": "int(np.sum((d ** 2).numpy() != (d * d).numpy()))",
              "product": "int(np.sum((d * d).numpy() != np.square(d.numpy())))"}
    done = run_code({"tensorflow": ([probe], counts)}, "a TensorFlow probe")["tensorflow"]["values"]
    power_differs, product_differs = done["power"], done["product"]
    assert power_differs > 0 and product_differs == 0
    quoted("TensorFlow's `x ** 2` goes through a\ngeneral power function and may differ in the last bit")


def test_jax_can_differentiate_its_own_derivatives():
    """The text's aside: JAX, unlike MXNet, takes second derivatives by applying `jax.grad` twice."""

    probe = ("import math, jax, jax.numpy as jnp\n"
             "jax.config.update('jax_enable_x64', True)\n"
             "second = jax.grad(jax.grad(lambda x: jnp.cos(math.pi * x)))\n")
    done = run_code({"jax": ([probe], {"at_0": "second(0.0)", "at_1": "second(1.0)"})},
                    "a JAX probe")["jax"]["values"]
    assert done["at_0"] == pytest.approx(-math.pi ** 2, rel=1e-12)
    assert done["at_1"] == pytest.approx(math.pi ** 2, rel=1e-12)
    quoted("while JAX's `jax.grad` can be applied twice")


def test_every_framework_computes_in_64_bit_floats_jax_once_told():
    """Each framework's first cell makes 64-bit tensors and gradients; JAX needs its 64-bit mode for it."""
    done = run_sections(CHAPTER, (), {"tensor": "str(tensor([1.0]).dtype)",
                                      "grad": "str(grad(lambda x: x * x, tensor([1.0])).dtype)",
                                      "grad_value": "float(grad(lambda x: x * x, tensor([0.1]))[0])"})
    assert sorted(done) == sorted(FRAMEWORKS.names)
    for fw, values in done.items():
        assert "float64" in values["tensor"] and "float64" in values["grad"], (fw, values)
        assert values["grad_value"] == 0.2, fw  # 2 * 0.1 in float64; in float32 it would differ
    probe = "import jax.numpy as jnp\n"
    default = run_code({"jax": ([probe], {"dtype": "str(jnp.asarray([1.0], dtype=jnp.float64).dtype)"})},
                       "a JAX probe")["jax"]["values"]
    assert default["dtype"] == "float32"
    quoted("in 64-bit floats (for JAX, its first cell switches on the\n64-bit mode)")
    quoted("(`jax.grad` in JAX)")
