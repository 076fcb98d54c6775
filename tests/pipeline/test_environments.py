"""The kernel environments: one per framework, each with its own NumPy, and a toolchain without frameworks."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bookbuild.environments import (
    EnvironmentFailed, env_python, is_current, lock_file, make_env, requirements_in,
)
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.pipeline.learner import learner_requirements

ROOT = Path(__file__).resolve().parents[2]

#: The NumPy series each framework's kernel must report.
NUMPY_SERIES = {"mxnet": "1.26.", "pytorch": "2.", "tensorflow": "2.", "jax": "2."}

#: Run in a framework's kernel environment: NumPy's version, then that the framework imports.
REPORT = """
import importlib, sys
import numpy
print(numpy.__version__, 'bool' in numpy.__dict__)
importlib.import_module(sys.argv[1])
"""


def test_every_framework_has_a_numpy_series():
    assert sorted(NUMPY_SERIES) == sorted(FRAMEWORKS.names)


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_each_kernel_reports_its_own_numpy_and_imports_its_shim_backend(framework):
    result = subprocess.run(
        [str(env_python(ROOT, framework)), "-c", REPORT, FRAMEWORKS[framework].shim_module],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    version, has_bool_alias = result.stdout.split()[:2]
    assert version.startswith(NUMPY_SERIES[framework])
    if framework == "mxnet":
        # NumPy 1.26 dropped the builtin aliases; the MXNet backend restores them as it imports.
        assert has_bool_alias == "False"
    assert is_current(ROOT, framework), "the environment is not the one its lock file describes"


def test_the_toolchain_imports_no_framework():
    found = [package for package in FRAMEWORKS.packages if importlib.util.find_spec(package) is not None]
    assert not found, f"the toolchain environment can import {found}"


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_each_lock_file_pins_every_package_with_hashes_and_names_no_local_path(framework):
    text = lock_file(ROOT, framework).read_text()
    entries = [entry for entry in text.replace("\\\n", " ").splitlines()
               if entry.strip() and not entry.lstrip().startswith("#")]
    assert len(entries) > 20
    for entry in entries:
        requirement = entry.split(" --hash=")[0].strip()
        assert "==" in requirement and "--hash=sha256:" in entry, entry
    assert "/opt/" not in text and "/home/" not in text and "/root/" not in text


@pytest.mark.parametrize("framework", FRAMEWORKS.names)
def test_learners_install_the_pins_the_kernel_was_made_from(framework):
    locked = {}
    for entry in lock_file(ROOT, framework).read_text().replace("\\\n", " ").splitlines():
        if entry.strip() and not entry.lstrip().startswith("#"):
            requirement = Requirement(entry.split(" --hash=")[0].strip())
            locked[requirement.name.lower()] = str(requirement.specifier).removeprefix("==")
    pins = [Requirement(line) for line in learner_requirements(ROOT, framework).splitlines()
            if line and not line.startswith("#")]
    framework_pins = [pin for pin in pins if pin.name.lower() in locked]
    assert len(framework_pins) >= 5
    for pin in framework_pins:
        version = str(pin.specifier).removeprefix("==")
        assert locked[pin.name.lower()].split("+")[0] == version, pin


def test_a_failed_environment_names_the_framework_and_the_package(tmp_path):
    (tmp_path / "requirements").mkdir()
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    lock_file(tmp_path, "jax").write_text(
        "no-such-package-of-the-book==1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    requirements_in(tmp_path, "jax").write_text("no-such-package-of-the-book==1.0\n")
    with pytest.raises(EnvironmentFailed) as failure:
        make_env(tmp_path, FRAMEWORKS["jax"], log=lambda line: None)
    message = str(failure.value)
    assert "JAX environment" in message and "no-such-package-of-the-book" in message
    assert not is_current(tmp_path, "jax"), "a failed environment must not look current"
