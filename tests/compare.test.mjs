// The Compare view (compare.html) end to end in headless Chromium: two objectives race on the same
// data and seed, each in its own training worker, both judged, and Pause stops both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setup, open, screenshot, root, spread } from './harness.mjs';

const env = setup();
const schema = JSON.parse(readFileSync(resolve(root, 'www', 'config-schema.json'), 'utf8'));
const member = (name) => schema.objectives.find((o) => o.name === name);

const steps = (page, lane) => page.getByTestId(`step-${lane}`).textContent().then(Number);
const bothStates = (page, states) =>
  page.waitForFunction((states) => ['a', 'b'].every((l) => states.includes(document.querySelector(`[data-testid=lane-${l}]`).dataset.state)), states, { timeout: 120_000 });

test('race began against hinge: both train, each on its objective, both drawn and judged, Pause stops both', { timeout: 300_000 }, async () => {
  const context = await context_(env);
  const page = await open(context, `${env.server.url}compare.html?debug=1`);
  await bothStates(page, ['ready']);
  // The defaults: BEGAN against the non-saturating GAN, hints from the schema.
  assert.equal(await page.getByTestId('objective-a').inputValue(), 'began');
  assert.equal(await page.getByTestId('objective-b').inputValue(), 'ns');
  const names = await page.getByTestId('objective-b').locator('option').allTextContents();
  assert.deepEqual(names, schema.objectives.map((o) => o.name), 'the select lists the schema\'s objectives');

  await page.getByTestId('objective-b').selectOption('hinge');
  assert.equal(await page.getByTestId('objective-b-hint').textContent(), member('hinge').hint);
  // Both runs start over on the new pair; the worker's `ready` carries each session's whole config.
  await page.waitForFunction(() => window.compare.configs().b?.objective === 'hinge', null, { timeout: 120_000 });
  await bothStates(page, ['ready']);
  const configs = await page.evaluate(() => window.compare.configs());
  assert.equal(configs.a.objective, 'began');
  assert.equal(configs.b.objective, 'hinge');
  assert.equal(configs.b.lr, member('hinge').lr, 'hinge trains at its authors\' learning rate');
  assert.equal(configs.a.seed, configs.b.seed, 'the same seed');
  for (const lane of ['a', 'b']) assert.match(await page.getByTestId(`backend-${lane}`).textContent(), /^CPU( ×\d+)?$/);
  assert.match(await page.getByTestId('threads-note').textContent(), /half of this computer's \d+ cores/);

  await page.getByTestId('start').click();
  await page.waitForFunction(() => ['a', 'b'].every((l) => Number(document.querySelector(`[data-testid=step-${l}]`).textContent) >= 20), null, { timeout: 120_000 });
  // Still rising, both of them: neither run waits for the other.
  const [a, b] = [await steps(page, 'a'), await steps(page, 'b')];
  await page.waitForFunction(([a, b]) => Number(document.querySelector('[data-testid=step-a]').textContent) > a && Number(document.querySelector('[data-testid=step-b]').textContent) > b, [a, b], { timeout: 60_000 });
  for (const lane of ['a', 'b']) {
    assert.ok((await spread(page, `samples-${lane}`)) > 5, `run ${lane}'s sample canvas is blank`);
    assert.ok(Number(await page.getByTestId(`speed-${lane}`).textContent()) > 0, `run ${lane} shows no speed`);
  }

  // Each run's judge answers: at least its first kept state (step 0, at 0 s) is on the chart.
  const chart = page.getByTestId('race-chart');
  await page.waitForFunction(() => ['A', 'B'].every((l) => Number(document.querySelector('[data-testid=race-chart]').dataset[`points${l}`]) >= 1), null, { timeout: 60_000 });
  const points = await page.evaluate(() => window.compare.points());
  for (const lane of ['a', 'b']) {
    const first = points[lane][0];
    assert.ok(first && first.seconds >= 0 && first.coverage >= 0 && first.coverage <= 10 && Number.isFinite(first.frechet), `run ${lane}: ${JSON.stringify(first)}`);
    assert.equal(String(points[lane].length), await chart.getAttribute(`data-points-${lane}`));
  }
  assert.match(await page.getByTestId('coverage-a').textContent(), /^\d+\/10$/);
  assert.match(await page.getByTestId('coverage-b').textContent(), /^\d+\/10$/);

  await page.getByTestId('pause').click();
  await bothStates(page, ['paused']);
  const [pausedA, pausedB, seconds] = [await steps(page, 'a'), await steps(page, 'b'), await page.getByTestId('elapsed-a').textContent()];
  assert.ok(Number(seconds) > 0, 'the clock counted the seconds trained');
  await page.waitForTimeout(2000);
  assert.equal(await steps(page, 'a'), pausedA, 'run A moved while paused');
  assert.equal(await steps(page, 'b'), pausedB, 'run B moved while paused');
  assert.equal(await page.getByTestId('elapsed-a').textContent(), seconds, 'paused time is not counted');
  assert.ok(await page.getByTestId('pause').isDisabled());
  await screenshot(page, 'compare');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a run that cannot start is a clear message, and the page stays usable', { timeout: 120_000 }, async () => {
  const context = await context_(env);
  await context.route('**/mnist/train-images-idx3-ubyte.gz', (route) => route.fulfill({ status: 200, body: 'not an IDX file' }));
  const page = await open(context, `${env.server.url}compare.html?debug=1`);
  await page.getByTestId('error').waitFor({ state: 'visible', timeout: 60_000 });
  await bothStates(page, ['failed']);
  const banner = await page.getByTestId('error').textContent();
  assert.match(banner, /A \(began\): .*mnist images: wrong magic number/);
  assert.match(banner, /B \(ns\): .*mnist images: wrong magic number/);
  assert.ok(await page.getByTestId('start').isDisabled());
  assert.ok(!(await page.getByTestId('reset').isDisabled()), 'Reset stays usable');
  await context.close();
});

function context_(env) {
  return env.chromium.newContext({ viewport: { width: 1280, height: 1000 } });
}
