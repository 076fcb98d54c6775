"""The momentum explorer for notebooks: sliders for eta and beta, two panels that follow them.

``d2l.explore_momentum()`` is the Jupyter counterpart of the interactive figure in the
Momentum chapter of the HTML book. It draws, for the current learning rate ``eta`` and
momentum ``beta``,

* the trace of momentum on ``f(x) = lam1 / 2 * x1**2 + lam2 / 2 * x2**2`` (the chapter's
  ``0.1 x1^2 + 2 x2^2`` by default), computed by :func:`d2l_shim.twod.train_2d` from
  :data:`d2l_shim.twod.START`, over its contour lines, and
* the points ``(eta * lam, beta)`` of both curvatures on the map of the spectral radius of
  the momentum matrix ``R(beta, eta, lam) = [[beta, lam], [-eta * beta, 1 - eta * lam]]``,

and prints the spectral radius of each direction with its verdict. With ipywidgets
installed, sliders and preset buttons redraw both panels on every change; without it the
function prints how to install ipywidgets and draws the figure once.

Everything here is plain Python, NumPy and matplotlib: no framework is imported.
"""

import cmath
import contextlib
import io
import math
import numbers

import numpy as np

from d2l_shim.checks import check_int
from d2l_shim.plotting import plt, use_svg_display
from d2l_shim.twod import train_2d

#: The chapter's ill-conditioned quadratic: the curvatures along x1 and x2.
CURVATURES = (0.2, 4.0)
#: The slider ranges: eta in [ETA_MIN, ETA_MAX], beta in [0, BETA_MAX], steps in 1..STEPS_MAX.
ETA_MIN, ETA_MAX, ETA_STEP = 0.01, 1.0, 0.01
BETA_MAX, BETA_STEP = 0.99, 0.01
STEPS_MAX = 100
#: The chapter's settings, as (label, eta, beta).
PRESETS = (("GD, eta = 0.4", 0.4, 0.0), ("GD, eta = 0.6", 0.6, 0.0),
           ("momentum (0.6, 0.5)", 0.6, 0.5), ("momentum (0.6, 0.25)", 0.6, 0.25))
#: The part of the (x1, x2) plane the trace panel shows, as ((x1 low, high), (x2 low, high)):
#: room for the overshoot of the chapter's momentum runs; a trace that leaves it is cut off.
VIEW = ((-6.0, 2.0), (-3.5, 3.5))
#: The extent of the spectral-radius map, as in the chapter: eta * lam in [0, 4.5], beta in [0, 0.99].
MAP_ETA_LAM, MAP_BETA = (0.0, 4.5), (0.0, 0.99)

INSTALL_HINT = (
    "d2l.explore_momentum() needs ipywidgets for its sliders, and it is not installed.\n"
    "Install it into the environment of this kernel with\n"
    "    %pip install ipywidgets==8.1.9\n"
    "(or `conda install -c conda-forge ipywidgets`), restart the kernel and run the cell again.\n"
    "Meanwhile, here is the figure for the settings you passed:")


def momentum_step(curvatures, eta, beta):
    """The trainer for ``train_2d``: one momentum step on ``lam1/2 x1^2 + lam2/2 x2^2``.

    The arithmetic is that of the chapter's ``momentum_2d`` (and of the book's JavaScript
    explorer), operation for operation, so the traces agree to the last bit.
    """
    lam1, lam2 = curvatures

    def step(x1, x2, v1, v2):
        g1, g2 = lam1 * x1, lam2 * x2
        v1, v2 = beta * v1 + g1, beta * v2 + g2
        return x1 - eta * v1, x2 - eta * v2, v1, v2

    return step


def momentum_trace(eta, beta, steps=20, curvatures=CURVATURES):
    """The ``steps + 1`` positions that ``train_2d`` visits with momentum (its print swallowed)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return train_2d(momentum_step(curvatures, eta, beta), steps)


def momentum_eigenvalues(eta, beta, lam):
    """The two eigenvalues of ``R(beta, eta, lam)`` (complex numbers), from its trace and determinant."""
    trace = beta + (1 - eta * lam)
    det = beta * (1 - eta * lam) - lam * (-eta * beta)
    root = cmath.sqrt(trace ** 2 - 4 * det)
    return (trace + root) / 2, (trace - root) / 2


def spectral_radius(eta, beta, lam):
    """The spectral radius of ``R(beta, eta, lam)``: the largest modulus of its eigenvalues."""
    return max(abs(mu) for mu in momentum_eigenvalues(eta, beta, lam))


def verdict(eta, beta, lam):
    """How momentum behaves along a direction of curvature ``lam``, in words.

    A double eigenvalue (discriminant zero up to rounding) counts as real.
    """
    trace = beta + (1 - eta * lam)
    det = beta * (1 - eta * lam) - lam * (-eta * beta)
    radius = spectral_radius(eta, beta, lam)
    if abs(radius - 1) <= 1e-12:
        fate = "neither converges nor diverges"
    else:
        fate = "converges" if radius < 1 else "diverges"
    if trace ** 2 - 4 * det < -1e-12:
        return f"{fate}, oscillating (complex eigenvalues)"
    if trace < 0:
        return f"{fate}, flipping sign at every step"
    return f"{fate}, without oscillating"


def best_beta(eta, curvatures=CURVATURES):
    """The beta that minimizes the larger spectral radius over the curvatures, for this eta.

    For each curvature the radius falls until ``beta = (1 - sqrt(eta * lam))**2`` and is
    ``sqrt(beta)`` beyond, so the best common beta is the largest of these values (capped at
    the slider's maximum).
    """
    return min(max((1 - math.sqrt(eta * lam)) ** 2 for lam in curvatures), BETA_MAX)


def _check_setting(eta, beta, steps):
    """Check the explorer's settings; the error names the parameter and its range."""
    for name, value, low, high in (("eta", eta, ETA_MIN, ETA_MAX), ("beta", beta, 0, BETA_MAX)):
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or not low <= value <= high):
            raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}")
    return float(eta), float(beta), check_int("steps", steps, 1, STEPS_MAX)


def _radius_map():
    """The spectral radius on the chapter's grid of (eta * lam, beta), taking lam = 1."""
    eta_lams = np.linspace(*MAP_ETA_LAM, 226)
    betas = np.linspace(*MAP_BETA, 100)
    return [[spectral_radius(eta_lam, beta, 1) for eta_lam in eta_lams] for beta in betas]


def draw(eta, beta, steps=20, curvatures=CURVATURES, radius_map=None):
    """Draw both panels for one setting and return ``(figure, trace, radii)``.

    ``radii`` holds the spectral radius along x1 and x2.
    """
    use_svg_display()
    trace = momentum_trace(eta, beta, steps, curvatures)
    lam1, lam2 = curvatures
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    x1, x2 = zip(*trace)
    grid_x1, grid_x2 = np.meshgrid(np.linspace(*VIEW[0], 161), np.linspace(*VIEW[1], 141))
    left.contour(grid_x1, grid_x2, lam1 / 2 * grid_x1 ** 2 + lam2 / 2 * grid_x2 ** 2,
                 levels=[k * k / 2 for k in range(1, 9)], colors='#1f77b4')
    left.plot(x1, x2, '-o', color='#ff7f0e')
    left.set_xlim(*VIEW[0])
    left.set_ylim(*VIEW[1])
    left.set_xlabel('x1')
    left.set_ylabel('x2')
    left.set_title(rf'$\eta = {eta:.3g}$, $\beta = {beta:.3g}$, {steps} steps')
    image = right.imshow(radius_map if radius_map is not None else _radius_map(),
                         origin='lower', aspect='auto', cmap='RdBu_r', vmin=0, vmax=2,
                         extent=(*MAP_ETA_LAM, *MAP_BETA))
    fig.colorbar(image, ax=right, extend='max', label='spectral radius')
    right.plot([2 + 2 * b for b in MAP_BETA], MAP_BETA, 'k--')
    # Not clipped, so a point on the edge (beta = 0) stays whole.
    right.plot([eta * lam1], [beta], 'o', color='#ff7f0e', markeredgecolor='k', label='x1',
               clip_on=False, zorder=3)
    right.plot([eta * lam2], [beta], 's', color='#ff7f0e', markeredgecolor='k', label='x2',
               clip_on=False, zorder=3)
    right.set_xlim(*MAP_ETA_LAM)
    right.set_xlabel(r'$\eta\lambda$')
    right.set_ylabel(r'$\beta$')
    right.legend(loc='upper left')
    radii = [spectral_radius(eta, beta, lam) for lam in curvatures]
    fig.tight_layout()
    return fig, trace, radii


def describe(eta, beta, curvatures=CURVATURES):
    """One line per direction: its eta * lam, spectral radius and verdict."""
    return "\n".join(
        f"x{i}: eta*lambda = {eta * lam:.4g}, spectral radius {spectral_radius(eta, beta, lam):.4f}, "
        f"{verdict(eta, beta, lam)}"
        for i, lam in enumerate(curvatures, start=1))


class MomentumExplorer:
    """The widgets of :func:`explore_momentum` and the figure they drive.

    ``widgets`` maps names to the ipywidgets (``eta``, ``beta``, ``steps`` sliders, one
    button per preset, ``best_beta`` and ``reset``); ``box`` is the whole layout, shown when
    the explorer is displayed. After every redraw, ``trace``, ``radii`` and ``figure`` hold
    what was drawn and ``draws`` counts the redraws.
    """

    def __init__(self, widgets, eta, beta, steps, curvatures):
        self.curvatures = curvatures
        self.initial = (eta, beta, steps)
        self.radius_map = _radius_map()
        self.draws = 0
        self._holding = False
        self.trace = self.radii = self.figure = None
        w = self.widgets = {}
        slider = dict(continuous_update=True, readout_format='.2f',
                      style={'description_width': 'initial'})
        w['eta'] = widgets.FloatSlider(value=eta, min=ETA_MIN, max=ETA_MAX, step=ETA_STEP,
                                       description='learning rate η', **slider)
        w['beta'] = widgets.FloatSlider(value=beta, min=0, max=BETA_MAX, step=BETA_STEP,
                                        description='momentum β', **slider)
        w['steps'] = widgets.IntSlider(value=steps, min=1, max=STEPS_MAX, description='steps',
                                       continuous_update=True)
        buttons = []
        for label, preset_eta, preset_beta in PRESETS:
            button = widgets.Button(description=label, tooltip=f'eta = {preset_eta}, beta = {preset_beta}')
            button.on_click(lambda _, e=preset_eta, b=preset_beta: self.set(e, b))
            w[label] = button
            buttons.append(button)
        w['best_beta'] = widgets.Button(description='best β for this η')
        w['best_beta'].on_click(lambda _: self.set(w['eta'].value, best_beta(w['eta'].value, curvatures)))
        w['reset'] = widgets.Button(description='reset')
        w['reset'].on_click(lambda _: self.set(*self.initial))
        self.output = widgets.Output()
        for name in ('eta', 'beta', 'steps'):
            w[name].observe(lambda change: self.redraw(), names='value')
        self.box = widgets.VBox([
            widgets.HBox([w['eta'], w['beta'], w['steps']]),
            widgets.HBox([*buttons, w['best_beta'], w['reset']],
                         layout=widgets.Layout(flex_flow='row wrap')),
            self.output])
        self.redraw()

    def set(self, eta, beta, steps=None):
        """Move the sliders, then redraw once."""
        self._holding = True
        try:
            self.widgets['eta'].value = eta
            self.widgets['beta'].value = beta
            if steps is not None:
                self.widgets['steps'].value = steps
        finally:
            self._holding = False
        self.redraw()

    def redraw(self):
        """Draw both panels and the verdicts for the sliders' current values."""
        if self._holding:
            return
        eta, beta = self.widgets['eta'].value, self.widgets['beta'].value
        steps = self.widgets['steps'].value
        with self.output:
            self.output.clear_output(wait=True)
            fig, self.trace, self.radii = draw(eta, beta, steps, self.curvatures, self.radius_map)
            print(describe(eta, beta, self.curvatures))
            plt.show()
            plt.close(fig)
        self.figure = fig
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)


def explore_momentum(eta=0.6, beta=0.5, steps=20):
    """Explore momentum on the chapter's quadratic ``0.1 x1^2 + 2 x2^2`` with sliders.

    ``eta`` (in [0.01, 1]), ``beta`` (in [0, 0.99]) and ``steps`` (1..100) are where the
    sliders start. Returns a :class:`MomentumExplorer`, which displays its sliders, preset
    buttons and figure when it is the value of a notebook cell. Without ipywidgets, prints
    how to install it, draws the figure once and returns None.
    """
    eta, beta, steps = _check_setting(eta, beta, steps)
    try:
        import ipywidgets
    except ImportError:
        print(INSTALL_HINT)
        fig, _, _ = draw(eta, beta, steps)
        print(describe(eta, beta))
        plt.show()
        return None
    return MomentumExplorer(ipywidgets, eta, beta, steps, CURVATURES)
