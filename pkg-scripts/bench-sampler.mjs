// Figures for the <began-sampler> widget, as JSON on stdout: what one widget downloads (raw and
// gzip'd), the time from scrolling it into view to its first frame with a cold cache (a fresh
// browser profile) and a warm one (the page reloaded, from an HTTP cache that may keep files an
// hour), milliseconds per frame for grids 1×1 to 8×8, and the main thread's longest task while
// an 8×8 grid morphs. Figures, not pass/fail. BENCH_REPEATS (default 5) runs of each first frame.
import { gzipSync } from 'node:zlib';
import { serve, browser } from '../tests/harness.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const FRAMES = 20;
const KiB = 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Milliseconds from scrolling `#far` into view to its `load` event (its first frame drawn). */
async function firstFrame(page) {
  await page.waitForFunction(() => document.querySelector('#far')?.state === 'idle');
  return page.evaluate(() => new Promise((done, fail) => {
    const el = document.querySelector('#far');
    const start = performance.now();
    el.addEventListener('load', () => done(performance.now() - start), { once: true });
    el.addEventListener('error', (e) => fail(new Error(e.detail.message)), { once: true });
    el.scrollIntoView();
  }));
}

async function downloads(chromium, url) {
  const context = await chromium.newContext();
  const page = await context.newPage();
  const files = [];
  // Bodies are read as responses arrive; all of them are awaited before the context closes
  // (a body still being read then made the run fail with "Target page … has been closed").
  const reading = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname.slice(1);
    if (!/^(sampler|pkg-sampler)\/|^models\//.test(path)) return;
    reading.push(r.body().then((body) => files.push({ path, bytes: body.length, gzip_bytes: gzipSync(body, { level: 9 }).length })));
  });
  await page.goto(url);
  await firstFrame(page);
  await Promise.all(reading);
  await context.close();
  files.sort((a, b) => a.path.localeCompare(b.path));
  const total = (key) => files.reduce((s, f) => s + f[key], 0);
  return { files, bytes: total('bytes'), gzip_bytes: total('gzip_bytes') };
}

async function firstFrames(chromium, url) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < REPEATS; i++) {
    const context = await chromium.newContext();
    const page = await context.newPage();
    await page.goto(url);
    cold.push(await firstFrame(page));
    await page.goto('about:blank'); // a new visit, not a reload: a reload would restore the scroll
    await page.goto(url);
    warm.push(await firstFrame(page));
    await context.close();
  }
  const round = (xs) => xs.map((x) => Math.round(x));
  return { cold_ms: { median: Math.round(median(cold)), runs: round(cold) }, warm_ms: { median: Math.round(median(warm)), runs: round(warm) } };
}

/** ms per G(z) of a grid, on the widget's own module and model, after a warm-up. */
async function perGrid(chromium, base) {
  const page = await (await chromium.newContext()).newPage();
  await page.goto(`${base}fixtures/blank.html`);
  const result = await page.evaluate(async ({ base, frames }) => {
    const wasm = await import(`${base}pkg-sampler/began_sampler.js`);
    await wasm.default();
    const bytes = new Uint8Array(await (await fetch(`${base}models/mnist.safetensors`)).arrayBuffer());
    const sampler = wasm.WebSampler.load(bytes, 'mnist.safetensors');
    const rows = [];
    for (let grid = 1; grid <= 8; grid++) {
      const times = [];
      for (let i = 0; i < frames + 3; i++) {
        const z = sampler.points(grid, 1, i);
        const start = performance.now();
        await sampler.generate(z, grid);
        if (i >= 3) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      rows.push({ grid, images: grid * grid, ms_per_frame_median: +times[frames >> 1].toFixed(1), ms_per_frame_worst: +times.at(-1).toFixed(1) });
    }
    return rows;
  }, { base, frames: FRAMES });
  await page.context().close();
  return result;
}

/** The longest main-thread tasks while an 8×8 widget morphs for `seconds`. */
async function mainThread(chromium, base, seconds = 5) {
  const page = await (await chromium.newContext()).newPage();
  await page.goto(`${base}fixtures/blank.html`);
  await page.evaluate(() => {
    window.tasks = [];
    new PerformanceObserver((list) => window.tasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const el = document.createElement('began-sampler');
    for (const [k, v] of [['src', '../models/mnist.safetensors'], ['grid', '8'], ['seed', '1'], ['interpolate', '']]) el.setAttribute(k, v);
    document.body.append(el);
  });
  await page.waitForFunction(() => document.querySelector('began-sampler').state === 'ready');
  await page.evaluate(() => (window.tasks = []));
  await page.waitForTimeout(seconds * 1000);
  const tasks = await page.evaluate(() => window.tasks);
  await page.context().close();
  return { seconds, tasks_over_50_ms: tasks.length, longest_ms: tasks.length ? Math.round(Math.max(...tasks)) : 0 };
}

const server = await serve({ cache: 3600 });
const chromium = await browser();
try {
  const page = `${server.url}fixtures/long-page.html`;
  console.error('sampler widget: downloads');
  const download = await downloads(chromium, page);
  console.error(`sampler widget: first frame after scrolling into view, ${REPEATS} × cold and warm`);
  const first = await firstFrames(chromium, page);
  console.error('sampler widget: ms per frame, grids 1–8');
  const grids = await perGrid(chromium, server.url);
  console.error('sampler widget: main thread while an 8×8 grid morphs');
  const busy = await mainThread(chromium, server.url);
  console.log(JSON.stringify({
    measured_on: new Date().toISOString().slice(0, 10),
    browser: `Chromium ${chromium.version()} headless, burn's CPU backend in wasm (SIMD128, one thread)`,
    downloads: download, first_frame_after_scroll: first, per_grid: grids, main_thread_while_morphing_8x8: busy,
  }, null, 2));
} finally {
  await chromium.close();
  server.close();
}
