"""Learning-rate schedules written from scratch, the same in every backend.

A schedule is a function of the number of updates already taken, ``step``
(0 for the first update, 1 for the second, ...), that returns the learning
rate of the next update as a Python float. This is how PyTorch counts
(``scheduler.step()`` after every update) and how Keras counts
(``optimizer.iterations``); MXNet counts updates from 1.

The schedules are plain Python, so their values, and the figures drawn from
them, are the same in every framework. :func:`make_scheduler` builds one by
name and puts a warmup in front of it when asked; the classes can also be
used directly. Every argument is checked when the schedule is built, and
:meth:`Scheduler.check_run` refuses a schedule whose warmup does not fit into
the run that is about to use it.
"""

import math
import numbers

from d2l_shim.checks import check_choice, check_int


def check_lr(name, value, allow_zero=False):
    """Return ``value`` as a float if it is a positive finite number (or 0, with ``allow_zero``)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero)):
        allowed = "a finite number >= 0" if allow_zero else "a positive finite number"
        raise ValueError(f"{name} (a learning rate) must be {allowed}, got {value!r}")
    return float(value)


def _check_factor(value):
    """Return ``value`` as a float if it is a number in (0, 1]."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not 0 < value <= 1):
        raise ValueError(f"factor must be a number in (0, 1] that multiplies the "
                         f"learning rate, got {value!r}")
    return float(value)


class Scheduler:
    """The base of the schedules: call it with the number of updates taken to get the learning rate."""

    #: Updates of warmup in front of the schedule (see :class:`Warmup`).
    warmup_steps = 0

    def __call__(self, step):
        return self.lr_at(check_int("step", step, 0))

    def lr_at(self, step):
        """Return the learning rate of update ``step`` (a checked integer >= 0)."""
        raise NotImplementedError

    def check_run(self, num_updates):
        """Refuse the schedule for a run of ``num_updates`` updates that its warmup would fill."""
        if self.warmup_steps >= num_updates:
            raise ValueError(
                f"the warmup of {self.warmup_steps} updates is at least as long as the "
                f"whole run of {num_updates} updates: shorten the warmup or train for "
                "more epochs")

    def __repr__(self):
        arguments = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{type(self).__name__}({arguments})"


class Constant(Scheduler):
    """The same learning rate ``lr`` at every update."""

    def __init__(self, lr):
        self.lr = check_lr("lr", lr)

    def lr_at(self, step):
        return self.lr


class SquareRoot(Scheduler):
    """``lr / sqrt(step + 1)``: the rate falls like the inverse square root of the updates."""

    def __init__(self, lr):
        self.lr = check_lr("lr", lr)

    def lr_at(self, step):
        return self.lr * (step + 1) ** -0.5


class Factor(Scheduler):
    """``lr * factor ** (step // step_size)``: multiply the rate by ``factor`` every ``step_size`` updates."""

    def __init__(self, lr, step_size, factor):
        self.lr = check_lr("lr", lr)
        self.step_size = check_int("step_size", step_size, 1)
        self.factor = _check_factor(factor)

    def lr_at(self, step):
        return self.lr * self.factor ** (step // self.step_size)


class MultiFactor(Scheduler):
    """Piecewise constant: multiply the rate by ``factor`` once ``milestones[i]`` updates are taken.

    ``milestones`` is a strictly increasing sequence of positive integers.
    """

    def __init__(self, lr, milestones, factor):
        self.lr = check_lr("lr", lr)
        try:
            milestones = list(milestones)
        except TypeError:
            raise TypeError("milestones must be a sequence of update counts such as "
                            f"[300, 600], got {milestones!r}") from None
        for i, milestone in enumerate(milestones):
            check_int(f"milestones[{i}]", milestone, 1)
        if not milestones or any(a >= b for a, b in zip(milestones, milestones[1:])):
            raise ValueError("milestones must be a non-empty, strictly increasing sequence "
                             f"of update counts such as [300, 600], got {milestones!r}")
        self.milestones = [int(m) for m in milestones]
        self.factor = _check_factor(factor)

    def lr_at(self, step):
        passed = sum(step >= milestone for milestone in self.milestones)
        return self.lr * self.factor ** passed


class Cosine(Scheduler):
    """Half a cosine from ``lr`` down to ``final_lr`` over ``num_steps`` updates, then ``final_lr``.

    ``lr_t = final_lr + (lr - final_lr) * (1 + cos(pi * t / num_steps)) / 2``
    for ``t <= num_steps`` (the SGDR schedule of Loshchilov and Hutter without restarts).
    """

    def __init__(self, lr, num_steps, final_lr=0.0):
        self.lr = check_lr("lr", lr)
        self.num_steps = check_int("num_steps", num_steps, 1)
        self.final_lr = check_lr("final_lr", final_lr, allow_zero=True)
        if self.final_lr > self.lr:
            raise ValueError(f"final_lr must not exceed lr ({self.lr!r}), got {final_lr!r}")

    def lr_at(self, step):
        t = min(step, self.num_steps)
        return self.final_lr + (self.lr - self.final_lr) * (1 + math.cos(math.pi * t / self.num_steps)) / 2


class Warmup(Scheduler):
    """A linear warmup of ``warmup_steps`` updates in front of another schedule.

    During the warmup the rate climbs on a straight line from ``begin_lr``
    towards the first rate of ``scheduler``; after it, update
    ``warmup_steps + t`` uses ``scheduler(t)``.
    """

    def __init__(self, scheduler, warmup_steps, begin_lr=0.0):
        if not isinstance(scheduler, Scheduler) or isinstance(scheduler, Warmup):
            raise TypeError("scheduler must be one of the schedules of d2l_shim.schedulers "
                            f"without a warmup of its own, got {scheduler!r}")
        self.scheduler = scheduler
        self.warmup_steps = check_int("warmup_steps", warmup_steps, 1)
        self.begin_lr = check_lr("begin_lr", begin_lr, allow_zero=True)
        target = scheduler(0)
        if self.begin_lr > target:
            raise ValueError(f"begin_lr must not exceed the rate the warmup leads to "
                             f"({target!r}), got {begin_lr!r}")

    def lr_at(self, step):
        if step < self.warmup_steps:
            target = self.scheduler(0)
            return self.begin_lr + (target - self.begin_lr) * step / self.warmup_steps
        return self.scheduler(step - self.warmup_steps)


#: The schedules :func:`make_scheduler` knows, by name.
SCHEDULERS = {"constant": Constant, "sqrt": SquareRoot, "factor": Factor,
              "multifactor": MultiFactor, "cosine": Cosine}


def make_scheduler(name, lr, warmup_steps=0, warmup_begin_lr=0.0, **kwargs):
    """Build the schedule ``name`` (a key of :data:`SCHEDULERS`) starting at ``lr``.

    ``kwargs`` are the schedule's other arguments (``step_size`` and
    ``factor`` for ``'factor'``, ``milestones`` and ``factor`` for
    ``'multifactor'``, ``num_steps`` and ``final_lr`` for ``'cosine'``).
    With ``warmup_steps`` > 0 the schedule is wrapped in a :class:`Warmup`
    that starts at ``warmup_begin_lr``. An unknown name, a missing or
    unknown argument and a non-positive learning rate are refused.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be the name of a schedule such as 'cosine', got {name!r}")
    check_choice("name (a learning-rate schedule)", name, list(SCHEDULERS), "cosine")
    cls = SCHEDULERS[name]
    try:
        scheduler = cls(lr, **kwargs)
    except TypeError as error:
        if "argument" not in str(error):
            raise
        import inspect
        accepted = list(inspect.signature(cls).parameters)
        raise TypeError(f"the schedule {name!r} takes the arguments {', '.join(accepted)} "
                        f"(and warmup_steps, warmup_begin_lr); got {sorted(['lr', *kwargs])}") from None
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    return Warmup(scheduler, warmup_steps, warmup_begin_lr) if warmup_steps else scheduler
