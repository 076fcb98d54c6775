"""The backend interface and the public API every backend module exports.

A backend module (:mod:`d2l_shim.mxnet`, :mod:`d2l_shim.torch`,
:mod:`d2l_shim.tensorflow`, :mod:`d2l_shim.jax`) defines a subclass of
:class:`Backend` with what truly differs between frameworks: converting NumPy arrays to tensors,
``reshape``, ``matmul``, and one step of training with the framework's
autograd, from scratch or with its own layer and optimizer. Everything else
is written once and shared: tensor helpers draw their values in NumPy (so all
backends get the same numbers), and :func:`export` binds the shared functions
to the backend and fills the module's namespace with the API of *Dive into
Deep Learning*'s library.
"""

import abc
import functools
import inspect

import numpy as np

from d2l_shim import classification, data, explore, plotting, rng, schedulers, training, twod
from d2l_shim.arrays import to_numpy
from d2l_shim.timer import Timer


class Backend(abc.ABC):
    """The operations the shared code needs from a framework.

    Subclasses implement the abstract methods; the other methods are built
    on them.
    """

    #: The framework's float32 data type.
    float32 = None

    @abc.abstractmethod
    def from_numpy(self, array):
        """Return a NumPy array as a tensor with the same values and data type."""

    @abc.abstractmethod
    def reshape(self, x, shape):
        """Return tensor ``x`` with the given ``shape``."""

    @abc.abstractmethod
    def matmul(self, a, b):
        """Return the matrix product of tensors ``a`` and ``b``."""

    @abc.abstractmethod
    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        """Set up linear regression from scratch for :func:`~d2l_shim.training.train_ch11`.

        The weights start at the NumPy array ``w0`` (shape ``(d, 1)``) and the
        bias at 0. Returns ``(net, step)``: ``net(X)`` predicts without
        recording gradients; ``step(X, y)`` computes the gradients of the mean
        :meth:`squared_loss` of the batch and calls ``trainer_fn`` in the
        framework's convention: MXNet's, PyTorch's and TensorFlow's update the
        parameters in place, JAX's returns ``(params, states)``, which replace
        the old ones.
        """

    @abc.abstractmethod
    def optimizer_keywords(self, trainer):
        """Check that ``trainer`` is one of the framework's optimizers; return ``(label, keywords)``.

        ``label`` names the optimizer in messages (such as
        ``"torch.optim.Adagrad"``) and ``keywords`` lists the keyword
        arguments it accepts (see :func:`~d2l_shim.checks.accepted_keywords`).
        A ``trainer`` that is not an optimizer of the framework is refused
        with a message that lists the accepted ones.
        """

    @abc.abstractmethod
    def concise_model(self, trainer, hyperparams, w0):
        """Set up the framework's own linear layer and optimizer ``trainer``.

        Like :meth:`scratch_model`, with the layer's weights set to ``w0`` and
        its bias to 0; ``step(X, y)`` takes one optimizer step on the mean
        :meth:`squared_loss` of the batch.
        """

    def mlp_scratch(self, params):
        """Set up the digit classifier from scratch for :func:`~d2l_shim.classification.train_scheduled`.

        ``params`` are the NumPy arrays ``[W1, b1, W2, b2]`` to start from
        (see :func:`~d2l_shim.classification.initial_params`). Returns
        ``(net, step)``: ``net(X)`` gives the logits ``relu(X W1 + b1) W2 + b2``
        without recording gradients; ``step(X, y, lr)`` takes one SGD step of
        size ``lr`` on the mean softmax cross-entropy of the batch.
        """
        raise NotImplementedError(f"{type(self).__name__} has no digit classifier")

    def mlp_concise(self, params, scheduler, lr):
        """Set up the digit classifier with the framework's layers, SGD and ``scheduler``.

        Like :meth:`mlp_scratch`, with the layers' weights set to ``params``;
        ``step(X, y)`` takes one optimizer step and returns the learning rate
        it used. ``scheduler`` and ``lr`` are described in
        :func:`~d2l_shim.classification.train_scheduled_concise`; a scheduler
        of another framework is refused with a message naming the accepted ones.
        """
        raise NotImplementedError(f"{type(self).__name__} has no digit classifier")

    def tensor(self, data):
        """Return ``data`` (numbers, nested lists, arrays or tensors) as a tensor.

        Floating-point values become float32 in every backend, and integers
        int64, except in JAX, which keeps 64-bit types off by default and
        makes them int32.
        """
        values = to_numpy(data)
        if values.dtype.kind == "f":
            values = values.astype(np.float32)
        elif values.dtype.kind in "iu":
            values = values.astype(np.int64)
        return self.from_numpy(values)

    def arange(self, start, stop=None, step=1):
        """Return evenly spaced values in [``start``, ``stop``) like :func:`numpy.arange`.

        With integer arguments the result is int64 (int32 in JAX, see
        :meth:`tensor`), otherwise float32. The values are computed by NumPy,
        so they are the same in every backend.
        """
        return self.tensor(np.arange(start, stop, step))

    def zeros(self, shape):
        """Return a float32 tensor of zeros of the given ``shape`` (an int or a tuple)."""
        return self.from_numpy(np.zeros(shape, dtype=np.float32))

    def ones(self, shape):
        """Return a float32 tensor of ones of the given ``shape`` (an int or a tuple)."""
        return self.from_numpy(np.ones(shape, dtype=np.float32))

    def normal(self, mean, std, shape):
        """Return a float32 tensor of the given ``shape`` drawn from N(``mean``, ``std``\\ :sup:`2`).

        The numbers come from the shim's shared generator (see
        :mod:`d2l_shim.rng`), so every backend draws the same ones.
        """
        return self.from_numpy(rng.normal(mean, std, shape))

    def linreg(self, X, w, b):
        """Return the linear regression model ``X w + b``."""
        return self.matmul(X, w) + b

    def squared_loss(self, y_hat, y):
        """Return half the squared error per example, ``(y_hat - y)**2 / 2``, with ``y`` reshaped like ``y_hat``."""
        return (y_hat - self.reshape(y, y_hat.shape)) ** 2 / 2


#: Names whose value is the same in every backend.
SHARED_API = {
    "plt": plotting.plt,
    "use_svg_display": plotting.use_svg_display,
    "set_figsize": plotting.set_figsize,
    "set_axes": plotting.set_axes,
    "plot": plotting.plot,
    "numpy": to_numpy,
    "seed": rng.seed,
    "train_2d": twod.train_2d,
    "show_trace_2d": twod.show_trace_2d,
    "evaluate_loss": training.evaluate_loss,
    "explore_momentum": explore.explore_momentum,
    "make_scheduler": schedulers.make_scheduler,
}

#: Classes that are the same in every backend.
SHARED_CLASSES = {"Animator": plotting.Animator, "Timer": Timer,
                  **{cls.__name__: cls for cls in (
                      schedulers.Constant, schedulers.SquareRoot, schedulers.Factor,
                      schedulers.MultiFactor, schedulers.Cosine, schedulers.Warmup)}}

#: Backend methods exported as module functions.
BACKEND_METHODS = ("tensor", "arange", "zeros", "ones", "normal", "reshape",
                   "matmul", "linreg", "squared_loss")

#: Shared functions whose first argument is the backend.
BACKEND_FUNCTIONS = (data.get_data_ch11, training.train_ch11,
                     training.train_concise_ch11, classification.get_data_digits,
                     classification.train_scheduled, classification.train_scheduled_concise)


def _bind(function, backend, module_name):
    """Return ``function`` with its first argument fixed to ``backend``, documented as part of ``module_name``."""
    @functools.wraps(function)
    def bound(*args, **kwargs):
        return function(backend, *args, **kwargs)
    signature = inspect.signature(function)
    bound.__signature__ = signature.replace(
        parameters=list(signature.parameters.values())[1:])
    bound.__doc__ = inspect.getdoc(function)
    bound.__module__ = module_name
    bound.__qualname__ = function.__name__
    del bound.__wrapped__
    return bound


def export(backend, namespace):
    """Put the public API, bound to ``backend``, into a module's ``namespace`` and set its ``__all__``.

    ``__all__`` leaves out the shared classes: Sphinx autodoc documents a
    class listed there under its home module's name, so four backend
    modules listing ``Animator`` would describe
    ``d2l_shim.plotting.Animator`` four times.
    """
    module_name = namespace["__name__"]
    api = dict(SHARED_API, float32=backend.float32)
    for name in BACKEND_METHODS:
        api[name] = _bind(getattr(type(backend), name), backend, module_name)
    for function in BACKEND_FUNCTIONS:
        api[function.__name__] = _bind(function, backend, module_name)
    namespace.update(api, **SHARED_CLASSES)
    namespace["__all__"] = sorted(api)
