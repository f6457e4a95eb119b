// The form and Rust read one schema (www/config-schema.json, written by crate/src/schema/; a
// native test keeps the file current): the form's defaults, hints, checks and messages are the
// file's, so what Rust allows the form allows, and what it refuses shows the file's message.
// Expected values are read from the file here, never copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setup, open, ready, type, root } from './harness.mjs';

const schema = JSON.parse(readFileSync(resolve(root, 'www/config-schema.json'), 'utf8'));
const formFields = schema.fields.filter((field) => field.form);
const byId = Object.fromEntries(formFields.map((field) => [field.form.id, field]));
const env = setup();

/** Values just outside a field's range: an open end itself, a step past a closed one, a fraction. */
function outside({ type, min, min_open, max, max_open }) {
  const step = type === 'whole' ? 1 : 1e-6;
  const values = [];
  if (min !== null) values.push(min_open ? min : min - step);
  if (max !== null) values.push(max_open ? max : max + step);
  if (type === 'whole') values.push(min + 0.5);
  return values;
}

/** The closed ends: the last values allowed. */
function ends({ type, min, min_open, max, max_open }) {
  return [...(min !== null && !min_open ? [min] : []), ...(max !== null && !max_open ? [max] : [])];
}

test('the form shows the schema: defaults, hints, and every field in the page', { timeout: 120_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu`);
  await ready(page);
  assert.ok(formFields.length >= 9, 'the schema lists the form fields');
  for (const field of formFields) {
    const { id, hint } = field.form;
    assert.equal(await page.locator(`#${id}`).inputValue(), String(field.default), `${id}: the default`);
    assert.equal(await page.locator(`#${id}-msg`).textContent(), hint, `${id}: the hint`);
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'false', id);
  }
  // The page's checks, called directly: the ends pass, just outside gets the schema's message.
  const cases = formFields.flatMap((field) => [
    ...ends(field).map((x) => [field.form.id, x, null]),
    ...outside(field).map((x) => [field.form.id, x, field.form.message]),
  ]);
  const got = await page.evaluate(async (cases) => {
    const { FIELDS } = await import('./js/settings.js');
    return cases.map(([id, x]) => FIELDS[id].check(x));
  }, cases);
  assert.deepEqual(got, cases.map(([, , want]) => want));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a value outside a field's range shows the schema's message under it", { timeout: 300_000 }, async () => {
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&filters=4&hidden=8&batch-size=8`);
  await ready(page);
  const kept = {};
  for (const id of Object.keys(byId)) kept[id] = await page.locator(`#${id}`).inputValue();
  for (const field of formFields) {
    const { id, message, hint } = field.form;
    for (const value of outside(field)) {
      await type(page, id, String(value));
      assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `${id} = ${value}`);
      assert.equal(await page.locator(`#${id}-msg`).textContent(), message, `${id} = ${value}`);
    }
    // Back to what it was: valid again, the hint again (a model field rebuilds the same model).
    await type(page, id, kept[id]);
    await ready(page);
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-invalid'), 'false', id);
    assert.equal(await page.locator(`#${id}-msg`).textContent(), hint, id);
  }
  assert.equal(await page.getByTestId('error').isHidden(), true, await page.getByTestId('error').textContent());
  assert.deepEqual(page.errors.filter((e) => !/WebGPU|GPU/.test(e)), []);
  await page.context().close();
});

test('128 filters, allowed by Rust (a CLI run of that shape), is accepted by the form and builds', { timeout: 300_000 }, async () => {
  const filters = byId.filters;
  const wide = 128;
  assert.ok(wide >= filters.min && wide <= filters.max, 'the schema allows 128 filters');
  const page = await open(await env.chromium.newContext(), `${env.server.url}?backend=cpu&filters=${wide}&hidden=8&batch-size=8`);
  await ready(page);
  assert.equal(await page.getByTestId('filters').getAttribute('aria-invalid'), 'false');
  assert.equal(await page.locator('#filters-msg').textContent(), filters.form.hint);
  // Reset is not refused: the form and Rust agree on the shape.
  await page.getByTestId('reset').click();
  await ready(page);
  assert.equal(await page.getByTestId('error').isHidden(), true, await page.getByTestId('error').textContent());
  assert.notEqual(await page.evaluate(() => document.body.dataset.state), 'failed');
  assert.deepEqual(page.errors.filter((e) => !/WebGPU|GPU/.test(e)), []);
  await page.context().close();
});
