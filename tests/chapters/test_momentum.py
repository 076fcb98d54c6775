"""The Momentum chapter (chapters/momentum.md): its claims, its numbers, its outputs and figures.

The chapter's 2-D trainers and its matrix R are taken from its source and run through the
shim's backend-free ``train_2d``; every other number the chapter quotes is recomputed here
independently (NumPy) and looked up in the chapter's text. The experiment settings are read
from the chapter's code, so text, code and tests cannot drift apart.

Two kinds of execution are needed. The book's pipeline executes the chapter per framework
(read from the execution cache when ``make html`` ran before): what it prints must match the
recomputed numbers and the quoted losses, and its figures must be the same in every framework.
The loss curves behind the training figures are not printed, so one short subprocess per
framework runs the chapter's training cells and returns them.
"""

import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS, framework_tags
from d2l_shim.twod import train_2d

from .chapter_runner import run_code, run_sections
from .chapter_tools import (RECORDS_PER_EPOCH, ChapterUnderTest,
                            assert_each_run_draws_one_figure, assert_same_losses_in_every_framework,
                            assert_same_outputs_in_every_framework, literal_assignments,
                            printed, second_epoch)

CHAPTER = ChapterUnderTest("momentum.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted
chapter_namespace = CHAPTER.shared_namespace
cells_containing = CHAPTER.code_cells_containing

START = (-5.0, -2.0)       # where the shim's train_2d starts
CURVATURES = (0.2, 4.0)    # the gradient of 0.1 x1^2 + 2 x2^2 is (0.2 x1, 4 x2)
TRAINING_RUNS = ("losses_02_05", "losses_01_09", "losses_005_09", "losses_concise")


# Reading the chapter


def gd_learning_rates():
    """The learning rates of the chapter's gradient descent traces, in order."""
    return [literal_assignments(cell)["eta"] for cell in cells_containing("show_trace_2d(f_2d, d2l.train_2d(gd_2d))")]


def momentum_settings():
    """(eta, beta) of the chapter's momentum runs, in order."""
    return [(values["eta"], values["beta"]) for values in map(literal_assignments, cells_containing("train_2d(momentum_2d)"))]


# Independent recomputation


def trace(trainer, steps=20, **settings):
    """The positions of the shim's ``train_2d`` for a trainer of the chapter, with ``settings`` as its globals."""
    namespace = chapter_namespace(**settings)
    return train_2d(namespace[trainer], steps)


def spectral_radius(beta, eta_lam):
    """rho(R) for the momentum matrix of f(x) = lam x^2 / 2, by NumPy (lam = 1, eta = eta_lam)."""
    return max(abs(np.linalg.eigvals(np.array([[beta, 1.0], [-eta_lam * beta, 1.0 - eta_lam]]))))


def random_spd(rng, n):
    """A random symmetric positive definite n x n matrix with a spread-out spectrum."""
    basis, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return basis @ np.diag(rng.uniform(0.1, 5.0, n)) @ basis.T


# The settings are those of the issue


def test_the_chapter_runs_the_experiments_it_discusses():
    assert gd_learning_rates() == [0.4, 0.6]
    assert momentum_settings() == [(0.6, 0.5), (0.6, 0.25), (0.6, 0)]
    assert [args for _, args, _ in CHAPTER.calls("train_momentum")] == [[0.02, 0.5], [0.01, 0.9], [0.005, 0.9]]
    concise = {tags: args[1] for tags, args, _ in CHAPTER.calls("train_concise_ch11")}
    assert concise == {("mxnet",): {"learning_rate": 0.005, "momentum": 0.9},
                       ("pytorch",): {"lr": 0.005, "momentum": 0.9},
                       ("tensorflow",): {"learning_rate": 0.005, "momentum": 0.9},
                       ("jax",): {"learning_rate": 0.005, "momentum": 0.9}}
    [weights] = cells_containing("beta ** tau")
    assert literal_assignments(weights)["betas"] == [0.95, 0.9, 0.6, 0]
    [scalar] = cells_containing("(1 - eta * lam) ** t")
    assert literal_assignments(scalar)["lambdas"] == [0.1, 1, 10, 19]
    assert literal_assignments(scalar)["eta"] == 0.1


# An ill-conditioned problem


def test_gradient_descent_converges_at_0_4_slowly_along_x1():
    points = trace("gd_2d", eta=0.4)
    values = [0.1 * x1 ** 2 + 2 * x2 ** 2 for x1, x2 in points]
    assert all(later < earlier for earlier, later in zip(values, values[1:]))
    x1, x2 = points[-1]
    assert x1 == pytest.approx(START[0] * 0.92 ** 20) and round(x1, 2) == -0.94
    assert abs(x2) < 1e-4
    assert 0.15 < x1 / START[0] < 0.25  # "roughly a fifth of its initial distance"
    quoted("$1 - 1.6 = -0.6$")
    quoted("$1 - 0.08 = 0.92$")
    quoted("about $-0.94$")


def test_gradient_descent_diverges_at_0_6_along_x2():
    points = trace("gd_2d", eta=0.6)
    magnitudes = [abs(x2) for _, x2 in points]
    assert all(later > earlier for earlier, later in zip(magnitudes, magnitudes[1:]))
    x1, x2 = points[-1]
    assert x1 == pytest.approx(START[0] * 0.88 ** 20)
    assert x2 == pytest.approx(START[1] * (-1.4) ** 20) and abs(x2) > 1000
    quoted("$1 - 0.12 = 0.88$")
    quoted("$1 - 2.4 = -1.4$")
    quoted("more than 1000")


def test_the_steep_direction_caps_the_learning_rate_at_one_half():
    quoted("for $\\eta > 0.5$")
    assert abs(trace("gd_2d", steps=300, eta=0.49)[-1][1]) < 1e-4
    assert abs(trace("gd_2d", steps=300, eta=0.51)[-1][1]) > 1e2


# The momentum method


def test_momentum_converges_where_gradient_descent_diverges():
    quoted("both coordinates are within 0.01 of the minimum")
    x1, x2 = trace("momentum_2d", eta=0.6, beta=0.5)[-1]
    assert max(abs(x1), abs(x2)) < 0.01
    long_run = trace("momentum_2d", steps=200, eta=0.6, beta=0.5)[-1]
    assert max(map(abs, long_run)) < 1e-12


def test_less_momentum_converges_more_slowly():
    slow, fast = trace("momentum_2d", eta=0.6, beta=0.25), trace("momentum_2d", eta=0.6, beta=0.5)
    distance = [math.hypot(*slow[t]) / math.hypot(*fast[t]) for t in (10, 15, 20)]
    assert all(ratio > 5 for ratio in distance)
    signs = [x2 > 0 for _, x2 in slow[-6:]]
    assert all(a != b for a, b in zip(signs, signs[1:])), "x2 should still alternate sides of the valley"
    assert max(map(abs, trace("momentum_2d", steps=200, eta=0.6, beta=0.25)[-1])) < 1e-9


@pytest.mark.parametrize("eta", [0.1, 0.4, 0.6])
def test_momentum_with_beta_zero_is_gradient_descent(eta):
    assert trace("momentum_2d", eta=eta, beta=0) == trace("gd_2d", eta=eta)


# Effective sample weight


def test_weights_add_up_to_one_over_one_minus_beta():
    for beta in (0.95, 0.9, 0.6, 0.0):
        weights = beta ** np.arange(10_000, dtype=np.float64)
        partial = np.cumsum(weights)
        t = np.arange(1, 10_001)
        assert np.allclose(partial, (1 - beta ** t) / (1 - beta))
        assert partial[-1] == pytest.approx(1 / (1 - beta), rel=1e-12)
        assert np.all(np.diff(partial) >= 0)


def test_quoted_sums_of_the_forty_weights_shown():
    sum_40 = {beta: sum(beta ** tau for tau in range(40)) for beta in (0.95, 0.9, 0.6)}
    assert round(sum_40[0.95], 1) == 17.4
    quoted("add up to about 17.4, well short of the limit 20")
    assert 9.8 < sum_40[0.9] < 10
    quoted("already add up to more than 9.8 of it")
    assert sum_40[0.6] == pytest.approx(2.5, abs=1e-6)
    quoted("$1 / (1 - 0.6) = 2.5$")
    [weights] = cells_containing("beta ** tau")
    assert 0.6 in literal_assignments(weights)["betas"]
    assert 0.6 ** 10 < 0.01 < 0.6 ** 8, "the weights of beta = 0.6 fall below 1% at about ten steps"
    quoted("negligible after about ten steps")


# Practical experiments


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


@pytest.fixture(scope="module")
def losses():
    """{framework: {run: recorded losses}} from the chapter's "Practical Experiments", run per framework."""
    return run_sections(CHAPTER, ("Practical Experiments",),
                        {name: f"[float(x) for x in {name}]" for name in TRAINING_RUNS})


def test_the_loss_curves_are_what_the_text_describes(losses):
    for fw, runs in losses.items():
        first, longer, smaller = (runs[name] for name in TRAINING_RUNS[:3])
        assert all(len(record) == 2 * RECORDS_PER_EPOCH + 1 for record in runs.values()), fw
        assert [round(record[0], 3) for record in (first, longer, smaller)] == [0.326, 0.268, 0.333], fw
        assert 0.242 < min(second_epoch(first)) and max(second_epoch(first)) < 0.248, fw
        assert round(max(second_epoch(longer)), 3) == 0.256, fw
        assert max(second_epoch(smaller)) < 0.25, fw
        assert [round(record[-1], 3) for record in (first, longer, smaller)] == [0.245, 0.249, 0.245], fw
        spreads = [max(second_epoch(r)) - min(second_epoch(r)) for r in (first, smaller, longer)]
        assert spreads == sorted(spreads), f"{fw}: the noise should grow with the effective step"
    quoted("from 0.326 after the first 200 examples")
    quoted("it hovers between 0.242 and 0.248")
    quoted("to 0.268 after 200 examples instead of 0.326")
    quoted("the loss swings back up to 0.256")
    quoted("0.333 after 200 examples")
    quoted("it stays below 0.25")


def test_effective_steps_of_the_three_runs():
    steps = [lr / (1 - momentum) for _, (lr, momentum), _ in CHAPTER.calls("train_momentum")]
    assert steps == pytest.approx([0.04, 0.1, 0.05])
    assert steps[1] / steps[0] == pytest.approx(2.5)
    quoted("$\\eta / (1 - \\beta) = 0.02 / (1 - 0.5) = 0.04$")
    quoted("$0.01 / (1 - 0.9) = 0.1$, still two and a half times that of the first run")
    quoted("brings the effective step down to 0.05")
    quoted("$1 / (1 - 0.9) = 10$")


def test_the_frameworks_optimizer_retraces_the_implementation_from_scratch(losses):
    for fw, runs in losses.items():
        assert np.allclose(runs["losses_concise"], runs["losses_005_09"], rtol=0, atol=1e-5), fw


def test_every_framework_records_the_same_losses(losses):
    assert_same_losses_in_every_framework(losses, TRAINING_RUNS, atol=1e-6)


#: Two steps of each framework's momentum SGD (learning rate 0.5, momentum 0.9) on one weight with
#: the gradients 2 and 1; ``stored`` is the velocity the optimizer keeps after each step.
VELOCITY_PROBES = {
    "mxnet": """
from d2l_shim import mxnet as d2l
import mxnet as mx
optimizer = mx.optimizer.create('sgd', learning_rate=0.5, momentum=0.9)
weight = mx.nd.zeros(1)
state = optimizer.create_state(0, weight)
stored = []
for g in (2.0, 1.0):
    optimizer.update([0], [weight], [mx.nd.array([g])], [state])
    stored.append(float(state.asnumpy()[0]))
""",
    "pytorch": """
import torch
weight = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.SGD([weight], lr=0.5, momentum=0.9)
stored = []
for g in (2.0, 1.0):
    weight.grad = torch.tensor([g])
    optimizer.step()
    stored.append(float(optimizer.state[weight]['momentum_buffer'][0]))
""",
    "tensorflow": """
import tensorflow as tf
weight = tf.Variable([0.0])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5, momentum=0.9)
stored = []
for g in (2.0, 1.0):
    optimizer.apply_gradients([(tf.constant([g]), weight)])
    stored.append(float(optimizer.momentums[0].numpy()[0]))
""",
    "jax": """
import jax.numpy as jnp
import optax
optimizer = optax.sgd(learning_rate=0.5, momentum=0.9)
state = optimizer.init(jnp.zeros(1))
stored = []
for g in (2.0, 1.0):
    _, state = optimizer.update(jnp.array([g]), state)
    stored.append(float(state[0].trace[0]))
""",
}


def test_pytorch_and_optax_store_the_velocity_gluon_and_keras_minus_eta_times_it():
    assert sorted(VELOCITY_PROBES) == sorted(FRAMEWORKS.names)
    values = {fw: {"stored": "stored"} for fw in VELOCITY_PROBES}
    values["jax"]["optimizer"] = "[isinstance(optimizer, tuple), list(optimizer._fields)]"
    done = {fw: result["values"] for fw, result in run_code(
        {fw: ([probe], values[fw]) for fw, probe in VELOCITY_PROBES.items()}, "velocity probes").items()}
    stored = {fw: values["stored"] for fw, values in done.items()}
    assert done["jax"]["optimizer"] == [True, ["init", "update"]]
    quoted("optax by a factory function, `optax.sgd`, which\nreturns the optimizer as a pair of pure functions, "
           "one that creates its state and one that computes\nan update from the gradients and the state")
    velocities = [2.0, 0.9 * 2.0 + 1.0]  # v_1 = g_1, v_2 = beta v_1 + g_2
    for fw in ("pytorch", "jax"):
        assert stored[fw] == pytest.approx(velocities, rel=1e-6), fw
    for fw in ("mxnet", "tensorflow"):
        assert stored[fw] == pytest.approx([-0.5 * v for v in velocities], rel=1e-6), fw
    quoted("PyTorch and optax store $\\mathbf{v}_t$ itself as the velocity, as we do.\n"
           "Gluon and Keras store the velocity multiplied by $-\\eta$ rather than\n$\\mathbf{v}_t$ itself")


def test_the_jax_trainer_is_pure_and_can_be_compiled():
    """JAX's ``sgd_momentum`` returns the update of eq_momentum_update and leaves its arguments alone.

    Two steps from nonzero velocities, eagerly and under ``jax.jit`` (which only traces pure
    functions), against the update computed here with NumPy; the velocities it starts with come
    from the chapter's ``init_momentum_states``.
    """
    rng = np.random.default_rng(3)
    w, b, v_w, v_b = (rng.normal(size=shape).round(3).tolist() for shape in ((5, 1), 1, (5, 1), 1))
    grads = [(rng.normal(size=(5, 1)).round(3).tolist(), rng.normal(size=1).round(3).tolist())
             for _ in range(2)]
    lr, beta = 0.05, 0.9
    sources = CHAPTER.sources("jax")
    [trainer] = [source for source in sources if "def sgd_momentum" in source]
    setup = (f"params = [jnp.array({w}), jnp.array({b})]\n"
             f"velocities = [jnp.array({v_w}), jnp.array({v_b})]\n"
             f"grads = [[jnp.array(g_w), jnp.array(g_b)] for g_w, g_b in {grads}]\n"
             f"hyperparams = {{'lr': {lr}, 'momentum': {beta}}}\n"
             "def two_steps(step):\n"
             "    p, s = params, velocities\n"
             "    for g in grads:\n"
             "        p, s = step(p, g, s, hyperparams)\n"
             "    return [x.tolist() for x in p], [x.tolist() for x in s]\n")
    values = {"zeros": "[x.tolist() for x in init_momentum_states(5)]",
              "eager": "two_steps(sgd_momentum)", "jitted": "two_steps(jax.jit(sgd_momentum))",
              "unchanged": "[x.tolist() for x in params + velocities]"}
    result = run_code({"jax": ([sources[0], trainer, setup], values)}, CHAPTER.name)["jax"]["values"]
    assert [np.shape(x) for x in result["zeros"]] == [(5, 1), (1,)]
    assert not np.any(np.concatenate([np.ravel(x) for x in result["zeros"]]))
    p, v = [np.array(w), np.array(b)], [np.array(v_w), np.array(v_b)]
    for g in grads:
        v = [beta * v_i + np.array(g_i) for v_i, g_i in zip(v, g)]
        p = [p_i - lr * v_i for p_i, v_i in zip(p, v)]
    for run in ("eager", "jitted"):
        new_params, new_velocities = result[run]
        for ours, expected in zip(new_params + new_velocities, p + v):
            assert np.allclose(ours, expected, rtol=0, atol=1e-5), run
    for ours, given in zip(result["unchanged"], [w, b, v_w, v_b]):
        assert np.allclose(ours, given, rtol=0, atol=1e-6), "the arguments must stay as they were"


def test_each_framework_prints_the_quoted_numbers(notebooks):
    assert sorted(notebooks) == sorted(FRAMEWORKS.names)
    ends = {"train_momentum(0.02, 0.5)": "0.245", "train_momentum(0.01, 0.9)": "0.249",
            "train_momentum(0.005, 0.9)": "0.245", "train_concise_ch11(": "0.245"}
    for claim in ("The run ends at a loss of 0.245", "the run ends at a loss of 0.249",
                  "ends at 0.245;", "ends at 0.245 as well"):
        quoted(claim)
    for fw, notebook in notebooks.items():
        for snippet, value in ends.items():
            assert re.fullmatch(rf"loss: {value}, [\d.]+ sec/epoch\n", printed(notebook, snippet)), (fw, snippet)
        for eta in (0.4, 0.6):
            x1, x2 = (start * (1 - eta * lam) ** 20 for start, lam in zip(START, CURVATURES))
            assert printed(notebook, f"eta = {eta}\n") == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n", (fw, eta)
        assert printed(notebook, "eta, beta = 0.6, 0\n").count("epoch 20") == 2
        [result] = [out for cell in notebook.cells if "eta, beta = 0.6, 0\n" in cell.source
                    for out in cell.outputs if out.output_type == "execute_result"]
        assert result["data"]["text/plain"] == "True", fw


def test_every_figure_outside_training_is_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=7, which="the shared cells outside the training runs",
        keep=lambda cell: not framework_tags(cell) and "train_momentum(" not in cell.source)


def test_every_training_run_draws_its_loss_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"train_momentum\(\d|train_concise_ch11\(", runs=4)


# Theoretical analysis: quadratics and their eigenbasis


def test_minimizer_minimum_and_gradient_of_the_quadratic():
    rng = np.random.default_rng(4)
    Q, c, b = random_spd(rng, 5), rng.normal(size=5), 0.7
    Q_inv_c = np.linalg.solve(Q, c)
    x_star, b_prime = -Q_inv_c, b - 0.5 * c @ Q_inv_c
    eigenvalues, vectors = np.linalg.eigh(Q)

    def h(x):
        return 0.5 * x @ Q @ x + x @ c + b

    assert np.allclose(Q @ x_star + c, 0), "the gradient vanishes at x* = -Q^{-1} c"
    assert h(x_star) == pytest.approx(b_prime)
    for x in rng.normal(size=(10, 5)):
        assert h(x) == pytest.approx(0.5 * (x + Q_inv_c) @ Q @ (x + Q_inv_c) + b_prime)
        assert np.allclose(Q @ x + c, Q @ (x - x_star))
        assert not np.allclose(Q @ x + c, Q @ (x - Q_inv_c)), "the reference's sign is wrong"
        z = vectors.T @ (x - x_star)
        assert h(x) == pytest.approx(0.5 * z @ (eigenvalues * z) + b_prime)


def test_gradient_descent_and_momentum_decouple_in_the_eigenbasis():
    rng = np.random.default_rng(7)
    n, steps, eta, beta = 6, 40, 0.3, 0.7
    Q, c = random_spd(rng, n), rng.normal(size=n)
    x_star = -np.linalg.solve(Q, c)
    eigenvalues, vectors = np.linalg.eigh(Q)
    O, lam = vectors.T, eigenvalues  # Q = O^T diag(lam) O
    assert np.allclose(O.T @ np.diag(lam) @ O, Q)
    x0 = rng.normal(size=n)

    x, xs = x0.copy(), []
    for _ in range(steps):
        x = x - eta * (Q @ x + c)
        xs.append(x)
    z = O @ (x0 - x_star)
    for t in range(steps):
        z = (1 - eta * lam) * z  # (I - eta Lambda) z, one scalar recursion per eigenvalue
        assert np.allclose(O.T @ z + x_star, xs[t])

    x, v, xs = x0.copy(), np.zeros(n), []
    for _ in range(steps):
        v = beta * v + (Q @ x + c)
        x = x - eta * v
        xs.append(x)
    z, u = O @ (x0 - x_star), np.zeros(n)
    for t in range(steps):
        u, z = beta * u + lam * z, (1 - eta * lam) * z - eta * beta * u
        assert np.allclose(O.T @ z + x_star, xs[t])
        previous = xs[t - 1] if t else x0
        assert np.allclose(eta * (O.T @ u), previous - xs[t]), "u_t should be O v_t"
    quoted("\\mathbf{z}_t = \\mathbf{z}_{t-1} - \\eta \\boldsymbol{\\Lambda} \\mathbf{z}_{t-1}\n"
           "= (\\mathbf{I} - \\eta \\boldsymbol{\\Lambda}) \\mathbf{z}_{t-1}.")


# Scalar functions


def test_scalar_gradient_descent_follows_the_closed_form():
    for lam in (0.1, 1, 10, 19, 21):
        x, eta = 1.0, 0.1
        for t in range(1, 31):
            x -= eta * lam * x
            assert x == pytest.approx((1 - eta * lam) ** t, abs=1e-12)


def test_which_curvatures_converge_oscillate_or_diverge_at_eta_0_1():
    eta = 0.1
    factor = {lam: 1 - eta * lam for lam in (0.1, 1, 10, 19)}
    assert all(abs(q) < 1 for q in factor.values()), "all four settings converge"
    assert factor[0.1] > 0 and factor[1] > 0, "the two small curvatures converge monotonically"
    assert factor[10] == 0, "eta lambda = 1 reaches the minimum in one step"
    path = [factor[19] ** t for t in range(21)]
    assert all(a * b < 0 for a, b in zip(path, path[1:])), "eta lambda = 1.9 alternates in sign"
    assert abs(factor[19]) == pytest.approx(abs(factor[1])), "|1 - 1.9| = |1 - 0.1|"
    assert factor[0.1] ** 20 > 0.8, "after 20 steps it has lost less than a fifth"
    assert round(factor[1] ** 20, 2) == 0.12
    assert abs(1 - eta * 20.5) > 1 and abs(1 - eta * 19.5) < 1, "the threshold is lambda = 20"
    for claim in ("has lost less than a fifth of its", "about 12% of it is left",
                  "the very first step reaches the minimum", "$|1 - 1.9| = |1 - 0.1| = 0.9$",
                  "a curvature $\\lambda > 20$ would make this learning rate diverge"):
        quoted(claim)


# The matrix R and its spectral radius


def test_the_matrix_is_the_momentum_recursion():
    namespace = chapter_namespace()
    momentum_matrix = namespace["momentum_matrix"]
    rng = np.random.default_rng(1)
    for _ in range(50):
        beta, eta, lam = rng.uniform(0, 1), rng.uniform(0.01, 2), rng.uniform(0.01, 10)
        v, x = rng.normal(size=2)
        v_next = beta * v + lam * x
        x_next = x - eta * v_next
        assert np.allclose(np.array(momentum_matrix(beta, eta, lam)) @ [v, x], [v_next, x_next])
    # ... and the matrix the chapter's own 2-D momentum step applies, per coordinate.
    for eta, beta in [(0.6, 0.5), (0.6, 0.25), (0.3, 0.9)]:
        step = chapter_namespace(eta=eta, beta=beta)["momentum_2d"]
        x1, x2, v1, v2 = rng.normal(size=4)
        y1, y2, w1, w2 = step(x1, x2, v1, v2)
        for lam, before, after in [(CURVATURES[0], (v1, x1), (w1, y1)), (CURVATURES[1], (v2, x2), (w2, y2))]:
            assert np.allclose(np.array(momentum_matrix(beta, eta, lam)) @ before, after)


def test_trace_and_determinant_of_the_matrix():
    momentum_matrix = chapter_namespace()["momentum_matrix"]
    rng = np.random.default_rng(2)
    for beta, eta, lam in rng.uniform(0.01, 3, size=(20, 3)):
        R = np.array(momentum_matrix(beta, eta, lam))
        assert np.trace(R) == pytest.approx(1 + beta - eta * lam)
        assert np.linalg.det(R) == pytest.approx(beta)


def test_the_chapters_spectral_radius_agrees_with_numpy():
    namespace = chapter_namespace()
    for beta in np.linspace(0, 0.99, 23):
        for eta_lam in np.linspace(-0.5, 5, 56):
            ours = namespace["spectral_radius"](namespace["momentum_matrix"](beta, eta_lam, 1))
            assert ours == pytest.approx(spectral_radius(beta, eta_lam), rel=1e-6, abs=1e-7)


def test_momentum_converges_exactly_inside_the_region():
    """rho(R) < 1 if and only if 0 < eta lambda < 2 + 2 beta, on a grid that crosses both edges."""
    inside = outside = 0
    for beta in [0.01 * j for j in range(100)]:
        for eta_lam in [0.025 * i - 0.5 for i in range(221)]:
            rho = spectral_radius(beta, eta_lam)
            on_edge = min(abs(eta_lam), abs(eta_lam - (2 + 2 * beta))) < 1e-9
            if on_edge:
                assert rho == pytest.approx(1, abs=1e-6), (beta, eta_lam)
            elif 0 < eta_lam < 2 + 2 * beta:
                assert rho < 1, (beta, eta_lam)
                inside += 1
            else:
                assert rho > 1, (beta, eta_lam)
                outside += 1
    assert inside > 1000 and outside > 1000
    quoted("$$\n0 < \\eta \\lambda < 2 + 2 \\beta.\n$$ (eq_momentum_convergence_region)")


def test_without_momentum_the_region_is_zero_to_two():
    for eta_lam in np.linspace(0.01, 1.99, 100):
        assert spectral_radius(0.0, eta_lam) < 1
    for eta_lam in np.linspace(2.01, 5, 100):
        assert spectral_radius(0.0, eta_lam) > 1
    # As beta approaches 1 the range almost doubles: at beta = 0.99 the chapter's own matrix still
    # contracts at eta * lambda = 3.95, nearly twice the limit 2 of gradient descent.
    namespace = chapter_namespace()
    radius = namespace["spectral_radius"]
    assert radius(namespace["momentum_matrix"](0.99, 3.95, 1)) < 1
    assert radius(namespace["momentum_matrix"](0.99, 3.99, 1)) > 1
    assert radius(namespace["momentum_matrix"](0.0, 2.01, 1)) > 1
    quoted("as $\\beta$ approaches 1 the range almost doubles")


def test_complex_eigenvalues_have_modulus_sqrt_beta():
    found = 0
    for beta in np.linspace(0.05, 0.99, 30):
        for eta_lam in np.linspace(0.01, 4, 120):
            if (1 + beta - eta_lam) ** 2 < 4 * beta:
                assert spectral_radius(beta, eta_lam) == pytest.approx(math.sqrt(beta), rel=1e-9)
                found += 1
    assert found > 500


def test_the_runs_on_the_map():
    assert spectral_radius(0.0, 0.6 * 4) == pytest.approx(1.4)
    assert round(spectral_radius(0.25, 0.6 * 4), 2) == 0.86
    # The run at eta = 0.6, beta = 0.25 sits just inside the boundary 2 + 2 beta = 2.5 of the
    # steep direction (lambda = 4): a little further, at 2.5, the chapter's matrix no longer contracts.
    namespace = chapter_namespace()
    assert namespace["spectral_radius"](namespace["momentum_matrix"](0.25, 0.6, CURVATURES[1])) < 1
    assert namespace["spectral_radius"](namespace["momentum_matrix"](0.25, 2.5 / CURVATURES[1], CURVATURES[1])) \
        == pytest.approx(1.0)
    assert spectral_radius(0.5, 0.6 * 4) == pytest.approx(math.sqrt(0.5))
    assert spectral_radius(0.5, 0.6 * 0.2) == pytest.approx(math.sqrt(0.5))
    assert (1 + 0.5 - 2.4) ** 2 < 4 * 0.5 and (1 + 0.5 - 0.12) ** 2 < 4 * 0.5, "both are complex"
    for claim in ("with $\\rho = 1.4$, and diverges", "the spectral radius is about 0.86",
                  "$\\rho = \\sqrt{0.5} \\approx 0.71$", "just inside the boundary $2.5$"):
        quoted(claim)


def test_the_fastest_momentum_for_each_curvature():
    """For 0 < eta lambda < 4, beta = (1 - sqrt(eta lambda))^2 minimizes rho(R), to |1 - sqrt(eta lambda)|."""
    betas = np.linspace(0, 0.999, 1000)
    for eta_lam in np.linspace(0.05, 3.95, 40):
        best_beta, best_rho = (1 - math.sqrt(eta_lam)) ** 2, abs(1 - math.sqrt(eta_lam))
        assert (1 + best_beta - eta_lam) ** 2 == pytest.approx(4 * best_beta), "the eigenvalues meet"
        assert spectral_radius(best_beta, eta_lam) == pytest.approx(best_rho, abs=1e-6)
        assert min(spectral_radius(beta, eta_lam) for beta in betas) > best_rho - 1e-9
    assert round((1 - math.sqrt(2.4)) ** 2, 2) == 0.30
    assert round(abs(1 - math.sqrt(2.4)), 2) == 0.55
    quoted("at\n$\\beta = (1 - \\sqrt{\\eta\\lambda})^2$, and it equals $|1 - \\sqrt{\\eta\\lambda}|$")
    quoted("$\\beta \\approx 0.30$ with\n$\\rho \\approx 0.55$")


# The text: known errors of the reference fixed, references resolved


def test_the_known_errors_of_the_reference_are_gone():
    assert "\\ mathbf" not in TEXT and "\\ partial" not in TEXT, "garbled equation"
    assert not re.search(r"\$[^$]*\d,\d[^$]*\$", TEXT), "decimal comma in math"
    assert "\\mathbf{x} - \\mathbf{Q}^{-1}" not in TEXT, "wrong sign of Q^{-1} c"
    assert "c'" not in TEXT and "b'" in TEXT, "one name for the constant"
    assert "(\\mathbf{I} - \\boldsymbol{\\Lambda})" not in TEXT, "learning rate dropped in the eigenbasis"
    assert "*velocity*" in TEXT and "is called *momentum*" not in TEXT
    assert "stackedit" not in TEXT and "<!--" not in TEXT
    assert ":label:" not in TEXT and ":numref:" not in TEXT and ":cite:" not in TEXT, "d2l markup"


def test_no_portuguese_is_left():
    words = ["que", "não", "para", "uma", "com", "taxa", "aprendizado", "gradiente", "método",
             "função", "também", "mais", "podemos", "isso", "seção", "Fundamentos", "Médias"]
    for word in words:
        assert not re.search(rf"(?<!\w){word}(?!\w)", TEXT), word
    assert not re.search(r"[ãõçáéíóúâêô]", TEXT), "accented characters suggest Portuguese"


def test_every_citation_is_in_the_bibliography():
    assert {"Polyak.1964", "Nesterov.2004", "Sutskever.Martens.Dahl.ea.2013", "Goh.2017",
            "Flammarion.Bach.2015"} <= set(CHAPTER.citations())


def test_every_equation_the_text_refers_to_is_labelled():
    CHAPTER.assert_equation_references_resolve()


# The exercises and the numbers their answers quote


def test_every_exercise_has_a_collapsed_hint_or_answer():
    CHAPTER.assert_exercises_have_collapsed_answers(7)


def test_answer_on_the_best_momentum_for_both_directions_at_eta_0_6():
    """Minimizing the larger spectral radius of the two directions, with the chapter's own functions."""
    namespace = chapter_namespace()
    eta = 0.6
    quoted(f"The directions have $\\eta\\lambda = {eta * CURVATURES[0]:.2f}$ and ${eta * CURVATURES[1]:g}$")

    def worst(beta):
        return max(namespace["spectral_radius"](namespace["momentum_matrix"](beta, eta, lam))
                   for lam in CURVATURES)

    betas = np.linspace(0, 0.99, 9901)
    found = betas[np.argmin([worst(beta) for beta in betas])]
    best = (1 - math.sqrt(eta * CURVATURES[0])) ** 2
    assert found == pytest.approx(best, abs=2e-4)
    assert worst(best) == pytest.approx(math.sqrt(best), rel=1e-6)
    assert worst(best) < worst(0.5) == pytest.approx(math.sqrt(0.5))
    assert worst(best - 0.01) > worst(best) and worst(best + 0.01) > worst(best)
    quoted(f"(1 - \\sqrt{{0.12}})^2 \\approx {best:.3f}$")
    quoted(f"Both spectral radii are then $\\sqrt{{{best:.3f}}} \\approx {math.sqrt(best):.3f}$")
    quoted(f"better than the ${math.sqrt(0.5):.2f}$ of $\\beta = 0.5$")
    # Checked with momentum_2d, as the exercise asks: the trace shrinks like rho^t.
    at_best = trace("momentum_2d", steps=60, eta=eta, beta=best)
    at_half = trace("momentum_2d", steps=60, eta=eta, beta=0.5)
    assert np.hypot(*at_best[-1][:2]) < np.hypot(*at_half[-1][:2])
