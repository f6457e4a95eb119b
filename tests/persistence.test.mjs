// Keeping work in the trainer page: checkpoint download → upload, the IndexedDB autosave offered
// after a reload, and a bad upload that leaves the current run as it was.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { setup, open, root, count, stepAtLeast, ready, paused } from './harness.mjs';

const SMALL = '?filters=4&hidden=8&batch-size=8';
const files = resolve(root, 'target', 'test-files');
const env = setup();
before(() => {
  mkdirSync(files, { recursive: true });
});

async function trainTo(page, steps) {
  await page.getByTestId('start').click();
  await stepAtLeast(page, steps, 300_000);
  await page.getByTestId('pause').click();
  await paused(page);
}

const k = (page) => page.getByTestId('k-value').textContent();

test('a downloaded checkpoint, uploaded again, resumes at the same step with the same k_t', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext({ acceptDownloads: true }), env.server.url + SMALL);
  await ready(page);
  await trainTo(page, 30);
  const [step, kt] = [await count(page), await k(page)];
  assert.notEqual(kt, '0.0000');

  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-checkpoint').click()]);
  assert.match(saved.suggestedFilename(), new RegExp(`^began-mnist-step${step}\\.safetensors$`));
  const path = resolve(files, saved.suggestedFilename());
  await saved.saveAs(path);

  await page.getByTestId('reset').click();
  await ready(page);
  assert.equal(await count(page), 0);

  await page.getByTestId('upload-checkpoint').setInputFiles(path);
  await page.waitForFunction((n) => document.body.dataset.state === 'ready' && Number(document.querySelector('[data-testid=step-count]').textContent) === n, step, { timeout: 60_000 });
  assert.equal(await k(page), kt);
  await page.getByTestId('step').click();
  await stepAtLeast(page, step + 1, 60_000);

  const [weights] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-generator').click()]);
  assert.match(weights.suggestedFilename(), /^began-mnist-generator-step\d+\.safetensors$/);
  const header = await (await import('node:fs/promises')).readFile(await weights.path());
  assert.match(header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString(), /"began-weights"/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a corrupt or foreign upload is refused with a message and the run goes on', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), env.server.url + SMALL);
  await ready(page);
  await trainTo(page, 10);
  const step = await count(page);
  const bad = resolve(files, 'not-a-checkpoint.safetensors');
  writeFileSync(bad, 'definitely not a checkpoint');
  await page.getByTestId('upload-checkpoint').setInputFiles(bad);
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.getByTestId('error').textContent(), /checkpoint.*not a complete safetensors file/);
  await paused(page);
  assert.equal(await count(page), step);
  assert.ok(Number(await page.getByTestId('curves').getAttribute('data-points')) > 0, 'the curves were lost');
  await page.getByTestId('start').click();
  await stepAtLeast(page, step + 3, 60_000);
  await page.context().close();
});

test('the autosave is offered after a reload and resumes the run', { timeout: 300_000 }, async () => {
  const context = await env.chromium.newContext();
  const page = await open(context, env.server.url + SMALL);
  await ready(page);
  await trainTo(page, 210); // the worker keeps (and the page autosaves) every 200 steps
  await page.reload();
  const offer = page.getByTestId('resume-offer');
  await offer.waitFor({ state: 'visible', timeout: 30_000 });
  // Kept at the end of the call that passed step 200 (calls are several steps long).
  const [, saved] = (await offer.textContent()).match(/MNIST run .* saved at step (\d+)/);
  assert.ok(Number(saved) >= 200 && Number(saved) <= 210 + 64, saved);
  await ready(page);
  await page.getByTestId('offer-resume').click();
  await page.waitForFunction((n) => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === n, saved, { timeout: 60_000 });
  assert.equal(await page.getByTestId('hidden').inputValue(), '8', "the run's own config is shown");
  await page.getByTestId('start').click();
  await stepAtLeast(page, Number(saved) + 3, 60_000);
  assert.deepEqual(page.errors, []);
  await context.close();
});
