"""``bookbuild.sphinxext.explorer``: the directive's options, the exported reference, no framework imported.

The rendered explorer itself is tested in the browser (``tests/browser/test_browser_explorer.py``).
"""

import io
import json
import subprocess
import sys
from contextlib import redirect_stdout

import pytest

from bookbuild.sphinxext import explorer
from d2l_shim import explore
from d2l_shim.twod import START, train_2d


def test_defaults_are_the_chapters_settings_and_the_shims_ranges():
    config = explorer.explorer_config({})
    assert config["curvatures"] == [0.2, 4.0] and config["start"] == list(START)
    assert (config["eta"], config["beta"], config["steps"]) == (0.6, 0.5, 20)
    assert config["presets"] == [[eta, beta] for _, eta, beta in explore.PRESETS]
    assert config["sliders"] == {"eta": [0.01, 1.0, 0.01], "beta": [0.0, 0.99, 0.01], "steps": [1, 100, 1]}
    assert config["view"] == [list(axis) for axis in explore.VIEW]
    json.dumps(config)  # it goes into the page as JSON


def test_options_are_read():
    config = explorer.explorer_config({"curvatures": "1 10", "eta": "0.15", "beta": "0.3",
                                       "steps": "40", "presets": "0.1 0, 0.15 0.7"})
    assert config["curvatures"] == [1.0, 10.0]
    assert (config["eta"], config["beta"], config["steps"]) == (0.15, 0.3, 40)
    assert config["presets"] == [[0.1, 0.0], [0.15, 0.7]]


@pytest.mark.parametrize("options, words", [
    ({"eta": "2"}, [":eta:", "[0.01, 1.0]", "2.0"]),
    ({"eta": "fast"}, [":eta:", "numbers", "'fast'"]),
    ({"beta": "1"}, [":beta:", "[0.0, 0.99]"]),
    ({"steps": "0"}, [":steps:", "[1, 100]"]),
    ({"steps": "2.5"}, [":steps:", "integer", "[1, 100]"]),
    ({"curvatures": "0.2"}, [":curvatures:", "needs 2 number(s)"]),
    ({"curvatures": "0.2 -4"}, [":curvatures:", "must lie in"]),
    ({"presets": "0.4 0, 0.6"}, [":presets:", "needs 2 number(s)", "' 0.6'"]),
    ({"presets": "0.4 1.5"}, [":presets:", "[0.0, 0.99]", "1.5"]),
])
def test_bad_options_name_the_option_and_its_range(options, words):
    with pytest.raises(ValueError) as error:
        explorer.explorer_config(options)
    for word in words:
        assert word in str(error.value)


def test_the_reference_is_train_2d_on_the_presets_and_the_grid():
    config = explorer.explorer_config({"curvatures": "1 10", "presets": "0.1 0.5"})
    entries = explorer.reference(config)
    assert [(e["eta"], e["beta"], e["steps"]) for e in entries] == [(0.1, 0.5, 20), *explorer.PARITY_GRID]
    assert len(explorer.PARITY_GRID) >= 20
    first = entries[0]

    def step(x1, x2, v1, v2):  # momentum on x1^2 / 2 + 10 x2^2 / 2, eta 0.1, beta 0.5
        v1, v2 = 0.5 * v1 + 1.0 * x1, 0.5 * v2 + 10.0 * x2
        return x1 - 0.1 * v1, x2 - 0.1 * v2, v1, v2

    with redirect_stdout(io.StringIO()):
        assert first["trace"] == [list(point) for point in train_2d(step, 20)]
    assert first["radii"] == [explore.spectral_radius(0.1, 0.5, lam) for lam in (1.0, 10.0)]


def test_the_grid_lies_on_the_slider_steps():
    for eta, beta, steps in explorer.PARITY_GRID:
        assert round(eta * 100) / 100 == eta and 0.01 <= eta <= 1
        assert round(beta * 100) / 100 == beta and 0 <= beta <= 0.99
        assert 1 <= steps <= 100


def test_the_extension_imports_no_framework():
    code = ("import sys, bookbuild.sphinxext.explorer as e; e.reference(e.explorer_config({})); "
            "print(sorted(m for m in ('mxnet', 'torch', 'tensorflow', 'jax') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
