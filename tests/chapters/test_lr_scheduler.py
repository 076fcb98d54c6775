"""The Learning-Rate Scheduling chapter (chapters/lr_scheduler.md): its schedules, its runs and the built-ins.

The schedules the chapter builds are rebuilt here from its calls with the shim's backend-free
``d2l_shim.schedulers`` and checked against what the text says about them. The book's pipeline
executes the chapter per framework: the schedule figures must be the same in every framework and
what the runs print must be what the text quotes. The training records, and facts about each
framework's own schedulers, come from one subprocess per framework (``chapter_runner``): every
curve must agree across the frameworks within the tolerance the chapter states, and the
frameworks' schedulers must reproduce ours.
"""

import ast
import math

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
    quoted("each recorded training loss and test loss agrees\nacross the three frameworks to within $10^{-5}$, "
           "and the test accuracies are identical")
    quoted("agrees across\n  MXNet, PyTorch and TensorFlow to within $10^{-5}$ in the loss")


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
    for fw, result in runs.items():
        for run in BUILTIN:
            ours, builtin = result[f"history_{run}"], result[f"history_{run}_builtin"]
            rate_gap = np.max(np.abs(np.subtract(ours["lrs"], builtin["lrs"])))
            assert rate_gap < (1e-7 if fw == "tensorflow" else 1e-15), (fw, run, rate_gap)
            loss_gap = np.max(np.abs(np.subtract(ours["train_loss"] + ours["test_loss"],
                                                 builtin["train_loss"] + builtin["test_loss"])))
            assert loss_gap < 1e-7, (fw, run, loss_gap)
        facts = result["facts"]
        assert facts["classes"], fw
        cosine = rates(SCHEDULES["scheduler_cosine"])
        assert np.allclose(facts["cosine"], cosine, rtol=0, atol=1e-7 if fw == "tensorflow" else 1e-15), fw
    torch_facts = runs["pytorch"]["facts"]
    assert np.allclose(torch_facts["sqrt"], rates(SCHEDULES["scheduler_sqrt"]), rtol=1e-14)
    assert torch_facts["zero_start_refused"]
    beyond = torch_facts["beyond"]
    assert beyond[NUM_UPDATES] < 1e-12 < beyond[NUM_UPDATES + 50] and beyond[-1] > 0.49, "back up again"
    for claim in ("with the mapping of the table they reproduce our\n  schedules",
                  "Keras computes its schedules in single precision, which leaves differences\nbelow $10^{-7}$",
                  "agree with ours to within $10^{-7}$", "`LinearLR` refuses a start factor of 0",
                  "continues along the cosine, back up again", "`LambdaLR(lambda k: (k + 1) ** -0.5)`",
                  "| `CosineAnnealingLR(T_max=T, eta_min=η_T)` |", "`PiecewiseConstantDecay([m₁ - 1, m₂ - 1]"):
        quoted(claim)


def test_the_chapter_calls_the_schedulers_of_its_table():
    assert len(CHAPTER.calls("train_scheduled_concise")) == 3 * len(BUILTIN)
    sources = {fw: " ".join(cell.source for cell in CHAPTER.code_cells()
                            if framework_tags(cell) == (fw,) and "train_scheduled_concise" in cell.source)
               for fw in FRAMEWORKS.names}
    for fw, names in {"mxnet": ("FactorScheduler", "MultiFactorScheduler", "CosineScheduler"),
                      "pytorch": ("StepLR", "MultiStepLR", "SequentialLR", "LinearLR", "CosineAnnealingLR"),
                      "tensorflow": ("ExponentialDecay", "PiecewiseConstantDecay", "CosineDecay")}.items():
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
