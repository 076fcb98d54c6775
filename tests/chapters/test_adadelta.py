"""The Adadelta chapter (chapters/adadelta.md): its analysis, its numbers, its runs and the built-ins.

The chapter's backend-free ``adadelta_rule`` and ``step_sizes`` are taken from its source and
checked against an independent NumPy implementation of Zeiler's algorithm. The book's pipeline
executes the chapter per framework: what it prints must be what the text quotes, and its shared
figure must be the same in every framework. The loss curves and facts about each framework's
own Adadelta come from one subprocess per framework (see ``chapter_runs``).
"""

import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags

from .chapter_runner import run_chapter
from .chapter_tools import (RECORDS_PER_EPOCH, ChapterUnderTest, assert_each_run_draws_one_figure,
                            assert_same_losses_in_every_framework, assert_same_outputs_in_every_framework,
                            cells_matching, largest_gap, printed, second_epoch, stdout)

CHAPTER = ChapterUnderTest("adadelta.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted
RUNS = ("losses_adadelta", "losses_adadelta_eps4", "losses_concise", "losses_lr")


shared = CHAPTER.shared_namespace


NAMESPACE = shared()
RULE, STEP_SIZES = NAMESPACE["adadelta_rule"], NAMESPACE["step_sizes"]


def zeiler(grads, rho, eps):
    """Adadelta as Zeiler (2012) writes it, in float64: the updates for a sequence of gradients."""
    s = delta = np.zeros_like(grads[0], dtype=np.float64)
    updates = []
    for g in grads:
        s = rho * s + (1 - rho) * g ** 2
        update = np.sqrt(delta + eps) / np.sqrt(s + eps) * g
        delta = rho * delta + (1 - rho) * update ** 2
        updates.append(update)
    return updates


# Settings


def test_the_chapter_runs_the_experiments_it_discusses():
    assert [args for _, args, _ in CHAPTER.calls("train_adadelta")] == [[0.9, 1e-5], [0.9, 1e-4]]
    concise = [(tags, args[:2]) for tags, args, _ in CHAPTER.calls("train_concise_ch11")]
    assert concise == [
        (("mxnet",), ["adadelta", {"rho": 0.9, "epsilon": 1e-5}]),
        (("pytorch",), ["torch.optim.Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-5}]),
        (("tensorflow",), ["tf.keras.optimizers.Adadelta",
                           {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-5}]),
        (("jax",), ["optax.adadelta", {"learning_rate": 1.0, "rho": 0.9, "eps": 1e-5}]),
        (("mxnet",), ["adadelta", {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-5}]),
        (("pytorch",), ["torch.optim.Adadelta", {"lr": 0.001, "rho": 0.9, "eps": 1e-5}]),
        (("tensorflow",), ["tf.keras.optimizers.Adadelta",
                           {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-5}]),
        (("jax",), ["optax.adadelta", {"learning_rate": 0.001, "rho": 0.9, "eps": 1e-5}])]
    quoted("We take $\\rho = 0.9$,\nwhich averages over about $1 / (1 - 0.9) = 10$ steps, "
           "and $\\epsilon = 10^{-5}$.")


# The algorithm


def test_the_rule_is_zeilers_algorithm():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(60, 5)) * rng.choice([1e-4, 1.0, 50.0], size=(60, 1))
    s = delta = np.zeros(5)
    for g, expected in zip(grads, zeiler(grads, 0.9, 1e-5)):
        s, delta, step = RULE(g, s, delta, {'rho': 0.9, 'eps': 1e-5})
        assert np.allclose(step, expected, rtol=1e-12, atol=0)


def test_the_first_step_is_set_by_epsilon():
    for g in (0.5, -3.0, 100.0):
        first = STEP_SIZES(g, 1, rho=0.9, eps=1e-5)[0]
        assert first == pytest.approx(math.sqrt(1e-5) / math.sqrt(0.1 * g * g + 1e-5) * abs(g))
        assert first == pytest.approx(0.01, rel=2e-3)
    quoted("the first step is $\\sqrt{10^{-4}} = 0.01$ per\ncoordinate, whatever the size of the gradient, "
           "as long as it is well above 0.01")
    assert STEP_SIZES(0.001, 1, rho=0.9, eps=1e-5)[0] < 0.001, "a gradient below 0.01 moves less"


def test_the_growth_of_the_steps_on_a_constant_gradient():
    sizes = STEP_SIZES(1.0, 1000, rho=0.9, eps=1e-5)

    def estimate(t):
        return math.sqrt(1e-5 * (1 / (1 - 0.9) + (1 - 0.9) * t))

    assert [round(sizes[t - 1], 4) for t in (1, 100, 1000)] == [0.0100, 0.0147, 0.0334]
    assert all(abs(sizes[t - 1] / estimate(t) - 1) < 0.05 for t in range(100, 1001))
    assert all(b > a for a, b in zip(sizes, sizes[1:])), "the steps keep growing"
    # once s has settled, delta grows by (1 - rho) eps per step
    s = delta = 0.0
    deltas = []
    for _ in range(1000):
        s, delta, _ = RULE(1.0, s, delta, {'rho': 0.9, 'eps': 1e-5})
        deltas.append(delta)
    assert np.allclose(np.diff(deltas[200:]), 0.1 * 1e-5, rtol=1e-3)
    # ten times the epsilon: sqrt(10) times the step, at every t
    for small, large in [(1e-6, 1e-5), (1e-5, 1e-4)]:
        ratio = np.array(STEP_SIZES(1.0, 1000, rho=0.9, eps=large)) / STEP_SIZES(1.0, 1000, rho=0.9, eps=small)
        assert np.allclose(ratio, math.sqrt(10), rtol=5e-3)
    # the scale of the gradient does not matter while it is large
    assert np.allclose(STEP_SIZES(100.0, 300, rho=0.9, eps=1e-5), STEP_SIZES(1.0, 300, rho=0.9, eps=1e-5), rtol=1e-3)
    for claim in ("the step is 0.0100 at the first step, 0.0147 after 100 steps and 0.0334\nafter 1000",
                  "within 5% of the estimate", "$\\sqrt{10} \\approx 3.16$ times the step, to within half a percent at every $t$",
                  "\\Delta x_t - \\Delta x_{t-1} \\approx (1 - \\rho)\\, \\epsilon"):
        quoted(claim)


def test_small_gradients_pass_through():
    sizes = STEP_SIZES(1e-3, 1000, rho=0.9, eps=1e-5)
    assert np.allclose(sizes, 1e-3, rtol=0.01)
    quoted("A coordinate whose gradient stays at $10^{-3}$ moves by $10^{-3}$ at every step, for a thousand\nsteps")


def test_the_answers_to_the_exercises():
    # rho = 0.99: first step sqrt(10) times larger, slower growth
    first_99 = STEP_SIZES(1.0, 1, rho=0.99, eps=1e-5)[0]
    assert first_99 / STEP_SIZES(1.0, 1, rho=0.9, eps=1e-5)[0] == pytest.approx(math.sqrt(10), rel=1e-3)
    # bias-corrected s: first step about sqrt(eps)
    g = 2.0
    corrected_first = math.sqrt(1e-5) * g / math.sqrt(g * g + 1e-5)
    assert round(corrected_first, 5) == 0.00316
    assert corrected_first / STEP_SIZES(g, 1, rho=0.9, eps=1e-5)[0] == pytest.approx(1 / math.sqrt(10), rel=1e-3)
    # scaling the loss does not change the steps while epsilon is negligible
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(50, 3)) * 10
    base = zeiler(grads, 0.9, 0.0)
    s = delta = np.zeros(3)
    for g, expected in zip(grads * 7.0, base):
        s, delta, step = RULE(g, s, delta, {'rho': 0.9, 'eps': 0.0})
        assert np.allclose(step, expected)
    for claim in ("\\approx \\sqrt{\\epsilon} \\approx 0.00316", "about a third of the uncorrected 0.01",
                  "$s_1 = (1 - \\rho) g^2$, ten times too small for $\\rho = 0.9$"):
        quoted(claim)


# What the book prints and draws


@pytest.fixture(scope="module")
def notebooks():
    return CHAPTER.executed()


def test_each_framework_prints_the_quoted_numbers(notebooks):
    expected = ("t = 1: step 0.0100, estimate 0.0100\n"
                "t = 100: step 0.0147, estimate 0.0141\n"
                "t = 1000: step 0.0334, estimate 0.0332\n")
    ends = {"train_adadelta(0.9, 1e-5)": "0.244", "train_adadelta(0.9, 1e-4)": "0.255"}
    for fw, notebook in notebooks.items():
        assert printed(notebook, "estimate {estimate") == expected, fw
        assert printed(notebook, "step_sizes(1e-3,") == "[0.000995, 0.001, 0.001, 0.001]\n", fw
        for snippet, value in ends.items():
            assert re.fullmatch(rf"loss: {value}, [\d.]+ sec/epoch\n", printed(notebook, snippet)), (fw, snippet)
        outs = [stdout(cell) for cell in cells_matching(notebook, re.escape("train_concise_ch11("))]
        wanted = ["0.244", "0.244" if fw == "mxnet" else "0.488"]
        assert [re.match(r"loss: ([\d.]+),", out).group(1) for out in outs] == wanted, fw
    for claim in ("ends at 0.244. Since", "the run ends at 0.255", "they end at 0.244",
                  "retraces the run above,\nending at 0.244"):
        quoted(claim)


def test_the_shared_figure_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=1, which="the shared cells outside training",
        keep=lambda cell: not framework_tags(cell) and "train_adadelta(" not in cell.source)


def test_every_training_run_draws_its_loss_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"train_adadelta\(\d|train_concise_ch11\(", runs=4)


# The runs, and the frameworks' own Adadelta

FACTS = {
    "mxnet": """
import inspect, mxnet
_sig = inspect.signature(mxnet.optimizer.AdaDelta.__init__).parameters
_moved = []
for _lr in (1.0, 0.001):
    _opt = mxnet.optimizer.AdaDelta(learning_rate=_lr, rho=0.9, epsilon=1e-5)
    _w = mxnet.nd.zeros(1)
    _state = _opt.create_state(0, _w)
    for _ in range(3):
        _opt.update(0, _w, mxnet.nd.array([0.5]), _state)
    _moved.append(float(_w.asnumpy()[0]))
facts = {'defaults': [_sig['rho'].default, _sig['epsilon'].default], 'moved': _moved}
""",
    "pytorch": """
import inspect
_sig = inspect.signature(torch.optim.Adadelta.__init__).parameters
_p = torch.nn.Parameter(torch.zeros(1))
_opt = torch.optim.Adadelta([_p], lr=0.5, rho=0.9, eps=1e-5)
_p.grad = torch.full((1,), 2.0)
_opt.step()
_unscaled = (1e-5 / (0.1 * 4.0 + 1e-5)) ** 0.5 * 2.0
_, losses_eps10 = d2l.train_concise_ch11(torch.optim.Adadelta, {'lr': 0.001, 'rho': 0.9, 'eps': 10.0}, data_iter)
facts = {'defaults': [_sig['lr'].default, _sig['rho'].default, _sig['eps'].default],
         'moved_over_unscaled': -_p.item() / _unscaled,
         'acc_delta_over_unscaled': _opt.state[_p]['acc_delta'].item() / (0.1 * _unscaled ** 2),
         'eps10_end': losses_eps10[-1]}
""",
    "tensorflow": """
import inspect
_sig = inspect.signature(tf.keras.optimizers.Adadelta.__init__).parameters
_v = tf.Variable([0.0])
_opt = tf.keras.optimizers.Adadelta(learning_rate=0.5, rho=0.9, epsilon=1e-5)
_opt.apply_gradients([(tf.constant([2.0]), _v)])
_unscaled = (1e-5 / (0.1 * 4.0 + 1e-5)) ** 0.5 * 2.0
_acc = [var for var in _opt.variables if 'accumulated_delta_var' in var.path][0]
facts = {'defaults': [_sig['learning_rate'].default, _sig['rho'].default, _sig['epsilon'].default],
         'moved_over_unscaled': -float(_v.numpy()[0]) / _unscaled,
         'acc_delta_over_unscaled': float(_acc.numpy()[0]) / (0.1 * _unscaled ** 2)}
""",
    "jax": """
import inspect
_sig = inspect.signature(optax.adadelta).parameters
_unscaled = (1e-5 / (0.1 * 4.0 + 1e-5)) ** 0.5 * 2.0
def _first_update(**lr):
    _opt = optax.adadelta(rho=0.9, eps=1e-5, **lr)
    _p = jnp.zeros(1)
    _update, _state = _opt.update(jnp.array([2.0]), _opt.init(_p), _p)
    _acc = optax.tree_utils.tree_get(_state, 'e_x')
    return float(optax.apply_updates(_p, _update)[0]), float(_acc[0])
_moved, _acc = _first_update(learning_rate=0.5)
_moved_default, _ = _first_update()
_, losses_default = d2l.train_concise_ch11(optax.adadelta, {'rho': 0.9, 'eps': 1e-5}, data_iter)
facts = {'defaults': [_sig['learning_rate'].default, _sig['rho'].default, _sig['eps'].default],
         'moved_over_unscaled': -_moved / _unscaled,
         'acc_delta_over_unscaled': _acc / (0.1 * _unscaled ** 2),
         'default_moved_over_unscaled': -_moved_default / _unscaled,
         'default_losses': losses_default}
""",
}


@pytest.fixture(scope="module")
def runs():
    return run_chapter(CHAPTER, RUNS + ("facts",), extra=FACTS)


def test_the_loss_curves_are_what_the_text_describes(runs):
    for fw, result in runs.items():
        main, eps4, lr = (result[name] for name in ("losses_adadelta", "losses_adadelta_eps4", "losses_lr"))
        assert all(len(result[name]) == 2 * RECORDS_PER_EPOCH + 1 for name in RUNS), fw
        assert round(main[0], 3) == 0.395, fw
        assert main[5] > 0.25 > main[6] and max(main[6:]) < 0.25, fw  # below 0.25 after 1400 examples
        assert 0.243 < min(second_epoch(main)) and max(second_epoch(main)) < 0.249, fw
        assert round(main[-1], 3) == 0.244, fw
        assert round(eps4[0], 3) == 0.299 and round(eps4[-1], 3) == 0.255, fw
        assert 0.242 < min(second_epoch(eps4)) and round(max(second_epoch(eps4)), 3) == 0.258 < 0.259, fw
        if fw != "mxnet":
            assert round(lr[0], 3) == 0.490 and round(lr[-1], 3) == 0.488, fw
    for claim in ("the loss is still 0.395 after 200 examples", "falls below 0.25 after\n1400 examples",
                  "stays between 0.243 and 0.249 during the second epoch",
                  "to 0.299 after 200 examples", "it wanders between 0.242\nand 0.259",
                  "creeps from 0.490 after 200 examples to\n0.488 after two epochs"):
        quoted(claim)


def test_the_from_scratch_runs_agree_across_frameworks(runs):
    assert_same_losses_in_every_framework(
        runs, ("losses_adadelta", "losses_adadelta_eps4", "losses_concise"), atol=1e-5)


def test_the_built_ins_are_the_same_algorithm(runs):
    assert sorted(runs) == sorted(FRAMEWORKS.names) and len(runs) == 4
    for fw, result in runs.items():
        gap = largest_gap(result["losses_concise"], result["losses_adadelta"])
        assert gap < 1e-7, (fw, gap)
        assert round(result["losses_concise"][-1], 3) == 0.244, fw
    quoted("All four trace our implementation: they end at 0.244, and their recorded losses agree with ours\n"
           "to within $10^{-7}$. Now the same request in the four frameworks")
    quoted("All four frameworks have Adadelta built in (JAX through the optax library)")
    quoted("With `lr=1.0` (PyTorch) or\n  `learning_rate=1.0` (Keras, optax), and the same $\\rho$ and $\\epsilon$, "
           "all four frameworks\n  compute our algorithm.")


def test_what_a_learning_rate_does_in_each_framework(runs):
    assert set(runs) == set(FRAMEWORKS.names) == {"mxnet", "pytorch", "tensorflow", "jax"}
    mxnet, torch = runs["mxnet"], runs["pytorch"]
    # Gluon ignores it, in the run and in a direct update
    assert largest_gap(mxnet["losses_lr"], mxnet["losses_adadelta"]) < 1e-7
    assert mxnet["facts"]["moved"][0] == mxnet["facts"]["moved"][1] != 0
    # PyTorch, Keras and optax: the same method as each other, far from Adadelta
    for fw in ("tensorflow", "jax"):
        assert np.allclose(runs[fw]["losses_lr"], torch["losses_lr"], rtol=0, atol=1e-5), fw
    assert largest_gap(torch["losses_lr"], torch["losses_adadelta"]) > 0.2
    # ... which scales the step taken, not the accumulated update
    for fw in ("pytorch", "tensorflow", "jax"):
        assert runs[fw]["facts"]["moved_over_unscaled"] == pytest.approx(0.5, rel=1e-5), fw
        assert runs[fw]["facts"]["acc_delta_over_unscaled"] == pytest.approx(1.0, rel=1e-5), fw
    # optax's learning_rate=None drops the scaling by -eta, sign included: it climbs the loss
    jax = runs["jax"]["facts"]
    assert jax["default_moved_over_unscaled"] == pytest.approx(-1.0, rel=1e-5)
    default = jax["default_losses"]
    assert len(default) == 2 * RECORDS_PER_EPOCH + 1
    assert all(b > a for a, b in zip(default, default[1:])) and default[-1] > 2 * default[0], default
    quoted("`None` leaves this stage out, the\nchange of sign included, so `optax.adadelta()` with its "
           "defaults returns $+\\mathbf{g}_t'$ and\nclimbs the loss")
    # the first steps with lr 0.001 are about 1e-5
    assert 0.001 * STEP_SIZES(1.0, 1, rho=0.9, eps=1e-5)[0] == pytest.approx(1e-5, rel=1e-3)
    # a larger epsilon does not repair it
    end = torch["facts"]["eps10_end"]
    assert round(end, 3) == float(re.search(r"`lr=0.001, eps=10` ends at a loss of ([\d.]+)", TEXT).group(1))
    assert end - torch["losses_adadelta"][-1] > 0.05
    quoted("$10^{-5}$ per coordinate at first")


def test_the_table_of_defaults(runs):
    assert runs["mxnet"]["facts"]["defaults"] == [0.9, 1e-5]
    assert runs["pytorch"]["facts"]["defaults"] == [1.0, 0.9, 1e-6]
    assert runs["tensorflow"]["facts"]["defaults"] == [0.001, 0.95, 1e-7]
    assert runs["jax"]["facts"]["defaults"] == [None, 0.9, 1e-6]
    quoted("in PyTorch that is `lr=1.0`, in Keras and\noptax it has to be asked for explicitly, as `learning_rate=1.0`")
    for row in ("| decay rate | `rho=0.9` | `rho=0.9` | `rho=0.95` | `rho=0.9` |",
                "| $\\epsilon$ | `epsilon=1e-5` | `eps=1e-6` | `epsilon=1e-7` | `eps=1e-6` |",
                "| learning rate | ignored | `lr=1.0` | `learning_rate=0.001` | `learning_rate=None` |",
                "| the learning rate scales | nothing" + " | the step taken, not $\\Delta\\mathbf{x}$" * 3 + " |"):
        quoted(row)


# The text


def test_references_labels_and_markers():
    keys = CHAPTER.citations()
    assert "Zeiler.2012" in keys
    CHAPTER.assert_equation_references_resolve()
    assert TEXT.count("(sec_adadelta)=") == 1
    assert "TODO" not in TEXT and "<!--" not in TEXT
    CHAPTER.assert_exercises_have_collapsed_answers(5)
