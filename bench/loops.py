"""The Momentum chapter's training runs, written twice per framework.

For each framework there is

* a momentum trainer in the shim's calling convention, with the arithmetic of the
  Momentum chapter's ``sgd_momentum``, for :func:`d2l.train_ch11`, and
* a minimal hand-written loop doing the same arithmetic on the same minibatches: the same
  standardized airfoil examples, initial weights and epoch orders (seeded as
  ``d2l_shim.data`` seeds them), batches converted from NumPy one by one, forward pass,
  half squared error, backward pass and momentum update, with no evaluation and no plot.

A hand-written loop returns its training time and the loss over the whole data set after
training (computed after the clock stops), so that the benchmark can check that it really
did the shim's arithmetic.
"""

from __future__ import annotations

import time

import numpy as np


def epoch_orders(seed: int) -> np.random.Generator:
    """The generator of the epochs' example orders, seeded as ``d2l_shim.data.DataIter`` seeds it."""
    return np.random.default_rng([seed, 0])


def _batches(orders, n, batch_size):
    """The index arrays of one epoch's minibatches, in the next order of ``orders``."""
    permutation = orders.permutation(n)
    for start in range(0, n, batch_size):
        yield permutation[start:start + batch_size]


# PyTorch --------------------------------------------------------------------------------

def torch_trainer(d2l):
    """The momentum trainer and its zero states, for the PyTorch shim ``d2l``."""
    import torch

    def sgd_momentum(params, states, hyperparams):
        """Update each velocity, then its parameter (the shim clears the gradients)."""
        with torch.no_grad():
            for p, v in zip(params, states):
                v.mul_(hyperparams['momentum']).add_(p.grad)
                p.sub_(hyperparams['lr'] * v)

    return sgd_momentum, lambda dim: (d2l.zeros((dim, 1)), d2l.zeros(1))


def torch_loop(features, labels, w0, lr, beta, num_epochs, batch_size, seed):
    """Momentum SGD on linear regression by hand in PyTorch; return (seconds, final loss)."""
    import torch

    w = torch.tensor(w0, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    v_w, v_b = torch.zeros(w0.shape), torch.zeros(1)
    orders, n = epoch_orders(seed), len(labels)
    start = time.perf_counter()
    for _ in range(num_epochs):
        for batch in _batches(orders, n, batch_size):
            X, y = torch.from_numpy(features[batch]), torch.from_numpy(labels[batch])
            loss = ((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).mean()
            loss.backward()
            with torch.no_grad():
                v_w.mul_(beta).add_(w.grad)
                w.sub_(lr * v_w)
                v_b.mul_(beta).add_(b.grad)
                b.sub_(lr * v_b)
            w.grad = b.grad = None
    seconds = time.perf_counter() - start
    with torch.no_grad():
        X, y = torch.from_numpy(features), torch.from_numpy(labels)
        final = float(((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).mean())
    return seconds, final


# TensorFlow -----------------------------------------------------------------------------

def tensorflow_trainer(d2l):
    """The momentum trainer and its zero states, for the TensorFlow shim ``d2l``."""
    import tensorflow as tf

    def sgd_momentum(params, grads, states, hyperparams):
        """Update each velocity, then its parameter."""
        for p, g, v in zip(params, grads, states):
            v.assign(hyperparams['momentum'] * v + g)
            p.assign_sub(hyperparams['lr'] * v)

    return sgd_momentum, lambda dim: (tf.Variable(d2l.zeros((dim, 1))), tf.Variable(d2l.zeros(1)))


def tensorflow_loop(features, labels, w0, lr, beta, num_epochs, batch_size, seed):
    """Momentum SGD on linear regression by hand in TensorFlow; return (seconds, final loss)."""
    import tensorflow as tf

    w, b = tf.Variable(w0), tf.Variable(tf.zeros(1))
    v_w, v_b = tf.Variable(tf.zeros(w0.shape)), tf.Variable(tf.zeros(1))
    orders, n = epoch_orders(seed), len(labels)
    start = time.perf_counter()
    for _ in range(num_epochs):
        for batch in _batches(orders, n, batch_size):
            X, y = tf.constant(features[batch]), tf.constant(labels[batch])
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((tf.matmul(X, w) + b - tf.reshape(y, (-1, 1))) ** 2 / 2)
            g_w, g_b = tape.gradient(loss, [w, b])
            v_w.assign(beta * v_w + g_w)
            w.assign_sub(lr * v_w)
            v_b.assign(beta * v_b + g_b)
            b.assign_sub(lr * v_b)
    seconds = time.perf_counter() - start
    X, y = tf.constant(features), tf.constant(labels)
    final = float(tf.reduce_mean((tf.matmul(X, w) + b - tf.reshape(y, (-1, 1))) ** 2 / 2))
    return seconds, final


# MXNet ----------------------------------------------------------------------------------

def mxnet_trainer(d2l):
    """The momentum trainer and its zero states, for the MXNet shim ``d2l``."""

    def sgd_momentum(params, states, hyperparams):
        """Update each velocity, then its parameter."""
        for p, v in zip(params, states):
            v[:] = hyperparams['momentum'] * v + p.grad
            p[:] = p - hyperparams['lr'] * v

    return sgd_momentum, lambda dim: (d2l.zeros((dim, 1)), d2l.zeros(1))


def mxnet_loop(features, labels, w0, lr, beta, num_epochs, batch_size, seed):
    """Momentum SGD on linear regression by hand in MXNet; return (seconds, final loss).

    MXNet runs operations asynchronously, so the clock stops only after all of them finished.
    """
    from mxnet import autograd, np as mnp, npx  # the shim, imported first, made MXNet importable

    w, b = mnp.array(w0, dtype=w0.dtype), mnp.zeros(1)
    w.attach_grad()
    b.attach_grad()
    v_w, v_b = mnp.zeros(w0.shape), mnp.zeros(1)
    orders, n = epoch_orders(seed), len(labels)
    start = time.perf_counter()
    for _ in range(num_epochs):
        for batch in _batches(orders, n, batch_size):
            X = mnp.array(features[batch], dtype=features.dtype)
            y = mnp.array(labels[batch], dtype=labels.dtype)
            with autograd.record():
                loss = ((mnp.dot(X, w) + b - y.reshape(-1, 1)) ** 2 / 2).mean()
            loss.backward()
            v_w[:] = beta * v_w + w.grad
            w[:] = w - lr * v_w
            v_b[:] = beta * v_b + b.grad
            b[:] = b - lr * v_b
    npx.waitall()
    seconds = time.perf_counter() - start
    X, y = mnp.array(features, dtype=features.dtype), mnp.array(labels, dtype=labels.dtype)
    final = float(((mnp.dot(X, w) + b - y.reshape(-1, 1)) ** 2 / 2).mean())
    return seconds, final


# JAX ------------------------------------------------------------------------------------

def jax_trainer(d2l):
    """The momentum trainer and its zero states, for the JAX shim ``d2l`` (pure: returns new values)."""

    def sgd_momentum(params, grads, states, hyperparams):
        """New velocities from the gradients, then new parameters from the velocities."""
        states = [hyperparams['momentum'] * v + g for v, g in zip(states, grads)]
        return [p - hyperparams['lr'] * v for p, v in zip(params, states)], states

    return sgd_momentum, lambda dim: (d2l.zeros((dim, 1)), d2l.zeros(1))


def jax_loop(features, labels, w0, lr, beta, num_epochs, batch_size, seed):
    """Momentum SGD on linear regression by hand in JAX; return (seconds, final loss).

    The step is compiled once; JAX dispatches asynchronously, so the clock stops only after
    the last parameters are ready.
    """
    import jax
    import jax.numpy as jnp

    def loss(params, X, y):
        w, b = params
        return ((X @ w + b - y.reshape(-1, 1)) ** 2 / 2).mean()

    @jax.jit
    def step(params, velocities, X, y):
        grads = jax.grad(loss)(params, X, y)
        velocities = [beta * v + g for v, g in zip(velocities, grads)]
        return [p - lr * v for p, v in zip(params, velocities)], velocities

    params = [jnp.asarray(w0), jnp.zeros(1)]
    velocities = [jnp.zeros(w0.shape), jnp.zeros(1)]
    orders, n = epoch_orders(seed), len(labels)
    start = time.perf_counter()
    for _ in range(num_epochs):
        for batch in _batches(orders, n, batch_size):
            params, velocities = step(params, velocities, jnp.asarray(features[batch]),
                                      jnp.asarray(labels[batch]))
    jax.block_until_ready(params)
    seconds = time.perf_counter() - start
    final = float(loss(params, jnp.asarray(features), jnp.asarray(labels)))
    return seconds, final


#: framework -> (shim module, trainer factory, hand-written loop)
FRAMEWORK_LOOPS = {
    "mxnet": ("d2l_shim.mxnet", mxnet_trainer, mxnet_loop),
    "pytorch": ("d2l_shim.torch", torch_trainer, torch_loop),
    "tensorflow": ("d2l_shim.tensorflow", tensorflow_trainer, tensorflow_loop),
    "jax": ("d2l_shim.jax", jax_trainer, jax_loop),
}
