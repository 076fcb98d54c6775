"""Argument checks shared by all backends; each error names the parameter and the allowed values."""

import difflib
import inspect
import math
import numbers


def check_int(name, value, low, high=None):
    """Return ``value`` as an ``int`` if it is an integer in ``low..high`` (``high`` None: no upper bound)."""
    allowed = f"in {low}..{high}" if high is not None else f">= {low}"
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or value < low or (high is not None and value > high)):
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    return int(value)


#: Keys of a hyperparameter dictionary that hold a decay rate, which must lie in [0, 1):
#: the names used by the chapters written from scratch and by the frameworks' optimizers
#: (Gluon ``gamma1``, ``gamma2``, ``rho``, ``beta1``, ``beta2``; PyTorch ``alpha``, ``rho``,
#: ``momentum``; Keras ``rho``, ``beta_1``, ``beta_2``, ``momentum``).
DECAY_RATES = ("momentum", "gamma", "gamma1", "gamma2", "rho", "alpha",
               "beta1", "beta2", "beta_1", "beta_2")

#: Keys that must be finite numbers >= 0: epsilon (inside or outside a square root),
#: the initial value of an accumulator of squared gradients, PyTorch's learning-rate decay.
NON_NEGATIVE = ("eps", "epsilon", "initial_accumulator_value", "lr_decay")

#: Keys that hold a learning rate, which must be a positive finite number.
LEARNING_RATES = ("lr", "learning_rate")


def check_hyperparams(hyperparams):
    """Check the learning rate, the decay rates and epsilon in a hyperparameter dictionary.

    The learning rate (key ``'lr'`` or ``'learning_rate'``) must be a positive
    finite number; decay rates (the keys in :data:`DECAY_RATES`, such as
    ``'momentum'``, ``'gamma'``, ``'rho'``, ``'beta1'``, ``'beta_2'`` or
    ``'alpha'``) must lie in [0, 1), and so must both numbers of PyTorch's
    ``'betas'`` pair; epsilon, an initial accumulator value and PyTorch's
    ``'lr_decay'`` (the keys in :data:`NON_NEGATIVE`) must be finite and
    >= 0. Keys that are absent are not required, and other keys are left to
    the optimizer. Backend-free: the same checks guard the trainers written
    from scratch and the frameworks' optimizers.
    """
    if not isinstance(hyperparams, dict):
        raise TypeError("hyperparams must be a dict such as {'lr': 0.01}, "
                        f"got {type(hyperparams).__name__}")
    for key in LEARNING_RATES:
        if key in hyperparams:
            value = hyperparams[key]
            if not _is_real(value) or not math.isfinite(value) or value <= 0:
                raise ValueError(
                    f"hyperparams[{key!r}] (the learning rate) must be a "
                    f"positive finite number, got {value!r}")
    for key in DECAY_RATES:
        if key in hyperparams and not _is_decay_rate(hyperparams[key]):
            raise ValueError(
                f"hyperparams[{key!r}] (a decay rate) must be a number in [0, 1), "
                f"got {hyperparams[key]!r}")
    if "betas" in hyperparams:
        value = hyperparams["betas"]
        if (not isinstance(value, (tuple, list)) or len(value) != 2
                or not all(map(_is_decay_rate, value))):
            raise ValueError(
                "hyperparams['betas'] must be a pair (beta1, beta2) of decay rates, "
                f"each a number in [0, 1), got {value!r}")
    for key in NON_NEGATIVE:
        if key in hyperparams:
            value = hyperparams[key]
            if not _is_real(value) or not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"hyperparams[{key!r}] must be a finite number >= 0, got {value!r}")


def accepted_keywords(cls, skip=()):
    """The keyword arguments that constructing ``cls`` accepts, as a sorted list.

    The named parameters of ``cls.__init__``, and, as long as an
    ``__init__`` passes ``**kwargs`` on, those of the next ``__init__`` up
    the class hierarchy (``object`` excluded). Names in ``skip`` (arguments
    the shim passes itself, such as the parameters) are left out.
    """
    names = set()
    for klass in cls.__mro__:
        if klass is object or "__init__" not in vars(klass):
            continue
        parameters = inspect.signature(klass.__init__).parameters.values()
        names.update(p.name for p in parameters
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return sorted(names - {"self", *skip})


def check_keywords(hyperparams, accepted, optimizer):
    """Refuse a key of ``hyperparams`` that is not in ``accepted``, the keywords of ``optimizer``.

    ``optimizer`` names the optimizer in the message, which lists what it
    accepts and suggests the closest name.
    """
    for key in hyperparams:
        if key not in accepted:
            raise TypeError(
                f"{optimizer} takes no keyword argument {key!r}{did_you_mean(key, accepted)}; "
                f"it accepts: {', '.join(accepted)}")


def did_you_mean(value, names, show=repr):
    """`` (did you mean X?)`` for the name in ``names`` closest to the string ``value``, or ``''``.

    Case is ignored, and so is a dotted prefix of a name (``'adagrad'`` is
    close to ``'torch.optim.Adagrad'``); ``show(name)`` is how the message
    writes the name.
    """
    if not isinstance(value, str):
        return ""
    lowered = {name.lower().rsplit(".", 1)[-1]: name for name in names}
    close = difflib.get_close_matches(value.lower(), lowered, n=1)
    return f" (did you mean {show(lowered[close[0]])}?)" if close else ""


def check_choice(name, value, accepted, example):
    """Refuse ``value`` unless it is one of the strings ``accepted``; the message lists them."""
    if value not in accepted:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, accepted))}, "
                         f"such as {example!r}; got {value!r}{did_you_mean(value, accepted)}")


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


def _is_decay_rate(value):
    """Tell whether ``value`` is a real number in [0, 1)."""
    return _is_real(value) and 0 <= value < 1
