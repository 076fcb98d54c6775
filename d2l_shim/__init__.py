"""d2l_shim: one API for MXNet, PyTorch, TensorFlow and JAX that draws identical figures.

Pick a framework once::

    from d2l_shim import mxnet as d2l       # or
    from d2l_shim import torch as d2l       # or
    from d2l_shim import tensorflow as d2l  # or
    from d2l_shim import jax as d2l

Each backend module offers the same names, with the calling conventions of
the library of *Dive into Deep Learning*. JAX, which that library lacks,
updates nothing in place: its trainers written from scratch are pure
functions that return the new parameters and states, ``(params, states)``,
and its concise trainers are optax's optimizers and schedules (see
:mod:`d2l_shim.jax`). For the same call, all four draw the same figure: random numbers come from one seeded NumPy generator
(:mod:`d2l_shim.rng`), the data order and initial weights from the data
iterator's seed (:mod:`d2l_shim.data`), and plotting, the 2-D experiments and
the training loop are written once (:mod:`d2l_shim.plotting`,
:mod:`d2l_shim.twod`, :mod:`d2l_shim.training`). Importing this package
imports no framework, and importing one backend imports no other.
"""
