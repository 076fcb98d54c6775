"""The API surface: names, signatures and docstrings, import isolation, and the API reference build.

Import isolation is tested in each framework's kernel environment, where that framework is
installed and could be imported by mistake; the rest runs in the toolchain, with the tests'
NumPy backend and, for the API reference, the frameworks mocked.
"""

import inspect
import io
import subprocess
import sys
import textwrap
from contextlib import redirect_stdout

import numpy as np
import pytest

from d2l_cells import FRAMEWORKS, REGISTRY
from d2l_shim import (arrays, backend, checks, classification, data, explore, plotting, rng, schedulers, timer,
                      training, twod)
from d2l_shim.plotting import plt
from minibook.numpy_backend import NumpyBackend

SHARED_MODULES = [backend, arrays, checks, classification, data, explore, plotting, rng, schedulers, timer,
                  training, twod]
#: The names a chapter written for the original library may call.
API = {"plt", "use_svg_display", "set_figsize", "set_axes", "plot", "Animator", "Timer",
       "numpy", "arange", "zeros", "ones", "tensor", "reshape", "normal", "matmul", "float32",
       "seed", "train_2d", "show_trace_2d", "get_data_ch11", "linreg", "squared_loss",
       "evaluate_loss", "train_ch11", "train_concise_ch11", "explore_momentum"}
#: What the Learning-Rate Scheduling chapter adds: the digits, the classifier's training loops and the
#: schedules (the schedule classes, like Animator and Timer, are documented in their own module).
SCHEDULING_API = {"get_data_digits", "train_scheduled", "train_scheduled_concise", "make_scheduler"}
SCHEDULE_CLASSES = {"Constant", "SquareRoot", "Factor", "MultiFactor", "Cosine", "Warmup"}
#: NumPy's removed aliases of builtin types, which only the MXNet backend puts back.
NUMPY_ALIASES = sorted(("bool", "int", "float", "complex", "object", "str"))


@pytest.fixture(scope="module")
def exported():
    namespace = {"__name__": "fake_backend"}
    backend.export(NumpyBackend(), namespace)
    return namespace


def test_a_backend_module_exports_the_whole_api(exported):
    assert API | SCHEDULING_API | SCHEDULE_CLASSES <= set(exported)
    # The shared classes are documented once, in their own modules.
    assert set(exported["__all__"]) == (API | SCHEDULING_API) - {"Animator", "Timer"}
    assert all(exported[name] is getattr(schedulers, name) for name in SCHEDULE_CLASSES)


def test_bound_functions_look_like_the_original_librarys(exported):
    signatures = {name: str(inspect.signature(exported[name])) for name in
                  ("get_data_ch11", "train_ch11", "train_concise_ch11", "normal", "arange")}
    assert signatures == {
        "get_data_ch11": "(batch_size=10, n=1500, seed=0)",
        "train_ch11": "(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2)",
        "train_concise_ch11": "(trainer, hyperparams, data_iter, num_epochs=2)",
        "normal": "(mean, std, shape)",
        "arange": "(start, stop=None, step=1)",
    }
    assert str(inspect.signature(exported["plot"])).startswith(
        "(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, "
        "xscale='linear', yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5)")
    assert exported["train_ch11"].__module__ == "fake_backend"


def test_every_public_function_and_class_has_a_docstring(exported):
    missing = [name for name in API
               if callable(exported[name]) and not inspect.getdoc(exported[name])
               and name != "float32"]
    for module in SHARED_MODULES:
        assert inspect.getdoc(module), module.__name__
        for name, member in vars(module).items():
            if (not name.startswith("_") and (inspect.isfunction(member) or inspect.isclass(member))
                    and member.__module__ == module.__name__):
                if not inspect.getdoc(member):
                    missing.append(f"{module.__name__}.{name}")
                for method_name, method in vars(member).items() if inspect.isclass(member) else ():
                    if inspect.isfunction(method) and not method_name.startswith("_"):
                        if not inspect.getdoc(getattr(member, method_name)):
                            missing.append(f"{module.__name__}.{name}.{method_name}")
    assert not missing


def numpy_sgd(params, grads, states, hyperparams):
    hyperparams["steps"] = hyperparams.get("steps", 0) + 1
    for p, g in zip(params, grads):
        p -= hyperparams["lr"] * g


@pytest.mark.parametrize("batch_size, n, num_epochs, epochs", [
    (10, 1500, 2, [200 * k / 1500 for k in range(1, 16)]),
    (7, 20, 2, [2.0]),          # 40 examples: never a multiple of 200, recorded at the end
    (100, 300, 3, [2 / 3, 4 / 3, 2.0, 8 / 3, 3.0]),
])
def test_the_loss_is_recorded_every_200_examples_and_at_the_end(exported, batch_size, n,
                                                                 num_epochs, epochs):
    data_iter, feature_dim = exported["get_data_ch11"](batch_size, n)
    hyperparams = {"lr": 0.05}
    with redirect_stdout(io.StringIO()) as out:
        times, losses = exported["train_ch11"](numpy_sgd, None, hyperparams, data_iter,
                                               feature_dim, num_epochs)
    assert plt.gca().lines[0].get_xdata().tolist() == pytest.approx(epochs)
    assert plt.gca().lines[0].get_ydata().tolist() == losses
    assert len(times) == len(losses) == len(epochs)
    assert out.getvalue().startswith(f"loss: {losses[-1]:.3f}, ")
    # The trainer gets the caller's dictionary itself (trainers such as Adam count steps in it).
    assert hyperparams["steps"] == num_epochs * len(data_iter)
    plt.close("all")


def test_runs_on_one_iterator_repeat_whatever_ran_in_between(exported):
    data_iter, feature_dim = exported["get_data_ch11"](10, 300)
    with redirect_stdout(io.StringIO()):
        _, first = exported["train_ch11"](numpy_sgd, None, {"lr": 0.05}, data_iter, feature_dim)
        list(data_iter)
        rng.seed(3)
        exported["normal"](0, 1, (4,))
        _, second = exported["train_ch11"](numpy_sgd, (), {"lr": 0.05}, data_iter, feature_dim)
    assert first == second
    plt.close("all")


def test_tensor_helpers_compute_in_numpy(exported):
    rng.seed(7)
    first = exported["normal"](1.0, 2.0, (3,))
    rng.seed(7)
    assert np.array_equal(exported["normal"](1.0, 2.0, (3,)), first)
    assert first.dtype == np.float32
    assert exported["arange"](3).dtype == np.int64
    assert exported["arange"](-5.5, 1.0, 0.5).tolist() == np.arange(-5.5, 1.0, 0.5).tolist()
    assert exported["tensor"]([1.5, 2]).dtype == np.float32
    assert exported["zeros"]((2, 1)).tolist() == [[0.0], [0.0]]
    assert exported["squared_loss"](np.array([[1.0], [2.0]]), np.array([0.0, 4.0])).tolist() == [[0.5], [2.0]]


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_importing_the_package_and_shared_modules_imports_no_framework(run_python, fw):
    modules = list(REGISTRY.packages) + ["sklearn"]
    result = run_python(textwrap.dedent(f"""
        import builtins, sys, numpy
        import d2l_shim
        from d2l_shim import (arrays, backend, checks, classification, data, explore, plotting, rng,
                              schedulers, timer, training, twod)
        print(sorted(m for m in {modules!r} if m in sys.modules))
        print(sorted(n for n in {NUMPY_ALIASES!r} if numpy.__dict__.get(n) is getattr(builtins, n)))
    """), fw)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]


def test_each_backend_imports_only_its_framework(records):
    for fw in FRAMEWORKS:
        assert records[fw]["modules_after_import"] == sorted(REGISTRY[fw].packages), fw
        # Only the MXNet backend restores NumPy's removed aliases (as the builtins themselves).
        assert records[fw]["numpy_aliases"] == (NUMPY_ALIASES if fw == "mxnet" else []), fw


def test_the_api_reference_builds_without_warnings(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(textwrap.dedent(f"""
        extensions = ['sphinx.ext.autodoc']
        autodoc_mock_imports = {list(REGISTRY.packages)!r}
        nitpicky = False
    """))
    modules = ["d2l_shim"] + [framework.shim_module for framework in REGISTRY]
    modules += [module.__name__ for module in SHARED_MODULES] + ["d2l_shim._compat"]
    body = "\n".join(f".. automodule:: {name}\n   :members:\n" for name in modules)
    (source / "index.rst").write_text(f"API\n===\n\n{body}")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(source), str(tmp_path / "html")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "html" / "index.html").read_text()
    for name in ("d2l_shim.torch.train_ch11", "d2l_shim.mxnet.get_data_ch11", "d2l_shim.torch.train_scheduled",
                 "d2l_shim.schedulers.make_scheduler", "d2l_shim.classification.get_data_digits",
                 "d2l_shim.tensorflow.train_concise_ch11", "d2l_shim.jax.train_ch11",
                 "d2l_shim.jax.train_scheduled_concise", "d2l_shim.plotting.Animator"):
        assert f'id="{name}"' in page, name
