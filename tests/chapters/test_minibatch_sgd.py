"""The Minibatch SGD chapter (chapters/minibatch_sgd.md): its numbers, runs, outputs and figures.

Three sources of truth are compared with the text:

* the airfoil data itself, read with NumPy, for the properties of the problem (the best linear
  fit, the Hessian's eigenvalues, the initial loss, the variance of minibatch gradients);
* the chapter's own training cells, run per framework in a subprocess (``chapter_runner``) with the settings the chapter uses, for the loss curves the text describes;
* the chapter executed by the book's pipeline (read from its cache after ``make html``), for
  what readers see: every output that does not measure time is the same in every framework.

Every number the text quotes is recomputed from one of them and looked up in the text.
"""

import ast
import math
import re

import numpy as np
import pytest

from bookbuild.frameworks import FRAMEWORKS
from d2l_shim.data import DataIter, airfoil_path, load_airfoil

from .chapter_runner import run_code
from .chapter_tools import ChapterUnderTest, printed, svg_with_numbered_ids

CHAPTER = ChapterUnderTest("minibatch_sgd.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted

N = 1500              # the examples the chapter trains on
RECORD_EVERY = 200    # train_ch11 records the loss after every 200 examples (and at the end)
PARITY = 1e-5         # the shim's promise: the same losses in every framework, up to this
SVG_TOLERANCE = 1e-3  # points (1/72 inch): coordinates of "identical" figures may differ by this

#: The chapter's training runs: the variable holding (times, losses) and the settings the issue
#: asks for, (learning rate, batch size, epochs).
SETTINGS = {"gd_res": (1, 1500, 10), "sgd_res": (0.005, 1, 2),
            "mini100_res": (0.4, 100, 2), "mini10_res": (0.05, 10, 2)}

#: What each framework's concise cell must pass to train_concise_ch11.
CONCISE_OPTIMIZERS = {"mxnet": "'sgd', {'learning_rate': 0.01}",
                      "pytorch": "torch.optim.SGD, {'lr': 0.01}",
                      "tensorflow": "tf.keras.optimizers.SGD, {'learning_rate': 0.01}",
                      "jax": "optax.sgd, {'learning_rate': 0.01}"}


def code_cells(framework):
    """The sources of the code cells that ``framework`` runs, in order."""
    return [cell.source for cell in CHAPTER.code_cells(framework)]


def chapter_runs():
    """{variable: (lr, batch size, epochs)} of the chapter's ``x_res = train_sgd(...)`` cells."""
    runs = {}
    for variable, args in re.findall(r"^(\w+_res) = train_sgd\(([^)]*)\)$", TEXT, re.MULTILINE):
        values = [ast.literal_eval(arg.strip()) for arg in args.split(",")]
        runs[variable] = tuple(values) + (2,) * (3 - len(values))  # num_epochs defaults to 2
    return runs


def concise_settings():
    """(learning rate, batch size) of the chapter's concise run."""
    sizes = re.findall(r"^data_iter, _ = d2l\.get_data_ch11\(batch_size=(\d+)\)$", TEXT, re.MULTILINE)
    rates = set(re.findall(r"train_concise_ch11\([^\n]*'(?:lr|learning_rate)': ([\d.]+)\}", TEXT))
    assert len(sizes) == 1 and len(rates) == 1, "one concise run, with one learning rate"
    return float(rates.pop()), int(sizes[0])


@pytest.fixture(scope="module")
def losses():
    """{framework: {run: losses}} from the chapter's own training cells, run per framework.

    The import cell and every cell from the first use of the airfoil data on run in one
    namespace, as in a notebook (the timing experiments before are left out: they measure, and
    nothing the text quotes depends on them). Then the chapter's ``train_sgd`` runs once more
    with the concise run's settings, for comparison.
    """
    values = {name: f"{name}[1]" for name in [*SETTINGS, "concise_res"]}
    values["scratch_as_concise"] = "train_sgd({!r}, {!r})[1]".format(*concise_settings())
    requests = {}
    for fw in FRAMEWORKS.names:
        cells = CHAPTER.sources(fw)
        first_data = next(i for i, source in enumerate(cells) if "get_data_ch11" in source)
        requests[fw] = ([cells[0]] + cells[first_data:], values)
    return {fw: result["values"] for fw, result in run_code(requests, CHAPTER.name).items()}


@pytest.fixture(scope="module")
def curves(losses):
    """The loss curves of one framework (they agree across frameworks, see the parity test)."""
    return {name: np.array(values) for name, values in losses["pytorch"].items()}


@pytest.fixture(scope="module")
def notebooks():
    """The chapter executed in each framework by the book's pipeline: {framework: notebook}."""
    return CHAPTER.executed()


def recorded_examples(batch_size, num_epochs):
    """The numbers of examples after which train_ch11 records the loss, by its documented rule."""
    seen = [step * batch_size for step in range(1, num_epochs * N // batch_size + 1)]
    marks = [n for n in seen if n % RECORD_EVERY == 0]
    return marks if marks and marks[-1] == seen[-1] else marks + [seen[-1]]


def examples_of(run):
    """The recorded example counts of one of the chapter's runs."""
    _, batch_size, num_epochs = SETTINGS[run]
    return recorded_examples(batch_size, num_epochs)


@pytest.fixture(scope="module")
def airfoil():
    """The features (with a column of ones for the bias) and targets of the N training examples."""
    data = load_airfoil(airfoil_path()).astype(np.float64)[:N]
    return np.c_[data[:, :-1], np.ones(N)], data[:, -1]


def loss(X, y, w):
    """Half the mean squared error of the linear model with weights (and bias) ``w``."""
    return float(np.mean((X @ w - y) ** 2) / 2)


def gradient_descent(X, y, w, lr, steps):
    """The loss after each of ``steps`` gradient-descent steps on :func:`loss` from ``w``."""
    out = []
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - y) / len(y)
        out.append(loss(X, y, w))
    return out


def initial_weights():
    """The weights every training run starts from (the bias starts at 0)."""
    data_iter = DataIter(np.zeros((N, 5), np.float32), np.zeros(N, np.float32), N, 0, np.asarray)
    return np.r_[data_iter.initial_weights((5, 1)).ravel().astype(np.float64), 0.0]


# The settings


def test_the_chapter_runs_the_settings_of_the_issue():
    assert chapter_runs() == SETTINGS
    assert concise_settings() == (0.01, 10)
    for fw, arguments in CONCISE_OPTIMIZERS.items():
        concise = [source for source in code_cells(fw) if "train_concise_ch11(" in source]
        assert concise == [f"concise_res = d2l.train_concise_ch11({arguments}, data_iter)"], fw


def test_train_sgd_passes_its_settings_to_train_ch11():
    source = "\n".join(code_cells("pytorch"))
    assert "data_iter, feature_dim = d2l.get_data_ch11(batch_size)" in source
    assert "d2l.train_ch11(sgd, None, {'lr': lr}, data_iter, feature_dim, num_epochs)" in source


def test_the_jax_sgd_is_pure_and_can_be_compiled():
    """JAX's ``sgd`` returns the parameters moved against the gradients, and leaves its arguments alone.

    Eagerly and under ``jax.jit`` (which only traces pure functions), against NumPy.
    """
    rng = np.random.default_rng(5)
    w, b, g_w, g_b = (rng.normal(size=shape).round(3).tolist() for shape in ((5, 1), 1, (5, 1), 1))
    lr = 0.4
    sources = CHAPTER.sources("jax")
    [trainer] = [source for source in sources if "def sgd(" in source]
    setup = (f"params = [jnp.array({w}), jnp.array({b})]\n"
             f"grads = [jnp.array({g_w}), jnp.array({g_b})]\n"
             f"hyperparams = {{'lr': {lr}}}\n")
    values = {"eager": "[x.tolist() for x in sgd(params, grads, None, hyperparams)[0]]",
              "jitted": "[x.tolist() for x in jax.jit(sgd)(params, grads, None, hyperparams)[0]]",
              "states": "sgd(params, grads, None, hyperparams)[1]",
              "unchanged": "[x.tolist() for x in params]"}
    result = run_code({"jax": ([sources[0], trainer, setup], values)}, CHAPTER.name)["jax"]["values"]
    expected = [np.array(w) - lr * np.array(g_w), np.array(b) - lr * np.array(g_b)]
    for run in ("eager", "jitted"):
        for ours, exact in zip(result[run], expected):
            assert np.allclose(ours, exact, rtol=0, atol=1e-6), run
    assert result["states"] is None, "the states come back as they were given"
    for ours, given in zip(result["unchanged"], [w, b]):
        assert np.allclose(ours, given, rtol=0, atol=1e-7), "the arguments must stay as they were"


# Vectorization


def test_the_sizes_of_the_timing_experiment():
    n = int(re.search(r"^n = (\d+)$", TEXT, re.MULTILINE)[1])
    rows, block = map(int, re.search(r"^rows, block = (\d+), (\d+)$", TEXT, re.MULTILINE).groups())
    assert (n, rows, block) == (256, 2, 64)
    quoted(f"$n = {n}$")
    quoted(f"$256^2 = {n ** 2:,}$".replace(",", "{,}"))
    quoted(f"first two rows (${rows * n}$ dot products)")
    quoted(f"the overhead of ${rows * n}$ tiny operations")
    quoted(f"blocks of {block} columns, only {['zero', 'one', 'two', 'three', 'four'][n // block]} products")
    quoted("about $2 n^3$ floating-point operations")
    quoted("The inputs hold only $2 n^2$ numbers, so each of them is used $n$ times")


def test_the_timing_cell_reports_four_rates_in_every_framework(notebooks):
    methods = ["one entry at a time", "one column at a time", "blocks of 64 columns", "one matrix product"]
    for fw, notebook in notebooks.items():
        lines = printed(notebook, "speeds = {").splitlines()
        assert [line.split(":")[0].strip() for line in lines] == methods, fw
        rates = [float(re.fullmatch(r".*: +(\S+) GFLOPS", line)[1]) for line in lines]
        assert all(rate > 0 for rate in rates), (fw, rates)


#: Sets one entry of a JAX array, and tries to assign to it as to an array of the other frameworks.
JAX_SET_PROBE = """
import jax.numpy as jnp
import numpy as np
A = jnp.zeros((4, 4))
new = A.at[1, 2].set(5.0)
try:
    A[1, 2] = 5.0
    refused = False
except TypeError:
    refused = True
"""


def test_jax_sets_entries_in_a_new_array():
    values = {"old": "np.asarray(A).tolist()", "changed": "np.argwhere(np.asarray(new) != np.asarray(A)).tolist()",
              "value": "float(new[1, 2])", "copied": "A.unsafe_buffer_pointer() != new.unsafe_buffer_pointer()",
              "refused": "refused"}
    done = run_code({"jax": ([JAX_SET_PROBE], values)}, "a JAX probe")["jax"]["values"]
    assert done["old"] == [[0.0] * 4] * 4 and done["refused"], "A itself stays as it was and cannot be assigned to"
    assert done["changed"] == [[1, 2]] and done["value"] == 5.0 and done["copied"]
    quoted("JAX arrays are immutable and JAX has no variables:\n`A.at[i, j].set(x)` returns a *new* array that "
           "differs from `A` in the indexed entries")
    quoted("each such update copies the\nwhole matrix")


def test_the_four_ways_compute_the_same_matrix(notebooks):
    for fw, notebook in notebooks.items():
        assert printed(notebook, "by_columns(64)") == "blocks of 64 columns agree with the full product: True\n", fw


# Minibatches: the variance of the gradient


def example_gradients(X, y):
    """The gradients of the loss of every example at weights 0 (features and bias)."""
    return -(y[:, None] * X)


def test_minibatch_variance_with_and_without_replacement(airfoil):
    quoted("by a factor of $b^{-1/2}$")
    quoted(r"$$\frac{1}{b} \cdot \frac{N - b}{N - 1},$$")
    grads = example_gradients(*airfoil)
    mean = grads.mean(axis=0)
    sigma2 = float(np.mean(np.sum((grads - mean) ** 2, axis=1)))  # one example's total variance
    rng = np.random.default_rng(0)
    draws = 4000
    variances = {}
    for b in (10, 100):
        with_replacement = grads[rng.integers(0, N, (draws, b))].mean(axis=1)
        without = grads[np.argsort(rng.random((draws, N)), axis=1)[:, :b]].mean(axis=1)
        var_with = np.mean(np.sum((with_replacement - mean) ** 2, axis=1))
        var_without = np.mean(np.sum((without - mean) ** 2, axis=1))
        assert var_with == pytest.approx(sigma2 / b, rel=0.06), b
        assert var_without == pytest.approx(sigma2 / b * (N - b) / (N - 1), rel=0.06), b
        variances[b] = var_with
    assert np.allclose(grads[rng.permutation(N)].mean(axis=0), mean), "b = N gives the exact gradient"
    quoted("going from $b = 1$ to $b = 100$ divides the standard deviation by only $10$")
    assert math.sqrt(sigma2 / variances[100]) == pytest.approx(10, rel=0.03), "sigma2 is the variance at b = 1"


# The data


def test_the_data_set_and_its_minibatches(notebooks):
    data = np.genfromtxt(airfoil_path(), delimiter="\t")
    assert data.shape == (1503, 6)
    quoted("Each of its $1{,}503$ examples has five features")
    quoted("the first $1{,}500$ examples")
    standardized = load_airfoil(airfoil_path())
    assert np.allclose(standardized.mean(axis=0, dtype=np.float64), 0, atol=1e-4)
    assert np.allclose(standardized.std(axis=0, dtype=np.float64), 1, atol=1e-4)
    batches = math.ceil(N / 10)
    quoted(f"an epoch over the $1{{,}}500$ examples has ${batches}$ of them")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "next(iter(data_iter))") == (
            f"{batches} minibatches per epoch, 5 features\nshape of a minibatch: (10, 5) (10,)\n"), fw


def test_updates_per_epoch():
    updates = {run: N // batch_size for run, (_, batch_size, _) in SETTINGS.items()}
    assert updates == {"gd_res": 1, "sgd_res": 1500, "mini100_res": 15, "mini10_res": 150}
    quoted("one update per epoch. We allow ten epochs, so ten updates, at a learning rate of $1$")
    quoted("$1{,}500$ updates per epoch, $3{,}000$ in the two epochs we allow. A learning rate of $0.005$")
    quoted("Minibatches of $100$ examples give $15$ updates per epoch, and allow a learning rate of $0.4$")
    quoted("Minibatches of $10$ examples give $150$ updates per epoch; we use a learning rate of $0.05$")
    quoted("We train with minibatches of $10$ examples and a learning rate of $0.01$")


# The problem: best fit, starting point, curvature


def test_least_squares_loss_and_initial_loss(airfoil):
    X, y = airfoil
    best = loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])
    quoted(f"the loss of the least-squares fit, is ${best:.4f}$")
    quoted(f"from a loss of ${loss(X, y, initial_weights()):.3f}$")


def test_the_learning_rate_of_gradient_descent_is_slightly_too_large(airfoil):
    X, y = airfoil
    top = np.linalg.eigvalsh(X.T @ X / N)[-1]
    quoted(f"its largest eigenvalue is ${top:.2f}$")
    quoted(f"The bound is $2 / {top:.2f} \\approx {2 / top:.2f}$")
    quoted(f"a factor of $|1 - {top:.2f}| = {top - 1:.2f}$ per step")
    assert 0.9 < 2 / top < 1


def test_gradient_descent_converges_at_0_9_and_diverges_at_1(airfoil):
    """The second exercise: 100 epochs of gradient descent at the two learning rates."""
    quoted("converges at $\\eta = 0.9$ and diverges, slowly, at $\\eta = 1$ when you run it for $100$ epochs")
    X, y = airfoil
    best = loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])
    assert gradient_descent(X, y, initial_weights(), 0.9, 100)[-1] == pytest.approx(best, abs=1e-9)
    diverging = gradient_descent(X, y, initial_weights(), 1.0, 100)
    assert diverging[-1] > 10 * loss(X, y, initial_weights())
    assert np.argmin(diverging) < 10, "the loss falls first and rises only later"


# The training runs


def test_every_framework_gives_the_same_losses(losses):
    for run in losses["mxnet"]:
        curves_of_run = [np.array(losses[fw][run]) for fw in FRAMEWORKS.names]
        assert all(len(curve) == len(curves_of_run[0]) for curve in curves_of_run), run
        spread = np.max(np.ptp(np.stack(curves_of_run), axis=0))
        assert spread <= PARITY, (run, spread)


def test_the_loss_is_recorded_where_record_epochs_says(curves):
    record_epochs = CHAPTER.function("record_epochs")
    for run, (_, batch_size, num_epochs) in SETTINGS.items():
        marks = recorded_examples(batch_size, num_epochs)
        assert len(curves[run]) == len(marks), run
        assert record_epochs(batch_size, len(curves[run])) == pytest.approx([m / N for m in marks]), run
    assert examples_of("gd_res") == [3000, 6000, 9000, 12000, 15000]
    quoted("The loss is recorded every second epoch, as only then is a multiple of $200$ examples completed")


def test_gradient_descent_on_the_airfoil_data(curves, airfoil):
    gd = curves["gd_res"]
    epochs = [m // N for m in examples_of("gd_res")]
    quoted(f"the loss falls quickly, to ${gd[0]:.4f}$ after two of them")
    lowest = int(np.argmin(gd))
    assert epochs[lowest] == 6
    quoted(f"It is lowest, ${gd[lowest]:.4f}$, after six epochs, and then it *rises* again, "
           f"to ${gd[-1]:.4f}$ after ten")
    assert gd[-1] > gd[lowest] and np.all(np.diff(gd[lowest:]) > 0)
    X, y = airfoil
    independent = gradient_descent(X, y, initial_weights(), 1.0, 10)
    assert np.allclose(gd, [independent[e - 1] for e in epochs], atol=1e-5), "a float64 NumPy run agrees"


def first_below(curve, level):
    """The index of the first recorded loss below ``level``."""
    return int(np.argmax(np.asarray(curve) < level))


def test_sgd_on_the_airfoil_data(curves):
    sgd, gd_two_epochs = curves["sgd_res"], curves["gd_res"][0]
    marks = examples_of("sgd_res")
    quoted(f"After $200$ updates, less than a seventh of an epoch, the loss is already ${sgd[0]:.3f}$")
    assert marks[0] == 200 and 200 / N < 1 / 7
    below = first_below(sgd, gd_two_epochs)
    assert sgd[below] < gd_two_epochs and marks[below] == 800
    quoted(f"after $800$ updates, barely half an epoch, it is below the ${gd_two_epochs:.4f}$")
    later = sgd[marks.index(1000):]
    quoted("From the $1{,}000$th update on it makes no steady progress")
    rises = int(np.sum(np.diff(later) > 0))
    assert rises >= 3 and later[-1] > later.min(), "the loss goes up and down"
    quoted(f"the loss fluctuates between ${later.min():.4f}$ and ${later.max():.4f}$")


def test_minibatch_runs_on_the_airfoil_data(curves, airfoil):
    X, y = airfoil
    best = loss(X, y, np.linalg.lstsq(X, y, rcond=None)[0])
    gd_two_epochs = curves["gd_res"][0]
    crossings = [examples_of(run)[first_below(curves[run], gd_two_epochs)] for run in ("mini100_res", "mini10_res")]
    assert crossings == [1000, 800] and max(crossings) < N, "within the first epoch"
    quoted("fall below gradient descent's two-epoch loss within their first epoch (after "
           "$1{,}000$ and $800$ examples)")
    finals = [curves[run][-1] for run in ("mini100_res", "mini10_res")]
    quoted(f"they end the second epoch at ${finals[0]:.3f}$ and ${finals[1]:.3f}$, within "
           "$0.005$ of the least-squares loss")
    assert all(0 < final - best < 0.005 for final in finals)


def test_minibatches_of_ten_follow_sgd(curves):
    gap = np.max(np.abs(curves["sgd_res"] - curves["mini10_res"]))
    quoted(f"they differ by at most ${gap:.4f}$ at the recorded points")
    assert gap < 0.002
    (lr_sgd, b_sgd, _), (lr_10, b_10, _) = SETTINGS["sgd_res"], SETTINGS["mini10_res"]
    assert lr_10 == pytest.approx(10 * lr_sgd) and b_10 == 10 * b_sgd
    assert lr_sgd * N / b_sgd == pytest.approx(lr_10 * N / b_10) == pytest.approx(7.5)
    quoted("The product of learning rate and updates per epoch is $7.5$ in both runs")


def test_small_minibatches_reach_in_about_one_epoch_what_gd_reaches_in_ten(curves):
    crossings = [examples_of(run)[first_below(curves[run], curves["gd_res"][-1])]
                 for run in ("sgd_res", "mini100_res", "mini10_res")]
    assert max(crossings) == 1600 and 1600 / N < 1.1
    quoted("Each of them gets below the loss that gradient descent ends with after ten epochs within "
           "its first $1{,}600$ examples, little more than one epoch")


def test_concise_training_is_the_scratch_update(losses, curves):
    for fw in FRAMEWORKS.names:
        gap = np.max(np.abs(np.array(losses[fw]["concise_res"]) - np.array(losses[fw]["scratch_as_concise"])))
        assert gap <= PARITY, (fw, gap)
    quoted("the curve is the one that `train_sgd(0.01, 10)` draws")
    concise = curves["concise_res"]
    quoted(f"the loss falls more slowly, to ${concise[-1]:.3f}$ after two epochs, but it falls at "
           "every recorded point")
    assert np.all(np.diff(concise) < 0)
    assert SETTINGS["mini10_res"][0] == 5 * concise_settings()[0]
    quoted("With a learning rate five times smaller than in our run with minibatches of $10$")


def test_printed_final_losses(notebooks, curves):
    for run in SETTINGS:
        expected = f"loss: {curves[run][-1]:.3f}, "
        for fw, notebook in notebooks.items():
            cells = [cell for cell in notebook.cells if cell.source.startswith(f"{run} = train_sgd(")]
            assert len(cells) == 1 and visible_outputs(cells[0])[0].startswith(expected), (fw, run)


# What the readers see


#: Code cells whose outputs measure time, and so legitimately differ between frameworks.
TIMING_CELLS = ("speeds = {", "'time (sec)'")

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def same_svg(a, b):
    """Whether two SVG figures are the same up to :data:`SVG_TOLERANCE` in their coordinates."""
    if NUMBER.split(a) != NUMBER.split(b):
        return False
    return all(abs(float(x) - float(y)) <= SVG_TOLERANCE for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)))


def visible_outputs(cell):
    """A code cell's stdout (time per epoch masked) and its SVG figures."""
    stdout = "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")
    svgs = [svg_with_numbered_ids(out.data["image/svg+xml"])
            for out in cell.outputs if "image/svg+xml" in out.get("data", {})]
    return re.sub(r"\d+\.\d+ sec/epoch", "<time> sec/epoch", stdout), svgs


def test_every_output_that_does_not_measure_time_is_the_same_in_every_framework(notebooks):
    cells = {fw: notebook.cells for fw, notebook in notebooks.items()}
    assert sorted(cells) == sorted(FRAMEWORKS.names)
    assert len({len(c) for c in cells.values()}) == 1, "the same number of code cells in each framework"
    figures = 0
    for index, reference in enumerate(cells["mxnet"]):
        timing = any(snippet in reference.source for snippet in TIMING_CELLS)
        stdout, svgs = visible_outputs(reference)
        for fw in FRAMEWORKS.names[1:]:
            other_stdout, other_svgs = visible_outputs(cells[fw][index])
            assert len(other_svgs) == len(svgs), (fw, index)
            if not timing:
                assert other_stdout == stdout, (fw, index)
                assert all(same_svg(a, b) for a, b in zip(svgs, other_svgs)), (fw, index)
        figures += 0 if timing else len(svgs)
    assert figures == 6, "four training runs, the comparison against epochs and the concise run"


#: How the text writes small counts, e.g. the number of frameworks.
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six"]


def test_the_text_counts_the_frameworks_right():
    count = NUMBER_WORDS[len(FRAMEWORKS)]
    quoted(f"gives the {count} frameworks one common set of helpers")
    quoted(f"The {count} frameworks differ in how results are written into")
    stale = re.search(rf"\b(?!{count}\b)(?:two|three|four|five|six)\s+frameworks", TEXT)
    assert not stale, f"the text still says {stale[0]!r}"


def test_the_page_says_which_figures_depend_on_the_machine():
    quoted("These measurements, unlike every other output in this book, are *not* the same in the "
           f"{NUMBER_WORDS[len(FRAMEWORKS)]} frameworks")
    quoted("This figure plots times measured while this page was built, so, unlike the one before, "
           "it differs between the frameworks, the machines and the runs")


# The exercises


def test_every_exercise_has_a_collapsed_hint_or_answer():
    CHAPTER.assert_exercises_have_collapsed_answers(6)
