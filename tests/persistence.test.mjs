// Keeping work in the trainer page: checkpoint download → upload, the IndexedDB autosave offered
// after a reload, and a bad upload that leaves the current run as it was.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { setup, open, root, count, stepAtLeast, ready, paused, type } from './harness.mjs';

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

/** The JSON config in a downloaded safetensors file's header. */
async function savedConfig(download) {
  const bytes = await (await import('node:fs/promises')).readFile(await download.path());
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
  return JSON.parse(header.__metadata__.config);
}

test('the mode-seeking weight is checked, applied live, saved with the checkpoint and restored', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext({ acceptDownloads: true }), env.server.url + SMALL);
  await ready(page);
  await type(page, 'mode-seeking', '2');
  assert.equal(await page.getByTestId('mode-seeking').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#mode-seeking-msg').textContent(), /\[0, 1\]/);
  await type(page, 'mode-seeking', '0.3');
  assert.equal(await page.getByTestId('mode-seeking').getAttribute('aria-invalid'), 'false');
  await page.getByTestId('step').click();
  await stepAtLeast(page, 1, 60_000);
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-checkpoint').click()]);
  assert.equal((await savedConfig(saved)).mode_seeking, 0.3);
  const path = resolve(files, 'mode-seeking.safetensors');
  await saved.saveAs(path);

  // Resuming it puts the run's own weight back in the form.
  await type(page, 'mode-seeking', '0');
  await page.getByTestId('upload-checkpoint').setInputFiles(path);
  await page.waitForFunction(() => document.querySelector('[data-testid=mode-seeking]').value === '0.3', null, { timeout: 60_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

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
  // Named as the user knows it: the file's own name.
  assert.match(await page.getByTestId('error').textContent(), /checkpoint not-a-checkpoint\.safetensors: not a complete safetensors file/);
  await paused(page);
  assert.equal(await count(page), step);
  // Well-formed with a matching checksum, but holding a NaN: refused naming the tensor.
  await page.getByTestId('upload-checkpoint').setInputFiles(resolve(root, 'www', 'fixtures', 'non-finite.safetensors'));
  await page.getByTestId('error').filter({ hasText: 'not finite' }).waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.getByTestId('error').textContent(), /checkpoint non-finite\.safetensors: tensor generator\.decoder\.to_image\.bias holds NaN: its weights are not finite/);
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
  const [, saved] = (await offer.textContent()).match(/run on MNIST .* saved at step (\d+)/);
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

/**
 * How much of a canvas (of the page, or of a widget's shadow root) is near-black background and
 * how much near-white ink: digits are mostly both; a fresh generator's gray noise is neither.
 */
const looks = (page, selector) =>
  page.$eval(selector, (el) => {
    const canvas = el.shadowRoot?.querySelector('canvas') ?? el;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.filter((_, i) => i % 4 === 0);
    return { dark: data.filter((v) => v < 40).length / data.length, ink: data.filter((v) => v > 200).length / data.length };
  });
const drawn = ({ dark, ink }) => dark > 0.5 && ink > 0.03;

test('start from pretrained fine-tunes the shipped model; its export draws in the widget and resumes as weights', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext({ acceptDownloads: true }), env.server.url + SMALL);
  await ready(page);
  const fresh = await looks(page, '[data-testid=samples]');
  assert.ok(!drawn(fresh), `a fresh generator should draw noise: ${JSON.stringify(fresh)}`);
  await page.getByTestId('start-pretrained').click();
  // The shipped model's shape replaces the form's (filters 4, N_h 8 from the URL).
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=hidden]').value === '32', null, { timeout: 60_000 });
  assert.equal(await count(page), 0);
  assert.equal(await page.getByTestId('filters').inputValue(), '8');
  assert.equal(await k(page), '0.0000');
  await page.waitForTimeout(300);
  const pretrained = await looks(page, '[data-testid=samples]');
  assert.ok(drawn(pretrained), `digits on black at step 0: ${JSON.stringify(pretrained)}`);
  await page.getByTestId('step').click();
  await stepAtLeast(page, 1, 60_000);
  await ready(page);

  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-generator').click()]);
  const bytes = await (await import('node:fs/promises')).readFile(await exported.path());

  // The export in the widget, served under a URL of the page's origin.
  const blog = await open(await env.chromium.newContext(), 'about:blank');
  await blog.route('**/my-model.safetensors', (route) => route.fulfill({ body: bytes, contentType: 'application/octet-stream' }));
  await blog.goto(env.server.url + 'fixtures/blank.html');
  await blog.evaluate(() => {
    const el = document.createElement('began-sampler');
    el.setAttribute('src', 'my-model.safetensors');
    el.setAttribute('seed', '1');
    document.body.append(el);
  });
  await blog.waitForFunction(() => document.querySelector('began-sampler').getAttribute('state') === 'ready', null, { timeout: 60_000 });
  assert.ok(drawn(await looks(blog, 'began-sampler')), 'the exported generator draws no digits');
  assert.deepEqual(blog.errors, []);

  // The same export chosen as a file to resume: a fresh run from its weights.
  const path = resolve(files, 'exported-generator.safetensors');
  writeFileSync(path, bytes);
  await page.getByTestId('upload-checkpoint').setInputFiles(path);
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 60_000 });
  assert.ok(drawn(await looks(page, '[data-testid=samples]')));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
