"""The MXNet backend: ``from d2l_shim import mxnet as d2l``.

Importing it restores NumPy's removed type aliases that MXNet 1.9.1 needs
(see :mod:`d2l_shim._compat`), imports MXNet and switches it to its NumPy
interface with ``npx.set_np()``; tensors are ``mxnet.np.ndarray``. Trainers
written from scratch take ``(params, states, hyperparams)`` and read
``p.grad``. :func:`train_concise_ch11` takes a Gluon optimizer name such as
``'sgd'`` or ``'adagrad'``.
"""

from d2l_shim._compat import restore_numpy_aliases

restore_numpy_aliases()

import mxnet as mx  # noqa: E402  (needs the aliases)
from mxnet import autograd, gluon, init, np, npx  # noqa: E402

from d2l_shim.backend import Backend, export  # noqa: E402
from d2l_shim.checks import accepted_keywords, check_choice  # noqa: E402

npx.set_np()


def _optimizer_names():
    """The names of Gluon's optimizers ('test' is MXNet's own test optimizer), sorted."""
    return sorted(set(mx.optimizer.Optimizer.opt_registry) - {"test"})


class MXNetBackend(Backend):
    """MXNet's NumPy interface, autograd, Gluon ``Dense`` and Gluon ``Trainer``."""

    float32 = np.float32

    def from_numpy(self, array):
        return np.array(array, dtype=array.dtype)

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def matmul(self, a, b):
        return np.dot(a, b)

    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        w = np.array(w0)
        b = np.zeros(1)
        w.attach_grad()
        b.attach_grad()

        def step(X, y):
            with autograd.record():
                loss = self.squared_loss(self.linreg(X, w, b), y).mean()
            loss.backward()
            trainer_fn([w, b], states, hyperparams)

        return (lambda X: self.linreg(X, w, b)), step

    def optimizer_keywords(self, trainer):
        if not isinstance(trainer, str):
            raise TypeError("trainer must be the name of a Gluon optimizer "
                            f"such as 'sgd', got {trainer!r}; accepted: "
                            f"{', '.join(map(repr, _optimizer_names()))}")
        # Gluon looks names up in lower case, so 'Adam' is 'adam'.
        check_choice("trainer (a Gluon optimizer name)", trainer.lower(), _optimizer_names(), "sgd")
        optimizer = mx.optimizer.Optimizer.opt_registry[trainer.lower()]
        # gluon.Trainer passes param_dict itself; the other two are for symbolic MXNet.
        keywords = accepted_keywords(optimizer, skip={"param_dict", "param_idx2name", "sym"})
        return f"the Gluon optimizer {trainer!r}", keywords

    def concise_model(self, trainer, hyperparams, w0):
        layer = gluon.nn.Dense(1, in_units=w0.shape[0])
        layer.initialize(init.Zero())
        layer.weight.set_data(np.array(w0.T))
        optimizer = gluon.Trainer(layer.collect_params(), trainer, hyperparams)

        def step(X, y):
            # Gluon differentiates the summed loss; step() divides by the batch size.
            with autograd.record():
                loss = self.squared_loss(layer(X), y)
            loss.backward()
            optimizer.step(X.shape[0])

        return layer, step

    def mlp_scratch(self, params):
        params = [np.array(p) for p in params]
        for p in params:
            p.attach_grad()
        W1, b1, W2, b2 = params

        def net(X):
            return np.dot(npx.relu(np.dot(X, W1) + b1), W2) + b2

        def step(X, y, lr):
            with autograd.record():
                loss = _cross_entropy(net(X), y).mean()
            loss.backward()
            for p in params:
                p[:] = p - lr * p.grad

        return net, step

    def mlp_concise(self, params, scheduler, lr):
        if lr is not None or not isinstance(scheduler, (float, mx.lr_scheduler.LRScheduler)):
            raise TypeError(
                "scheduler must be a constant rate or an MXNet scheduler such as "
                "mx.lr_scheduler.FactorScheduler(step=45, factor=0.5, base_lr=0.5), "
                f"which holds the rate itself (no lr=...); got {scheduler!r}"
                + (f" and lr={lr!r}" if lr is not None else ""))
        W1, b1, W2, b2 = params
        net = gluon.nn.Sequential()
        net.add(gluon.nn.Dense(W1.shape[1], activation="relu", in_units=W1.shape[0]),
                gluon.nn.Dense(W2.shape[1], in_units=W2.shape[0]))
        net.initialize(init.Zero())
        for layer, (W, b) in zip(net, ((W1, b1), (W2, b2))):
            layer.weight.set_data(np.array(W.T))
            layer.bias.set_data(np.array(b))
        options = ({"learning_rate": scheduler} if isinstance(scheduler, float)
                   else {"lr_scheduler": scheduler})
        trainer = gluon.Trainer(net.collect_params(), "sgd", options)
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

        def step(X, y):
            # Gluon differentiates the summed loss; step() divides by the batch size.
            with autograd.record():
                loss = loss_fn(net(X), y)
            loss.backward()
            trainer.step(X.shape[0])
            # MXNet counts updates from 1: after this one, it reads the rate it just used.
            return trainer.learning_rate

        return net, step


def _cross_entropy(logits, y):
    """The softmax cross-entropy of each example, from the logits and the integer labels."""
    return -npx.pick(npx.log_softmax(logits), y)


export(MXNetBackend(), globals())
