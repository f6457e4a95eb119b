// The training worker as the page sees it: starts it, sends it commands, holds its status (state,
// step) and a crash copy of its last kept checkpoint, and restarts it from that copy when it
// crashes or stops answering. Drawing what it says is the view's job (main.js wires one).
import { ToWorker, FromWorker, State, Reason } from './protocol.js';

/** A running worker silent for this long (and 20 calls' worth) is stuck, e.g. on a lost GPU. */
const STUCK_MS = 60_000;
const WATCH_EVERY_MS = 5_000;

export class Run {
  /**
   * `settings` (settings.js) gives each session its config. `view` draws what the worker says:
   * {status(state, text), newRun(), ready(message), stats(stats), picture(message), kept(message),
   * held(step), saved(message), weights(message), error(text), crashed(), imagesProgress(message),
   * imagesGathered(report, chosen), imagesFailed(message)}; newRun comes before
   * the first ready of a run, crashed when a new worker replaces one (what it held is gone).
   * `threads`: the CPU threads its worker may start (?threads=N in the worker's URL), e.g. half
   * the cores each when two runs race (compare.js); null: the page's own ?threads=N, if any.
   */
  constructor(settings, view, { threads = null } = {}) {
    Object.assign(this, { settings, view, threads, worker: null, state: State.LOADING, step: 0 });
    /** The crash copy: the worker's latest kept checkpoint, {bytes, step}; it outlives the worker. */
    this.kept = null;
    /** Bytes of the worker's wasm memory, as it last said. */
    this.memory = 0;
    /** When the worker last spoke, and how long its calls have been taking (for the watchdog). */
    this.heardAt = performance.now();
    this.callMs = 0;
    /** The next `ready` begins another run: the view starts over. */
    this.startOver = true;
    /** Start was pressed while a model was being built (e.g. the click that blurred an edited field). */
    this.startWhenReady = false;
    /** The images the worker gathered last, {files, name, size, channels}: a worker started after a crash gathers them again. */
    this.images = null;
    /** Each gathering's id, and the one whose answer starts a new run (none: a create came since, or a crash). */
    this.gatherings = 0;
    this.awaited = null;
    /** {id: images} asked for and not answered yet. */
    this.asked = new Map();
  }

  /** Starts the worker and the watchdog. */
  start() {
    this.startWorker();
    // A device read that never returns (a lost GPU can do that) must not hang the page.
    setInterval(() => {
      const silent = performance.now() - this.heardAt;
      if (this.state === State.RUNNING && silent > Math.max(STUCK_MS, 20 * this.callMs)) {
        this.crashed(`no answer for ${Math.round(silent / 1000)} s (the device may be lost)`);
      }
    }, WATCH_EVERY_MS);
  }

  startWorker() {
    const url = new URL('./worker.js', import.meta.url);
    // ?threads=N: the CPU backend's threads where the page is isolated (engines.js); 1: none.
    const threads = this.threads ?? new URLSearchParams(location.search).get('threads');
    if (threads) url.searchParams.set('threads', threads);
    this.worker = new Worker(url, { type: 'module' });
    this.worker.onmessage = ({ data }) => {
      this.heardAt = performance.now();
      this.handle(data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.crashed(event.message || 'the training worker stopped');
    };
  }

  send(message, transfer = []) {
    this.worker.postMessage(message, transfer);
  }

  /** One's own images, {files, name, size, channels}, gathered in the worker (see protocol.js). */
  gather(images) {
    this.pause();
    this.setState(State.LOADING, 'Reading your images…');
    this.awaited = this.ask(images);
  }

  /** Sends an `images` message under a new id, which its answers carry. */
  ask(images) {
    const id = ++this.gatherings;
    this.asked.set(id, images);
    this.send({ type: ToWorker.IMAGES, id, ...images });
    return id;
  }

  /**
   * A new session in the worker: fresh from the form, resumed from checkpoint bytes, or started
   * from the weights of an export. The view starts over when the worker says the session is
   * ready (a refused file leaves it as it was), unless the session `continues` this run (a
   * recovery, going back to an earlier state). The bytes are copied: the caller keeps its own.
   */
  create({ checkpoint = null, fileName = undefined, weights = null, backend = this.settings.backend(), dataset = this.settings.dataset(), continues = false } = {}) {
    this.setState(State.LOADING, 'Starting…');
    this.startOver = !continues;
    this.awaited = null; // images still being read are not to start another run when they are
    const [file, copyWeights] = [checkpoint?.slice(0) ?? null, weights?.slice(0) ?? null];
    const transfer = [file, copyWeights].filter(Boolean);
    this.send({ type: ToWorker.CREATE, config: this.settings.config(), backend, dataset, checkpoint: file, fileName, weights: copyWeights }, transfer);
  }

  /** Asks the session to hold the kept state of `step` (the best judged); `held` says it did. */
  hold(step) {
    this.send({ type: ToWorker.HOLD, step });
  }

  /** Back to the held state of this run: the view goes on. */
  goBack() {
    this.pause();
    this.setState(State.LOADING, 'Going back…');
    this.send({ type: ToWorker.GO_BACK });
  }

  play() {
    const target = this.settings.read('target');
    this.startWhenReady = false;
    if (target === null) return this.view.error('The number of steps to train for is out of range (marked in red).');
    if (this.state === State.LOADING) {
      this.startWhenReady = true;
      return this.setState(State.LOADING, 'Starting as soon as the model is ready…');
    }
    this.send({ type: ToWorker.PLAY, target });
  }

  pause() {
    this.startWhenReady = false;
    this.send({ type: ToWorker.PAUSE });
  }

  /** Moves the run, at its step, to `backend`; it stays this run. */
  move(backend) {
    this.pause();
    this.send({ type: ToWorker.MOVE, backend });
  }

  stepOnce() {
    this.send({ type: ToWorker.STEP });
  }

  /** Live hyperparameters: {gamma, lambda_k, lr, mode_seeking}. */
  set(live) {
    this.send({ type: ToWorker.SET, ...live });
  }

  save(purpose) {
    this.send({ type: ToWorker.SAVE, purpose });
  }

  exportWeights() {
    this.send({ type: ToWorker.EXPORT });
  }

  loseDevice() {
    this.send({ type: ToWorker.LOSE_DEVICE });
  }

  setState(next, text) {
    this.state = next;
    this.view.status(next, text);
  }

  /** A new worker, resumed on the CPU from the crash copy (or a fresh run without one). */
  crashed(message) {
    this.worker.terminate();
    this.callMs = 0;
    const from = this.kept ? ` Restarting on the CPU from the last good state (step ${this.kept.step}).` : '';
    this.view.error(`The training worker stopped: ${message}.${from}`);
    this.view.crashed();
    this.startWorker();
    // The new worker has no set of one's own: it reads the same files again first (queued).
    this.asked.clear();
    if (this.images) this.ask(this.images);
    // On the set the run trained on, whatever the dataset select shows now.
    const dataset = this.data?.dataset ?? this.settings.dataset();
    this.create(this.kept ? { checkpoint: this.kept.bytes, backend: 'cpu', dataset, continues: true } : { dataset });
  }

  handle(message) {
    switch (message.type) {
      case FromWorker.STATUS:
        this.setState(message.state, message.message);
        if (message.state === State.READY && this.startWhenReady) this.play();
        break;
      case FromWorker.READY:
        /** The session's training set (Rust's Dataset.report): what its states are saved and judged as. */
        this.data = message.data;
        if (this.startOver) {
          this.startOver = false;
          this.view.newRun();
        }
        this.step = message.step;
        this.parses = message.parses;
        this.view.ready(message);
        break;
      case FromWorker.STATS:
        this.memory = message.memory;
        this.callMs = message.stats.ms_per_step * message.stats.steps;
        this.step = message.stats.step;
        this.view.stats(message.stats);
        break;
      case FromWorker.IMAGES_PROGRESS:
        if (message.id === this.awaited) this.view.imagesProgress(message);
        break;
      case FromWorker.IMAGES: {
        // Only the answer to the latest choice starts a run: not one gathered again after a
        // crash (the crash path created the run), nor one a create has overtaken.
        const chosen = message.id === this.awaited;
        if (chosen) this.awaited = null;
        this.images = this.asked.get(message.id) ?? this.images;
        this.asked.delete(message.id);
        this.view.imagesGathered(message.report, chosen);
        break;
      }
      case FromWorker.IMAGES_FAILED:
        // The set gathered before (if any) is still the worker's.
        if (message.id === this.awaited) this.awaited = null;
        this.asked.delete(message.id);
        this.view.imagesFailed(message.message);
        break;
      case FromWorker.PICTURE:
        this.view.picture(message);
        break;
      case FromWorker.CHECKPOINT:
        if (message.reason === Reason.KEEP) {
          this.kept = { bytes: message.bytes, step: message.step };
          this.view.kept(message);
        } else this.view.saved(message);
        break;
      case FromWorker.HELD:
        this.view.held(message.step);
        break;
      case FromWorker.WEIGHTS:
        this.view.weights(message);
        break;
      case FromWorker.ERROR:
        if (message.fatal) this.crashed(message.message);
        else this.view.error(`${message.message}${message.recovered ? ` ${message.recovered}` : ''}`);
        break;
    }
  }
}
