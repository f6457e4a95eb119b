// The equilibrium curves, drawn with uPlot: k_t; M_global; and L(x), γ·L(x) against L(G(z)).
// Points arrive with every stats message; charts redraw at most once per animation frame.
import uPlot from '../vendor/uPlot.esm.js';

/** Beyond this many points, every other old point is dropped (the curve's shape survives). */
const MAX_POINTS = 4000;

const COLORS = { k: '#7c3aed', m: '#0f766e', real: '#2563eb', target: '#93c5fd', fake: '#dc2626' };

function chart(element, title, series) {
  const options = {
    title,
    width: element.clientWidth || 320,
    height: 170,
    scales: { x: { time: false } },
    axes: [{ label: 'step', size: 36 }, { size: 52 }],
    legend: { live: true },
    series: [{ label: 'step' }, ...series.map(([label, stroke, dash]) => ({ label, stroke, width: 1.5, dash, points: { show: false } }))],
  };
  return new uPlot(options, [[], ...series.map(() => [])], element);
}

export class Curves {
  constructor(root) {
    this.root = root;
    this.columns = { step: [], k: [], m: [], real: [], target: [], fake: [] };
    this.charts = [
      { plot: chart(root.querySelector('#chart-k'), 'kₜ (how much D pushes fakes away)', [['kₜ', COLORS.k]]), keys: ['k'] },
      { plot: chart(root.querySelector('#chart-m'), 'M_global (falls as the samples improve)', [['M_global', COLORS.m]]), keys: ['m'] },
      {
        plot: chart(root.querySelector('#chart-losses'), 'Reconstruction losses', [
          ['L(x)', COLORS.real],
          ['γ·L(x)', COLORS.target, [4, 3]],
          ['L(G(z))', COLORS.fake],
        ]),
        keys: ['real', 'target', 'fake'],
      },
    ];
    this.pending = false;
    new ResizeObserver(() => this.resize()).observe(root);
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
    if (c.step.length > MAX_POINTS) for (const key of Object.keys(c)) c[key] = c[key].filter((_, i) => i % 2 === 1 || i >= MAX_POINTS / 2);
    this.root.dataset.points = String(c.step.length);
    this.schedule();
  }

  clear() {
    for (const key of Object.keys(this.columns)) this.columns[key] = [];
    this.root.dataset.points = '0';
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
