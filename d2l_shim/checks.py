"""Argument checks shared by all backends; each error names the parameter and the allowed values."""

import math
import numbers


def check_int(name, value, low, high=None):
    """Return ``value`` as an ``int`` if it is an integer in ``low..high`` (``high`` None: no upper bound)."""
    allowed = f"in {low}..{high}" if high is not None else f">= {low}"
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < low or (high is not None and value > high)):
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    return int(value)


def check_hyperparams(hyperparams):
    """Check the learning rate and momentum in a hyperparameter dictionary.

    The learning rate (key ``'lr'`` or ``'learning_rate'``) must be a positive
    finite number and ``'momentum'`` must lie in [0, 1). Keys that are absent
    are not required, and other keys are left to the optimizer.
    """
    if not isinstance(hyperparams, dict):
        raise TypeError("hyperparams must be a dict such as {'lr': 0.01}, "
                        f"got {type(hyperparams).__name__}")
    for key in ("lr", "learning_rate"):
        if key in hyperparams:
            value = hyperparams[key]
            if not _is_real(value) or not math.isfinite(value) or value <= 0:
                raise ValueError(
                    f"hyperparams[{key!r}] (the learning rate) must be a "
                    f"positive finite number, got {value!r}")
    if "momentum" in hyperparams:
        value = hyperparams["momentum"]
        if not _is_real(value) or not 0 <= value < 1:
            raise ValueError(
                "hyperparams['momentum'] must be a number in [0, 1), "
                f"got {value!r}")


def check_states(states, num_params):
    """Check that ``states`` is None, empty, or holds one state per parameter."""
    if states is None:
        return
    try:
        count = len(states)
    except TypeError:
        raise TypeError("states must be None or a sequence with one state per "
                        f"parameter, got {type(states).__name__}") from None
    if count not in (0, num_params):
        raise ValueError(
            f"states must be None, empty, or hold one state per parameter "
            f"({num_params}: one for w, one for b), got {count}")


def _is_real(value):
    """Tell whether ``value`` is a real number (and not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
