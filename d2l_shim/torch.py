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
from d2l_shim.schedulers import Scheduler

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

    def mlp_scratch(self, params):
        W1, b1, W2, b2 = params = [torch.tensor(p, requires_grad=True) for p in params]

        def net(X):
            return torch.relu(X @ W1 + b1) @ W2 + b2

        def step(X, y, lr):
            for p in params:
                p.grad = None
            torch.nn.functional.cross_entropy(net(X), y).backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad

        return _without_grad(net), step

    def mlp_concise(self, params, scheduler, lr):
        if (lr is None and not isinstance(scheduler, float)) or (
                lr is not None and (isinstance(scheduler, Scheduler) or not callable(scheduler))):
            raise TypeError(
                "scheduler must be a constant rate or a function that takes the "
                "torch.optim.SGD optimizer and returns a torch.optim.lr_scheduler "
                "scheduler, given together with the optimizer's rate lr=..., such as "
                "scheduler=lambda optimizer: torch.optim.lr_scheduler.StepLR(optimizer, 45, 0.5), "
                f"lr=0.5; got {scheduler!r}" + (" without lr" if lr is None else ""))
        W1, b1, W2, b2 = params
        net = torch.nn.Sequential(torch.nn.Linear(*W1.shape), torch.nn.ReLU(),
                                  torch.nn.Linear(*W2.shape))
        with torch.no_grad():
            for layer, (W, b) in zip((net[0], net[2]), ((W1, b1), (W2, b2))):
                layer.weight.copy_(torch.tensor(W.T))
                layer.bias.copy_(torch.tensor(b))
        optimizer = torch.optim.SGD(net.parameters(), lr=scheduler if lr is None else lr)
        schedule = None
        if lr is not None:
            schedule = scheduler(optimizer) if callable(scheduler) else None
            if not isinstance(schedule, torch.optim.lr_scheduler.LRScheduler):
                raise TypeError(
                    "scheduler must be a function that takes the optimizer and returns a "
                    "torch.optim.lr_scheduler scheduler, such as lambda optimizer: "
                    f"torch.optim.lr_scheduler.StepLR(optimizer, 45, 0.5); it returned {schedule!r}")

        def step(X, y):
            used = optimizer.param_groups[0]['lr']
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(X), y).backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            return used

        return _without_grad(net), step


def _without_grad(net):
    """Return ``net`` as a prediction function that records no gradients."""
    def predict(X):
        with torch.no_grad():
            return net(X)
    return predict


export(TorchBackend(), globals())
