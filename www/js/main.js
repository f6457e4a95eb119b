// The trainer page's main thread: a view of the training worker's status. It wires the run
// (run.js, the worker and its crash copy) to what shows it: figures.js, judging.js, files.js and
// controls.js. Nothing here trains or reads the GPU, so the page stays responsive.
import { Settings } from './settings.js';
import { Run } from './run.js';
import { Figures } from './figures.js';
import { Judging } from './judging.js';
import { wireFiles } from './files.js';
import { wireControls, showStatus } from './controls.js';
import { State } from './protocol.js';

const $ = (id) => document.getElementById(id);
const settings = new Settings($('settings'));
settings.fromUrl(location.search);

function showError(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}
$('error-close').addEventListener('click', () => ($('error').hidden = true));

const figures = new Figures(settings);
const judging = new Judging({
  hold: (step) => run.hold(step),
  onGoBack: (step) => {
    figures.truncate(step);
    run.goBack();
  },
});
const run = new Run(settings, {
  status: showStatus,
  newRun: () => {
    judging.clear(settings.dataset());
    figures.clear();
  },
  ready: (message) => {
    settings.show(message.config);
    figures.ready(message);
    judging.every(message.keep_every);
  },
  stats: (stats) => figures.stats(stats),
  picture: (message) => figures.picture(message),
  kept: (message) => {
    judging.judge(message.step, message.generator, settings.dataset());
    keeping.kept(message);
  },
  held: (step) => judging.held(step),
  crashed: () => judging.forgetHeld(),
  saved: (message) => keeping.saved(message),
  weights: (message) => keeping.weights(message),
  error: showError,
});
const keeping = wireFiles({ settings, run, showError });
wireControls({ settings, run, figures, showError });

// ?debug=1: hooks for tests and demos of the recovery paths.
if (new URLSearchParams(location.search).has('debug')) {
  window.began = {
    loseDevice: () => run.loseDevice(),
    // Live hyperparameters as given, unchecked by the form (Rust checks them): lr 1e30 makes a
    // run diverge for real.
    setLive: (live) => run.set({ ...settings.live(), ...live }),
    // For pkg-scripts/bench: the training worker's wasm memory and the judgements so far.
    wasmMemory: () => run.memory,
    quality: () => judging.history,
    // Datasets the training worker has parsed: one per dataset, however many sessions.
    parses: () => run.parses,
  };
}

run.start();
if (settings.valid()) run.create();
else run.setState(State.FAILED, 'Fix the settings marked in red, then press Reset.');
keeping.offerAutosave();
