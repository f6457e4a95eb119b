// The quality worker: judges the trainer's kept checkpoints with the dataset's classifier (a second wasm
// instance, on the CPU), so judging never slows the training worker. The first request for a
// dataset fetches its classifier and test split and computes the test features once.
import init, { WebJudge, BestState } from '../pkg/began.js';
import { ToJudge, FromJudge } from './protocol.js';

const wasmReady = init();
const judges = new Map(); // dataset → Promise<WebJudge>
let pending = null; // the latest request not yet judged
let busy = false;
let best = null; // {run, state}: the best judged state of the latest run (Rust's rule)

async function fetchBytes(path) {
  const response = await fetch(new URL(path, import.meta.url));
  if (!response.ok) throw new Error(`could not fetch ${path.replace('../', '')}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function judgeFor(dataset) {
  if (!judges.has(dataset)) {
    const made = (async () => {
      await wasmReady;
      const [classifier, images, labels] = await Promise.all([
        fetchBytes(`../models/${dataset}-classifier.safetensors`),
        fetchBytes(`../data/${dataset}/t10k-images-idx3-ubyte.gz`),
        fetchBytes(`../data/${dataset}/t10k-labels-idx1-ubyte.gz`),
      ]);
      return WebJudge.create(classifier, images, labels);
    })();
    made.catch(() => judges.delete(dataset)); // a later request tries again
    judges.set(dataset, made);
  }
  return judges.get(dataset);
}

async function drain() {
  if (busy) return;
  busy = true;
  while (pending) {
    const { run, step, dataset, weights } = pending;
    pending = null;
    try {
      const judge = await judgeFor(dataset);
      // Rust's number of samples and seed: the same judgement as `began train --classifier`.
      const quality = await judge.judge(new Uint8Array(weights));
      const classifier = { dataset: judge.dataset, test_accuracy: judge.test_accuracy };
      if (best?.run !== run) {
        best?.state.free();
        best = { run, state: new BestState() };
      }
      const isBest = best.state.offer(step, quality.coverage, quality.frechet);
      self.postMessage({ type: FromJudge.QUALITY, run, step, quality, classifier, best: isBest });
    } catch (error) {
      self.postMessage({ type: FromJudge.UNAVAILABLE, run, step, message: error?.message ?? String(error) });
    }
  }
  busy = false;
}

self.onmessage = ({ data: message }) => {
  if (message.type !== ToJudge.JUDGE) return;
  pending = message;
  drain();
};
