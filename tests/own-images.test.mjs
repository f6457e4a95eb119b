// "Your images" in the trainer page: a set of coloured shapes drawn by the test itself (with a
// text file, a corrupt PNG and an image too small among them), zipped, chosen, decoded in the
// worker, trained on for a few steps on the CPU; the grids in RGB (or gray, on request), the
// skipped files named with why, the checkpoint recording the set, and resuming on another set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import { setup, open, root, count, ready, paused, stepAtLeast, screenshot } from './harness.mjs';

const SMALL = '&backend=cpu&filters=4&hidden=8&batch-size=8';
const env = setup();

/**
 * `n` coloured shapes (discs and squares in four hues, some 4:3) as PNG, JPEG and WebP files of
 * `side` pixels, drawn by the browser: [{name, mimeType, buffer}].
 */
async function shapes(page, n, side) {
  const files = await page.evaluate(
    async ({ n, side }) => {
      const out = [];
      for (let i = 0; i < n; i++) {
        const [w, h] = i % 2 ? [Math.round((side * 4) / 3), side] : [side, side];
        const canvas = new OffscreenCanvas(w, h);
        const g = canvas.getContext('2d');
        g.fillStyle = 'rgb(10,10,20)';
        g.fillRect(0, 0, w, h);
        g.fillStyle = ['rgb(220,40,40)', 'rgb(40,180,60)', 'rgb(50,80,220)', 'rgb(230,200,40)'][i % 4];
        const r = h / 4 + (i % 5);
        const [cx, cy] = [w / 2 + ((i % 5) - 2) * 3, h / 2];
        if (i % 3 === 0) g.fillRect(cx - r, cy - r, 2 * r, 2 * r);
        else {
          g.beginPath();
          g.arc(cx, cy, r, 0, 2 * Math.PI);
          g.fill();
        }
        const [ext, type] = [['png', 'image/png'], ['jpg', 'image/jpeg'], ['webp', 'image/webp']][i % 3];
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type, quality: 0.95 })).arrayBuffer());
        out.push({ name: `shape${String(i).padStart(2, '0')}.${ext}`, mimeType: type, bytes: [...bytes] });
      }
      return out;
    },
    { n, side },
  );
  return files.map(({ name, mimeType, bytes }) => ({ name, mimeType, buffer: Buffer.from(bytes) }));
}

/** A .zip of a folder `folder` holding `files`, plus what should be skipped or passed over. */
function zipOf(folder, files, extras = {}) {
  const entries = Object.fromEntries(files.map(({ name, buffer }) => [`${folder}/${name}`, new Uint8Array(buffer)]));
  return { name: `${folder}.zip`, mimeType: 'application/zip', buffer: Buffer.from(zipSync({ ...entries, ...extras })) };
}

/** Bad files: a text file, a PNG that is not one past its signature, an image too small for 32 px. */
async function badFiles(page, folder) {
  const [tiny] = await shapes(page, 1, 20);
  return {
    [`${folder}/notes.txt`]: new TextEncoder().encode('not an image'),
    [`${folder}/broken.png`]: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]),
    [`${folder}/tiny.png`]: new Uint8Array(tiny.buffer),
    '__MACOSX/._shape00.png': new Uint8Array([0, 5, 22, 7]), // passed over without a word
  };
}

/**
 * Pixels of a canvas (of the page's `testid`, or in the shadow root of the element `selector`)
 * whose channels differ by more than 24 levels (0 for a gray picture).
 */
function coloured(page, testid, selector = `[data-testid=${testid}]`) {
  return page.$eval(selector, (el) => {
    const canvas = el.shadowRoot?.querySelector('canvas') ?? el;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.max(Math.abs(data[i] - data[i + 1]), Math.abs(data[i + 1] - data[i + 2])) > 24) n++;
    return n;
  });
}

const size = (page, testid) => page.getByTestId(testid).evaluate((canvas) => [canvas.width, canvas.height]);

async function steps(page, n) {
  const before = await count(page);
  await page.getByTestId('start').click();
  await stepAtLeast(page, before + n, 300_000);
  await page.getByTestId('pause').click();
  await paused(page);
}

/** The `data` a downloaded checkpoint's metadata records. */
async function recorded(download) {
  const bytes = await readFile(await download.path());
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
  return JSON.parse(header.__metadata__.data);
}

test('your images: a zip of coloured shapes trains in RGB at 32 px, bad files are named, gray on request', { timeout: 600_000 }, async () => {
  const context = await env.chromium.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1100 } });
  const page = await open(context, `${env.server.url}?dataset=images${SMALL}`);
  // Nothing is uploaded: no request but GETs of the site's own files, from the page or its workers.
  const sent = [];
  context.on('request', (request) => (request.method() !== 'GET' || !request.url().startsWith(env.server.url)) && sent.push(`${request.method()} ${request.url()}`));
  // Nothing to train on yet: the panel asks for images and states Rust's limits.
  await page.waitForFunction(() => document.body.dataset.state === 'failed');
  assert.equal(await page.getByTestId('own-images').isVisible(), true);
  assert.match(await page.locator('#own-limits').textContent(), /PNG, JPEG, WebP; 16 to 10,000 images of at most 40 MB \(a zip up to 1,024 MB\)/);
  assert.equal(await page.getByTestId('own-size').inputValue(), '32');

  const set = await shapes(page, 20, 40);
  // From the keyboard: the prompt focuses the drop zone, Enter opens the file picker.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'drop-zone');
  // Enter clicks the file input (which opens the browser's picker). Watched in the page rather
  // than through Playwright's 'filechooser' event, whose interception is switched on by a message
  // that can reach Chromium after the key press: about one run in three then waited in vain.
  await page.evaluate(() => document.getElementById('pick-files').addEventListener('click', () => (window.pickerOpened = true), { once: true }));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.pickerOpened === true, null, { timeout: 5_000 });
  await page.getByTestId('pick-files').setInputFiles([zipOf('shapes', set, await badFiles(page, 'shapes'))]);
  await ready(page);
  const status = await page.getByTestId('own-status').textContent();
  assert.match(status, /Using 20 images from “shapes”, 32×32 RGB\. Skipped 3:/);
  const skipped = await page.getByTestId('own-skipped').locator('li').allTextContents();
  assert.equal(skipped.length, 3, skipped.join('\n'));
  assert.match(skipped.find((s) => s.startsWith('shapes.zip/shapes/notes.txt')), /not an image \(PNG, JPEG or WebP\)/);
  assert.match(skipped.find((s) => s.startsWith('shapes.zip/shapes/broken.png')), /not a readable image/);
  assert.match(skipped.find((s) => s.startsWith('shapes.zip/shapes/tiny.png')), /too small: 20×20/);
  // No classifier knows these classes: the quality panel says it is off.
  assert.equal(await page.getByTestId('quality').getAttribute('data-off'), '');
  assert.match(await page.getByTestId('quality-note').textContent(), /Off for your own images/);

  await steps(page, 3);
  assert.deepEqual(await size(page, 'samples'), [8 * 33 + 1, 8 * 33 + 1]);
  assert.deepEqual(await size(page, 'reconstructions'), [8 * 33 + 1, 4 * 33 + 1]);
  assert.ok((await coloured(page, 'reconstructions')) > 100, 'the real images shown are not in colour');
  assert.ok((await coloured(page, 'samples')) > 0, 'the samples are gray: the generator draws one channel');
  await screenshot(page, 'own-images-rgb');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-checkpoint').click()]);
  assert.deepEqual(await recorded(download), { dataset: 'images', name: 'shapes', images: 20, size: 32, channels: 3 });

  // The exported RGB generator in the sampler widget: it draws in colour.
  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-generator').click()]);
  const weights = [...(await readFile(await exported.path()))];
  await page.evaluate(async (bytes) => {
    await import('./sampler/began-sampler.js');
    const widget = Object.assign(document.createElement('began-sampler'), { id: 'rgb-widget' });
    widget.setAttribute('src', URL.createObjectURL(new Blob([new Uint8Array(bytes)])));
    widget.setAttribute('grid', '2');
    widget.setAttribute('loading', 'eager');
    document.body.append(widget);
  }, weights);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#rgb-widget').getAttribute('state')), null, { timeout: 60_000 });
  assert.equal(await page.$eval('#rgb-widget', (el) => el.getAttribute('state')), 'ready');
  assert.equal(await page.$eval('#rgb-widget', (el) => el.shadowRoot.querySelector('canvas').width), 2 * 33 + 1);
  assert.ok((await coloured(page, null, '#rgb-widget')) > 0, 'the widget draws the RGB generator in gray');
  await page.$eval('#rgb-widget', (el) => el.remove());

  // Gray on request: after confirming, a new model on the same files, drawing one channel.
  await page.getByTestId('own-channels').selectOption('1');
  await page.locator('#confirm button[value=reset]').click();
  // The state is 'paused' until the dialog's answer reaches the page: wait for the new set.
  await page.waitForFunction(() => /32×32 grayscale/.test(document.querySelector('[data-testid=own-status]').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 60_000 });
  assert.match(await page.getByTestId('own-status').textContent(), /Using 20 images from “shapes”, 32×32 grayscale/);
  await page.getByTestId('step').click();
  await stepAtLeast(page, 1);
  await ready(page);
  assert.equal(await coloured(page, 'samples'), 0);
  assert.equal(await coloured(page, 'reconstructions'), 0);

  // The RGB checkpoint does not fit a gray model: refused, naming the set it was trained on.
  await page.getByTestId('upload-checkpoint').setInputFiles(await download.path());
  await page.getByTestId('error').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('error').textContent(), /this run was trained on your images “shapes” \(20 of 32×32 RGB\)/);
  assert.equal(await count(page), 1, 'the run went on as it was');
  assert.deepEqual(sent.filter((r) => !r.includes(' blob:')), [], 'requests that are not GETs of the site');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('too few images is a clear message and the run stays; a run resumed on another set says so', { timeout: 600_000 }, async () => {
  const context = await env.chromium.newContext({ acceptDownloads: true });
  const page = await open(context, `${env.server.url}?dataset=mnist${SMALL}`);
  await ready(page);
  await page.getByTestId('step').click();
  await stepAtLeast(page, 1);
  await ready(page);
  const [mnist] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-checkpoint').click()]);
  assert.deepEqual(await recorded(mnist), { dataset: 'mnist', images: 60_000, size: 28, channels: 1 });

  // A folder of five images: refused with Rust's reason; the MNIST run is still there.
  const folder = resolve(root, 'target', 'test-files', 'five-shapes');
  mkdirSync(folder, { recursive: true });
  for (const { name, buffer } of await shapes(page, 5, 40)) writeFileSync(resolve(folder, name), buffer);
  await page.getByTestId('dataset').selectOption({ label: 'Your images…' });
  assert.equal(await page.getByTestId('own-images').isVisible(), true);
  await page.getByTestId('pick-folder').setInputFiles(folder);
  await page.locator('#confirm button[value=reset]').click();
  await page.getByTestId('error').waitFor({ state: 'visible' });
  assert.match(await page.getByTestId('error').textContent(), /five-shapes: 5 usable images, at least 16 are needed/);
  assert.match(await page.getByTestId('own-status').textContent(), /at least 16/);
  const empty = resolve(root, 'target', 'test-files', 'empty-folder');
  mkdirSync(empty, { recursive: true });
  await page.getByTestId('pick-folder').setInputFiles(empty);
  await page.locator('#confirm button[value=reset]').click();
  await page.waitForFunction(() => /no images in it/.test(document.querySelector('[data-testid=own-status]').textContent), null, { timeout: 60_000 });
  assert.equal(await count(page), 1);
  await page.getByTestId('dataset').selectOption('mnist');
  assert.equal(await page.getByTestId('own-images').isVisible(), false);
  await page.getByTestId('step').click();
  await stepAtLeast(page, 2);

  // The MNIST checkpoint resumed on Fashion-MNIST: it trains on, and the page says so.
  await page.getByTestId('dataset').selectOption('fashion');
  await page.locator('#confirm button[value=reset]').click();
  // A fresh Fashion-MNIST run, at step 0 (the MNIST run was at 2).
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 120_000 });
  await page.getByTestId('upload-checkpoint').setInputFiles(await mnist.path());
  await page.getByTestId('notice').waitFor({ state: 'visible', timeout: 120_000 });
  assert.equal(await page.locator('#notice-text').textContent(), 'This run was trained on MNIST; it goes on training on Fashion-MNIST.');
  await ready(page);
  assert.equal(await count(page), 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a run on your images is autosaved; after a reload it resumes once the same images are chosen', { timeout: 600_000 }, async () => {
  const context = await env.chromium.newContext();
  const page = await open(context, `${env.server.url}?dataset=images${SMALL}`);
  const zip = zipOf('shapes', await shapes(page, 16, 40));
  await page.waitForFunction(() => document.body.dataset.state === 'failed'); // asking for images
  await page.getByTestId('own-size').selectOption('28'); // not the default: the resume must use it
  await page.getByTestId('pick-files').setInputFiles([zip]);
  await ready(page);
  await steps(page, 210); // the worker keeps (and the page autosaves) every 200 steps
  await page.reload();
  const offer = page.getByTestId('resume-offer');
  await offer.waitFor({ state: 'visible', timeout: 30_000 });
  const [, saved] = (await offer.textContent()).match(/run on your images “shapes” .* saved at step (\d+)\. Resume it \(you will be asked for the same images/);
  await page.getByTestId('offer-resume').click();
  assert.match(await page.getByTestId('own-status').textContent(), /Choose your images “shapes” again to resume the run/);
  assert.equal(await page.getByTestId('own-size').inputValue(), '28');
  await page.getByTestId('pick-files').setInputFiles([zip]);
  await page.waitForFunction((n) => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === n, saved, { timeout: 120_000 });
  assert.equal(await page.getByTestId('notice').isVisible(), false, 'the same set: nothing to say');
  assert.deepEqual(await size(page, 'samples'), [8 * 29 + 1, 8 * 29 + 1]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('images dropped anywhere on the page train as your images, and the page stays', { timeout: 300_000 }, async () => {
  const context = await env.chromium.newContext();
  const page = await open(context, `${env.server.url}?dataset=mnist${SMALL}`);
  await ready(page);
  const url = page.url();
  const set = await shapes(page, 16, 40);
  // A drop on the samples panel, as a person drops files on whatever is under the pointer.
  const prevented = await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const { name, mimeType, bytes } of files) transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
    const drop = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
    document.querySelector('[data-testid=samples]').dispatchEvent(drop);
    return drop.defaultPrevented;
  }, set.map(({ name, mimeType, buffer }) => ({ name, mimeType, bytes: [...buffer] })));
  assert.ok(prevented, 'the browser would open the dropped file in place of the page');
  await page.waitForFunction(() => /Using 16 images from “your files”, 32×32 RGB/.test(document.querySelector('[data-testid=own-status]').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('dataset').inputValue(), 'images');
  assert.equal(page.url(), url);
  await page.getByTestId('step').click();
  await stepAtLeast(page, 1);
  assert.deepEqual(await size(page, 'samples'), [8 * 33 + 1, 8 * 33 + 1]);
  assert.deepEqual(page.errors, []);
  await context.close();
});
