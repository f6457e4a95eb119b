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

/** The GAN family, BEGAN first: [{name, hint, lr, beta1, beta2, n_critic, clip, penalty}]. */
export const OBJECTIVES = schema.objectives;
export const BEGAN = OBJECTIVES[0].name;

/** The networks' architectures, BEGAN's first: [{name, hint, objectives (those it serves)}]. */
export const ARCHITECTURES = schema.architectures;

/** Whether `arch` can serve `objective`: the schema lists, from Rust's rule, what each serves. */
export function fits(objective, arch) {
  return ARCHITECTURES.find((a) => a.name === arch)?.objectives.includes(objective) ?? false;
}

/** A member's hint and the settings it trains at, for the line under the select. */
export function describe(name) {
  const member = OBJECTIVES.find((m) => m.name === name) ?? OBJECTIVES[0];
  if (member.name === BEGAN) return `${member.hint}. Its γ, λk and mode seeking are below.`;
  const parts = [`Adam lr ${member.lr}, β₁ ${member.beta1}, β₂ ${member.beta2}`];
  if (member.n_critic > 1) parts.push(`${member.n_critic} critic steps per G step`);
  if (member.clip) parts.push(`critic weights clipped to ±${member.clip}`);
  if (member.penalty) parts.push(`gradient penalty λ ${member.penalty}, taken to first order (D's slope along its gradient, by a difference)`);
  return `${member.hint}. D is BEGAN's encoder with one score. ${parts.join('; ')}.`;
}

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
    const select = this.input('objective');
    for (const { name } of OBJECTIVES) select.add(new Option(name === BEGAN ? 'BEGAN (the default)' : name, name));
    select.value = BEGAN;
    // Before the controls' change handler (registered later), so the new model gets the
    // member's learning rate; `restored` undoes it when the user keeps the run instead.
    select.addEventListener('change', () => this.chooseObjective(select.value));
    const arch = this.input('arch');
    for (const { name } of ARCHITECTURES) arch.add(new Option(name === ARCHITECTURES[0].name ? "BEGAN's" : name.toUpperCase(), name));
    arch.addEventListener('change', () => this.showObjective());
    this.showObjective();
  }

  objective() {
    return this.input('objective').value;
  }

  /** A member chosen: its authors' learning rate in the (live) field, and its settings shown. */
  chooseObjective(name) {
    this.lrBefore = this.input('lr').value;
    const member = OBJECTIVES.find((m) => m.name === name);
    if (member) this.input('lr').value = String(member.lr);
    this.read('lr');
    this.showObjective();
  }

  /** Shows the chosen member's hint, and BEGAN's own settings only for BEGAN. */
  showObjective() {
    const name = this.objective();
    this.form.querySelector('#objective-msg').textContent = describe(name);
    for (const group of this.form.querySelectorAll('[data-began-only]')) group.hidden = name !== BEGAN;
    // Neither of an objective and an architecture that do not fit can be chosen with the other.
    const arch = this.input('arch');
    for (const option of arch.options) option.disabled = !fits(name, option.value);
    this.input('objective').querySelector(`option[value="${BEGAN}"]`).disabled = !fits(BEGAN, arch.value);
    const hint = ARCHITECTURES.find((a) => a.name === arch.value)?.hint ?? '';
    this.form.querySelector('#arch-msg').textContent = `${hint[0]?.toUpperCase() ?? ''}${hint.slice(1)}.`;
    this.form.querySelector('#live-legend').textContent = name === BEGAN ? 'Equilibrium (live)' : 'Optimiser (live)';
  }

  /** A preset's partial config in the form: its member (at its learning rate), architecture and size. */
  apply(partial) {
    if (partial.objective) {
      this.input('objective').value = partial.objective;
      this.chooseObjective(partial.objective);
    }
    if (partial.model?.arch) this.input('arch').value = partial.model.arch;
    const fields = { 'batch-size': partial.batch_size, filters: partial.model?.filters, hidden: partial.model?.hidden, lr: partial.lr };
    for (const [id, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      this.input(id).value = String(value);
      this.read(id);
    }
    for (const id of ['objective', 'arch', 'batch-size', 'filters', 'hidden']) this.input(id).dataset.previous = this.input(id).value;
    this.showObjective();
  }

  /** A shape field was put back to `previous` (the user kept the run): the form as it was. */
  restored(id, previous) {
    this.input(id).value = previous;
    if (FIELDS[id]) this.read(id);
    if (id === 'arch') this.showObjective();
    if (id === 'objective') {
      if (this.lrBefore !== undefined) this.input('lr').value = this.lrBefore;
      this.read('lr');
      this.showObjective();
    }
  }

  /** Takes values from the page's URL, e.g. `?dataset=fashion&backend=cpu&filters=4`. */
  fromUrl(search) {
    // The objective first: its learning rate is the default an `lr` in the URL overrides.
    const params = [...new URLSearchParams(search)].sort(([a], [b]) => (b === 'objective') - (a === 'objective'));
    for (const [key, value] of params) {
      const id = key === 'backend' ? 'backend-choice' : key;
      const input = this.form.querySelector(`#${CSS.escape(id)}`);
      if (!input) continue;
      input.value = value;
      if (FIELDS[id]) this.read(id);
      if (id === 'objective') this.chooseObjective(input.value);
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
    // Rust starts from the member's settings (its Adam βs, n_critic); the form's lr is on top.
    partial.objective = this.objective();
    partial.model.arch = this.input('arch').value;
    return partial;
  }

  /** Puts a run's own values (after a resume or a recovery) back into the form. */
  show(config) {
    const select = this.input('objective');
    const arch = this.input('arch');
    if (config.model?.arch && arch !== document.activeElement) arch.value = arch.dataset.previous = config.model.arch;
    if (config.objective && select !== document.activeElement) select.value = select.dataset.previous = config.objective;
    this.showObjective();
    for (const [id, field] of Object.entries(FIELDS)) {
      const value = field.path && field.path.split('.').reduce((group, key) => group?.[key], config);
      if (value === undefined || value === null) continue;
      // A field being typed in keeps what is typed: its change (on blur) builds the model it asks
      // for. Overwritten, it would fire no change, and Start would train the older model.
      if (this.input(id) === document.activeElement) continue;
      this.input(id).value = this.input(id).dataset.previous = String(value);
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
