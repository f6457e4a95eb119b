// The training set of the worker's sessions, parsed once per engine (engines.js) and shared by
// every session made there since: MNIST or Fashion-MNIST (fetched once, parsed in the worker), or
// one's own images (gathered by own-images.js from files the page hands over, and gathered again
// from the same files if a session moves to the other engine).
import schema from '../config-schema.json' with { type: 'json' };
import { gatherImages } from './own-images.js';

/** The `dataset` of one's own images, as Rust names it (data::OWN). */
export const OWN = schema.own_images.dataset;

let files = null; // {name, images, labels}: the named set's files, fetched last
let parsed = new Map(); // engine → Dataset handle of `files`
let own = null; // {request, sets: Map(engine → Dataset handle)}: one's own images, gathered last
let ownInUse = null; // the `own` the sessions train on now, if they train on one's own images

let current = null; // the set the worker's sessions train on now
let currentName = null; // and its name ('mnist', 'fashion' or OWN)
let retired = []; // sets replaced while sessions may still be made on them: freed once they are not current

/** Retires the handles of a gathering of one's own images that is neither the latest nor in use. */
function retire(gathered) {
  if (gathered && gathered !== own && gathered !== ownInUse) retired.push(...gathered.sets.values());
}

/** The set the worker's sessions train on from now on (a session was made on it). */
export function trainOn(dataset, name) {
  const before = ownInUse;
  [current, currentName, ownInUse] = [dataset, name, name === OWN ? own : null];
  retire(before);
  // Only the handles are dropped: a session still training on old images keeps them.
  for (const handle of retired) if (handle !== current) handle.free();
  retired = retired.filter((handle) => handle === current);
}

/** The named training set as a Dataset handle of `engine`, parsed unless it is the one parsed last there. */
export async function trainingSet(name, engine) {
  if (name === OWN) {
    if (!own) throw Object.assign(new Error('no images of your own yet: drop a folder or a .zip of images, or choose them'), { name: 'BadData' });
    return gatheredIn(own, engine);
  }
  if (files?.name !== name) {
    const get = async (file) => {
      const url = new URL(`../data/${name}/${file}`, import.meta.url);
      const response = await fetch(url);
      if (!response.ok) throw Object.assign(new Error(`could not fetch ${name}/${file}: HTTP ${response.status} (run pkg-scripts/fetch-data)`), { name: 'BadData' });
      return new Uint8Array(await response.arrayBuffer());
    };
    const [images, labels] = await Promise.all([get('train-images-idx3-ubyte.gz'), get('train-labels-idx1-ubyte.gz')]);
    // Dropped once no session is made on them any more (a session keeps its own images).
    retired.push(...parsed.values());
    [files, parsed] = [{ name, images, labels }, new Map()];
  }
  if (!parsed.has(engine)) parsed.set(engine, engine.module.Dataset.parse(files.images, files.labels, name));
  return parsed.get(engine);
}

/** One's own images, gathered by `engine` from `request` (the page's `images` message): the set `trainingSet(OWN)` gives from now on. */
export function useOwn(dataset, request, engine) {
  const before = own;
  own = { request, sets: new Map([[engine, dataset]]) };
  retire(before);
}

/**
 * The set the sessions train on now, as a handle of `engine`: for a run moving into that build.
 * One's own images are those the run trains on, even if others were gathered since (and not
 * trained on); the other build gathers them again from the same files.
 */
export async function currentSetIn(engine) {
  if (currentName !== OWN) return trainingSet(currentName, engine);
  return gatheredIn(ownInUse, engine);
}

/** A gathering of one's own images as a handle of `engine`, gathered again there from its files if need be. */
async function gatheredIn(gathered, engine) {
  if (!gathered.sets.has(engine)) gathered.sets.set(engine, await gatherImages(gathered.request, engine.module, () => {}));
  return gathered.sets.get(engine);
}

/** The set the sessions train on now, and its name: {dataset, name}. */
export const lastParsed = () => ({ dataset: current, name: currentName });

