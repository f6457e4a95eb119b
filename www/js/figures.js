// The run's figures: the backend badge, the readouts (step, epoch, speed, ETA, k_t, M_global),
// the progress bar, the loss curves and the two pictures, drawn from what the worker sends.
import { Curves } from './charts.js';
import { drawPicture } from '../sampler/picture.js';

const $ = (id) => document.getElementById(id);

export class Figures {
  /** `settings` (settings.js) holds the target and the γ the curves are drawn with at first. */
  constructor(settings) {
    this.settings = settings;
    this.curves = new Curves($('curves'));
    /** γ of the run, for the curves' equilibrium line. */
    this.gamma = settings.live().gamma;
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
    this.progress(step);
    $('k-value').textContent = k.toFixed(4);
  }

  /** The means of the worker's last call. */
  stats(stats) {
    this.progress(stats.step);
    const rate = 1000 / Math.max(stats.ms_per_step, 0.01);
    this.stepsPerSecond = this.stepsPerSecond === null ? rate : 0.8 * this.stepsPerSecond + 0.2 * rate;
    $('epoch').textContent = stats.epoch.toFixed(2);
    $('speed').textContent = this.stepsPerSecond.toFixed(this.stepsPerSecond < 10 ? 2 : 1);
    $('k-value').textContent = stats.k.toFixed(4);
    $('m-global').textContent = stats.m_global.toFixed(4);
    this.curves.add(stats, this.gamma);
    this.progress(stats.step);
  }

  picture(message) {
    drawPicture($(message.kind), message);
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

function duration(seconds) {
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}
