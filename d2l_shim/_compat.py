"""NumPy compatibility for MXNet 1.9.1.

MXNet 1.9.1 is the framework's last release. It still refers to the aliases
``numpy.bool``, ``numpy.int``, ``numpy.float``, ``numpy.complex``,
``numpy.object`` and ``numpy.str``, which NumPy deprecated in 1.20 and removed
in 1.24, so ``import mxnet`` fails on NumPy 1.26. :func:`restore_numpy_aliases`
puts the aliases back (as the Python builtins they always stood for) and is
the only place in the package that touches NumPy's namespace.
:mod:`d2l_shim.mxnet` calls it right before ``import mxnet``; the other
backends never call it.
"""

import builtins

import numpy

_REMOVED_ALIASES = ("bool", "int", "float", "complex", "object", "str")


def restore_numpy_aliases():
    """Define NumPy's removed builtin-type aliases that are missing.

    Aliases that exist already are left alone. The presence test looks in
    ``numpy.__dict__`` rather than using :func:`hasattr`, because NumPy's module
    ``__getattr__`` warns about the removed names.
    """
    for name in _REMOVED_ALIASES:
        if name not in numpy.__dict__:
            setattr(numpy, name, getattr(builtins, name))
