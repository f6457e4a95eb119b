// The training set of the worker's sessions: fetched and parsed once per dataset, in the worker.
import { Dataset } from '../pkg/began.js';

let data = null; // {name, dataset}: the set parsed last, shared by every session made since

/** The named training set (a wasm Dataset handle), parsed unless it is the one parsed last. */
export async function trainingSet(name) {
  if (data?.name === name) return data.dataset;
  const get = async (file) => {
    const url = new URL(`../data/${name}/${file}`, import.meta.url);
    const response = await fetch(url);
    if (!response.ok) throw Object.assign(new Error(`could not fetch ${name}/${file}: HTTP ${response.status} (run pkg-scripts/fetch-data)`), { name: 'BadData' });
    return new Uint8Array(await response.arrayBuffer());
  };
  const [images, labels] = await Promise.all([get('train-images-idx3-ubyte.gz'), get('train-labels-idx1-ubyte.gz')]);
  const parsed = Dataset.parse(images, labels);
  // Only this handle is dropped: a session still training on the old set keeps its images.
  data?.dataset.free();
  data = { name, dataset: parsed };
  return parsed;
}

/** The set parsed last (what a move times the backends on). */
export const lastParsed = () => data?.dataset;
