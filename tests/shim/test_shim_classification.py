"""The digits, the classifier's initial weights and the checks of its training loops (``d2l_shim.classification``).

The data and the initial weights are backend-free and tested here directly, with the tests' NumPy
backend for the iterators. The training loops check their arguments before they ask a backend for
the network, so bad input is tested with the same backend; how each framework refuses a scheduler
of the wrong kind, or its own scheduler with the learning rate given the wrong way, is tested in one
subprocess per framework, in its kernel environment. That the four frameworks train the same curves
is the Learning-Rate Scheduling chapter's test.
"""

import inspect
import json
import textwrap

import numpy as np
import pytest

from d2l_cells import FRAMEWORKS
from d2l_shim import backend, classification
from minibook.numpy_backend import NumpyBackend


@pytest.fixture(scope="module")
def d2l():
    namespace = {"__name__": "fake_backend"}
    backend.export(NumpyBackend(), namespace)
    return type("Module", (), namespace)


def test_the_split_is_fixed_scaled_and_complete():
    from sklearn.datasets import load_digits

    X_train, y_train, X_test, y_test = classification.load_digits_split()
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0 <= X_train.min() and X_train.max() == 1 and X_test.max() <= 1
    digits = load_digits()
    assert np.bincount(np.concatenate([y_train, y_test])).tolist() == np.bincount(digits.target).tolist()
    # every image is in exactly one of the two sets
    rows = {tuple(row) for row in np.concatenate([X_train, X_test]) * 16}
    assert rows == {tuple(row) for row in digits.data.astype(np.float32)}
    again = classification.load_digits_split()
    assert all(np.array_equal(a, b) for a, b in zip(again, (X_train, y_train, X_test, y_test)))
    assert set(np.unique(y_test)) == set(range(10)), "the test set holds every digit"


def test_the_iterators(d2l):
    train_iter, test_iter = d2l.get_data_digits(batch_size=32, seed=3)
    assert len(train_iter) == 45 and train_iter.num_examples == 1437 and train_iter.seed == 3
    assert len(test_iter) == 1 and test_iter.num_examples == 360
    batches = [len(y) for _, y in train_iter]
    assert batches == [32] * 44 + [29]
    assert str(inspect.signature(d2l.get_data_digits)) == "(batch_size=64, seed=0)"
    assert str(inspect.signature(d2l.train_scheduled)) == (
        "(scheduler, train_iter, test_iter, num_epochs=10, num_hiddens=64)")
    assert str(inspect.signature(d2l.train_scheduled_concise)) == (
        "(scheduler, train_iter, test_iter, num_epochs=10, num_hiddens=64, lr=None)")


def test_initial_weights_come_from_the_iterators_seed(d2l):
    train_iter, _ = d2l.get_data_digits(seed=0)
    W1, b1, W2, b2 = classification.initial_params(train_iter, 64)
    assert W1.shape == (64, 64) and W2.shape == (64, 10) and b1.shape == (64,) and b2.shape == (10,)
    assert all(p.dtype == np.float32 for p in (W1, b1, W2, b2))
    assert not b1.any() and not b2.any()
    assert W1.std() == pytest.approx(np.sqrt(2 / 64), rel=0.05), "He initialization"
    same = classification.initial_params(train_iter, 64)
    assert np.array_equal(same[0], W1) and np.array_equal(same[2], W2)
    other, _ = d2l.get_data_digits(seed=1)
    assert not np.array_equal(classification.initial_params(other, 64)[0], W1)


def test_evaluation_is_the_mean_cross_entropy_and_the_accuracy(d2l):
    _, test_iter = d2l.get_data_digits()
    labels = test_iter.labels
    uniform = classification.evaluate(lambda X: np.zeros((len(X), 10)), test_iter)
    assert uniform[0] == pytest.approx(np.log(10))
    perfect = classification.evaluate(lambda X: 50.0 * np.eye(10)[labels], test_iter)
    assert perfect[1] == 1.0 and perfect[0] < 1e-15


@pytest.mark.parametrize("call, kind, parts", [
    ("d2l.train_scheduled(-0.1, train_iter, test_iter)", ValueError,
     ["scheduler (a learning rate) must be a positive finite number", "-0.1"]),
    ("d2l.train_scheduled(0, train_iter, test_iter)", ValueError, ["positive finite number", "got 0"]),
    ("d2l.train_scheduled('cosine', train_iter, test_iter)", TypeError,
     ["schedule of d2l_shim.schedulers", "train_scheduled_concise", "'cosine'"]),
    ("d2l.train_scheduled(d2l.make_scheduler('cosine', 0.5, num_steps=90, warmup_steps=90),"
     " train_iter, test_iter, num_epochs=2)", ValueError,
     ["warmup of 90 updates", "whole run of 90 updates", "train for more epochs"]),
    ("d2l.train_scheduled(0.5, [1, 2], test_iter)", TypeError,
     ["train_iter must be an iterator returned by get_data_digits", "got list"]),
    ("d2l.train_scheduled(0.5, train_iter, d2l.get_data_ch11(10)[0])", TypeError,
     ["test_iter must be an iterator returned by get_data_digits"]),
    ("d2l.train_scheduled(0.5, train_iter, test_iter, num_epochs=0)", ValueError,
     ["num_epochs must be an integer >= 1", "got 0"]),
    ("d2l.train_scheduled(0.5, train_iter, test_iter, num_hiddens=0)", ValueError,
     ["num_hiddens must be an integer >= 1"]),
    ("d2l.train_scheduled_concise(0.5, train_iter, test_iter, lr=0.5)", TypeError,
     ["lr is only for a PyTorch scheduler", "lr=0.5"]),
    ("d2l.train_scheduled_concise(float('inf'), train_iter, test_iter)", ValueError,
     ["positive finite number", "inf"]),
    ("d2l.train_scheduled_concise(lambda optimizer: None, train_iter, test_iter, lr=-1)", ValueError,
     ["lr (a learning rate) must be a positive finite number", "-1"]),
    ("d2l.get_data_digits(batch_size=0)", ValueError, ["batch_size must be an integer >= 1", "got 0"]),
    ("d2l.get_data_digits(seed=-1)", ValueError, ["seed must be an integer >= 0"]),
])
def test_bad_input_is_refused_before_training(d2l, call, kind, parts):
    train_iter, test_iter = d2l.get_data_digits(batch_size=32)
    namespace = {"d2l": d2l, "train_iter": train_iter, "test_iter": test_iter}
    with pytest.raises(kind) as error:
        eval(call, namespace)
    for part in parts:
        assert part in str(error.value), f"{str(error.value)!r} lacks {part!r}"


#: Per framework: its module, a scheduler of another kind, which it must refuse, and the hint of its
#: message.
WRONG_SCHEDULERS = {
    "mxnet": ("mxnet", "d2l.make_scheduler('cosine', 0.5, num_steps=10)",
              "an MXNet scheduler such as mx.lr_scheduler.FactorScheduler"),
    "pytorch": ("torch", "d2l.make_scheduler('cosine', 0.5, num_steps=10)",
                "a function that takes the torch.optim.SGD optimizer"),
    "tensorflow": ("tensorflow", "d2l.make_scheduler('cosine', 0.5, num_steps=10)",
                   "a Keras schedule such as tf.keras.optimizers.schedules.CosineDecay"),
    "jax": ("jax", "d2l.make_scheduler('cosine', 0.5, num_steps=10)",
            "an optax schedule (a function of the update count) such as optax.cosine_decay_schedule(0.5, 900)"),
}

#: Per framework: the import of its own schedulers (after the shim's, which MXNet needs), one of them
#: with the learning rate given the wrong way (a schedule that holds the rate, given lr=... as well;
#: PyTorch's, which takes the optimizer's rate, without lr), and what the message says about it.
MISUSED_SCHEDULERS = {
    "mxnet": ("import mxnet as mx",
              "mx.lr_scheduler.FactorScheduler(step=45, factor=0.5, base_lr=0.5), train_iter, test_iter, lr=0.5",
              "(no lr=...); got <mxnet.lr_scheduler.FactorScheduler object"),
    "pytorch": ("import torch",
                "lambda optimizer: torch.optim.lr_scheduler.StepLR(optimizer, 45, 0.5), train_iter, test_iter",
                "got <function <lambda>"),
    "tensorflow": ("import tensorflow as tf",
                   "tf.keras.optimizers.schedules.CosineDecay(0.5, 900), train_iter, test_iter, lr=0.5",
                   "(no lr=...); got <keras.", "CosineDecay object"),
    "jax": ("import optax",
            "optax.cosine_decay_schedule(0.5, 900), train_iter, test_iter, lr=0.5",
            "(no lr=...); got <function cosine_decay_schedule.<locals>.schedule"),
}


@pytest.mark.parametrize("fw", FRAMEWORKS)
def test_each_framework_refuses_a_scheduler_of_another_kind(fw, run_python):
    """The shim's own schedule, with or without lr=...; and the framework's own, with lr given the wrong way."""
    module, wrong, hint = WRONG_SCHEDULERS[fw]
    imports, misused, *misuse = MISUSED_SCHEDULERS[fw]
    result = run_python(textwrap.dedent(f"""
        import json
        from d2l_shim import {module} as d2l
        {imports}
        train_iter, test_iter = d2l.get_data_digits()
        errors = []
        for call in ("d2l.train_scheduled_concise({wrong}, train_iter, test_iter)",
                     "d2l.train_scheduled_concise({wrong}, train_iter, test_iter, lr=0.5)",
                     "d2l.train_scheduled_concise({misused})"):
            try:
                eval(call)
                errors.append(None)
            except Exception as error:
                errors.append(f"{{type(error).__name__}}: {{error}}")
        print(json.dumps(errors))
    """), fw)
    assert result.returncode == 0, result.stderr
    errors = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(error and error.startswith("TypeError: scheduler must be") for error in errors), errors
    assert all(hint in error for error in errors), errors
    assert all(part in errors[-1] for part in misuse), errors[-1]
    # The message says how the rate was given: lr=... where the schedule holds the rate itself, no
    # lr where PyTorch's scheduler needs the optimizer's.
    suffix, given = (" without lr", [True, False, True]) if fw == "pytorch" else (" and lr=0.5", [False, True, True])
    assert [error.endswith(suffix) for error in errors] == given, errors
