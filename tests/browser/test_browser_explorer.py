"""The momentum explorer on the Momentum page: its numbers, keyboard, looks, and file://.

The truth is the chapter itself: its ``momentum_2d`` run through the shim's ``train_2d``,
and its ``spectral_radius(momentum_matrix(...))``, both taken from the chapter's source.
The JavaScript in Chromium must reproduce them, for the presets and for the grid of
settings that the build exports beside the page (``_momentum_explorer/<page>.json``).
"""

from __future__ import annotations

import ast
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from book_reader import MOMENTUM, OTHER_CHAPTER

from bookbuild.pipeline.split import load_chapter
from d2l_shim.twod import train_2d

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "momentum.md"
REFERENCE = "_momentum_explorer/chapters/momentum.json"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TOLERANCE = 1e-9

EXPLORER = ".momentum-explorer"
STATE_JS = "() => document.querySelector('.momentum-explorer').momentumExplorer.state()"
#: The trace's dots drawn inside the plot, and the points on the map.
DRAWN_JS = """() => {
  const root = document.querySelector('.momentum-explorer');
  return { dots: root.querySelectorAll('.mx-trace circle').length,
           mapPoints: root.querySelectorAll('.mx-points circle, .mx-points rect').length,
           readout: root.querySelector('.mx-readout').textContent,
           heatmap: root.querySelector('image.mx-heatmap').getAttribute('href').slice(0, 21) };
}"""


# The chapter's own code


def chapter_code():
    """The chapter's untagged code cells, parsed."""
    return [ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith("%")))
            for cell in load_chapter(CHAPTER).code_cells() if not cell.metadata.get("tags")]


def chapter_functions(**globals_):
    """The functions (and imports) the chapter's shared cells define, with ``globals_``."""
    body = [node for tree in chapter_code() for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom))]
    namespace = dict(globals_)
    exec(compile(ast.Module(body=body, type_ignores=[]), str(CHAPTER), "exec"), namespace)
    return namespace


def chapter_trace(eta, beta, steps):
    """The chapter's ``momentum_2d`` through ``train_2d`` (its printout swallowed)."""
    with redirect_stdout(io.StringIO()):
        return train_2d(chapter_functions(eta=eta, beta=beta)["momentum_2d"], steps)


def chapter_radii(eta, beta, curvatures):
    """The chapter's spectral radius of its ``momentum_matrix`` for each curvature."""
    code = chapter_functions()
    return [code["spectral_radius"](code["momentum_matrix"](beta, eta, lam)) for lam in curvatures]


def chapter_runs():
    """(eta, beta) of the chapter's trace figures: gradient descent has beta 0."""
    runs = []
    for tree in chapter_code():
        source = ast.unparse(tree)
        if "show_trace_2d(f_2d, d2l.train_2d(" not in source:
            continue
        values = {}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                names = node.targets[0].elts if isinstance(node.targets[0], ast.Tuple) else [node.targets[0]]
                found = ast.literal_eval(node.value)
                found = found if isinstance(found, tuple) else (found,)
                values.update(zip((name.id for name in names), found))
        runs.append((values["eta"], values.get("beta", 0) if "momentum_2d" in source else 0))
    return runs


# Helpers on the page


def state(page):
    return page.evaluate(STATE_JS)


def move(page, eta, beta, steps):
    """Set the three sliders as a reader would (input events), and return the state."""
    root = page.locator(EXPLORER)
    root.get_by_label("learning rate η").fill(repr(eta))
    root.get_by_label("momentum β").fill(repr(beta))
    root.get_by_label("steps").fill(str(steps))
    return state(page)


def assert_matches(shown, eta, beta, steps, curvatures, what):
    expected = chapter_trace(eta, beta, steps)
    assert (shown["eta"], shown["beta"], shown["steps"]) == (eta, beta, steps), what
    assert len(shown["trace"]) == len(expected) == steps + 1, what
    for k, (js, py) in enumerate(zip(shown["trace"], expected)):
        assert abs(js[0] - py[0]) <= TOLERANCE and abs(js[1] - py[1]) <= TOLERANCE, (what, k, js, py)
    for js, py in zip(shown["radii"], chapter_radii(eta, beta, curvatures), strict=True):
        assert abs(js - py) <= TOLERANCE, (what, js, py)


@pytest.fixture(scope="module")
def exported(book):
    """The reference data the build wrote for the Momentum page (one explorer)."""
    path = book / REFERENCE
    assert path.is_file(), f"the build did not export {path}"
    [explorer] = json.loads(path.read_text(encoding="utf-8"))
    return explorer


# Tests


def test_the_build_exports_the_chapters_numbers(exported):
    """The exported traces and radii are the chapter's, for the presets and >= 20 more."""
    config = exported["config"]
    assert config["curvatures"] == [0.2, 4.0]  # 0.1 x1^2 + 2 x2^2, as f_2d and grad_f_2d say
    assert config["start"] == [-5.0, -2.0]
    text = " ".join(CHAPTER.read_text(encoding="utf-8").split())
    for quote in ("the first steps of momentum from $(-5, -2)$",
                  "$x_1$ with curvature $0.2$ and $x_2$ with curvature $4$",
                  "The buttons bring back the four settings above",
                  "`d2l.explore_momentum()` draws the same two panels"):
        assert quote in text, f"the chapter should say {quote!r}"
    assert chapter_functions()["grad_f_2d"](1.0, 1.0) == tuple(config["curvatures"])
    assert [tuple(p) for p in config["presets"]] == chapter_runs() == [(0.4, 0), (0.6, 0), (0.6, 0.5), (0.6, 0.25)]
    others = [r for r in exported["reference"] if [r["eta"], r["beta"]] not in config["presets"]]
    assert len(others) >= 20
    for entry in exported["reference"]:
        expected = chapter_trace(entry["eta"], entry["beta"], entry["steps"])
        assert [tuple(p) for p in entry["trace"]] == expected
        assert entry["radii"] == pytest.approx(chapter_radii(entry["eta"], entry["beta"], config["curvatures"]),
                                               abs=TOLERANCE)


def test_presets_and_a_grid_match_the_shim_and_the_chapter(reader, exported):
    """Presets by their buttons, the exported grid by the sliders: traces and radii to 1e-9."""
    page = reader.open(MOMENTUM)
    config = exported["config"]
    assert state(page)["eta"] == config["eta"] and state(page)["beta"] == config["beta"]
    buttons = page.locator(f"{EXPLORER} button.mx-preset")
    assert buttons.count() == len(config["presets"])
    for index, (eta, beta) in enumerate(config["presets"]):
        buttons.nth(index).click()
        assert_matches(state(page), eta, beta, config["steps"], config["curvatures"], f"preset {eta, beta}")
    grid = [r for r in exported["reference"] if [r["eta"], r["beta"]] not in config["presets"]]
    assert len(grid) >= 20
    for entry in grid:
        shown = move(page, entry["eta"], entry["beta"], entry["steps"])
        assert_matches(shown, entry["eta"], entry["beta"], entry["steps"], config["curvatures"], entry)
        # What is drawn follows: one dot per position inside the plot, both map points, verdicts.
        (x_low, x_high), (y_low, y_high) = config["view"]
        inside = sum(x_low <= x <= x_high and y_low <= y <= y_high for x, y in shown["trace"])
        drawn = page.evaluate(DRAWN_JS)
        assert drawn["dots"] == inside and drawn["mapPoints"] == 2, entry
        for radius in shown["radii"]:
            assert f"spectral radius {radius:.4f}" in drawn["readout"]
            assert ("converges" if radius < 1 else "diverges") in drawn["readout"]
    assert page.evaluate(DRAWN_JS)["heatmap"] == "data:image/png;base64"


def test_best_beta_and_reset(reader, exported):
    """'best β' makes the slower direction as fast as possible; 'reset' restores the chapter's setting."""
    page = reader.open(MOMENTUM)
    config = exported["config"]
    code = chapter_functions()
    for eta in (0.2, 0.6, 0.85):
        move(page, eta, 0.1, 20)
        page.locator(f"{EXPLORER} button.mx-best").click()
        shown = state(page)
        worst = max(shown["radii"])
        betas = [b / 1000 for b in range(991)]
        grid = min(max(code["spectral_radius"](code["momentum_matrix"](b, eta, lam)) for lam in config["curvatures"])
                   for b in betas)
        assert worst <= grid + 1e-12, (eta, shown["beta"], worst, grid)
        assert_matches(shown, eta, shown["beta"], 20, config["curvatures"], f"best beta at {eta}")
    page.locator(f"{EXPLORER} button.mx-reset").click()
    shown = state(page)
    assert (shown["eta"], shown["beta"], shown["steps"]) == (config["eta"], config["beta"], config["steps"])


def test_arrow_keys_move_the_sliders(reader):
    page = reader.open(MOMENTUM)
    eta = page.locator(EXPLORER).get_by_label("learning rate η")
    beta = page.locator(EXPLORER).get_by_label("momentum β")
    eta.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert eta.input_value() == "0.62" and state(page)["eta"] == 0.62
    beta.focus()
    page.keyboard.press("ArrowLeft")
    assert beta.input_value() == "0.49" and state(page)["beta"] == 0.49
    assert state(page)["trace"] == chapter_trace_lists(0.62, 0.49, 20)


def chapter_trace_lists(eta, beta, steps):
    return [list(point) for point in chapter_trace(eta, beta, steps)]


def test_only_pages_with_an_explorer_load_its_files(book):
    with_explorer = (book / MOMENTUM).read_text(encoding="utf-8")
    without = (book / OTHER_CHAPTER).read_text(encoding="utf-8")
    for name in ("momentum-explorer.js", "momentum-explorer.css"):
        assert name in with_explorer and name not in without
        assert (book / "_static" / name).is_file()


@pytest.mark.parametrize("look", ["light", "dark", "phone"])
def test_screenshots_in_light_dark_and_on_a_phone(open_reader, screenshots, look):
    """The explorer in each look, for a person to look at; readable text, no sideways scrolling."""
    options = {"light": {"color_scheme": "light"}, "dark": {"color_scheme": "dark"},
               "phone": {**PHONE, "color_scheme": "light"}}[look]
    reader = open_reader(**options)
    page = reader.open(MOMENTUM)
    root = page.locator(EXPLORER)
    root.scroll_into_view_if_needed()
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    assert theme == ("dark" if look == "dark" else "light")
    # The labels' ink contrasts with the page: light on dark, dark on light.
    ink = page.evaluate("""() => getComputedStyle(
        document.querySelector('.momentum-explorer .mx-slider label')).color""")
    red, green, blue = (float(c) for c in ink[ink.index("(") + 1:ink.index(")")].split(",")[:3])
    brightness = (red + green + blue) / 3
    assert brightness > 180 if look == "dark" else brightness < 90, ink
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls {overflow} px sideways"
    box = root.bounding_box()
    assert box["width"] <= options.get("viewport", {"width": 1280})["width"]
    # Cut from a full-page picture taken from the top, so the theme's sticky header stays there.
    scroll_y = page.evaluate("() => window.scrollY")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=screenshots / f"momentum-explorer-{look}.png", full_page=True,
                    clip={**box, "y": box["y"] + scroll_y})


def test_the_page_works_from_a_file(browser, book):
    """Opened as file://, the explorer draws and follows its sliders, asking no other host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems, elsewhere = [], []

    def local_only(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", local_only)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto((book / MOMENTUM).resolve().as_uri(), wait_until="load")
        page.wait_for_function("() => document.querySelector('.momentum-explorer').momentumExplorer")
        shown = move(page, 0.37, 0.64, 30)
        assert shown["trace"] == chapter_trace_lists(0.37, 0.64, 30)
        assert page.evaluate(DRAWN_JS)["mapPoints"] == 2
    finally:
        context.close()
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    assert not problems, problems
