// When the <began-sampler> widget loads: on a long page nothing of it beyond its own script is
// fetched until it is near the viewport; then it draws, over its poster, without moving the page;
// loading="eager" fetches at once. Reports what one widget downloads (the bench reports it too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { setup, open, screenshot } from './harness.mjs';

const env = setup();
const KiB = 1024;

/** What the page fetched, by path below www/, with the bytes of each response. */
function recordFetches(page) {
  const fetched = [];
  page.on('response', async (response) => {
    const path = new URL(response.url()).pathname.slice(1);
    const body = await response.body().catch(() => Buffer.alloc(0));
    fetched.push({ path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
  });
  return fetched;
}

// The wasm and the model: what waits for the reader to come near (a poster is fetched at once).
const isWidgetPayload = ({ path }) => /^pkg-sampler\/|^models\/.*\.safetensors$/.test(path);

async function settled(page, selector) {
  await page.waitForFunction((s) => ['ready', 'error'].includes(document.querySelector(s)?.getAttribute('state')), selector, { timeout: 60_000 });
  return page.$eval(selector, (el) => el.getAttribute('state'));
}

/** The widget's box, its frame's box, and whether its poster and placeholder are showing. */
function looks(page, selector) {
  return page.$eval(selector, (el) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { width: Math.round(r.width), height: Math.round(r.height) }; };
    const poster = el.shadowRoot.querySelector('.poster');
    return {
      widget: box(el),
      frame: box(el.shadowRoot.querySelector('.frame')),
      poster: getComputedStyle(poster).display !== 'none' && poster.complete && poster.naturalWidth > 0,
      placeholder: getComputedStyle(el.shadowRoot.querySelector('.frame'), '::before').display !== 'none',
    };
  });
}

test('on a long page nothing of the widget is fetched before it is near; scrolled to, it draws in place', { timeout: 120_000 }, async (t) => {
  const page = await open(await env.chromium.newContext({ viewport: { width: 800, height: 600 } }), 'about:blank');
  const fetched = recordFetches(page);
  await page.goto(env.server.url + 'fixtures/long-page.html', { waitUntil: 'load' });
  await page.waitForTimeout(1500); // time enough to start anything it would start
  assert.deepEqual(fetched.filter(isWidgetPayload).map((f) => f.path), [], 'fetched before being scrolled near');
  assert.equal(await page.$eval('#far', (el) => el.state), 'idle');
  const before = await looks(page, '#far');
  assert.ok(before.poster, 'the poster is not shown');
  assert.equal(before.frame.height, before.frame.width, 'the frame is not the square the samples will fill');
  const farther = await looks(page, '#farther');
  assert.ok(farther.placeholder && !farther.poster, 'without a poster, the placeholder cells are not shown');
  assert.equal(farther.frame.height, farther.frame.width);

  await page.locator('#far').scrollIntoViewIfNeeded();
  assert.equal(await settled(page, '#far'), 'ready');
  const after = await looks(page, '#far');
  assert.deepEqual(after.widget, before.widget, 'the widget changed size when its samples arrived');
  assert.ok(!after.poster && !after.placeholder, 'the poster or placeholder still covers the samples');
  // The second widget is four screens further down: still nothing of its model.
  assert.equal(await page.$eval('#farther', (el) => el.state), 'idle');
  const payload = fetched.filter(isWidgetPayload);
  assert.deepEqual(payload.map((f) => f.path).sort(), ['models/mnist.safetensors', 'pkg-sampler/began_sampler.js', 'pkg-sampler/began_sampler_bg.wasm']);

  const widget = fetched.filter((f) => isWidgetPayload(f) || /^sampler\/|-poster\.png$/.test(f.path));
  const sum = (key) => widget.reduce((s, f) => s + f[key], 0);
  const wasm = widget.find((f) => f.path.endsWith('.wasm'));
  t.diagnostic(`one widget downloads ${widget.length} files, ${(sum('bytes') / KiB).toFixed(0)} KiB (${(sum('gzip') / KiB).toFixed(0)} KiB gzip'd): ` +
    widget.map((f) => `${f.path} ${(f.bytes / KiB).toFixed(1)} KiB (${(f.gzip / KiB).toFixed(1)} gzip'd)`).join(', '));
  // The size budget of issue 16: a blog's reader on a phone pays for this before the first frame.
  assert.ok(wasm.gzip <= 1024 * KiB, `the widget's wasm is ${(wasm.gzip / KiB).toFixed(0)} KiB gzip'd, over 1 MiB`);

  await page.locator('#farther').scrollIntoViewIfNeeded();
  assert.equal(await settled(page, '#farther'), 'ready');
  assert.deepEqual(fetched.filter((f) => f.path.endsWith('.wasm')).length, 1, 'a second widget fetched the wasm again');
  await screenshot(page, 'sampler-long-page');
  assert.deepEqual(page.errors, []);
});

test("the poster is the widget's first frame, so the swap does not show", { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + 'fixtures/blank.html');
  await page.evaluate(() => {
    const el = document.createElement('began-sampler');
    el.id = 'w';
    for (const [k, v] of [['src', '../models/mnist.safetensors'], ['grid', '4'], ['seed', '7'], ['poster', '../models/mnist-poster.png']]) el.setAttribute(k, v);
    document.body.append(el);
  });
  assert.equal(await settled(page, '#w'), 'ready');
  const diff = await page.$eval('#w', async (el) => {
    const poster = new Image();
    poster.src = el.getAttribute('poster');
    await poster.decode();
    const canvas = el.shadowRoot.querySelector('canvas');
    if (poster.width !== canvas.width || poster.height !== canvas.height) return { size: [poster.width, poster.height, canvas.width, canvas.height] };
    const drawn = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const scratch = new OffscreenCanvas(poster.width, poster.height).getContext('2d');
    scratch.drawImage(poster, 0, 0);
    const shown = scratch.getImageData(0, 0, poster.width, poster.height).data;
    let worst = 0;
    for (let i = 0; i < drawn.length; i += 4) worst = Math.max(worst, Math.abs(drawn[i] - shown[i]));
    return { worst };
  });
  assert.equal(diff.size, undefined, `poster and canvas differ in size: ${diff.size}`);
  assert.ok(diff.worst <= 3, `the first frame differs from the poster by up to ${diff.worst} gray levels`);
  assert.deepEqual(page.errors, []);
});

test('loading="eager" fetches at once, however far down the widget is', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext({ viewport: { width: 800, height: 600 } }), 'about:blank');
  const fetched = recordFetches(page);
  await page.goto(env.server.url + 'fixtures/long-page.html');
  await page.$eval('#farther', (el) => el.setAttribute('loading', 'eager'));
  assert.equal(await settled(page, '#farther'), 'ready');
  assert.equal(await page.$eval('#far', (el) => el.state), 'idle', 'the lazy one loaded too');
  assert.deepEqual(fetched.filter(isWidgetPayload).filter((f) => f.path.startsWith('models/')).map((f) => f.path), ['models/fashion.safetensors']);
  assert.deepEqual(page.errors, []);
});
