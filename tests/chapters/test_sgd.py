"""The Stochastic Gradient Descent chapter (chapters/sgd.md): its numbers, outputs and figures.

Every number the chapter quotes is recomputed here, independently of the chapter's code, and
looked up in the chapter's text. The learning-rate schedules are the chapter's own functions,
taken from its source, and the experiment settings are read from its code, so text, code and
tests cannot drift apart. The chapter itself is executed per framework by the book's pipeline
(read from the execution cache when ``make html`` ran before): its noisy traces must be the
same in every framework, land where the text says, and every output and figure must match.
"""

import math
import re

import numpy as np
import pytest

from .chapter_tools import (ChapterUnderTest, assert_same_outputs_in_every_framework, latex_sci,
                            printed)

CHAPTER = ChapterUnderTest("sgd.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted

START = (-5.0, -2.0)   # where the shim's train_2d starts
CURVATURES = (2.0, 4.0)  # the gradient of x1^2 + 2 x2^2 is (2 x1, 4 x2)
N_AIRFOIL = 1500       # the training-set size the chapter quotes the finite-n values for


def experiments():
    """(eta, schedule name, steps) of each SGD run of the chapter, in order."""
    runs = re.findall(r"train_2d\(make_sgd\(([\d.]+), (\w+)\), steps=(\d+)", TEXT)
    return [(float(eta), name, int(steps)) for eta, name, steps in runs]


def learning_rates(eta, schedule, steps):
    """The learning rates eta * lr(t) of the steps t = 1, ..., steps, as the chapter's trainer."""
    lr = CHAPTER.function(schedule)
    return np.array([eta * lr(t) for t in range(1, steps + 1)])


def mean_and_std(rates, curvature, start):
    """Mean and standard deviation of x after the steps x <- (1 - rate * curvature) x - rate * xi.

    ``xi`` is drawn from N(0, 1) at every step; ``rates`` holds the learning rates of the steps.
    """
    mean, variance = start, 0.0
    for rate in rates:
        mean *= 1 - rate * curvature
        variance = (1 - rate * curvature) ** 2 * variance + rate ** 2
    return mean, math.sqrt(variance)


def final_position(notebook, schedule):
    """The final (x1, x2) that train_2d printed for the run with ``schedule``."""
    output = printed(notebook, f"{schedule}), steps=")
    match = re.fullmatch(r"epoch \d+, x1: (\S+), x2: (\S+)\n", output)
    assert match, f"unexpected output of the {schedule} run"
    return float(match[1]), float(match[2])


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


# The experiments and their schedules


def test_the_chapter_runs_the_experiments_it_discusses():
    assert experiments() == [(0.1, "constant_lr", 50), (0.1, "exponential_lr", 1000),
                             (0.1, "polynomial_lr", 50)]


def test_every_experiment_reseeds_the_shared_generator_first():
    for cell in CHAPTER.code_cells():
        if "train_2d(make_sgd(" in cell.source:
            first = cell.source.split("train_2d(make_sgd(")[0]
            assert re.search(r"^d2l\.seed\(\d+\)$", first, re.MULTILINE), cell.source


def test_schedules_are_the_ones_the_text_defines():
    constant, exponential, polynomial = (CHAPTER.function(name) for _, name, _ in experiments())
    for t in (1, 2, 10, 50, 1000):
        assert constant(t) == 1.0
        assert exponential(t) == pytest.approx(math.exp(-0.1 * t))   # lambda = 0.1
        assert polynomial(t) == pytest.approx((0.1 * t + 1) ** -0.5)  # beta = 0.1, alpha = 0.5


# Constant learning rate: the noise does not go away


def test_stationary_spread_with_a_constant_learning_rate():
    eta, schedule, _ = experiments()[0]
    stds = []
    for curvature in CURVATURES:
        _, std = mean_and_std(learning_rates(eta, schedule, 2000), curvature, 1.0)
        assert std ** 2 == pytest.approx(eta ** 2 / (1 - (1 - eta * curvature) ** 2), rel=1e-9)
        stds.append(std)
    assert stds[0] ** 2 == pytest.approx(eta / (4 * (1 - eta)))
    quoted(f"\\sqrt{{v}} \\approx {stds[0]:.3f}$ in $x_1$ "
           f"(and, by the same argument, ${stds[1]:.3f}$ in $x_2$)")
    ratios = [e / (4 * (1 - e)) / e for e in (1e-3, 2e-3, 4e-3)]
    assert max(ratios) / min(ratios) < 1.01, "for small eta, the variance is about proportional"


def test_simulated_sgd_matches_the_quoted_spreads():
    """A Monte Carlo check of the mean/variance recursion behind every spread the text quotes."""
    rng = np.random.default_rng(0)
    for eta, schedule, steps in experiments():
        rates = learning_rates(eta, schedule, steps)
        x = np.tile(np.array(START), (20000, 1))
        for rate in rates:
            x = x - rate * (np.array(CURVATURES) * x + rng.standard_normal(x.shape))
        for k in range(2):
            mean, std = mean_and_std(rates, CURVATURES[k], START[k])
            assert x[:, k].mean() == pytest.approx(mean, abs=4 * std / math.sqrt(len(x)))
            assert x[:, k].std() == pytest.approx(std, rel=0.03)


# Exponential decay stops short, polynomial decay does not


def test_exponential_decay_numbers():
    eta, schedule, steps = experiments()[1]
    rates = learning_rates(eta, schedule, steps)
    quoted(f"0.1 \\cdot e^{{-10}} \\approx {latex_sci(rates[99])}")
    quoted(f"0.1 \\cdot e^{{-100}} \\approx {latex_sci(rates[-1])}")
    budget = eta / (math.exp(0.1) - 1)
    assert rates.sum() == pytest.approx(budget, rel=1e-12), "1000 steps use up the whole budget"
    quoted(f"0.1 / (e^{{0.1}} - 1) \\approx {budget:.3f}")
    shrink = np.prod(1 - 2 * rates)
    quoted(f"\\approx {shrink:.3f}$ in total")
    mean, std = mean_and_std(rates, CURVATURES[0], START[0])
    assert mean == pytest.approx(START[0] * shrink)
    quoted(f"\\approx {mean:.2f}$, with a standard deviation of only about ${std:.2f}$")


def test_polynomial_decay_numbers():
    eta, schedule, steps = experiments()[2]
    rates = learning_rates(eta, schedule, steps)
    quoted(f"0.1 / \\sqrt{{6}} \\approx {rates[-1]:.4f}")
    assert rates[-1] == pytest.approx(0.1 / math.sqrt(6))
    quoted(f"add up to about ${rates.sum():.2f}$")
    exponential_budget = learning_rates(*experiments()[1]).sum()
    assert round(rates.sum() / exponential_budget) == 3
    quoted("three times the entire budget")
    mean, std = mean_and_std(rates, CURVATURES[0], START[0])
    quoted(f"to about ${mean:.3f}$, and its standard deviation around that is\n${std:.3f}$")
    _, constant_std = mean_and_std(learning_rates(*experiments()[0]), CURVATURES[0], START[0])
    quoted(f"down from ${constant_std:.3f}$ with the constant rate, and still shrinking")
    assert std < constant_std
    _, later_std = mean_and_std(learning_rates(eta, schedule, 4 * steps), CURVATURES[0], START[0])
    assert later_std < 0.8 * std


def test_polynomial_sums_grow_like_sqrt_t_and_exponential_ones_stay_bounded():
    polynomial, exponential = CHAPTER.function("polynomial_lr"), CHAPTER.function("exponential_lr")
    sums = {}
    for t in range(1, 100001):
        for name, lr in (("poly", polynomial), ("exp", exponential)):
            sums[name] = sums.get(name, 0.0) + lr(t)
        if t in (10000, 100000):
            assert sums["poly"] / math.sqrt(t) == pytest.approx(2 * math.sqrt(10), rel=0.05)
    assert sums["exp"] == pytest.approx(1 / (math.exp(0.1) - 1))
    assert polynomial(10 ** 9) < 1e-3


# The convergence bound for convex objectives


def bound(r, lipschitz, rates):
    """The right-hand side of the chapter's bound on E[R(x_bar)] - R(x*)."""
    rates = np.asarray(rates, dtype=float)
    return (r ** 2 + lipschitz ** 2 * np.sum(rates ** 2)) / (2 * np.sum(rates))


def test_best_constant_learning_rate_and_its_bound():
    quoted("\\eta = r / (L \\sqrt{T})")
    quoted("\\leq \\frac{r L}{\\sqrt{T}}")
    for r, lipschitz, steps in ((1.0, 1.0, 100), (3.0, 0.5, 10000), (0.2, 7.0, 400)):
        grid = np.linspace(0.01, 4, 4000) * r / (lipschitz * math.sqrt(steps))
        values = [bound(r, lipschitz, np.full(steps, eta)) for eta in grid]
        best = grid[int(np.argmin(values))]
        assert best == pytest.approx(r / (lipschitz * math.sqrt(steps)), rel=2e-3)
        assert min(values) == pytest.approx(r * lipschitz / math.sqrt(steps), rel=1e-6)


def test_bound_with_inverse_sqrt_learning_rates_falls_like_log_t_over_sqrt_t():
    quoted("O(\\log T / \\sqrt{T})")
    ratios = []
    for steps in (10 ** 2, 10 ** 4, 10 ** 6):
        value = bound(1.0, 1.0, 1 / np.sqrt(np.arange(1, steps + 1)))
        ratios.append(value / (math.log(steps) / math.sqrt(steps)))
    assert all(0.2 < ratio < 0.5 for ratio in ratios)
    assert ratios == sorted(ratios, reverse=True), "the ratio settles towards 1/4 from above"


def test_sgd_on_a_convex_loss_with_bounded_gradients_obeys_the_bound():
    """l(x, xi) = |x - xi|, xi ~ N(0, 1): convex, |gradient| <= L = 1, minimizer x* = 0."""
    r, lipschitz, steps = 3.0, 1.0, 100
    eta = r / (lipschitz * math.sqrt(steps))
    rng = np.random.default_rng(0)
    x = np.full(4000, r)
    total = np.zeros_like(x)
    for _ in range(steps):
        total += x
        x = x - eta * np.sign(x - rng.standard_normal(x.shape))
    x_bar = total / steps

    def risk(x):  # E|x - xi| for xi ~ N(0, 1)
        cdf = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
        return x * (2 * cdf - 1) + 2 * np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)

    gap = risk(x_bar) - risk(np.zeros(1))
    assert np.all(gap >= 0)
    assert gap.mean() <= r * lipschitz / math.sqrt(steps)


# Sampling with replacement


def test_fraction_of_examples_seen_with_replacement():
    seen = [1 - (1 - 1 / n) ** n for n in range(1, N_AIRFOIL + 1)]
    assert seen[0] == 1.0
    assert all(a > b for a, b in zip(seen, seen[1:])), "the fraction falls with n"
    quoted(f"fraction is ${seen[-1]:.4f}$")
    quoted(f"1 - e^{{-1}} \\approx {1 - math.exp(-1):.3f}")
    assert seen[-1] == pytest.approx(1 - math.exp(-1), abs=2e-4)
    once = (1 - 1 / N_AIRFOIL) ** (N_AIRFOIL - 1)
    quoted(f"e^{{-1}} \\approx {math.exp(-1):.3f}$ (${once:.4f}$ for")
    quoted(f"only about {round(100 * (1 - math.exp(-1)))}% of the data")


def test_pick_counts_follow_the_binomial_and_its_poisson_limit(notebooks):
    for fw, notebook in notebooks.items():
        lines = printed(notebook, "pick_counts(n, random.Random(0))").splitlines()
        assert len(lines) == 5, fw
        for k, line in enumerate(lines):
            pattern = rf"picked {k} times: (\S+) of the examples \(Poisson limit (\S+)\)"
            match = re.fullmatch(pattern, line)
            assert match, line
            n = N_AIRFOIL
            binomial = math.comb(n, k) * n ** -k * (1 - 1 / n) ** (n - k)
            assert float(match[2]) == pytest.approx(math.exp(-1) / math.factorial(k), abs=5e-4)
            assert binomial == pytest.approx(float(match[2]), abs=2e-3)
            tolerance = 4 * math.sqrt(binomial / n) + 5e-4  # sampling error and rounding
            assert float(match[1]) == pytest.approx(binomial, abs=tolerance)


# What the chapter prints and draws


def test_noisy_traces_end_where_the_text_says(notebooks):
    for fw, notebook in notebooks.items():
        for eta, schedule, steps in experiments():
            rates = learning_rates(eta, schedule, steps)
            final = final_position(notebook, schedule)
            for k in range(2):
                mean, std = mean_and_std(rates, CURVATURES[k], START[k])
                assert abs(final[k] - mean) < 3 * std, (fw, schedule, k, final)
        exponential_x1 = final_position(notebook, "exponential_lr")[0]
        assert exponential_x1 < -0.5, "exponential decay should stop well short of the minimum"


def test_every_output_and_figure_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(notebooks, figures=4)


# The exercises and the numbers their answers quote


def test_every_exercise_has_a_collapsed_hint_or_answer():
    CHAPTER.assert_exercises_have_collapsed_answers(6)


def test_answer_on_the_noise_as_a_random_loss():
    """The loss (x1 - w1)^2 + 2 (x2 - w2)^2 with the quoted variances gives the chapter's noise."""
    rng = np.random.default_rng(0)
    var_w1, var_w2 = 1 / 4, 1 / 16
    w = rng.normal(0.0, np.sqrt([var_w1, var_w2]), size=(1_000_000, 2))
    f = CHAPTER.function("f")
    f_grad = CHAPTER.function("f_grad")
    x1, x2 = 0.7, -1.3
    grads = np.stack([2 * (x1 - w[:, 0]), 4 * (x2 - w[:, 1])], axis=1)
    noise = grads - np.array(f_grad(x1, x2))
    assert noise.mean(axis=0) == pytest.approx([0, 0], abs=5e-3)
    assert np.cov(noise.T) == pytest.approx(np.eye(2), abs=5e-3)
    assert CURVATURES[0] ** 2 * var_w1 == CURVATURES[1] ** 2 * var_w2 == 1
    losses = (x1 - w[:, 0]) ** 2 + 2 * (x2 - w[:, 1]) ** 2
    offset = var_w1 + 2 * var_w2
    assert offset == 3 / 8 and losses.mean() - f(x1, x2) == pytest.approx(offset, abs=5e-3)
    quoted("= f(\\mathbf{x}) + \\frac{3}{8}$")
    quoted("minimum is at $(0, 0)$, where $R = 3/8$")


def test_answer_on_the_stationary_variance_of_the_second_coordinate():
    """The hint's recursion x <- (1 - 4 eta) x - eta xi has the variance eta^2 / (1 - (1 - 4 eta)^2)."""
    quoted("$x_{t+1} = (1 - 4\\eta) x_t - \\eta \\xi_t$")
    eta, steps, burn_in = 0.05, 400_000, 1000
    rng = np.random.default_rng(1)
    x, total = 0.0, 0.0
    for t, xi in enumerate(rng.normal(size=steps)):
        x = (1 - CURVATURES[1] * eta) * x - eta * xi
        if t >= burn_in:
            total += x * x
    assert total / (steps - burn_in) == pytest.approx(eta ** 2 / (1 - (1 - 4 * eta) ** 2), rel=0.02)
