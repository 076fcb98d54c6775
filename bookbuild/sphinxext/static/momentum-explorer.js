/* The momentum explorer of the book (see bookbuild/sphinxext/explorer.py).
 *
 * Every element with the class "momentum-explorer" holds its settings as JSON in a
 * <script type="application/json">; this classic script (no module, no fetch, so the page
 * also works from file://) turns it into sliders, buttons and two SVG panels:
 *
 *   - the trace of momentum on f(x) = lam1/2 x1^2 + lam2/2 x2^2 over its contour lines,
 *     with the arithmetic of the shim's momentum step, operation for operation, so the
 *     positions equal those of d2l_shim.twod.train_2d to the last bit;
 *   - the points (eta * lam, beta) of both directions on the map of the spectral radius of
 *     the momentum matrix R(beta, eta, lam) = [[beta, lam], [-eta * beta, 1 - eta * lam]].
 *
 * Each container gets a property `momentumExplorer` whose state() returns the numbers on
 * show (the browser tests read it).
 */
(function () {
  'use strict';

  var SVG_NS = 'http://www.w3.org/2000/svg';

  /* ---------------------------------------------------------------- arithmetic */

  /** The positions of momentum from `start`, `steps` steps, like d2l_shim's train_2d. */
  function momentumTrace(curvatures, start, eta, beta, steps) {
    var lam1 = curvatures[0], lam2 = curvatures[1];
    var x1 = start[0], x2 = start[1], v1 = 0, v2 = 0;
    var points = [[x1, x2]];
    for (var t = 0; t < steps; t++) {
      var g1 = lam1 * x1, g2 = lam2 * x2;
      v1 = beta * v1 + g1;
      v2 = beta * v2 + g2;
      x1 = x1 - eta * v1;
      x2 = x2 - eta * v2;
      points.push([x1, x2]);
    }
    return points;
  }

  /** R(beta, eta, lam), which maps (v_t, x_t) to (v_{t+1}, x_{t+1}). */
  function momentumMatrix(beta, eta, lam) {
    return [[beta, lam], [-eta * beta, 1 - eta * lam]];
  }

  /** Trace, determinant and discriminant of a 2x2 matrix. */
  function characteristic(m) {
    var trace = m[0][0] + m[1][1];
    var det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    return { trace: trace, det: det, disc: trace * trace - 4 * det };
  }

  /** Largest modulus of the eigenvalues of a 2x2 matrix. */
  function spectralRadius(m) {
    var c = characteristic(m);
    if (c.disc >= 0) {
      var root = Math.sqrt(c.disc);
      return Math.max(Math.abs(c.trace + root), Math.abs(c.trace - root)) / 2;
    }
    return Math.hypot(c.trace, Math.sqrt(-c.disc)) / 2;
  }

  /** How momentum behaves along one direction, in words (a double eigenvalue is real). */
  function verdict(beta, eta, lam) {
    var m = momentumMatrix(beta, eta, lam);
    var c = characteristic(m);
    var radius = spectralRadius(m);
    var fate = Math.abs(radius - 1) <= 1e-12 ? 'neither converges nor diverges'
      : radius < 1 ? 'converges' : 'diverges';
    var how = c.disc < -1e-12 ? 'oscillating (complex eigenvalues)'
      : c.trace < 0 ? 'flipping sign at every step' : 'without oscillating';
    return { radius: radius, converges: radius < 1, text: fate + ', ' + how };
  }

  /** The beta that minimizes the larger spectral radius of the directions, for this eta. */
  function bestBeta(eta, curvatures, betaMax) {
    var best = 0;
    curvatures.forEach(function (lam) {
      var b = Math.pow(1 - Math.sqrt(eta * lam), 2);
      if (b > best) best = b;
    });
    return Math.min(best, betaMax);
  }

  /* ----------------------------------------------------------------- drawing */

  /** matplotlib's RdBu_r (ColorBrewer RdBu reversed), from low to high. */
  var RDBU_R = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7',
    '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'];

  function hexRgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }
  var RDBU_RGB = RDBU_R.map(hexRgb);

  /** The colour of value `v` in [0, 1] on RdBu_r, as [r, g, b]. */
  function colormap(v) {
    var x = Math.min(Math.max(v, 0), 1) * (RDBU_RGB.length - 1);
    var i = Math.min(Math.floor(x), RDBU_RGB.length - 2), f = x - i;
    return RDBU_RGB[i].map(function (low, k) {
      return Math.round(low + f * (RDBU_RGB[i + 1][k] - low));
    });
  }

  function svg(name, attrs, parent) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(el);
    return el;
  }

  function html(name, attrs, parent, text) {
    var el = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  /** "Nice" tick values covering [low, high]. */
  function ticks(low, high, count) {
    var raw = (high - low) / count;
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (s) { return s * mag; })
      .filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) {
      out.push(Math.round(v / step) * step);
    }
    return out;
  }

  function fmt(value, digits) {
    var text = Number(value.toFixed(digits)).toString();
    return text === '-0' ? '0' : text.replace('-', '\u2212');
  }

  /** A number as a reader wants it: fixed for ordinary sizes, scientific for huge ones. */
  function fmtPosition(value) {
    if (!isFinite(value)) return String(value);
    if (Math.abs(value) >= 1e5) return value.toExponential(2).replace('-', '\u2212');
    return value.toFixed(4).replace('-', '\u2212');
  }

  /** A plot area: a data box mapped into an SVG viewBox with margins for the axes. */
  function Frame(parent, box, size, labels, title) {
    this.box = box;
    this.width = size[0];
    this.height = size[1];
    this.margin = { left: 46, right: 10, top: 26, bottom: 38 };
    this.svg = svg('svg', {
      viewBox: '0 0 ' + this.width + ' ' + this.height, role: 'img',
      'class': 'mx-plot', 'aria-label': title
    }, parent);
    svg('title', {}, this.svg).textContent = title;
    this.plotW = this.width - this.margin.left - this.margin.right;
    this.plotH = this.height - this.margin.top - this.margin.bottom;
    this.labels = labels;
  }
  Frame.prototype.x = function (v) {
    return this.margin.left + (v - this.box[0][0]) / (this.box[0][1] - this.box[0][0]) * this.plotW;
  };
  Frame.prototype.y = function (v) {
    return this.margin.top + (this.box[1][1] - v) / (this.box[1][1] - this.box[1][0]) * this.plotH;
  };
  Frame.prototype.clip = function (id) {
    var clip = svg('clipPath', { id: id }, svg('defs', {}, this.svg));
    svg('rect', { x: this.margin.left, y: this.margin.top, width: this.plotW, height: this.plotH }, clip);
    return 'url(#' + id + ')';
  };
  Frame.prototype.axes = function () {
    var g = svg('g', { 'class': 'mx-axes' }, this.svg);
    var self = this;
    svg('rect', {
      x: this.margin.left, y: this.margin.top, width: this.plotW, height: this.plotH,
      'class': 'mx-frame'
    }, g);
    ticks(this.box[0][0], this.box[0][1], 5).forEach(function (v) {
      var x = self.x(v), y = self.margin.top + self.plotH;
      svg('line', { x1: x, x2: x, y1: y, y2: y + 4 }, g);
      svg('text', { x: x, y: y + 15, 'text-anchor': 'middle' }, g).textContent = fmt(v, 2);
    });
    ticks(this.box[1][0], this.box[1][1], 4).forEach(function (v) {
      var y = self.y(v), x = self.margin.left;
      svg('line', { x1: x - 4, x2: x, y1: y, y2: y }, g);
      svg('text', { x: x - 6, y: y + 4, 'text-anchor': 'end' }, g).textContent = fmt(v, 2);
    });
    svg('text', {
      x: this.margin.left + this.plotW / 2, y: this.height - 4, 'text-anchor': 'middle',
      'class': 'mx-label'
    }, g).textContent = this.labels[0];
    svg('text', {
      x: 12, y: this.margin.top + this.plotH / 2, 'text-anchor': 'middle', 'class': 'mx-label',
      transform: 'rotate(-90 12 ' + (this.margin.top + this.plotH / 2) + ')'
    }, g).textContent = this.labels[1];
  };

  /** The part of segment p-q inside the box [x0, x1] x [y0, y1] (Liang-Barsky), or null. */
  function clipSegment(p, q, x0, x1, y0, y1) {
    var dx = q[0] - p[0], dy = q[1] - p[1], t0 = 0, t1 = 1;
    var checks = [[-dx, p[0] - x0], [dx, x1 - p[0]], [-dy, p[1] - y0], [dy, y1 - p[1]]];
    for (var i = 0; i < 4; i++) {
      var a = checks[i][0], b = checks[i][1];
      if (a === 0) {
        if (b < 0) return null;
      } else {
        var r = b / a;
        if (a < 0) { if (r > t1) return null; if (r > t0) t0 = r; }
        else { if (r < t0) return null; if (r < t1) t1 = r; }
      }
    }
    return [[p[0] + t0 * dx, p[1] + t0 * dy], [p[0] + t1 * dx, p[1] + t1 * dy]];
  }

  /* ---------------------------------------------------------------- explorer */

  var counter = 0;

  function Explorer(container, config) {
    this.container = container;
    this.config = config;
    this.id = 'momentum-explorer-' + (++counter);
    this.eta = config.eta;
    this.beta = config.beta;
    this.steps = config.steps;
    this.build();
    this.update();
  }

  Explorer.prototype.slider = function (parent, name, label, range, value) {
    var row = html('div', { 'class': 'mx-slider' }, parent);
    var id = this.id + '-' + name;
    html('label', { 'for': id }, row, label);
    var input = html('input', {
      type: 'range', id: id, min: range[0], max: range[1], step: range[2], value: value
    }, row);
    var output = html('output', { 'for': id }, row);
    return { input: input, output: output };
  };

  Explorer.prototype.build = function () {
    var self = this, cfg = this.config;
    var root = html('div', { 'class': 'mx-root' });
    var controls = html('div', { 'class': 'mx-controls' }, root);
    this.etaSlider = this.slider(controls, 'eta', 'learning rate \u03b7', cfg.sliders.eta, cfg.eta);
    this.betaSlider = this.slider(controls, 'beta', 'momentum \u03b2', cfg.sliders.beta, cfg.beta);
    this.stepsSlider = this.slider(controls, 'steps', 'steps', cfg.sliders.steps, cfg.steps);
    this.etaSlider.input.addEventListener('input', function () {
      self.eta = Number(self.etaSlider.input.value); self.update();
    });
    this.betaSlider.input.addEventListener('input', function () {
      self.beta = Number(self.betaSlider.input.value); self.update();
    });
    this.stepsSlider.input.addEventListener('input', function () {
      self.steps = Number(self.stepsSlider.input.value); self.update();
    });

    var buttons = html('div', { 'class': 'mx-buttons', role: 'group', 'aria-label': 'settings' }, root);
    cfg.presets.forEach(function (preset) {
      var label = preset[1] === 0 ? 'GD, \u03b7 = ' + preset[0]
        : '\u03b7 = ' + preset[0] + ', \u03b2 = ' + preset[1];
      var button = html('button', { type: 'button', 'class': 'mx-preset' }, buttons, label);
      button.addEventListener('click', function () { self.set(preset[0], preset[1]); });
    });
    var best = html('button', { type: 'button', 'class': 'mx-best' }, buttons, 'best \u03b2 for this \u03b7');
    best.addEventListener('click', function () {
      self.set(self.eta, bestBeta(self.eta, cfg.curvatures, cfg.sliders.beta[1]));
    });
    var reset = html('button', { type: 'button', 'class': 'mx-reset' }, buttons, 'reset');
    reset.addEventListener('click', function () { self.set(cfg.eta, cfg.beta, cfg.steps); });

    var panels = html('div', { 'class': 'mx-panels' }, root);
    this.buildTrace(html('div', { 'class': 'mx-panel' }, panels));
    this.buildMap(html('div', { 'class': 'mx-panel' }, panels));
    this.readout = html('div', { 'class': 'mx-readout', 'aria-live': 'polite' }, root);
    this.container.appendChild(root);
  };

  Explorer.prototype.buildTrace = function (parent) {
    var cfg = this.config, lam = cfg.curvatures;
    var f = new Frame(parent, cfg.view, [420, 300], ['x1', 'x2'],
      'Trace of momentum over the contour lines of the objective');
    var clip = f.clip(this.id + '-clip-trace');
    var contours = svg('g', { 'clip-path': clip, 'class': 'mx-contours' }, f.svg);
    var corners = [];
    cfg.view[0].forEach(function (a) {
      cfg.view[1].forEach(function (b) { corners.push(lam[0] / 2 * a * a + lam[1] / 2 * b * b); });
    });
    // The levels k^2 / 2 (those of d2l.explore_momentum()): equally spaced ellipses.
    var top = Math.max.apply(null, corners);
    for (var k = 1; k * k / 2 < top; k++) {
      var level = k * k / 2;
      svg('ellipse', {
        cx: f.x(0), cy: f.y(0),
        rx: Math.sqrt(2 * level / lam[0]) * f.plotW / (cfg.view[0][1] - cfg.view[0][0]),
        ry: Math.sqrt(2 * level / lam[1]) * f.plotH / (cfg.view[1][1] - cfg.view[1][0])
      }, contours);
    }
    svg('circle', { cx: f.x(0), cy: f.y(0), r: 3, 'class': 'mx-minimum' }, f.svg);
    f.axes();
    this.traceGroup = svg('g', { 'clip-path': clip, 'class': 'mx-trace' }, f.svg);
    this.traceFrame = f;
    this.traceCaption = html('p', { 'class': 'mx-caption' }, parent);
  };

  Explorer.prototype.buildMap = function (parent) {
    var cfg = this.config, box = [cfg.map.etaLam, cfg.map.beta];
    var f = new Frame(parent, box, [420, 300], ['\u03b7\u03bb', '\u03b2'],
      'Spectral radius of the momentum matrix over eta times lambda and beta');
    // The map, one cell per 0.02 of eta * lam and 0.01 of beta as in the chapter.
    var nx = Math.round((box[0][1] - box[0][0]) / 0.02) + 1;
    var ny = Math.round((box[1][1] - box[1][0]) / 0.01) + 1;
    var canvas = document.createElement('canvas');
    canvas.width = nx;
    canvas.height = ny;
    var ctx = canvas.getContext('2d');
    var image = ctx.createImageData(nx, ny);
    for (var j = 0; j < ny; j++) {
      var beta = box[1][0] + (box[1][1] - box[1][0]) * j / (ny - 1);
      for (var i = 0; i < nx; i++) {
        var etaLam = box[0][0] + (box[0][1] - box[0][0]) * i / (nx - 1);
        var rgb = colormap(spectralRadius(momentumMatrix(beta, etaLam, 1)) / 2);
        var k = ((ny - 1 - j) * nx + i) * 4;
        image.data[k] = rgb[0]; image.data[k + 1] = rgb[1]; image.data[k + 2] = rgb[2];
        image.data[k + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    svg('image', {
      href: canvas.toDataURL('image/png'), x: f.margin.left, y: f.margin.top,
      width: f.plotW, height: f.plotH, preserveAspectRatio: 'none', 'class': 'mx-heatmap'
    }, f.svg);
    var clip = f.clip(this.id + '-clip-map');
    var b0 = box[1][0], b1 = box[1][1];
    svg('line', {
      x1: f.x(2 + 2 * b0), y1: f.y(b0), x2: f.x(2 + 2 * b1), y2: f.y(b1),
      'class': 'mx-boundary', 'clip-path': clip
    }, f.svg);
    f.axes();
    // Not clipped: a point on the edge (beta = 0) stays whole.
    this.mapPoints = svg('g', { 'class': 'mx-points' }, f.svg);
    this.mapFrame = f;
    var legend = html('p', { 'class': 'mx-caption' }, parent);
    html('span', { 'class': 'mx-swatch mx-swatch-low' }, legend);
    legend.appendChild(document.createTextNode(' \u03c1 = 0 '));
    html('span', { 'class': 'mx-swatch mx-swatch-one' }, legend);
    legend.appendChild(document.createTextNode(' \u03c1 = 1 '));
    html('span', { 'class': 'mx-swatch mx-swatch-high' }, legend);
    legend.appendChild(document.createTextNode(' \u03c1 \u2265 2; dashed: \u03b7\u03bb = 2 + 2\u03b2'));
  };

  /** Move to a setting (the sliders follow; an off-step beta is kept exactly). */
  Explorer.prototype.set = function (eta, beta, steps) {
    this.eta = eta;
    this.beta = beta;
    if (steps !== undefined) this.steps = steps;
    this.etaSlider.input.value = String(this.eta);
    this.betaSlider.input.value = String(this.beta);
    this.stepsSlider.input.value = String(this.steps);
    this.update();
  };

  /** The numbers on show: settings, positions, radii and verdicts. */
  Explorer.prototype.state = function () {
    var self = this, cfg = this.config;
    return {
      eta: this.eta, beta: this.beta, steps: this.steps,
      trace: momentumTrace(cfg.curvatures, cfg.start, this.eta, this.beta, this.steps),
      radii: cfg.curvatures.map(function (lam) {
        return spectralRadius(momentumMatrix(self.beta, self.eta, lam));
      }),
      verdicts: cfg.curvatures.map(function (lam) { return verdict(self.beta, self.eta, lam).text; })
    };
  };

  Explorer.prototype.update = function () {
    var self = this, cfg = this.config, s = this.state();
    var betaDigits = Math.abs(s.beta * 100 - Math.round(s.beta * 100)) < 1e-9 ? 2 : 4;
    this.etaSlider.output.textContent = s.eta.toFixed(2);
    this.betaSlider.output.textContent = s.beta.toFixed(betaDigits);
    this.stepsSlider.output.textContent = String(s.steps);

    // The trace, clipped to the plot.
    var f = this.traceFrame, box = cfg.view;
    while (this.traceGroup.firstChild) this.traceGroup.removeChild(this.traceGroup.firstChild);
    var path = '';
    var leaves = null;
    for (var t = 1; t < s.trace.length; t++) {
      var seg = clipSegment(s.trace[t - 1], s.trace[t], box[0][0], box[0][1], box[1][0], box[1][1]);
      if (seg) {
        path += 'M' + f.x(seg[0][0]).toFixed(2) + ' ' + f.y(seg[0][1]).toFixed(2) +
          'L' + f.x(seg[1][0]).toFixed(2) + ' ' + f.y(seg[1][1]).toFixed(2);
      }
    }
    svg('path', { d: path, 'class': 'mx-trace-line' }, this.traceGroup);
    s.trace.forEach(function (p, k) {
      var inside = p[0] >= box[0][0] && p[0] <= box[0][1] && p[1] >= box[1][0] && p[1] <= box[1][1];
      if (inside) {
        svg('circle', { cx: f.x(p[0]).toFixed(2), cy: f.y(p[1]).toFixed(2), r: 3.2 }, self.traceGroup);
      } else if (leaves === null) {
        leaves = k;
      }
    });
    var last = s.trace[s.trace.length - 1];
    this.traceCaption.textContent = 'After ' + s.steps + (s.steps === 1 ? ' step' : ' steps') +
      ': x1 = ' + fmtPosition(last[0]) + ', x2 = ' + fmtPosition(last[1]) +
      (leaves === null ? '.' : ' (the trace leaves the plot at step ' + leaves + ').');

    // The two points on the map.
    var m = this.mapFrame;
    while (this.mapPoints.firstChild) this.mapPoints.removeChild(this.mapPoints.firstChild);
    cfg.curvatures.forEach(function (lam, i) {
      var x = m.x(s.eta * lam), y = m.y(s.beta);
      svg(i === 0 ? 'circle' : 'rect', i === 0 ? { cx: x, cy: y, r: 6 }
        : { x: x - 5.5, y: y - 5.5, width: 11, height: 11 }, self.mapPoints);
      svg('text', { x: x + 9, y: y - 8, 'class': 'mx-point-label' }, self.mapPoints).textContent = 'x' + (i + 1);
    });

    // The verdicts.
    while (this.readout.firstChild) this.readout.removeChild(this.readout.firstChild);
    var list = html('ul', {}, this.readout);
    cfg.curvatures.forEach(function (lam, i) {
      var item = html('li', { 'class': s.radii[i] < 1 ? 'mx-converges' : 'mx-diverges' }, list);
      html('strong', {}, item, 'x' + (i + 1));
      item.appendChild(document.createTextNode(
        ' (\u03bb = ' + fmt(lam, 4) + ', \u03b7\u03bb = ' + fmt(s.eta * lam, 4) +
        '): spectral radius ' + s.radii[i].toFixed(4) + ', ' + s.verdicts[i] + '.'));
    });
  };

  /* -------------------------------------------------------------- start-up */

  function init() {
    var found = document.querySelectorAll('.momentum-explorer');
    Array.prototype.forEach.call(found, function (container) {
      if (container.momentumExplorer) return;
      var source = container.querySelector('script.momentum-explorer-config');
      container.momentumExplorer = new Explorer(container, JSON.parse(source.textContent));
    });
  }

  window.momentumExplorer = {
    momentumTrace: momentumTrace, momentumMatrix: momentumMatrix,
    spectralRadius: spectralRadius, bestBeta: bestBeta, init: init
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
