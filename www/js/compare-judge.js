// One run's judge in the Compare view: its own quality worker (quality-worker.js), which judges
// each kept state's generator and answers with coverage and the Fréchet distance.
//
// Why one quality worker per run, not one shared: the quality worker keeps only the latest
// waiting request and drops older ones, and both runs keep a state every 200 steps, at about the
// same moments when their speeds are alike. Shared, one run's request would often replace the
// other's while a judgement is in flight, and that run's curve would starve; the worker's best-state
// rule (BestState) also starts over whenever the run it hears about changes. With a worker each,
// dropping stale requests stays what it should be (a run outpacing its judge skips states of its
// own) and neither run waits behind the other. The cost: a second wasm instance, its classifier
// and the test split's features, in memory.
import { ToJudge, FromJudge } from './protocol.js';

export class RaceJudge {
  /** `judged(step, quality)` gets each answer; `unavailable(message)` says why there is none. */
  constructor({ judged, unavailable }) {
    Object.assign(this, { judged, unavailable, worker: null, run: 0 });
  }

  /** Another run: answers about the one before are ignored. */
  clear() {
    this.run++;
  }

  /** Sends a kept state's generator (bytes, transferred) to this run's quality worker. */
  judge(step, generator, dataset) {
    if (!this.worker) {
      this.worker = new Worker(new URL('./quality-worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = ({ data }) => this.answer(data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.unavailable(event.message || 'the quality worker stopped');
        this.worker = null; // the next kept state starts a new one
      };
    }
    this.worker.postMessage({ type: ToJudge.JUDGE, run: this.run, step, dataset, weights: generator }, [generator]);
  }

  answer(message) {
    if (message.run !== this.run) return;
    if (message.type === FromJudge.QUALITY) this.judged(message.step, message.quality);
    else if (message.type === FromJudge.UNAVAILABLE) this.unavailable(message.message);
  }
}
