// The training curves, drawn with uPlot. BEGAN: k_t; M_global; and L(x), γ·L(x) against
// L(G(z)). The family's other members: D's scores of real and fake, their gap, L_D and L_G.
// Points arrive with every stats message; charts redraw at most once per animation frame.
// Beside them, the sample quality curve: mode coverage and the Fréchet distance, every 200 steps.
import uPlot from '../vendor/uPlot.esm.js';

/** Beyond this many points, every other old point is dropped (the curve's shape survives). */
const MAX_POINTS = 4000;

const COLORS = { k: '#7c3aed', m: '#0f766e', real: '#2563eb', target: '#93c5fd', fake: '#dc2626', coverage: '#16a34a', frechet: '#ea580c' };

/** `series`: [label, stroke, dash?, extra options?]; `more`: options merged in (scales, axes). */
function chart(element, title, series, more = {}) {
  const options = {
    title,
    width: element.clientWidth || 320,
    height: 170,
    scales: { x: { time: false } },
    axes: [{ label: 'step', size: 36 }, { size: 52 }],
    legend: { live: true },
    series: [{ label: 'step' }, ...series.map(([label, stroke, dash, extra]) => ({ label, stroke, width: 1.5, dash, points: { show: false }, ...extra }))],
    ...more,
  };
  return new uPlot(options, [[], ...series.map(() => [])], element);
}

/** Mode coverage (0–10, left axis) and the Fréchet distance (right axis) against steps. */
export class QualityCurve {
  constructor(element) {
    const points = { show: true, size: 5 };
    this.plot = chart(element, 'Sample quality (classifier)', [
      ['coverage (of 10)', COLORS.coverage, undefined, { scale: 'coverage', points }],
      ['Fréchet distance', COLORS.frechet, [4, 3], { scale: 'frechet', points }],
    ], {
      scales: { x: { time: false }, coverage: { range: [0, 10] }, frechet: { range: (_, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ label: 'step', size: 36 }, { scale: 'coverage', size: 36 }, { scale: 'frechet', side: 1, size: 52, grid: { show: false } }],
    });
    new ResizeObserver(() => {
      const width = element.clientWidth;
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: 170 });
    }).observe(element);
  }

  /** `history`: [{step, coverage, frechet}] in step order. */
  setData(history) {
    this.plot.setData([history.map((e) => e.step), history.map((e) => e.coverage), history.map((e) => e.frechet)]);
  }
}

/**
 * The charts of each kind of run. BEGAN: its equilibrium (k_t, M_global, the reconstruction
 * losses). Another member (a critic D): D's mean scores, their gap (for WGAN the critic's
 * Wasserstein estimate) and the two losses. Each: [element id, title, series, column keys].
 */
const LAYOUTS = {
  began: [
    ['chart-k', 'kₜ (how much D pushes fakes away)', [['kₜ', COLORS.k]], ['k']],
    ['chart-m', 'M_global (falls as the samples improve)', [['M_global', COLORS.m]], ['m']],
    ['chart-losses', 'Reconstruction losses', [['L(x)', COLORS.real], ['γ·L(x)', COLORS.target, [4, 3]], ['L(G(z))', COLORS.fake]], ['real', 'target', 'fake']],
  ],
  critic: [
    ['chart-k', "D's mean score of real and generated images", [['D(x)', COLORS.real], ['D(G(z))', COLORS.fake]], ['real', 'fake']],
    ['chart-m', 'D(x) − D(G(z)) (for WGAN: its estimate of the distance)', [['gap', COLORS.m]], ['gap']],
    ['chart-losses', 'Losses', [['L_D', COLORS.k], ['L_G', COLORS.fake]], ['d', 'g']],
  ],
};

export class Curves {
  constructor(root) {
    this.root = root;
    this.columns = { step: [], k: [], m: [], real: [], target: [], fake: [], gap: [], d: [], g: [] };
    this.charts = [];
    this.layout('began');
    this.pending = false;
    new ResizeObserver(() => this.resize()).observe(root);
  }

  /** The charts for `kind`, 'began' or 'critic' (the family's other members); drawn anew on a change. */
  layout(kind) {
    if (kind === this.kind) return;
    this.kind = kind;
    for (const { plot } of this.charts) plot.destroy();
    this.charts = LAYOUTS[kind].map(([id, title, series, keys]) => ({ plot: chart(this.root.querySelector(`#${id}`), title, series), keys }));
    this.root.dataset.layout = kind;
    this.schedule();
  }

  /** Adds one point from a stats message; `gamma` is the γ in force. */
  add(stats, gamma) {
    const c = this.columns;
    c.step.push(stats.step);
    c.k.push(stats.k);
    c.m.push(stats.m_global);
    c.real.push(stats.loss_real);
    c.target.push(gamma * stats.loss_real);
    c.fake.push(stats.loss_fake);
    c.gap.push(stats.loss_real - stats.loss_fake);
    c.d.push(stats.loss_d);
    c.g.push(stats.loss_g);
    if (c.step.length > MAX_POINTS) for (const key of Object.keys(c)) c[key] = c[key].filter((_, i) => i % 2 === 1 || i >= MAX_POINTS / 2);
    this.root.dataset.points = String(c.step.length);
    this.schedule();
  }

  clear() {
    this.truncate(-1);
  }

  /** Drops the points after `step` (the run went back to it). */
  truncate(step) {
    const keep = this.columns.step.filter((s) => s <= step).length;
    for (const key of Object.keys(this.columns)) this.columns[key] = this.columns[key].slice(0, keep);
    this.root.dataset.points = String(keep);
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      for (const { plot, keys } of this.charts) plot.setData([this.columns.step, ...keys.map((k) => this.columns[k])]);
    });
  }

  resize() {
    for (const { plot } of this.charts) {
      const width = plot.root.parentElement.clientWidth;
      if (width > 0 && width !== plot.width) plot.setSize({ width, height: 170 });
    }
  }
}
