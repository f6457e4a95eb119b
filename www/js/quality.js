// Sample quality while training: the classifier's verdicts on the samples (from the quality
// worker) as figures, a class histogram, and a warning when the generator starts dropping classes
// (mode collapse). The rules are plain functions, tested on their own (tests/quality-rules.test.mjs).
/** A class is covered when its share is at least a third of uniform (as quality.rs says). */
export const COVERED_SHARE = 1 / 3 / 10;
/** A run that has covered at least this many classes... */
export const COLLAPSE_FROM = 6;
/** ...and then covers this many fewer is collapsing. One class either way is sampling noise. */
export const COLLAPSE_DROP = 2;

export const CLASS_NAMES = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  fashion: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** Indices of the classes a histogram covers. */
export const covered = (histogram) => histogram.flatMap((share, i) => (share >= COVERED_SHARE ? [i] : []));

/**
 * The best judged state: the latest the quality worker called best (Rust's quality::Best, the rule
 * of the CLI's best.safetensors: the most classes covered, then the lowest Fréchet distance).
 */
export function best(history) {
  return history.findLast((entry) => entry.best) ?? null;
}

/**
 * Mode collapse, or null: the latest judgement covers COLLAPSE_DROP or more classes fewer than
 * the best of the run, which covered at least COLLAPSE_FROM. `history` holds {step, coverage,
 * frechet, histogram} in step order. `lost` lists the classes the best covered and the latest does not.
 */
export function collapse(history) {
  const latest = history.at(-1);
  const top = best(history);
  // No best yet: e.g. the only judgements since going back are of states judged before.
  if (!latest || !top || top.coverage < COLLAPSE_FROM || latest.coverage > top.coverage - COLLAPSE_DROP) return null;
  const now = new Set(covered(latest.histogram));
  return { best: top, latest, lost: covered(top.histogram).filter((c) => !now.has(c)) };
}

const $ = (root, testid) => root.querySelector(`[data-testid=${testid}]`);

/** The quality panel: figures, the histogram and the collapse warning. */
export class QualityPanel {
  /** `curve` is the chart (charts.js QualityCurve); `onGoBack(step)` restores the best state. */
  constructor(root, curve, onGoBack) {
    Object.assign(this, { root, curve, history: [], dataset: 'mnist', canGoBack: () => false, every: null });
    $(root, 'go-back').addEventListener('click', () => onGoBack(best(this.history).step));
    this.clear('mnist');
  }

  clear(dataset) {
    this.dataset = dataset;
    this.history = [];
    this.root.dataset.points = '0';
    this.curve.setData([]);
    for (const id of ['coverage', 'frechet', 'kl']) $(this.root, id).textContent = '–';
    // Judging needs a classifier of the dataset's classes: one's own images have none.
    const off = !(dataset in CLASS_NAMES);
    this.root.toggleAttribute('data-off', off);
    document.getElementById('chart-quality').hidden = off;
    $(this.root, 'quality-note').textContent = off
      ? 'Off for your own images: judging samples takes a classifier trained on the classes of the dataset, and your images have none. Watch the samples, and M_global, which falls as they improve.'
      : `Judged ${this.cadence()}, from the first kept state on.`;
    this.drawHistogram(null);
    $(this.root, 'collapse-warning').hidden = true;
  }

  /** Forgets judgements after `step` (the run went back to it). */
  truncate(step) {
    this.history = this.history.filter((entry) => entry.step <= step);
    this.show();
  }

  add(step, quality, classifier) {
    if (this.history.length && step <= this.history.at(-1).step) this.history = this.history.filter((e) => e.step < step);
    this.history.push({ step, ...quality });
    const percent = (classifier.test_accuracy * 100).toFixed(1);
    $(this.root, 'quality-note').textContent =
      `${quality.n} samples judged ${this.cadence()} by a small classifier (${percent}% on the ${classifier.dataset === 'fashion' ? 'Fashion-MNIST' : 'MNIST'} test split).`;
    this.show();
  }

  cadence() {
    return this.every ? `every ${this.every} steps` : 'at every kept state';
  }

  /** No judge: says why, and keeps what was shown. */
  unavailable(message) {
    $(this.root, 'quality-note').textContent = `Sample quality is unavailable: ${message}`;
  }

  show() {
    const latest = this.history.at(-1);
    this.root.dataset.points = String(this.history.length);
    this.curve.setData(this.history);
    $(this.root, 'coverage').textContent = latest ? `${latest.coverage}/10` : '–';
    $(this.root, 'frechet').textContent = latest ? latest.frechet.toFixed(1) : '–';
    $(this.root, 'kl').textContent = latest ? latest.kl_uniform.toFixed(3) : '–';
    this.drawHistogram(latest);
    this.warn(collapse(this.history));
  }

  drawHistogram(latest) {
    const list = $(this.root, 'histogram');
    const names = CLASS_NAMES[this.dataset] ?? CLASS_NAMES.mnist;
    const shares = latest?.histogram ?? names.map(() => 0);
    const top = Math.max(...shares, 1e-9);
    list.replaceChildren(...names.map((name, i) => {
      const item = document.createElement('li');
      item.classList.toggle('missing', Boolean(latest) && shares[i] < COVERED_SHARE);
      item.innerHTML = '<span class="name"></span><span class="bar"><span></span></span><span class="share"></span>';
      item.querySelector('.name').textContent = name;
      item.querySelector('.bar span').style.width = `${(100 * shares[i]) / top}%`;
      item.querySelector('.share').textContent = latest ? `${(100 * shares[i]).toFixed(1)}%` : '';
      return item;
    }));
    list.setAttribute('aria-label', latest ? `Share of samples per class: ${names.map((n, i) => `${n} ${(100 * shares[i]).toFixed(0)}%`).join(', ')}` : 'No samples judged yet');
  }

  warn(found) {
    const box = $(this.root, 'collapse-warning');
    box.hidden = !found;
    if (!found) return;
    const names = CLASS_NAMES[this.dataset] ?? CLASS_NAMES.mnist;
    const lost = found.lost.map((c) => names[c]).join(', ');
    $(this.root, 'collapse-text').textContent =
      `Mode collapse? The samples cover ${found.latest.coverage} of 10 classes at step ${found.latest.step}, down from ${found.best.coverage} at step ${found.best.step}` +
      `${lost ? ` (lost: ${lost})` : ''}. A lower learning rate or a higher γ may help, or go back to the best state.`;
    const button = $(this.root, 'go-back');
    button.textContent = `Go back to step ${found.best.step}`;
    button.hidden = !this.canGoBack(found.best.step);
  }
}
