// What a training step costs in the page's CPU backend at today's defaults against the paper's
// BEGAN (mode seeking off), in headless Chromium, batch 16: figures, not pass/fail. The two are
// timed in turns (A B A B …) so that load from anything else falls on both alike.
//   node pkg-scripts/bench-page-step.mjs            (needs www/pkg: pkg-scripts/build)
// ROUNDS (default 3) and STEPS (default 30 per round) set the length.
import { serve, browser, open, ready, count, stepAtLeast } from '../tests/harness.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STEPS = Number(process.env.STEPS ?? 30);
const WARMUP = 3;
const CONFIGS = { default: '', 'paper (mode seeking 0)': '&mode-seeking=0' };

async function msPerStep(chromium, url, params) {
  const page = await open(await chromium.newContext(), `${url}?backend=cpu&dataset=mnist&batch-size=16&target=100000${params}`);
  await ready(page);
  await page.getByTestId('start').click();
  await stepAtLeast(page, WARMUP);
  const [from, start] = [await count(page), performance.now()];
  await stepAtLeast(page, from + STEPS, 600_000);
  const [to, ms] = [await count(page), performance.now() - start];
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
