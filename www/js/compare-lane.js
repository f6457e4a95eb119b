// One run of the Compare view: a training worker driven by run.js's `Run`, its own judge
// (compare-judge.js), a clock of the seconds it has trained, and what its panel shows: name,
// backend badge, step, steps/s, seconds, the latest coverage and Fréchet distance, the samples.
import { Run } from './run.js';
import { RaceJudge } from './compare-judge.js';
import { State } from './protocol.js';
import { drawPicture } from '../sampler/picture.js';
import { ARCHITECTURES } from './settings.js';

/** Runs train until paused: the race has no target. */
const NO_TARGET = Number.MAX_SAFE_INTEGER;

/** Wall-clock seconds while the worker says it is running; paused (or loading) time is not counted. */
class Clock {
  constructor() {
    this.reset();
  }

  reset() {
    this.total = 0;
    this.since = null;
  }

  running(on) {
    if (on && this.since === null) this.since = performance.now();
    if (!on && this.since !== null) {
      this.total += performance.now() - this.since;
      this.since = null;
    }
  }

  seconds() {
    return (this.total + (this.since === null ? 0 : performance.now() - this.since)) / 1000;
  }
}

export class Lane {
  /**
   * `id`: 'a' | 'b' (its panel is #lane-<id>); `race` gives what both runs share: dataset(),
   * backend(), seed(), and is told of its changes: status(), judged(id, point), error(text).
   * `choice()` is what this run trains, {objective, arch}; `threads` its worker's CPU threads.
   */
  constructor({ id, race, choice, threads }) {
    Object.assign(this, { id, race, choice });
    this.root = document.getElementById(`lane-${id}`);
    this.clock = new Clock();
    /** The session's whole config, as the worker's `ready` says it. */
    this.config = null;
    /** Every stats message's ms_per_step, for ?debug=1 (the cost of racing, docs/family.md). */
    this.msPerStep = [];
    /** The seconds trained when each kept state arrived, by step: a judged point's x. */
    this.keptAt = new Map();
    this.stepsPerSecond = null;
    this.judge = new RaceJudge({
      judged: (step, quality) => this.judged(step, quality),
      unavailable: (message) => this.race.error(`${this.label()}: sample quality is unavailable: ${message}`),
    });
    const settings = {
      backend: () => race.backend(),
      dataset: () => race.dataset(),
      config: () => {
        const { objective, arch } = this.choice();
        return { objective, seed: race.seed(), model: { arch } };
      },
      read: (field) => (field === 'target' ? NO_TARGET : null),
    };
    this.run = new Run(settings, this.view(), { threads });
  }

  /** 'hinge · dcgan': the objective, and the architecture when it is not BEGAN's (the default). */
  name() {
    const { objective, arch } = this.config ? { objective: this.config.objective, arch: this.config.model.arch } : this.choice();
    return arch === ARCHITECTURES[0].name ? objective : `${objective} · ${arch}`;
  }

  /** 'A (hinge · dcgan)': how messages name this run. */
  label() {
    return `${this.id.toUpperCase()} (${this.name()})`;
  }

  get state() {
    return this.run.state;
  }

  part(role) {
    return this.root.querySelector(`[data-role=${role}]`);
  }

  /** What run.js calls as its worker speaks (see Run's constructor). */
  view() {
    const nothing = () => {};
    return {
      status: (state, text) => this.status(state, text),
      newRun: () => this.newRun(),
      ready: (message) => this.ready(message),
      stats: (stats) => this.stats(stats),
      picture: (message) => message.kind === 'samples' && drawPicture(this.part('samples'), message),
      kept: (message) => this.kept(message),
      error: (text) => this.race.error(`${this.label()}: ${text}`),
      // Nothing held, saved, exported or gathered here; a crashed worker's run goes on (run.js).
      held: nothing, saved: nothing, weights: nothing, crashed: nothing,
      imagesProgress: nothing, imagesGathered: nothing, imagesFailed: nothing,
    };
  }

  status(state, text) {
    this.clock.running(state === State.RUNNING);
    this.root.dataset.state = state;
    this.part('state').textContent = text;
    this.part('elapsed').textContent = this.clock.seconds().toFixed(0);
    this.race.status();
  }

  /** A new session (not a recovery): the clock, the figures and its points start over. */
  newRun() {
    this.clock.reset();
    this.keptAt.clear();
    this.msPerStep = [];
    this.stepsPerSecond = null;
    this.judge.clear();
    this.race.cleared(this.id);
    for (const [role, text] of [['speed', '–'], ['elapsed', '0'], ['coverage', '–'], ['frechet', '–']]) this.part(role).textContent = text;
  }

  ready({ backend, threads, reason, config, step }) {
    this.config = config;
    this.part('name').textContent = this.name();
    const badge = this.part('backend');
    badge.textContent = backend === 'webgpu' ? 'WebGPU' : threads > 1 ? `CPU ×${threads}` : 'CPU';
    badge.dataset.backend = backend;
    badge.title = reason;
    badge.setAttribute('aria-label', `Run ${this.id.toUpperCase()}'s backend: ${reason}`);
    this.part('step').textContent = String(step);
  }

  stats(stats) {
    this.msPerStep.push(stats.ms_per_step);
    const rate = 1000 / Math.max(stats.ms_per_step, 0.01);
    this.stepsPerSecond = this.stepsPerSecond === null ? rate : 0.8 * this.stepsPerSecond + 0.2 * rate;
    this.part('step').textContent = String(stats.step);
    this.part('speed').textContent = this.stepsPerSecond.toFixed(this.stepsPerSecond < 10 ? 2 : 1);
    this.part('elapsed').textContent = this.clock.seconds().toFixed(0);
  }

  /** A kept state: judged on the set the run trains on, at the seconds it had trained by then. */
  kept({ step, generator }) {
    this.keptAt.set(step, this.clock.seconds());
    this.judge.judge(step, generator, this.run.data.dataset);
  }

  judged(step, quality) {
    const seconds = this.keptAt.get(step);
    if (seconds === undefined) return; // a state of a run since replaced
    this.part('coverage').textContent = `${quality.coverage}/10`;
    this.part('frechet').textContent = quality.frechet.toFixed(1);
    this.race.judged(this.id, { step, seconds, coverage: quality.coverage, frechet: quality.frechet });
  }
}
