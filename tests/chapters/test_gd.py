"""The Gradient Descent chapter (chapters/gd.md): its numbers, its outputs and its figures.

Every number the chapter quotes is recomputed here, independently of the chapter's code, and
looked up in the chapter's text. The learning rates come from the chapter's code, so text, code
and tests cannot drift apart. The chapter itself is executed per framework by the book's
pipeline (read from the execution cache when ``make html`` ran before): what it prints must
match the recomputed numbers, and every output, figures included, must be the same in every
framework.
"""

import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags

from .chapter_tools import (ChapterUnderTest, assert_same_outputs_in_every_framework, latex_sci,
                            printed)

CHAPTER = ChapterUnderTest("gd.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted

X0 = 10.0           # where the one-dimensional experiments start
START = (-5.0, -2.0)  # where the two-dimensional ones start
C_NONCONVEX = 0.15 * math.pi
C_COSH = 0.5


def gd_learning_rates():
    """The learning rates of the chapter's one-dimensional `gd` runs, in order."""
    return [float(eta) for eta in re.findall(r"\bgd\(([\d.]+), f_grad\)", TEXT)]


def gd_1d(grad, eta, x0=X0, steps=10):
    """Gradient descent iterates x_0, ..., x_steps on a function with derivative ``grad``."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - eta * grad(xs[-1]))
    return xs


def newton_1d(grad, hess, eta=1.0, x0=X0, steps=10):
    """Newton iterates x_0, ..., x_steps, each step scaled by ``eta``."""
    xs = [x0]
    for _ in range(steps):
        xs.append(xs[-1] - eta * grad(xs[-1]) / hess(xs[-1]))
    return xs


def bisect_root(g, low, high):
    """A zero of ``g`` in [low, high], where ``g`` changes sign, to machine precision."""
    assert g(low) * g(high) < 0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if g(low) * g(mid) > 0 else (low, mid)
    return (low + high) / 2


def nonconvex(x):
    return x * math.cos(C_NONCONVEX * x)


def nonconvex_grad(x):
    c = C_NONCONVEX
    return math.cos(c * x) - c * x * math.sin(c * x)


def nonconvex_hess(x):
    c = C_NONCONVEX
    return -2 * c * math.sin(c * x) - c ** 2 * x * math.cos(c * x)


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


# One-dimensional gradient descent on f(x) = x^2


def test_the_chapter_uses_the_learning_rates_it_discusses():
    assert gd_learning_rates() == [0.2, 0.05, 1.1, 2]


def test_iterates_on_x_squared_follow_the_closed_form():
    for eta in gd_learning_rates()[:3]:
        for t, x in enumerate(gd_1d(lambda x: 2 * x, eta)):
            assert x == pytest.approx((1 - 2 * eta) ** t * X0, rel=1e-12)


def test_learning_rate_0_2_converges_as_quoted():
    eta = gd_learning_rates()[0]
    x10 = gd_1d(lambda x: 2 * x, eta)[-1]
    quoted(f"{x10:.4f}")
    assert abs(x10) < 0.01 * X0


def test_learning_rate_0_05_is_slow_as_quoted():
    fast, slow = gd_learning_rates()[:2]
    target = abs(gd_1d(lambda x: 2 * x, fast)[-1])
    slow_iterates = gd_1d(lambda x: 2 * x, slow, steps=200)
    quoted(f"{slow_iterates[10]:.3f}")
    assert slow_iterates[10] > 0.3 * X0
    steps_needed = next(t for t, x in enumerate(slow_iterates) if abs(x) <= target)
    quoted(f"It takes {steps_needed} steps")


def test_learning_rate_1_1_diverges_as_quoted():
    eta = gd_learning_rates()[2]
    xs = gd_1d(lambda x: 2 * x, eta)
    sizes = [abs(x) for x in xs]
    assert all(later == pytest.approx(1.2 * earlier) for earlier, later in zip(sizes, sizes[1:]))
    assert all(x * y < 0 for x, y in zip(xs, xs[1:])), "every step should cross the minimum"
    quoted(f"{xs[-1]:.3f}")


def test_convergence_condition_on_quadratics():
    """x^2 converges iff 0 < eta < 1, eta = 0.5 in one step; curvature lam: eta < 2 / lam."""
    for eta in (0.01, 0.3, 0.5, 0.9, 0.99, 1.0, 1.01, 1.5):
        converges = abs(gd_1d(lambda x: 2 * x, eta, steps=2000)[-1]) < 1e-6
        assert converges == (0 < eta < 1), eta
    assert gd_1d(lambda x: 2 * x, 0.5, steps=1)[-1] == 0.0
    for lam in (0.5, 3.0, 40.0):
        assert gd_1d(lambda x: lam * x, 1 / lam, steps=1)[-1] == 0.0
        assert abs(gd_1d(lambda x: lam * x, 1.99 / lam, steps=5000)[-1]) < 1e-6
        assert abs(gd_1d(lambda x: lam * x, 2.01 / lam, steps=100)[-1]) > X0


# Local minima of f(x) = x cos(cx)


def test_the_derivative_at_10_is_one_and_a_half_pi():
    assert nonconvex_grad(10.0) == pytest.approx(1.5 * math.pi)
    quoted(f"{1.5 * math.pi:.4f}")


def test_large_learning_rate_jumps_to_a_worse_local_minimum():
    eta = gd_learning_rates()[3]
    good = bisect_root(nonconvex_grad, 6, 8)
    poor = bisect_root(nonconvex_grad, -3, -1)
    assert nonconvex_hess(good) > 0 and nonconvex_hess(poor) > 0
    assert nonconvex(good) < nonconvex(poor)
    quoted(f"x \\approx {good:.2f}$, where $f \\approx {nonconvex(good):.2f}")
    quoted(f"x \\approx {poor:.2f}$, where $f$ is only about\n${nonconvex(poor):.2f}")
    xs = gd_1d(nonconvex_grad, eta)
    quoted(f"{eta * nonconvex_grad(X0):.2f}")
    quoted(f"x \\approx {xs[1]:.2f}")
    assert xs[1] < good < X0, "the first step should leap over the good minimum"
    sides = [x - poor for x in xs[2:]]
    assert all(a * b < 0 for a, b in zip(sides, sides[1:])), "iterates should alternate sides"
    assert abs(sides[-1]) < abs(sides[0])
    quoted(f"still at $x \\approx {xs[-1]:.2f}")


# Multivariate gradient descent on f(x) = x1^2 + 2 x2^2


def test_multivariate_iterates_contract_per_coordinate_as_quoted():
    eta = 0.1
    assert "eta = 0.1\nd2l.show_trace_2d(f_2d, d2l.train_2d(gd_2d, f_grad=f_2d_grad))" in TEXT
    x1, x2 = START
    for _ in range(20):
        x1, x2 = x1 - eta * 2 * x1, x2 - eta * 4 * x2
    assert x1 == pytest.approx(START[0] * 0.8 ** 20)
    assert x2 == pytest.approx(START[1] * 0.6 ** 20)
    quoted(f"x_1 = -5 \\cdot 0.8^{{20}} \\approx {x1:.4f}")
    quoted(f"x_2 = -2 \\cdot 0.6^{{20}} \\approx {x2:.5f}")


def test_the_steep_direction_caps_the_learning_rate_at_one_half():
    def final_x2(eta):
        x2 = START[1]
        for _ in range(500):
            x2 -= eta * 4 * x2
        return x2

    assert abs(final_x2(0.49)) < 1e-6
    assert abs(final_x2(0.5)) == pytest.approx(abs(START[1]))
    assert abs(final_x2(0.51)) > abs(START[1])


# Newton's method


def test_newton_on_cosh_moves_by_two_then_collapses_cubically():
    c = C_COSH
    xs = newton_1d(lambda x: c * math.sinh(c * x), lambda x: c ** 2 * math.cosh(c * x))
    assert all(1.9 < a - b < 2.0 for a, b in zip(xs[:4], xs[1:4])), "far away, steps of about 1/c"
    for x in xs[5:8]:
        quoted(f"{x:.2g}" if x > 1e-3 else latex_sci(x))
    assert round(math.log10(xs[8])) == -22
    quoted("one step later to about $10^{-22}$")
    assert xs[9:] == [0.0, 0.0]
    quoted("From the ninth step on, $x$ is exactly $0$")
    ratios = [b / a ** 3 for a, b in zip(xs, xs[1:]) if 1e-4 < a < 0.1]
    assert ratios and all(r == pytest.approx(c ** 2 / 3, rel=1e-3) for r in ratios)
    quoted("e_{k+1} \\approx e_k^3 / 12")


def test_newton_on_the_nonconvex_function_finds_a_maximum():
    xs = newton_1d(nonconvex_grad, nonconvex_hess)
    assert xs[1] == pytest.approx(5.0)
    quoted(f"$f''(5) \\approx {nonconvex_hess(5.0):.2f}$")
    quoted(f"out to $x \\approx {xs[2]:.0f}$")
    peak = bisect_root(nonconvex_grad, 26, 28)
    assert xs[-1] == pytest.approx(peak, abs=1e-9)
    assert nonconvex_hess(peak) < 0, "Newton's method should have settled at a maximum"
    quoted(f"settles\nat $x \\approx {peak:.2f}$")
    quoted(f"$f'' \\approx {nonconvex_hess(peak):.1f}$")


def test_damped_newton_reaches_the_minimum_with_halving_errors():
    minimum = bisect_root(nonconvex_grad, 6, 8)
    errors = [x - minimum for x in newton_1d(nonconvex_grad, nonconvex_hess, eta=0.5)]
    assert all(e > 0 for e in errors)
    assert all(b / a == pytest.approx(0.5, abs=0.02) for a, b in zip(errors[3:], errors[4:]))
    assert abs(errors[-1]) < 1e-3


# Preconditioning and line search


def test_preconditioning_runs_straight_to_the_minimum():
    eta = 0.5
    assert "eta = 0.5\nd2l.show_trace_2d(f_2d, d2l.train_2d(preconditioned_gd_2d" in TEXT
    points = [START]
    for _ in range(20):
        x1, x2 = points[-1]
        points.append((x1 - eta * 2 * x1 / 2, x2 - eta * 4 * x2 / 4))
    for x1, x2 in points:
        assert x1 * START[1] - x2 * START[0] == pytest.approx(0, abs=1e-12), "on the line to 0"
    assert max(abs(v) for v in points[-1]) == pytest.approx(5 * 0.5 ** 20)
    quoted("5 \\cdot 0.5^{20} \\approx 4.8 \\cdot 10^{-6}")


def test_millimeters_and_kilometers_differ_in_curvature_by_10_to_the_12():
    per_meter = {"mm": 1000.0, "km": 0.001}  # units per meter

    def objective(height):  # a quadratic objective of a height in meters
        return (height - 1.7) ** 2

    def curvature(unit):  # its second derivative with respect to the height in `unit`
        def g(v):
            return objective(v / per_meter[unit])

        v, h = 2.0 * per_meter[unit], 0.01 * per_meter[unit]
        return (g(v + h) - 2 * g(v) + g(v - h)) / h ** 2

    ratio = curvature("km") / curvature("mm")
    assert ratio == pytest.approx((per_meter["mm"] / per_meter["km"]) ** 2, rel=1e-6)
    assert ratio == pytest.approx(1e12, rel=1e-6)
    quoted("(1000 / 0.001)^2 = 10^{12}")


def exact_line_search_points(steps):
    """Gradient descent on x1^2 + 2 x2^2 with the exact minimizing step g'g / g'Hg."""
    points = [START]
    for _ in range(steps):
        x1, x2 = points[-1]
        g1, g2 = 2 * x1, 4 * x2
        step = (g1 ** 2 + g2 ** 2) / (2 * g1 ** 2 + 4 * g2 ** 2)
        points.append((x1 - step * g1, x2 - step * g2))
    return points


def test_line_search_zigzags_at_right_angles_and_beats_the_fixed_rate():
    halvings = int(re.search(r"for _ in range\((\d+)\):\n        mid = ", TEXT)[1])
    quoted(f"with {halvings} halvings")
    quoted(f"evaluated the gradient {halvings} more times")
    points = exact_line_search_points(10)
    grads = [(2 * x1, 4 * x2) for x1, x2 in points]
    for (a1, a2), (b1, b2) in zip(grads, grads[1:]):
        assert a1 * b1 + a2 * b2 == pytest.approx(0, abs=1e-12 * (a1 ** 2 + a2 ** 2))
    f10 = points[-1][0] ** 2 + 2 * points[-1][1] ** 2
    quoted(latex_sci(f10))
    x1, x2 = START[0] * 0.8 ** 20, START[1] * 0.6 ** 20
    f_fixed = x1 ** 2 + 2 * x2 ** 2
    quoted(latex_sci(f_fixed))
    assert f10 < 1e-5 * f_fixed


# What the chapter prints and draws


def test_each_framework_prints_the_recomputed_numbers(notebooks):
    etas = gd_learning_rates()
    for fw, notebook in notebooks.items():
        x10 = gd_1d(lambda x: 2 * x, etas[0])[-1]
        assert printed(notebook, "results = gd(") == f"step 10, x: {x10:f}\n", fw
        x10 = gd_1d(nonconvex_grad, etas[3])[-1]
        assert printed(notebook, "gd(2, f_grad)") == f"step 10, x: {x10:f}\n", fw
        assert f"automatic: {1.5 * math.pi:.4f}, by hand: {1.5 * math.pi:.4f}" in printed(
            notebook, "automatic:"), fw
        x1, x2 = START[0] * 0.8 ** 20, START[1] * 0.6 ** 20
        assert printed(notebook, "train_2d(gd_2d,") == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n", fw
        f10 = exact_line_search_points(10)[-1]
        f10 = f10[0] ** 2 + 2 * f10[1] ** 2
        line_search = printed(notebook, "line_search_gd_2d, steps=10")
        assert f"f after 10 steps: {f10:.1e}" in line_search, fw


def test_every_output_and_figure_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(notebooks, figures=10)


def test_the_frameworks_differ_only_in_their_imports_and_the_derivative_check():
    tagged = [(framework_tags(cell), cell.source) for cell in CHAPTER.code_cells() if framework_tags(cell)]
    assert [tags for tags, _ in tagged] == [(fw,) for fw in FRAMEWORKS.names] * 2
    checks = [source for _, source in tagged[len(FRAMEWORKS.names):]]
    assert all("print(f'automatic:" in source for source in checks)
    assert len(FRAMEWORKS.names) == 4
    quoted("so its code is the same in all\nfour frameworks; the frameworks only differ in how they are imported, "
           "and in one cell below\nthat checks a derivative with automatic differentiation")


# The exercises and the numbers their answers quote


def test_every_exercise_has_a_collapsed_hint_or_answer():
    CHAPTER.assert_exercises_have_collapsed_answers(6)


def test_answer_on_x_to_the_fourth_bound_and_slow_end():
    def quartic_grad(x):
        return 4 * x ** 3

    bound = 1 / (2 * X0 ** 2)
    quoted(f"$\\eta < 1 / (2 \\cdot 10^2) = {bound:g}$")
    below = gd_1d(quartic_grad, 0.98 * bound, steps=200)
    assert abs(below[-1]) < 1 and all(abs(b) <= abs(a) for a, b in zip(below, below[1:]))
    above = gd_1d(quartic_grad, 1.02 * bound, steps=6)
    assert all(abs(b) > abs(a) for a, b in zip(above, above[1:])), "just above the bound |x| grows"
    eta, steps = 0.001, 100_000
    x = gd_1d(quartic_grad, eta, steps=steps)[-1]
    assert x * math.sqrt(8 * eta * steps) == pytest.approx(1, rel=1e-3)
    quoted("decays like\n   $1 / \\sqrt{8 \\eta t}$")


def test_answer_on_the_largest_learning_rate_for_the_good_minimum():
    good = bisect_root(nonconvex_grad, 6, 8)
    curvature = nonconvex_hess(good)
    quoted(f"$f''({good:.2f}) \\approx {curvature:.2f}$")
    quoted(f"the bound is $\\eta < {2 / curvature:.2f}$")
    for eta in np.linspace(0.05, 0.98 * 2 / curvature, 60):
        assert gd_1d(nonconvex_grad, eta, steps=3000)[-1] == pytest.approx(good, abs=1e-6), eta
    beyond = gd_1d(nonconvex_grad, 1.01 * 2 / curvature, steps=3000)
    assert abs(beyond[-1] - good) > 1e-3, "above the bound the iterates do not settle"


def test_answer_on_the_rotated_quadratic():
    rotation = np.array([[1, -1], [1, 1]]) / math.sqrt(2)
    hessian = rotation @ np.diag([2.0, 4.0]) @ rotation.T
    assert hessian == pytest.approx(np.array([[3, -1], [-1, 3]]))
    assert np.linalg.eigvalsh(hessian) == pytest.approx([2, 4])
    quoted("\\begin{bmatrix} 3 & -1 \\\\ -1 & 3 \\end{bmatrix}$, with the\n   same eigenvalues 2 and 4")


def test_answer_on_newton_with_the_absolute_curvature():
    xs = newton_1d(nonconvex_grad, lambda x: abs(nonconvex_hess(x)), steps=40)
    assert 0 < nonconvex_hess(xs[1]) < 0.125 and nonconvex_hess(xs[2]) < 0
    assert xs[2] - nonconvex_grad(xs[2]) / nonconvex_hess(xs[2]) > xs[2] > xs[3], (
        "at the third iterate plain Newton goes up, the absolute curvature down")
    end = bisect_root(nonconvex_grad, 19, 21)
    assert nonconvex_hess(end) > 0 and xs[-1] == pytest.approx(end, abs=1e-9)
    quoted(f"the first step lands at $x = {xs[1]:g}$, where the curvature is small (about ${nonconvex_hess(xs[1]):.2f}$)")
    quoted(f"lands at about ${round(xs[2]):d}$")
    quoted(f"$x \\approx {end:.2f}$, where $f \\approx {nonconvex(end):.2f}$")
