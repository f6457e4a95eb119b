// One's own images, in the training worker: files (and the entries of .zip files) decoded by the
// browser, centre-cropped and resized on an OffscreenCanvas, and handed to Rust's
// ImageGathering, which decides what is kept and skipped and why (crate/src/data/own.rs, the
// rules `began train --images` follows). Nothing leaves the machine.
import { unzipSync } from '../vendor/fflate.js';

/** Progress is posted at most this often. */
const PROGRESS_MS = 100;

/**
 * A wasm Dataset of `files` ([{path, blob}]) resized to `size`, in `channels` (1, 3, or null for
 * what the images are), named `name`, made by `wasm` (a build's exports: engines.js).
 * `progress({done, total, used, skipped})` hears how far it is.
 */
export async function gatherImages({ files, name, size, channels }, wasm, progress) {
  const { ImageGathering } = wasm;
  const gathering = new ImageGathering(size);
  try {
    const list = (await expandZips(files, gathering, ImageGathering.ignored)).filter(({ path }) => !ImageGathering.ignored(path));
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)); // as `began train --images` walks a folder
    const canvas = new OffscreenCanvas(size, size);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.imageSmoothingQuality = 'high';
    let said = 0;
    for (const [done, { path, blob }] of list.entries()) {
      if (performance.now() - said > PROGRESS_MS) {
        said = performance.now();
        progress({ done, total: list.length, used: gathering.count, skipped: gathering.skipped });
      }
      // A file can fail to read (moved or changed since it was chosen): it is skipped, saying so.
      let bitmap;
      try {
        const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
        if (!gathering.wants(path, head, blob.size)) continue;
        bitmap = await createImageBitmap(blob);
      } catch (error) {
        if (error instanceof WebAssembly.RuntimeError) throw error;
        gathering.unreadable(path, error.message || String(error));
        continue;
      }
      try {
        const square = gathering.crop(path, bitmap.width, bitmap.height);
        if (!square) continue;
        const [x, y, side] = square;
        context.clearRect(0, 0, size, size);
        context.drawImage(bitmap, x, y, side, side, 0, 0, size, size);
        gathering.push(context.getImageData(0, 0, size, size).data);
      } finally {
        bitmap.close();
      }
    }
    progress({ done: list.length, total: list.length, used: gathering.count, skipped: gathering.skipped });
  } catch (error) {
    gathering.free();
    throw error;
  }
  return gathering.finish(name, channels ?? undefined); // consumes the gathering
}

/** The files, with each .zip replaced by its entries (a corrupt zip is skipped, saying why). */
async function expandZips(files, gathering, ignored) {
  const list = [];
  for (const { path, blob } of files) {
    if (!/\.zip$/i.test(path)) {
      list.push({ path, blob });
      continue;
    }
    if (!gathering.wants_zip(path, blob.size)) continue;
    let entries;
    try {
      // Only entries that are files and not hidden (macOS adds __MACOSX/ and ._ files).
      entries = unzipSync(new Uint8Array(await blob.arrayBuffer()), { filter: (entry) => !entry.name.endsWith('/') && !ignored(entry.name) });
    } catch (error) {
      gathering.unreadable_zip(path, error.message || String(error));
      continue;
    }
    for (const [entry, bytes] of Object.entries(entries)) list.push({ path: `${path}/${entry}`, blob: new Blob([bytes]) });
  }
  return list;
}
