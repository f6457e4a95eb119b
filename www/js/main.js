// The trainer page's main thread: a view of the training worker's status. It wires the run
// (run.js, the worker and its crash copy) to what shows it: figures.js, judging.js, files.js and
// controls.js. Nothing here trains or reads the GPU, so the page stays responsive.
import { Settings } from './settings.js';
import { Run } from './run.js';
import { Figures } from './figures.js';
import { Judging } from './judging.js';
import { wireFiles } from './files.js';
import { wireControls, showStatus, confirmReset } from './controls.js';
import { OwnImages, OWN } from './own-images-picker.js';
import { State } from './protocol.js';
import { wirePresets } from './presets.js';

const $ = (id) => document.getElementById(id);
const settings = new Settings($('settings'));
settings.fromUrl(location.search);

function showError(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}
$('error-close').addEventListener('click', () => ($('error').hidden = true));

/** Something to know that is not an error (e.g. a run resumed on another training set). */
function showNotice(text) {
  $('notice-text').textContent = text;
  $('notice').hidden = false;
}
$('notice-close').addEventListener('click', () => ($('notice').hidden = true));

const figures = new Figures(settings);
/** The whole TrainConfig of the session, as the worker last said (for the ?debug=1 hooks). */
let config = null;
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
    judging.clear(run.data.dataset);
    figures.clear();
  },
  ready: (message) => {
    config = message.config;
    settings.show(message.config);
    figures.ready(message);
    judging.every(message.keep_every);
    if (message.data_change) showNotice(message.data_change);
    own.ready();
  },
  imagesProgress: (message) => own.progress(message),
  imagesGathered: (report, chosen) => own.gathered(report, chosen),
  imagesFailed: (message) => own.failed(message),
  stats: (stats) => figures.stats(stats),
  picture: (message) => figures.picture(message),
  kept: (message) => {
    // One's own images have no classifier to judge samples by: the panel says so instead.
    // Judged as the set the run trains on (the dataset select may show another by now).
    if (run.data.dataset !== OWN) judging.judge(message.step, message.generator, run.data.dataset);
    keeping.kept(message);
  },
  held: (step) => judging.held(step),
  crashed: () => judging.forgetHeld(),
  saved: (message) => keeping.saved(message),
  weights: (message) => keeping.weights(message),
  error: showError,
});
const own = new OwnImages({ run, settings, confirm: confirmReset, showError });
const keeping = wireFiles({ settings, run, own, showError });
wireControls({ settings, run, figures, own, showError });
wirePresets({ settings, run, confirm: confirmReset, showNotice });

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
    // The session's whole config, as Rust filled it in (the objective, its Adam βs, …).
    config: () => config,
  };
}

run.start();
if (own.waiting()) own.prompt();
else if (settings.valid()) run.create();
else run.setState(State.FAILED, 'Fix the settings marked in red, then press Reset.');
keeping.offerAutosave();
