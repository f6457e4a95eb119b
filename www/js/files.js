// Keeping work: checkpoints and exports downloaded, a checkpoint resumed from a file, the shipped
// model fine-tuned, each kept state autosaved, and the autosave offered after a reload. The
// storage itself (IndexedDB, the download link) is storage.js's.
import { Reason } from './protocol.js';
import { OWN } from './own-images-picker.js';
import { autosave, autosaved, forget, download, ago } from './storage.js';

const $ = (id) => document.getElementById(id);

/**
 * Wires the page's file buttons to `run` (run.js); `settings` names the dataset, `own` (the
 * "Your images" panel) resumes a run on one's own images once they are chosen again, `showError`
 * says what went wrong. Returns what the run's view calls: {kept, saved, weights}, and offerAutosave.
 */
export function wireFiles({ settings, run, own, showError }) {
  $('download-checkpoint').addEventListener('click', () => run.save(Reason.DOWNLOAD));
  $('export-generator').addEventListener('click', () => run.exportWeights());
  $('upload-checkpoint').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = ''; // the same file can be chosen again
    if (!file) return;
    // Resumed on the dataset chosen now; a bad file is refused and the current run goes on.
    run.create({ checkpoint: await file.arrayBuffer(), fileName: file.name });
  });
  $('start-pretrained').addEventListener('click', async () => {
    if (settings.dataset() === OWN) return showError('There is no pretrained model for your own images: the shipped ones draw 28×28 MNIST and Fashion-MNIST.');
    const url = `models/${settings.dataset()}.safetensors`;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      run.create({ weights: await response.arrayBuffer() });
    } catch (e) {
      showError(`Could not fetch the shipped model ${url} (${e.message}); the current run goes on.`);
    }
  });

  return {
    /** A kept state (the worker's checkpoint, reason 'keep'): autosaved, past step 0. */
    kept({ bytes, step }) {
      // Saved as the set the run trains on (the dataset select may show another by now).
      if (step > 0 && run.data) autosave(bytes, step, run.data);
    },
    /** A checkpoint asked for by `save`. */
    saved({ bytes, step, reason }) {
      if (reason === Reason.DOWNLOAD) download(bytes, `began-${fileName(run)}-step${step}.safetensors`);
    },
    weights({ bytes, step }) {
      download(bytes, `began-${fileName(run)}-generator-step${step}.safetensors`);
    },
    /** After a reload: offers to resume the autosaved run, or to forget it. */
    async offerAutosave() {
      const saved = await autosaved();
      if (!saved) return;
      const ownImages = saved.dataset === OWN;
      const name = ownImages ? `your images “${saved.name}”` : saved.dataset === 'fashion' ? 'Fashion-MNIST' : 'MNIST';
      const how = ownImages ? ' Resume it (you will be asked for the same images: they are not stored)?' : ' Resume it?';
      $('offer-text').textContent = `Your run on ${name} from ${ago(saved.savedAt)} was saved at step ${saved.step}.${how}`;
      $('resume-offer').hidden = false;
      $('offer-resume').onclick = () => {
        $('resume-offer').hidden = true;
        settings.input('dataset').value = saved.dataset;
        if (ownImages) return own.resumeWhenChosen(saved);
        own.showPanel();
        run.create({ checkpoint: saved.bytes, fileName: 'the autosaved run' });
      };
      $('offer-discard').onclick = () => {
        $('resume-offer').hidden = true;
        forget();
      };
    },
  };
}

/** The run's set in a file name: `mnist`, `fashion`, or the own images' name made safe. */
function fileName(run) {
  const { dataset, name } = run.data ?? { dataset: 'run' };
  return dataset === OWN ? name.replace(/[^\p{L}\p{N}_-]+/gu, '_') : dataset;
}
