"""Optimizers on functions of two variables, traced and drawn over contour lines.

The positions are Python floats, so a trainer written with plain arithmetic
gives bit-for-bit the same trace in every backend, and the contour lines are
computed on a NumPy grid that depends only on the trace, so the figure is the
same too.
"""

import numpy as np

from d2l_shim.arrays import scalar, to_numpy
from d2l_shim.checks import check_int
from d2l_shim.plotting import plt, set_figsize

#: Where every 2-D trace starts.
START = (-5.0, -2.0)

#: The area under the contour lines of :func:`show_trace_2d` at least covers,
#: as ``((x1 low, x1 high), (x2 low, x2 high))``, and how far it may grow to
#: take in a trace that leaves it (a diverging trace is drawn beyond).
GRID_BOX = ((-5.5, 1.0), (-3.0, 1.0))
GRID_LIMIT = 10.0
GRID_STEP = 0.1

#: The default grid, for a trace that stays inside :data:`GRID_BOX`.
GRID_X1, GRID_X2 = np.meshgrid(np.arange(*GRID_BOX[0], GRID_STEP),
                               np.arange(*GRID_BOX[1], GRID_STEP))


def train_2d(trainer, steps=20, f_grad=None):
    """Run a 2-D optimizer from (-5, -2) and return the positions it visits.

    ``trainer(x1, x2, s1, s2)`` (or ``trainer(x1, x2, s1, s2, f_grad)`` when
    ``f_grad`` is given) takes the position and two state variables, both
    states starting at 0, and returns the next ``(x1, x2, s1, s2)``. Prints
    the final position and returns the list of ``steps + 1`` points
    ``(x1, x2)`` as Python floats, the start included.
    """
    steps = check_int("steps", steps, 0)
    x1, x2 = START
    s1 = s2 = 0
    results = [(x1, x2)]
    for _ in range(steps):
        if f_grad:
            new = trainer(x1, x2, s1, s2, f_grad)
        else:
            new = trainer(x1, x2, s1, s2)
        if not isinstance(new, (tuple, list)) or len(new) != 4:
            raise TypeError(
                "train_2d: trainer must return the four values (x1, x2, s1, s2) "
                f"(use 0 for states it does not need), got {new!r}")
        x1, x2, s1, s2 = new
        results.append((scalar(x1), scalar(x2)))
    x1, x2 = results[-1]
    print(f'epoch {steps}, x1: {x1:f}, x2: {x2:f}')
    return results


def contour_grid(x1, x2):
    """The grid of :func:`show_trace_2d` for a trace through the points ``(x1, x2)``.

    It covers :data:`GRID_BOX` and, in steps of 0.1, as much more of the
    trace as lies within ``[-GRID_LIMIT, GRID_LIMIT]`` in each coordinate.
    """
    axes = []
    for (low, high), values in zip(GRID_BOX, (x1, x2)):
        low = max(min(low, min(values) - 0.5), -GRID_LIMIT)
        high = min(max(high, max(values) + 0.5), GRID_LIMIT)
        axes.append(np.arange(low, high, GRID_STEP))
    return np.meshgrid(*axes)


def show_trace_2d(f, results):
    """Draw the points ``results`` over the contour lines of ``f``.

    ``f(x1, x2)`` is evaluated on NumPy arrays (the grid of
    :func:`contour_grid`: ``x1`` in [-5.5, 1), ``x2`` in [-3, 1), step 0.1,
    widened to take in the trace), so write it with arithmetic operators or
    NumPy functions.
    """
    set_figsize()
    x1, x2 = zip(*[(scalar(a), scalar(b)) for a, b in results])
    plt.plot(x1, x2, '-o', color='#ff7f0e')
    grid_x1, grid_x2 = contour_grid(x1, x2)
    plt.contour(grid_x1, grid_x2, to_numpy(f(grid_x1, grid_x2)), colors='#1f77b4')
    plt.xlabel('x1')
    plt.ylabel('x2')
