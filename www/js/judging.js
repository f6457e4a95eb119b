// Judging the run: sends each kept state's generator to the quality worker, shows its answers in
// the quality panel (quality.js), has the session hold the best-judged state, and goes back to
// it when the panel's collapse warning is followed. The page keeps no copy of it.
import { ToJudge, FromJudge } from './protocol.js';
import { QualityCurve } from './charts.js';
import { QualityPanel } from './quality.js';

export class Judging {
  /**
   * `hold(step)` asks the session to hold the kept state of `step` (it answers with `held`);
   * `onGoBack(step)` returns the run to the held state.
   */
  constructor({ hold, onGoBack }) {
    this.panel = new QualityPanel(document.getElementById('quality'), new QualityCurve(document.getElementById('chart-quality')), (at) => this.goBack(at));
    this.panel.canGoBack = (at) => this.heldStep === at;
    Object.assign(this, { hold, onGoBack });
    /** The quality worker, started with the first state to judge. */
    this.worker = null;
    /** Tells the answers about this run from those about runs (or steps) since replaced. */
    this.run = 0;
    /** The step of the best-judged state the session holds, to go back to. */
    this.heldStep = null;
  }

  /** The judgements so far, {step, ...quality} in step order. */
  get history() {
    return this.panel.history;
  }

  /** How often the worker keeps (and so judges) a state, in steps, as Rust says. */
  every(steps) {
    this.panel.every = steps;
  }

  /** Another run, on `dataset`: earlier judgements are dropped, and answers about them ignored. */
  clear(dataset) {
    this.run++;
    this.heldStep = null;
    this.panel.clear(dataset);
  }

  /** Sends a kept state's generator (bytes, transferred) to the quality worker. */
  judge(step, generator, dataset) {
    if (!this.worker) {
      this.worker = new Worker(new URL('./quality-worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = ({ data }) => this.judged(data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.panel.unavailable(event.message || 'the quality worker stopped');
        this.worker = null; // the next kept state starts a new one
      };
    }
    this.worker.postMessage({ type: ToJudge.JUDGE, run: this.run, step, dataset, weights: generator }, [generator]);
  }

  judged(message) {
    if (message.run !== this.run) return;
    if (message.type === FromJudge.UNAVAILABLE) return this.panel.unavailable(message.message);
    if (message.type !== FromJudge.QUALITY) return;
    // The quality worker says whether this is the run's best state so far (Rust's rule). Judged
    // states are kept states: the session holds it if it is still its last kept one.
    if (message.best) this.hold(message.step);
    this.panel.add(message.step, { ...message.quality, best: message.best }, message.classifier);
  }

  /** The session holds the state of `step`: the collapse warning may offer to go back to it. */
  held(step) {
    this.heldStep = step;
    this.panel.show();
  }

  /** A new worker holds nothing. */
  forgetHeld() {
    this.heldStep = null;
    this.panel.show();
  }

  /** Back to the best-judged state after a collapse: the session restores the state it holds. */
  goBack(at) {
    if (this.heldStep !== at) return;
    this.run++; // judgements of the abandoned steps are dropped
    this.panel.truncate(at);
    this.onGoBack(at);
  }
}
