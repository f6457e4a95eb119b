// Writes the fuzz targets' seed corpora into fuzz/corpus/<target>/ (pkg-scripts/fuzz calls it):
// the small seeds committed in fuzz/seeds/<target>/, and the rest made here from the real
// files: cuts of MNIST's and Fashion-MNIST's test splits (raw and gzip'd), the shipped models
// and classifiers, and the configs inside them. Idempotent: files are named by their content.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const corpus = join(root, 'fuzz', 'corpus');
const written = {};

function put(target, bytes) {
  const dir = join(corpus, target);
  mkdirSync(dir, { recursive: true });
  const name = createHash('sha1').update(bytes).digest('hex');
  writeFileSync(join(dir, name), bytes);
  written[target] = (written[target] ?? 0) + 1;
}

/** Two files as one input: a little-endian u32 length, the first file, the second (fuzz/src/lib.rs). */
export function twoFiles(first, second) {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(first.length);
  return Buffer.concat([length, first, second]);
}

/** The first `n` images of an IDX images file and of its labels file. */
function cut(images, labels, n) {
  const [rows, cols] = [images.readUInt32BE(8), images.readUInt32BE(12)];
  const head = Buffer.from(images.subarray(0, 16));
  head.writeUInt32BE(n, 4);
  const labelHead = Buffer.from(labels.subarray(0, 8));
  labelHead.writeUInt32BE(n, 4);
  return [
    Buffer.concat([head, images.subarray(16, 16 + n * rows * cols)]),
    Buffer.concat([labelHead, labels.subarray(8, 8 + n)]),
  ];
}

// Committed seeds first.
for (const target of readdirSync(join(root, 'fuzz', 'seeds'))) {
  for (const file of readdirSync(join(root, 'fuzz', 'seeds', target))) {
    put(target, readFileSync(join(root, 'fuzz', 'seeds', target, file)));
  }
}

// IDX: cuts of both test splits, each file raw or gzip'd.
for (const dataset of ['mnist', 'fashion']) {
  const dir = join(root, 'www', 'data', dataset);
  if (!existsSync(join(dir, 't10k-images-idx3-ubyte.gz'))) {
    throw new Error(`${dir}: no data; run pkg-scripts/fetch-data first`);
  }
  const images = gunzipSync(readFileSync(join(dir, 't10k-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz')));
  for (const n of [0, 1, 3, 16]) {
    const [i, l] = cut(images, labels, n);
    put('idx', twoFiles(i, l));
    put('idx', twoFiles(gzipSync(i), gzipSync(l)));
    put('idx', twoFiles(gzipSync(i, { level: 1 }), l));
  }
}

/** A safetensors file's header: tensors by name, and `__metadata__`. */
function header(bytes) {
  return JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
}

/** A safetensors file of f32 `tensors` ({name: {shape, values}}) as crate/src/weights.rs writes
 * one: `metadata` plus `format`, `version` and the crc32 of every name and its values in name order. */
function safetensors(tensors, metadata, format) {
  const names = Object.keys(tensors).sort();
  let [offset, crc] = [0, 0];
  const entries = {};
  const data = [];
  for (const name of names) {
    const { shape, values } = tensors[name];
    const bytes = Buffer.from(new Float32Array(values).buffer);
    entries[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    crc = crc32(bytes, crc32(Buffer.from(name), crc));
    data.push(bytes);
  }
  const meta = { ...metadata, format, version: '1', crc32: (crc >>> 0).toString(16).padStart(8, '0') };
  let text = JSON.stringify({ __metadata__: meta, ...entries });
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
  return Buffer.concat([length, Buffer.from(text), ...data]);
}

// The shipped models and classifiers are too large to fuzz quickly (each execution would run a
// full-size network): their configs seed the config target, and a classifier of the shipped
// one's first weights at sizes 2, 2, 4 seeds the weights target. The committed seeds hold a
// small export and a small run made by `began train`.
for (const file of readdirSync(join(root, 'www', 'models')).filter((f) => f.endsWith('.safetensors'))) {
  const bytes = readFileSync(join(root, 'www', 'models', file));
  const { __metadata__: metadata, ...tensors } = header(bytes);
  put('config', Buffer.from(metadata.config));
  put('config', Buffer.from(JSON.stringify({ model: JSON.parse(metadata.config) })));
  if (!file.includes('classifier')) continue;
  const start = 8 + Number(bytes.readBigUInt64LE(0));
  const first = (name, shape) => {
    const [from] = tensors[name].data_offsets;
    const n = shape.reduce((a, b) => a * b, 1);
    return { shape, values: new Float32Array(bytes.buffer.slice(bytes.byteOffset + start + from, bytes.byteOffset + start + from + 4 * n)) };
  };
  const small = {
    'classifier.conv1.weight': first('classifier.conv1.weight', [2, 1, 5, 5]),
    'classifier.conv1.bias': first('classifier.conv1.bias', [2]),
    'classifier.conv2.weight': first('classifier.conv2.weight', [2, 2, 5, 5]),
    'classifier.conv2.bias': first('classifier.conv2.bias', [2]),
    'classifier.hidden.weight': first('classifier.hidden.weight', [50, 4]),
    'classifier.hidden.bias': first('classifier.hidden.bias', [4]),
    'classifier.output.weight': first('classifier.output.weight', [4, 10]),
    'classifier.output.bias': first('classifier.output.bias', [10]),
  };
  const config = JSON.stringify({ conv1: 2, conv2: 2, features: 4 });
  put('weights', safetensors(small, { ...metadata, config }, 'began-classifier'));
}

// An export starts a run, so the weights target's seeds serve the checkpoint target too; and the
// page's test fixtures, which are not usable models.
for (const file of readdirSync(join(root, 'fuzz', 'seeds', 'weights'))) {
  put('checkpoint', readFileSync(join(root, 'fuzz', 'seeds', 'weights', file)));
}
for (const file of ['not-a-model.safetensors', 'truncated.safetensors', 'non-finite.safetensors']) {
  put('weights', readFileSync(join(root, 'www', 'fixtures', file)));
}

// The page's settings schema: every field at its default and its ends.
const schema = JSON.parse(readFileSync(join(root, 'www', 'config-schema.json'), 'utf8'));
for (const field of schema.fields ?? []) {
  if (!field.path) continue;
  const at = (value) => field.path.split('.').reduceRight((inner, key) => ({ [key]: inner }), value);
  for (const value of [field.default, field.min, field.max].filter((v) => typeof v === 'number')) {
    put('config', Buffer.from(JSON.stringify(at(value))));
  }
}

console.log(Object.entries(written).map(([target, n]) => `${target}: ${n} seeds`).join(', '));
