// When the <began-sampler> widget loads: on a long page nothing of it beyond its own script is
// fetched until it is near the viewport; then it draws, over its poster, without moving the page;
// loading="eager" fetches at once. Reports what one widget downloads (the bench reports it too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { setup, open, screenshot } from './harness.mjs';

const env = setup();
const KiB = 1024;

/**
 * What the page asked for, by path below www/, as it asks (`fetched`); `sizes()` waits for the
 * responses and gives each one's bytes, raw and gzip'd.
 */
function recordFetches(page) {
  const fetched = [];
  const bodies = [];
  page.on('request', (request) => fetched.push({ path: new URL(request.url()).pathname.slice(1) }));
  page.on('response', (response) => bodies.push(response.body().catch(() => Buffer.alloc(0)).then((body) => ({
    path: new URL(response.url()).pathname.slice(1), bytes: body.length, gzip: gzipSync(body, { level: 9 }).length,
  }))));
  fetched.sizes = () => Promise.all(bodies);
  return fetched;
}

// What waits for the reader to come near: the worker, the wasm and the model (the element's own
// script and its poster come at once).
const isWidgetPayload = ({ path }) => /^pkg-sampler\/|^sampler\/(engine|worker)\.js$|^models\/.*\.safetensors$/.test(path);

/** The long page in an 800×600 window, its fetches recorded from the start. */
async function longPage() {
  const page = await open(await env.chromium.newContext({ viewport: { width: 800, height: 600 } }), 'about:blank');
  const fetched = recordFetches(page);
  await page.goto(env.server.url + 'fixtures/long-page.html', { waitUntil: 'load' });
  return { page, fetched };
}

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
  const { page, fetched } = await longPage();
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
  assert.deepEqual(payload.map((f) => f.path).sort(), ['models/mnist.safetensors', 'pkg-sampler/began_sampler.js', 'pkg-sampler/began_sampler_bg.wasm', 'sampler/engine.js', 'sampler/worker.js']);

  const widget = (await fetched.sizes()).filter((f) => isWidgetPayload(f) || /^sampler\/|-poster\.png$/.test(f.path));
  const sum = (key) => widget.reduce((s, f) => s + f[key], 0);
  const wasm = widget.find((f) => f.path.endsWith('.wasm'));
  t.diagnostic(`one widget downloads ${widget.length} files, ${(sum('bytes') / KiB).toFixed(0)} KiB (${(sum('gzip') / KiB).toFixed(0)} KiB gzip'd): ` +
    widget.map((f) => `${f.path} ${(f.bytes / KiB).toFixed(1)} KiB (${(f.gzip / KiB).toFixed(1)} gzip'd)`).join(', '));
  // The size budget of issue 16: a blog's reader on a phone pays for this before the first frame.
  assert.ok(wasm.gzip <= 1_000_000, `the widget's wasm is ${wasm.gzip} bytes gzip'd, over 1 MB`);
  assert.ok(sum('gzip') <= 1_000_000, `one widget downloads ${sum('gzip')} bytes gzip'd, over 1 MB`);

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

test('loading="eager" fetches at once, however far down the widget is, written in the markup or set later', { timeout: 120_000 }, async () => {
  const { page, fetched } = await longPage();
  await page.$eval('#farther', (el) => el.setAttribute('loading', 'eager'));
  assert.equal(await settled(page, '#farther'), 'ready');
  assert.equal(await page.$eval('#far', (el) => el.state), 'idle', 'the lazy one loaded too');
  const models = () => fetched.filter(isWidgetPayload).filter((f) => f.path.startsWith('models/')).map((f) => f.path);
  assert.deepEqual(models(), ['models/fashion.safetensors']);
  // Parsed from markup, far below: it loads without being scrolled to.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend',
    '<div style="height: 500vh"></div><began-sampler id="markup" loading="eager" src="../models/mnist.safetensors" grid="2" seed="1"></began-sampler>'));
  assert.equal(await settled(page, '#markup'), 'ready');
  assert.deepEqual(models(), ['models/fashion.safetensors', 'models/mnist.safetensors']);
  assert.deepEqual(page.errors, []);
});

test('removed and put back, or given another src while away, a widget shows the right model and redraws what changed', { timeout: 120_000 }, async () => {
  const { page, fetched } = await longPage();
  // Another src while far away: the first model is never fetched.
  await page.$eval('#farther', (el) => el.setAttribute('src', '../models/mnist.safetensors'));
  await page.locator('#farther').scrollIntoViewIfNeeded();
  assert.equal(await settled(page, '#farther'), 'ready');
  assert.ok(!fetched.some((f) => f.path.endsWith('fashion.safetensors')), 'the replaced src was fetched');

  // Taken out mid-load and put back: it loads again and draws, not stuck in "loading".
  await page.evaluate(() => {
    const el = document.querySelector('#far');
    el.setAttribute('loading', 'eager');
    const parent = el.parentNode;
    el.remove();
    parent.append(el);
  });
  assert.equal(await settled(page, '#far'), 'ready');
  // Given another src while detached: it loads that one when it comes back.
  const drawn = await page.evaluate(async () => {
    const el = document.querySelector('#far');
    const parent = el.parentNode;
    el.remove();
    el.setAttribute('src', '../models/fashion.safetensors');
    parent.append(el);
    await new Promise((ok) => el.addEventListener('load', ok, { once: true }));
    return el.shadowRoot.querySelector('canvas').width;
  });
  assert.equal(drawn, 4 * 29 + 1);
  assert.ok(fetched.some((f) => f.path === 'models/fashion.safetensors'));

  // Two attributes set at once on a still grid, while a frame may be in flight: the widget ends
  // on both, as a fresh widget with them draws.
  const grid = (selector) => page.$eval(selector, (el) => {
    const c = el.shadowRoot.querySelector('canvas');
    return [c.width, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0)).join(',')];
  });
  await page.$eval('#far', (el) => {
    el.setAttribute('grid', '3');
    el.setAttribute('seed', '21');
  });
  await page.evaluate(() => document.body.insertAdjacentHTML('afterbegin', '<began-sampler id="fresh" loading="eager" src="../models/fashion.safetensors" grid="3" seed="21"></began-sampler>'));
  assert.equal(await settled(page, '#fresh'), 'ready');
  await page.waitForFunction(() => document.querySelector('#far').shadowRoot.querySelector('canvas').width === 3 * 29 + 1);
  await page.waitForTimeout(300);
  assert.deepEqual(await grid('#far'), await grid('#fresh'));
  assert.deepEqual(page.errors, []);
});
