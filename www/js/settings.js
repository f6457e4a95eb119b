// The settings form: defaults, inline validation, and the partial TrainConfig it stands for.
// Ranges, defaults, messages and hints are the schema's (crate/src/schema/mod.rs, written to
// config-schema.json), so the form allows what Rust allows; Rust validates again.
import schema from '../config-schema.json' with { type: 'json' };

/** Form id → {value: default, path in TrainConfig (null: not in it), hint, check(value) → message or null}. */
export const FIELDS = Object.fromEntries(
  schema.fields
    .filter((field) => field.form)
    .map((field) => [field.form.id, { value: field.default, path: field.path, hint: field.form.hint, check: (x) => (inRange(field, x) ? null : field.form.message) }]),
);

/** A schema field's range test, as Rust's `Range::contains`. */
export function inRange({ type, min, min_open, max, max_open }, x) {
  if (!Number.isFinite(x) || (type === 'whole' && !Number.isInteger(x))) return false;
  if (min !== null && (min_open ? x <= min : x < min)) return false;
  return max === null || (max_open ? x < max : x <= max);
}

export class Settings {
  constructor(form) {
    this.form = form;
    for (const [id, field] of Object.entries(FIELDS)) {
      form.querySelector(`#${id}`).value = String(field.value);
      form.querySelector(`#${id}-msg`).textContent = field.hint;
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
    hint.textContent = problem ?? FIELDS[id].hint;
    return problem ? null : value;
  }

  /** True when every field is acceptable (and each shows its message). */
  valid() {
    return Object.keys(FIELDS).map((id) => this.read(id)).every((v) => v !== null);
  }

  /** The live fields (marked data-live: applied to a running session) as a partial config. */
  live() {
    const live = {};
    for (const [id, field] of Object.entries(FIELDS)) {
      if (this.input(id).hasAttribute('data-live')) put(live, field.path, this.read(id));
    }
    return live;
  }

  dataset() {
    return this.input('dataset').value;
  }

  backend() {
    return this.input('backend-choice').value;
  }

  /** The partial TrainConfig of the form; Rust fills in everything else from its defaults. */
  config() {
    const partial = {};
    for (const [id, field] of Object.entries(FIELDS)) {
      if (field.path) put(partial, field.path, this.read(id));
    }
    partial.model.latent = partial.model.hidden; // N_z = N_h, as the paper (and the CLI's --hidden)
    return partial;
  }

  /** Puts a run's own values (after a resume or a recovery) back into the form. */
  show(config) {
    for (const [id, field] of Object.entries(FIELDS)) {
      const value = field.path && field.path.split('.').reduce((group, key) => group?.[key], config);
      if (value === undefined || value === null) continue;
      // A field being typed in keeps what is typed: its change (on blur) builds the model it asks
      // for. Overwritten, it would fire no change, and Start would train the older model.
      if (this.input(id) === document.activeElement) continue;
      this.input(id).value = String(value);
      this.read(id);
    }
  }
}

/** Sets `object`'s field at a dotted path (`model.filters`), making the groups on the way. */
function put(object, path, value) {
  const keys = path.split('.');
  const last = keys.pop();
  const group = keys.reduce((at, key) => (at[key] ??= {}), object);
  group[last] = value;
}
