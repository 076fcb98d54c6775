"""Backend-free conversion of tensors to NumPy.

The plotting code, the 2-D experiments and the data-set loss all need plain
NumPy values whatever framework produced them. :func:`to_numpy` recognises the
frameworks' tensors by the method each one offers (JAX's arrays by NumPy's
own array protocol), so this module imports no framework.
"""

import numpy as np


def to_numpy(x):
    """Return ``x`` as a NumPy array.

    Accepts an MXNet ``np.ndarray`` (via ``asnumpy``), a PyTorch tensor (via
    ``detach``), a TensorFlow tensor or variable (via ``numpy``), a JAX array
    (via :func:`numpy.asarray`), a NumPy array, a Python number or a (nested)
    list of any of these.
    """
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        return x.numpy()
    if isinstance(x, (list, tuple)):
        return np.asarray([to_numpy(item) for item in x])
    return np.asarray(x)


def scalar(x):
    """Return the single number held by ``x`` as a Python ``float``.

    ``x`` may be a Python number or a one-element array or tensor of any
    backend; anything holding more or fewer than one number is refused.
    """
    values = to_numpy(x)
    if values.size != 1:
        raise ValueError(
            f"expected a single number, got an array of shape {values.shape}")
    return float(values.reshape(-1)[0])
