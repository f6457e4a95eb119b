// The run's figures: the backend badge, the readouts (step, epoch, speed, ETA, k_t, M_global),
// the progress bar, the loss curves and the two pictures, drawn from what the worker sends; for
// the family's other members a critic's readouts, curves and scores instead of BEGAN's.
import { Curves } from './charts.js';
import { drawPicture } from '../sampler/picture.js';
import { BEGAN } from './settings.js';

const $ = (id) => document.getElementById(id);

export class Figures {
  /** `settings` (settings.js) holds the target and the γ the curves are drawn with at first. */
  constructor(settings) {
    this.settings = settings;
    this.curves = new Curves($('curves'));
    /** γ of the run, for the curves' equilibrium line. */
    this.gamma = settings.live().gamma;
    /** Whether the run is BEGAN's (an autoencoder D) or another member's (a critic). */
    this.began = true;
    /** A running mean of steps per second, for the speed and the ETA. */
    this.stepsPerSecond = null;
  }

  /** Another run: empty curves and readouts. */
  clear() {
    this.curves.clear();
    this.stepsPerSecond = null;
    for (const [id, text] of [['epoch', '0.00'], ['speed', '–'], ['eta', '–'], ['m-global', '–']]) $(id).textContent = text;
  }

  /** Forgets the curves after `step` (the run went back to it). */
  truncate(step) {
    this.curves.truncate(step);
  }

  /** A session is ready (the worker's `ready`): where it runs, its γ, step and k_t. */
  ready({ backend, threads, reason, config, step, k }) {
    const badge = $('backend');
    badge.textContent = backend === 'webgpu' ? 'WebGPU' : threads > 1 ? `CPU ×${threads}` : 'CPU';
    badge.dataset.backend = backend;
    badge.dataset.threads = backend === 'webgpu' ? '' : threads;
    badge.title = reason;
    badge.setAttribute('aria-label', `Backend: ${reason}`);
    this.gamma = config.gamma;
    this.began = config.objective === BEGAN;
    this.showKind();
    this.progress(step);
    $('k-value').textContent = this.began ? k.toFixed(4) : '–';
  }

  /** BEGAN's readouts, curves and D panel, or a critic's (the family's other members). */
  showKind() {
    const began = this.began;
    this.curves.layout(began ? 'began' : 'critic');
    $('curves-title').textContent = began ? 'Equilibrium' : 'Critic and generator';
    $('k-label').innerHTML = began ? 'k<sub>t</sub>' : 'D(x) − D(G(z))';
    $('k-label').title = began ? '' : "The gap between D's mean scores of real and generated images (WGAN: the critic's estimate of the Wasserstein distance)";
    $('m-label').innerHTML = began ? 'M<sub>global</sub>' : 'L<sub>D</sub>';
    $('m-label').title = began ? '' : "D's loss";
    $('row-labels').innerHTML = began ? '<li>x</li><li>D(x)</li><li>G(z)</li><li>D(G(z))</li>' : '<li>x</li><li>G(z)</li>';
    $('reconstructions').setAttribute('aria-label', began ? 'Real images, their reconstructions by D, generated images and their reconstructions' : "Real images above generated ones; D's score of each below");
    $('recon-caption').textContent = began
      ? 'D is an autoencoder: it should rebuild real images well and fakes less well, by the ratio γ.'
      : 'D is a critic: it gives each image a score, learning to score real images (x) above generated ones (G(z)). Its scores are below, greener the higher.';
    if (began) $('scores').hidden = true;
  }

  /** The means of the worker's last call. */
  stats(stats) {
    this.progress(stats.step);
    const rate = 1000 / Math.max(stats.ms_per_step, 0.01);
    this.stepsPerSecond = this.stepsPerSecond === null ? rate : 0.8 * this.stepsPerSecond + 0.2 * rate;
    $('epoch').textContent = stats.epoch.toFixed(2);
    $('speed').textContent = this.stepsPerSecond.toFixed(this.stepsPerSecond < 10 ? 2 : 1);
    $('k-value').textContent = (this.began ? stats.k : stats.loss_real - stats.loss_fake).toFixed(4);
    $('m-global').textContent = (this.began ? stats.m_global : stats.loss_d).toFixed(4);
    this.curves.add(stats, this.gamma);
    this.progress(stats.step);
  }

  picture(message) {
    drawPicture($(message.kind), message);
    if (message.scores) showScores($('scores'), message.scores);
    if (message.kind === 'samples' && !performance.getEntriesByName('first-sample').length) performance.mark('first-sample');
  }

  /** The step counter, the progress bar and the ETA at `step`, towards the form's target. */
  progress(step) {
    $('step-count').textContent = String(step);
    // Runs with every stats message: peek, so the field's message is not rewritten each time.
    const { value, problem } = this.settings.peek('target');
    const target = problem ? step : value;
    $('progress').value = Math.min(1, step / Math.max(target, 1));
    const left = Math.max(0, target - step);
    $('eta').textContent = left === 0 ? 'done' : this.stepsPerSecond ? duration(left / this.stepsPerSecond) : '–';
  }
}

/**
 * A critic's scores of the panel's images (real first, then as many generated) as two rows of
 * numbers under them, each tinted from red (the lowest shown) to green (the highest).
 */
function showScores(root, scores) {
  const half = scores.length / 2;
  const [low, high] = [Math.min(...scores), Math.max(...scores)];
  const rows = [['D(x)', scores.slice(0, half)], ['D(G(z))', scores.slice(half)]];
  root.replaceChildren(
    ...rows.flatMap(([label, values]) => {
      const name = Object.assign(document.createElement('span'), { className: 'label', textContent: label });
      const list = document.createElement('ol');
      list.dataset.row = label;
      for (const value of values) {
        const t = high > low ? (value - low) / (high - low) : 0.5;
        const cell = Object.assign(document.createElement('li'), { textContent: value.toFixed(2) });
        cell.style.background = `hsl(${Math.round(120 * t)} 70% 88%)`;
        list.append(cell);
      }
      return [name, list];
    }),
  );
  root.hidden = false;
}

function duration(seconds) {
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}
