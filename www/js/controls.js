// Run control: the buttons, the Space key and the form's fields, as commands to the run, and
// which buttons each of the worker's states allows.
import { State } from './protocol.js';
import { OWN } from './own-images-picker.js';

const $ = (id) => document.getElementById(id);

/** The worker's state in the page: its text, the buttons it allows, body[data-state]. */
export function showStatus(state, text) {
  $('state').textContent = text;
  // Start and Step stay usable while a model is built: Start waits for it, Step is queued behind it.
  $('start').disabled = state === State.FAILED || state === State.RUNNING;
  $('pause').disabled = state !== State.RUNNING;
  $('step').disabled = state === State.FAILED || state === State.RUNNING;
  $('reset').disabled = state === State.LOADING;
  document.body.dataset.state = state;
}

/**
 * Wires the controls to `run` (run.js); `figures` redraws the progress, `own` (own-images-picker.js)
 * asks for images when "Your images" has none yet, `showError` says what is wrong.
 */
export function wireControls({ settings, run, figures, own, showError }) {
  $('start').addEventListener('click', () => (own.waiting() ? own.prompt() : run.play()));
  $('pause').addEventListener('click', () => run.pause());
  $('step').addEventListener('click', () => run.stepOnce());
  $('reset').addEventListener('click', () => {
    if (own.waiting()) own.prompt();
    else if (settings.valid()) run.create();
    else showError('Some settings are out of range (marked in red): fix them, then press Reset.');
  });
  $('settings').addEventListener('submit', (event) => event.preventDefault());
  $('target').addEventListener('input', () => {
    settings.read('target'); // the inline message, as the field changes
    figures.progress(run.step);
  });

  // Live hyperparameters: applied when valid, otherwise the message shows and the run is untouched.
  for (const input of document.querySelectorAll('[data-live]')) {
    input.addEventListener('change', () => {
      const live = settings.live();
      if (Object.values(live).some((v) => v === null)) return;
      figures.gamma = live.gamma;
      run.set(live);
    });
  }

  // Shape settings: a new model, after asking if there is training to lose; the backend moves the run.
  // `previous` is the value the run has, to put back when the user keeps the run: taken on
  // focus, and at each value a run is built with (a select can change without taking focus).
  for (const input of document.querySelectorAll('[data-shape]')) {
    input.dataset.previous = input.value;
    input.addEventListener('focus', () => (input.dataset.previous = input.value));
    input.addEventListener('change', async () => {
      // Taken now: the dialog below hands focus back to the field as it closes.
      const previous = input.dataset.previous ?? input.value;
      if (input.type === 'number' && settings.read(input.id) === null) return;
      if (input.id === 'backend-choice' && run.step > 0) return run.move(input.value);
      const label = document.querySelector(`label[for="${input.id}"]`).textContent.trim();
      // "Your images" with none chosen yet: the current run stays until they are; back to the
      // set it trains on, it is still there.
      if (own.waiting()) return own.prompt();
      if (input.id === 'dataset' && run.data?.dataset === input.value && input.value !== OWN) return own.showPanel();
      if (run.step > 0 && !(await confirmReset(label.toLowerCase()))) {
        settings.restored(input.id, previous);
        own.showPanel();
        return;
      }
      input.dataset.previous = input.value;
      if (settings.valid()) run.create();
      else showError('Some settings are out of range (marked in red): fix them to build the new model.');
    });
  }

  // Space toggles training when focus is not in a field.
  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.target.closest('input, select, button, textarea, dialog, .drop')) return; // the drop zone's Space opens its picker
    event.preventDefault();
    (run.state === State.RUNNING ? $('pause') : $('start')).click();
  });
}

/** Asks before a change that needs a new model; resolves to true to go ahead. */
export function confirmReset(what) {
  const dialog = $('confirm');
  $('confirm-text').textContent = `Changing ${what} changes the model, so training starts over from step 0.`;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'reset'), { once: true }));
}
