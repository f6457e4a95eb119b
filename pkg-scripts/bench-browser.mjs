// Browser figures for pkg-scripts/bench, as JSON on stdout: training steps/s at batch 16 with the
// default model on the CPU backend and on WebGPU in headless Chromium, the wasm size raw and
// gzip'd, the time from page load to the first drawn sample, and main-thread tasks over 50 ms
// while training (the page's responsiveness). Figures, not pass/fail.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { serve, browser, open, root } from '../tests/harness.mjs';

const WARMUP = 3;
const TIMED = { cpu: 30, webgpu: 8 }; // SwiftShader's WebGPU takes about a second a step here

const stepCount = (page) => page.getByTestId('step-count').textContent().then(Number);

async function measure(chromium, url, backend) {
  const page = await open(await chromium.newContext(), `${url}?backend=${backend}&dataset=mnist&target=100000`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 300_000 });
  const firstSample = await page.evaluate(() => performance.getEntriesByName('first-sample')[0]?.startTime);
  const badge = await page.getByTestId('backend').getAttribute('title');
  // Main-thread tasks over 50 ms while training: the page should have next to none.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  await page.getByTestId('start').click();
  const until = (n) => page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, n, { timeout: 600_000, polling: 20 });
  await until(WARMUP);
  const [from, start] = [await stepCount(page), Date.now()];
  await until(from + TIMED[backend]);
  const [to, seconds] = [await stepCount(page), (Date.now() - start) / 1000];
  await page.getByTestId('pause').click();
  const longTasks = await page.evaluate(() => window.longTasks);
  const heapMiB = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null));
  await page.context().close();
  return {
    backend, reason: badge, batch_size: 16, steps_timed: to - from,
    steps_per_s: +((to - from) / seconds).toFixed(2), ms_per_step: +((seconds * 1000) / (to - from)).toFixed(1),
    page_load_to_first_sample_ms: firstSample === undefined ? null : Math.round(firstSample),
    main_thread_js_heap_mib: heapMiB === null ? null : +heapMiB.toFixed(1),
    main_thread_long_tasks: { count: longTasks.length, seconds_observed: +seconds.toFixed(1), longest_ms: longTasks.length ? Math.round(Math.max(...longTasks)) : 0 },
  };
}

const size = (path) => {
  const bytes = readFileSync(resolve(root, path));
  return { bytes: bytes.length, gzip_bytes: gzipSync(bytes, { level: 9 }).length };
};
const wasm = { trainer: size('www/pkg/began_bg.wasm'), sampler_widget: size('www/pkg-sampler/began_sampler_bg.wasm') };
const server = await serve();
const chromium = await browser();
const version = chromium.version();
const results = [];
try {
  for (const backend of ['cpu', 'webgpu']) results.push(await measure(chromium, server.url, backend));
} finally {
  await chromium.close();
  server.close();
}
console.log(JSON.stringify({
  browser: `Chromium ${version} headless (WebGPU: SwiftShader, a software adapter)`,
  wasm,
  results,
}, null, 2));
