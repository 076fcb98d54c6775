"""The PyTorch backend: ``from d2l_shim import torch as d2l``.

Tensors are ``torch.Tensor``. Trainers written from scratch take
``(params, states, hyperparams)``, update the parameters under
``torch.no_grad()`` and may zero ``p.grad`` (the shim clears the gradients
before every batch anyway). :func:`train_concise_ch11` takes an optimizer
class such as ``torch.optim.SGD`` or ``torch.optim.Adagrad``.
"""

import numpy as np
import torch

from d2l_shim.backend import Backend, export
from d2l_shim.checks import accepted_keywords, did_you_mean

def _optimizer_names():
    """The optimizer classes of ``torch.optim``, by name, sorted."""
    return sorted(
        name for name, value in vars(torch.optim).items()
        if isinstance(value, type) and issubclass(value, torch.optim.Optimizer)
        and value is not torch.optim.Optimizer)


class TorchBackend(Backend):
    """PyTorch's tensors, autograd, ``nn.Linear`` and ``torch.optim``."""

    float32 = torch.float32

    def from_numpy(self, array):
        # A copy made by NumPy, then shared: torch.tensor() takes twice as long for a
        # minibatch, which shows in every training step.
        return torch.from_numpy(np.array(array))

    def reshape(self, x, shape):
        return torch.reshape(x, shape)

    def matmul(self, a, b):
        return torch.matmul(a, b)

    def scratch_model(self, trainer_fn, states, hyperparams, w0):
        w = torch.tensor(w0, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)

        def step(X, y):
            w.grad = b.grad = None
            self.squared_loss(self.linreg(X, w, b), y).mean().backward()
            trainer_fn([w, b], states, hyperparams)

        return _without_grad(lambda X: self.linreg(X, w, b)), step

    def optimizer_keywords(self, trainer):
        if not (isinstance(trainer, type)
                and issubclass(trainer, torch.optim.Optimizer)):
            names = ['torch.optim.' + name for name in _optimizer_names()]
            raise TypeError(
                "trainer must be a torch.optim optimizer class such as torch.optim.SGD, "
                f"got {trainer!r}{did_you_mean(trainer, names, str)}; "
                f"accepted: {', '.join(names)}")
        return f"torch.optim.{trainer.__name__}", accepted_keywords(trainer, skip={"params"})

    def concise_model(self, trainer, hyperparams, w0):
        layer = torch.nn.utils.skip_init(torch.nn.Linear, w0.shape[0], 1)
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(w0.T))
            layer.bias.zero_()
        optimizer = trainer(layer.parameters(), **hyperparams)

        def step(X, y):
            optimizer.zero_grad()
            self.squared_loss(layer(X), y).mean().backward()
            optimizer.step()

        return _without_grad(layer), step


def _without_grad(net):
    """Return ``net`` as a prediction function that records no gradients."""
    def predict(X):
        with torch.no_grad():
            return net(X)
    return predict


export(TorchBackend(), globals())
