// Judging the run: sends each kept state's generator to the quality worker, shows its answers in
// the quality panel (quality.js), holds the checkpoint of the best-judged state, and goes back
// to it when the panel's collapse warning is followed.
import { ToJudge, FromJudge } from './protocol.js';
import { QualityCurve } from './charts.js';
import { QualityPanel } from './quality.js';

export class Judging {
  /**
   * `lastKept()` is the run's latest kept checkpoint, {bytes, step} or null (the crash copy);
   * `onGoBack(step, bytes)` resumes the run from the best-judged state's checkpoint.
   */
  constructor({ lastKept, onGoBack }) {
    this.panel = new QualityPanel(document.getElementById('quality'), new QualityCurve(document.getElementById('chart-quality')), (at) => this.goBack(at));
    this.panel.canGoBack = (at) => this.best?.step === at;
    Object.assign(this, { lastKept, onGoBack });
    /** The quality worker, started with the first state to judge. */
    this.worker = null;
    /** Tells the answers about this run from those about runs (or steps) since replaced. */
    this.run = 0;
    /** The checkpoint of the best-judged state of this run, {step, bytes}, to go back to. */
    this.best = null;
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
    this.best = null;
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
    // states are kept states: while this one is still the latest kept, its checkpoint is the
    // crash copy. Kept before the panel draws, so that its warning can offer to go back to it.
    const kept = this.lastKept();
    if (message.best && kept?.step === message.step) this.best = { step: message.step, bytes: kept.bytes };
    this.panel.add(message.step, { ...message.quality, best: message.best }, message.classifier);
  }

  /** Back to the best-judged state after a collapse: the run resumes from its checkpoint. */
  goBack(at) {
    if (this.best?.step !== at) return;
    this.run++; // judgements of the abandoned steps are dropped
    this.panel.truncate(at);
    this.onGoBack(at, this.best.bytes);
  }
}
