"""The TensorFlow backend: ``from d2l_shim import tensorflow as d2l``.

Tensors are TensorFlow tensors; parameters are ``tf.Variable``. Trainers
written from scratch take ``(params, grads, states, hyperparams)`` and update
the variables with ``assign``. :func:`train_concise_ch11` takes a Keras
optimizer class such as ``tf.keras.optimizers.SGD`` or
``tf.keras.optimizers.RMSprop``.
"""

import tensorflow as tf

from d2l_shim.backend import Backend, export
from d2l_shim.checks import accepted_keywords, did_you_mean

def _optimizer_names():
    """The optimizer classes of ``tf.keras.optimizers``, by name, sorted."""
    return sorted(
        name for name in dir(tf.keras.optimizers)
        if isinstance(getattr(tf.keras.optimizers, name), type)
        and issubclass(getattr(tf.keras.optimizers, name), tf.keras.optimizers.Optimizer)
        and name != "Optimizer")


class TensorFlowBackend(Backend):
    """TensorFlow's tensors, ``GradientTape``, Keras ``Dense`` and Keras optimizers."""

    float32 = tf.float32

    def from_numpy(self, array):
        return tf.constant(array)

    def reshape(self, x, shape):
        return tf.reshape(x, shape)

    def matmul(self, a, b):
        return tf.matmul(a, b)

    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        w = tf.Variable(w0)
        b = tf.Variable(tf.zeros(1))

        def step(X, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(self.squared_loss(self.linreg(X, w, b), y))
            grads = tape.gradient(loss, [w, b])
            trainer_fn([w, b], grads, states, hyperparams)

        return (lambda X: self.linreg(X, w, b)), step

    def optimizer_keywords(self, trainer):
        if not (isinstance(trainer, type)
                and issubclass(trainer, tf.keras.optimizers.Optimizer)):
            names = ['tf.keras.optimizers.' + name for name in _optimizer_names()]
            raise TypeError(
                "trainer must be a Keras optimizer class such as tf.keras.optimizers.SGD, "
                f"got {trainer!r}{did_you_mean(trainer, names, str)}; "
                f"accepted: {', '.join(names)}")
        return f"tf.keras.optimizers.{trainer.__name__}", accepted_keywords(trainer)

    def concise_model(self, trainer, hyperparams, w0):
        layer = tf.keras.layers.Dense(1, kernel_initializer="zeros",
                                      bias_initializer="zeros")
        layer.build((None, w0.shape[0]))
        layer.kernel.assign(w0)
        optimizer = trainer(**hyperparams)

        def step(X, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(self.squared_loss(layer(X), y))
            grads = tape.gradient(loss, layer.trainable_variables)
            optimizer.apply_gradients(zip(grads, layer.trainable_variables))

        return layer, step

    def mlp_scratch(self, params):
        params = [tf.Variable(p) for p in params]
        W1, b1, W2, b2 = params

        def net(X):
            return tf.nn.relu(X @ W1 + b1) @ W2 + b2

        # One graph for all steps (the rate is a tensor, so a new rate needs no new graph):
        # in eager mode, the overhead of the many small operations would dominate.
        @tf.function(reduce_retracing=True)
        def graph_step(X, y, lr):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=net(X)))
            for p, g in zip(params, tape.gradient(loss, params)):
                p.assign_sub(lr * g)

        def step(X, y, lr):
            graph_step(X, y, tf.constant(lr, dtype=tf.float32))

        return net, step

    def mlp_concise(self, params, scheduler, lr):
        if lr is not None or not isinstance(
                scheduler, (float, tf.keras.optimizers.schedules.LearningRateSchedule)):
            raise TypeError(
                "scheduler must be a constant rate or a Keras schedule such as "
                "tf.keras.optimizers.schedules.CosineDecay(0.5, 900), which holds the "
                f"rate itself (no lr=...); got {scheduler!r}" + (f" and lr={lr!r}" if lr is not None else ""))
        W1, b1, W2, b2 = params
        net = tf.keras.Sequential([tf.keras.layers.Dense(W1.shape[1], activation="relu"),
                                   tf.keras.layers.Dense(W2.shape[1])])
        net.build((None, W1.shape[0]))
        for variable, value in zip(net.trainable_variables, params):
            variable.assign(value)
        optimizer = tf.keras.optimizers.SGD(learning_rate=scheduler)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        @tf.function(reduce_retracing=True)
        def graph_step(X, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, net(X))
            grads = tape.gradient(loss, net.trainable_variables)
            optimizer.apply_gradients(zip(grads, net.trainable_variables))

        def step(X, y):
            used = float(optimizer.learning_rate)
            graph_step(X, y)
            return used

        return net, step


export(TensorFlowBackend(), globals())
