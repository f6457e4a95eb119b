// What a CPU training step costs in headless Chromium at the defaults (batch 16 and 64), on one
// thread and on threads: figures, not pass/fail.
// - in the page: the trainer page as a visitor runs it, served without cross-origin isolation
//   (one thread, www/pkg/) and with it (the threaded build, www/pkg-threads/, one thread per core),
//   timed after the judge's first verdict, so the page's drawing shares the cores but no judging;
// - bare: the same session in a worker with nothing else running (www/fixtures/step-worker.js),
//   in the single-thread build and in the threaded build on 1 and on 2 threads.
// Variants are timed in turns (A B C … A B C …) so that load from anything else falls on all alike.
//   node pkg-scripts/bench-page-step.mjs            (needs www/pkg and www/pkg-threads: pkg-scripts/build)
// ROUNDS (default 3) and STEPS (default 40 per round at batch 16, a quarter at 64) set the length.
import { serve, browser, open, ready, count, stepAtLeast } from '../tests/harness.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STEPS = Number(process.env.STEPS ?? 40);
const WARMUP = 3;
const steps = (batch) => Math.max(4, Math.round((STEPS * 16) / batch));

async function inPage(chromium, url, batch) {
  const page = await open(await chromium.newContext(), `${url}?debug=1&backend=cpu&dataset=mnist&batch-size=${batch}&target=100000`);
  await ready(page);
  await page.getByTestId('start').click();
  await stepAtLeast(page, WARMUP);
  // After the judge's first verdict (step 0: loading its classifier, judging 500 samples), so
  // that the window holds training and drawing only; the judge runs again every kept state.
  await page.waitForFunction(() => window.began.quality().length > 0, null, { timeout: 300_000 });
  const [from, start] = [await count(page), performance.now()];
  await stepAtLeast(page, from + steps(batch), 600_000);
  const [to, ms] = [await count(page), performance.now() - start];
  await page.context().close();
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  return ms / (to - from);
}

async function bare(chromium, url, batch, threads) {
  const page = await open(await chromium.newContext(), `${url}fixtures/blank.html`);
  const result = await page.evaluate((job) => new Promise((resolve) => {
    const worker = new Worker('/fixtures/step-worker.js', { type: 'module' });
    worker.onmessage = ({ data }) => resolve(data);
    worker.onerror = (event) => resolve({ error: event.message });
    worker.postMessage(job);
  }), { threads, batch, calls: 1, steps: steps(batch) });
  await page.context().close();
  if (result.error) throw new Error(result.error);
  return result.ms_per_step[0];
}

const [isolated, plain] = await Promise.all([serve(), serve({ isolated: false })]);
const chromium = await browser({ webgpu: false });
const variants = {
  'page, one thread (not isolated)': (batch) => inPage(chromium, plain.url, batch),
  'page, threads (isolated)': (batch) => inPage(chromium, isolated.url, batch),
  'bare worker, single-thread build': (batch) => bare(chromium, isolated.url, batch, 0),
  'bare worker, threaded build, 1 thread': (batch) => bare(chromium, isolated.url, batch, 1),
  'bare worker, threaded build, 2 threads': (batch) => bare(chromium, isolated.url, batch, 2),
};
const times = {};
try {
  for (const batch of [16, 64]) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, time] of Object.entries(variants)) {
        const ms = await time(batch);
        (times[`${name}, batch ${batch}`] ??= []).push(+ms.toFixed(1));
        console.error(`batch ${batch}, round ${round + 1}, ${name}: ${ms.toFixed(1)} ms/step`);
      }
    }
  }
} finally {
  await chromium.close();
  isolated.close();
  plain.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = {
  measured_on: new Date().toISOString().slice(0, 10),
  browser: `Chromium ${chromium.version()} headless`,
  cores: (await import('node:os')).availableParallelism(),
  results: Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, { median_ms_per_step: median(xs), runs: xs }])),
};
console.log(JSON.stringify(result, null, 2));
