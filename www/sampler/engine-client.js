// The page's side of the widget's engine (engine.js): one Web Worker shared by every
// <began-sampler> on the page, or the engine in the page itself where no worker can start.

/**
 * engine.js in a Web Worker shared by every widget on the page, or in the page where no worker
 * can start. `call(op, args)` resolves to the engine's answer or rejects with its error.
 */
class Engine {
  #worker = null;
  #pending = new Map(); // id → {op, args, resolve, reject}
  #next = 0;
  #answered = false; // the worker has answered once: it started
  #inPage = null;

  constructor() {
    try {
      // A worker must have the page's origin, and this script may be on another (a CDN): start
      // it from a blob that imports the real one (which CORS allows, as for this script).
      const url = new URL('./worker.js', import.meta.url).href;
      const blob = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};`], { type: 'text/javascript' }));
      this.#worker = new Worker(blob, { type: 'module', name: 'began-sampler' });
      this.#worker.addEventListener('message', ({ data }) => this.#answer(data));
      this.#worker.addEventListener('error', (e) => {
        e.preventDefault();
        this.#lost();
      });
    } catch {
      this.#worker = null; // e.g. a Content-Security-Policy that forbids it: compute in the page
    }
  }

  call(op, args) {
    if (!this.#worker) {
      this.#inPage ??= import('./engine.js');
      return this.#inPage.then((engine) => engine[op](args));
    }
    return new Promise((resolve, reject) => {
      const id = ++this.#next;
      this.#pending.set(id, { op, args, resolve, reject });
      this.#worker.postMessage({ id, op, args });
    });
  }

  #answer({ id, result, error }) {
    this.#answered = true;
    const call = this.#pending.get(id);
    this.#pending.delete(id);
    if (error) call?.reject(named(error.name, error.message));
    else call?.resolve(result);
  }

  /** The worker failed: before its first answer it never started, so the page computes instead. */
  #lost() {
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    this.#worker.terminate();
    this.#worker = null;
    for (const { op, args, resolve, reject } of calls) {
      if (this.#answered) reject(named('DeviceError', "the sampler's worker stopped; try again"));
      else this.call(op, args).then(resolve, reject);
    }
  }
}

let engine = null;
/** The page's one engine, started when a widget first comes near the viewport. */
export const sharedEngine = () => (engine ??= new Engine());

export function named(name, message) {
  return Object.assign(new Error(message), { name });
}
