// The GAN family in the page: the objective select builds a run of the member chosen, at its
// authors' settings, and the page shows what that member's D is (a critic's scores and curves
// instead of BEGAN's reconstructions and equilibrium); keeping the run undoes the choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setup, open, ready, stepAtLeast, paused, root, spread } from './harness.mjs';

const env = setup();
const config = (page) => page.evaluate(() => window.began.config());
const visible = (page, testid) => page.getByTestId(testid).isVisible();

test('the objective select trains the member chosen and the page shows its critic', { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?debug=1&backend=cpu&filters=4&hidden=8`);
  await ready(page);
  assert.equal((await config(page)).objective, 'began');
  assert.ok(await visible(page, 'gamma'));

  // Step 0: no training to lose, so the new model is built at once, at the member's settings.
  await page.getByTestId('objective').selectOption('ns');
  await page.waitForFunction(() => window.began.config()?.objective === 'ns', null, { timeout: 60_000 });
  const ns = await config(page);
  assert.deepEqual([ns.lr, ns.beta1, ns.beta2], [0.0002, 0.5, 0.999], "Goodfellow et al.'s Adam settings (as DCGAN's)");
  assert.equal(await page.getByTestId('lr').inputValue(), '0.0002');
  assert.match(await page.getByTestId('objective-hint').textContent(), /non-saturating.*Goodfellow/);
  assert.ok(!(await visible(page, 'gamma')) && !(await visible(page, 'mode-seeking')), "BEGAN's own settings are hidden");
  assert.equal(await page.locator('#curves').getAttribute('data-layout'), 'critic');

  await page.getByTestId('start').click();
  await stepAtLeast(page, 30);
  await page.getByTestId('pause').click();
  await paused(page);
  // D's score of each image shown: 8 real, 8 generated, finite, drawn under 2 rows of images.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=scores] li').length === 16, null, { timeout: 30_000 });
  const scores = await page.locator('[data-testid=scores] li').allTextContents();
  assert.ok(scores.every((s) => Number.isFinite(Number(s))), scores.join(' '));
  const rows = await page.getByTestId('reconstructions').evaluate((canvas) => canvas.height / canvas.width);
  assert.ok(rows > 0 && rows < 0.4, `2 rows of images (4 would be ~0.5): ${rows}`);
  assert.equal(await page.locator('#row-labels li').count(), 2);
  const gap = Number(await page.getByTestId('k-value').textContent());
  assert.ok(Number.isFinite(gap), 'the score gap replaces k_t');
  assert.ok(Number(await page.locator('#curves').getAttribute('data-points')) > 0);
  // The sample quality panel judges a critic's run as any other (its first kept state).
  await page.waitForFunction(() => window.began.quality().length > 0, null, { timeout: 60_000 });

  // A change mid-run asks first; keeping the run puts the select and its learning rate back.
  await page.getByTestId('objective').selectOption('wgan-gp');
  await page.locator('#confirm button[value=cancel]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=objective]').value === 'ns', null, { timeout: 10_000 });
  assert.equal(await page.getByTestId('lr').inputValue(), '0.0002');
  assert.ok(Number(await page.getByTestId('step-count').textContent()) >= 30, 'the run is kept');

  // Going ahead starts the new member from step 0, at its own settings, its approximation named.
  await page.getByTestId('objective').selectOption('wgan-gp');
  await page.locator('#confirm button[value=reset]').click();
  await page.waitForFunction(() => window.began.config()?.objective === 'wgan-gp', null, { timeout: 60_000 });
  const gp = await config(page);
  assert.deepEqual([gp.lr, gp.beta1, gp.beta2], [0.0001, 0, 0.9], "Gulrajani et al.'s Adam settings");
  assert.equal(await page.getByTestId('step-count').textContent(), '0');
  assert.match(await page.getByTestId('objective-hint').textContent(), /5 critic steps per G step.*first order/);

  // Back to BEGAN: its settings, curves and four rows of reconstructions return.
  await page.getByTestId('objective').selectOption('began');
  await page.waitForFunction(() => window.began.config()?.objective === 'began', null, { timeout: 60_000 });
  assert.ok(await visible(page, 'gamma'));
  assert.equal(await page.locator('#curves').getAttribute('data-layout'), 'began');
  assert.equal(await page.locator('#row-labels li').count(), 4);
  assert.ok(!(await visible(page, 'scores')));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('?objective= in the URL chooses the member; an lr there overrides its default', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?debug=1&backend=cpu&filters=4&hidden=8&lr=0.0003&objective=lsgan`);
  await ready(page);
  const lsgan = await config(page);
  assert.deepEqual([lsgan.objective, lsgan.lr], ['lsgan', 0.0003]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("DCGAN's networks: chosen in the form, refused with BEGAN, trained with a critic's objective", { timeout: 180_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?debug=1&backend=cpu&filters=4&hidden=8&objective=hinge`);
  await ready(page);
  // BEGAN's objective cannot take DCGAN's D (a critic), nor DCGAN's architecture BEGAN.
  assert.equal(await page.locator('[data-testid=arch] option[value=dcgan]').isDisabled(), false);
  await page.getByTestId('arch').selectOption('dcgan');
  await page.waitForFunction(() => window.began.config()?.model.arch === 'dcgan', null, { timeout: 60_000 });
  assert.equal((await config(page)).objective, 'hinge');
  assert.ok(await page.locator('[data-testid=objective] option[value=began]').isDisabled());
  assert.match(await page.getByTestId('arch-hint').textContent(), /batch norm/);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '1', null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=scores] li').length === 16, null, { timeout: 30_000 });
  await page.getByTestId('arch').selectOption('began');
  await page.locator('#confirm button[value=reset]').click();
  await page.waitForFunction(() => window.began.config()?.model.arch === 'began', null, { timeout: 60_000 });
  assert.equal(await page.locator('[data-testid=objective] option[value=began]').isDisabled(), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('"Sharpest in a few minutes" builds the preset of the backend in use and says why', { timeout: 180_000 }, async () => {
  const schema = JSON.parse(readFileSync(resolve(root, 'www/config-schema.json'), 'utf8'));
  const preset = schema.presets.find((p) => p.backend === 'cpu');
  const page = await open(await env.chromium.newContext(), `${env.server.url}?debug=1&backend=cpu&filters=4&hidden=8`);
  await ready(page);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '1', null, { timeout: 60_000 });
  // Training would be lost: the page asks first, and keeping the run changes nothing.
  await page.getByTestId('preset-sharpest').click();
  await page.locator('#confirm button[value=cancel]').click();
  assert.equal((await config(page)).objective, 'began');
  await page.getByTestId('preset-sharpest').click();
  await page.locator('#confirm button[value=reset]').click();
  await page.waitForFunction((o) => window.began.config()?.objective === o, preset.config.objective, { timeout: 60_000 });
  const built = await config(page);
  assert.deepEqual(
    [built.objective, built.batch_size, built.model.arch, built.model.filters, built.model.hidden],
    [preset.config.objective, preset.config.batch_size, preset.config.model.arch, preset.config.model.filters, preset.config.model.hidden],
  );
  const member = schema.objectives.find((m) => m.name === preset.config.objective);
  assert.equal(built.lr, member.lr, "the member's own learning rate");
  assert.equal(await page.getByTestId('notice').isVisible(), true);
  assert.equal(await page.locator('#notice-text').textContent(), preset.why);
  assert.equal(await page.getByTestId('filters').inputValue(), String(preset.config.model.filters));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The target: every member trains on WebGPU too (a short run; SwiftShader here), at its
// defaults, on BEGAN's networks and, for the critics with and without batch norm, on DCGAN's.
test('every member trains a few steps on WebGPU with finite losses', { timeout: 900_000 }, async () => {
  const schema = JSON.parse(readFileSync(resolve(root, 'www/config-schema.json'), 'utf8'));
  const runs = [...schema.objectives.map(({ name }) => [name, 'began']), ['hinge', 'dcgan'], ['wgan-gp', 'dcgan']];
  for (const [objective, arch] of runs) {
    const url = `${env.server.url}?debug=1&backend=webgpu&filters=4&hidden=8&batch-size=8&objective=${objective}&arch=${arch}`;
    const page = await open(await env.chromium.newContext(), url);
    await ready(page);
    assert.equal(await page.getByTestId('backend').textContent(), 'WebGPU', `${objective} · ${arch}`);
    const chosen = await config(page);
    assert.deepEqual([chosen.objective, chosen.model.arch], [objective, arch]);
    await page.getByTestId('start').click();
    // Six steps: the Wasserstein members update G on the fifth.
    await stepAtLeast(page, 6, 300_000);
    await page.getByTestId('pause').click();
    await paused(page);
    assert.ok(await page.getByTestId('error').isHidden(), `${objective} · ${arch}: ${await page.getByTestId('error').textContent()}`);
    for (const readout of ['k-value', 'm-global']) {
      const text = await page.getByTestId(readout).textContent();
      assert.ok(Number.isFinite(Number(text)), `${objective} · ${arch}: ${readout} reads ${text}`);
    }
    // The samples (from the moving average, with DCGAN its measured statistics) are drawn: a
    // non-finite G would leave them black.
    assert.ok((await spread(page, 'samples')) > 5, `${objective} · ${arch}: the sample canvas is blank`);
    assert.deepEqual(page.errors, [], `${objective} · ${arch}`);
    await page.context().close();
  }
});
