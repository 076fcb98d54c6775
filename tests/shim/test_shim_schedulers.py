"""The learning-rate schedules of ``d2l_shim.schedulers``: their values, and how they refuse bad input.

The schedules are plain Python, so they are tested here directly, against formulas written out
independently; that they drive every backend's training in the same way is the Learning-Rate
Scheduling chapter's test (``tests/chapters/test_lr_scheduler.py``).
"""

import math

import numpy as np
import pytest

from d2l_shim import schedulers
from d2l_shim.schedulers import Constant, Cosine, Factor, MultiFactor, SquareRoot, Warmup, make_scheduler


def values(scheduler, n):
    return np.array([scheduler(k) for k in range(n)])


def test_constant_and_square_root():
    assert np.all(values(Constant(0.3), 50) == 0.3)
    assert np.allclose(values(SquareRoot(0.5), 100), 0.5 / np.sqrt(np.arange(1, 101)), rtol=1e-15)
    assert SquareRoot(0.5)(0) == 0.5 and SquareRoot(0.5)(3) == 0.25


def test_factor_multiplies_every_step_size_updates():
    lr = values(Factor(0.4, step_size=10, factor=0.5), 35)
    assert np.all(lr[:10] == 0.4) and np.all(lr[10:20] == 0.2) and np.all(lr[20:30] == 0.1)
    assert lr[30] == pytest.approx(0.05)


def test_multifactor_changes_once_the_milestones_are_reached():
    scheduler = MultiFactor(1.0, milestones=[3, 7], factor=0.1)
    assert [round(scheduler(k), 12) for k in range(10)] == [1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01]


def test_cosine_falls_as_half_a_cosine_then_stays():
    scheduler = Cosine(0.6, num_steps=100, final_lr=0.1)
    k = np.arange(101)
    expected = 0.1 + 0.5 * (1 + np.cos(np.pi * k / 100)) / 2
    assert np.allclose(values(scheduler, 101), expected, rtol=1e-14)
    assert scheduler(0) == 0.6 and scheduler(50) == pytest.approx(0.35) and scheduler(100) == pytest.approx(0.1)
    assert scheduler(250) == scheduler(100)
    assert np.all(np.diff(values(scheduler, 101)) < 0)


def test_warmup_climbs_on_a_line_then_hands_over():
    inner = Cosine(0.3, num_steps=50)
    scheduler = Warmup(inner, warmup_steps=10, begin_lr=0.03)
    lr = values(scheduler, 60)
    assert np.allclose(lr[:10], 0.03 + 0.27 * np.arange(10) / 10, rtol=1e-14)
    assert np.allclose(lr[10:], [inner(k) for k in range(50)], rtol=0, atol=0)
    assert np.all(np.diff(lr[:11]) > 0)
    assert Warmup(Factor(1.0, 5, 0.5), 4)(0) == 0.0


def test_make_scheduler_builds_by_name():
    assert isinstance(make_scheduler("constant", 0.1), Constant)
    assert isinstance(make_scheduler("sqrt", 0.1), SquareRoot)
    factor = make_scheduler("factor", 0.1, step_size=3, factor=0.5)
    assert factor(3) == pytest.approx(0.05)
    multi = make_scheduler("multifactor", 0.1, milestones=[2], factor=0.5)
    assert multi(2) == pytest.approx(0.05)
    warm = make_scheduler("cosine", 0.2, num_steps=10, warmup_steps=5, warmup_begin_lr=0.1)
    assert isinstance(warm, Warmup) and isinstance(warm.scheduler, Cosine)
    assert warm(0) == 0.1 and warm(5) == 0.2 and warm(15) == pytest.approx(0.0)
    assert set(schedulers.SCHEDULERS) == {"constant", "sqrt", "factor", "multifactor", "cosine"}


@pytest.mark.parametrize("call, kind, parts", [
    (lambda: make_scheduler("cosinus", 0.1, num_steps=10), ValueError,
     ["learning-rate schedule", "'cosine'", "'cosinus'", "did you mean 'cosine'?"]),
    (lambda: make_scheduler("triangle", 0.1), ValueError, ["must be one of", "'constant'", "'triangle'"]),
    (lambda: make_scheduler(3, 0.1), TypeError, ["name of a schedule", "got 3"]),
    (lambda: make_scheduler("factor", 0.1, step=3, factor=0.5), TypeError,
     ["'factor' takes the arguments lr, step_size, factor", "step"]),
    (lambda: make_scheduler("cosine", 0.1), TypeError, ["'cosine' takes the arguments", "num_steps"]),
    (lambda: Constant(0), ValueError, ["lr (a learning rate) must be a positive finite number", "got 0"]),
    (lambda: Constant(-0.1), ValueError, ["positive finite number", "-0.1"]),
    (lambda: SquareRoot(float("nan")), ValueError, ["positive finite number", "nan"]),
    (lambda: Factor(True, 3, 0.5), ValueError, ["positive finite number", "True"]),
    (lambda: make_scheduler("sqrt", "0.1"), ValueError, ["positive finite number", "'0.1'"]),
    (lambda: Factor(0.1, 0, 0.5), ValueError, ["step_size must be an integer >= 1", "got 0"]),
    (lambda: Factor(0.1, 3, 1.5), ValueError, ["factor must be a number in (0, 1]", "1.5"]),
    (lambda: Factor(0.1, 3, 0), ValueError, ["factor must be a number in (0, 1]", "got 0"]),
    (lambda: MultiFactor(0.1, [5, 5], 0.5), ValueError, ["strictly increasing", "[5, 5]"]),
    (lambda: MultiFactor(0.1, [], 0.5), ValueError, ["non-empty", "[]"]),
    (lambda: MultiFactor(0.1, [0, 4], 0.5), ValueError, ["milestones[0] must be an integer >= 1"]),
    (lambda: MultiFactor(0.1, 5, 0.5), TypeError, ["milestones must be a sequence", "got 5"]),
    (lambda: Cosine(0.1, 0), ValueError, ["num_steps must be an integer >= 1", "got 0"]),
    (lambda: Cosine(0.1, 10, final_lr=-0.01), ValueError, ["final_lr (a learning rate) must be a finite number >= 0"]),
    (lambda: Cosine(0.1, 10, final_lr=0.2), ValueError, ["final_lr must not exceed lr", "0.2"]),
    (lambda: Warmup(Constant(0.1), 0), ValueError, ["warmup_steps must be an integer >= 1", "got 0"]),
    (lambda: Warmup(Constant(0.1), 5, begin_lr=0.5), ValueError, ["begin_lr must not exceed", "0.5"]),
    (lambda: Warmup(lambda k: 0.1, 5), TypeError, ["schedules of d2l_shim.schedulers"]),
    (lambda: Warmup(Warmup(Constant(0.1), 2), 5), TypeError, ["without a warmup of its own"]),
    (lambda: make_scheduler("constant", 0.1, warmup_steps=-1), ValueError, ["warmup_steps must be an integer >= 0"]),
    (lambda: Constant(0.1)(-1), ValueError, ["step must be an integer >= 0", "got -1"]),
    (lambda: Constant(0.1)(2.5), ValueError, ["step must be an integer >= 0", "2.5"]),
])
def test_bad_input_is_refused_with_a_clear_message(call, kind, parts):
    with pytest.raises(kind) as error:
        call()
    for part in parts:
        assert part in str(error.value), f"{str(error.value)!r} lacks {part!r}"


def test_a_warmup_longer_than_the_run_is_refused():
    scheduler = make_scheduler("cosine", 0.1, num_steps=100, warmup_steps=50)
    scheduler.check_run(51)
    for num_updates in (50, 10):
        with pytest.raises(ValueError) as error:
            scheduler.check_run(num_updates)
        message = str(error.value)
        assert "warmup of 50 updates" in message and f"whole run of {num_updates} updates" in message
        assert "shorten the warmup or train for more epochs" in message
    Constant(0.1).check_run(1)


def test_the_schedules_are_plain_floats():
    for scheduler in (Constant(0.1), SquareRoot(0.1), Factor(0.1, 2, 0.5), MultiFactor(0.1, [2], 0.5),
                      Cosine(0.1, 4), Warmup(Cosine(0.1, 4), 2)):
        assert all(type(scheduler(k)) is float and math.isfinite(scheduler(k)) for k in range(8))
        assert type(scheduler).__name__ in repr(scheduler)
