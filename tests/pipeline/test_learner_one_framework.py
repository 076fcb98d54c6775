"""A learner installs one framework: the shim's backend for it imports without the others,
and its requirements file installs the shim's dependencies, that framework and Jupyter only,
pinned as the book is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bookbuild.environments import env_python
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.learner import learner_requirements, requirements_name, shim_dependencies

from .framework_blocker import blocking_environment, environ_with, other_frameworks_packages

ROOT = Path(__file__).resolve().parents[2]

IMPORT_ONE_BACKEND = """
import importlib, importlib.util, json, sys
blocked = sys.argv[2].split(",")
hidden = {name: importlib.util.find_spec(name) is None for name in blocked}
refused = []
for name in blocked:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        refused.append(name)
d2l = importlib.import_module(sys.argv[1])
print(json.dumps({"hidden": hidden, "refused": refused, "shim": d2l.__file__,
                  "loaded": sorted(name for name in blocked if name in sys.modules),
                  "has_train": hasattr(d2l, "train_ch11")}))
"""


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_a_backend_imports_with_the_other_frameworks_not_installed(framework, tmp_path):
    blocked = other_frameworks_packages(framework)
    env = environ_with(blocking_environment(tmp_path / "blocker", blocked))
    result = subprocess.run(
        [str(env_python(ROOT, framework)), "-c", IMPORT_ONE_BACKEND, FRAMEWORKS[framework].shim_module, ",".join(blocked)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The other frameworks look uninstalled, and the backend still imports and works.
    assert report["hidden"] == {name: True for name in blocked}
    assert report["refused"] == blocked
    assert report["loaded"] == []
    assert report["has_train"]
    assert Path(report["shim"]).parent == ROOT / "d2l_shim"


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_the_learner_requirements_are_pinned_and_hold_one_framework(framework):
    text = learner_requirements(ROOT, framework)
    assert requirements_name(framework) in text  # the file says the command that uses it
    requirements = [Requirement(line) for line in text.splitlines() if line and not line.startswith("#")]
    names = {canonicalize_name(r.name) for r in requirements}
    assert all(str(r.specifier).startswith("==") for r in requirements), text
    expected = {canonicalize_name(name) for name in
                [*shim_dependencies(ROOT), *FRAMEWORKS[framework].pip_names, "jupyter"]}
    assert names == expected
    others = {canonicalize_name(n) for fw in FRAMEWORKS if fw.name != framework for n in fw.pip_names}
    assert not names & others
    # That the versions are those of the framework's kernel environment is checked in
    # test_environments.py (test_learners_install_the_pins_the_kernel_was_made_from).
