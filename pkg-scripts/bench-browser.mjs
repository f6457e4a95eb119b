// Browser figures for pkg-scripts/bench, as JSON on stdout: training speed of the default model
// at batch 16 and 64 on the CPU backend (on threads, as served cross-origin isolated, and on one
// thread, as served without those headers) and on WebGPU in headless Chromium; the time from page
// load to the first drawn sample; main-thread tasks over 50 ms while training; the wasm sizes;
// and one longer run on the CPU backend: the worker's wasm memory after 200 and 2,000 steps and
// when the page's quality panel first shows 9 of 10 classes. Figures, not pass/fail.
// BENCH_STEPS (default 2000) shortens the long run.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { serve, browser, open, root } from '../tests/harness.mjs';

const WARMUP = 3;
// SwiftShader's WebGPU takes seconds a step here, and more at batch 64.
const TIMED = { cpu: { 16: 30, 64: 10 }, webgpu: { 16: 8, 64: 3 } };
const LONG_RUN = Number(process.env.BENCH_STEPS ?? 2000);
const MiB = 2 ** 20;

const stepCount = (page) => page.getByTestId('step-count').textContent().then(Number);
const until = (page, n) => page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, n, { timeout: 3_600_000, polling: 50 });

async function openTrainer(chromium, url, backend, batch, target) {
  const page = await open(await chromium.newContext(), `${url}?debug=1&backend=${backend}&dataset=mnist&batch-size=${batch}&target=${target}`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 300_000 });
  return page;
}

async function measure(chromium, url, backend, batch) {
  const page = await openTrainer(chromium, url, backend, batch, 100000);
  const firstSample = await page.evaluate(() => performance.getEntriesByName('first-sample')[0]?.startTime);
  const badge = await page.getByTestId('backend').getAttribute('title');
  const threads = backend === 'cpu' ? Number(await page.getByTestId('backend').getAttribute('data-threads')) : null;
  // Main-thread tasks over 50 ms while training: the page should have next to none.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  await page.getByTestId('start').click();
  await until(page, WARMUP);
  // Timed after the judge's first verdict (its classifier loading, 500 samples judged), which
  // shares the cores with training; it judges again only every kept state.
  await page.waitForFunction(() => window.began.quality().length > 0, null, { timeout: 600_000 });
  const [from, start] = [await stepCount(page), Date.now()];
  await until(page, from + TIMED[backend][batch]);
  const [to, seconds] = [await stepCount(page), (Date.now() - start) / 1000];
  await page.getByTestId('pause').click();
  const longTasks = await page.evaluate(() => window.longTasks);
  await page.context().close();
  return {
    backend, threads, reason: badge, batch_size: batch, steps_timed: to - from,
    steps_per_s: +((to - from) / seconds).toFixed(2), ms_per_step: +((seconds * 1000) / (to - from)).toFixed(1),
    page_load_to_first_sample_ms: firstSample === undefined ? null : Math.round(firstSample),
    main_thread_long_tasks: { count: longTasks.length, seconds_observed: +seconds.toFixed(1), longest_ms: longTasks.length ? Math.round(Math.max(...longTasks)) : 0 },
  };
}

/** The default model on the CPU backend for LONG_RUN steps, as a visitor would run it. */
async function longRun(chromium, url) {
  const page = await openTrainer(chromium, url, 'cpu', 16, LONG_RUN);
  const memory = async () => ({
    wasm_memory_mib: +((await page.evaluate(() => window.began.wasmMemory())) / MiB).toFixed(1),
    main_thread_js_heap_mib: await page.evaluate(() => (performance.memory ? +(performance.memory.usedJSHeapSize / 2 ** 20).toFixed(1) : null)),
  });
  const start = Date.now();
  // Seconds from Start until each judged step's stats arrived, to time the first 9/10.
  const reachedAt = {};
  await page.exposeFunction('benchStep', (step) => (reachedAt[step] ??= (Date.now() - start) / 1000));
  await page.evaluate(() => new MutationObserver(() => window.benchStep(Number(document.querySelector('[data-testid=step-count]').textContent)))
    .observe(document.querySelector('[data-testid=step-count]'), { childList: true, characterData: true, subtree: true }));
  const threads = Number(await page.getByTestId('backend').getAttribute('data-threads'));
  await page.getByTestId('start').click();
  const at = {};
  for (const steps of [200, LONG_RUN]) {
    await until(page, steps);
    at[`after_${steps}_steps`] = await memory();
  }
  const seconds = (Date.now() - start) / 1000;
  await page.waitForFunction((n) => window.began.quality().at(-1)?.step >= n, LONG_RUN, { timeout: 120_000 }).catch(() => {});
  const judged = await page.evaluate(() => window.began.quality().map(({ step, coverage, frechet }) => ({ step, coverage, frechet: +frechet.toFixed(1) })));
  await page.context().close();
  // Not step 0: the page judges the untrained G too, whose noise can fall into 9 classes.
  const first = judged.find((j) => j.step > 0 && j.coverage >= 9);
  const secondsTo = (step) => Object.entries(reachedAt).find(([s]) => Number(s) >= step)?.[1] ?? null;
  return {
    backend: 'cpu', threads, batch_size: 16, steps: LONG_RUN, seconds: Math.round(seconds), memory: at,
    coverage_9_of_10_first_at: first ? { step: first.step, seconds_from_start: Math.round(secondsTo(first.step)) } : null,
    judged_every_200_steps: judged,
  };
}

const size = (path) => {
  const bytes = readFileSync(resolve(root, path));
  return { bytes: bytes.length, gzip_bytes: gzipSync(bytes, { level: 9 }).length };
};
const wasm = { trainer: size('www/pkg/began_bg.wasm'), trainer_threads: size('www/pkg-threads/began_bg.wasm') }; // the widget's: bench-sampler.mjs
const server = await serve();
const plain = await serve({ isolated: false }); // as GitHub Pages serves it: one thread
const chromium = await browser();
const version = chromium.version();
const results = [];
let long = null;
try {
  for (const [backend, where] of [['cpu', server], ['cpu', plain], ['webgpu', server]]) {
    for (const batch of [16, 64]) {
      console.error(`Chromium, ${backend}${where === plain ? ' (not isolated)' : ''}, batch ${batch}`);
      results.push(await measure(chromium, where.url, backend, batch));
    }
  }
  console.error(`Chromium, cpu, ${LONG_RUN} steps`);
  long = await longRun(chromium, server.url);
} finally {
  await chromium.close();
  server.close();
  plain.close();
}
console.log(JSON.stringify({
  browser: `Chromium ${version} headless (WebGPU: SwiftShader, a software adapter)`,
  wasm,
  results,
  long_run: long,
}, null, 2));
