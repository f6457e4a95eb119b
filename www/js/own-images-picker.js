// "Your images" in the page: the drop zone and pickers (a folder, a .zip, or files), the size and
// colour choices, the progress while the worker decodes them, and its report of what was used
// and skipped. The files are read in the training worker (own-images.js); nothing is uploaded.
// The limits shown are Rust's (config-schema.json, written from crate/src/data/own.rs).
import schema from '../config-schema.json' with { type: 'json' };

const $ = (id) => document.getElementById(id);
const LIMITS = schema.own_images;
/** The dataset select's value for one's own images, as Rust names it. */
export const OWN = LIMITS.dataset;
// Set when this module loads, before main.js reads the URL (`?dataset=images`).
document.querySelector('#dataset [data-own]').value = OWN;

export class OwnImages {
  /**
   * `run` (run.js) gathers and trains; `settings` holds the dataset select; `confirm(what)`
   * resolves to true when a run with steps may be replaced; `showError` says what went wrong.
   */
  constructor({ run, settings, confirm, showError }) {
    Object.assign(this, { run, settings, confirm, showError });
    /** The files the worker gathered last ([{path, blob}]) and their name: size and colour re-read them. */
    this.chosen = null;
    /** Files chosen and being read: `chosen` once they are. */
    this.pending = null;
    /** The report of the set the worker holds, once one is gathered. */
    this.report = null;
    /** An autosaved checkpoint to resume once the same images are chosen again. */
    this.resumeBytes = null;
    this.dataset = settings.input('dataset');
    this.setUp();
    this.showPanel();
  }

  setUp() {
    const size = $('own-size');
    for (const side of LIMITS.sizes) size.append(new Option(`${side}×${side}`, String(side), side === LIMITS.default_size, side === LIMITS.default_size));
    const count = (n) => n.toLocaleString('en');
    $('own-limits').textContent =
      `${LIMITS.formats.join(', ')}; ${count(LIMITS.min_images)} to ${count(LIMITS.max_images)} images of at most ${LIMITS.max_file_mb} MB ` +
      `(a zip up to ${count(LIMITS.max_zip_mb)} MB): more would not fit in the tab's memory. Each is centre-cropped to a square. ` +
      'They stay on this computer: nothing is uploaded.';
    this.dataset.addEventListener('change', () => this.showPanel());
    for (const id of ['pick-files', 'pick-folder']) {
      $(id).addEventListener('change', (event) => {
        const files = [...event.target.files].map((file) => ({ path: file.webkitRelativePath || file.name, blob: file }));
        event.target.value = ''; // the same files can be chosen again
        this.choose(files);
      });
    }
    // Files dropped anywhere on the page are one's own images: left to the browser, a dropped
    // image would replace the page, and the run with it.
    const zone = $('drop-zone');
    const files = (event) => event.dataTransfer?.types.includes('Files');
    window.addEventListener('dragover', (event) => {
      if (!files(event)) return;
      event.preventDefault();
      zone.classList.add('over');
    });
    window.addEventListener('dragleave', (event) => event.relatedTarget === null && zone.classList.remove('over'));
    window.addEventListener('drop', async (event) => {
      if (!files(event)) return;
      event.preventDefault();
      zone.classList.remove('over');
      const previous = this.dataset.value;
      const list = await dropped(event.dataTransfer); // reads the drop's items before any await
      this.dataset.value = OWN;
      this.showPanel();
      // Kept the run instead: the dataset select goes back to what it showed.
      if (!(await this.choose(list))) {
        this.dataset.value = previous;
        this.showPanel();
      }
    });
    // The zone takes focus (it is where a prompt sends it): Enter or Space opens the file picker.
    zone.addEventListener('keydown', (event) => {
      if (event.target !== zone || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      $('pick-files').click();
    });
    for (const id of ['own-size', 'own-channels']) {
      const select = $(id);
      select.addEventListener('focus', () => (select.dataset.previous = select.value));
      select.addEventListener('change', async () => {
        if (!this.chosen) return;
        if (this.run.step > 0 && !(await this.confirm(id === 'own-size' ? 'the image size' : 'the colour'))) {
          select.value = select.dataset.previous ?? select.value;
          return;
        }
        this.gather();
      });
    }
  }

  /** Shows the panel while "Your images" is the dataset. */
  showPanel() {
    const own = this.dataset.value === OWN;
    if (!own) this.resumeBytes = null; // the autosave offer was for own images
    $('own-images').hidden = !own;
    // The shipped models draw 28×28 digits and clothes: none starts a run on one's own images.
    $('start-pretrained').disabled = own;
    $('start-pretrained').title = own ? 'No pretrained model for your own images' : '';
  }

  /** True when "Your images" is chosen but none are gathered yet: nothing to build a model on. */
  waiting() {
    return this.dataset.value === OWN && !this.report;
  }

  /** Says what to do when a model is asked for before any images are chosen. */
  prompt(text = 'Choose your images (a folder, a .zip or files) to train on them.') {
    this.showPanel();
    this.status(text);
    // A run on another set pauses and stays until images are chosen; without one, nothing to do.
    if (this.run.data) this.run.pause();
    else this.run.setState('failed', text);
    $('drop-zone').focus();
  }

  /**
   * Files chosen or dropped: read by the worker, unless the user keeps the current run; resolves
   * to whether they are being read.
   */
  async choose(files) {
    // An empty folder too goes to the worker: Rust says what is missing, as for any set.
    if (this.run.step > 0 && !this.resumeBytes && !(await this.confirm('the training set'))) return false;
    this.gather({ files, name: setName(files) });
    return true;
  }

  /** Has the worker read `files` (the chosen ones by default) at the size and colour chosen. */
  gather(files = this.chosen) {
    this.pending = files;
    const channels = $('own-channels').value;
    this.status(`Reading ${files.files.length === 1 ? files.files[0].path : `${files.files.length} files`}…`);
    $('own-progress').hidden = false;
    $('own-progress').removeAttribute('value');
    this.run.gather({ ...files, size: Number($('own-size').value), channels: channels ? Number(channels) : null });
  }

  /** The worker's progress: files looked at of all, images kept, files skipped. */
  progress({ done, total, used, skipped }) {
    const bar = $('own-progress');
    bar.max = Math.max(total, 1);
    bar.value = done;
    this.status(`Decoding: ${done} of ${total} files, ${used} images used, ${skipped} skipped…`);
  }

  /**
   * Gathered: the report, then (when they were just `chosen`, not read again after a crash) a
   * model that draws them, or the autosaved run resumed on them.
   */
  gathered(report, chosen) {
    this.report = report;
    $('own-progress').hidden = true;
    this.showReport(report);
    if (!chosen) return;
    this.chosen = this.pending;
    this.dataset.value = OWN;
    this.showPanel();
    // The autosave is kept until a run is ready on it: a refused resume can be tried again.
    this.run.create(this.resumeBytes ? { checkpoint: this.resumeBytes, fileName: 'the autosaved run' } : {});
  }

  /** A run is ready: an autosave being resumed has been. */
  ready() {
    this.resumeBytes = null;
  }

  /** Nothing usable: the message, and the set before (if any) stays. */
  failed(message) {
    $('own-progress').hidden = true;
    this.status(message, true);
    this.showError(`Your images: ${message}`);
  }

  /**
   * After a reload: resumes the autosaved run on one's own images (`saved`: {bytes, name, size,
   * channels}) once they are chosen again, at the size and colour it was trained at.
   */
  resumeWhenChosen({ bytes, name, size, channels }) {
    this.dataset.value = OWN;
    if (size) $('own-size').value = String(size);
    if (channels) $('own-channels').value = String(channels);
    this.resumeBytes = bytes;
    this.prompt(`Choose your images “${name}” again to resume the run.`);
  }

  showReport({ name, images, size, channels, skipped }) {
    const kind = channels === 1 ? 'grayscale' : 'RGB';
    this.status(`Using ${images.toLocaleString('en')} images from “${name}”, ${size}×${size} ${kind}.${skipped.length ? ` Skipped ${skipped.length}:` : ''}`);
    const details = $('own-skipped');
    details.hidden = skipped.length === 0;
    details.querySelector('summary').textContent = `${skipped.length} file${skipped.length === 1 ? '' : 's'} skipped, and why`;
    details.querySelector('ul').replaceChildren(...skipped.map(({ file, why }) => Object.assign(document.createElement('li'), { textContent: `${file}: ${why}` })));
  }

  status(text, invalid = false) {
    const status = $('own-status');
    status.textContent = text;
    status.classList.toggle('invalid', invalid);
  }
}

/** The files of a drop, folders walked, each with its path in the drop. */
async function dropped(transfer) {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...transfer.files].map((file) => ({ path: file.name, blob: file }));
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      files.push({ path: entry.fullPath.replace(/^\//, ''), blob: file });
      return;
    }
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await walk(child);
    }
  };
  for (const entry of entries) await walk(entry);
  return files;
}

/** A name for the set: the one folder or zip it all comes from, or "your files". */
function setName(files) {
  const tops = new Set(files.map(({ path }) => path.split('/')[0]));
  if (tops.size !== 1) return 'your files';
  const [top] = tops;
  return files.length === 1 || files[0].path.includes('/') ? top.replace(/\.zip$/i, '') : 'your files';
}
