"""``d2l.explore_momentum()``: the notebook version of the Momentum chapter's explorer.

With ipywidgets it builds sliders and buttons and redraws on every change; without it it
says how to install ipywidgets and draws the figure once. Its numbers are those of the
shim's ``train_2d`` and of the momentum matrix's eigenvalues (checked against NumPy).
"""

import io
import itertools
import math
import sys
from contextlib import redirect_stdout

import numpy as np
import pytest

from d2l_shim import explore
from d2l_shim.plotting import plt
from d2l_shim.twod import START, train_2d

CURVATURES = (0.2, 4.0)  # the chapter's 0.1 x1^2 + 2 x2^2


def reference_trace(eta, beta, steps=20):
    """Momentum on 0.1 x1^2 + 2 x2^2 through train_2d, written out independently."""
    def step(x1, x2, v1, v2):
        v1, v2 = beta * v1 + 0.2 * x1, beta * v2 + 4 * x2
        return x1 - eta * v1, x2 - eta * v2, v1, v2
    with redirect_stdout(io.StringIO()):
        return train_2d(step, steps)


def numpy_radius(eta, beta, lam):
    return max(abs(np.linalg.eigvals(np.array([[beta, lam], [-eta * beta, 1 - eta * lam]]))))


@pytest.fixture
def explorer():
    """An explorer at the chapter's setting, built without a kernel (figures closed after)."""
    import ipywidgets  # noqa: F401
    with redirect_stdout(io.StringIO()):
        built = explore.explore_momentum()
    yield built
    plt.close("all")


def trace_line(figure):
    """The (x1, x2) points of the orange trace in the left panel of a drawn figure."""
    [line] = [line for line in figure.axes[0].get_lines() if line.get_marker() == "o"]
    return list(zip(line.get_xdata(), line.get_ydata()))


def map_points(figure):
    """The (eta * lam, beta) points drawn on the spectral-radius map."""
    return [(line.get_xdata()[0], line.get_ydata()[0])
            for line in figure.axes[1].get_lines() if line.get_marker() in ("o", "s")]


def test_with_ipywidgets_it_builds_sliders_and_buttons(explorer):
    import ipywidgets

    w = explorer.widgets
    assert isinstance(w["eta"], ipywidgets.FloatSlider)
    assert (w["eta"].min, w["eta"].max, w["eta"].step, w["eta"].value) == (0.01, 1.0, 0.01, 0.6)
    assert isinstance(w["beta"], ipywidgets.FloatSlider)
    assert (w["beta"].min, w["beta"].max, w["beta"].step, w["beta"].value) == (0, 0.99, 0.01, 0.5)
    assert isinstance(w["steps"], ipywidgets.IntSlider) and w["steps"].value == 20
    buttons = [widget for widget in w.values() if isinstance(widget, ipywidgets.Button)]
    assert len(buttons) == len(explore.PRESETS) + 2
    assert isinstance(explorer.box, ipywidgets.VBox)
    assert explorer.output in explorer.box.children
    # The first drawing is there at once, for the chapter's (0.6, 0.5).
    assert explorer.draws == 1
    assert explorer.trace == reference_trace(0.6, 0.5)
    assert trace_line(explorer.figure) == explorer.trace


def test_a_slider_change_redraws_both_panels(explorer):
    first = explorer.figure
    explorer.widgets["eta"].value = 0.4
    assert explorer.draws == 2 and explorer.figure is not first
    assert explorer.trace == reference_trace(0.4, 0.5)
    assert trace_line(explorer.figure) == explorer.trace
    assert map_points(explorer.figure) == [(0.4 * 0.2, 0.5), (0.4 * 4, 0.5)]
    assert explorer.radii == pytest.approx([numpy_radius(0.4, 0.5, lam) for lam in CURVATURES], abs=1e-12)
    explorer.widgets["steps"].value = 35
    assert explorer.draws == 3 and len(explorer.trace) == 36
    assert explorer.trace == reference_trace(0.4, 0.5, 35)


def test_buttons_set_the_presets_best_beta_and_reset(explorer):
    w = explorer.widgets
    for label, eta, beta in explore.PRESETS:
        before = explorer.draws
        w[label].click()
        assert (w["eta"].value, w["beta"].value) == (eta, beta)
        assert explorer.draws == before + 1, "a preset redraws once"
        assert explorer.trace == reference_trace(eta, beta)
    w["eta"].value = 0.5
    w["best_beta"].click()
    assert w["beta"].value == pytest.approx((1 - math.sqrt(0.5 * 0.2)) ** 2, abs=1e-12)
    w["reset"].click()
    assert (w["eta"].value, w["beta"].value, w["steps"].value) == (0.6, 0.5, 20)


def test_without_ipywidgets_it_explains_and_draws_once(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    with pytest.raises(ImportError):
        import ipywidgets  # noqa: F401
    figures = len(plt.get_fignums())
    out = io.StringIO()
    with redirect_stdout(out):
        result = explore.explore_momentum(eta=0.6, beta=0.25)
    text = out.getvalue()
    assert result is None
    assert "needs ipywidgets" in text and "pip install ipywidgets" in text and "restart the kernel" in text
    assert "x2: eta*lambda = 2.4, spectral radius 0.8589, converges" in text
    assert len(plt.get_fignums()) == figures + 1
    plt.close("all")


def test_the_presets_are_the_chapters_runs():
    assert [(eta, beta) for _, eta, beta in explore.PRESETS] == [(0.4, 0), (0.6, 0), (0.6, 0.5), (0.6, 0.25)]


def test_radii_and_verdicts_agree_with_the_eigenvalues():
    for eta, beta, lam in itertools.product((0.05, 0.3, 0.6, 0.97), (0, 0.2, 0.5, 0.9), CURVATURES):
        radius = explore.spectral_radius(eta, beta, lam)
        assert radius == pytest.approx(numpy_radius(eta, beta, lam), abs=1e-12)
        eigenvalues = np.linalg.eigvals(np.array([[beta, lam], [-eta * beta, 1 - eta * lam]]))
        words = explore.verdict(eta, beta, lam)
        if abs(radius - 1) < 1e-12:  # (0.6, 0.2) and lam = 4 lie on the boundary 2 + 2 beta
            assert words.startswith("neither converges nor diverges")
        else:
            assert words.startswith("converges" if radius < 1 else "diverges")
        if abs(eigenvalues[0].imag) > 1e-6:
            assert "complex eigenvalues" in words
        elif min(eigenvalues.real) < -radius + 1e-9:
            assert "flipping sign" in words


def test_best_beta_minimizes_the_larger_radius():
    for eta in (0.1, 0.35, 0.6, 0.9):
        best = explore.best_beta(eta)
        worst = max(explore.spectral_radius(eta, best, lam) for lam in CURVATURES)
        grid = [max(numpy_radius(eta, beta, lam) for lam in CURVATURES) for beta in np.linspace(0, 0.99, 991)]
        assert worst <= min(grid) + 1e-12, eta


def test_momentum_trace_is_train_2d():
    assert explore.momentum_trace(0.6, 0.25) == reference_trace(0.6, 0.25)
    assert explore.momentum_trace(0.6, 0.25)[0] == START


@pytest.mark.parametrize("kwargs, words", [
    ({"eta": 0}, ["eta", "[0.01, 1.0]", "got 0"]),
    ({"eta": 1.5}, ["eta", "[0.01, 1.0]", "1.5"]),
    ({"beta": 1}, ["beta", "[0, 0.99]", "got 1"]),
    ({"beta": "0.5"}, ["beta", "[0, 0.99]", "'0.5'"]),
    ({"steps": 0}, ["steps", "1..100", "got 0"]),
    ({"steps": 2.5}, ["steps", "1..100", "2.5"]),
])
def test_bad_settings_name_the_parameter_and_its_range(kwargs, words):
    with pytest.raises(ValueError) as error:
        explore.explore_momentum(**kwargs)
    for word in words:
        assert word in str(error.value)


def test_in_a_jupyter_kernel_the_output_widget_holds_the_redrawn_figure():
    """In a real kernel, moving a slider redraws into the Output widget.

    The backend-free module is imported, to keep the kernel light; test_shim_api checks that
    every backend module exports the same function.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (
        "%matplotlib inline\nfrom d2l_shim import explore\nexplorer = explore.explore_momentum()\nexplorer",
        "explorer.widgets['eta'].value = 0.3\nprint(explorer.draws)",
    )]
    NotebookClient(notebook, kernel_name="python3", timeout=120, store_widget_state=True).execute()
    shown, moved = notebook.cells
    assert any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in shown.outputs)
    assert moved.outputs[0].text.strip() == "2"
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [output] = [model["state"]["outputs"] for model in state.values() if model["model_name"] == "OutputModel"]
    text = "".join(out.get("text", "") for out in output)
    assert "x1: eta*lambda = 0.06, spectral radius" in text  # eta = 0.3 now
    assert any("image/svg+xml" in out.get("data", {}) for out in output)
