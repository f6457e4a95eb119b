// The settings form: defaults, inline validation, and the partial TrainConfig it stands for.
// Rust validates again (TrainConfig::validate); these checks only make the message immediate.

/** Field id → {default, check(value) → message or null}. Defaults are the crate's (config.rs). */
export const FIELDS = {
  gamma: { value: 1.0, check: (x) => (x > 0 && x <= 1 ? null : 'γ must be in (0, 1].') },
  'lambda-k': { value: 0.01, check: (x) => (x >= 0 && x <= 1 ? null : 'λk must be in [0, 1].') },
  lr: { value: 0.0005, check: (x) => (x > 0 && x <= 0.01 ? null : 'The learning rate must be in (0, 0.01].') },
  'mode-seeking': { value: 0.05, check: (x) => (x >= 0 && x <= 1 ? null : 'The mode-seeking weight must be in [0, 1].') },
  'batch-size': { value: 16, check: integer(1, 256, 'The batch size') },
  hidden: { value: 32, check: integer(1, 256, 'Nh') },
  filters: { value: 8, check: integer(1, 64, 'The number of filters') },
  seed: { value: 42, check: integer(0, 2 ** 32 - 1, 'The seed') },
  target: { value: 3000, check: integer(1, 10_000_000, 'The number of steps') },
};

function integer(min, max, what) {
  return (x) => (Number.isInteger(x) && x >= min && x <= max ? null : `${what} must be a whole number from ${min} to ${max}.`);
}

export class Settings {
  constructor(form) {
    this.form = form;
    this.hints = new Map();
    for (const [id, field] of Object.entries(FIELDS)) {
      const input = form.querySelector(`#${id}`);
      input.value = String(field.value);
      this.hints.set(id, form.querySelector(`#${id}-msg`).innerHTML);
    }
  }

  /** Takes values from the page's URL, e.g. `?dataset=fashion&backend=cpu&filters=4`. */
  fromUrl(search) {
    const params = new URLSearchParams(search);
    for (const [key, value] of params) {
      const id = key === 'backend' ? 'backend-choice' : key;
      const input = this.form.querySelector(`#${CSS.escape(id)}`);
      if (!input) continue;
      input.value = value;
      if (FIELDS[id]) this.read(id);
    }
  }

  input(id) {
    return this.form.querySelector(`#${id}`);
  }

  /** The field's number and what is wrong with it (null when nothing), without showing it. */
  peek(id) {
    const input = this.input(id);
    const value = input.value.trim() === '' ? NaN : Number(input.value);
    return { value, problem: Number.isFinite(value) ? FIELDS[id].check(value) : 'Enter a number.' };
  }

  /** The field's number, or null after showing why it is not acceptable. */
  read(id) {
    const input = this.input(id);
    const { value, problem } = this.peek(id);
    const hint = this.form.querySelector(`#${id}-msg`);
    input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    hint.classList.toggle('invalid', Boolean(problem));
    hint.innerHTML = problem ? escape(problem) : this.hints.get(id);
    return problem ? null : value;
  }

  /** True when every field is acceptable (and each shows its message). */
  valid() {
    return Object.keys(FIELDS).map((id) => this.read(id)).every((v) => v !== null);
  }

  live() {
    return { gamma: this.read('gamma'), lambda_k: this.read('lambda-k'), lr: this.read('lr'), mode_seeking: this.read('mode-seeking') };
  }

  dataset() {
    return this.input('dataset').value;
  }

  backend() {
    return this.input('backend-choice').value;
  }

  /** The partial TrainConfig of the form; Rust fills in everything else from its defaults. */
  config() {
    const hidden = this.read('hidden');
    return {
      gamma: this.read('gamma'),
      lambda_k: this.read('lambda-k'),
      lr: this.read('lr'),
      mode_seeking: this.read('mode-seeking'),
      batch_size: this.read('batch-size'),
      seed: this.read('seed'),
      model: { hidden, latent: hidden, filters: this.read('filters') },
    };
  }

  /** Puts a run's own values (after a resume or a recovery) back into the form. */
  show(config) {
    const values = { gamma: config.gamma, 'lambda-k': config.lambda_k, lr: config.lr, 'mode-seeking': config.mode_seeking ?? 0, 'batch-size': config.batch_size, hidden: config.model.hidden, filters: config.model.filters, seed: config.seed };
    for (const [id, value] of Object.entries(values)) {
      // A field being typed in keeps what is typed: its change (on blur) builds the model it asks
      // for. Overwritten, it would fire no change, and Start would train the older model.
      if (this.input(id) === document.activeElement) continue;
      this.input(id).value = String(value);
      this.read(id);
    }
  }
}

function escape(text) {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
}
