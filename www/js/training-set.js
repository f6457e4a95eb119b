// The training set of the worker's sessions, parsed once and shared by every session made since:
// MNIST or Fashion-MNIST (fetched and parsed in the worker), or one's own images (gathered by
// own-images.js from files the page hands over).
import { Dataset } from '../pkg/began.js';
import schema from '../config-schema.json' with { type: 'json' };

/** The `dataset` of one's own images, as Rust names it (data::OWN). */
export const OWN = schema.own_images.dataset;

let data = null; // {name, dataset}: the set parsed last
let own = null; // the Dataset of one's own images gathered last

let current = null; // the set the worker's sessions train on now
let retired = []; // sets replaced while sessions may still be made on them: freed once they are not current

/** The set the worker's sessions train on from now on (a session was made on it). */
export function trainOn(dataset) {
  current = dataset;
  // Only the handles are dropped: a session still training on old images keeps them.
  for (const handle of retired) if (handle !== current) handle.free();
  retired = retired.filter((handle) => handle === current);
}

/** The named training set (a wasm Dataset handle), parsed unless it is the one parsed last. */
export async function trainingSet(name) {
  if (name === OWN) {
    if (!own) throw Object.assign(new Error('no images of your own yet: drop a folder or a .zip of images, or choose them'), { name: 'BadData' });
    return own;
  }
  if (data?.name === name) return data.dataset;
  const get = async (file) => {
    const url = new URL(`../data/${name}/${file}`, import.meta.url);
    const response = await fetch(url);
    if (!response.ok) throw Object.assign(new Error(`could not fetch ${name}/${file}: HTTP ${response.status} (run pkg-scripts/fetch-data)`), { name: 'BadData' });
    return new Uint8Array(await response.arrayBuffer());
  };
  const [images, labels] = await Promise.all([get('train-images-idx3-ubyte.gz'), get('train-labels-idx1-ubyte.gz')]);
  const parsed = Dataset.parse(images, labels, name);
  // Dropped once no session is made on it any more (a session keeps its own images).
  if (data) retired.push(data.dataset);
  data = { name, dataset: parsed };
  return parsed;
}

/** One's own images, gathered: the set `trainingSet(OWN)` gives from now on. */
export function useOwn(dataset) {
  if (own) retired.push(own);
  own = dataset;
}

/** The set the sessions train on now (what a move times the backends on). */
export const lastParsed = () => current;
