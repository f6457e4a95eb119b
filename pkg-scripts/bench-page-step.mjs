// What a training step costs in the page's CPU backend at today's defaults against the paper's
// BEGAN (mode seeking off), in headless Chromium, batch 16: figures, not pass/fail. The two are
// timed in turns (A B A B …) so that load from anything else falls on both alike.
//   node pkg-scripts/bench-page-step.mjs            (needs www/pkg: pkg-scripts/build)
// ROUNDS (default 3) and STEPS (default 30 per round) set the length.
import { serve, browser, open } from '../tests/harness.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STEPS = Number(process.env.STEPS ?? 30);
const WARMUP = 3;
const CONFIGS = { default: '', 'paper (mode seeking 0)': '&mode-seeking=0' };

const stepCount = (page) => page.getByTestId('step-count').textContent().then(Number);
const until = (page, n) => page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, n, { timeout: 600_000, polling: 20 });

async function msPerStep(chromium, url, params) {
  const page = await open(await chromium.newContext(), `${url}?backend=cpu&dataset=mnist&batch-size=16&target=100000${params}`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 300_000 });
  await page.getByTestId('start').click();
  await until(page, WARMUP);
  const [from, start] = [await stepCount(page), performance.now()];
  await until(page, from + STEPS);
  const [to, ms] = [await stepCount(page), performance.now() - start];
  await page.context().close();
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  return ms / (to - from);
}

const server = await serve();
const chromium = await browser({ webgpu: false });
const times = Object.fromEntries(Object.keys(CONFIGS).map((name) => [name, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, params] of Object.entries(CONFIGS)) {
      times[name].push(await msPerStep(chromium, server.url, params));
      console.error(`round ${round + 1}, ${name}: ${times[name].at(-1).toFixed(1)} ms/step`);
    }
  }
} finally {
  await chromium.close();
  server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, { median_ms_per_step: +median(xs).toFixed(1), runs: xs.map((x) => +x.toFixed(1)) }]));
result.ratio = +(result.default.median_ms_per_step / result['paper (mode seeking 0)'].median_ms_per_step).toFixed(2);
console.log(JSON.stringify(result, null, 2));
