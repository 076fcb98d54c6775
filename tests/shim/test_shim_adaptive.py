"""Adaptive optimizers: bad hyperparameters are refused, and each framework's optimizers are taken by their usual names.

The backend-free checks (:mod:`d2l_shim.checks`) are tested directly; the cells of
``d2l_cells.py`` (``adaptive``, ``bad_scratch_*``, ``bad_optimizer_*``) run in each
framework's subprocess, so the errors are those a reader of the book would see.
"""

import math
import re

import numpy as np
import pytest

from d2l_cells import BAD_CONCISE, BAD_SCRATCH, FRAMEWORKS
from d2l_shim import checks

DECAY_KEYS = ["momentum", "gamma", "gamma1", "gamma2", "rho", "alpha",
              "beta1", "beta2", "beta_1", "beta_2"]
NON_NEGATIVE_KEYS = ["eps", "epsilon", "initial_accumulator_value", "lr_decay"]


# The backend-free checks


@pytest.mark.parametrize("key", DECAY_KEYS)
@pytest.mark.parametrize("value", [1, 1.0, 1.5, -0.1, float("nan"), float("inf"), None, "0.9", True])
def test_decay_rates_outside_zero_one_are_refused(key, value):
    with pytest.raises(ValueError) as error:
        checks.check_hyperparams({"lr": 0.1, key: value})
    assert str(error.value) == (f"hyperparams[{key!r}] (a decay rate) must be a number in [0, 1), "
                                f"got {value!r}")


@pytest.mark.parametrize("key", DECAY_KEYS)
def test_decay_rates_inside_zero_one_pass(key):
    for value in (0, 0.0, 0.5, 0.9, 0.999, np.float32(0.99)):
        checks.check_hyperparams({"lr": 0.1, key: value})


@pytest.mark.parametrize("key", NON_NEGATIVE_KEYS)
@pytest.mark.parametrize("value", [-1e-8, -1, float("nan"), float("inf"), None, "1e-6"])
def test_negative_or_non_finite_epsilon_and_accumulators_are_refused(key, value):
    with pytest.raises(ValueError, match=re.escape(f"hyperparams[{key!r}] must be a finite number >= 0, "
                                                   f"got {value!r}")):
        checks.check_hyperparams({key: value})


@pytest.mark.parametrize("key", NON_NEGATIVE_KEYS)
def test_zero_and_small_epsilon_and_accumulators_pass(key):
    for value in (0, 0.0, 1e-10, 1e-6, 0.1, np.float64(1e-8)):
        checks.check_hyperparams({key: value})


@pytest.mark.parametrize("betas", [(0.9, 1.0), (1.0, 0.999), (-0.1, 0.9), (0.9,), (0.9, 0.99, 0.999),
                                   0.9, "0.9, 0.999", (0.9, float("nan")), (None, 0.9)])
def test_torch_betas_must_be_a_pair_of_decay_rates(betas):
    with pytest.raises(ValueError, match=re.escape("hyperparams['betas'] must be a pair (beta1, beta2) "
                                                   "of decay rates, each a number in [0, 1)")):
        checks.check_hyperparams({"lr": 0.001, "betas": betas})
    checks.check_hyperparams({"lr": 0.001, "betas": (0.9, 0.999)})
    checks.check_hyperparams({"lr": 0.001, "betas": [0.0, 0.5]})


def test_the_learning_rate_is_checked_before_the_decay_rates():
    with pytest.raises(ValueError, match=r"hyperparams\['lr'\] \(the learning rate\)"):
        checks.check_hyperparams({"lr": float("nan"), "gamma": 2})


class _Base:
    def __init__(self, learning_rate, wd=0.0, *, clip=None, **kwargs):
        if kwargs:
            raise TypeError(kwargs)


class _Middle(_Base):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class _Optimizer(_Middle):
    def __init__(self, params, rho=0.9, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)


class _Closed(_Base):
    def __init__(self, params, lr=0.01, eps=1e-8):
        super().__init__(lr)


def test_accepted_keywords_follow_kwargs_up_the_class_hierarchy():
    assert checks.accepted_keywords(_Optimizer, skip={"params"}) == [
        "clip", "epsilon", "learning_rate", "rho", "wd"]
    assert checks.accepted_keywords(_Closed) == ["eps", "lr", "params"], "no **kwargs: stop there"
    assert checks.accepted_keywords(_Base) == ["clip", "learning_rate", "wd"]


def test_a_wrong_keyword_is_refused_with_the_accepted_ones_and_a_suggestion():
    accepted = checks.accepted_keywords(_Optimizer, skip={"params"})
    checks.check_keywords({"rho": 0.9, "learning_rate": 0.1}, accepted, "toy.Optimizer")
    with pytest.raises(TypeError) as error:
        checks.check_keywords({"learning_rate": 0.1, "eps": 1e-6}, accepted, "toy.Optimizer")
    assert str(error.value) == ("toy.Optimizer takes no keyword argument 'eps' (did you mean 'epsilon'?); "
                                "it accepts: clip, epsilon, learning_rate, rho, wd")
    with pytest.raises(TypeError, match=r"no keyword argument 'zzz'; it accepts"):
        checks.check_keywords({"zzz": 1}, accepted, "toy.Optimizer")


def test_a_wrong_choice_is_refused_with_the_accepted_ones():
    names = ["adagrad", "adam", "rmsprop", "sgd"]
    checks.check_choice("trainer", "adam", names, "sgd")
    with pytest.raises(ValueError) as error:
        checks.check_choice("trainer", "rmsprrop", names, "sgd")
    assert str(error.value) == ("trainer must be one of 'adagrad', 'adam', 'rmsprop', 'sgd', such as 'sgd'; "
                                "got 'rmsprrop' (did you mean 'rmsprop'?)")
    assert checks.did_you_mean("ADAGRAD", ["torch.optim.Adagrad", "torch.optim.Adam"], str) == (
        " (did you mean torch.optim.Adagrad?)")
    assert checks.did_you_mean(3, ["sgd"]) == ""


# In every framework


def test_each_frameworks_adaptive_optimizers_run_by_their_usual_names(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        assert cells["adaptive"]["error"] is None, f"{fw}: {cells['adaptive']['error']}"
        runs = cells["adaptive"]["adaptive"]
        assert sorted(runs) == ["adadelta", "adagrad", "adam", "rmsprop"], fw
        for name, losses in runs.items():
            assert len(losses) == 2 and all(map(math.isfinite, losses)), (fw, name, losses)
            assert losses[-1] < 0.5, (fw, name, losses)


def test_adagrad_configured_as_written_is_the_same_run_in_every_framework(cells_by_framework):
    """Gluon (eps inside the root), PyTorch (eps 0, accumulator from 1e-6), Keras and optax (accumulator
    from 0); RMSProp too where eps sits inside the root (Gluon, Keras, optax)."""
    runs = {fw: cells["adaptive"]["adaptive"] for fw, cells in cells_by_framework.items()}
    for fw in FRAMEWORKS[1:]:
        assert np.allclose(runs[fw]["adagrad"], runs["mxnet"]["adagrad"], rtol=0, atol=1e-5), fw
    for fw in ("tensorflow", "jax"):
        assert np.allclose(runs[fw]["rmsprop"], runs["mxnet"]["rmsprop"], rtol=0, atol=1e-5), fw


def test_bad_adaptive_hyperparameters_written_from_scratch_are_refused_alike(cells_by_framework):
    expected = {
        "bad_scratch_gamma_one": "hyperparams['gamma'] (a decay rate) must be a number in [0, 1), got 1.0",
        "bad_scratch_rho_negative": "hyperparams['rho'] (a decay rate) must be a number in [0, 1), got -0.1",
        "bad_scratch_beta2_nan": "hyperparams['beta2'] (a decay rate) must be a number in [0, 1), got nan",
        "bad_scratch_eps_negative": "hyperparams['eps'] must be a finite number >= 0, got -1e-06",
        "bad_scratch_lr_inf": "hyperparams['lr'] (the learning rate) must be a positive finite number, got inf",
    }
    assert sorted(expected) == sorted(name for name, _ in BAD_SCRATCH)
    for fw, cells in cells_by_framework.items():
        for name, message in expected.items():
            assert cells[name]["error"] == f"ValueError: {message}", (fw, name)


#: Per framework, the bad_optimizer_* cells: (exception type, substrings of the message).
CONCISE_ERRORS = {
    "mxnet": {
        "bad_optimizer_name": ("ValueError", ["trainer (a Gluon optimizer name) must be one of",
                                              "'adadelta', 'adagrad', 'adam'", "'rmsprop'", "'sgd'",
                                              "got 'adagrd' (did you mean 'adagrad'?)"]),
        "bad_optimizer_keyword": ("TypeError", ["the Gluon optimizer 'rmsprop' takes no keyword argument 'rho'",
                                                "it accepts:", "epsilon, gamma1, gamma2, learning_rate"]),
        "bad_optimizer_decay": ("ValueError", ["hyperparams['gamma1'] (a decay rate)", "[0, 1)", "1.0"]),
        "bad_optimizer_second_decay": ("ValueError", ["hyperparams['beta2'] (a decay rate)", "[0, 1)", "1.5"]),
        "bad_optimizer_eps": ("ValueError", ["hyperparams['eps'] must be a finite number >= 0, got -1e-07"]),
        "bad_optimizer_lr": ("ValueError", ["hyperparams['learning_rate'] (the learning rate)", "-0.01"]),
    },
    "pytorch": {
        "bad_optimizer_name": ("TypeError", ["trainer must be a torch.optim optimizer class such as torch.optim.SGD",
                                             "got 'adagrad' (did you mean torch.optim.Adagrad?)",
                                             "accepted: torch.optim.", "torch.optim.RMSprop"]),
        "bad_optimizer_keyword": ("TypeError", ["torch.optim.RMSprop takes no keyword argument 'rho'",
                                                "it accepts: alpha,", "eps", " lr,"]),
        "bad_optimizer_decay": ("ValueError", ["hyperparams['alpha'] (a decay rate)", "[0, 1)", "1.0"]),
        "bad_optimizer_second_decay": ("ValueError", ["hyperparams['betas'] must be a pair", "(0.9, 1.5)"]),
        "bad_optimizer_eps": ("ValueError", ["hyperparams['eps'] must be a finite number >= 0, got -1e-07"]),
        "bad_optimizer_lr": ("ValueError", ["hyperparams['lr'] (the learning rate)", "-0.01"]),
        "bad_optimizer_accumulator": ("ValueError", ["hyperparams['initial_accumulator_value'] must be a "
                                                     "finite number >= 0, got -0.1"]),
        "bad_optimizer_lr_decay": ("ValueError", ["hyperparams['lr_decay'] must be a finite number >= 0, got -1"]),
        "bad_optimizer_rho": ("ValueError", ["hyperparams['rho'] (a decay rate)", "[0, 1)", "1.0"]),
    },
    "tensorflow": {
        "bad_optimizer_name": ("TypeError", ["trainer must be a Keras optimizer class such as "
                                             "tf.keras.optimizers.SGD",
                                             "got 'RMSProp' (did you mean tf.keras.optimizers.RMSprop?)",
                                             "accepted: tf.keras.optimizers."]),
        "bad_optimizer_keyword": ("TypeError", ["tf.keras.optimizers.RMSprop takes no keyword argument 'gamma'",
                                                "it accepts:", "epsilon", "learning_rate", "rho"]),
        "bad_optimizer_decay": ("ValueError", ["hyperparams['rho'] (a decay rate)", "[0, 1)", "1.0"]),
        "bad_optimizer_second_decay": ("ValueError", ["hyperparams['beta_2'] (a decay rate)", "[0, 1)", "1.5"]),
        "bad_optimizer_eps": ("ValueError", ["hyperparams['epsilon'] must be a finite number >= 0, got -1e-07"]),
        "bad_optimizer_lr": ("ValueError", ["hyperparams['learning_rate'] (the learning rate)", "-0.01"]),
        "bad_optimizer_accumulator": ("ValueError", ["hyperparams['initial_accumulator_value'] must be a "
                                                     "finite number >= 0, got -0.1"]),
        "bad_optimizer_beta_1": ("ValueError", ["hyperparams['beta_1'] (a decay rate)", "[0, 1)", "-0.1"]),
        "bad_optimizer_rho": ("ValueError", ["hyperparams['rho'] (a decay rate)", "[0, 1)", "1.0"]),
    },
    "jax": {
        "bad_optimizer_name": ("TypeError", ["trainer must be an optax optimizer factory such as optax.sgd",
                                             "got 'adam' (did you mean optax.adam?)",
                                             "accepted: optax.", "optax.rmsprop"]),
        "bad_optimizer_keyword": ("TypeError", ["optax.rmsprop takes no keyword argument 'rho'",
                                                "it accepts:", "decay", "eps", "learning_rate"]),
        "bad_optimizer_decay": ("ValueError", ["hyperparams['decay'] (a decay rate)", "[0, 1)", "1.0"]),
        "bad_optimizer_second_decay": ("ValueError", ["hyperparams['b2'] (a decay rate)", "[0, 1)", "1.5"]),
        "bad_optimizer_eps": ("ValueError", ["hyperparams['eps'] must be a finite number >= 0, got -1e-07"]),
        "bad_optimizer_lr": ("ValueError", ["hyperparams['learning_rate'] (the learning rate)", "-0.01"]),
        "bad_optimizer_accumulator": ("ValueError", ["hyperparams['initial_accumulator_value'] must be a "
                                                     "finite number >= 0, got -0.1"]),
        "bad_optimizer_b1": ("ValueError", ["hyperparams['b1'] (a decay rate)", "[0, 1)", "-0.1"]),
        "bad_optimizer_rho": ("ValueError", ["hyperparams['rho'] (a decay rate)", "[0, 1)", "1.0"]),
        "bad_optimizer_no_lr": ("TypeError", ["optax.adam needs the keyword argument(s) 'learning_rate' "
                                              "in hyperparams, such as {'learning_rate': 0.05}"]),
        "bad_optimizer_instance": ("TypeError", ["trainer must be an optax optimizer factory such as optax.sgd",
                                                 "got GradientTransformation", "accepted: optax."]),
        "bad_optimizer_lbfgs": ("TypeError", ["trainer must be an optax optimizer factory such as optax.sgd",
                                              "got <function lbfgs", "accepted: optax."]),
    },
}


def test_each_frameworks_optimizers_refuse_wrong_names_keywords_and_values(cells_by_framework):
    for fw, cells in cells_by_framework.items():
        assert sorted(CONCISE_ERRORS[fw]) == sorted(name for name, _ in BAD_CONCISE[fw]), fw
        for name, (kind, parts) in CONCISE_ERRORS[fw].items():
            error = cells[name]["error"]
            assert error and error.startswith(kind + ": "), f"{fw} {name}: {error}"
            for part in parts:
                assert part in error, f"{fw} {name}: {error!r} lacks {part!r}"


def test_optax_optimizers_are_listed_by_name_without_those_the_shim_cannot_drive(cells_by_framework):
    """The list in JAX's refusal: optax's optimizer factories, not L-BFGS (which needs the loss in every
    update) nor the ``scale_by_*`` building blocks, which take no learning rate."""
    error = cells_by_framework["jax"]["bad_optimizer_lbfgs"]["error"]
    accepted = error.split("; accepted: ", 1)[1].split(", ")
    assert accepted == sorted(accepted)
    assert {"optax.sgd", "optax.adagrad", "optax.rmsprop", "optax.adadelta", "optax.adam"} <= set(accepted)
    assert "optax.lbfgs" not in accepted
    assert not [name for name in accepted if not name.startswith("optax.") or "scale_by" in name]
    assert cells_by_framework["jax"]["bad_optimizer_name"]["error"].endswith(", ".join(accepted))
