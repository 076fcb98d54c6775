"""The Adagrad chapter (chapters/adagrad.md): its claims, its numbers, its outputs and figures.

The chapter's own functions (the 2-D trainer, the condition numbers) are taken from its source and
run through the shim's backend-free ``train_2d``; other numbers are recomputed here independently.
The book's pipeline executes the chapter per framework (from the execution cache after
``make html``): what it prints must match the recomputed numbers and the quoted ones, and the
figures of its shared cells must be the same in every framework. The loss records and optimizer
states behind the training figures come from one subprocess per framework that runs the chapter's
training sections (``section_runner``).
"""

import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags
from d2l_shim.twod import train_2d

from .chapter_runner import evaluate, run_sections
from .chapter_tools import (ROOT, RECORDS_PER_EPOCH, ChapterUnderTest, assert_each_run_draws_one_figure,
                            assert_same_losses_in_every_framework, assert_same_outputs_in_every_framework,
                            cells_matching, largest_gap, printed, second_epoch, stdout)

CHAPTER = ChapterUnderTest("adagrad.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted
chapter_namespace = CHAPTER.shared_namespace

START = (-5.0, -2.0)
TRAINING = ("Implementation from Scratch", "Concise Implementation")


def trace(steps=20, f_grad=None, **settings):
    """The positions of ``train_2d`` with the chapter's ``adagrad_2d`` and ``settings`` (eta, eps) as globals."""
    return train_2d(chapter_namespace(**settings)["adagrad_2d"], steps, f_grad)


# The settings


def test_the_chapter_runs_the_experiments_it_discusses():
    assert re.search(r"^eta, eps = 0\.4, 1e-6$", TEXT, flags=re.M)
    assert re.search(r"^eta = 2$", TEXT, flags=re.M)
    assert "for eta in [0.4, 2]:" in TEXT
    [(_, scratch, _)] = CHAPTER.calls("train_ch11")
    assert scratch[2] == "hyperparams" and "\nhyperparams = {'lr': 0.1, 'eps': 1e-6}\n" in TEXT
    concise = [(tags, args[1]) for tags, args, _ in CHAPTER.calls("train_concise_ch11")]
    assert concise == [
        (("mxnet",), {"learning_rate": 0.1, "eps": 1e-6}),
        (("pytorch",), {"lr": 0.1, "initial_accumulator_value": 1e-6, "eps": 0.0}),
        (("tensorflow",), {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 1e-6}),
        (("jax",), {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "eps": 1e-6}),
        (("mxnet",), {"learning_rate": 0.1}),
        (("pytorch",), {"lr": 0.1}),
        (("tensorflow",), {"learning_rate": 0.1}),
        (("jax",), {"learning_rate": 0.1}),
    ]
    assert [args[0] for _, args, _ in CHAPTER.calls("train_concise_ch11")] == [
        "adagrad", "torch.optim.Adagrad", "tf.keras.optimizers.Adagrad", "optax.adagrad",
        "adagrad", "torch.optim.Adagrad", "tf.keras.optimizers.Adagrad", "optax.adagrad"]


# Preconditioning


def test_condition_numbers_agree_with_numpy():
    namespace = chapter_namespace()
    rng = np.random.default_rng(3)
    for _ in range(50):
        basis, _ = np.linalg.qr(rng.normal(size=(2, 2)))
        Q = basis @ np.diag(rng.uniform(0.05, 10, 2)) @ basis.T
        a, b, d = Q[0, 0], Q[0, 1], Q[1, 1]
        eigenvalues = np.linalg.eigvalsh(Q)
        assert namespace["condition_number"](a, b, d) == pytest.approx(eigenvalues[1] / eigenvalues[0])
        D = np.diag(np.diag(Q) ** -0.5)
        pre = D @ Q @ D
        assert namespace["diagonally_preconditioned"](a, b, d) == pytest.approx((pre[0, 0], pre[0, 1], pre[1, 1]))
        degrees = rng.uniform(0, 90)
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        R = np.array([[c, -s], [s, c]])
        expected = R @ np.diag([0.2, 4.0]) @ R.T
        got = namespace["rotated"](0.2, 4, degrees)
        assert got == pytest.approx((expected[0, 0], expected[0, 1], expected[1, 1]))


def test_diagonal_preconditioning_of_the_example_and_its_rotations():
    namespace = chapter_namespace()
    kappa, pre, rotated = (namespace[n] for n in ("condition_number", "diagonally_preconditioned", "rotated"))
    assert kappa(0.2, 0.0, 4.0) == pytest.approx(20)
    assert kappa(*pre(0.2, 0.0, 4.0)) == pytest.approx(1)
    at_45 = rotated(0.2, 4, 45)
    assert at_45[0] == pytest.approx(2.1) and at_45[2] == pytest.approx(2.1)
    assert kappa(*at_45) == pytest.approx(20) and kappa(*pre(*at_45)) == pytest.approx(20)
    quoted("so $\\kappa = 20$")
    quoted("$\\kappa$ drops to $1$")
    quoted("both diagonal entries equal $2.1$")
    quoted("$\\kappa$ stays at $20$")
    # Exercise 2: 30 degrees, and the gain shrinks steadily up to 45 degrees.
    at_30 = rotated(0.2, 4, 30)
    assert kappa(*at_30) == pytest.approx(20)
    assert round(kappa(*pre(*at_30)), 1) == 15.5
    quoted("about $15.5$")
    after = [kappa(*pre(*rotated(0.2, 4, degrees))) for degrees in np.linspace(0, 45, 91)]
    assert all(b > a for a, b in zip(after, after[1:])) and after[-1] == pytest.approx(20)


def test_the_quadratics_gradient_is_proportional_to_the_curvature():
    rng = np.random.default_rng(5)
    for _ in range(20):
        lam, x_star, x = rng.uniform(0.1, 5, 3), rng.normal(size=3), rng.normal(size=3)
        assert np.allclose(np.diag(lam) @ (x - x_star), lam * (x - x_star))


# The algorithm


def test_epsilon_bounds_and_cap():
    rng = np.random.default_rng(0)
    eps = 1e-6
    for s in np.concatenate([[0.0], rng.uniform(0, 1e-5, 50), rng.uniform(0, 100, 50)]):
        assert math.sqrt(s) <= math.sqrt(s + eps) <= math.sqrt(s) + math.sqrt(eps) + 1e-15
    assert 1 / math.sqrt(eps) == pytest.approx(1000)
    quoted("cap the multiplier of a gradient at\n$\\eta / \\sqrt{\\epsilon}$, here $1000 \\eta$")
    # The multiplier eta / sqrt(s + eps) never exceeds eta / sqrt(eps), since s >= 0; and since
    # s_t includes g_t^2, no step is longer than eta.
    sums = np.concatenate([[0.0], np.logspace(-12, 3, 200)])
    assert np.all(1 / np.sqrt(sums + eps) <= 1 / math.sqrt(eps))
    gs = np.logspace(-8, 3, 200)
    assert np.all(gs / np.sqrt(gs ** 2 + eps) <= 1)


# Two dimensions


def test_adagrad_at_0_4_is_smooth_but_slow():
    points = trace(eta=0.4, eps=1e-6)
    assert tuple(points[0]) == START
    assert points[1] == pytest.approx((-4.6, -1.6), abs=1e-6)
    quoted("to\n$(-4.6, -1.6)$")
    assert all(b[0] > a[0] and b[1] > a[1] for a, b in zip(points, points[1:])), "no zigzag"
    assert all(p[0] < 0 and p[1] < 0 for p in points), "no coordinate crosses the minimum"
    assert round(points[-1][0], 2) == -2.38
    quoted("$x_1$ is still at about $-2.38$")
    last_step = points[-1][0] - points[-2][0]
    assert round(last_step, 2) == 0.06
    quoted("its last step is only about $0.06$ long")
    gd_x1 = START[0] * (1 - 0.4 * 0.2) ** 20
    assert abs(points[-1][0]) > 2 * abs(gd_x1) and round(gd_x1, 2) == -0.94
    quoted("reached $x_1 \\approx -0.94$ after 20 steps")


def test_adagrad_at_2():
    points = trace(eta=2, eps=1e-6)
    assert points[1][0] == pytest.approx(-3, abs=1e-5)
    assert abs(points[1][1]) < 1e-7
    assert round(points[1][1], 9) == pytest.approx(-1.6e-8)
    assert 0 < abs(points[-1][0]) < 0.003
    quoted("within $0.003$ of the minimum")
    quoted("$x_1$ from $-5$ to\n$-3$")
    for a, b in zip(points, points[1:]):
        assert abs(b[0] - a[0]) <= 2 and abs(b[1] - a[1]) <= 2, "each step is at most eta per coordinate"
    assert abs(1 - 2 * 4) == 7
    quoted("$|1 - 2 \\cdot 4| = 7$")
    quoted("about\n   $-1.6 \\cdot 10^{-8}$")


def test_the_curvature_cancels():
    bowl = lambda x1, x2: (2 * x1, 2 * x2)  # noqa: E731
    for eta in (0.4, 2):
        exact = trace(eta=eta, eps=0.0), trace(eta=eta, eps=0.0, f_grad=bowl)
        assert max(abs(a - b) for p, q in zip(*exact) for a, b in zip(p, q)) < 1e-12, "eps = 0: identical"
        with_eps = trace(eta=eta, eps=1e-6), trace(eta=eta, eps=1e-6, f_grad=bowl)
        gap = max(abs(a - b) for p, q in zip(*with_eps) for a, b in zip(p, q))
        assert 1e-8 < gap < 2e-6
    quoted("The two traces agree to within about $10^{-6}$")
    # Equation eq_adagrad_scale_free, for one coordinate with its own curvature.
    for lam in (0.2, 4.0, 17.0):
        x, total, xs = -5.0, 0.0, []
        for _ in range(20):
            total += x * x
            x = x * (1 - 0.4 / math.sqrt(total))
            xs.append(x)
        assert [p[0] for p in trace(eta=0.4, eps=0.0, f_grad=lambda a, b: (lam * a, lam * b))[1:]] == (
            pytest.approx(xs, rel=1e-12))


def test_exercise_eta_5_overshoots_and_oscillates():
    points = trace(steps=60, eta=5, eps=1e-6)
    assert abs(points[1][0]) < 1e-5
    assert round(points[1][1], 1) == 3.0
    quoted("overshoots to\n   about $3$")
    x2 = [p[1] for p in points[1:]]
    signs = [v > 0 for v in x2[:10]]
    assert any(a != b for a, b in zip(signs, signs[1:])), "x2 oscillates around 0"
    peaks = [max(abs(v) for v in x2[i:i + 10]) for i in range(0, 60, 10)]
    assert all(b < a for a, b in zip(peaks, peaks[1:])), "with shrinking amplitude"


def test_exercise_keras_initial_accumulator():
    assert round(0.1 / math.sqrt(0.1 + 0.01), 2) == 0.30
    assert 10 / math.sqrt(0.1 + 100) > 0.999
    quoted("about $0.30$ for $g = 0.1$ and more\n   than $0.999$ for $g = 10$")


def test_first_step_with_small_gradient_depends_on_epsilon():
    g = 1e-3
    assert g / math.sqrt(g * g + 1e-6) == pytest.approx(1 / math.sqrt(2))
    assert g / math.sqrt(g * g + 1e-7) == pytest.approx(1 / math.sqrt(1.1))
    quoted("the first step is $\\eta / \\sqrt{2}$ with our\n$\\epsilon$ and $\\eta / \\sqrt{1.1}$ with Gluon's")


# Executed chapter


@pytest.fixture(scope="module")
def notebooks():
    return CHAPTER.executed()


def test_each_framework_prints_the_quoted_numbers(notebooks):
    for fw, notebook in notebooks.items():
        assert printed(notebook, "examples = {") == (
            "axis-aligned: kappa = 20.00, after diagonal preconditioning 1.00\n"
            "rotated by 45: kappa = 20.00, after diagonal preconditioning 20.00\n"), fw
        for eta, snippet in ((0.4, "eta, eps = 0.4, 1e-6"), (2, "eta = 2\n")):
            x1, x2 = trace(eta=eta, eps=1e-6)[-1]
            assert printed(notebook, snippet) == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n", (fw, eta)
        lines = printed(notebook, "for eta in [0.4, 2]").splitlines()
        assert [line for line in lines if line.startswith("eta")] == [
            "eta = 0.4: the traces differ by at most 3.8e-07",
            "eta = 2: the traces differ by at most 1.1e-06"], fw
        for snippet in ("data_iter, feature_dim", "train_concise_ch11("):
            outputs = [printed(notebook, snippet)] if snippet != "train_concise_ch11(" else [
                stdout(cell) for cell in cells_matching(notebook, re.escape(snippet))]
            for output in outputs:
                assert re.fullmatch(r"loss: 0\.243, [\d.]+ sec/epoch\n", output), (fw, snippet, output)
        assert printed(notebook, "rates = 0.1") == "w: from 0.022 to 0.025\nb: from 0.026 to 0.026\n", fw
    quoted("The run ends at 0.243")
    quoted("all four still end at a loss of 0.243")


def test_the_gaps_printed_are_those_the_text_quotes(notebooks):
    defaults = {"mxnet": "1.6e-04", "pytorch": "1.8e-04", "tensorflow": "1.1e-03", "jax": "1.1e-03"}
    for fw, notebook in notebooks.items():
        [matching, default] = [stdout(cell) for cell in cells_matching(notebook, re.escape("print(f'largest gap"))]
        value = float(re.fullmatch(r"largest gap to the run from scratch: (\S+)\n", matching).group(1))
        assert value < 2e-8, (fw, matching)
        if fw == "tensorflow":
            assert value == 0.0
        assert default == f"largest gap to the run from scratch: {defaults[fw]}\n", fw
    quoted("All four are the algorithm we wrote, to float32 rounding: the gaps are $10^{-8}$ or less, and the\n"
           "Keras run is even the same bit for bit")
    quoted("differ from our run by up to $1.6 \\cdot 10^{-4}$ and $1.8 \\cdot 10^{-4}$")
    quoted("Keras and optax, whose\nsums start at $0.1$, each by up to $1.1 \\cdot 10^{-3}$")


def test_every_figure_outside_training_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=2, which="the shared cells outside the training runs",
        keep=lambda cell: not framework_tags(cell) and "train_ch11(" not in cell.source
        and "largest_gap(" not in cell.source)


def test_every_training_run_draws_its_loss_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"train_ch11\(|train_concise_ch11\(", runs=3)


# Training runs, recomputed


@pytest.fixture(scope="module")
def runs():
    return run_sections(CHAPTER, TRAINING, {
        "scratch": "[float(x) for x in losses_adagrad]",
        "concise": "[float(x) for x in losses_concise]",
        "default": "[float(x) for x in losses_default]",
        "sums": "[d2l.numpy(s).ravel().tolist() for s in states]",
        # JAX only: the run from scratch with optax's reciprocal root, 1 / sqrt(s + eps) as lax.rsqrt.
        "reciprocal": "[float(x) for x in d2l.train_ch11("
                      "lambda params, grads, states, hp: ("
                      "jax.tree.map(lambda p, g, s: p - hp['lr'] * (g * jax.lax.rsqrt(s + jnp.square(g) + hp['eps'])),"
                      " params, grads, states),"
                      "jax.tree.map(lambda s, g: s + jnp.square(g), states, grads)),"
                      "init_adagrad_states(feature_dim), hyperparams, data_iter, feature_dim)[1]] "
                      "if 'optax' in dir() else None",
    })


def test_the_loss_curve_is_what_the_text_describes(runs):
    for fw, run in runs.items():
        losses = run["scratch"]
        assert len(losses) == 2 * RECORDS_PER_EPOCH + 1, fw
        assert round(losses[0], 3) == 0.273, fw
        second = second_epoch(losses)
        assert 0.242 < min(second) and max(second) < 0.246, fw
        assert round(losses[-1], 3) == 0.243 and losses[-1] < 0.245, fw
        assert round(run["default"][-1], 3) == 0.243, fw
    quoted("The loss drops to 0.273 after the first 200 examples")
    quoted("it stays between\n0.242 and 0.246")
    quoted("a little below the 0.245 of the best momentum run")


def test_the_learning_rates_at_the_end(runs):
    for fw, run in runs.items():
        sums = np.concatenate([np.array(s) for s in run["sums"]])
        assert 14.5 < sums.min() < 15.5 and 20.5 < sums.max() < 21.5, (fw, sums)
        rates = 0.1 / np.sqrt(sums + 1e-6)
        assert np.all((0.2 < rates / 0.1) & (rates / 0.1 < 0.3)), "about a quarter of eta"
    quoted("between about 15 and 21")
    quoted("about a quarter of $\\eta$")
    assert sorted(runs) == sorted(FRAMEWORKS.names)
    quoted("it\nalso puts the new sums into the list `states`, so that after training the list holds the final\n"
           "sums, as in the other frameworks.")


def test_runs_from_scratch_agree_across_frameworks(runs):
    assert_same_losses_in_every_framework(runs, ["scratch"], atol=1e-5)
    for fw in FRAMEWORKS.names[1:]:
        assert np.allclose(runs[fw]["sums"][0], runs["mxnet"]["sums"][0], rtol=1e-4), fw


def test_each_builtin_configured_as_written_retraces_the_scratch_run(runs):
    for fw, run in runs.items():
        gap = largest_gap(run["concise"], run["scratch"])
        assert gap < 1e-4 and gap < 2e-8, (fw, gap)
    assert runs["tensorflow"]["concise"] == runs["tensorflow"]["scratch"]
    # Optax is not bit for bit ours, and its reciprocal root is the only reason.
    assert runs["jax"]["concise"] != runs["jax"]["scratch"]
    assert runs["jax"]["reciprocal"] == runs["jax"]["concise"]
    assert all(runs[fw]["reciprocal"] is None for fw in FRAMEWORKS.names if fw != "jax")
    quoted("Optax multiplies by the reciprocal\nof the root instead of dividing by the root")


def test_each_builtin_with_its_defaults_drifts_by_the_quoted_amount(runs):
    quoted_gaps = {"mxnet": 1.6e-4, "pytorch": 1.8e-4, "tensorflow": 1.1e-3, "jax": 1.1e-3}
    for fw, run in runs.items():
        gap = largest_gap(run["default"], run["scratch"])
        assert float(f"{gap:.1e}") == quoted_gaps[fw], (fw, gap)
        assert gap > 1e-4, "larger than what we call the same run"


def test_the_table_of_defaults_is_right():
    values = evaluate({
        "mxnet": {"lr": "mx.optimizer.create('adagrad').lr",
                  "eps": "mx.optimizer.create('adagrad').float_stable_eps"},
        "pytorch": {"defaults": "torch.optim.Adagrad(params).defaults"},
        "tensorflow": {"lr": "float(tf.keras.optimizers.Adagrad().learning_rate)",
                       "accumulator": "tf.keras.optimizers.Adagrad().initial_accumulator_value",
                       "eps": "tf.keras.optimizers.Adagrad().epsilon"},
        "jax": {"defaults": "{name: None if p.default is p.empty else p.default for name, p in "
                            "__import__('inspect').signature(optax.adagrad).parameters.items()}",
                # One step from s_0 = 0 with g = 0.1 and eps = 0.01, learning rate 1: the update is
                # -g / sqrt(g^2 + eps) with eps inside the root, -g / (|g| + eps) outside.
                "inside": "float(optax.adagrad(learning_rate=1.0, initial_accumulator_value=0.0, eps=0.01)"
                          ".update(jax.numpy.array([0.1]), optax.adagrad(learning_rate=1.0, "
                          "initial_accumulator_value=0.0).init(jax.numpy.zeros(1)))[0][0])",
                # The default s_0: the first update of g = 1, with eps = 0, is -1 / sqrt(s_0 + 1).
                "start": "float(optax.adagrad(learning_rate=1.0, eps=0.0)"
                         ".update(jax.numpy.array([1.0]), optax.adagrad(learning_rate=1.0)"
                         ".init(jax.numpy.zeros(1)))[0][0])"},
    })
    assert values["mxnet"] == {"lr": 0.01, "eps": 1e-7}
    torch_defaults = values["pytorch"]["defaults"]
    assert (torch_defaults["lr"], torch_defaults["eps"], torch_defaults["initial_accumulator_value"]) == (
        0.01, 1e-10, 0)
    assert values["tensorflow"]["lr"] == pytest.approx(0.001)
    assert (values["tensorflow"]["accumulator"], values["tensorflow"]["eps"]) == (0.1, 1e-7)
    jax_values = values["jax"]
    assert jax_values["defaults"] == {"learning_rate": None, "initial_accumulator_value": 0.1, "eps": 1e-7}
    assert jax_values["inside"] == pytest.approx(-0.1 / math.sqrt(0.01 + 0.01), rel=1e-6)
    assert jax_values["inside"] != pytest.approx(-0.1 / (0.1 + 0.01), rel=1e-3)
    assert jax_values["start"] == pytest.approx(-1 / math.sqrt(1.1), rel=1e-6)
    quoted("| | Gluon `'adagrad'` | `torch.optim.Adagrad` | `tf.keras.optimizers.Adagrad` | `optax.adagrad` |")
    quoted("| denominator | $\\sqrt{s_t + \\epsilon}$ | $\\sqrt{s_t} + \\epsilon$ | $\\sqrt{s_t + \\epsilon}$ | "
           "$\\sqrt{s_t + \\epsilon}$ |")
    quoted("| name and default of $\\epsilon$ | `eps`, $10^{-7}$ | `eps`, $10^{-10}$ | `epsilon`, $10^{-7}$ | "
           "`eps`, $10^{-7}$ |")
    quoted("| initial accumulator $s_0$ | $0$ | `initial_accumulator_value`, $0$ | "
           "`initial_accumulator_value`, $0.1$ | `initial_accumulator_value`, $0.1$ |")
    quoted("| default learning rate | `learning_rate`, $0.01$ | `lr`, $0.01$ | `learning_rate`, $0.001$ | "
           "`learning_rate`, none |")


# The text


def test_every_citation_and_reference_resolves():
    assert "Duchi.Hazan.Singer.2011" in CHAPTER.citations()
    CHAPTER.assert_equation_references_resolve()
    assert TEXT.count("(sec_adagrad)=") == 1
    CHAPTER.assert_section_references_resolve()


def test_exercises_have_collapsed_answers():
    CHAPTER.assert_exercises_have_collapsed_answers(5)


def test_gradient_descent_links_here():
    gd = (ROOT / "chapters" / "gd.md").read_text(encoding="utf-8")
    assert re.search(r"Adagrad\s+\(\{numref\}`sec_adagrad`\)", gd)
