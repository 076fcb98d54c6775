"""Backend-free pieces: plotting, the Animator, the Timer and the 2-D experiments.

These run in the test process with matplotlib's Agg backend and NumPy values;
the same code serves every framework (see ``test_shim_parity.py``).
"""

import io
from contextlib import redirect_stdout

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from d2l_shim import plotting, twod  # noqa: E402
from d2l_shim.plotting import plt  # noqa: E402
from d2l_shim.timer import Timer  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines(axes):
    return [[line.get_xdata().tolist(), line.get_ydata().tolist()] for line in axes.lines]


def svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


@pytest.mark.parametrize("X, Y, expected", [
    ([1, 2, 3], None, [[[0, 1, 2], [1, 2, 3]]]),
    ([1, 2], [[3, 4], [5, 6]], [[[1, 2], [3, 4]], [[1, 2], [5, 6]]]),
    (np.arange(2.0), np.array([[3.0, 4.0], [5.0, 6.0]]), [[[0, 1], [3, 4]], [[0, 1], [5, 6]]]),
    ([[0, 1], [0, 1, 2]], [[5, 6], [7, 8, 9]], [[[0, 1], [5, 6]], [[0, 1, 2], [7, 8, 9]]]),
    ([np.float32(1), np.float32(2)], None, [[[0, 1], [1, 2]]]),
])
def test_plot_draws_one_curve_per_series(X, Y, expected):
    plotting.plot(X, Y)
    assert lines(plt.gca()) == expected


def test_plot_sets_labels_limits_scales_and_legend():
    plotting.plot([1, 2, 3], [[1, 10, 100], [2, 20, 200]], xlabel="n", ylabel="value",
                  legend=["a", np.float32(0.25)], xlim=[1, 3], ylim=[1, 300],
                  yscale="log", figsize=(5, 2))
    axes = plt.gca()
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("n", "value")
    assert axes.get_xlim() == (1, 3) and axes.get_ylim() == (1, 300)
    assert axes.get_yscale() == "log"
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["a", "0.25"]
    assert [line.get_linestyle() for line in axes.lines] == ["-", "--"]
    assert plt.rcParams["figure.figsize"] == [5, 2]


def test_svg_output_is_reproducible():
    def draw():
        plotting.set_figsize()
        figure = plt.figure()
        plt.plot([0, 1, 2], [1, 0, 1], "-o")
        plt.contour(twod.GRID_X1, twod.GRID_X2, twod.GRID_X1 ** 2 + twod.GRID_X2 ** 2)
        return svg(figure)
    first, second = draw(), draw()
    assert plt.rcParams["svg.hashsalt"] == plotting.SVG_HASH_SALT
    assert first == second and "clipPath" in first


def test_animator_records_floats_and_draws_on_show():
    animator = plotting.Animator(xlabel="epoch", ylabel="loss", legend=["train", "test"],
                                 xlim=[0, 2], ylim=[0, 1])
    animator.add(0.5, (np.float32(0.75), 0.5))
    animator.add(1.0, [np.array([0.25]), None])
    assert animator.X == [[0.5, 1.0], [0.5]] and animator.Y == [[0.75, 0.25], [0.5]]
    assert all(isinstance(v, float) for v in animator.Y[0])
    axes = animator.axes[0]
    # Outside a live session nothing is drawn until show().
    assert lines(axes) == []
    animator.show()
    assert lines(axes) == [[[0.5, 1.0], [0.75, 0.25]], [[0.5], [0.5]]]
    assert (axes.get_xlabel(), axes.get_ylabel(), axes.get_xlim()) == ("epoch", "loss", (0, 2))
    # Outside Jupyter the figure stays open for savefig.
    assert plt.fignum_exists(animator.fig.number)


def test_live_plots_need_a_kernel(monkeypatch):
    monkeypatch.setenv("D2L_LIVE_PLOTS", "1")
    assert plotting.live_plots() is False


def test_timer_records_every_interval():
    timer = Timer()
    for _ in range(3):
        timer.stop()
        timer.start()
    assert len(timer.times) == 3 and len(timer.cumsum()) == 3
    assert timer.cumsum()[-1] == pytest.approx(timer.sum())
    assert timer.avg() == pytest.approx(timer.sum() / 3)
    assert timer.cumsum() == sorted(timer.cumsum())


def test_train_2d_passes_f_grad_and_states_and_returns_floats():
    seen = []

    def trainer(x1, x2, s1, s2, f_grad):
        seen.append((s1, s2))
        g1, g2 = f_grad(x1, x2)
        return np.array([x1 - 0.25 * g1]), x2 - 0.25 * g2, s1 + 1, s2 + 2

    with redirect_stdout(io.StringIO()) as out:
        results = twod.train_2d(trainer, steps=3, f_grad=lambda x1, x2: (2 * x1, 4 * x2))
    assert results == [(-5.0, -2.0), (-2.5, 0.0), (-1.25, 0.0), (-0.625, 0.0)]
    assert all(type(v) is float for point in results for v in point)
    assert seen == [(0, 0), (1, 2), (2, 4)]
    assert out.getvalue() == "epoch 3, x1: -0.625000, x2: 0.000000\n"


def test_show_trace_2d_draws_the_trace_on_the_fixed_grid():
    with redirect_stdout(io.StringIO()):
        results = twod.train_2d(lambda x1, x2, s1, s2: (0.5 * x1, 0.5 * x2, 0, 0), steps=2)
    twod.show_trace_2d(lambda x1, x2: x1 ** 2 + 2 * x2 ** 2, results)
    axes = plt.gca()
    assert lines(axes) == [[[-5.0, -2.5, -1.25], [-2.0, -1.0, -0.5]]]
    (contours,) = axes.collections
    assert len(contours.get_paths()) > 0
    assert twod.GRID_X1.shape == twod.GRID_X2.shape == (40, 65)
    assert (twod.GRID_X1.min(), twod.GRID_X2.min()) == (-5.5, -3.0)


def test_contour_grid_takes_in_the_trace_up_to_its_limit():
    inside_x1, inside_x2 = twod.contour_grid([-5.0, -1.0], [-2.0, 0.5])
    assert (inside_x1.shape, inside_x1.min(), inside_x2.min()) == ((40, 65), -5.5, -3.0)
    wider_x1, wider_x2 = twod.contour_grid([-5.0, -1.0], [-2.0, 2.8])
    assert wider_x2.min() == -3.0 and 3.0 < wider_x2.max() < 3.5
    assert (wider_x1[0] == inside_x1[0]).all()
    far_x1, far_x2 = twod.contour_grid([-5.0, 0.0], [-2.0, 1673.0, -1100.0])
    assert far_x2.min() == -twod.GRID_LIMIT and far_x2.max() < twod.GRID_LIMIT
