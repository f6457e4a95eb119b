// The form's presets: "Sharpest in a few minutes" sets the member, architecture and size chosen
// for the backend in use by the rule in docs/family.md (the configs and the reasons are Rust's,
// crate/src/presets.rs, read from config-schema.json), then builds that model.
import schema from '../config-schema.json' with { type: 'json' };

/**
 * Wires the preset button: `run` (run.js) builds the model, `confirm(what)` asks before training
 * is lost, `showNotice(text)` says what was chosen and why.
 */
export function wirePresets({ settings, run, confirm, showNotice }) {
  document.getElementById('preset-sharpest').addEventListener('click', async () => {
    // The backend the run is on; before any run, the one asked for (Auto counts as the CPU).
    const backend = document.getElementById('backend').dataset.backend ?? (settings.backend() === 'webgpu' ? 'webgpu' : 'cpu');
    const preset = schema.presets.find((p) => p.backend === backend) ?? schema.presets[0];
    if (run.step > 0 && !(await confirm('the objective, architecture and size'))) return;
    settings.apply(preset.config);
    if (!settings.valid()) return;
    run.create();
    showNotice(preset.why);
  });
}
