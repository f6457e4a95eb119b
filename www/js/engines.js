// The wasm builds a training session can run in, and which one a backend uses. Runs in the worker.
//
// - single (www/pkg/): burn's CPU backend on one thread, and WebGPU;
// - threads (www/pkg-threads/): the CPU backend with its kernels on rayon threads in Web Workers
//   (wasm-bindgen-rayon), without WebGPU (wgpu's WebGPU objects cannot be shared between threads).
//   It needs memory shared between workers, which browsers give only to a cross-origin isolated
//   page (its server sends COOP and COEP: www/_headers), so elsewhere the CPU runs on one thread.
//
// A CPU session runs in the threaded build when it loads, a WebGPU session in the single one. Both
// builds are the same Rust code and the same SIMD: a run is the same bit for bit in either.

/** At most this many threads: a batch of 16 images gives no more than 16 of them work. */
const MAX_THREADS = 16;
/** wasm-bindgen-rayon waits for every thread to say it started; a thread that never does (a
 * browser that refuses nested module workers, memory refused) must not hang the worker. */
const START_MS = 30_000;

/**
 * Threads the threaded build starts: one per core the browser reports (the worker itself waits
 * while they work), or the page's ?threads=N (passed on in the worker's URL); 1 keeps to one.
 */
const ASKED = Number(new URL(self.location.href).searchParams.get('threads'));
const THREADS = Math.max(1, Math.min(ASKED || navigator.hardwareConcurrency || 1, MAX_THREADS));

// An engine is {name, module: the build's exports (WebTrainer, Dataset, …), memory, threads}.
// Each build is loaded on first use: a CPU run in an isolated page never loads the larger one.
let singleEngine = null; // a promise of the single-thread engine
let threadedEngine = null; // a promise of {engine} or {engine: null, why}

/** The single-thread build (WebGPU, and the CPU where threads are not available). */
export function singleThread() {
  singleEngine ??= import('../pkg/began.js').then(async (module) => {
    const wasm = await module.default();
    return { name: 'single', module, memory: wasm.memory, threads: 1 };
  });
  return singleEngine;
}

/** The builds loaded so far. */
export async function loaded() {
  const engines = [singleEngine && (await singleEngine), threadedEngine && (await threadedEngine).engine];
  return engines.filter(Boolean);
}

/** The threaded build, or null and why not: {engine} | {engine: null, why}. Loaded once. */
export function threaded() {
  threadedEngine ??= loadThreaded();
  return threadedEngine;
}

async function loadThreaded() {
  if (!self.crossOriginIsolated) return { engine: null, why: 'the page is not cross-origin isolated (its server sends no COOP/COEP headers)' };
  if (THREADS < 2) return { engine: null, why: ASKED ? 'as asked (?threads=1)' : 'the browser reports one core' };
  try {
    const module = await import('../pkg-threads/began.js');
    const wasm = await module.default();
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`its ${THREADS} threads did not start within ${START_MS / 1000} s`)), START_MS);
    });
    await Promise.race([module.initThreadPool(THREADS), late]).finally(() => clearTimeout(timer));
    return { engine: { name: 'threads', module, memory: wasm.memory, threads: module.cpu_threads() } };
  } catch (error) {
    // A host without the threaded package, or a browser that refuses its shared memory.
    return { engine: null, why: `the threaded build did not load (${error.message})` };
  }
}

/** The engine `backend` ('cpu' | 'webgpu') runs in: {engine, note} with what to add to the reason. */
export async function engineFor(backend) {
  if (backend === 'webgpu') return { engine: await singleThread(), note: '' };
  const { engine, why } = await threaded();
  if (engine) return { engine, note: `, ${engine.threads} threads` };
  return { engine: await singleThread(), note: `, one thread: ${why}` };
}
