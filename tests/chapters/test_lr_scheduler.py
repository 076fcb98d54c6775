"""The Learning-Rate Scheduling chapter (chapters/lr_scheduler.md): its schedules, its runs and the built-ins.

The schedules the chapter builds are rebuilt here from its calls with the shim's backend-free
``d2l_shim.schedulers`` and checked against what the text says about them. The book's pipeline
executes the chapter per framework: the schedule figures must be the same in every framework and
what the runs print must be what the text quotes. The training records, and facts about each
framework's own schedulers, come from one subprocess per framework (``chapter_runner``): every
curve must agree across the frameworks within the tolerance the chapter states, and the
frameworks' schedulers must reproduce ours. The optax column of the chapter's table is evaluated
as written, with its symbols replaced by numbers, and compared with ours.
"""

import ast
import math
import re

import numpy as np
import pytest
import yaml

from bookbuild.frameworks import FRAMEWORKS, framework_tags
from d2l_shim import schedulers

from .chapter_runner import run_chapter
from .chapter_tools import (ROOT, ChapterUnderTest, assert_each_run_draws_one_figure,
                            assert_same_losses_in_every_framework, assert_same_outputs_in_every_framework,
                            literal_assignments, printed, python_source)

CHAPTER = ChapterUnderTest("lr_scheduler.md")
TEXT = CHAPTER.text
quoted = CHAPTER.quoted

#: The runs of the chapter, from scratch and with the frameworks' schedulers.
SCRATCH = ("constant", "sqrt", "factor", "multifactor", "cosine", "warmup")
BUILTIN = ("factor", "multifactor", "warmup")
RUNS = tuple(f"history_{name}" for name in SCRATCH) + tuple(f"history_{name}_builtin" for name in BUILTIN)
#: The tolerance the chapter states for the agreement of the losses across frameworks.
TOLERANCE = 1e-5
#: The frameworks whose schedulers compute in single precision, as the chapter says.
SINGLE_PRECISION = ("tensorflow", "jax")


def settings():
    """The chapter's batch size, number of epochs and rate, as its first shared cell assigns them."""
    [cell] = CHAPTER.code_cells_containing("batch_size, num_epochs, lr =")
    values = literal_assignments(cell)
    return values["batch_size"], values["num_epochs"], values["lr"]


BATCH_SIZE, NUM_EPOCHS, LR = settings()
UPDATES_PER_EPOCH = math.ceil(1437 / BATCH_SIZE)
NUM_UPDATES = NUM_EPOCHS * UPDATES_PER_EPOCH


def chapter_schedulers():
    """{variable: schedule} for the schedules the chapter builds, rebuilt with d2l_shim.schedulers."""
    names = {"lr": LR, "updates_per_epoch": UPDATES_PER_EPOCH, "num_updates": NUM_UPDATES,
             "make_scheduler": schedulers.make_scheduler}
    built = {}
    for cell in CHAPTER.code_cells():
        if framework_tags(cell):
            continue
        for node in ast.parse(python_source(cell.source)).body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and ast.unparse(node.value.func) == "d2l.make_scheduler"):
                node.value.func = ast.Name("make_scheduler", ast.Load())
                built[node.targets[0].id] = eval(ast.unparse(node.value), names)
    return built


SCHEDULES = chapter_schedulers()


def rates(scheduler):
    return np.array([scheduler(k) for k in range(NUM_UPDATES)])


# Settings and the schedules


def test_the_settings_the_text_describes():
    assert (BATCH_SIZE, NUM_EPOCHS, LR) == (32, 10, 0.5)
    assert (UPDATES_PER_EPOCH, NUM_UPDATES) == (45, 450)
    assert list(SCHEDULES) == ["scheduler_sqrt", "scheduler_factor", "scheduler_multifactor",
                               "scheduler_cosine", "scheduler_warmup"]
    assert [args for _, args, _ in CHAPTER.calls("get_data_digits")] == [["batch_size"]]
    for claim in ("We start at the constant rate $\\eta = 0.5$", "one hidden layer of 64\nReLU units",
                  "$T = 450$ and $\\eta_T = 0$", "cosine over the remaining 405 updates",
                  "We warm up for one epoch\nfrom $0.05$", "our 450 updates"):
        quoted(claim)


def test_the_schedules_follow_their_equations():
    k = np.arange(NUM_UPDATES)
    assert np.allclose(rates(SCHEDULES["scheduler_sqrt"]), LR / np.sqrt(k + 1), rtol=1e-14)
    assert np.allclose(rates(SCHEDULES["scheduler_factor"]), LR * 0.7 ** (k // 90), rtol=1e-14)
    assert np.allclose(rates(SCHEDULES["scheduler_multifactor"]),
                       LR * 0.3 ** ((k >= 225).astype(int) + (k >= 360)), rtol=1e-14)
    assert np.allclose(rates(SCHEDULES["scheduler_cosine"]), LR * (1 + np.cos(np.pi * k / 450)) / 2,
                       rtol=1e-14, atol=1e-15)
    warm = rates(SCHEDULES["scheduler_warmup"])
    assert np.allclose(warm[:45], 0.05 + 0.45 * k[:45] / 45, rtol=1e-14)
    assert np.allclose(warm[45:], LR * (1 + np.cos(np.pi * (k[45:] - 45) / 405)) / 2, rtol=1e-14, atol=1e-15)
    for equation in ("\\eta_k = \\frac{\\eta_0}{\\sqrt{k + 1}}", "\\eta_k = \\eta_0\\, \\gamma^{\\lfloor k / s \\rfloor}",
                     "\\eta_k = \\eta_0\\, \\gamma^{|\\{i : m_i \\leq k\\}|}",
                     "\\left(1 + \\cos\\frac{\\pi k}{T}\\right)",
                     "\\eta_\\textrm{begin} + (\\eta_0 - \\eta_\\textrm{begin}) \\frac{k}{W}"):
        quoted(equation)


def test_what_the_text_says_about_the_square_root_and_the_factor():
    sqrt = SCHEDULES["scheduler_sqrt"]
    assert sqrt(3) == LR / 2 and sqrt(99) == pytest.approx(LR / 10)
    assert round(rates(sqrt).mean(), 3) == 0.046 and rates(sqrt).mean() < LR / 10
    quoted("the fourth update already runs at half the starting\nrate, the hundredth at a tenth of it, "
           "and the average rate over the run is only 0.046, less than a\ntenth of the constant run's")
    factor = rates(SCHEDULES["scheduler_factor"])
    assert np.allclose(factor[360:], 0.5 * 0.7 ** 4) and round(0.5 * 0.7 ** 4, 2) == 0.12
    quoted("the last two epochs run at\n$0.5 \\cdot 0.7^4 = 0.12$")


# What the book prints and draws


@pytest.fixture(scope="module")
def notebooks():
    return CHAPTER.executed()


def test_the_schedule_figures_are_the_same_in_every_framework(notebooks):
    assert_same_outputs_in_every_framework(
        notebooks, figures=5, which="the schedule figures",
        keep=lambda cell: not framework_tags(cell) and ("show_schedule(scheduler" in cell.source
                                                        or "updates_per_epoch = " in cell.source))
    for fw, notebook in notebooks.items():
        assert printed(notebook, "updates_per_epoch = ") == (
            "1437 training and 360 test images, 45 updates per epoch, 450 in all\n"), fw
    quoted("into a training set and a test set")
    quoted("every figure of a schedule is the same in MXNet, PyTorch,\nTensorFlow and JAX")


def test_every_run_draws_its_figure(notebooks):
    assert_each_run_draws_one_figure(notebooks, r"history_\w+ = d2l\.train_scheduled", runs=len(RUNS))


def test_each_framework_prints_the_quoted_results(notebooks):
    table = printed(notebooks["mxnet"], "for name, history in histories.items()")
    for fw, notebook in notebooks.items():
        assert printed(notebook, "history_constant = ") == (
            "train loss 0.044, test loss 0.100, test acc 0.975\n"), fw
        assert printed(notebook, "for name, history in histories.items()") == table, fw
    assert table.splitlines()[0] == "        constant: average rate 0.500, train loss 0.044, test acc 0.975"
    assert table.splitlines()[1] == "     square root: average rate 0.046, train loss 0.284, test acc 0.922"


# The frameworks' schedulers


def framework_tabs():
    """{sync key: tab text} of the chapter's framework tab set of schedulers."""
    [tab_set] = re.findall(r"^::::\{tab-set\}\n:sync-group: framework\n(.*?)^::::$", TEXT, re.S | re.M)
    return dict(re.findall(r"^:::\{tab-item\} [^\n]+\n:sync: (\w+)\n(.*?)^:::$", tab_set, re.S | re.M))


#: The symbols of the optax table as Python names.
SYMBOLS = {"η₀": "eta_0", "η_T": "eta_T", "η_begin": "eta_begin", "γ": "gamma", "m₁": "m_1", "m₂": "m_2"}


def optax_table():
    """{row of the table: the optax expression of its second column, in Python}."""
    rows = {}
    for line in framework_tabs()["jax"].splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 2 or not cells[0].split(" {eq}")[0] in TABLE_CASES:
            continue
        [code] = re.findall(r"`([^`]+)`", cells[1])
        for symbol, name in SYMBOLS.items():
            code = code.replace(symbol, name)
        rows[cells[0].split(" {eq}")[0]] = code
    return rows


#: For each row of the table, settings of its symbols and our schedule with the same settings.
TABLE_CASES = {
    "factor": [({"eta_0": 0.5, "s": 90, "gamma": 0.7},
                lambda p: schedulers.make_scheduler("factor", p["eta_0"], step_size=p["s"], factor=p["gamma"])),
               ({"eta_0": 0.2, "s": 45, "gamma": 0.5},
                lambda p: schedulers.make_scheduler("factor", p["eta_0"], step_size=p["s"], factor=p["gamma"]))],
    "multi-factor": [({"eta_0": 0.5, "m_1": 225, "m_2": 360, "gamma": 0.3},
                      lambda p: schedulers.make_scheduler("multifactor", p["eta_0"], milestones=[p["m_1"], p["m_2"]],
                                                          factor=p["gamma"])),
                     ({"eta_0": 0.4, "m_1": 100, "m_2": 101, "gamma": 0.5},
                      lambda p: schedulers.make_scheduler("multifactor", p["eta_0"], milestones=[p["m_1"], p["m_2"]],
                                                          factor=p["gamma"]))],
    "cosine": [({"eta_0": 0.5, "T": 450, "eta_T": 0.0},
                lambda p: schedulers.make_scheduler("cosine", p["eta_0"], num_steps=p["T"], final_lr=p["eta_T"])),
               ({"eta_0": 0.5, "T": 300, "eta_T": 0.05},
                lambda p: schedulers.make_scheduler("cosine", p["eta_0"], num_steps=p["T"], final_lr=p["eta_T"]))],
    "warmup": [({"eta_0": 0.5, "W": 45, "T": 405, "eta_begin": 0.05, "eta_T": 0.0},
                lambda p: schedulers.make_scheduler("cosine", p["eta_0"], num_steps=p["T"], final_lr=p["eta_T"],
                                                    warmup_steps=p["W"], warmup_begin_lr=p["eta_begin"])),
               ({"eta_0": 0.3, "W": 90, "T": 200, "eta_begin": 0.1, "eta_T": 0.02},
                lambda p: schedulers.make_scheduler("cosine", p["eta_0"], num_steps=p["T"], final_lr=p["eta_T"],
                                                    warmup_steps=p["W"], warmup_begin_lr=p["eta_begin"]))],
    "square root": [({"eta_0": 0.5}, lambda p: schedulers.make_scheduler("sqrt", p["eta_0"]))],
}
#: The counts at which the table's schedules are compared with ours: twice the run, to see what comes after T.
TABLE_COUNTS = 2 * NUM_UPDATES


def optax_table_code():
    """Code for the JAX run that evaluates each row of the optax table, in each case, at every count.

    The counts are int32 scalars, as ``optax.sgd`` passes them to its schedule.
    """
    cases = {row: [settings for settings, _ in TABLE_CASES[row]] for row in TABLE_CASES}
    return f"""
_counts = [jnp.asarray(k, dtype=jnp.int32) for k in range({TABLE_COUNTS})]
_table = {{}}
for _row, _code in {optax_table()!r}.items():
    _table[_row] = []
    for _settings in {cases!r}[_row]:
        _schedule = eval(_code, {{**vars(optax.schedules), 'jnp': jnp, **_settings}})
        _table[_row].append([float(_schedule(k)) for k in _counts])
"""


def test_the_framework_tabs():
    tabs = framework_tabs()
    assert list(tabs) == list(FRAMEWORKS.names), "one tab per framework, keyed by its name"
    assert set(optax_table()) == set(TABLE_CASES), "every schedule has its optax row"
    assert "| ours | optax: `optax.schedules` |" in tabs["jax"]
    quoted(":::{tab-item} JAX\n:sync: jax")


# The runs


FACTS = {
    "mxnet": """
_s = mx.lr_scheduler.CosineScheduler(max_update=num_updates + 1, base_lr=lr, final_lr=0,
                                     warmup_steps=1, warmup_begin_lr=lr)
facts = {'cosine': [_s(k + 1) for k in range(num_updates)],
         'classes': all(hasattr(mx.lr_scheduler, name) for name in
                        ('FactorScheduler', 'MultiFactorScheduler', 'CosineScheduler', 'LRScheduler'))}
""",
    "pytorch": """
def _rates(make, steps=num_updates):
    _opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    _sched, _out = make(_opt), []
    for _ in range(steps):
        _out.append(_opt.param_groups[0]['lr'])
        _opt.step()
        _sched.step()
    return _out
try:
    torch.optim.lr_scheduler.LinearLR(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr),
                                      start_factor=0.0)
    _zero_refused = False
except ValueError:
    _zero_refused = True
_S = torch.optim.lr_scheduler
facts = {'cosine': _rates(lambda o: _S.CosineAnnealingLR(o, T_max=num_updates)),
         'beyond': _rates(lambda o: _S.CosineAnnealingLR(o, T_max=num_updates), 2 * num_updates),
         'sqrt': _rates(lambda o: _S.LambdaLR(o, lambda k: (k + 1) ** -0.5)),
         'zero_start_refused': _zero_refused,
         'classes': all(hasattr(_S, name) for name in
                        ('StepLR', 'MultiStepLR', 'CosineAnnealingLR', 'SequentialLR', 'LinearLR', 'LambdaLR'))}
""",
    "tensorflow": """
_c = tf.keras.optimizers.schedules.CosineDecay(lr, num_updates)
facts = {'cosine': [float(_c(k)) for k in range(num_updates)],
         'classes': all(hasattr(tf.keras.optimizers.schedules, name) for name in
                        ('ExponentialDecay', 'PiecewiseConstantDecay', 'CosineDecay', 'LearningRateSchedule'))}
""",
    "jax": optax_table_code() + """
_S = optax.schedules
_first = optax.sgd(learning_rate=lambda count: 1.0 + count)
_state = _first.init(jnp.zeros(1))
_updates, _state = _first.update(jnp.ones(1), _state)
_again, _ = _first.update(jnp.ones(1), _state)
_warmup, _rest = updates_per_epoch, num_updates - updates_per_epoch
_joined = _S.join_schedules([_S.linear_schedule(0.05, lr, _warmup), _S.cosine_decay_schedule(lr, _rest)], [_warmup])
_exercise = _S.join_schedules([_S.linear_schedule(0.05, lr, _warmup),
                               _S.exponential_decay(lr, 2 * updates_per_epoch, 0.7, staircase=True)], [_warmup])
_c = optax.cosine_decay_schedule(lr, num_updates)
_constant = d2l.train_scheduled_concise(lr, train_iter, test_iter, num_epochs)
facts = {'cosine': [float(_c(k)) for k in range(num_updates)],
         'table': _table,
         'constant_concise': [_constant.train_loss, _constant.test_loss],
         'counts': [float(_updates[0]), float(_again[0])],
         'joined': bool(jnp.all(jax.vmap(_joined)(jnp.arange(num_updates)) == jax.vmap(
             _S.warmup_cosine_decay_schedule(0.05, lr, _warmup, num_updates))(jnp.arange(num_updates)))),
         'exercise': [float(_exercise(k)) for k in range(num_updates)],
         'classes': all(getattr(optax, name) is getattr(_S, name) for name in
                        ('exponential_decay', 'piecewise_constant_schedule', 'cosine_decay_schedule',
                         'warmup_cosine_decay_schedule', 'linear_schedule', 'join_schedules'))}
""",
}

EXERCISE = ("history_cosine_high = d2l.train_scheduled(d2l.make_scheduler('cosine', 1.0, num_steps=num_updates),"
            " train_iter, test_iter, num_epochs)")


@pytest.fixture(scope="module")
def runs():
    as_dicts = "\n".join(f"{name} = {name}._asdict()" for name in RUNS + ("history_cosine_high",))
    extra = {fw: f"{FACTS[fw]}\n{EXERCISE}\n{as_dicts}" for fw in FRAMEWORKS.names}
    return run_chapter(CHAPTER, RUNS + ("history_cosine_high", "facts"), extra=extra)


def records(runs, name, key):
    return {fw: result[name][key] for fw, result in runs.items()}


def test_every_curve_agrees_across_frameworks_within_the_stated_tolerance(runs):
    for key in ("train_loss", "test_loss"):
        assert_same_losses_in_every_framework(
            {fw: {name: result[name][key] for name in RUNS + ("history_cosine_high",)}
             for fw, result in runs.items()},
            RUNS + ("history_cosine_high",), atol=TOLERANCE)
    for name in RUNS:
        accuracies = records(runs, name, "test_acc")
        assert all(acc == accuracies["mxnet"] for acc in accuracies.values()), name
        assert len(accuracies["mxnet"]) == NUM_EPOCHS
    for name in (f"history_{run}" for run in SCRATCH):
        schedule = records(runs, name, "lrs")
        assert all(lrs == schedule["mxnet"] for lrs in schedule.values()), "our rates are the same floats"
    assert sorted(runs) == sorted(FRAMEWORKS.names) and len(runs) == 4
    quoted("each recorded training loss and test loss agrees\nacross the four frameworks to within $10^{-5}$, "
           "and the test accuracies are identical")
    quoted("the curves of the four frameworks drift further apart")
    quoted("and so, up to a small and measured tolerance, is every training curve")
    quoted("agrees across\n  MXNet, PyTorch, TensorFlow and JAX to within $10^{-5}$ in the loss")
    quoted("## One Curve in Four Frameworks")


def test_the_rates_the_runs_used_are_the_schedules(runs):
    for fw, result in runs.items():
        assert result["history_constant"]["lrs"] == [LR] * NUM_UPDATES, fw
        for run in SCRATCH[1:]:
            assert np.allclose(result[f"history_{run}"]["lrs"], rates(SCHEDULES[f"scheduler_{run}"]),
                               rtol=0, atol=1e-15), (fw, run)


def test_the_constant_run(runs):
    for fw, result in runs.items():
        h = result["history_constant"]
        assert round(h["train_loss"][0], 3) == 0.314 and h["test_acc"][0] == 0.9, fw
        assert round(h["test_acc"][3], 3) == 0.958 and round(h["test_acc"][5], 3) == 0.936, fw
        assert max(h["test_acc"][:4]) == h["test_acc"][3] > h["test_acc"][4] > h["test_acc"][5], fw
        assert [round(x, 3) for x in h["train_loss"][4:6]] == [0.098, 0.121], fw
        assert round(h["train_loss"][-1], 3) == 0.044 and h["test_acc"][-1] == 0.975, fw
    for claim in ("after one epoch the training loss is 0.314 and 90% of the test images",
                  "The test accuracy reaches 95.8% after four epochs and then falls\nback to 93.6% after six",
                  "in the sixth epoch the training loss rises from 0.098 to 0.121",
                  "training loss of\n0.044 and a test accuracy of 97.5%"):
        quoted(claim)


def test_the_scheduled_runs(runs):
    for fw, result in runs.items():
        h = {run: result[f"history_{run}"] for run in SCRATCH}
        assert round(h["sqrt"]["train_loss"][-1], 3) == 0.284 and round(h["sqrt"]["test_acc"][-1], 3) == 0.922
        constant, multi = h["constant"], h["multifactor"]
        assert multi["train_loss"][:5] == constant["train_loss"][:5], "update for update, for five epochs"
        assert multi["lrs"][:225] == constant["lrs"][:225]
        assert [round(x, 3) for x in multi["train_loss"][4:6]] == [0.098, 0.072], fw
        assert round(multi["train_loss"][-1], 3) == 0.061 and round(multi["test_acc"][-1], 3) == 0.969, fw
        assert round(h["warmup"]["train_loss"][0], 3) == 0.589 and round(h["cosine"]["train_loss"][0], 3) == 0.315
        assert abs(h["warmup"]["train_loss"][-1] - h["cosine"]["train_loss"][-1]) < 0.003, "ends close to it"
        rises = {run: max(np.diff(h[run]["train_loss"])) for run in SCRATCH}
        assert all(rises[run] <= 0.002 for run in SCRATCH[1:]) and rises["constant"] > 0.02, (fw, rises)
        finals = {run: h[run]["train_loss"][-1] for run in SCRATCH}
        assert min(finals, key=finals.get) == "constant", "none of them ends below the constant rate"
        accuracies = {run: h[run]["test_acc"][-1] for run in SCRATCH}
        assert all(accuracies[run] < accuracies["constant"] for run in SCRATCH[1:]), "nor above its accuracy"
        assert min((run for run in SCRATCH[1:]), key=finals.get) == "multifactor", "comes closest"
        averages = {run: np.mean(h[run]["lrs"]) for run in SCRATCH}
        assert all(averages[run] < 0.62 * LR for run in SCRATCH[1:]), "about half or less"
        assert max(averages, key=lambda run: averages[run] if run != "constant" else 0) == "multifactor"
    for claim in ("ends at a training loss of 0.284 and a test accuracy of 92.2%",
                  "the training loss drops from 0.098 to\n0.072 within an epoch, and the run ends at 0.061 "
                  "with a test accuracy of 96.9%",
                  "after the first epoch the training loss is 0.589,\nagainst 0.315 for the cosine without warmup",
                  "does the training loss rise by more than 0.002 from one epoch to the next",
                  "rose by more than 0.02",
                  "none of them beats the\nconstant rate at the end, neither in training loss nor in test accuracy",
                  "it ended at a training loss of 0.284 against 0.044 at a constant rate",
                  "lower the average rate to about half or less"):
        quoted(claim)


def test_the_frameworks_schedulers_reproduce_ours(runs):
    loss_gaps = []
    for fw, result in runs.items():
        for run in BUILTIN:
            ours, builtin = result[f"history_{run}"], result[f"history_{run}_builtin"]
            rate_gap = np.max(np.abs(np.subtract(ours["lrs"], builtin["lrs"])))
            assert rate_gap < (1e-7 if fw in SINGLE_PRECISION else 1e-15), (fw, run, rate_gap)
            loss_gap = np.max(np.abs(np.subtract(ours["train_loss"] + ours["test_loss"],
                                                 builtin["train_loss"] + builtin["test_loss"])))
            assert loss_gap < 3e-7, (fw, run, loss_gap)
            loss_gaps.append(loss_gap)
        facts = result["facts"]
        assert facts["classes"], fw
        cosine = rates(SCHEDULES["scheduler_cosine"])
        assert np.allclose(facts["cosine"], cosine, rtol=0, atol=1e-7 if fw in SINGLE_PRECISION else 1e-15), fw
    torch_facts = runs["pytorch"]["facts"]
    assert np.allclose(torch_facts["sqrt"], rates(SCHEDULES["scheduler_sqrt"]), rtol=1e-14)
    assert torch_facts["zero_start_refused"]
    beyond = torch_facts["beyond"]
    assert beyond[NUM_UPDATES] < 1e-12 < beyond[NUM_UPDATES + 50] and beyond[-1] > 0.49, "back up again"
    assert len(loss_gaps) == len(FRAMEWORKS.names) * len(BUILTIN) and max(loss_gaps) > 1e-7, max(loss_gaps)
    jax_facts = runs["jax"]["facts"]
    for row, cases in TABLE_CASES.items():
        for (settings, ours), table in zip(cases, jax_facts["table"][row]):
            expected = [ours(settings)(k) for k in range(TABLE_COUNTS)]
            assert np.allclose(table, expected, rtol=0, atol=1e-7), (row, settings, optax_table()[row])
    assert jax_facts["counts"] == [-1.0, -2.0], "optax.sgd counts from 0 and keeps the count in its state"
    # In JAX only the optimizer differs: at a constant rate, optax.sgd gives our losses bit for bit.
    constant = runs["jax"]["history_constant"]
    assert jax_facts["constant_concise"] == [constant["train_loss"], constant["test_loss"]]
    quoted("JAX has no layers of its own (libraries\nsuch as Flax add them), so in JAX the network and its loss "
           "are the same functions as in our runs,\nand only the SGD and the schedule are optax's.")
    quoted("In JAX, where only the optimizer differs, a constant rate even gives our losses bit for\nbit.")
    assert jax_facts["joined"], "warmup_cosine_decay_schedule joins a linear_schedule and a cosine_decay_schedule"
    exercise = schedulers.make_scheduler("factor", LR, step_size=2 * UPDATES_PER_EPOCH, factor=0.7,
                                         warmup_steps=UPDATES_PER_EPOCH, warmup_begin_lr=0.05)
    assert np.allclose(jax_facts["exercise"], rates(exercise), rtol=0, atol=1e-7)
    for claim in ("with the mapping of the table they reproduce our\n  schedules",
                  "Keras and optax compute their schedules in single precision, which leaves\ndifferences below $10^{-7}$",
                  "(MXNet from 1, PyTorch, Keras and optax\n  from 0)",
                  "(Keras's and optax's up to single precision)",
                  "it multiplies the rate by the scales\nof all the boundaries passed, so each scale is $\\gamma$, not a rate",
                  "`optax.sgd` keeps the count in its state\nand calls the schedule with it. All three count from 0",
                  "its `decay_steps` counts the warmup too",
                  "(optax's cosine, like {eq}`eq_lr_cosine`, stays\nat $\\eta_T$)",
                  "in optax any such function already\nis a schedule",
                  "In optax, `piecewise_constant_schedule` applies a scale\nfrom its boundary on, so it takes our "
                  "milestones as they are",
                  "in\n   optax, `join_schedules` of a `linear_schedule` and an `exponential_decay` with `staircase=True`",
                  "agree with ours to within\n$3 \\cdot 10^{-7}$", "agree with ours\n  to within $3 \\cdot 10^{-7}$",
                  "`LinearLR` refuses a start factor of 0",
                  "continues along the cosine, back up again", "`LambdaLR(lambda k: (k + 1) ** -0.5)`",
                  "| `CosineAnnealingLR(T_max=T, eta_min=η_T)` |", "`PiecewiseConstantDecay([m₁ - 1, m₂ - 1]"):
        quoted(claim)


def test_the_chapter_calls_the_schedulers_of_its_table():
    assert len(CHAPTER.calls("train_scheduled_concise")) == len(FRAMEWORKS.names) * len(BUILTIN)
    sources = {fw: " ".join(cell.source for cell in CHAPTER.code_cells()
                            if framework_tags(cell) == (fw,) and "train_scheduled_concise" in cell.source)
               for fw in FRAMEWORKS.names}
    for fw, names in {"mxnet": ("FactorScheduler", "MultiFactorScheduler", "CosineScheduler"),
                      "pytorch": ("StepLR", "MultiStepLR", "SequentialLR", "LinearLR", "CosineAnnealingLR"),
                      "tensorflow": ("ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay"),
                      "jax": ("exponential_decay", "piecewise_constant_schedule",
                              "warmup_cosine_decay_schedule")}.items():
        assert all(name in sources[fw] for name in names), fw
        assert all(f"`{name}" in TEXT for name in names), fw


# The exercises


def test_the_answers_to_the_exercises(runs):
    for fw, result in runs.items():
        high, constant = result["history_cosine_high"], result["history_constant"]
        assert round(np.mean(high["lrs"]), 3) == 0.501, fw
        assert round(high["train_loss"][-1], 3) == 0.035 and high["train_loss"][-1] < constant["train_loss"][-1]
        assert np.all(np.diff(high["train_loss"]) < 0), "falls in every epoch"
    quoted("the average rate is 0.501, and\n   the run ends at a training loss of 0.035, below the constant run's 0.044")
    average = sum(k ** -0.5 for k in range(1, NUM_UPDATES + 1)) / NUM_UPDATES
    assert round(average, 3) == 0.091 and abs(average - 2 / math.sqrt(NUM_UPDATES)) < 0.005
    assert round(0.5 / average, 1) == 5.5
    quoted("for\n   $K = 450$ exactly $0.091\\, \\eta_0$. Matching 0.5 needs $\\eta_0 \\approx 5.5$")
    CHAPTER.assert_exercises_have_collapsed_answers(4)


# The text and the book


def test_references_labels_and_place_in_the_book():
    assert {"Goyal.Dollar.Girshick.ea.2017", "Loshchilov.Hutter.2017"} <= set(CHAPTER.citations())
    CHAPTER.assert_equation_references_resolve()
    CHAPTER.assert_section_references_resolve()
    assert TEXT.count("(sec_scheduler)=") == 1
    assert "TODO" not in TEXT and "<!--" not in TEXT
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    [optimization] = [part for part in toc["parts"] if part["caption"] == "Optimization"]
    assert optimization["chapters"][-1] == {"file": "chapters/lr_scheduler"}
    assert [entry["file"] for entry in optimization["chapters"]].index("chapters/adam") == \
        len(optimization["chapters"]) - 2
