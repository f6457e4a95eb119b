// The trainer page's main thread: sends commands to the worker and draws what it sends back.
// Nothing here trains or reads the GPU, so the page stays responsive while the worker works.
import { ToWorker, FromWorker, ToJudge, FromJudge } from './protocol.js';
import { Settings } from './settings.js';
import { Curves, QualityCurve } from './charts.js';
import { QualityPanel, best } from './quality.js';
import { drawPicture } from '../sampler/picture.js';
import { autosave, autosaved, forget, download, ago } from './storage.js';

const $ = (id) => document.getElementById(id);
const settings = new Settings($('settings'));
settings.fromUrl(location.search);
const curves = new Curves($('curves'));
const quality = new QualityPanel($('quality'), new QualityCurve($('chart-quality')), goBack);
/** The checkpoint of the best-judged state of this run, to go back to on a collapse. */
let bestKept = null;
quality.canGoBack = (at) => bestKept?.step === at;
/** The quality worker, started with the first checkpoint to judge; `run` tells its answers for older runs apart. */
let judgeWorker = null;
let run = 0;
/** Bytes of the training worker's wasm memory, as it last said. */
let wasmMemory = 0;

let worker = null;
let state = 'loading';
let step = 0;
/** The worker's latest checkpoint of a good state; it outlives a crashed worker. */
let lastGood = null;
let gamma = settings.live().gamma;
let stepsPerSecond = null;
/** When the worker last spoke, and how long its calls have been taking (for the watchdog). */
let heardAt = performance.now();
let callMs = 0;
/** A running worker silent for this long (and 20 calls' worth) is stuck, e.g. on a lost GPU. */
const STUCK_MS = 60_000;
/** The next `ready` begins another run: clear the curves and figures. */
let startOver = true;
/** Start was pressed while a model was being built (e.g. the click that blurred an edited field). */
let startWhenReady = false;

function startWorker() {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    heardAt = performance.now();
    handle(data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    crashed(event.message || 'the training worker stopped');
  };
}

/**
 * A new session in the worker: fresh from the form, resumed from checkpoint bytes, or started
 * from the weights of an export. The display starts over when the worker says the session is
 * ready (a refused file leaves it as it was), unless the session `continues` this run (a
 * recovery, a move to another backend).
 */
function create({ checkpoint = null, weights = null, backend = settings.backend(), continues = false } = {}) {
  setState('loading', 'Starting…');
  startOver = !continues;
  const [file, copyWeights] = [checkpoint?.slice(0) ?? null, weights?.slice(0) ?? null];
  const transfer = [file, copyWeights].filter(Boolean);
  worker.postMessage({ type: ToWorker.CREATE, config: settings.config(), backend, dataset: settings.dataset(), checkpoint: file, weights: copyWeights }, transfer);
}

function crashed(message) {
  worker.terminate();
  callMs = 0;
  const from = lastGood ? ` Restarting on the CPU from the last good state (step ${lastGood.step}).` : '';
  showError(`The training worker stopped: ${message}.${from}`);
  startWorker();
  create(lastGood ? { checkpoint: lastGood.bytes, backend: 'cpu', continues: true } : {});
}

function handle(message) {
  switch (message.type) {
    case FromWorker.STATUS:
      setState(message.state, message.message);
      if (message.state === 'ready' && startWhenReady) play();
      break;
    case FromWorker.READY: {
      if (startOver) {
        startOver = false;
        run++;
        bestKept = null;
        quality.clear(settings.dataset());
        curves.clear();
        stepsPerSecond = null;
        for (const [id, text] of [['epoch', '0.00'], ['speed', '–'], ['eta', '–'], ['m-global', '–']]) $(id).textContent = text;
      }
      const badge = $('backend');
      badge.textContent = message.backend === 'webgpu' ? 'WebGPU' : 'CPU';
      badge.dataset.backend = message.backend;
      badge.title = message.reason;
      badge.setAttribute('aria-label', `Backend: ${message.reason}`);
      settings.show(message.config);
      gamma = message.config.gamma;
      showStep(message.step);
      $('k-value').textContent = message.k.toFixed(4);
      break;
    }
    case FromWorker.STATS:
      wasmMemory = message.memory;
      callMs = message.stats.ms_per_step * message.stats.steps;
      showStats(message.stats);
      break;
    case FromWorker.PICTURE:
      drawPicture($(message.kind), message);
      if (message.kind === 'samples' && !performance.getEntriesByName('first-sample').length) performance.mark('first-sample');
      break;
    case FromWorker.CHECKPOINT:
      if (message.reason === 'keep') {
        lastGood = { bytes: message.bytes, step: message.step };
        judge(message.step, message.generator);
        if (message.step > 0) autosave(message.bytes, message.step, settings.dataset());
      }
      if (message.reason === 'download') download(message.bytes, `began-${settings.dataset()}-step${message.step}.safetensors`);
      break;
    case FromWorker.WEIGHTS:
      download(message.bytes, `began-${settings.dataset()}-generator-step${message.step}.safetensors`);
      break;
    case FromWorker.ERROR:
      if (message.fatal) crashed(message.message);
      else showError(`${message.message}${message.recovered ? ` ${message.recovered}` : ''}`);
      break;
  }
}

/** Sends a kept state's generator to the quality worker (started on first use). */
function judge(step, generator) {
  if (!judgeWorker) {
    judgeWorker = new Worker(new URL('./quality-worker.js', import.meta.url), { type: 'module' });
    judgeWorker.onmessage = ({ data }) => judged(data);
    judgeWorker.onerror = (event) => {
      event.preventDefault();
      quality.unavailable(event.message || 'the quality worker stopped');
      judgeWorker = null; // the next export starts a new one
    };
  }
  judgeWorker.postMessage({ type: ToJudge.JUDGE, run, step, dataset: settings.dataset(), weights: generator }, [generator]);
}

function judged(message) {
  if (message.run !== run) return; // about a run that has since been replaced
  if (message.type === FromJudge.UNAVAILABLE) return quality.unavailable(message.message);
  if (message.type !== FromJudge.QUALITY) return;
  // Keep the checkpoint of the best-judged state (judged states are kept states), before the
  // panel draws, so that its warning can offer to go back to it.
  const earlier = quality.history.filter((entry) => entry.step < message.step);
  const top = best([...earlier, { step: message.step, ...message.quality }]);
  if (top.step === message.step && lastGood?.step === message.step) bestKept = { step: message.step, bytes: lastGood.bytes };
  quality.add(message.step, message.quality, message.classifier);
}

/** Back to the best-judged state after a collapse: the run resumes from its checkpoint. */
function goBack(at) {
  if (bestKept?.step !== at) return;
  run++; // judgements of the abandoned steps are dropped
  curves.truncate(at);
  quality.truncate(at);
  worker.postMessage({ type: ToWorker.PAUSE });
  create({ checkpoint: bestKept.bytes, continues: true });
}

function setState(next, text) {
  state = next;
  $('state').textContent = text;
  // Start and Step stay usable while a model is built: Start waits for it, Step is queued behind it.
  $('start').disabled = next === 'failed' || next === 'running';
  $('pause').disabled = next !== 'running';
  $('step').disabled = next === 'failed' || next === 'running';
  $('reset').disabled = next === 'loading';
  document.body.dataset.state = next;
}

function play() {
  const target = settings.read('target');
  startWhenReady = false;
  if (target === null) return showError('The number of steps to train for is out of range (marked in red).');
  if (state === 'loading') {
    startWhenReady = true;
    $('state').textContent = 'Starting as soon as the model is ready…';
    return;
  }
  worker.postMessage({ type: ToWorker.PLAY, target });
}

function showStep(n) {
  step = n;
  $('step-count').textContent = String(n);
  updateProgress();
}

function showStats(stats) {
  showStep(stats.step);
  const rate = 1000 / Math.max(stats.ms_per_step, 0.01);
  stepsPerSecond = stepsPerSecond === null ? rate : 0.8 * stepsPerSecond + 0.2 * rate;
  $('epoch').textContent = stats.epoch.toFixed(2);
  $('speed').textContent = stepsPerSecond.toFixed(stepsPerSecond < 10 ? 2 : 1);
  $('k-value').textContent = stats.k.toFixed(4);
  $('m-global').textContent = stats.m_global.toFixed(4);
  curves.add(stats, gamma);
  updateProgress();
}

function updateProgress() {
  // Runs with every stats message: peek, so the field's message is not rewritten each time.
  const { value, problem } = settings.peek('target');
  const target = problem ? step : value;
  $('progress').value = Math.min(1, step / Math.max(target, 1));
  const left = Math.max(0, target - step);
  $('eta').textContent = left === 0 ? 'done' : stepsPerSecond ? duration(left / stepsPerSecond) : '–';
}

function duration(seconds) {
  const s = Math.round(seconds);
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

function showError(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}

/** Asks before a change that needs a new model; resolves to true to go ahead. */
function confirmReset(what) {
  const dialog = $('confirm');
  $('confirm-text').textContent = `Changing ${what} changes the model, so training starts over from step 0.`;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'reset'), { once: true }));
}

// Controls.
$('start').addEventListener('click', play);
$('pause').addEventListener('click', () => {
  startWhenReady = false;
  worker.postMessage({ type: ToWorker.PAUSE });
});
$('settings').addEventListener('submit', (event) => event.preventDefault());
$('step').addEventListener('click', () => worker.postMessage({ type: ToWorker.STEP }));
$('reset').addEventListener('click', () => {
  if (settings.valid()) create();
  else showError('Some settings are out of range (marked in red): fix them, then press Reset.');
});
$('error-close').addEventListener('click', () => ($('error').hidden = true));
$('target').addEventListener('input', () => {
  settings.read('target'); // the inline message, as the field changes
  updateProgress();
});

// Live hyperparameters: applied when valid, otherwise the message shows and the run is untouched.
for (const input of document.querySelectorAll('[data-live]')) {
  input.addEventListener('change', () => {
    const live = settings.live();
    if (Object.values(live).some((v) => v === null)) return;
    gamma = live.gamma;
    worker.postMessage({ type: ToWorker.SET, ...live });
  });
}

// Shape settings: a new model, after asking if there is training to lose.
for (const input of document.querySelectorAll('[data-shape]')) {
  input.addEventListener('focus', () => (input.dataset.previous = input.value));
  input.addEventListener('change', async () => {
    if (input.type === 'number' && settings.read(input.id) === null) return;
    if (input.id === 'backend-choice' && step > 0) {
      startWhenReady = false;
      worker.postMessage({ type: ToWorker.PAUSE }); // the run moves at its step, and stays this run
      worker.postMessage({ type: ToWorker.MOVE, backend: input.value });
      return;
    }
    const label = document.querySelector(`label[for="${input.id}"]`).textContent.trim();
    if (step > 0 && !(await confirmReset(label.toLowerCase()))) {
      input.value = input.dataset.previous ?? input.value;
      settings.read(input.id);
      return;
    }
    if (settings.valid()) create();
    else showError('Some settings are out of range (marked in red): fix them to build the new model.');
  });
}

// Keeping work: files in and out, and the autosave offered after a reload.
$('download-checkpoint').addEventListener('click', () => worker.postMessage({ type: ToWorker.SAVE, purpose: 'download' }));
$('export-generator').addEventListener('click', () => worker.postMessage({ type: ToWorker.EXPORT }));
$('upload-checkpoint').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  event.target.value = ''; // the same file can be chosen again
  if (!file) return;
  // Resumed on the dataset chosen now; a bad file is refused and the current run goes on.
  create({ checkpoint: await file.arrayBuffer() });
});

$('start-pretrained').addEventListener('click', async () => {
  const url = `models/${settings.dataset()}.safetensors`;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    create({ weights: await response.arrayBuffer() });
  } catch (e) {
    showError(`Could not fetch the shipped model ${url} (${e.message}); the current run goes on.`);
  }
});

async function offerAutosave() {
  const saved = await autosaved();
  if (!saved) return;
  const name = saved.dataset === 'fashion' ? 'Fashion-MNIST' : 'MNIST';
  $('offer-text').textContent = `Your ${name} run from ${ago(saved.savedAt)} was saved at step ${saved.step}. Resume it?`;
  $('resume-offer').hidden = false;
  $('offer-resume').onclick = () => {
    $('resume-offer').hidden = true;
    settings.input('dataset').value = saved.dataset;
    create({ checkpoint: saved.bytes });
  };
  $('offer-discard').onclick = () => {
    $('resume-offer').hidden = true;
    forget();
  };
}

// Space toggles training when focus is not in a field.
document.addEventListener('keydown', (event) => {
  if (event.key !== ' ' || event.target.closest('input, select, button, textarea, dialog')) return;
  event.preventDefault();
  (state === 'running' ? $('pause') : $('start')).click();
});

// The watchdog: a device read that never returns (a lost GPU can do that) must not hang the page.
setInterval(() => {
  if (state === 'running' && performance.now() - heardAt > Math.max(STUCK_MS, 20 * callMs)) {
    crashed(`no answer for ${Math.round((performance.now() - heardAt) / 1000)} s (the device may be lost)`);
  }
}, 5_000);

// ?debug=1: hooks for tests and demos of the recovery paths.
if (new URLSearchParams(location.search).has('debug')) {
  window.began = {
    loseDevice: () => worker.postMessage({ type: ToWorker.LOSE_DEVICE }),
    // Live hyperparameters past the form's own limits (Rust still checks its ranges): lr 1e30
    // makes a run diverge for real.
    setLive: (live) => worker.postMessage({ type: ToWorker.SET, ...settings.live(), ...live }),
    // For pkg-scripts/bench: the training worker's wasm memory and the judgements so far.
    wasmMemory: () => wasmMemory,
    quality: () => quality.history,
  };
}

startWorker();
if (settings.valid()) create();
else setState('failed', 'Fix the settings marked in red, then press Reset.');
offerAutosave();
