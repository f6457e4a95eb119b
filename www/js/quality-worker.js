// The quality worker: judges the trainer's kept checkpoints with the dataset's classifier (a second wasm
// instance, on the CPU), so judging never slows the training worker. The first request for a
// dataset fetches its classifier and test split and computes the test features once.
import init, { WebJudge } from '../pkg/began.js';
import { ToJudge, FromJudge, JUDGED, JUDGE_SEED } from './protocol.js';

const wasmReady = init();
const judges = new Map(); // dataset → Promise<WebJudge>
let pending = null; // the latest request not yet judged
let busy = false;

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
      const quality = await judge.judge(new Uint8Array(weights), JUDGED, JUDGE_SEED);
      const classifier = { dataset: judge.dataset, test_accuracy: judge.test_accuracy };
      self.postMessage({ type: FromJudge.QUALITY, run, step, quality, classifier });
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
