// The page's mode-collapse rules (www/js/quality.js) on made-up judgements: plain functions, no
// browser. Which state is best is Rust's rule (quality::Best, tested there and in crate/tests/web.rs):
// the quality worker flags it, and these judgements carry the flags it would have set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { best, collapse, covered } from '../www/js/quality.js';

/** A histogram covering the classes in `classes` evenly, and nothing else. */
const even = (classes) => Array.from({ length: 10 }, (_, i) => (classes.includes(i) ? 1 / classes.length : 0));
const entry = (step, classes, best, frechet = 100) => ({ step, coverage: classes.length, frechet, histogram: even(classes), best });
const range = (n) => Array.from({ length: n }, (_, i) => i);

test('a class is covered from a third of the uniform share on', () => {
  const histogram = [0.034, 0.033, ...Array(8).fill(0.93 / 8)];
  assert.deepEqual(covered(histogram), [0, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('the best state is the latest the judge called best', () => {
  const history = [entry(0, range(3), true, 500), entry(200, range(9), true, 300), entry(400, range(9), true, 250), entry(600, range(8), false, 100)];
  assert.equal(best(history).step, 400);
  assert.equal(best([]), null);
});

test('losing two classes after covering six or more is a collapse, naming the lost ones', () => {
  const history = [entry(0, range(2), true), entry(200, range(9), true), entry(400, [0, 1, 2, 3, 4, 7, 8], false)];
  const found = collapse(history);
  assert.equal(found.best.step, 200);
  assert.equal(found.latest.step, 400);
  assert.deepEqual(found.lost, [5, 6]);
});

test('no warning for one class of noise, a recovery, an early run, or nothing judged', () => {
  assert.equal(collapse([entry(200, range(9), true), entry(400, range(8), false)]), null);
  assert.equal(collapse([entry(200, range(9), true), entry(400, range(6), false), entry(600, range(8), false)]), null);
  assert.equal(collapse([entry(200, range(5), true), entry(400, range(1), false)]), null, 'never diverse, so nothing collapsed');
  assert.equal(collapse([]), null);
  assert.equal(collapse([entry(200, range(9), false)]), null, 'no best yet (a state judged again after a move)');
});
