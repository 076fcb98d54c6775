"""One more backend of ``d2l_shim`` whose tensors are NumPy arrays, for the tests only.

It shows what adding a framework takes: this module (a :class:`~d2l_shim.backend.Backend`
and its export, as ``d2l_shim/torch.py`` does for PyTorch) and one registry entry,
:data:`FRAMEWORK`, which :mod:`minibook.extra_framework` registers before a build.
"""

import numpy as np

from bookbuild.frameworks import Framework
from d2l_shim import backend

#: The registry entry of the extra framework (its notebooks' kernels import this module).
FRAMEWORK = Framework("numpy", "NumPy", "minibook.numpy_backend", packages=())


class NumpyBackend(backend.Backend):
    """A backend whose tensors are NumPy arrays (enough to exercise the shared code)."""

    float32 = np.float32

    def from_numpy(self, array):
        return array.copy()

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def matmul(self, a, b):
        return a @ b

    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        params = [w0.astype(np.float64), np.zeros(1)]

        def net(X):
            return X @ params[0] + params[1]

        def step(X, y):
            error = net(X) - y.reshape(-1, 1)
            grads = [X.T @ error / len(y), error.mean(axis=0)]
            trainer_fn(params, grads, states, hyperparams)

        return net, step

    def optimizer_keywords(self, trainer):
        return "numpy", ["lr"]

    def concise_model(self, trainer, hyperparams, w0):
        return None, None


backend.export(NumpyBackend(), globals())
