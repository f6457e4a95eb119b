// The training worker: owns the wasm modules and the session, runs the loop, answers the page's
// messages and sends it small results (see protocol.js). The training set is training-set.js's,
// the backend choice backend.js's, the wasm build a backend runs in engines.js's. Every call into
// the session goes through `exclusive`, so commands that arrive mid-step wait their turn instead
// of racing it.
import { ToWorker, FromWorker, State, Reason, CALL_MS, DRAW_EVERY_MS } from './protocol.js';
import { chooseBackend, timeSession, onChosen } from './backend.js';
import { trainingSet, currentSetIn, trainOn, lastParsed, useOwn, OWN } from './training-set.js';
import { gatherImages } from './own-images.js';
import { engineFor, singleThread, loaded } from './engines.js';

let trainer = null; // the session; it holds its last good state itself (keep, restore)
let engine = null; // the wasm build it runs in (engines.js): {name, module, memory, threads}
let engineNote = ''; // what the reason adds about that build (its threads)
let chosen = null; // {backend, reason, requested}
let running = false;
let generation = 0; // bumped by every create, so a loop of an older session stops quietly
let target = Infinity;
let chunk = 1; // steps per call, adapted so a call lasts about CALL_MS
let lastDraw = 0;
let queue = Promise.resolve();

const post = (message, transfer = []) => self.postMessage(message, transfer);
const status = (state, message = '') => post({ type: FromWorker.STATUS, state, message });

function exclusive(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

/**
 * The backend `requested` stands for ('auto' is timed on `config` and the set `setIn(engine)`
 * gives, each backend in the build it would run in), as {backend, reason, requested}.
 */
async function choose(requested, config, setIn) {
  if (chosen && chosen.requested === requested && requested !== 'webgpu') return chosen;
  status(State.LOADING, requested === 'auto' ? 'Choosing a backend…' : 'Starting…');
  const timeOn = async (b) => {
    const { engine: there } = await engineFor(b);
    return timeSession(there.module.WebTrainer, b, config, await setIn(there));
  };
  return { ...(await chooseBackend(requested, timeOn)), requested };
}

/**
 * A session on backend `b`, made by `build(WebTrainer, dataset)` in the build `b` runs in, on the
 * set `name` as that build parsed it: {session, engine, note, dataset}.
 */
async function sessionOn(b, name, build) {
  const { engine: there, note } = await engineFor(b);
  const dataset = await trainingSet(name, there);
  return { session: await build(there.module.WebTrainer, dataset), engine: there, note, dataset };
}

/** Decodes one's own images into the set that `create` with their dataset trains on. */
async function gather(message) {
  status(State.LOADING, 'Reading your images…');
  // In the build the run is in, else the one a CPU run would use (what Auto picks without a GPU).
  const by = engine ?? (await engineFor('cpu')).engine;
  const dataset = await gatherImages(message, by.module, (progress) => post({ type: FromWorker.IMAGES_PROGRESS, id: message.id, ...progress }));
  useOwn(dataset, message, by);
  post({ type: FromWorker.IMAGES, id: message.id, report: dataset.report() });
}

async function create({ config, backend, dataset: name, checkpoint, fileName, weights }, mine) {
  status(State.LOADING, name === OWN ? 'Starting…' : `Fetching ${name}…`);
  const choice = await choose(backend, config, (there) => trainingSet(name, there));
  status(State.LOADING, checkpoint ? 'Loading the checkpoint…' : weights ? 'Loading the pretrained model…' : 'Building the model…');
  const make = (b) => sessionOn(b, name, (WebTrainer, dataset) => {
    if (weights) return WebTrainer.from_weights(new Uint8Array(weights), config, b, dataset);
    if (!checkpoint) return WebTrainer.create(config, b, dataset);
    // A checkpoint resumes; an export (weights only) starts a fresh run of `config` from them.
    return WebTrainer.open(new Uint8Array(checkpoint), config, b, dataset, fileName);
  });
  // The new session is built before the current one is dropped: a bad file leaves the run as it was.
  const [next, nextChosen] = await onChosen(choice, make);
  trainer?.free();
  [trainer, engine, engineNote, chosen] = [next.session, next.engine, next.note, nextChosen];
  trainOn(next.dataset, name); // only now: a refused file leaves the run, and its set, as they were
  // A newer create is queued (a field changed again while this model was built): it announces
  // itself, and the page must not start training this one when it hears 'ready'.
  if (mine !== generation) return;
  await announce(); // first: the page starts a new run's display, then judges its first kept state
  await keep();
  await draw();
  status(State.READY, `Ready at step ${trainer.step_count}.`);
}

/** Moves the run, at its step, to another backend; a refused move leaves it where it was. */
async function move(backend) {
  running = false;
  const choice = await choose(backend, trainer.config(), currentSetIn);
  status(State.LOADING, `Moving the run to ${choice.backend === 'webgpu' ? 'WebGPU' : 'the CPU'}…`);
  try {
    [, chosen] = await onChosen(choice, moveTo);
  } finally {
    await announce(); // the backend badge says where the run is, moved or not
  }
  await draw();
  status(State.PAUSED, `Moved; paused at step ${trainer.step_count}.`);
}

/**
 * Moves the session to backend `b`: within its build, or into the other build as checkpoints:
 * the run at its step (every part of the training state, so it goes on as it would have, and its
 * last good state) and the state it holds to go back to. A refused move leaves it where it was.
 */
async function moveTo(b) {
  const { engine: there, note } = await engineFor(b);
  if (there === engine) {
    if (trainer.backend !== b) await trainer.move_to(b);
    engineNote = note;
    return;
  }
  if (lastParsed().name === OWN) status(State.LOADING, 'Reading your images again for the other build…');
  const dataset = await currentSetIn(there);
  const held = trainer.held_state();
  const next = await there.module.WebTrainer.moved_in(await trainer.save(), held?.step, held?.checkpoint, b, dataset);
  trainer.free();
  [trainer, engine, engineNote] = [next, there, note];
  trainOn(dataset, lastParsed().name);
}

/** Back to the held (best judged) state after a collapse; judged again as a kept state. */
async function goBack() {
  running = false;
  await trainer.go_back(trainer.backend);
  await announce();
  await keep();
  await draw();
  status(State.READY, `Back at step ${trainer.step_count}.`);
}

async function announce() {
  const k = await trainer.k();
  const backend = trainer.backend;
  const reason = (backend === chosen.backend ? chosen.reason : `${backend === 'webgpu' ? 'WebGPU' : 'CPU'}: the run stayed here`) + engineNote;
  const data = lastParsed().dataset.trained_on(); // not the report: its skipped list can be long
  post({ type: FromWorker.READY, backend, threads: engine.threads, reason, config: trainer.config(), step: trainer.step_count, k, parses: await parses(), keep_every: engine.module.WebTrainer.keep_every(), data, data_change: trainer.data_change });
}

/** Datasets parsed so far, in every build loaded. */
async function parses() {
  return (await loaded()).reduce((sum, build) => sum + build.module.Dataset.parses(), 0);
}

/**
 * Keeps the current (finite) state as the last good one: the session holds it to go back to;
 * the page gets the checkpoint (its crash copy and autosave) and the generator alone (to judge).
 * Both are transferred, not copied: the worker keeps no bytes of its own.
 */
async function keep() {
  const { step, checkpoint, generator } = await trainer.keep();
  post({ type: FromWorker.CHECKPOINT, bytes: checkpoint.buffer, generator: generator.buffer, step, reason: Reason.KEEP }, [checkpoint.buffer, generator.buffer]);
}

async function draw() {
  lastDraw = performance.now();
  for (const [kind, read] of [['samples', () => trainer.samples()], ['reconstructions', () => trainer.reconstructions()]]) {
    const picture = await read();
    post({ type: FromWorker.PICTURE, kind, ...picture }, [picture.pixels.buffer]);
  }
}

/** One call into wasm: up to `n` steps, then stats, and pictures or a checkpoint when due. */
async function advance(n) {
  const before = trainer.step_count;
  const stats = await trainer.step(Math.max(1, Math.min(n, target - before)));
  post({ type: FromWorker.STATS, stats, memory: (await loaded()).reduce((sum, build) => sum + build.memory.buffer.byteLength, 0) });
  chunk = Math.max(1, Math.min(64, Math.round(CALL_MS / Math.max(stats.ms_per_step, 0.1))));
  const every = engine.module.WebTrainer.keep_every(); // Rust's cadence: began train keeps on the same steps
  if (Math.floor(before / every) !== Math.floor(stats.step / every)) await keep();
  if (performance.now() - lastDraw >= DRAW_EVERY_MS || !running) await draw();
}

async function loop() {
  const mine = generation;
  const current = () => running && mine === generation;
  status(State.RUNNING, 'Training…');
  while (current()) {
    if (trainer.step_count >= target) {
      running = false;
      await exclusive(draw);
      status(State.DONE, `Reached ${target} steps. Raise "Train for" to go on.`);
      return;
    }
    try {
      // Checked again inside: a create or pause may have arrived while this call was queued.
      await exclusive(() => (current() ? advance(chunk) : null));
    } catch (error) {
      await exclusive(() => recover(error));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 0)); // let pause and set messages in
  }
  if (mine === generation) status(State.PAUSED, `Paused at step ${trainer.step_count}.`);
}

/**
 * After a failed step: a diverged run goes back to the last good state on the same backend; a
 * lost or failing GPU device moves to the CPU from that state. Either way training pauses.
 */
async function recover(error) {
  running = false;
  if (error instanceof WebAssembly.RuntimeError) {
    // A trap leaves the module unusable: the page restarts the worker from its crash copy.
    post({ type: FromWorker.ERROR, name: 'Crashed', message: error.message, fatal: true });
    return;
  }
  const toCpu = error.name === 'DeviceError' && trainer?.backend === 'webgpu';
  let recovered = null;
  const kept = trainer?.kept_step;
  if (kept !== undefined) {
    try {
      // From the session's own copy of its last good state: nothing is read from the device.
      await trainer.restore(toCpu ? 'cpu' : trainer.backend);
    } catch (failure) {
      // Nothing left to train here: the page restarts the worker from its own copy.
      post({ type: FromWorker.ERROR, name: 'Crashed', message: `${error.message}; restoring failed too (${failure.message})`, fatal: true });
      return;
    }
    if (toCpu) {
      chosen = { ...chosen, backend: 'cpu', reason: 'CPU: the WebGPU device was lost' };
      // Restored on the WebGPU build's CPU backend; on into the threaded build where there is one.
      await moveTo('cpu').catch((failure) => {
        engineNote = `, one thread: the run could not move to the threaded build (${failure.message})`;
      });
    }
    recovered = `Restored the last good state (step ${kept})${toCpu ? ' on the CPU' : ''}; press Start to continue.`;
    await announce();
    await draw();
  }
  const message = toCpu ? `The WebGPU device was lost or stopped working (${error.message}).` : error.message;
  post({ type: FromWorker.ERROR, name: error.name, message, recovered });
  status(State.PAUSED, `Paused at step ${trainer?.step_count ?? 0}.`);
}

function report(error) {
  post({ type: FromWorker.ERROR, name: error?.name ?? 'Error', message: error?.message ?? String(error), recovered: null });
}

self.onmessage = ({ data: message }) => {
  switch (message.type) {
    case ToWorker.CREATE: {
      running = false;
      const mine = ++generation;
      exclusive(() => create(message, mine)).catch((error) => {
        report(error);
        status(trainer ? State.PAUSED : State.FAILED, trainer ? 'Paused.' : 'No model: fix the problem above, then Reset.');
      });
      break;
    }
    case ToWorker.IMAGES:
      running = false;
      generation++; // the loop stops without a 'paused' of its own: reading images is 'loading'
      exclusive(() => gather(message)).catch((error) => {
        // A trap leaves the module unusable: the page restarts the worker from its crash copy.
        if (error instanceof WebAssembly.RuntimeError) return post({ type: FromWorker.ERROR, name: 'Crashed', message: error.message, fatal: true });
        post({ type: FromWorker.IMAGES_FAILED, id: message.id, name: error?.name ?? 'Error', message: error?.message ?? String(error) });
        status(trainer ? State.PAUSED : State.FAILED, trainer ? `Paused at step ${trainer.step_count}.` : 'No model: choose other images, or another dataset.');
      });
      break;
    case ToWorker.PLAY:
      target = message.target ?? Infinity;
      if (trainer && !running) {
        running = true;
        loop();
      }
      break;
    case ToWorker.PAUSE:
      running = false;
      break;
    case ToWorker.STEP:
      // Queued, so a step asked for while a model is being built runs on that model.
      exclusive(() => {
        if (!trainer || running) return null;
        target = Math.max(target, trainer.step_count + 1);
        return advance(1);
      }).catch((error) => exclusive(() => recover(error)));
      break;
    case ToWorker.MOVE:
      exclusive(() => (trainer ? move(message.backend) : null)).catch((error) => {
        report(error);
        status(trainer ? State.PAUSED : State.FAILED, trainer ? `Paused at step ${trainer.step_count}.` : 'No model: fix the problem above, then Reset.');
      });
      break;
    case ToWorker.HOLD:
      exclusive(() => {
        if (trainer?.hold(message.step)) post({ type: FromWorker.HELD, step: message.step });
      }).catch(report);
      break;
    case ToWorker.GO_BACK:
      exclusive(() => (trainer ? goBack() : null)).catch((error) => {
        report(error);
        status(State.PAUSED, `Paused at step ${trainer.step_count}.`);
      });
      break;
    case ToWorker.SET:
      exclusive(() => trainer?.set_hyperparameters(message.gamma, message.lambda_k, message.lr, message.mode_seeking)).catch(report);
      break;
    case ToWorker.SAVE:
      exclusive(async () => {
        const bytes = await trainer.save();
        post({ type: FromWorker.CHECKPOINT, bytes: bytes.buffer, step: trainer.step_count, reason: message.purpose }, [bytes.buffer]);
      }).catch(report);
      break;
    case ToWorker.EXPORT:
      exclusive(async () => {
        const bytes = await trainer.export();
        post({ type: FromWorker.WEIGHTS, bytes: bytes.buffer, step: trainer.step_count }, [bytes.buffer]);
      }).catch(report);
      break;
    case ToWorker.LOSE_DEVICE:
      singleThread().then((single) => single.module.lose_webgpu_device());
      break;
    default:
      report({ name: 'ProtocolError', message: `unknown message type ${message.type}` });
  }
};

self.addEventListener('unhandledrejection', (event) => report(event.reason));
