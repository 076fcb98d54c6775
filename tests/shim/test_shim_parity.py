"""Parity: the same d2l-style cells give the same traces, curves and figures in every backend.

The cells (``d2l_cells.py``) are written for the original book's library in each
framework's conventions (for JAX, in this book's: pure trainers and optax) and run
unchanged against the shim, one subprocess per framework, each in its framework's
kernel environment. 2-D traces and their figures must agree exactly (the SVG up to
the names of its clip paths, which depend on the NumPy version; see
``run_cells.CLIP_ID``), loss curves within 1e-5, and the scratch and concise
trainers within 1e-4. The loss curves are also checked against an independent
NumPy (float64) implementation of the same runs.
"""

import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

from d2l_cells import FRAMEWORKS, SETTINGS
from d2l_shim import data

TRACES = {
    "gd_2d_eta_04": "trace_gd_04",
    "gd_2d_eta_06": "trace_gd_06",
    "momentum_2d_05": "trace_momentum_05",
    "momentum_2d_025": "trace_momentum_025",
    "sgd_2d_noisy": "trace_sgd",
}
DETERMINISTIC_FIGURES = list(TRACES) + ["leaky_average_weights", "plot_tensors"]
SCRATCH = ([f"scratch_momentum_{lr}_{m}" for lr, m in SETTINGS]
           + [f"scratch_sgd_{lr}" for lr, _ in SETTINGS])
CONCISE = ([f"concise_momentum_{lr}_{m}" for lr, m in SETTINGS]
           + [f"concise_sgd_{lr}" for lr, _ in SETTINGS])
LOSS_LINE = re.compile(r"loss: (\d+\.\d{3}), (\d+\.\d{3}) sec/epoch\n")


def test_every_cell_runs_unchanged_in_every_framework(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        failed = {name: cell["error"] for name, cell in cells.items()
                  if cell["error"] and not name.startswith("bad_")}
        assert not failed, f"{fw}: {failed}"


def test_2d_traces_are_identical_and_follow_the_update_rules(cells_by_framework):
    for cell, variable in TRACES.items():
        traces = {fw: cells[cell][variable] for fw, cells in cells_by_framework.items()}
        for fw in FRAMEWORKS[1:]:
            assert traces[fw] == traces["mxnet"], f"{cell}: {fw} differs from mxnet"
    trace = cells_by_framework["mxnet"]["gd_2d_eta_04"]["trace_gd_04"]
    assert len(trace) == 21 and trace[0] == [-5.0, -2.0]
    assert trace[-1] == pytest.approx([-5 * (1 - 0.4 * 0.2) ** 20, -2 * (1 - 0.4 * 4) ** 20], rel=1e-12)
    x1, x2, v1, v2 = -5.0, -2.0, 0.0, 0.0
    for _ in range(20):
        v1, v2 = 0.5 * v1 + 0.2 * x1, 0.5 * v2 + 4 * x2
        x1, x2 = x1 - 0.6 * v1, x2 - 0.6 * v2
    assert cells_by_framework["pytorch"]["momentum_2d_05"]["trace_momentum_05"][-1] == pytest.approx(
        [x1, x2], rel=1e-12)


def test_2d_runs_print_their_final_position(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        x1, x2 = cells["gd_2d_eta_06"]["trace_gd_06"][-1]
        assert cells["gd_2d_eta_06"]["stdout"] == f"epoch 20, x1: {x1:f}, x2: {x2:f}\n", fw
        x1, x2 = cells["sgd_2d_noisy"]["trace_sgd"][-1]
        assert cells["sgd_2d_noisy"]["stdout"] == f"epoch 50, x1: {x1:f}, x2: {x2:f}\n", fw


def _plotted(figure):
    """All the numbers a figure plots, in one array."""
    return np.array([v for line in figure["lines"] for values in line for v in values])


def test_deterministic_figures_are_byte_identical(records, cells_by_framework):
    numpy_version = {fw: record["numpy_version"] for fw, record in records.items()}
    for cell in DETERMINISTIC_FIGURES:
        figures = {fw: cells[cell]["figures"] for fw, cells in cells_by_framework.items()}
        assert len(figures["mxnet"]) == 1, cell
        assert figures["mxnet"][0]["clip_ids"] >= 1, f"{cell}: no clip path was renamed"
        for fw in FRAMEWORKS[1:]:
            ((figure,), (base,)) = figures[fw], figures["mxnet"]
            assert len(figures[fw]) == 1, f"{cell}: {fw} draws {len(figures[fw])} figures"
            assert dict(figure, lines=None) == dict(base, lines=None), f"{cell}: {fw} draws another figure"
            # The plotted numbers too, but for NumPy's own arithmetic in a cell (0.95 ** x): NumPy 1.26
            # (MXNet's environment) and NumPy 2 round its power in the last bit differently.
            if numpy_version[fw] == numpy_version["mxnet"]:
                assert figure["lines"] == base["lines"], f"{cell}: {fw} plots other numbers"
            else:
                assert np.allclose(_plotted(figure), _plotted(base), rtol=1e-15, atol=0), f"{cell}: {fw}"
                assert [len(x) for x, _ in figure["lines"]] == [len(x) for x, _ in base["lines"]], f"{cell}: {fw}"
    for cell in TRACES:
        assert len({json.dumps(cells[cell]["figures"]) for cells in cells_by_framework.values()}) == 1, cell


def test_trace_figures_draw_the_trace_over_contour_lines(cells_by_framework):
    for cell, variable in TRACES.items():
        recorded = cells_by_framework["tensorflow"][cell]
        figure = recorded["figures"][0]
        x1, x2 = zip(*recorded[variable])
        assert figure["lines"] == [[list(x1), list(x2)]], cell
        assert figure["contours"] > 0, cell
        assert figure["texts"] == [["x1", "x2"]], cell


def test_plot_accepts_tensors_arrays_and_lists_alike(cells_by_framework):
    figure = cells_by_framework["mxnet"]["plot_tensors"]["figures"][0]
    x = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert figure["lines"] == [[x, [2 * v for v in x]], [x, [v * v for v in x]], [x, x]]
    assert figure["texts"] == [["x", "y", "2x", "x^2", "x"]]


def _losses(cells, name):
    return cells[name]["result"][1]


def test_loss_curves_agree_across_backends(cells_by_framework):
    for name in SCRATCH + CONCISE:
        curves = {fw: _losses(cells, name) for fw, cells in cells_by_framework.items()}
        assert len(curves["mxnet"]) == 15, name
        for fw in FRAMEWORKS[1:]:
            assert np.allclose(curves[fw], curves["mxnet"], rtol=0, atol=1e-5), f"{name}: {fw}"


def test_scratch_and_concise_trainers_agree(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        for scratch, concise in zip(SCRATCH, CONCISE):
            assert np.allclose(_losses(cells, scratch), _losses(cells, concise),
                               rtol=0, atol=1e-4), f"{fw}: {scratch} vs {concise}"


def test_training_figures_plot_the_returned_losses_against_epochs(cells_by_framework):
    epochs = [200 * k / 1500 for k in range(1, 16)]
    for fw, cells in cells_by_framework.items():
        for name in SCRATCH + CONCISE:
            times, losses = cells[name]["result"]
            (figure,) = cells[name]["figures"]
            assert figure["lines"] == [[epochs, losses]], f"{fw} {name}"
            assert figure["texts"] == [["epoch", "loss"]], f"{fw} {name}"
            assert len(times) == len(losses) and times == sorted(times), f"{fw} {name}"


def test_training_prints_the_final_loss_and_time_per_epoch(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        for name in SCRATCH + CONCISE:
            match = LOSS_LINE.fullmatch(cells[name]["stdout"])
            assert match, f"{fw} {name}: {cells[name]['stdout']!r}"
            assert match.group(1) == f"{_losses(cells, name)[-1]:.3f}", f"{fw} {name}"


def _numpy_run(lr, momentum, num_epochs=2, batch_size=10):
    """The momentum experiment in float64 NumPy on the shim's data order and initial weights."""
    data_iter, _ = data.get_data_ch11(SimpleNamespace(from_numpy=lambda a: a), batch_size)
    data_iter.restart()
    w = data_iter.initial_weights((5, 1)).astype(np.float64)
    b = 0.0
    v_w, v_b = np.zeros_like(w), 0.0
    (X_all, y_all), = data_iter.whole()
    losses, n = [], 0
    for _ in range(num_epochs):
        for X, y in data_iter:
            error = X @ w + b - y.reshape(-1, 1)
            v_w = momentum * v_w + X.T @ error / len(y)
            v_b = momentum * v_b + error.mean()
            w, b = w - lr * v_w, b - lr * v_b
            n += len(y)
            if n % 200 == 0:
                losses.append(float(np.mean((X_all @ w + b - y_all.reshape(-1, 1)) ** 2 / 2)))
    return losses


@pytest.mark.parametrize("lr, momentum", SETTINGS)
def test_loss_curves_match_an_independent_numpy_implementation(cells_by_framework, lr, momentum):
    expected = _numpy_run(lr, momentum)
    for fw, cells in cells_by_framework.items():
        assert np.allclose(_losses(cells, f"scratch_momentum_{lr}_{momentum}"), expected,
                           rtol=0, atol=1e-5), fw
        assert np.allclose(_losses(cells, f"scratch_sgd_{lr}"), _numpy_run(lr, 0.0),
                           rtol=0, atol=1e-5), fw


def test_training_lowers_the_loss(cells_by_framework):
    for name in SCRATCH + CONCISE:
        losses = _losses(cells_by_framework["pytorch"], name)
        assert losses[-1] < losses[0], name


def test_minibatch_style_runs_record_where_the_book_does(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        cell = cells["minibatch_sizes"]
        gd_times, gd_losses = cell["gd_res"]
        # Batch size 1500: 200 divides the example count every 2 epochs, so 4 epochs give 2 points.
        assert len(gd_losses) == len(gd_times) == 2, fw
        mini_times, mini_losses = cell["mini_res"]
        assert len(mini_losses) == len(mini_times) == 15, fw
        assert cell["figures"][-1]["texts"] == [["time (sec)", "loss", "gd", "batch size=100"]], fw
        assert cell["figures"][-1]["lines"][1] == [mini_times, mini_losses], fw


def test_data_order_and_helpers_are_the_same_in_every_backend(cells_by_framework):
    modules = {"mxnet": "mxnet.numpy", "pytorch": "torch",
               "tensorflow": "tensorflow.python.framework.ops", "jax": "jaxlib._jax"}
    # JAX keeps 64-bit types off by default: its integer tensors are int32 (see d2l_shim.jax).
    integers = {"jax": "int32"}
    base = cells_by_framework["mxnet"]
    for fw, cells in cells_by_framework.items():
        batches = cells["data_batches"]
        assert batches["batch_type"] == modules[fw]
        assert batches["num_batches"] == 3
        assert batches["batch_shapes"] == [[[7, 5], [7]], [[7, 5], [7]], [[6, 5], [6]]]
        assert batches["first_epoch"] == base["data_batches"]["first_epoch"], fw
        assert batches["second_epoch"] == base["data_batches"]["second_epoch"], fw
        assert cells["helpers"]["normal_draws"] == base["helpers"]["normal_draws"], fw
        helpers = dict(cells["helpers"]["helpers"])
        loss = helpers.pop("evaluate_loss")
        assert loss == pytest.approx(base["helpers"]["helpers"]["evaluate_loss"], abs=1e-7), fw
        assert "float32" in helpers.pop("float32"), fw
        expected = dict(base["helpers"]["helpers"])
        del expected["evaluate_loss"], expected["float32"]
        integer = integers.get(fw, "int64")
        expected["arange"] = [integer, expected["arange"][1]]
        expected["tensor"] = [integer, expected["tensor"][1]]
        assert helpers == expected, fw
    first, second = base["data_batches"]["first_epoch"], base["data_batches"]["second_epoch"]
    assert first != second and sorted(sum(first, [])) == sorted(sum(second, []))
    helpers = base["helpers"]["helpers"]
    assert helpers["arange"] == ["int64", [0, 1, 2, 3]]
    assert helpers["arange_float"] == ["float32", [-1.0, -0.5, 0.0, 0.5]]
    assert helpers["tensor"] == ["int64", "float32"]
    assert helpers["squared_loss"] == [[0.5], [4.5]]
    assert helpers["linreg"] == helpers["matmul"] == [[3.0], [3.0]]
    draws = np.random.default_rng(5).normal(0.0, 1, (2, 3)).astype(np.float32)
    assert base["helpers"]["normal_draws"] == draws.tolist()


def test_evaluate_loss_of_the_zero_model_is_half_the_target_variance(cells_by_framework):
    # Targets are standardized over all 1503 rows; these are the first 1500.
    (X, y), = data.get_data_ch11(SimpleNamespace(from_numpy=lambda a: a))[0].whole()
    expected = float(np.mean(y.astype(np.float64) ** 2) / 2)
    assert cells_by_framework["pytorch"]["helpers"]["helpers"]["evaluate_loss"] == pytest.approx(
        expected, rel=1e-6)
