// The Compare view's one chart: mode coverage (0–10, left axis) and the Fréchet distance (right
// axis) of both runs against the seconds each had trained, drawn with uPlot. The runs are judged
// at different seconds, so their points are joined on one x axis (uPlot.join) and each line spans
// the other run's x values.
import uPlot from '../vendor/uPlot.esm.js';

const HEIGHT = 240;
/** Run A blue, run B orange; coverage solid, the Fréchet distance dashed. */
const COLORS = { a: '#2563eb', b: '#ea580c' };
const LANES = ['a', 'b'];

export class RaceChart {
  constructor(element) {
    this.element = element;
    /** Per run, its judged points {seconds, coverage, frechet}, in step order. */
    this.points = { a: [], b: [] };
    this.names = { a: 'A', b: 'B' };
    this.pending = false;
    this.plot = this.build();
    new ResizeObserver(() => {
      const width = element.clientWidth;
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
    }).observe(element);
  }

  /** Names the runs in the legend (their objectives, and architectures other than BEGAN's); the chart is rebuilt, its points kept. */
  rename(names) {
    if (names.a === this.names.a && names.b === this.names.b) return;
    this.names = { ...names };
    this.plot.destroy();
    this.plot = this.build();
    this.draw();
  }

  build() {
    const points = { show: true, size: 6 };
    const series = LANES.flatMap((lane) => [
      { label: `${this.names[lane]} coverage`, stroke: COLORS[lane], width: 2, scale: 'coverage', spanGaps: true, points },
      { label: `${this.names[lane]} Fréchet`, stroke: COLORS[lane], width: 1.5, dash: [5, 4], scale: 'frechet', spanGaps: true, points },
    ]);
    const options = {
      width: this.element.clientWidth || 480,
      height: HEIGHT,
      scales: { x: { time: false }, coverage: { range: [0, 10] }, frechet: { range: (_, min, max) => [0, Math.max(1, (max ?? 1) * 1.1)] } },
      axes: [
        { label: 'seconds of training', size: 40 },
        { scale: 'coverage', label: 'coverage', size: 44 },
        { scale: 'frechet', label: 'Fréchet', side: 1, size: 56, grid: { show: false } },
      ],
      legend: { live: true },
      series: [{ label: 's', value: (_, v) => (v == null ? '–' : `${v.toFixed(1)} s`) }, ...series],
    };
    return new uPlot(options, [[], [], [], [], []], this.element);
  }

  /** Adds a judged point of `lane` ('a' | 'b'); a re-judged step replaces the later points. */
  add(lane, point) {
    const list = this.points[lane].filter((p) => p.step < point.step);
    list.push(point);
    this.points[lane] = list;
    this.element.dataset[`points${lane.toUpperCase()}`] = String(list.length);
    this.schedule();
  }

  /** Forgets a run's points (it starts over). */
  clear(lane) {
    this.points[lane] = [];
    this.element.dataset[`points${lane.toUpperCase()}`] = '0';
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    // uPlot.join wants each table's x ascending; a run's seconds grow with its steps.
    const tables = LANES.map((lane) => {
      const list = [...this.points[lane]].sort((p, q) => p.seconds - q.seconds);
      return [list.map((p) => p.seconds), list.map((p) => p.coverage), list.map((p) => p.frechet)];
    });
    this.plot.setData(uPlot.join(tables));
  }
}
