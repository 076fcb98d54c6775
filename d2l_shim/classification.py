"""Handwritten digits and a small classifier: the data and the training loops of learning-rate scheduling.

The data are scikit-learn's 1797 handwritten digits (8 x 8 images, 10
classes), which ship inside the package, so nothing is downloaded. The pixel
values (0 to 16) are scaled to [0, 1], and the examples are split once, by a
fixed seed, into 1437 for training and 360 for testing.

The network is a multilayer perceptron with one hidden layer of ReLU units,
trained by minibatch SGD on the softmax cross-entropy. As in
:mod:`d2l_shim.data`, the data iterator owns a seed: every run restarts it,
so it sees the same sequence of epoch orders, and draws its initial weights
from the iterator's second generator, so every backend and every run start
from the same network. A backend supplies only the network and one step
(:meth:`~d2l_shim.backend.Backend.mlp_scratch`,
:meth:`~d2l_shim.backend.Backend.mlp_concise`); the loop, the evaluation
(in NumPy, float64), the record and the figure are here.
"""

import numbers
from collections import namedtuple

import numpy as np

from d2l_shim.arrays import to_numpy
from d2l_shim.checks import check_int
from d2l_shim.data import DataIter
from d2l_shim.plotting import Animator
from d2l_shim.schedulers import Constant, Scheduler, check_lr

#: Examples of the digits data set, and how many of them are kept for testing.
DIGITS_ROWS, DIGITS_TEST = 1797, 360
#: Inputs (8 x 8 pixels) and classes of the digits.
NUM_INPUTS, NUM_CLASSES = 64, 10
#: The seed of the one train/test split.
SPLIT_SEED = 2024

#: What a training run returns: the learning rate of every update and, per
#: epoch, the loss over the whole training set, the test loss and the test accuracy.
History = namedtuple("History", ["lrs", "train_loss", "test_loss", "test_acc"])


def load_digits_split():
    """Return ``(X_train, y_train, X_test, y_test)``: the scaled digits, split by :data:`SPLIT_SEED`.

    Features are float32 in [0, 1], labels int64; the split is the same on
    every call and every machine.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    features = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    test, train = order[:DIGITS_TEST], order[DIGITS_TEST:]
    return (np.ascontiguousarray(features[train]), labels[train],
            np.ascontiguousarray(features[test]), labels[test])


def get_data_digits(backend, batch_size=64, seed=0):
    """Return ``(train_iter, test_iter)`` over the digits, as the backend's tensors.

    ``train_iter`` is a :class:`~d2l_shim.data.DataIter` of the 1437 training
    examples in minibatches of ``batch_size``, shuffled from ``seed``;
    ``test_iter`` holds the 360 test examples. ``batch_size`` must be at least
    1 and ``seed`` a non-negative integer.
    """
    batch_size = check_int("batch_size", batch_size, 1)
    seed = check_int("seed", seed, 0)
    X_train, y_train, X_test, y_test = load_digits_split()
    train_iter = DataIter(X_train, y_train, batch_size, seed, backend.from_numpy)
    test_iter = DataIter(X_test, y_test, len(y_test), seed, backend.from_numpy)
    return train_iter, test_iter


def initial_params(data_iter, num_hiddens):
    """The float32 initial ``[W1, b1, W2, b2]`` of the network, fixed by the iterator's seed.

    The weights are normal with the variance 2 / fan-in (He initialization,
    suited to ReLU units), ``W1`` of shape (64, ``num_hiddens``) and ``W2``
    of shape (``num_hiddens``, 10); the biases are 0.
    """
    sizes = [(NUM_INPUTS, num_hiddens), (num_hiddens, NUM_CLASSES)]
    draws = data_iter.initial_weights((sum(a * b for a, b in sizes),), std=1.0)
    params, start = [], 0
    for fan_in, fan_out in sizes:
        weights = draws[start:start + fan_in * fan_out].reshape(fan_in, fan_out)
        params += [(weights * np.sqrt(2.0 / fan_in)).astype(np.float32),
                   np.zeros(fan_out, dtype=np.float32)]
        start += fan_in * fan_out
    return params


def evaluate(net, data_iter):
    """Return the mean cross-entropy and the accuracy of ``net`` on all of ``data_iter``, as floats.

    The softmax and the loss are computed in NumPy (float64) from the
    network's outputs, the same way for every backend.
    """
    [(X, y)] = data_iter.whole()
    logits = to_numpy(net(X)).astype(np.float64)
    labels = to_numpy(y).astype(np.int64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(labels)), labels].mean()
    return float(loss), float((logits.argmax(axis=1) == labels).mean())


def train_scheduled(backend, scheduler, train_iter, test_iter, num_epochs=10, num_hiddens=64):
    """Train the network from scratch by minibatch SGD at the rates of ``scheduler``; return a :class:`History`.

    ``scheduler`` is a positive number (a constant rate) or a schedule of
    :mod:`d2l_shim.schedulers`: update ``k`` (counted from 0) uses the rate
    ``scheduler(k)``. The network starts from :func:`initial_params` and the
    iterator is restarted, so every run sees the same minibatches. After every
    epoch the loss over the whole training set, the test loss and the test
    accuracy are recorded and plotted; at the end they are printed.
    """
    if isinstance(scheduler, numbers.Real):
        scheduler = Constant(check_lr("scheduler", scheduler))
    elif not isinstance(scheduler, Scheduler):
        raise TypeError("scheduler must be a constant rate or a schedule of d2l_shim.schedulers "
                        "such as d2l.make_scheduler('cosine', 0.5, num_steps=450); a framework's "
                        f"own scheduler goes to train_scheduled_concise. Got {scheduler!r}")
    params = _start_run(train_iter, test_iter, num_epochs, num_hiddens)
    scheduler.check_run(num_epochs * len(train_iter))
    net, step = backend.mlp_scratch(params)
    updates = 0

    def scratch_step(X, y):
        nonlocal updates
        lr = scheduler(updates)
        step(X, y, lr)
        updates += 1
        return lr

    return _fit(net, scratch_step, train_iter, test_iter, num_epochs)


def train_scheduled_concise(backend, scheduler, train_iter, test_iter, num_epochs=10,
                            num_hiddens=64, lr=None):
    """Train the network with the framework's own layers, SGD and learning-rate scheduler.

    ``scheduler`` is the framework's own schedule: an
    ``mxnet.lr_scheduler.LRScheduler`` (Gluon's SGD then takes its rate from
    it), a ``tf.keras.optimizers.schedules.LearningRateSchedule`` (given to
    Keras's SGD as its ``learning_rate``), an optax schedule, a function of
    the update count such as ``optax.cosine_decay_schedule(0.5, 900)``
    (given to ``optax.sgd`` as its ``learning_rate``), or, for PyTorch, a
    function that takes the ``torch.optim.SGD`` optimizer and returns a
    ``torch.optim.lr_scheduler`` scheduler, with the optimizer's rate ``lr``;
    the shim calls ``scheduler.step()`` after every update. Only PyTorch
    takes ``lr``: the other frameworks' schedules hold the rate themselves.
    A schedule of :mod:`d2l_shim.schedulers` goes to :func:`train_scheduled`
    and is refused here. A plain positive number is a constant rate in every
    framework. Everything else is as in
    :func:`train_scheduled`, whose record this returns.
    """
    params = _start_run(train_iter, test_iter, num_epochs, num_hiddens)
    if isinstance(scheduler, numbers.Real):
        if lr is not None:
            raise TypeError("lr is only for a PyTorch scheduler; a number as the scheduler "
                            f"is already the constant rate, got lr={lr!r} as well")
        scheduler = check_lr("scheduler", scheduler)
    elif lr is not None:
        lr = check_lr("lr", lr)
    net, step = backend.mlp_concise(params, scheduler, lr)
    return _fit(net, step, train_iter, test_iter, num_epochs)


def _start_run(train_iter, test_iter, num_epochs, num_hiddens):
    """Check the arguments of a run, restart the iterator and return the initial parameters."""
    for name, value in (("train_iter", train_iter), ("test_iter", test_iter)):
        if not isinstance(value, DataIter) or value.features.shape[1:] != (NUM_INPUTS,):
            raise TypeError(f"{name} must be an iterator returned by get_data_digits, "
                            f"got {type(value).__name__}")
    check_int("num_epochs", num_epochs, 1)
    num_hiddens = check_int("num_hiddens", num_hiddens, 1)
    train_iter.restart()
    return initial_params(train_iter, num_hiddens)


def _fit(net, step, train_iter, test_iter, num_epochs):
    """Run ``step`` (which returns the rate it used) over the epochs; record, plot and report."""
    animator = Animator(xlabel='epoch', xlim=[1, num_epochs], ylim=[0, 1.2],
                        legend=['train loss', 'test loss', 'test acc'])
    history = History([], [], [], [])
    for epoch in range(num_epochs):
        for X, y in train_iter:
            history.lrs.append(float(step(X, y)))
        train_loss, _ = evaluate(net, train_iter)
        test_loss, test_acc = evaluate(net, test_iter)
        history.train_loss.append(train_loss)
        history.test_loss.append(test_loss)
        history.test_acc.append(test_acc)
        animator.add(epoch + 1, (train_loss, test_loss, test_acc))
    print(f'train loss {train_loss:.3f}, test loss {test_loss:.3f}, '
          f'test acc {test_acc:.3f}')
    animator.show()
    return history
