"""The Adam chapter (chapters/adam.md): its derivations, its numbers, its runs and the built-ins.

The chapter's backend-free functions (``adam_rule``, ``yogi_rule``, ``uncorrected_ratio``,
``first_step``) are taken from its source and checked against independent NumPy computations.
The book's pipeline executes the chapter per framework: what it prints must be what the text
quotes, and its shared figures must be the same in every framework. The loss curves and facts
about each framework's own Adam come from one subprocess per framework (see ``chapter_runs``).
"""

import ast
import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags

from .chapter_runner import run_chapter
from .chapter_tools import (ROOT, RECORDS_PER_EPOCH, ChapterUnderTest, assert_each_run_draws_one_figure,
                            assert_same_losses_in_every_framework, assert_same_outputs_in_every_framework,
                            largest_gap, printed, second_epoch)

CHAPTER = ChapterUnderTest("adam.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted
RUNS = ("losses_adam", "losses_uncorrected", "losses_concise", "losses_yogi")


# Reading the chapter


shared = CHAPTER.shared_namespace


def defaults_of_train_adaptive():
    """The hyperparameter dictionary literal that train_adaptive starts from."""
    [cell] = [cell for cell in CHAPTER.code_cells() if "def train_adaptive" in cell.source]
    for node in ast.walk(ast.parse(cell.source)):
        if isinstance(node, ast.Dict) and None in node.keys:
            return {ast.literal_eval(k): ast.literal_eval(v) for k, v in zip(node.keys, node.values)
                    if k is not None}
    raise AssertionError("train_adaptive should start from a dict literal")


def rule_steps(rule, grads, sign=np.sign, **hyperparams):
    """Apply a rule of the chapter to a sequence of gradients; return the steps and the states."""
    hp = {'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 't': 0, **hyperparams}
    v = s = np.zeros_like(np.asarray(grads[0], dtype=np.float64))
    steps, states = [], []
    for g in grads:
        hp['t'] += 1
        v, s, step = rule(np.asarray(g, dtype=np.float64), v, s, hp)
        steps.append(step)
        states.append((v, s))
    return steps, states


ADAM = shared()["adam_rule"]


# Settings


def test_the_chapter_runs_the_experiments_it_discusses():
    assert defaults_of_train_adaptive() == {'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999,
                                            'eps': 1e-8, 't': 0}
    runs = [(args, kwargs) for _, args, kwargs in CHAPTER.calls("train_adaptive")]
    assert runs == [(["adam_rule"], {}), (["adam_rule"], {"correct": False}),
                    (["yogi_rule"], {"eps": 1e-3})]
    concise = {tags: args[:2] for tags, args, _ in CHAPTER.calls("train_concise_ch11")}
    assert concise == {("mxnet",): ["adam", {"learning_rate": 0.01}],
                       ("pytorch",): ["torch.optim.Adam", {"lr": 0.01}],
                       ("tensorflow",): ["tf.keras.optimizers.Adam",
                                         {"learning_rate": 0.01, "epsilon": 1e-8}],
                       ("jax",): ["optax.adam", {"learning_rate": 0.01}]}
    assert [args for _, args, _ in CHAPTER.calls("get_data_ch11")] == [[]]
    assert "batch_size=10" in TEXT


# The algorithm and its bias correction


def test_the_rule_is_the_algorithm_as_written():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(50, 4))
    steps, states = rule_steps(ADAM, grads)
    v = s = np.zeros(4)
    for t, (g, step, (v_rule, s_rule)) in enumerate(zip(grads, steps, states), start=1):
        v, s = 0.9 * v + 0.1 * g, 0.999 * s + 0.001 * g ** 2
        expected = 0.01 * (v / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        assert np.allclose(v_rule, v) and np.allclose(s_rule, s)
        assert np.allclose(step, expected, rtol=1e-12, atol=0)


def test_the_weights_of_the_averages_add_up_to_one_minus_beta_to_the_t():
    for beta in (0.9, 0.999):
        for t in (1, 2, 10, 300):
            assert (1 - beta) * sum(beta ** (t - i) for i in range(1, t + 1)) == pytest.approx(1 - beta ** t)
    # E[s_t] = (1 - beta2^t) sigma^2: averaged over many random gradient sequences
    rng = np.random.default_rng(1)
    sigma, t = 0.7, 40
    grads = rng.normal(0, sigma, size=(t, 200_000))
    _, states = rule_steps(ADAM, grads)
    for step in (1, 10, 40):
        mean_s = states[step - 1][1].mean()
        assert mean_s == pytest.approx((1 - 0.999 ** step) * sigma ** 2, rel=0.02)
    quoted("E[\\mathbf{s}_t] = (1 - \\beta_2) \\sum_{i=1}^{t} \\beta_2^{t-i}\\, \\boldsymbol{\\sigma}^2\n"
           "= (1 - \\beta_2^t)\\, \\boldsymbol{\\sigma}^2")


def test_corrected_moments_of_a_constant_gradient_are_the_gradient_and_its_square():
    g = np.array([0.3, -2.0, 1e-3])
    steps, states = rule_steps(ADAM, [g] * 30)
    for t, ((v, s), step) in enumerate(zip(states, steps), start=1):
        assert np.allclose(v / (1 - 0.9 ** t), g) and np.allclose(s / (1 - 0.999 ** t), g ** 2)
        assert np.allclose(step, 0.01 * g / (np.abs(g) + 1e-8))
    assert np.allclose(np.abs(steps[0]), 0.01, rtol=1e-4), "the first step moves each coordinate by eta"
    assert 0.999 * 0 + 0.001 * 1 == pytest.approx(1 / 1000), "s_1 is a thousandth of g_1^2"


def test_the_uncorrected_first_step_and_the_ratio():
    g = np.array([0.3, -2.0, 5.0])
    corrected, _ = rule_steps(ADAM, [g] * 300, eps=0.0)  # "ignoring epsilon"
    uncorrected, _ = rule_steps(ADAM, [g] * 300, eps=0.0, correct=False)
    ratio = shared()["uncorrected_ratio"]
    for t in (1, 2, 12, 100, 300):
        assert np.allclose(uncorrected[t - 1] / corrected[t - 1], ratio(t, 0.9, 0.999), rtol=1e-6)
    assert round(0.1 / math.sqrt(0.001), 2) == 3.16
    quoted("$\\eta \\cdot 0.1\\, g / (\\sqrt{0.001}\\, |g|)$, which is $3.16\\eta$ per coordinate")


def ratio_facts(beta2):
    r = [(1 - 0.9 ** t) / math.sqrt(1 - beta2 ** t) for t in range(1, 10_001)]
    peak = max(range(10_000), key=r.__getitem__)
    return r, peak + 1


def test_the_quoted_sizes_of_the_uncorrected_steps():
    r, peak = ratio_facts(0.999)
    assert round(r[0], 2) == 3.16 and round(r[peak - 1], 2) == 6.57 and peak == 12
    assert 1.9 < r[299] < 2, "still almost twice too large after 300 steps"
    assert 1.9 < min(r[:300]) and max(r[:300]) < 6.6
    assert all(3.16 <= x <= 6.58 for x in r[:20]), "the first 20 steps are 3 to 6.5 times too long"
    assert r[999] > 1.25 and r[2999] < 1.05, "only after several thousand steps does r_t approach 1"
    r4, _ = ratio_facts(0.9999)
    assert round(r4[0], 2) == 10 and round(max(r4)) == 21
    for claim in ("starts $3.16$ times too large, grows to $6.57$ times\ntoo large at step 12",
                  "still almost twice too large after 300 steps", "it starts at 10 and peaks at about\n21",
                  "$r_t$ is between 1.9 and 6.6", "three to six and a half times as long",
                  "up to 6.57 times too long, and still about twice too long after 300 steps"):
        quoted(claim)


def test_steps_are_about_eta_or_less_unless_the_gradients_jump():
    rng = np.random.default_rng(8)
    for scale in (1e-3, 1.0, 1e3):
        for mean in (0.0, 1.0, -3.0):
            grads = scale * (mean + rng.normal(size=(2000, 4)))
            steps, _ = rule_steps(ADAM, grads)
            assert np.max(np.abs(steps)) < 1.5 * 0.01, (scale, mean)
    # 2000 small gradients, then a large one: the step exceeds eta
    steps, _ = rule_steps(ADAM, [np.full(1, 0.01)] * 2000 + [np.full(1, 10.0)])
    assert abs(steps[-1][0]) > 2 * 0.01
    quoted("Only\nwhen the latest gradients are much larger than the earlier ones can the ratio, and the step,\nexceed one.")


def test_adam_ignores_the_scale_of_the_loss():
    rng = np.random.default_rng(2)
    grads = rng.normal(size=(20, 3))
    base, _ = rule_steps(ADAM, grads, eps=0.0)
    for c in (1e-3, 7.0, 1e4):
        scaled, _ = rule_steps(ADAM, [c * g for g in grads], eps=0.0)
        assert np.allclose(scaled, base, rtol=1e-10)


# What the book prints and draws


@pytest.fixture(scope="module")
def notebooks():
    return CHAPTER.executed()


def test_each_framework_prints_the_quoted_numbers(notebooks):
    expected_ratio = ("beta2 = 0.999: r_1 = 3.16, largest r_t = 6.57 at t = 12, r_300 = 1.96\n"
                      "beta2 = 0.9999: r_1 = 10.00, largest r_t = 20.72 at t = 12, r_300 = 5.82\n")
    ends = {"train_adaptive(adam_rule)": "0.244", "correct=False": "0.248",
            "train_concise_ch11(": "0.244", "train_adaptive(yogi_rule": "0.243"}
    assert sorted(notebooks) == sorted(FRAMEWORKS.names)
    for fw, notebook in notebooks.items():
        assert printed(notebook, "largest r_t") == expected_ratio, fw
        assert printed(notebook, "first_step(1e-8)") == "g = 1e-8: 0.500 vs 0.031\n", fw
        for snippet, value in ends.items():
            assert re.fullmatch(rf"loss: {value}, [\d.]+ sec/epoch\n", printed(notebook, snippet)), (fw, snippet)
    for claim in ("the run ends at a loss of 0.244", "it ends at 0.248",
                  "All four end at 0.244, like our implementation", "a final loss of 0.243"):
        quoted(claim)


def test_the_shared_figures_are_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=2, which="the shared cells outside training",
        keep=lambda cell: not framework_tags(cell) and "train_adaptive(" not in cell.source)


def test_every_training_run_draws_its_loss_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"train_adaptive\(\w|train_concise_ch11\(", runs=4)


# The runs, and the frameworks' own Adam

FACTS = {
    "mxnet": """
import inspect, mxnet
_sig = inspect.signature(mxnet.optimizer.Adam.__init__).parameters
_opt = mxnet.optimizer.Adam(learning_rate=0.01)
_w, _g = mxnet.nd.zeros(1), mxnet.nd.array([1e-8])
_opt.update(0, _w, _g, _opt.create_state(0, _w))
facts = {'defaults': [_sig[k].default for k in ('learning_rate', 'beta1', 'beta2', 'epsilon')],
         'tiny_first_step': -_w.asnumpy()[0] / 0.01}
""",
    "pytorch": """
import inspect
_sig = inspect.signature(torch.optim.Adam.__init__).parameters
_p = torch.nn.Parameter(torch.zeros(1))
_opt = torch.optim.Adam([_p], lr=0.01)
_p.grad = torch.full((1,), 1e-8)
_opt.step()
_roots = []
def _recording_rule(g, v, s, hyperparams):
    v, s, step = adam_rule(g, v, s, hyperparams)
    _roots.append(float((s / (1 - hyperparams['beta2'] ** hyperparams['t'])).min() ** 0.5))
    return v, s, step
train_adaptive(_recording_rule)
facts = {'defaults': [_sig['lr'].default, *_sig['betas'].default, _sig['eps'].default],
         'tiny_first_step': -_p.item() / 0.01, 'smallest_root': min(_roots)}
""",
    "tensorflow": """
import inspect
_sig = inspect.signature(tf.keras.optimizers.Adam.__init__).parameters
_v = tf.Variable([0.0])
tf.keras.optimizers.Adam(learning_rate=0.01, epsilon=1e-8).apply_gradients([(tf.constant([1e-8]), _v)])
facts = {'defaults': [_sig[k].default for k in ('learning_rate', 'beta_1', 'beta_2', 'epsilon')],
         'tiny_first_step': -float(_v.numpy()[0]) / 0.01}
""",
    "jax": """
import inspect
_sig = inspect.signature(optax.adam).parameters
_opt = optax.adam(learning_rate=0.01)
_p = jnp.zeros(1)
_update, _ = _opt.update(jnp.full(1, 1e-8), _opt.init(_p), _p)
# the from-scratch trainer is pure and counts its steps in the states, not in hyperparams
_hp = {'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999, 'eps': 1e-8, 't': 0}
_params, _states = [jnp.zeros((feature_dim, 1)), jnp.zeros(1)], init_adam_states(feature_dim)
_grads = [jnp.full((feature_dim, 1), 0.5), jnp.full(1, -2.0)]
for _ in range(3):
    _params, _states = trainer_from_rule(adam_rule)(_params, _grads, _states, _hp)
facts = {'lr_required': _sig['learning_rate'].default is inspect.Parameter.empty,
         'defaults': [_sig[k].default for k in ('b1', 'b2', 'eps', 'eps_root')],
         'tiny_first_step': -float(optax.apply_updates(_p, _update)[0]) / 0.01,
         'hyperparams_t': _hp['t'], 'counts': [int(state[2]) for state in _states],
         'params': [float(_params[0].min()), float(_params[0].max()), float(_params[1][0])]}
""",
}


@pytest.fixture(scope="module")
def runs():
    return run_chapter(CHAPTER, RUNS + ("facts",), extra=FACTS)


def test_the_loss_curves_are_what_the_text_describes(runs):
    for fw, result in runs.items():
        adam, uncorrected, yogi = (result[name] for name in ("losses_adam", "losses_uncorrected", "losses_yogi"))
        assert all(len(result[name]) == 2 * RECORDS_PER_EPOCH + 1 for name in RUNS), fw
        assert round(adam[0], 3) == 0.371, fw
        assert adam[3] > 0.25 > adam[4] and max(adam[4:]) < 0.25, fw
        assert 0.242 < min(second_epoch(adam)) and max(second_epoch(adam)) < 0.247, fw
        assert round(adam[-1], 3) == 0.244, fw
        assert round(uncorrected[0], 3) == 0.271, fw
        assert 0.243 < min(second_epoch(uncorrected)) and round(max(second_epoch(uncorrected)), 3) == 0.255, fw
        assert round(uncorrected[-1], 3) == 0.248 and uncorrected[-1] > adam[-1], fw
        assert round(yogi[0], 3) == 0.371 and round(yogi[-1], 3) == 0.243, fw
        assert largest_gap(yogi, adam) < 0.001, fw
    for claim in ("the loss is\nstill 0.371", "drops below 0.25 after 1000 examples",
                  "stays between 0.242\nand 0.247 during the second epoch",
                  "the loss is already down to 0.271", "wanders\nbetween 0.243 and 0.255",
                  "0.371 after 200 examples and a final loss of 0.243",
                  "never differ from Adam's by more than 0.001"):
        quoted(claim)


def test_the_from_scratch_runs_agree_across_frameworks(runs):
    assert_same_losses_in_every_framework(
        runs, ("losses_adam", "losses_uncorrected", "losses_yogi", "losses_concise"), atol=1e-5)


def test_the_built_ins_trace_the_implementation_from_scratch(runs):
    gaps = {fw: largest_gap(result["losses_concise"], result["losses_adam"])
            for fw, result in runs.items()}
    assert sorted(gaps) == sorted(FRAMEWORKS.names)
    assert gaps["pytorch"] < 1e-7 and gaps["jax"] < 1e-7, "PyTorch's and optax's Adam are the algorithm as written"
    assert gaps["mxnet"] < 1e-6 and gaps["tensorflow"] < 1e-6, "the measured gap of the folded form"
    quoted("All four frameworks have Adam built in (JAX through the optax library)")
    quoted("PyTorch's and optax's are\nexactly it")
    quoted("PyTorch's `Adam` and optax's `adam` are the algorithm as written")
    quoted("their recorded losses agree with ours to\nwithin $10^{-6}$; PyTorch's and optax's, which are "
           "the same algorithm, to within $10^{-7}$")


def test_the_table_of_defaults_and_where_epsilon_sits(runs):
    facts = {fw: result["facts"] for fw, result in runs.items()}
    assert facts["mxnet"]["defaults"] == [0.001, 0.9, 0.999, 1e-8]
    assert facts["pytorch"]["defaults"] == [0.001, 0.9, 0.999, 1e-8]
    assert facts["tensorflow"]["defaults"] == [0.001, 0.9, 0.999, 1e-7]
    assert facts["jax"]["lr_required"] is True
    assert facts["jax"]["defaults"] == [0.9, 0.999, 1e-8, 0.0]
    first_step = shared()["first_step"]
    for fw in ("pytorch", "jax"):
        assert facts[fw]["tiny_first_step"] == pytest.approx(first_step(1e-8), rel=1e-3), fw
    for fw in ("mxnet", "tensorflow"):
        assert facts[fw]["tiny_first_step"] == pytest.approx(first_step(1e-8, folded=True), rel=1e-3), fw
    assert facts["pytorch"]["smallest_root"] > 1e-3 > 1000 * 31.6 * 1e-8, facts["pytorch"]["smallest_root"]
    quoted("$\\sqrt{\\hat{\\mathbf{s}}_t}$ never falls below $10^{-3}$ in any coordinate")
    quoted("`eps_root`, a\nsecond constant added to $\\hat{\\mathbf{s}}_t$ inside the root, which is 0 by default")
    for row in ("| $\\epsilon$ | `epsilon=1e-8` | `eps=1e-8` | `epsilon=1e-7` | `eps=1e-8` |",
                "| decay rates | `beta1=0.9`, `beta2=0.999` | `betas=(0.9, 0.999)` | `beta_1=0.9`, `beta_2=0.999` "
                "| `b1=0.9`, `b2=0.999` |",
                "| learning rate | `learning_rate=0.001` | `lr=0.001` | `learning_rate=0.001` | `learning_rate`, no default |",
                "| where $\\epsilon$ sits | $\\sqrt{\\mathbf{s}_t} + \\epsilon$ | $\\sqrt{\\hat{\\mathbf{s}}_t} + \\epsilon$ "
                "| $\\sqrt{\\mathbf{s}_t} + \\epsilon$ | $\\sqrt{\\hat{\\mathbf{s}}_t} + \\epsilon$ |",
                "| bias correction | folded into the learning rate | as in {eq}`eq_adam_corrected` "
                "| folded into the learning rate | as in {eq}`eq_adam_corrected` |"):
        quoted(row)


def test_the_jax_trainer_is_pure_and_counts_its_steps_in_the_states(runs):
    facts = runs["jax"]["facts"]
    assert facts["hyperparams_t"] == 0, "the JAX trainer leaves hyperparams alone"
    assert facts["counts"] == [3, 3], "each parameter's states count the steps"
    # A constant gradient: with the correction every step moves each coordinate by eta. The count t
    # is an int32 array, so beta2 ** t is float32, and 1 - 0.999 is 1.3e-5 off in float32 (as in optax).
    assert abs(np.float32(1) - np.float32(0.999) - 0.001) / 0.001 == pytest.approx(1.3e-5, rel=0.01)
    assert facts["params"] == pytest.approx([-0.03, -0.03, 0.03], rel=3e-5)
    quoted("so it cannot\ncount steps in `hyperparams['t']` as the other frameworks do: it keeps $t$ in each "
           "parameter's\nstates, next to $\\mathbf{v}$ and $\\mathbf{s}$")


def test_the_folded_form_is_adam_with_a_larger_epsilon():
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(30, 5)) * 1e-7
    eta, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    v = s = np.zeros(5)
    for t, g in enumerate(grads, start=1):
        v, s = b1 * v + (1 - b1) * g, b2 * s + (1 - b2) * g ** 2
        folded = eta * math.sqrt(1 - b2 ** t) / (1 - b1 ** t) * v / (np.sqrt(s) + eps)
        written = eta * (v / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps / math.sqrt(1 - b2 ** t))
        assert np.allclose(folded, written, rtol=1e-10)
    assert round(1 / math.sqrt(1 - 0.999), 1) == 31.6
    assert round(math.sqrt(1 - 0.999), 4) == 0.0316
    for claim in ("$1 / \\sqrt{1 - 0.999} \\approx 31.6$ times larger",
                  "from about $0.0316\\epsilon$ at $t = 1$", "an $\\epsilon$ that\n  starts 31.6 times larger"):
        quoted(claim)


def test_the_quoted_first_steps_of_tiny_gradients():
    first_step = shared()["first_step"]
    assert first_step(1e-8) == pytest.approx(0.5)
    assert round(first_step(1e-8, folded=True), 3) == 0.031
    assert round(first_step(1e-8) / first_step(1e-8, folded=True)) == 16
    for g in (1e-4, 3e-4, 1e-3):
        assert first_step(g) - first_step(g, folded=True) < 0.01
    assert first_step(3e-5) - first_step(3e-5, folded=True) > 0.01, "the bound 1e-4 is not loose"
    for claim in ("by half a\nlearning rate, the folded form by $0.031\\eta$, sixteen times less",
                  "above\n$10^{-4}$ the two agree to better than a percent"):
        quoted(claim)


# Yogi


def test_yogi_changes_only_the_second_moment_and_caps_its_change():
    yogi = shared(sign=np.sign)["yogi_rule"]
    rng = np.random.default_rng(5)
    grads = rng.normal(size=(200, 6)) * rng.choice([0.1, 1, 3], size=(200, 1))
    adam_steps, adam_states = rule_steps(ADAM, grads, eps=1e-3)
    yogi_steps, yogi_states = rule_steps(yogi, grads, eps=1e-3)
    previous = np.zeros(6)
    for g, (v_adam, _), (v, s) in zip(grads, adam_states, yogi_states):
        assert np.allclose(v, v_adam), "the first moment is Adam's"
        assert np.allclose(np.abs(s - previous), 0.001 * g ** 2), "the change is (1 - beta2) g^2"
        assert np.all(np.sign(s - previous) == np.sign(g ** 2 - previous))
        assert np.all(s >= 0), "s never becomes negative"
        previous = s
    # After large gradients, small ones shrink Adam's s by a fraction of itself, Yogi's by little.
    burst = [np.full(1, 10.0)] * 50 + [np.full(1, 0.01)] * 200
    _, adam_after = rule_steps(ADAM, burst)
    _, yogi_after = rule_steps(yogi, burst)
    assert yogi_after[-1][1][0] > 1.2 * adam_after[-1][1][0]
    assert adam_after[-1][1][0] == pytest.approx(adam_after[49][1][0] * 0.999 ** 200, rel=1e-3)
    # ... the numbers of the exercise's answer
    assert [round(adam_after[49][1][0], 2), round(yogi_after[49][1][0], 2)] == [4.88, 5.00]
    assert round(adam_after[-1][1][0], 2) == 3.99 and round(yogi_after[-1][1][0], 2) == 5.00
    assert round(0.999 ** 200, 2) == 0.82
    assert yogi_after[-2][1][0] - yogi_after[-1][1][0] == pytest.approx(1e-7)
    for claim in ("Adam's $\\mathbf{s}_t$ grows to 4.88 and Yogi's to 5.00",
                  "to 3.99 after 200 steps", "$0.999^{200} \\approx 0.82$",
                  "$0.001 \\cdot 0.01^2 = 10^{-7}$ per step and\n   stays at 5.00"):
        quoted(claim)


# The exercises' answers


def test_the_answers_to_the_exercises():
    assert round(1 / math.sqrt(0.001), 1) == 31.6
    quoted("$31.6\\eta$ per coordinate, ten times worse than correcting nothing")
    # correcting only one moment, from the chapter's uncorrected first step
    g = np.array([0.5, -3.0])
    [uncorrected], [(v, s)] = rule_steps(ADAM, [g], correct=False)
    only_v = 0.01 * (v / 0.1) / (np.sqrt(s) + 1e-8)
    only_s = 0.01 * v / (np.sqrt(s / 0.001) + 1e-8)
    assert np.allclose(np.abs(only_v), 0.01 * 31.62, rtol=1e-3)
    assert np.allclose(np.abs(only_s), 0.001, rtol=1e-6), "a tenth of the learning rate"
    assert np.allclose(only_v / uncorrected, 10, rtol=1e-6)
    # beta1 = beta2 = 0: signSGD up to epsilon
    rng = np.random.default_rng(6)
    grads = rng.normal(size=(10, 4))
    steps, _ = rule_steps(ADAM, grads, beta1=0.0, beta2=0.0)
    for g, step in zip(grads, steps):
        assert np.allclose(step, 0.01 * np.sign(g), rtol=1e-6)
    quoted("the sign of the\n   gradient times $\\eta$ (signSGD)")


# The text


def test_references_labels_and_markers():
    keys = CHAPTER.citations()
    assert {"Kingma.Ba.2015", "Reddi.Kale.Kumar.2018", "Zaheer.Reddi.Sachan.ea.2018"} <= set(keys)
    CHAPTER.assert_equation_references_resolve()
    assert TEXT.count("(sec_adam)=") == 1
    assert "TODO" not in TEXT and "<!--" not in TEXT
    CHAPTER.assert_exercises_have_collapsed_answers(7)


def test_the_gradient_descent_chapter_links_here():
    gd = (ROOT / "chapters" / "gd.md").read_text(encoding="utf-8")
    assert re.search(r"Adam\s+\(\{numref\}`sec_adam`\)", gd)
