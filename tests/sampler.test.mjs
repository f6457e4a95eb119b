// The <began-sampler> widget: the demo post's two widgets on the shipped models, morphing, new
// samples, one wasm instance for the page, the error state beside working widgets, and the
// README's two lines pasted into a plain page on another origin. When it loads: loading.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import httpServer from 'http-server';
import { setup, open, screenshot } from './harness.mjs';

const env = setup();

/** Waits for the widget `selector` to leave 'loading' and returns its state. */
async function settled(page, selector) {
  await page.waitForFunction((s) => ['ready', 'error'].includes(document.querySelector(s)?.getAttribute('state')), selector, { timeout: 60_000 });
  return page.$eval(selector, (el) => el.getAttribute('state'));
}

/** The widget's canvas: size, spread of gray levels and the raw pixels (as a string, to compare). */
function pixels(page, selector) {
  return page.$eval(selector, (el) => {
    const canvas = el.shadowRoot.querySelector('canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const gray = data.filter((_, i) => i % 4 === 0);
    const mean = gray.reduce((a, b) => a + b, 0) / gray.length;
    const std = Math.sqrt(gray.reduce((a, b) => a + (b - mean) ** 2, 0) / gray.length);
    return { width: canvas.width, height: canvas.height, mean, std, raw: Array.from(gray).join(',') };
  });
}

test('the demo post draws non-blank samples from both shipped models, on one wasm instance', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), 'about:blank');
  const wasm = [];
  const models = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
    if (r.url().endsWith('.safetensors')) models.push(r.url());
  });
  await page.goto(env.server.url + 'embed.html');
  for (const id of ['#digits', '#clothes']) {
    assert.equal(await settled(page, id), 'ready', id);
    const p = await pixels(page, id);
    assert.ok(p.width > 28 && p.height > 28, `${id} canvas ${p.width}×${p.height}`);
    // A blank or flat grid has no spread; samples on a black background have plenty.
    assert.ok(p.std > 20, `${id} looks blank: mean ${p.mean.toFixed(1)}, std ${p.std.toFixed(1)}`);
  }
  assert.deepEqual(wasm.map((u) => u.split('/').pop()), ['began_sampler_bg.wasm'], 'the inference-only module, once');
  assert.equal(page.workers().length, 1, 'the frames are not drawn in one shared worker');
  assert.equal(models.length, 2);
  // Sized by its container: the floated widget is 240 px wide, the other up to 420.
  const widths = await page.$$eval('began-sampler', (els) => els.map((el) => el.getBoundingClientRect().width));
  assert.deepEqual(widths.map(Math.round), [240, 420]);
  await screenshot(page, 'embed');
  assert.deepEqual(page.errors, []);
});

test('with interpolate the pixels keep changing; without it they hold until New samples', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + 'embed.html');
  await settled(page, '#digits');
  await settled(page, '#clothes');
  const [moving0, still0] = [await pixels(page, '#digits'), await pixels(page, '#clothes')];
  await page.waitForTimeout(700);
  const [moving1, still1] = [await pixels(page, '#digits'), await pixels(page, '#clothes')];
  await page.waitForTimeout(700);
  const moving2 = await pixels(page, '#digits');
  assert.notEqual(moving1.raw, moving0.raw, 'no change after 0.7 s');
  assert.notEqual(moving2.raw, moving1.raw, 'no change after 1.4 s');
  assert.equal(still1.raw, still0.raw, 'the still widget changed by itself');

  await page.locator('#clothes').getByRole('button', { name: 'New samples' }).click();
  await page.waitForFunction((before) => {
    const c = document.querySelector('#clothes').shadowRoot.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return d.filter((_, i) => i % 4 === 0).join(',') !== before;
  }, still1.raw, { timeout: 10_000 });

  // Pause stops the morph.
  await page.locator('#digits').getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(200);
  const paused0 = await pixels(page, '#digits');
  await page.waitForTimeout(600);
  assert.equal((await pixels(page, '#digits')).raw, paused0.raw, 'still moving after Pause');
  assert.deepEqual(page.errors, []);
});

test('the same seed draws the same samples; another seed, others', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + 'embed.html');
  await page.evaluate(() => {
    for (const [id, seed] of [['a', '11'], ['b', '11'], ['c', '12']]) {
      const el = document.createElement('began-sampler');
      Object.assign(el, { id });
      el.setAttribute('src', 'models/mnist.safetensors');
      el.setAttribute('grid', '3');
      el.setAttribute('seed', seed);
      el.setAttribute('loading', 'eager');
      document.body.append(el);
    }
  });
  for (const id of ['#a', '#b', '#c']) assert.equal(await settled(page, id), 'ready', id);
  assert.equal(await page.$eval('#a', (el) => el.backend), 'cpu');
  const [a, b, c] = await Promise.all(['#a', '#b', '#c'].map((id) => pixels(page, id)));
  assert.equal(a.raw, b.raw);
  assert.notEqual(a.raw, c.raw, 'another seed, the same samples');
  assert.deepEqual(page.errors, []);
});

test('a missing or corrupt model shows the error state while the other widgets keep working', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + 'embed.html');
  page.errors = [];
  await page.evaluate(() => {
    for (const [id, src] of [['missing', 'models/no-such-model.safetensors'], ['truncated', 'fixtures/truncated.safetensors'], ['text', 'fixtures/not-a-model.safetensors'], ['nan', 'fixtures/non-finite.safetensors']]) {
      const el = document.createElement('began-sampler');
      el.id = id;
      el.setAttribute('src', src);
      el.setAttribute('loading', 'eager');
      document.body.append(el);
    }
  });
  const messages = {};
  for (const id of ['missing', 'truncated', 'text', 'nan']) {
    assert.equal(await settled(page, `#${id}`), 'error', id);
    const alert = page.locator(`#${id}`).getByRole('alert');
    assert.ok(await alert.isVisible(), `${id}: the error is not shown`);
    messages[id] = await alert.textContent();
  }
  assert.match(messages.missing, /404/);
  assert.match(messages.truncated, /not a usable generator.*truncated\.safetensors/);
  assert.match(messages.text, /not a usable generator/);
  // Well-formed, checksum and all, but a diverged run's weights: refused, not drawn as NaN.
  assert.match(messages.nan, /tensor generator\.decoder\.to_image\.bias holds NaN: its weights are not finite/);
  // The good widgets are unharmed: ready, and the morphing one still morphs.
  assert.equal(await settled(page, '#digits'), 'ready');
  const before = await pixels(page, '#digits');
  await page.waitForTimeout(600);
  assert.notEqual((await pixels(page, '#digits')).raw, before.raw);
  await screenshot(page, 'sampler-errors');
  // Nothing uncaught: failures are the widgets' own state (the 404 itself is the browser's log line).
  assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), []);
});

test('where the page forbids workers, the widget draws in the page instead', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + 'fixtures/no-workers.html');
  page.errors = [];
  assert.equal(await settled(page, 'began-sampler'), 'ready');
  assert.ok((await pixels(page, 'began-sampler')).std > 20, 'blank');
  assert.equal(page.workers().length, 0);
  // Chromium reports the refused worker as a policy violation; nothing else may go wrong.
  assert.deepEqual(page.errors.filter((e) => !/Content Security Policy/.test(e)), []);
});

test("the README's two lines work pasted into a plain page on another origin", { timeout: 120_000 }, async () => {
  const readme = (await import('node:fs')).readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Embed in your blog')[1];
  assert.ok(section, 'README has no "Embed in your blog" section');
  const snippet = section.match(/```html\n([\s\S]*?)```/)[1];
  assert.match(snippet, /<script type="module"[^>]*began-sampler\.js/);
  const dir = mkdtempSync(join(tmpdir(), 'blog-'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>My blog</title><link rel="icon" href="data:,"><p>Look:</p>\n${snippet.replaceAll('http://127.0.0.1:8080/', env.server.url)}`);
  const blog = httpServer.createServer({ root: dir, cache: -1, logFn: () => {} });
  await new Promise((ok) => blog.listen(0, '127.0.0.1', ok));
  try {
    const page = await open(await env.chromium.newContext(), `http://127.0.0.1:${blog.server.address().port}/`);
    assert.equal(await settled(page, 'began-sampler'), 'ready');
    const first = await pixels(page, 'began-sampler');
    assert.ok(first.std > 20, 'blank');
    await page.waitForTimeout(600);
    assert.notEqual((await pixels(page, 'began-sampler')).raw, first.raw, 'the README snippet does not morph');
    assert.deepEqual(page.errors, []);
  } finally {
    blog.close();
  }
});

test('www/package.json packs the widget, its inference-only wasm and the models, and nothing of the trainer', async () => {
  const { execFileSync } = await import('node:child_process');
  const www = new URL('../www/', import.meta.url);
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: www, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const files = pack.files.map((f) => f.path).sort();
  for (const needed of ['package.json', 'sampler/began-sampler.js', 'sampler/picture.js', 'pkg-sampler/began_sampler.js', 'pkg-sampler/began_sampler_bg.wasm', 'models/mnist.safetensors', 'models/fashion.safetensors', 'models/mnist-poster.png', 'models/fashion-poster.png', 'models/README.md', 'sampler/engine.js', 'sampler/engine-client.js', 'sampler/worker.js']) {
    assert.ok(files.includes(needed), `${needed} is not in the package: ${files.join(', ')}`);
  }
  assert.deepEqual(files.filter((f) => /^(pkg|js|data|vendor|fixtures)\/|^index\.html$|^embed\.html$/.test(f)), []);
  const manifest = JSON.parse((await import('node:fs')).readFileSync(new URL('package.json', www), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.ok(files.includes(manifest.exports['.'].replace('./', '')), 'the main export is not packed');
});
