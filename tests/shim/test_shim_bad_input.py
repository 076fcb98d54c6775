"""Bad input gets an error that names the parameter and the allowed values, in every backend.

The ``bad_*`` cells of ``d2l_cells.py`` run in each framework's subprocess;
the backend-free checks are also tested directly.
"""

import io
import re
from contextlib import redirect_stdout
from types import SimpleNamespace

import numpy as np
import pytest

from d2l_cells import BAD_RETURNS
from d2l_shim import checks, data, rng, training, twod

#: Cell name -> (exception type, substrings of the message), the same in every backend.
SHARED = {
    "bad_lr_negative": ("ValueError", ["hyperparams['lr']", "positive finite number", "-0.1"]),
    "bad_lr_nan": ("ValueError", ["hyperparams['lr']", "positive finite number", "nan"]),
    "bad_momentum_one": ("ValueError", ["hyperparams['momentum']", "[0, 1)", "1.0"]),
    "bad_momentum_negative": ("ValueError", ["hyperparams['momentum']", "[0, 1)", "-0.5"]),
    "bad_states_count": ("ValueError", ["states", "one state per parameter", "got 4"]),
    "bad_batch_size": ("ValueError", ["batch_size", ">= 1", "got 0"]),
    "bad_n_zero": ("ValueError", ["n must be an integer in 1..1503", "got 0"]),
    "bad_n_too_large": ("ValueError", ["n must be an integer in 1..1503", "got 1504"]),
    "bad_trainer_returns_nothing": ("TypeError", ["train_2d", "(x1, x2, s1, s2)", "got None"]),
    "bad_trainer_returns_two": ("TypeError", ["train_2d", "(x1, x2, s1, s2)", "(-5.0, -2.0)"]),
}

#: What the concise trainers say about a wrong optimizer, per backend.
TRAINER_HINT = {"mxnet": "Gluon optimizer such as 'sgd'",
                "pytorch": "torch.optim optimizer class such as torch.optim.SGD",
                "tensorflow": "Keras optimizer class such as tf.keras.optimizers.SGD",
                "jax": "optax optimizer factory such as optax.sgd"}
LR_KEY = {"mxnet": "learning_rate", "pytorch": "lr", "tensorflow": "learning_rate", "jax": "learning_rate"}

#: What a JAX trainer written from scratch must return, said whatever it returned instead.
JAX_RETURN_RULE = ("TypeError: a JAX trainer must return the pair (params, states): the new parameters "
                   "[w, b] (arrays of shapes (5, 1) and (1,)) and the new states")
#: The bad_jax_trainer_* cells: how the message describes what each trainer returned.
JAX_RETURNED = {
    "bad_jax_trainer_in_place": "sgd_in_place returned NoneType",
    "bad_jax_trainer_params_only": "sgd_params_only returned list of 2 (array of shape (5, 1), "
                                   "array of shape (1,))",
    "bad_jax_trainer_flat": "sgd_flat returned tuple of 3 (array of shape (5, 1), array of shape (1,), "
                            "NoneType)",
}


def test_every_backend_reports_bad_input_clearly(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        for name, (kind, parts) in SHARED.items():
            error = cells[name]["error"]
            assert error and error.startswith(kind + ": "), f"{fw} {name}: {error}"
            for part in parts:
                assert part in error, f"{fw} {name}: {error!r} lacks {part!r}"
        assert cells["bad_concise_trainer_type"]["error"].startswith("TypeError: trainer must be")
        assert TRAINER_HINT[fw] in cells["bad_concise_trainer_type"]["error"], fw
        error = cells["bad_concise_lr_zero"]["error"]
        assert f"hyperparams['{LR_KEY[fw]}'] (the learning rate) must be a positive finite number" in error


def test_a_jax_trainer_that_returns_the_wrong_thing_is_told_what_to_return(cells_by_framework):
    """Only JAX's trainers return their results; the others update the parameters in place."""
    assert sorted(BAD_RETURNS) == ["jax"]
    assert sorted(JAX_RETURNED) == sorted(name for name, _ in BAD_RETURNS["jax"])
    cells = cells_by_framework["jax"]
    for name, returned in JAX_RETURNED.items():
        error = cells[name]["error"]
        assert error and error.startswith(JAX_RETURN_RULE), f"{name}: {error}"
        assert "since JAX arrays are not updated in place" in error, name
        assert error.endswith(f"; {returned}"), f"{name}: {error!r} does not end with {returned!r}"


def test_shared_messages_are_the_same_in_every_backend(cells_by_framework):
    for name in SHARED:
        messages = {cells[name]["error"] for cells in cells_by_framework.values()}
        assert len(messages) == 1, f"{name}: {messages}"


@pytest.mark.parametrize("hyperparams, key", [
    ({"lr": 0}, "lr"), ({"lr": -1e-3}, "lr"), ({"lr": float("inf")}, "lr"),
    ({"lr": "0.1"}, "lr"), ({"lr": True}, "lr"), ({"learning_rate": float("nan")}, "learning_rate"),
    ({"lr": 0.1, "momentum": 1}, "momentum"), ({"lr": 0.1, "momentum": -0.01}, "momentum"),
    ({"lr": 0.1, "momentum": None}, "momentum"),
])
def test_bad_learning_rates_and_momenta_are_refused(hyperparams, key):
    with pytest.raises(ValueError, match=rf"hyperparams\['{key}'\]"):
        checks.check_hyperparams(hyperparams)


def test_good_hyperparameters_pass():
    for hyperparams in ({"lr": 0.01, "momentum": 0.9}, {"learning_rate": np.float32(0.5)},
                        {"lr": 1, "momentum": 0}, {"rho": 0.9}, {"lr": 0.1, "t": 1}):
        checks.check_hyperparams(hyperparams)
    with pytest.raises(TypeError, match="hyperparams must be a dict"):
        checks.check_hyperparams([("lr", 0.1)])


def test_states_must_be_none_empty_or_one_per_parameter():
    for states in (None, (), [], ("v_w", "v_b")):
        checks.check_states(states, 2)
    for states in (("v_w",), ("a", "b", "c")):
        with pytest.raises(ValueError, match="one state per parameter"):
            checks.check_states(states, 2)
    with pytest.raises(TypeError, match="states must be None or a sequence"):
        checks.check_states(0.5, 2)


def _identity_data(**kwargs):
    return data.get_data_ch11(SimpleNamespace(from_numpy=lambda a: a), **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "batch_size must be an integer >= 1, got 0"),
    ({"batch_size": 2.5}, "batch_size must be an integer >= 1, got 2.5"),
    ({"n": 0}, "n must be an integer in 1..1503, got 0"),
    ({"n": 1504}, "n must be an integer in 1..1503, got 1504"),
    ({"seed": -1}, "seed must be an integer >= 0, got -1"),
])
def test_bad_data_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _identity_data(**kwargs)


def test_training_runs_check_their_data_epochs_and_trainer():
    data_iter, feature_dim = _identity_data(n=20)
    sgd = lambda params, states, hyperparams: None  # noqa: E731
    with pytest.raises(ValueError, match="feature_dim must be 5, the number of features"):
        training.train_ch11(None, sgd, None, {"lr": 0.1}, data_iter, 4)
    with pytest.raises(ValueError, match="num_epochs must be an integer >= 1, got 0"):
        training.train_ch11(None, sgd, None, {"lr": 0.1}, data_iter, feature_dim, 0)
    with pytest.raises(TypeError, match="data_iter must be the iterator returned by get_data_ch11"):
        training.train_concise_ch11(None, "sgd", {"lr": 0.1}, [(1, 2)])
    with pytest.raises(TypeError, match="trainer_fn must be a function"):
        training.train_ch11(None, "sgd", None, {"lr": 0.1}, data_iter, feature_dim)


def test_train_2d_checks_steps_and_the_trainers_result():
    with pytest.raises(ValueError, match="steps must be an integer >= 0, got -1"):
        twod.train_2d(lambda x1, x2, s1, s2: (x1, x2, s1, s2), steps=-1)
    with pytest.raises(TypeError, match=r"must return the four values \(x1, x2, s1, s2\).*got 3"):
        twod.train_2d(lambda x1, x2, s1, s2: 3)
    with pytest.raises(ValueError, match="expected a single number"):
        with redirect_stdout(io.StringIO()):
            twod.train_2d(lambda x1, x2, s1, s2: (np.zeros(2), x2, s1, s2))


def test_seed_must_be_a_non_negative_integer():
    for bad in (-1, 1.5, "1", True):
        with pytest.raises(ValueError, match="seed must be an integer >= 0"):
            rng.seed(bad)
