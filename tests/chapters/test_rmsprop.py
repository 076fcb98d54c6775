"""The RMSProp chapter (chapters/rmsprop.md): its claims, its numbers, its outputs and figures.

As for Adagrad (see test_adagrad.py): the chapter's own 2-D trainer runs through the shim's
backend-free ``train_2d``; the executed chapter (from the book's cache) must print the quoted
numbers and draw the same shared figures in every framework; the loss records behind the training
figures come from one subprocess per framework that runs the training sections. PyTorch's
RMSprop cannot be configured to be the algorithm as written, so its gap is pinned at its measured
size instead; optax's ``eps_in_sqrt=False`` puts epsilon where PyTorch does, and must drift by the
same gaps.
"""

import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags
from d2l_shim import checks
from d2l_shim.twod import train_2d

from .chapter_runner import evaluate, run_sections
from .chapter_tools import (ROOT, RECORDS_PER_EPOCH, ChapterUnderTest, assert_each_run_draws_one_figure,
                            assert_same_losses_in_every_framework, assert_same_outputs_in_every_framework,
                            cells_matching, largest_gap, printed, second_epoch, stdout)

CHAPTER = ChapterUnderTest("rmsprop.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted

TRAINING = ("Implementation from Scratch", "Concise Implementation")


def trace(steps=20, eta=0.4, gamma=0.9, eps=1e-6):
    """The positions of ``train_2d`` with the chapter's ``rmsprop_2d``."""
    return train_2d(CHAPTER.shared_namespace(eta=eta, gamma=gamma, eps=eps)["rmsprop_2d"], steps)


def concise_settings():
    """(tags, optimizer source, hyperparameters) of every train_concise_ch11 call, in order."""
    return [(tags, args[0], args[1]) for tags, args, _ in CHAPTER.calls("train_concise_ch11")]


# The settings


def test_the_chapter_runs_the_experiments_it_discusses():
    assert re.search(r"^eta, gamma, eps = 0\.4, 0\.9, 1e-6$", TEXT, flags=re.M)
    assert "trace = d2l.train_2d(rmsprop_2d, steps=100)" in TEXT
    assert "\nhyperparams = {'lr': 0.01, 'gamma': 0.9, 'eps': 1e-6}\n" in TEXT
    assert "gammas = [0.95, 0.9, 0.8, 0.7]" in TEXT
    assert concise_settings() == [
        (("mxnet",), "rmsprop", {"learning_rate": 0.01, "gamma1": 0.9, "epsilon": 1e-6}),
        (("pytorch",), "torch.optim.RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
        (("tensorflow",), "tf.keras.optimizers.RMSprop", {"learning_rate": 0.01, "rho": 0.9, "epsilon": 1e-6}),
        (("jax",), "optax.rmsprop", {"learning_rate": 0.01, "decay": 0.9, "eps": 1e-6}),
        (("mxnet",), "rmsprop", {"learning_rate": 0.01}),
        (("pytorch",), "torch.optim.RMSprop", {"lr": 0.01}),
        (("tensorflow",), "tf.keras.optimizers.RMSprop", {"learning_rate": 0.01}),
        (("jax",), "optax.rmsprop", {"learning_rate": 0.01}),
    ]


# The algorithm and its horizon


def test_the_average_tends_to_g_squared_and_the_step_to_eta():
    s, g, gamma = 0.0, 0.7, 0.9
    for t in range(1, 200):
        s = gamma * s + (1 - gamma) * g * g
        assert s == pytest.approx((1 - gamma ** t) * g * g)
    assert 0.4 * g / math.sqrt(s + 1e-6) == pytest.approx(0.4, rel=1e-5)


def test_unrolled_average_and_its_weights():
    rng = np.random.default_rng(1)
    gs, gamma, s = rng.normal(size=30), 0.8, 0.0
    for t, g in enumerate(gs, start=1):
        s = gamma * s + (1 - gamma) * g * g
        unrolled = (1 - gamma) * sum(gamma ** tau * gs[t - 1 - tau] ** 2 for tau in range(t))
        assert s == pytest.approx(unrolled)
        assert sum((1 - gamma) * gamma ** tau for tau in range(t)) == pytest.approx(1 - gamma ** t)
    for gamma, horizon in ((0.9, 10), (0.99, 100)):
        assert 1 / (1 - gamma) == pytest.approx(horizon)
        assert math.log(gamma) == pytest.approx(-(1 - gamma), rel=0.06)
    quoted("For $\\gamma = 0.9$ it is $10$ steps, for $\\gamma = 0.99$ it is\n$100$")


def test_the_quoted_weights_of_the_figure():
    assert round(sum((1 - 0.95) * 0.95 ** tau for tau in range(40)), 2) == 0.87
    assert 0.3 * 0.7 ** 10 < 0.01
    quoted("the weight of the current gradient is $0.3$ and after ten steps the weights are\nnegligible")
    quoted("the current gradient gets only $0.05$, and the 40 weights shown add\nup to about $0.87$")


def test_the_first_step_is_larger_by_one_over_root_one_minus_gamma():
    assert round(1 / math.sqrt(1 - 0.9), 2) == 3.16 and round(1 / math.sqrt(1 - 0.99), 2) == 10
    quoted("about $3.16$ for $\\gamma = 0.9$")
    quoted("about $3.16$ for $\\gamma = 0.9$ and $10$ for\n   $\\gamma = 0.99$")
    first = trace(steps=1)[1]
    step = 0.4 / math.sqrt(0.1)
    assert first == pytest.approx((-5 + step, -2 + step), abs=1e-5)  # up to epsilon
    assert round(step, 2) == 1.26 and [round(v, 2) for v in first] == [-3.74, -0.74]
    quoted("both coordinates move by $0.4 / \\sqrt{0.1} \\approx 1.26$,\nto about $(-3.74, -0.74)$")


# Two dimensions


def test_rmsprop_in_two_dimensions():
    points = trace()
    x1, x2 = points[-1]
    assert round(x1, 3) == -0.011 and abs(x2) < 1e-13
    quoted("After 20 steps, $x_1$ is at about $-0.011$")
    quoted("where Adagrad\nat the same $\\eta$ had only reached $-2.38$")
    assert abs(x2) == pytest.approx(1e-14, rel=0.5)
    quoted("$x_2$ to about $10^{-14}$ by step 20")
    assert max(abs(p[1]) for p in points[5:]) < 1e-2, "x2 is driven to the minimum within a few steps"


def test_with_constant_eta_rmsprop_is_thrown_back_out():
    points = trace(steps=100)
    assert max(abs(p[0]) for p in points[21:]) > 0.8 and max(abs(p[1]) for p in points[21:]) > 0.8
    quoted("before step 100 each has been more than $0.8$ away from the minimum again")
    assert min(abs(p[0]) for p in points) < 1e-15
    # Why: the factor |1 - eta * 4 / sqrt(s_2 + eps)| of x2 exceeds 1 exactly when sqrt(s_2) < 0.8.
    eta, gamma, eps = 0.4, 0.9, 1e-6
    x2, s2, seen = -2.0, 0.0, set()
    for _ in range(100):
        g = 4 * x2
        s2 = gamma * s2 + (1 - gamma) * g * g
        factor = abs(1 - eta * 4 / math.sqrt(s2 + eps))
        if abs(math.sqrt(s2) - 0.8) > 1e-3:
            assert (factor > 1) == (math.sqrt(s2) < 0.8), (s2, factor)
            seen.add(factor > 1)
        x2 = x2 - eta / math.sqrt(s2 + eps) * g
    assert seen == {True, False}
    assert 0.4 * 4 / 2 == pytest.approx(0.8)
    quoted("$\\sqrt{s_{t,2}} < \\eta \\lambda / 2 = 0.8$")


def test_exercise_gamma_zero():
    points = trace(steps=20, gamma=0.0)
    assert points[12][0] == pytest.approx(-0.2, abs=1e-3)
    assert all(abs(abs(p[0]) - 0.2) < 1e-3 for p in points[12:])
    assert all(a[0] * b[0] < 0 for a, b in zip(points[12:], points[13:]))
    assert abs(points[5][1]) < 1e-6
    assert round(points[7][1], 2) == -0.24
    assert all(round(p[1], 2) in (-0.24, 0.16) for p in points[7:])
    assert 0.4 / math.sqrt(1e-6) == pytest.approx(400)
    quoted("after five steps is within $10^{-6}$ of the minimum")
    quoted("out to about $-0.24$, and from then on it alternates between about $-0.24$ and $0.16$")
    quoted("needs twelve steps to get from $-5$ to about $-0.2$")


def test_exercise_gamma_one_is_refused_by_the_shim():
    with pytest.raises(ValueError) as error:
        checks.check_hyperparams({"lr": 0.01, "gamma": 1, "eps": 1e-6})
    message = f"ValueError: {error.value}"
    assert message == "ValueError: hyperparams['gamma'] (a decay rate) must be a number in [0, 1), got 1"
    quoted(f"`{message}`")
    assert 1 / math.sqrt(1e-6) == pytest.approx(1000)


def test_exercise_weights_of_the_old_gradients():
    assert round(0.99 ** 100, 2) == 0.37 and round(0.9 ** 10, 2) == 0.35
    quoted("$0.99^{100}\n   \\approx 0.37$ and $0.9^{10} \\approx 0.35$")
    assert 0.99 ** 100 == pytest.approx(math.exp(-1), abs=0.01)


# Executed chapter


@pytest.fixture(scope="module")
def notebooks():
    return CHAPTER.executed()


def test_each_framework_prints_the_quoted_numbers(notebooks):
    for fw, notebook in notebooks.items():
        x1, x2 = trace()[-1]
        assert printed(notebook, "eta, gamma, eps = 0.4") == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n", fw
        x1, x2 = trace(steps=100)[-1]
        assert printed(notebook, "steps=100") == f"epoch 100, x1: {x1:f}, x2: {x2:f}\n", fw
        outputs = [stdout(cell) for cell in cells_matching(notebook, r"train_ch11\(|train_concise_ch11\(")]
        assert len(outputs) == 3, fw
        for output in outputs:
            assert re.fullmatch(r"loss: 0\.246, [\d.]+ sec/epoch\n", output), (fw, output)
    quoted("ends at 0.246")
    quoted("All of these runs end at a loss of\n0.246")


def test_the_gaps_printed_are_those_the_text_quotes(notebooks):
    defaults = {"mxnet": "6.8e-04", "pytorch": "7.7e-02", "tensorflow": "5.8e-04", "jax": "6.8e-04"}
    for fw, notebook in notebooks.items():
        [matching, default] = [stdout(cell) for cell in cells_matching(notebook, re.escape("print(f'largest gap"))]
        value = float(re.fullmatch(r"largest gap to the run from scratch: (\S+)\n", matching).group(1))
        if fw == "pytorch":
            assert value == 6.9e-4
        else:
            assert value < 1e-7, (fw, matching)
        assert default == f"largest gap to the run from scratch: {defaults[fw]}\n", fw
    assert sorted(notebooks) == sorted(FRAMEWORKS.names)
    quoted("Gluon, Keras and optax retrace our run to float32 rounding, with gaps of $10^{-7}$ or less; the Keras\n"
           "run is even the same bit for bit")
    quoted("by up to $6.9 \\cdot 10^{-4}$")
    quoted("by up to $6.8 \\cdot 10^{-4}$ and $5.8 \\cdot 10^{-4}$")
    quoted("Optax's defaults are\nGluon's, and so is its gap, $6.8 \\cdot 10^{-4}$")
    quoted("the gap grows to $7.7 \\cdot 10^{-2}$")


def test_every_figure_outside_training_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=3, which="the shared cells outside the training runs",
        keep=lambda cell: not framework_tags(cell) and "train_ch11(" not in cell.source
        and "largest_gap(" not in cell.source)


def test_every_training_run_draws_its_loss_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"train_ch11\(|train_concise_ch11\(", runs=3)


# Training runs, recomputed


@pytest.fixture(scope="module")
def runs():
    return run_sections(CHAPTER, TRAINING, {
        "scratch": "[float(x) for x in losses_rmsprop]",
        "concise": "[float(x) for x in losses_concise]",
        "default": "[float(x) for x in losses_default]",
        "torch_eps_root": "[float(x) for x in d2l.train_concise_ch11(torch.optim.RMSprop, "
                          "{'lr': 0.01, 'alpha': 0.9, 'eps': 1e-3}, data_iter)[1]] "
                          "if 'torch' in dir() else None",
        # JAX only: optax with epsilon outside the root, as PyTorch has it, at our eps and at its root.
        **{name: "[float(x) for x in d2l.train_concise_ch11(optax.rmsprop, "
                 f"{{'learning_rate': 0.01, 'decay': 0.9, 'eps': {eps}, 'eps_in_sqrt': False}}, data_iter)[1]] "
                 "if 'optax' in dir() else None"
           for name, eps in (("optax_eps_outside", "1e-6"), ("optax_eps_root", "1e-3"))},
    })


def test_the_loss_curve_is_what_the_text_describes(runs):
    for fw, run in runs.items():
        losses = run["scratch"]
        assert len(losses) == 2 * RECORDS_PER_EPOCH + 1, fw
        assert round(losses[0], 3) == 0.350, fw
        second = second_epoch(losses)
        assert 0.242 < min(second) and max(second) < 0.250, fw
        assert round(losses[-1], 3) == 0.246, fw
        assert round(run["default"][-1], 3) == 0.246 and round(run["concise"][-1], 3) == 0.246, fw
    assert round(runs["pytorch"]["default"][0], 3) == 0.273
    quoted("The loss is at 0.350 after the first 200 examples and ends at 0.246")
    quoted("it\nmoves between 0.242 and 0.250")
    quoted("After\n200 examples its loss is already 0.273, where ours is at 0.350")


def test_runs_from_scratch_agree_across_frameworks(runs):
    assert_same_losses_in_every_framework(runs, ["scratch"], atol=1e-5)


def test_gluon_keras_and_optax_are_the_algorithm_pytorch_is_not(runs):
    gaps = {fw: largest_gap(run["concise"], run["scratch"]) for fw, run in runs.items()}
    assert sorted(gaps) == sorted(FRAMEWORKS.names)
    for fw in ("mxnet", "tensorflow", "jax"):
        assert gaps[fw] < 1e-4 and gaps[fw] < 1e-7, (fw, gaps[fw])
    assert gaps["tensorflow"] == 0.0
    # PyTorch: eps outside the root; the gap is pinned at its measured size.
    assert float(f"{gaps['pytorch']:.1e}") == 6.9e-4 and gaps["pytorch"] > 1e-4
    assert round(gaps["pytorch"] / 1e-4) == 7
    quoted("seven times the $10^{-4}$")
    ratios = [math.sqrt(s + 1e-6) / (math.sqrt(s) + 1e-6) for s in [0.0, *np.logspace(-14, 2, 400)]]
    assert max(ratios) == pytest.approx(1000, rel=0.01) and min(ratios) >= 1 - 1e-5
    quoted("differ by up to a factor of about $1000$")


def test_optax_with_eps_outside_the_root_drifts_like_pytorch(runs):
    outside = largest_gap(runs["jax"]["optax_eps_outside"], runs["jax"]["scratch"])
    torch_gap = largest_gap(runs["pytorch"]["concise"], runs["pytorch"]["scratch"])
    assert float(f"{outside:.1e}") == float(f"{torch_gap:.1e}") == 6.9e-4
    assert all(runs[fw]["optax_eps_outside"] is None for fw in FRAMEWORKS.names if fw != "jax")
    quoted("Optax with `eps_in_sqrt=False` and the same numbers drifts from ours by the same\n"
           "$6.9 \\cdot 10^{-4}$")


def test_exercise_pytorch_eps_at_the_root_of_ours(runs):
    run = runs["pytorch"]
    gap = largest_gap(run["torch_eps_root"], run["scratch"])
    assert float(f"{gap:.1e}") == 1.4e-4 and gap > 1e-4
    assert all(runs[fw]["torch_eps_root"] is None for fw in FRAMEWORKS.names if fw != "pytorch")
    quoted("The gap shrinks from $6.9 \\cdot 10^{-4}$ to $1.4 \\cdot 10^{-4}$, closer but still larger than\n"
           "   $10^{-4}$")


def test_exercise_optax_gives_the_same_two_gaps_as_pytorch(runs):
    scratch = {fw: runs[fw]["scratch"] for fw in ("pytorch", "jax")}
    pytorch = [largest_gap(runs["pytorch"][name], scratch["pytorch"]) for name in ("concise", "torch_eps_root")]
    optax = [largest_gap(runs["jax"][name], scratch["jax"]) for name in ("optax_eps_outside", "optax_eps_root")]
    assert [float(f"{gap:.1e}") for gap in optax] == [float(f"{gap:.1e}") for gap in pytorch] == [6.9e-4, 1.4e-4]
    assert all(runs[fw]["optax_eps_root"] is None for fw in FRAMEWORKS.names if fw != "jax")
    quoted("in PyTorch or with\n   optax's `eps_in_sqrt=False`")
    quoted("PyTorch and optax\n   give the same two gaps.")


def test_each_builtin_with_its_defaults_drifts_by_the_quoted_amount(runs):
    quoted_gaps = {"mxnet": 6.8e-4, "pytorch": 7.7e-2, "tensorflow": 5.8e-4, "jax": 6.8e-4}
    assert sorted(runs) == sorted(quoted_gaps)
    for fw, run in runs.items():
        gap = largest_gap(run["default"], run["scratch"])
        assert float(f"{gap:.1e}") == quoted_gaps[fw], (fw, gap)


def test_the_table_of_defaults_is_right():
    values = evaluate({
        "mxnet": {name: f"getattr(mx.optimizer.create('rmsprop'), {name!r})"
                  for name in ("lr", "gamma1", "epsilon", "centered")},
        "pytorch": {"defaults": "torch.optim.RMSprop(params).defaults"},
        "tensorflow": {"lr": "float(tf.keras.optimizers.RMSprop().learning_rate)",
                       "rho": "tf.keras.optimizers.RMSprop().rho",
                       "eps": "tf.keras.optimizers.RMSprop().epsilon",
                       "momentum": "tf.keras.optimizers.RMSprop().momentum",
                       "centered": "tf.keras.optimizers.RMSprop().centered"},
        "jax": {"defaults": "{name: None if p.default is p.empty else p.default for name, p in "
                            "__import__('inspect').signature(optax.rmsprop).parameters.items()}",
                # One step from s_0 = 0 with g = 0.1, eps = 0.01 and learning rate 1: s_1 = 0.001, and
                # the update is -g / sqrt(s_1 + eps) with eps inside the root, -g / (sqrt(s_1) + eps)
                # outside.
                **{name: f"float(optax.rmsprop(learning_rate=1.0, eps=0.01{keyword})"
                         ".update(jax.numpy.array([0.1]), optax.rmsprop(learning_rate=1.0)"
                         ".init(jax.numpy.zeros(1)))[0][0])"
                   for name, keyword in (("default", ""), ("inside", ", eps_in_sqrt=True"),
                                         ("outside", ", eps_in_sqrt=False"))}},
    })
    assert values["mxnet"] == {"lr": 0.001, "gamma1": 0.9, "epsilon": 1e-8, "centered": False}
    d = values["pytorch"]["defaults"]
    assert (d["lr"], d["alpha"], d["eps"], d["momentum"], d["centered"]) == (0.01, 0.99, 1e-8, 0, False)
    tf_values = values["tensorflow"]
    assert tf_values["lr"] == pytest.approx(0.001)
    assert (tf_values["rho"], tf_values["eps"], tf_values["momentum"], tf_values["centered"]) == (
        0.9, 1e-7, 0.0, False)
    jax_values = values["jax"]
    assert jax_values["defaults"] == {
        "learning_rate": None, "decay": 0.9, "eps": 1e-8, "initial_scale": 0.0, "eps_in_sqrt": True,
        "centered": False, "momentum": None, "nesterov": False, "bias_correction": False}
    inside, outside = -0.1 / math.sqrt(0.001 + 0.01), -0.1 / (math.sqrt(0.001) + 0.01)
    assert jax_values["default"] == jax_values["inside"] == pytest.approx(inside, rel=1e-6)
    assert jax_values["outside"] == pytest.approx(outside, rel=1e-6) and outside != pytest.approx(inside, rel=1e-3)
    quoted("| | Gluon `'rmsprop'` | `torch.optim.RMSprop` | `tf.keras.optimizers.RMSprop` | `optax.rmsprop` |")
    quoted("| denominator | $\\sqrt{s_t + \\epsilon}$ | $\\sqrt{s_t} + \\epsilon$ | $\\sqrt{s_t + \\epsilon}$ | "
           "$\\sqrt{s_t + \\epsilon}$ |")
    quoted("| name and default of $\\gamma$ | `gamma1`, $0.9$ | `alpha`, $0.99$ | `rho`, $0.9$ | `decay`, $0.9$ |")
    quoted("| name and default of $\\epsilon$ | `epsilon`, $10^{-8}$ | `eps`, $10^{-8}$ | `epsilon`, $10^{-7}$ | "
           "`eps`, $10^{-8}$ |")
    quoted("| default learning rate | `learning_rate`, $0.001$ | `lr`, $0.01$ | `learning_rate`, $0.001$ | "
           "`learning_rate`, none |")
    quoted("All four start the average at $s_0 = 0$ (optax calls it `initial_scale`) and, by default, use\n"
           "neither momentum nor the \"centered\" variant")
    quoted("Optax is the only one that offers both placements: with\n"
           "`eps_in_sqrt=False` it puts $\\epsilon$ outside the root, as PyTorch does.")
    quoted("Gluon, Keras and optax implement the algorithm as written (optax puts $\\epsilon$ outside the root\n"
           "  if asked, with `eps_in_sqrt=False`)")
    quoted("(Keras: `rho`, Gluon: `gamma1`,\n  optax: `decay`, all $0.9$)")
    assert 1 / (1 - 0.99) == pytest.approx(10 / (1 - 0.9))
    quoted("whose horizon of $100$ steps is ten times that of the other three")


# The text


def test_every_citation_and_reference_resolves():
    assert "Tieleman.Hinton.2012" in CHAPTER.citations()
    CHAPTER.assert_equation_references_resolve()
    assert TEXT.count("(sec_rmsprop)=") == 1
    CHAPTER.assert_section_references_resolve()


def test_exercises_have_collapsed_answers():
    CHAPTER.assert_exercises_have_collapsed_answers(5)


def test_rmsprop_follows_adagrad_in_the_book():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "chapters/momentum\n      - file: chapters/adagrad\n      - file: chapters/rmsprop\n" in toc
