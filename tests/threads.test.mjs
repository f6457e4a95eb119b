// The CPU backend on threads: served cross-origin isolated (www/_headers), the page's worker loads
// the threaded build (www/pkg-threads/) for the CPU; served without those headers, as GitHub Pages
// would, it trains on one thread in the single-thread build. The same run is the same either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, browser, open, ready } from './harness.mjs';

const STEPS = 12;
// ?threads=2: two threads whatever the machine's core count (the default is one per core).
const RUN = `?backend=cpu&dataset=mnist&filters=4&hidden=8&batch-size=8&seed=7&target=${STEPS}&threads=2`;

const env = {};
before(async () => {
  [env.isolated, env.plain, env.chromium] = await Promise.all([serve(), serve({ isolated: false }), browser({ webgpu: false })]);
});
after(async () => {
  await env.chromium?.close();
  env.isolated?.close();
  env.plain?.close();
});

/** Every tensor of a downloaded safetensors file, as {name: bytes}, and its metadata. */
async function tensors(download) {
  const bytes = await readFile(await download.path());
  const length = Number(bytes.readBigUInt64LE(0));
  const { __metadata__: metadata, ...entries } = JSON.parse(bytes.subarray(8, 8 + length).toString());
  const data = bytes.subarray(8 + length);
  const byName = Object.fromEntries(Object.entries(entries).map(([name, { data_offsets: [from, to] }]) => [name, Buffer.from(data.subarray(from, to))]));
  return { byName, metadata };
}

/** Trains RUN on `server` to its target and resolves to {badge, reason, checkpoint}. */
async function train(server) {
  const page = await open(await env.chromium.newContext({ acceptDownloads: true }), server.url + RUN);
  await ready(page);
  const badge = page.getByTestId('backend');
  const seen = { badge: await badge.textContent(), reason: await badge.getAttribute('title'), isolated: await page.evaluate(() => self.crossOriginIsolated) };
  await page.getByTestId('start').click();
  await page.waitForFunction((n) => document.body.dataset.state === 'done' && document.querySelector('[data-testid=step-count]').textContent === String(n), STEPS, { timeout: 240_000 });
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-checkpoint').click()]);
  seen.checkpoint = await tensors(saved);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  return seen;
}

test('isolated, the CPU trains on threads; not isolated, on one thread; the run is the same bit for bit', { timeout: 600_000 }, async () => {
  const threads = await train(env.isolated);
  assert.equal(threads.isolated, true);
  assert.equal(threads.badge, 'CPU ×2');
  assert.match(threads.reason, /2 threads/);

  const one = await train(env.plain);
  assert.equal(one.isolated, false);
  assert.equal(one.badge, 'CPU');
  assert.match(one.reason, /one thread: the page is not cross-origin isolated/);

  assert.equal(JSON.parse(threads.checkpoint.metadata.config).seed, 7);
  assert.ok(Object.keys(one.checkpoint.byName).length > 20, 'the checkpoint holds the networks and the optimiser');
  assert.deepEqual(Object.keys(threads.checkpoint.byName).sort(), Object.keys(one.checkpoint.byName).sort());
  for (const [name, bytes] of Object.entries(one.checkpoint.byName)) {
    assert.ok(bytes.equals(threads.checkpoint.byName[name]), `${name} differs between one thread and two`);
  }
});

test('isolated, but without the threaded build (a host that lacks it), the CPU trains on one thread and says why', { timeout: 300_000 }, async () => {
  const context = await env.chromium.newContext();
  await context.route('**/pkg-threads/**', (route) => route.fulfill({ status: 404, body: 'not here' }));
  const page = await open(context, env.isolated.url + RUN);
  await ready(page);
  assert.equal(await page.getByTestId('backend').textContent(), 'CPU');
  assert.match(await page.getByTestId('backend').getAttribute('title'), /one thread: the threaded build did not load/);
  await page.getByTestId('start').click();
  await page.waitForFunction((n) => document.body.dataset.state === 'done' && document.querySelector('[data-testid=step-count]').textContent === String(n), STEPS, { timeout: 240_000 });
  // The failed module fetch is the browser's console error, not the page's.
  assert.deepEqual(page.errors.filter((e) => !/pkg-threads|404|Failed to (load|fetch)/i.test(e)), []);
  await context.close();
});
