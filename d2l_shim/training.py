"""Linear regression on the airfoil data: the training loop shared by all backends.

A backend supplies only the model and one training step (see
:class:`~d2l_shim.backend.Backend`); the loop, the loss record, the figure,
the timing and the checks are here. Every training run first restarts its
data iterator (see :mod:`d2l_shim.data`), so runs on the same iterator start
from the same weights and see the same epoch orders.
"""

import numpy as np

from d2l_shim.arrays import to_numpy
from d2l_shim.checks import check_hyperparams, check_int, check_keywords, check_states
from d2l_shim.data import DataIter
from d2l_shim.plotting import Animator
from d2l_shim.timer import Timer

#: The loss over the whole data set is recorded every this many examples.
RECORD_EVERY = 200


def evaluate_loss(net, data_iter, loss):
    """Return the mean of ``loss(net(X), y)`` over all examples of ``data_iter``, as a float."""
    total, count = 0.0, 0
    for X, y in data_iter:
        values = to_numpy(loss(net(X), y))
        total += float(values.sum(dtype=np.float64))
        count += values.size
    return total / count


def train_ch11(backend, trainer_fn, states, hyperparams, data_iter,
               feature_dim, num_epochs=2):
    """Train linear regression from scratch with ``trainer_fn``; return ``(times, losses)``.

    The weights start from N(0, 0.01\\ :sup:`2`) draws fixed by the data
    iterator's seed, the bias at 0, and the loss is half the squared error.
    ``trainer_fn(params, states, hyperparams)`` (MXNet, PyTorch) or
    ``trainer_fn(params, grads, states, hyperparams)`` (TensorFlow) updates
    ``params = [w, b]`` in place; in JAX, where nothing is updated in place,
    ``trainer_fn(params, grads, states, hyperparams)`` is a pure function that
    returns the pair ``(params, states)`` of new parameters and new states,
    which the shim keeps for the next step and puts into the list ``states``
    (so that, as in the other frameworks, it holds the final states after
    training; a result that is not such a pair is refused with a TypeError
    that says what to return). ``states`` is None or holds one
    state per parameter and ``hyperparams`` is passed on unchanged (see
    :func:`~d2l_shim.checks.check_hyperparams`: a learning rate must be a
    positive finite number, decay rates such as ``'momentum'``, ``'gamma'``,
    ``'rho'``, ``'beta1'`` and ``'beta2'`` lie in [0, 1), and ``'eps'`` be
    finite and >= 0, when present).

    Every 200 examples, and at the end, the loss over the whole data set is
    recorded and plotted against epochs. Prints the final loss and the
    training time per epoch; returns the cumulative training times (seconds,
    evaluation excluded) at the recorded points and the recorded losses.
    """
    check_hyperparams(hyperparams)
    check_states(states, 2)
    if not callable(trainer_fn):
        raise TypeError(f"trainer_fn must be a function, got {trainer_fn!r}")
    w0 = _start_run(data_iter, feature_dim, num_epochs)
    net, step = backend.scratch_model(trainer_fn, states, hyperparams, w0)
    return _fit(net, step, backend.squared_loss, data_iter, num_epochs)


def train_concise_ch11(backend, trainer, hyperparams, data_iter, num_epochs=2):
    """Train linear regression with the framework's own layer and optimizer; return ``(times, losses)``.

    ``trainer`` is an optimizer name for Gluon (``'sgd'``, ``'adagrad'``,
    ``'rmsprop'``, ``'adadelta'``, ``'adam'``, ...), an optimizer class for
    PyTorch (``torch.optim.SGD``, ``torch.optim.Adagrad``, ...) or Keras
    (``tf.keras.optimizers.SGD``, ``tf.keras.optimizers.RMSprop``, ...), or
    an optax optimizer factory for JAX (``optax.sgd``, ``optax.adagrad``,
    ...), and ``hyperparams`` its keyword arguments, by the framework's names
    (optax's decay rates ``'b1'``, ``'b2'`` and ``'decay'`` must lie in
    [0, 1) as well, and its required ``'learning_rate'`` be given). Before
    the optimizer is built, a wrong optimizer or a keyword it does not take
    is refused with a message that lists what is accepted, and learning
    rates, decay rates and epsilon are checked as in :func:`train_ch11`.
    The initial weights, the loss, the data order, the record, the figure and
    the result are those of :func:`train_ch11` on the same ``data_iter``.
    """
    check_hyperparams(hyperparams)
    w0 = _start_run(data_iter, None, num_epochs)
    label, keywords = backend.optimizer_keywords(trainer)
    check_keywords(hyperparams, keywords, label)
    net, step = backend.concise_model(trainer, hyperparams, w0)
    return _fit(net, step, backend.squared_loss, data_iter, num_epochs)


def _start_run(data_iter, feature_dim, num_epochs):
    """Check the run's arguments, restart ``data_iter`` and return the initial weights.

    ``feature_dim`` None means: take it from the data.
    """
    if not isinstance(data_iter, DataIter):
        raise TypeError("data_iter must be the iterator returned by "
                        f"get_data_ch11, got {type(data_iter).__name__}")
    check_int("num_epochs", num_epochs, 1)
    data_dim = data_iter.features.shape[1]
    if feature_dim is not None and feature_dim != data_dim:
        raise ValueError(f"feature_dim must be {data_dim}, the number of "
                         f"features in data_iter, got {feature_dim!r}")
    data_iter.restart()
    return data_iter.initial_weights((data_dim, 1))


def _fit(net, step, loss, data_iter, num_epochs):
    """Run ``step`` over ``num_epochs`` epochs, record and plot the loss, and report."""
    animator = Animator(xlabel='epoch', ylabel='loss',
                        xlim=[0, num_epochs], ylim=[0.22, 0.35])
    everything = data_iter.whole()
    losses = []

    def record(n):
        losses.append(evaluate_loss(net, everything, loss))
        animator.add(n / data_iter.num_examples, losses[-1])

    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % RECORD_EVERY == 0:
                timer.stop()
                record(n)
                timer.start()
    timer.stop()
    if n % RECORD_EVERY:
        record(n)
    print(f'loss: {losses[-1]:.3f}, {timer.sum() / num_epochs:.3f} sec/epoch')
    animator.show()
    return timer.cumsum()[:len(losses)], losses
