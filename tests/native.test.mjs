// A run trained natively resumes in the page: the CLI (built by `cargo test` in pkg-scripts/test)
// trains a few steps, the page loads its checkpoint, and draws the same fixed-z samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { setup, open, root, ready } from './harness.mjs';

const began = resolve(process.env.CARGO_TARGET_DIR ?? resolve(homedir(), '.cache/began/target'), 'debug/began');
const out = resolve(root, 'target', 'test-files', 'native-run');
const env = setup();

test('a checkpoint from the native CLI resumes in the page with the same k_t and samples', { timeout: 300_000 }, async () => {
  rmSync(out, { recursive: true, force: true });
  execFileSync(began, ['train', '--dataset', 'mnist', '--data-dir', resolve(root, 'www/data'), '--steps', '20', '--filters', '4',
    '--hidden', '8', '--log-every', '10', '--sample-every', '20', '--out', out], { stdio: 'pipe' });
  const lastRow = readFileSync(resolve(out, 'metrics.csv'), 'utf8').trim().split('\n').at(-1).split(',');
  const nativeK = Number(lastRow[5]);

  const page = await open(await env.chromium.newContext(), env.server.url);
  await ready(page);
  await page.getByTestId('upload-checkpoint').setInputFiles(resolve(out, 'checkpoint.safetensors'));
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '20', null, { timeout: 60_000 });
  assert.ok(Math.abs(Number(await page.getByTestId('k-value').textContent()) - nativeK) < 1e-4);
  assert.equal(await page.getByTestId('filters').inputValue(), '4', "the checkpoint's own config is shown");

  // The CLI's grid of step 20 and the page's, both on the seed's fixed z, decoded by the browser.
  const png = `data:image/png;base64,${readFileSync(resolve(out, 'samples/step_000020.png')).toString('base64')}`;
  const difference = await page.evaluate(async (png) => {
    const image = new Image();
    image.src = png;
    await image.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [image.width, image.height];
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const native = context.getImageData(0, 0, image.width, image.height).data;
    const samples = document.querySelector('[data-testid=samples]');
    if (samples.width !== image.width || samples.height !== image.height) return `sizes differ: ${samples.width}×${samples.height}`;
    const drawn = samples.getContext('2d').getImageData(0, 0, samples.width, samples.height).data;
    let total = 0;
    for (let i = 0; i < drawn.length; i += 4) total += Math.abs(drawn[i] - native[i]);
    return total / (drawn.length / 4);
  }, png);
  // Same weights and z: only float rounding differs (native flex uses other SIMD kernels).
  assert.equal(typeof difference, 'number', difference);
  assert.ok(difference < 1.0, `mean gray-level difference ${difference}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("another family member's checkpoint (hinge) resumes in the page and trains on", { timeout: 300_000 }, async () => {
  const hinge = resolve(root, 'target', 'test-files', 'native-hinge');
  rmSync(hinge, { recursive: true, force: true });
  execFileSync(began, ['train', '--objective', 'hinge', '--dataset', 'mnist', '--data-dir', resolve(root, 'www/data'), '--steps', '10',
    '--filters', '4', '--hidden', '8', '--log-every', '10', '--sample-every', '10', '--out', hinge], { stdio: 'pipe' });

  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu`);
  await ready(page);
  await page.getByTestId('upload-checkpoint').setInputFiles(resolve(hinge, 'checkpoint.safetensors'));
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '10', null, { timeout: 60_000 });
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '11', null, { timeout: 60_000 });
  // A critic does not reconstruct: "What D sees" shows the real and the generated rows alone.
  const rows = await page.getByTestId('reconstructions').evaluate((canvas) => canvas.height / canvas.width);
  assert.ok(rows > 0 && rows < 0.4, `(4 rows: ~0.5) the panel's height over width: ${rows}`);
  // The form shows the file's member, and the panel D's score of each image.
  assert.equal(await page.getByTestId('objective').inputValue(), 'hinge');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=scores] li').length === 16, null, { timeout: 30_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the widget draws a DCGAN member's export (batch norm in inference mode) as the CLI's poster does", { timeout: 300_000 }, async () => {
  const dir = resolve(root, 'target', 'test-files', 'native-dcgan');
  rmSync(dir, { recursive: true, force: true });
  execFileSync(began, ['train', '--objective', 'ns', '--arch', 'dcgan', '--dataset', 'mnist', '--data-dir', resolve(root, 'www/data'), '--steps', '30',
    '--filters', '4', '--hidden', '8', '--log-every', '10', '--sample-every', '30', '--out', dir], { stdio: 'pipe' });
  const model = resolve(dir, 'dcgan.safetensors');
  execFileSync(began, ['export', '--checkpoint', resolve(dir, 'checkpoint.safetensors'), '--out', model], { stdio: 'pipe' });
  const poster = resolve(dir, 'poster.png');
  execFileSync(began, ['poster', '--model', model, '--grid', '3', '--seed', '5', '--out', poster], { stdio: 'pipe' });

  const page = await open(await env.chromium.newContext(), 'about:blank');
  await page.route('**/dcgan.safetensors', (route) => route.fulfill({ body: readFileSync(model), contentType: 'application/octet-stream' }));
  await page.goto(`${env.server.url}embed.html`);
  await page.evaluate(() => {
    const el = document.createElement('began-sampler');
    el.id = 'dcgan';
    for (const [name, value] of [['src', 'dcgan.safetensors'], ['grid', '3'], ['seed', '5'], ['loading', 'eager']]) el.setAttribute(name, value);
    document.body.append(el);
  });
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#dcgan')?.getAttribute('state')), null, { timeout: 60_000 });
  assert.equal(await page.$eval('#dcgan', (el) => el.getAttribute('state')), 'ready');
  const png = `data:image/png;base64,${readFileSync(poster).toString('base64')}`;
  const difference = await page.evaluate(async (png) => {
    const image = new Image();
    image.src = png;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const native = context.getImageData(0, 0, image.width, image.height).data;
    const drawn = document.querySelector('#dcgan').shadowRoot.querySelector('canvas');
    if (drawn.width !== image.width || drawn.height !== image.height) return `sizes differ: ${drawn.width}×${drawn.height} vs ${image.width}×${image.height}`;
    const pixels = drawn.getContext('2d').getImageData(0, 0, drawn.width, drawn.height).data;
    let total = 0;
    let spread = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      total += Math.abs(pixels[i] - native[i]);
      spread += Math.abs(pixels[i] - 128);
    }
    return { mean: total / (pixels.length / 4), spread: spread / (pixels.length / 4) };
  }, png);
  assert.equal(typeof difference, 'object', difference);
  assert.ok(difference.mean < 1.0, `mean gray-level difference ${difference.mean}`);
  assert.ok(difference.spread > 5, 'a flat gray frame: batch norm without its statistics?');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
