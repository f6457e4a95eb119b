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

test("hinge on DCGAN's networks races BEGAN: the arch reaches the worker, BEGAN's objective keeps BEGAN's networks", { timeout: 300_000 }, async () => {
  const context = await context_(env);
  const page = await open(context, `${env.server.url}compare.html?debug=1`);
  await bothStates(page, ['ready']);
  const dcgan = (lane) => page.locator(`[data-testid=arch-${lane}] option[value=dcgan]`);
  assert.deepEqual(await page.getByTestId('arch-b').locator('option').allTextContents(), schema.architectures.map((a) => a.name));
  for (const lane of ['a', 'b']) assert.equal(await page.getByTestId(`arch-${lane}`).inputValue(), 'began');
  // BEGAN's D is an autoencoder: DCGAN's networks cannot serve it (config.rs), so A (began) cannot pick them.
  assert.ok(await dcgan('a').isDisabled());
  assert.ok(!(await dcgan('b').isDisabled()));

  // The arch before the objective: the last `ready` (hinge's) must carry it, or it never reached the worker.
  await page.getByTestId('arch-b').selectOption('dcgan');
  assert.equal(await page.getByTestId('arch-b-hint').textContent(), schema.architectures.find((a) => a.name === 'dcgan').hint);
  await page.getByTestId('objective-b').selectOption('hinge');
  await page.waitForFunction(() => window.compare.configs().b?.objective === 'hinge', null, { timeout: 120_000 });
  await bothStates(page, ['ready']);
  const configs = await page.evaluate(() => window.compare.configs());
  assert.equal(configs.b.model.arch, 'dcgan', 'run B was built on DCGAN\'s networks');
  assert.equal(configs.a.model.arch, 'began');
  assert.match(await page.locator('#lane-b-title').textContent(), /hinge · dcgan/);
  assert.match(await page.locator('#lane-a-title').textContent(), /: began$/, "BEGAN's networks go unnamed");

  // Blanked here, the grid is drawn again only by the DCGAN run's worker (a pause draws).
  await page.getByTestId('samples-b').evaluate((canvas) => canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height));
  await page.getByTestId('start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-b]').textContent) >= 3, null, { timeout: 120_000 });
  const b = await steps(page, 'b');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=step-b]').textContent) > b, b, { timeout: 60_000 });
  await page.getByTestId('pause').click();
  await bothStates(page, ['paused']);
  assert.ok((await spread(page, 'samples-b')) > 5, "the DCGAN run's sample canvas is blank");
  assert.match(await page.getByTestId('race-chart').textContent(), /B hinge · dcgan coverage/, 'the legend names the architecture');
  await screenshot(page, 'compare-dcgan');

  // Back to BEGAN's objective: run B's architecture gives way to BEGAN's, and both start over.
  await page.getByTestId('objective-b').selectOption('began');
  assert.equal(await page.getByTestId('arch-b').inputValue(), 'began');
  assert.ok(await dcgan('b').isDisabled());
  await page.waitForFunction(() => window.compare.configs().b?.objective === 'began', null, { timeout: 120_000 });
  assert.equal((await page.evaluate(() => window.compare.configs())).b.model.arch, 'began');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('?arch-b= in the URL chooses run B\'s architecture; one that cannot serve the objective gives way', { timeout: 120_000 }, async () => {
  const context = await context_(env);
  const page = await open(context, `${env.server.url}compare.html?debug=1&b=lsgan&arch-b=dcgan&arch-a=dcgan`);
  await page.waitForFunction(() => window.compare.configs().b?.model.arch === 'dcgan', null, { timeout: 120_000 });
  assert.equal(await page.getByTestId('arch-a').inputValue(), 'began', "A trains BEGAN's objective");
  assert.equal((await page.evaluate(() => window.compare.configs())).b.objective, 'lsgan');
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
