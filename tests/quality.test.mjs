// Sample quality in the trainer page: the quality worker judges kept states with the dataset's
// classifier; the panel shows coverage, Fréchet distance, KL and the class histogram, and the
// chart plots them beside M_global.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, ready, stepAtLeast, paused, count } from './harness.mjs';

const env = setup();

const points = (page) => page.getByTestId('quality').getAttribute('data-points').then(Number);
const judgedAtLeast = (page, n, timeout = 240_000) =>
  page.waitForFunction((n) => Number(document.querySelector('[data-testid=quality]').dataset.points) >= n, n, { timeout });
const shares = (page) => page.getByTestId('histogram').locator('li').evaluateAll((items) =>
  items.map((li) => ({ name: li.querySelector('.name').textContent, share: parseFloat(li.querySelector('.share').textContent), missing: li.classList.contains('missing') })));

test('a training run is judged every 200 steps and its quality plotted', { timeout: 400_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&filters=4&hidden=8&batch-size=8&target=400`);
  await ready(page);
  await judgedAtLeast(page, 1); // the fresh state, step 0
  await page.getByTestId('start').click();
  await stepAtLeast(page, 400, 300_000);
  await judgedAtLeast(page, 3); // steps 0, 200, 400

  const coverage = await page.getByTestId('coverage').textContent();
  assert.match(coverage, /^(\d|10)\/10$/);
  assert.ok(Number(await page.getByTestId('frechet').textContent()) > 0);
  const histogram = await shares(page);
  assert.deepEqual(histogram.map((c) => c.name), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.ok(Math.abs(histogram.reduce((sum, c) => sum + c.share, 0) - 100) < 1, 'shares add up to 100%');
  // The panel's figure agrees with its histogram: covered classes have at least 3.3%.
  assert.equal(histogram.filter((c) => !c.missing).length, Number(coverage.split('/')[0]));
  assert.match(await page.getByTestId('quality-note').textContent(), /500 samples judged every 200 steps .*98\.9% on the MNIST test split/);
  // The chart drew its points: uPlot's legend shows the values at the cursor, and its canvas is there.
  assert.equal(await page.getByTestId('quality-chart').locator('canvas').count(), 1);

  // A new run starts the quality history over.
  await page.getByTestId('reset').click();
  await ready(page);
  assert.ok((await points(page)) <= 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the shipped generators cover most classes as judged in the page', { timeout: 300_000 }, async () => {
  for (const [dataset, first, last] of [['mnist', '0', '9'], ['fashion', 'T-shirt/top', 'Ankle boot']]) {
    const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&dataset=${dataset}`);
    await ready(page);
    await judgedAtLeast(page, 1);
    await page.getByTestId('start-pretrained').click();
    // The pretrained state, judged at step 0 of the new run: as `began eval` says (www/models/README.md).
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=coverage]').textContent.split('/')[0]) >= 8, null, { timeout: 240_000 });
    const histogram = await shares(page);
    assert.equal(histogram[0].name, first);
    assert.equal(histogram[9].name, last);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test('a collapse is flagged, and going back restores the best-judged state, held across moves between builds', { timeout: 400_000 }, async () => {
  // The shipped MNIST generator (9–10 classes) trained on at the highest learning rate the form
  // allows: within 200 steps its samples go dark and one class is left.
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&dataset=mnist&target=200`);
  await ready(page);
  await page.getByTestId('start-pretrained').click();
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && /samples judged/.test(document.querySelector('[data-testid=quality-note]').textContent), null, { timeout: 240_000 });
  const before = await page.getByTestId('coverage').textContent();
  assert.ok(Number(before.split('/')[0]) >= 8, before);
  assert.equal(await page.getByTestId('collapse-warning').isVisible(), false);

  await page.getByTestId('lr').fill('0.01');
  await page.getByTestId('lr').blur();
  await page.getByTestId('start').click();
  await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 300_000 });
  await page.getByTestId('collapse-warning').waitFor({ timeout: 120_000 });
  assert.match(await page.getByTestId('collapse-text').textContent(), new RegExp(`at step 200, down from ${before.split('/')[0]} at step 0 \\(lost: `));
  const button = page.getByTestId('go-back');
  assert.equal(await button.textContent(), 'Go back to step 0');

  // To WebGPU and back: in an isolated page each move crosses between the two wasm builds
  // (www/js/engines.js), and the state held to go back to goes along.
  for (const [backend, badge] of [['webgpu', /^WebGPU$/], ['cpu', /^CPU/]]) {
    await page.locator('#backend-choice').selectOption(backend);
    await page.waitForFunction((badge) => new RegExp(badge).test(document.querySelector('[data-testid=backend]').textContent) && document.body.dataset.state === 'paused', badge.source, { timeout: 120_000 });
    assert.equal(await count(page), 200);
  }
  await page.getByTestId('collapse-warning').waitFor();

  await button.click();
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.querySelector('[data-testid=step-count]').textContent === '0', null, { timeout: 120_000 });
  await page.getByTestId('collapse-warning').waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('coverage').textContent(), before, 'the best state, judged again, as before');
  assert.equal(await points(page), 1);
  assert.equal(await page.getByTestId('curves').getAttribute('data-points'), '0');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
