// The Compare view (compare.html): two runs of the GAN family race on the same data and seed,
// each in its own training worker (compare-lane.js, on run.js's Run), each judged by its own
// quality worker, both drawn on one chart of sample quality against seconds (compare-chart.js).
// The main thread only draws, so the page stays responsive while both train.
import { FIELDS, OBJECTIVES, ARCHITECTURES, fits } from './settings.js';
import { State } from './protocol.js';
import { Lane } from './compare-lane.js';
import { RaceChart } from './compare-chart.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const DEFAULTS = { a: 'began', b: 'ns' };

// Two runs share the cores: each gets half (at least one), so neither steals the other's threads.
// ?threads=N sets each run's threads instead (the cost of racing is measured that way).
const cores = navigator.hardwareConcurrency || 1;
const threads = Number(params.get('threads')) || Math.max(1, Math.floor(cores / 2));
const each = !self.crossOriginIsolated ? 'one CPU thread (the page is not cross-origin isolated)' : threads === 1 ? 'one CPU thread' : `${threads} CPU threads`;
$('threads-note').textContent =
  `Each run trains in its own worker on ${each}: half of this computer's ${cores} cores, at least one, so the two do not ` +
  'fight over cores. A run alone on the trainer page has them all, so each run here is slower than it would be alone.';

/** The error banner: one line per distinct message until dismissed, so both runs' failures show. */
let errors = [];
function showError(text) {
  if ($('error').hidden) errors = [];
  if (!errors.includes(text)) errors = [...errors, text].slice(-4);
  $('error-text').textContent = errors.join('\n');
  $('error').hidden = false;
}
$('error-close').addEventListener('click', () => ($('error').hidden = true));

// The form: dataset, seed (the schema's range and hint), backend, and each run's objective and
// architecture, as Rust lists them (config-schema.json), e.g. ?b=hinge&arch-b=dcgan.
function fillLane(lane) {
  const objective = fill($(`objective-${lane}`), OBJECTIVES, params.get(lane), DEFAULTS[lane]);
  const arch = fill($(`arch-${lane}`), ARCHITECTURES, params.get(`arch-${lane}`), ARCHITECTURES[0].name);
  // The objective is what the race compares, so it leads: the architectures that cannot serve it
  // are disabled, and one chosen before (or in the URL) gives way to the first that can.
  const show = () => {
    for (const option of arch.options) option.disabled = !fits(objective.value, option.value);
    if (!fits(objective.value, arch.value)) arch.value = ARCHITECTURES.find((a) => fits(objective.value, a.name)).name;
    showHint(objective, OBJECTIVES);
    showHint(arch, ARCHITECTURES);
  };
  objective.addEventListener('change', show);
  arch.addEventListener('change', show);
  show();
}

/** A select of `choices` ({name, hint}) set to `asked` when it is one of them, else `fallback`. */
function fill(select, choices, asked, fallback) {
  for (const { name } of choices) select.add(new Option(name, name));
  select.value = choices.some((c) => c.name === asked) ? asked : fallback;
  return select;
}

const showHint = (select, choices) => ($(`${select.id}-hint`).textContent = choices.find((c) => c.name === select.value)?.hint ?? '');
fillLane('a');
fillLane('b');
$('seed').value = params.get('seed') ?? String(FIELDS.seed.value);
$('seed-msg').textContent = FIELDS.seed.hint;
if (params.has('dataset')) $('dataset').value = params.get('dataset');
if (params.has('backend')) $('backend-choice').value = params.get('backend');

/** The seed, or null after marking the field and saying why. */
function seed() {
  const value = $('seed').value.trim() === '' ? NaN : Number($('seed').value);
  const problem = Number.isFinite(value) ? FIELDS.seed.check(value) : 'Enter a number.';
  $('seed').setAttribute('aria-invalid', problem ? 'true' : 'false');
  $('seed-msg').classList.toggle('invalid', Boolean(problem));
  $('seed-msg').textContent = problem ?? FIELDS.seed.hint;
  return problem ? null : value;
}

const chart = new RaceChart($('chart-race'));
const race = {
  dataset: () => $('dataset').value,
  backend: () => $('backend-choice').value,
  seed,
  status: () => showStatus(),
  cleared: (id) => chart.clear(id),
  judged: (id, point) => chart.add(id, point),
  error: showError,
};
const choice = (id) => ({ objective: $(`objective-${id}`).value, arch: $(`arch-${id}`).value });
const lanes = ['a', 'b'].map((id) => new Lane({ id, race, choice: () => choice(id), threads }));

/** The buttons both runs allow, and body[data-state]: the most pressing of the two states. */
function showStatus() {
  const states = lanes.map((lane) => lane.state);
  const any = (state) => states.includes(state);
  $('start').disabled = states.every((s) => s === State.RUNNING || s === State.FAILED);
  $('pause').disabled = !any(State.RUNNING);
  $('reset').disabled = any(State.LOADING);
  document.body.dataset.state = [State.FAILED, State.LOADING, State.RUNNING, State.PAUSED, State.DONE, State.READY].find(any) ?? State.LOADING;
  chart.rename(Object.fromEntries(lanes.map((lane) => [lane.id, `${lane.id.toUpperCase()} ${lane.name()}`])));
}

/** Both runs start over from the seed, on the form's settings: a fair race starts together. */
function restart() {
  if (seed() === null) return showError('The seed is out of range (marked in red): fix it, and both runs start over.');
  $('error').hidden = true;
  for (const lane of lanes) lane.run.create();
}

$('start').addEventListener('click', () => lanes.forEach((lane) => lane.state !== State.FAILED && lane.run.play()));
$('pause').addEventListener('click', () => lanes.forEach((lane) => lane.run.pause()));
$('reset').addEventListener('click', restart);
for (const id of ['dataset', 'seed', 'backend-choice', 'objective-a', 'objective-b', 'arch-a', 'arch-b']) $(id).addEventListener('change', restart);
$('race-settings').addEventListener('submit', (event) => event.preventDefault());

// ?debug=1: what the tests and the measurements read.
if (params.has('debug')) {
  const byId = Object.fromEntries(lanes.map((lane) => [lane.id, lane]));
  window.compare = {
    /** Each run's whole config, as its worker's `ready` said it. */
    configs: () => Object.fromEntries(lanes.map((lane) => [lane.id, lane.config])),
    /** Each run's judged points {step, seconds, coverage, frechet}. */
    points: () => ({ ...chart.points }),
    /** Each run's ms_per_step of every stats message since it started. */
    msPerStep: () => Object.fromEntries(lanes.map((lane) => [lane.id, [...lane.msPerStep]])),
    /** One run alone: play or pause 'a' or 'b' (measuring a run alone against both racing). */
    play: (id) => byId[id].run.play(),
    pause: (id) => byId[id].run.pause(),
  };
}

for (const lane of lanes) lane.run.start();
restart();
