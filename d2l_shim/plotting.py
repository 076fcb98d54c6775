"""Figures drawn the same way whatever backend produced the numbers.

Everything here takes lists, NumPy arrays or any backend's tensors and turns
them into NumPy before matplotlib sees them, so a figure depends only on the
values, never on the framework. Names and defaults follow the library of *Dive
into Deep Learning*.

Live and batch display: inside a Jupyter (IPython) kernel an :class:`Animator`
redraws its figure every time a point is added, so the reader watches a
training run progress. When the environment variable ``D2L_LIVE_PLOTS`` is
``0`` (the book's build sets it) or when no kernel is running, the figure is
drawn and shown once, at the end.
"""

import os
import sys

from matplotlib import pyplot as plt

from d2l_shim.arrays import scalar, to_numpy
from d2l_shim.environment import LIVE_PLOTS_VARIABLE

#: Salt for the ids inside SVG files, fixed so that the same figure always
#: gives the same SVG text.
SVG_HASH_SALT = "d2l_shim"

__all__ = ["plt", "use_svg_display", "set_figsize", "set_axes", "plot",
           "Animator", "live_plots"]


def _ipython_shell():
    """Return the running IPython shell, or None (without importing IPython)."""
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython
    return get_ipython()


def _in_kernel():
    """Tell whether the code runs inside a Jupyter kernel."""
    return getattr(_ipython_shell(), "kernel", None) is not None


def live_plots():
    """Tell whether figures should update while they are drawn.

    True inside a Jupyter kernel unless the environment variable
    ``D2L_LIVE_PLOTS`` is ``0``.
    """
    return os.environ.get(LIVE_PLOTS_VARIABLE, "1") != "0" and _in_kernel()


def use_svg_display():
    """Show figures as SVG in Jupyter and make the SVG text reproducible.

    Fixes matplotlib's ``svg.hashsalt`` and leaves the date out of the SVG
    metadata, so drawing the same figure twice gives identical files.
    """
    plt.rcParams["svg.hashsalt"] = SVG_HASH_SALT
    if _ipython_shell() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("svg", metadata={"Date": None})


def set_figsize(figsize=(3.5, 2.5)):
    """Use SVG display and set the size, in inches, of the figures drawn next."""
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def _text(label):
    """Return ``label`` as figure text: strings as they are, numbers and tensors formatted."""
    return label if isinstance(label, str) else format(scalar(label), "g")


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Set the labels, limits, scales and legend of matplotlib ``axes`` and draw a grid."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend([_text(label) for label in legend])
    axes.grid(True)


def _as_series(data):
    """Split plot data into a list of 1-D NumPy arrays, one per curve.

    A flat list or 1-D array is one curve; a list of sequences or the rows of
    a 2-D array are several.
    """
    if isinstance(data, (list, tuple)):
        if len(data) and to_numpy(data[0]).ndim > 0:
            return [to_numpy(curve) for curve in data]
        return [to_numpy(data)]
    values = to_numpy(data)
    return [values] if values.ndim <= 1 else list(values)


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None,
         ylim=None, xscale='linear', yscale='linear',
         fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), axes=None):
    """Plot one or several curves.

    With ``Y`` given, ``X`` holds the x values (one sequence shared by all
    curves, or one per curve); without it, ``X`` holds the y values, plotted
    against their indices. Each curve uses the next format of ``fmts``.
    """
    set_figsize(figsize)
    axes = axes if axes else plt.gca()
    if Y is None:
        Y = _as_series(X)
        X = [[] for _ in Y]
    else:
        X, Y = _as_series(X), _as_series(Y)
        if len(X) != len(Y):
            X = X * len(Y)
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


class Animator:
    """Plot data points as they arrive, for example a loss during training.

    Inside a live Jupyter session (see :func:`live_plots`) every :meth:`add`
    redraws and redisplays the figure; otherwise points are only recorded.
    Call :meth:`show` at the end to draw and display the finished figure
    exactly once.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear',
                 fmts=('-', 'm--', 'g-.', 'r:'), nrows=1, ncols=1,
                 figsize=(3.5, 2.5)):
        use_svg_display()
        self.fig, self.axes = plt.subplots(nrows, ncols, figsize=figsize)
        if nrows * ncols == 1:
            self.axes = [self.axes]
        self.axis_settings = (xlabel, ylabel, xlim, ylim, xscale, yscale,
                              legend or [])
        self.X, self.Y, self.fmts = None, None, fmts

    def add(self, x, y):
        """Add the points ``(x[i], y[i])``, one per curve; a single ``x`` serves all curves."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(scalar(a))
                self.Y[i].append(scalar(b))
        if live_plots():
            # Only a figure on show needs drawing; without one, show() draws it once.
            self.draw()
            from IPython import display
            display.display(self.fig)
            display.clear_output(wait=True)

    def draw(self):
        """Redraw every curve on the first axes."""
        self.axes[0].cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts):
            self.axes[0].plot(x, y, fmt)
        set_axes(self.axes[0], *self.axis_settings)

    def show(self):
        """Display the finished figure once in Jupyter and close it there.

        Closing keeps the inline backend from showing the figure a second time
        when the cell ends. Outside Jupyter the figure stays open, for
        ``plt.savefig`` or ``plt.show``.
        """
        self.draw()
        if _in_kernel():
            from IPython import display
            display.display(self.fig)
            plt.close(self.fig)
