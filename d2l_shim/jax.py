"""The JAX backend: ``from d2l_shim import jax as d2l``.

Tensors are ``jax.Array`` (float32; integer data come out int32, since JAX
keeps 64-bit types off by default). Nothing is updated in place: trainers
written from scratch are pure functions
``trainer_fn(params, grads, states, hyperparams) -> (params, states)`` that
return the new parameters ``[w, b]`` and the new states, which the shim keeps
for the next step; it also puts them into the list of states it was given, so
that after training the list holds the final states, as in the frameworks that
update them in place. ``hyperparams`` is passed unchanged every step, so a
trainer that counts its steps (Adam) keeps the count inside its states.
:func:`train_concise_ch11` takes an optax optimizer factory such as
``optax.sgd`` or ``optax.adagrad`` with its keyword arguments by optax's names
(``{'learning_rate': 0.05, 'momentum': 0.9}``), and
:func:`train_scheduled_concise` an optax schedule (a function of the update
count, such as ``optax.cosine_decay_schedule(0.5, 900)``) or a constant rate.
"""

import inspect
import math
import numbers
import types

import jax
import jax.numpy as jnp
import optax

from d2l_shim.backend import Backend, export
from d2l_shim.checks import did_you_mean
from d2l_shim.schedulers import Scheduler

#: optax functions that take a ``learning_rate`` but are not optimizers the
#: shim can drive: L-BFGS needs the loss value and function in every update.
_NOT_OPTIMIZERS = frozenset({"lbfgs"})

#: optax's names of decay rates, which must lie in [0, 1) like those of
#: :data:`d2l_shim.checks.DECAY_RATES`: Adam's ``b1``/``b2``, RMSProp's ``decay``.
_OPTAX_DECAY_RATES = ("b1", "b2", "decay")


def _optimizers():
    """The optimizer factories of optax, by name: functions that take a
    ``learning_rate`` and return a ``GradientTransformation``."""
    found = {}
    for name, value in vars(optax).items():
        if (name.startswith(("_", "scale_by")) or name in _NOT_OPTIMIZERS
                or not isinstance(value, types.FunctionType)):
            continue
        signature = inspect.signature(value)
        returns = signature.return_annotation
        if (isinstance(returns, type) and issubclass(returns, optax.GradientTransformation)
                and "learning_rate" in signature.parameters):
            found[name] = value
    return dict(sorted(found.items()))


def _keywords(function):
    """The keyword arguments ``function`` accepts, and those it requires, as sorted lists."""
    parameters = [p for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return (sorted(p.name for p in parameters),
            sorted(p.name for p in parameters if p.default is p.empty))


def _mean_squared_loss(params, X, y):
    """The mean of half the squared error of the linear model ``X w + b``."""
    w, b = params
    y_hat = jnp.matmul(X, w) + b
    return jnp.mean((y_hat - jnp.reshape(y, y_hat.shape)) ** 2 / 2)


def _mlp(params, X):
    """The logits ``relu(X W1 + b1) W2 + b2`` of the digit classifier."""
    W1, b1, W2, b2 = params
    return jax.nn.relu(X @ W1 + b1) @ W2 + b2


def _cross_entropy(params, X, y):
    """The mean softmax cross-entropy of the classifier on a batch."""
    return optax.softmax_cross_entropy_with_integer_labels(_mlp(params, X), y).mean()


def _describe(value):
    """A short description of what a trainer returned, for error messages."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_describe(item) for item in value)
        return f"{type(value).__name__} of {len(value)} ({inner})"
    shape = getattr(value, "shape", None)
    return f"array of shape {tuple(shape)}" if shape is not None else type(value).__name__


def _checked(result, params, trainer_fn):
    """``result`` as the pair (new parameters, new states) that a trainer must return."""
    shapes = [p.shape for p in params]
    if not (isinstance(result, (tuple, list)) and len(result) == 2
            and isinstance(result[0], (tuple, list)) and len(result[0]) == 2
            and [getattr(p, "shape", None) for p in result[0]] == shapes):
        name = getattr(trainer_fn, "__name__", repr(trainer_fn))
        raise TypeError(
            f"a JAX trainer must return the pair (params, states): the new parameters "
            f"[w, b] (arrays of shapes {shapes[0]} and {shapes[1]}) and the new states "
            f"(those it was given, e.g. None, if it keeps none), since JAX arrays are not "
            f"updated in place; {name} returned {_describe(result)}")
    return list(result[0]), result[1]


class JaxBackend(Backend):
    """JAX's arrays, ``jax.grad`` and ``jax.jit``, and optax's optimizers and schedules."""

    float32 = jnp.float32

    def from_numpy(self, array):
        return jnp.asarray(array)

    def reshape(self, x, shape):
        return jnp.reshape(x, shape)

    def matmul(self, a, b):
        return jnp.matmul(a, b)

    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        params = [jnp.asarray(w0), jnp.zeros(1, dtype=jnp.float32)]

        # The gradient and the trainer compiled into one function, which returns the
        # new parameters and states; they replace the old ones for the next step.
        @jax.jit
        def update(params, states, X, y):
            grads = jax.grad(_mean_squared_loss)(params, X, y)
            return _checked(trainer_fn(params, grads, states, hyperparams), params, trainer_fn)

        given = states

        def step(X, y):
            nonlocal params, states
            params, states = update(params, states, X, y)
            # The caller's list of states ends up holding the latest ones, as the
            # in-place updates of the other frameworks leave it (the arrays in it
            # are replaced, never changed).
            if isinstance(given, list) and isinstance(states, (list, tuple)):
                given[:] = states

        return (lambda X: self.linreg(X, *params)), step

    def optimizer_keywords(self, trainer):
        optimizers = _optimizers()
        label = next((f"optax.{name}" for name, value in optimizers.items()
                      if value is trainer), None)
        if label is None:
            names = ['optax.' + name for name in optimizers]
            raise TypeError(
                "trainer must be an optax optimizer factory such as optax.sgd, "
                f"got {trainer!r}{did_you_mean(trainer, names, str)}; "
                f"accepted: {', '.join(names)}")
        return label, _keywords(trainer)[0]

    def concise_model(self, trainer, hyperparams, w0):
        _check_optax_hyperparams(trainer, hyperparams)
        params = {"w": jnp.asarray(w0), "b": jnp.zeros(1, dtype=jnp.float32)}
        optimizer = trainer(**hyperparams)
        opt_state = optimizer.init(params)

        def loss(params, X, y):
            return _mean_squared_loss([params["w"], params["b"]], X, y)

        @jax.jit
        def update(params, opt_state, X, y):
            grads = jax.grad(loss)(params, X, y)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return optax.apply_updates(params, updates), opt_state

        def step(X, y):
            nonlocal params, opt_state
            params, opt_state = update(params, opt_state, X, y)

        return (lambda X: self.linreg(X, params["w"], params["b"])), step

    def mlp_scratch(self, params):
        params = [jnp.asarray(p) for p in params]

        # One compiled step for all updates: the rate is an argument, so a new
        # rate needs no new trace.
        @jax.jit
        def update(params, X, y, lr):
            grads = jax.grad(_cross_entropy)(params, X, y)
            return [p - lr * g for p, g in zip(params, grads)]

        def step(X, y, lr):
            nonlocal params
            params = update(params, X, y, lr)

        return (lambda X: _mlp(params, X)), step

    def mlp_concise(self, params, scheduler, lr):
        _check_optax_schedule(scheduler, lr)
        params = [jnp.asarray(p) for p in params]
        optimizer = optax.sgd(learning_rate=scheduler)
        opt_state = optimizer.init(params)
        count = 0

        @jax.jit
        def update(params, opt_state, X, y):
            grads = jax.grad(_cross_entropy)(params, X, y)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return optax.apply_updates(params, updates), opt_state

        def step(X, y):
            nonlocal params, opt_state, count
            # optax.sgd scales update k (counted from 0) by scheduler(k).
            used = scheduler if isinstance(scheduler, float) else float(
                scheduler(jnp.asarray(count, dtype=jnp.int32)))
            params, opt_state = update(params, opt_state, X, y)
            count += 1
            return used

        return (lambda X: _mlp(params, X)), step


def _check_optax_hyperparams(trainer, hyperparams):
    """Refuse a missing required argument of ``trainer`` and an optax decay rate outside [0, 1)."""
    _, required = _keywords(trainer)
    missing = [name for name in required if name not in hyperparams]
    if missing:
        raise TypeError(f"optax.{trainer.__name__} needs the keyword argument(s) "
                        f"{', '.join(map(repr, missing))} in hyperparams, such as "
                        "{'learning_rate': 0.05}")
    for key in _OPTAX_DECAY_RATES:
        if key in hyperparams:
            value = hyperparams[key]
            if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                    or not 0 <= value < 1):
                raise ValueError(f"hyperparams[{key!r}] (a decay rate) must be a number "
                                 f"in [0, 1), got {value!r}")


def _check_optax_schedule(scheduler, lr):
    """Refuse what is neither a constant rate nor an optax schedule, and any ``lr``."""
    example = ("scheduler must be a constant rate or an optax schedule (a function of the "
               "update count) such as optax.cosine_decay_schedule(0.5, 900), which holds "
               "the rate itself (no lr=...)")
    if lr is not None:
        raise TypeError(f"{example}; got {scheduler!r} and lr={lr!r}")
    if isinstance(scheduler, float):
        return
    if isinstance(scheduler, Scheduler):
        raise TypeError(f"{example}; got the shim's own schedule {scheduler!r}, which "
                        "goes to train_scheduled")
    if not callable(scheduler):
        raise TypeError(f"{example}; got {scheduler!r}")
    try:
        first = scheduler(jnp.asarray(0, dtype=jnp.int32))
        first = float(first)
    except Exception as error:  # noqa: BLE001  (anything a wrong callable may raise)
        raise TypeError(f"{example}; got {scheduler!r}, which failed when called with "
                        f"the update count 0 ({type(error).__name__}: {error})") from None
    if not math.isfinite(first) or first < 0:
        raise ValueError(f"the first rate of the schedule {scheduler!r} must be a finite "
                         f"number >= 0, got {first!r}")


export(JaxBackend(), globals())
