// The trainer page end to end in headless Chromium: start, watch, pause, step, reset, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, screenshot, count, ready, type, browser, stepAtLeast, paused, spread } from './harness.mjs';

const SMALL = { filters: '4', hidden: '8', 'batch-size': '8' };
const env = setup();

/** Sets model fields while at step 0 (no confirmation needed); each change makes a new model. */
async function smallModel(page) {
  for (const [id, value] of Object.entries(SMALL)) {
    await type(page, id, value);
    await ready(page);
  }
}

test('train on MNIST: counter, curves, samples, pause, step, bad γ, reset', { timeout: 600_000 }, async () => {
  const context = await env.chromium.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await open(context, env.server.url);
  await ready(page);
  await page.getByTestId('dataset').selectOption('mnist');
  await smallModel(page);
  assert.equal(await count(page), 0);
  // Auto must not pick SwiftShader's WebGPU here, and must say why.
  const badge = page.getByTestId('backend');
  assert.match(await badge.textContent(), /^CPU( ×\d+)?$/); // threads where the page is isolated (threads.test.mjs)
  assert.match(await badge.getAttribute('title'), /software adapter/);

  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 20, null, { timeout: 300_000 });
  const first = await count(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) > n, first, { timeout: 60_000 });
  assert.ok(Number(await page.getByTestId('curves').getAttribute('data-points')) > 0, 'the curves have no points');
  assert.ok((await spread(page, 'samples')) > 5, 'the sample canvas is blank');
  const k = Number(await page.getByTestId('k-value').textContent());
  assert.ok(k >= 0 && k <= 1, `k_t = ${k}`);
  assert.ok(Number.isFinite(Number(await page.getByTestId('m-global').textContent())));

  await page.getByTestId('pause').click();
  await page.waitForFunction(() => document.body.dataset.state === 'paused', null, { timeout: 60_000 });
  const paused = await count(page);
  await page.waitForTimeout(1500);
  assert.equal(await count(page), paused, 'the counter moved while paused');

  await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) === n + 1, paused, { timeout: 60_000 });

  // An out-of-range γ: an inline message, and the run is kept and goes on from where it was.
  await type(page, 'gamma', '1.5');
  assert.equal(await page.getByTestId('gamma').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#gamma-msg').textContent(), /\(0, 1\]/);
  assert.equal(await count(page), paused + 1);
  await page.getByTestId('start').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) > n + 1, paused, { timeout: 60_000 });
  await page.getByTestId('pause').click();
  await page.waitForFunction(() => document.body.dataset.state === 'paused', null, { timeout: 60_000 });
  await screenshot(page, 'trainer-mnist');

  // Reset is refused while γ is out of range, with a message; with γ fixed it starts over.
  await page.getByTestId('reset').click();
  assert.match(await page.getByTestId('error').textContent(), /out of range/);
  assert.ok((await count(page)) > paused + 1);
  await type(page, 'gamma', '0.9');
  await page.getByTestId('reset').click();
  await ready(page);
  assert.equal(await count(page), 0);
  assert.equal(await page.getByTestId('curves').getAttribute('data-points'), '0');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('Start right after editing a model field builds that model, then trains it', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url);
  await ready(page);
  await page.getByTestId('filters').fill('4');
  await page.getByTestId('hidden').fill('8'); // blurs filters: a 4-filter model is built
  // That model is announced while hidden is still being typed in: the form must keep the 8.
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('hidden').inputValue(), '8');
  await page.getByTestId('start').click(); // blurs hidden: a new model, then training
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 3, null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('hidden').inputValue(), '8');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('Fashion-MNIST trains too, after confirming the reset', { timeout: 600_000 }, async () => {
  const context = await env.chromium.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await open(context, env.server.url);
  await ready(page);
  await smallModel(page);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '1', null, { timeout: 60_000 });
  await page.getByTestId('dataset').selectOption('fashion');
  await page.getByRole('button', { name: 'Reset and apply' }).click();
  // The dialog closes in a later task, so wait for the new model, not merely for an idle page.
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('dataset').inputValue(), 'fashion');
  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 10, null, { timeout: 300_000 });
  await page.getByTestId('pause').click();
  assert.ok((await spread(page, 'samples')) > 5);
  await screenshot(page, 'trainer-fashion-phone');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('without WebGPU, auto says so and a WebGPU choice is a clear message', { timeout: 300_000 }, async () => {
  const noGpu = await browser({ webgpu: false });
  try {
    const page = await open(await noGpu.newContext(), env.server.url);
    await ready(page);
    assert.match(await page.getByTestId('backend').getAttribute('title'), /no WebGPU/);
    await page.locator('#backend-choice').selectOption('webgpu');
    await page.getByTestId('error').waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await page.getByTestId('error').textContent(), /WebGPU was chosen, but .*no WebGPU/);
  } finally {
    await noGpu.close();
  }
});

test('a corrupt data file is a clear message, not a hang or a blank page', { timeout: 120_000 }, async () => {
  const context = await env.chromium.newContext();
  await context.route('**/mnist/train-images-idx3-ubyte.gz', (route) => route.fulfill({ status: 200, body: 'not an IDX file' }));
  const page = await open(context, env.server.url);
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.getByTestId('error').textContent(), /mnist images: wrong magic number/);
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'failed');
  assert.ok(await page.getByTestId('start').isDisabled());
  await context.close();
});

test('a lost WebGPU device is reported and training goes on on the CPU', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=webgpu&filters=4&hidden=8&batch-size=8&debug=1`);
  await ready(page);
  assert.equal(await page.getByTestId('backend').textContent(), 'WebGPU');
  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 2, null, { timeout: 120_000 });
  await page.evaluate(() => window.began.loseDevice()); // GPUDevice.destroy(), as a driver reset
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 120_000 });
  assert.match(await page.getByTestId('error').textContent(), /device.*(lost|poison)/i);
  assert.match(await page.getByTestId('error').textContent(), /on the CPU/);
  await page.waitForFunction(() => document.body.dataset.state === 'paused', null, { timeout: 60_000 });
  assert.match(await page.getByTestId('backend').textContent(), /^CPU( ×\d+)?$/);
  const resumedAt = await count(page);
  await page.getByTestId('start').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n + 5, resumedAt, { timeout: 60_000 });
  assert.deepEqual(page.errors.filter((e) => !/WebGPU|GPU/.test(e)), []);
  await page.context().close();
});

test('a diverging run (NaN) rolls back to the last good state and pauses', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?filters=4&hidden=8&batch-size=8&debug=1`);
  await ready(page);
  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 5, null, { timeout: 60_000 });
  await page.evaluate(() => window.began.setLive({ gamma: 1, lambda_k: 0.001, lr: 1e30 }));
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 60_000 });
  const banner = await page.getByTestId('error').textContent();
  assert.match(banner, /diverged at step \d+: .* is (NaN|inf)/);
  assert.match(banner, /Restored the last good state \(step 0\)/);
  await page.waitForFunction(() => document.body.dataset.state === 'paused' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 60_000 });
  // The restored run has its own learning rate again and trains on.
  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 5, null, { timeout: 60_000 });
  assert.match(await page.getByTestId('m-global').textContent(), /^\d/);
  await page.context().close();
});

test('a backend move keeps the run at its step, there and back, and every session of a build shares its parse of the dataset', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&filters=4&hidden=8&batch-size=8&debug=1`);
  await ready(page);
  const parses = () => page.evaluate(() => window.began.parses());
  assert.equal(await parses(), 1);
  await page.getByTestId('reset').click(); // a new session, on the same parse
  await ready(page);
  await page.getByTestId('start').click();
  await stepAtLeast(page, 5);
  await page.getByTestId('pause').click();
  await paused(page);
  const at = await count(page);
  // Moved by the worker itself: the same run, at its step, now on WebGPU (SwiftShader here).
  await page.locator('#backend-choice').selectOption('webgpu');
  await page.waitForFunction(() => document.querySelector('[data-testid=backend]').textContent === 'WebGPU' && document.body.dataset.state === 'paused', null, { timeout: 120_000 });
  assert.equal(await count(page), at);
  assert.ok(Number(await page.getByTestId('curves').getAttribute('data-points')) > 0, 'a move is not a new run: the curves stay');
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) === n + 1, at, { timeout: 120_000 });
  // The page is isolated, so the CPU ran in the threaded build and WebGPU runs in the other one,
  // which parsed the set once for itself (engines.js).
  const builds = await page.evaluate(() => (self.crossOriginIsolated && navigator.hardwareConcurrency > 1 ? 2 : 1));
  assert.equal(await parses(), builds);
  // And back to the CPU, at the step it reached: no build parses the set again.
  await page.locator('#backend-choice').selectOption('cpu');
  await page.waitForFunction(() => /^CPU/.test(document.querySelector('[data-testid=backend]').textContent) && document.body.dataset.state === 'paused', null, { timeout: 120_000 });
  assert.equal(await count(page), at + 1);
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) === n + 2, at, { timeout: 120_000 });
  assert.equal(await parses(), builds, 'no session parsed the dataset again');
  assert.ok(Number(await page.getByTestId('curves').getAttribute('data-points')) > 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
