"""The momentum explorer: an interactive figure that works in the static, offline book.

An author places it with the directive ::

    ```{momentum-explorer}
    :curvatures: 0.2 4
    :eta: 0.6
    :beta: 0.5
    :steps: 20
    :presets: 0.4 0, 0.6 0, 0.6 0.5, 0.6 0.25
    ```

(every option has the default shown; the presets' default is :data:`d2l_shim.explore.PRESETS`). The reader gets sliders for the learning rate ``eta``
and the momentum ``beta`` (and the number of steps), one button per preset ``eta beta``, a
button for the best ``beta`` of the current ``eta`` and a reset. Moving them redraws the
trace of momentum from :data:`d2l_shim.twod.START` on ``lam1/2 x1^2 + lam2/2 x2^2`` and
the points ``(eta * lam, beta)`` on the map of the spectral radius of the momentum matrix.

The page holds only a container with the settings as JSON; ``static/momentum-explorer.js``
(a classic script, so the page works from ``file://`` too) draws everything with SVG, and
``static/momentum-explorer.css`` styles it. Both are added only to pages with an explorer.

For the browser tests, every HTML build writes the reference the JavaScript must reproduce:
``<html output>/_momentum_explorer/<page>.json`` holds, for each explorer on the page, its
settings and, for the presets and :data:`PARITY_GRID`, the trace that
:func:`d2l_shim.twod.train_2d` computes and the spectral radius of each direction.

No framework is imported: the reference comes from the backend-free shim modules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

from ..pipeline.cache import write_if_changed
from .static_files import serve

JS_FILE = "momentum-explorer.js"
CSS_FILE = "momentum-explorer.css"
#: Where the reference data goes, relative to the HTML output.
REFERENCE_DIR = "_momentum_explorer"

#: Settings (eta, beta, steps) beside the presets that the browser tests compare with
#: the shim; all lie on the sliders' steps, and they include diverging runs.
PARITY_GRID = tuple(
    (eta, beta, 20)
    for eta in (0.03, 0.17, 0.29, 0.44, 0.58, 0.71, 0.86, 1.0)
    for beta in (0.0, 0.13, 0.47, 0.81, 0.99)
) + ((0.6, 0.5, 1), (0.6, 0.5, 100), (0.35, 0.9, 60))

DEFAULTS = {
    "curvatures": (0.2, 4.0),
    "eta": 0.6,
    "beta": 0.5,
    "steps": 20,
}


class momentum_explorer(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """An explorer on a page; ``node['config']`` holds its settings."""


def _numbers(text: str, count: int | None, option: str) -> list[float]:
    """Parse whitespace-separated numbers, ``count`` of them if given."""
    try:
        values = [float(item) for item in text.split()]
    except ValueError:
        raise ValueError(f":{option}: must be numbers separated by spaces, got {text!r}") from None
    if count is not None and len(values) != count:
        raise ValueError(f":{option}: needs {count} number(s), got {text!r}")
    return values


def _in_range(option: str, value: float, low: float, high: float) -> float:
    if not low <= value <= high:
        raise ValueError(f":{option}: must lie in [{low}, {high}], got {value!r}")
    return value


def explorer_config(options: dict[str, str]) -> dict[str, Any]:
    """The explorer's settings from the directive's options; ValueError names a bad option."""
    from d2l_shim import explore
    from d2l_shim.twod import START

    eta_range = (explore.ETA_MIN, explore.ETA_MAX)
    beta_range = (0.0, explore.BETA_MAX)
    config: dict[str, Any] = {}
    if "curvatures" in options:
        curvatures = _numbers(options["curvatures"], 2, "curvatures")
        for lam in curvatures:
            _in_range("curvatures", lam, 1e-6, 100.0)
    else:
        curvatures = list(DEFAULTS["curvatures"])
    eta = _in_range("eta", _numbers(options["eta"], 1, "eta")[0], *eta_range) if "eta" in options else DEFAULTS["eta"]
    beta = _in_range("beta", _numbers(options["beta"], 1, "beta")[0], *beta_range) if "beta" in options else DEFAULTS["beta"]
    steps = DEFAULTS["steps"]
    if "steps" in options:
        steps = _numbers(options["steps"], 1, "steps")[0]
        if steps != int(steps):
            raise ValueError(f":steps: must be an integer in [1, {explore.STEPS_MAX}], got {options['steps']!r}")
        steps = int(_in_range("steps", steps, 1, explore.STEPS_MAX))
    presets = [[preset_eta, preset_beta] for _, preset_eta, preset_beta in explore.PRESETS]
    if "presets" in options:
        presets = []
        for item in options["presets"].split(","):
            preset_eta, preset_beta = _numbers(item, 2, "presets")
            presets.append([_in_range("presets", preset_eta, *eta_range),
                            _in_range("presets", preset_beta, *beta_range)])
    config.update(
        curvatures=curvatures, start=list(START), eta=eta, beta=beta, steps=steps,
        presets=presets,
        sliders={
            "eta": [explore.ETA_MIN, explore.ETA_MAX, explore.ETA_STEP],
            "beta": [0.0, explore.BETA_MAX, explore.BETA_STEP],
            "steps": [1, explore.STEPS_MAX, 1],
        },
        view=[list(axis) for axis in explore.VIEW],
        map={"etaLam": list(explore.MAP_ETA_LAM), "beta": list(explore.MAP_BETA)},
    )
    return config


class MomentumExplorerDirective(SphinxDirective):
    """``{momentum-explorer}``: place an interactive momentum explorer (see the module doc)."""

    has_content = False
    option_spec = {
        "curvatures": directives.unchanged_required,
        "eta": directives.unchanged_required,
        "beta": directives.unchanged_required,
        "steps": directives.unchanged_required,
        "presets": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        try:
            config = explorer_config(self.options)
        except ValueError as err:
            raise self.error(f"momentum-explorer: {err}") from None
        node = momentum_explorer()
        node["config"] = config
        self.set_source_info(node)
        return [node]


def visit_html(self, node: momentum_explorer) -> None:
    """The container: the settings as JSON, and a note for readers without JavaScript."""
    settings = json.dumps(node["config"], separators=(",", ":")).replace("<", "\\u003c")
    self.body.append(
        '<div class="momentum-explorer">'
        f'<script type="application/json" class="momentum-explorer-config">{settings}</script>'
        '<noscript><p>The momentum explorer needs JavaScript.</p></noscript></div>'
    )
    raise nodes.SkipNode


def skip(self, node: momentum_explorer) -> None:
    """Other formats have no interactive figure; the surrounding prose stands alone."""
    raise nodes.SkipNode


def reference(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The presets and :data:`PARITY_GRID` with the shim's trace and radii for each."""
    from d2l_shim import explore

    settings = [(eta, beta, config["steps"]) for eta, beta in config["presets"]] + list(PARITY_GRID)
    return [
        {
            "eta": eta,
            "beta": beta,
            "steps": steps,
            "trace": [list(point) for point in explore.momentum_trace(eta, beta, steps, config["curvatures"])],
            "radii": [explore.spectral_radius(eta, beta, lam) for lam in config["curvatures"]],
        }
        for eta, beta, steps in settings
    ]


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """On a page with an explorer: add the script and stylesheet, write the reference data."""
    if doctree is None:
        return
    explorers = list(doctree.findall(momentum_explorer))
    if not explorers:
        return
    app.add_js_file(JS_FILE)
    app.add_css_file(CSS_FILE)
    data = [{"config": node["config"], "reference": reference(node["config"])} for node in explorers]
    write_if_changed(Path(app.outdir) / REFERENCE_DIR / f"{pagename}.json", json.dumps(data, indent=1) + "\n")


def configure(app: Sphinx, config: Config) -> None:
    """Serve the static files; rewrite pages when they change (see :mod:`bookbuild.sphinxext.offline`)."""
    config.momentum_explorer_digest = serve(config, JS_FILE, CSS_FILE)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node and the page hook."""
    app.add_config_value("momentum_explorer_digest", "", "html", types=(str,))
    app.add_node(
        momentum_explorer,
        html=(visit_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.add_directive("momentum-explorer", MomentumExplorerDirective)
    # After bookbuild.sphinxext.offline (priority 500), which serves the same static folder.
    app.connect("config-inited", configure, priority=600)
    app.connect("html-page-context", add_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
