"""The one random generator that every backend draws from.

Each framework has its own random number generator, so the same seed gives
different numbers in MXNet, PyTorch, TensorFlow and JAX. The shim draws random
numbers in NumPy instead, from one :class:`numpy.random.Generator` that is
seeded with 0 when the package is imported, and converts them to the
backend's tensors afterwards: the same calls give the same numbers in every
backend. :func:`seed` starts the sequence again from another seed.
"""

import numpy as np

from d2l_shim.checks import check_int

_generator = np.random.default_rng(0)


def seed(s=0):
    """Reseed the shared generator, so the following draws repeat for the same ``s``.

    ``s`` is a non-negative integer.
    """
    global _generator
    _generator = np.random.default_rng(check_int("seed", s, 0))


def normal(mean, std, shape):
    """Draw a float32 NumPy array of the given ``shape`` from N(``mean``, ``std``\\ :sup:`2`)."""
    return _generator.normal(mean, std, shape).astype(np.float32)
