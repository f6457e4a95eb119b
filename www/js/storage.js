// Keeping work across reloads and sharing it: the autosave in IndexedDB (through idb-keyval) and
// downloads of checkpoints and weights.
import { get, set, del } from '../vendor/idb-keyval.js';

const AUTOSAVE = 'began-autosave';

/**
 * Stores the latest good checkpoint of the run, trained on `data` (the worker's report of its
 * set): {bytes, step, dataset, name, size, channels, savedAt}; name: one's own images'.
 */
export async function autosave(bytes, step, { dataset, name, size, channels }) {
  try {
    await set(AUTOSAVE, { bytes, step, dataset, name, size, channels, savedAt: Date.now() });
  } catch (error) {
    console.warn('autosave failed (private mode or storage full?)', error);
  }
}

/** The autosaved run, or null. */
export async function autosaved() {
  try {
    return (await get(AUTOSAVE)) ?? null;
  } catch {
    return null;
  }
}

export async function forget() {
  try {
    await del(AUTOSAVE);
  } catch {
    // nothing stored, or no IndexedDB: nothing to forget
  }
}

/** Offers `bytes` as a file download. */
export function download(bytes, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "3 min ago" */
export function ago(time) {
  const minutes = Math.round((Date.now() - time) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}
