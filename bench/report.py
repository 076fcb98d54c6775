"""The benchmark's tables (Markdown, readable in a terminal) and its verdict on each target."""

from __future__ import annotations

from dataclasses import dataclass

from .build import Build
from .measure import Measurement
from .edits import Edit
from .naive import Baseline
from .training import Speed

#: The targets of the benchmark (issue 7).
NOOP_WALL_SHARE = 0.10  # no-op rebuild wall time, as a share of the clean build's
CLEAN_VS_NAIVE = 0.6  # clean build wall time, as a share of the naive baseline's, on 2 cores
TRAINING_RATIO = 1.2  # shim sec/epoch over the hand-written loop's, in every framework
#: The two training loops must end at the same loss, or they did not do the same arithmetic.
LOSS_TOLERANCE = 1e-4
PEAK_MEMORY_GB = 3.0  # the build's peak resident memory, kernels included, on 2 workers (issue 10)
TWICE_OVER_GROWTH = 1.2  # peak memory of twice the notebooks over that of the book (sampling noise)
#: The clean build of the three-framework book (33 notebooks), measured by make bench at commit
#: 96ec05a on 2 quiet cores, and how much longer the four-framework build may take (issue 12).
#: Machines differ: bench/README.md also gives both builds timed back to back on one machine.
THREE_FRAMEWORK_CLEAN_BUILD_S = 149.0
FOUR_VS_THREE_FRAMEWORKS = 1.5


@dataclass(frozen=True)
class Doubled:
    """The execution stage of a book with every chapter twice over."""

    execute: Measurement
    notebooks: int


@dataclass(frozen=True)
class Target:
    """One target: what it asks, what was measured, whether it holds."""

    name: str
    measured: str
    holds: bool


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table with right-aligned numbers."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]

    def line(cells):
        """One row, each cell padded to its column's width."""
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *(line(row) for row in rows)])


def builds_table(clean: Build, rebuilds: list[tuple[str, Edit | None, Build]], naive: Baseline) -> str:
    """One row per build: notebooks executed (and how many should have been), wall and CPU time.

    The last column is the CPU time the rest of the machine used meanwhile, in cores (its
    CPU seconds over the wall seconds): above 0.1 or so, the build shared the cores.
    """
    def row(name, executed, expected, measured, execute_wall, sphinx_wall):
        return [name, str(executed), expected, f"{measured.wall:.1f}", f"{measured.cpu:.1f}",
                f"{execute_wall:.1f}", f"{sphinx_wall:.1f}", f"{measured.others_cpu / measured.wall:.2f}"]

    rows = [row("clean build (empty cache)", len(clean.executed), "all", clean,
                clean.execute.wall, clean.sphinx.wall)]
    for name, edit, build in rebuilds:
        rows.append(row(name, len(build.executed), str(len(edit.must_execute)) if edit else "0", build,
                        build.execute.wall, build.sphinx.wall))
    executions = sum(m.wall for m in naive.notebooks.values()) + naive.split.wall + naive.fill.wall
    rows.append(row(f"naive baseline ({naive.runner}, one by one)", len(naive.notebooks), "all", naive,
                    executions, naive.assemble.wall + naive.sphinx.wall))
    return table(["build", "executed", "expected", "wall (s)", "CPU (s)", "execute stage (s)",
                  "Sphinx stage (s)", "others' load (cores)"], rows)


def notebooks_table(clean: Build, naive: Baseline) -> str:
    """The time of each chapter x framework execution in the clean build and in the baseline."""
    names = list(naive.notebooks) or list(clean.executed)
    rows = [[name, f"{clean.executed.get(name, float('nan')):.1f}", f"{naive.notebooks[name].wall:.1f}"]
            for name in names]
    rows.append(["Sphinx stage (jupyter-book build)", f"{clean.sphinx.wall:.1f}", f"{naive.sphinx.wall:.1f}"])
    return table(["chapter/framework", "clean build, in parallel (s)", "naive, alone (s)"], rows)


def environments_table(environments: dict[str, float]) -> str:
    """Seconds and megabytes of making every kernel environment, by tool and cache."""
    rows = [[tool, f"{environments[f'{key} seconds']:.1f}", f"{environments[f'{key} environments MB']:.0f}"]
            for tool, key in (("uv, empty cache (cold)", "uv cold"), ("uv, cache filled (warm)", "uv warm"),
                              ("venv + pip, pip's own cache", "pip"))]
    return (table(["set-up of all environments", "wall (s)", "environments (MB)"], rows)
            + f"\n\nBoth uv sets of environments and uv's cache together: "
              f"{environments['uv both runs with the cache MB']:.0f} MB (uv hard-links from its cache).")


def memory_table(clean: Build, doubled: Doubled) -> str:
    """Peak resident memory of the clean build's stages and of the book twice over."""
    gb = 2 ** 30
    rows = [["clean build, execution stage", str(len(clean.executed)), f"{clean.execute.peak_rss / gb:.2f}"],
            ["clean build, Sphinx stage", "", f"{clean.sphinx.peak_rss / gb:.2f}"],
            ["every chapter twice over, execution stage", str(doubled.notebooks),
             f"{doubled.execute.peak_rss / gb:.2f}"]]
    return table(["build", "notebooks", "peak memory (GB)"], rows)


def training_table(speeds: list[Speed]) -> str:
    """Seconds per epoch of the shim and of the hand-written loop, per framework."""
    rows = [[s.framework, f"{s.shim * 1000:.1f}", f"{s.hand * 1000:.1f}", f"{s.ratio:.2f}", f"{s.max_loss_gap:.1e}",
             f"{s.others_load:.2f}"] for s in speeds]
    return table(["framework", "train_ch11 (ms/epoch)", "hand-written (ms/epoch)", "ratio",
                  "final loss gap", "others' load (cores)"], rows)


def targets(clean: Build, rebuilds: dict[str, tuple[Edit | None, Build]], naive: Baseline,
            speeds: list[Speed], cores: int, doubled: Doubled) -> list[Target]:
    """Check every target of issues 7, 10 and 12."""
    found = []
    peak = clean.peak_rss / 2 ** 30
    found.append(Target(
        f"peak memory of the clean build < {PEAK_MEMORY_GB:.0f} GB (on 2 workers; here {cores})",
        f"{peak:.2f} GB", peak < PEAK_MEMORY_GB))
    growth = doubled.execute.peak_rss / clean.execute.peak_rss
    found.append(Target(
        f"peak memory does not grow with the notebooks: twice over <= {TWICE_OVER_GROWTH} x",
        f"{doubled.execute.peak_rss / 2 ** 30:.2f} GB for {doubled.notebooks} / "
        f"{clean.execute.peak_rss / 2 ** 30:.2f} GB for {len(clean.executed)} = {growth:.2f}",
        growth <= TWICE_OVER_GROWTH))
    noop = rebuilds["no-op rebuild"][1]
    share = noop.wall / clean.wall
    found.append(Target(
        f"no-op rebuild: 0 executed, wall <= {NOOP_WALL_SHARE:.0%} of clean",
        f"{len(noop.executed)} executed, {noop.wall:.1f} s = {share:.1%} of {clean.wall:.1f} s",
        not noop.executed and share <= NOOP_WALL_SHARE))
    for name, (edit, build) in rebuilds.items():
        if edit is None:
            continue
        ran = set(build.executed)
        wrong = sorted(ran ^ edit.must_execute)
        found.append(Target(
            f"{name}: executes exactly {len(edit.must_execute)}",
            f"{len(ran)} executed" + (f"; differs on {', '.join(wrong)}" if wrong else ""),
            ran == edit.must_execute))
    share = clean.wall / THREE_FRAMEWORK_CLEAN_BUILD_S
    found.append(Target(
        f"clean build <= {FOUR_VS_THREE_FRAMEWORKS} x the three-framework clean build "
        f"({THREE_FRAMEWORK_CLEAN_BUILD_S:.0f} s on 2 cores; here {cores})",
        f"{clean.wall:.1f} s / {THREE_FRAMEWORK_CLEAN_BUILD_S:.0f} s = {share:.2f}",
        share <= FOUR_VS_THREE_FRAMEWORKS))
    share = clean.wall / naive.wall
    found.append(Target(
        f"clean build <= {CLEAN_VS_NAIVE} x naive baseline (on 2 cores; here {cores})",
        f"{clean.wall:.1f} s / {naive.wall:.1f} s = {share:.2f}",
        share <= CLEAN_VS_NAIVE))
    for speed in speeds:
        same = speed.max_loss_gap <= LOSS_TOLERANCE
        found.append(Target(
            f"training, {speed.framework}: train_ch11 <= {TRAINING_RATIO} x hand-written",
            f"{speed.ratio:.2f}" + ("" if same else f"; the loops' final losses differ by {speed.max_loss_gap:.1e}"),
            same and speed.ratio <= TRAINING_RATIO))
    return found


def targets_table(found: list[Target]) -> str:
    """The targets with their measurements and verdicts."""
    return table(["target", "measured", "holds"],
                 [[t.name, t.measured, "yes" if t.holds else "NO"] for t in found])
