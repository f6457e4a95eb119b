// What each GAN family member's step costs in headless Chromium (issue 29): WebGPU calls per
// step (dispatches, submits, buffers created, reads), counted by wrapping the WebGPU API in a
// worker (www/fixtures/gpu-count-worker.js), and the CPU step in a bare worker of the threaded
// build on every core (www/fixtures/step-worker.js; the page's CPU build where it is isolated).
// Figures, not pass/fail. Prints JSON, then the markdown table docs/family.md holds.
//   node pkg-scripts/bench-family.mjs    (needs www/pkg and www/pkg-threads: pkg-scripts/build)
// A step is one real batch through D; WGAN's and WGAN-GP's G steps every 5th, so their counts
// are the mean over 5 steps. The members and architectures come from config-schema.json.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { serve, browser, open, root } from '../tests/harness.mjs';

const schema = JSON.parse(readFileSync(`${root}/www/config-schema.json`, 'utf8'));
const BATCH = 16;
const STEPS = 5; // one cycle of n_critic = 5
const WARMUP = Number(process.env.BENCH_WARMUP ?? 15);
// BENCH_PARTS=gpu counts the WebGPU calls alone (counts do not depend on what else runs),
// BENCH_PARTS=cpu times the CPU alone (run it with nothing else running).
const PARTS = (process.env.BENCH_PARTS ?? 'cpu,gpu').split(',');
const [CPU, GPU] = [PARTS.includes('cpu'), PARTS.includes('gpu')];
// Each member on BEGAN's networks at the defaults; the critic members also on DCGAN's at the
// page's default size and at n = 32 (whose dispatches are those of any n).
const configs = [
  ...schema.objectives.map(({ name }) => ({ name, config: { objective: name } })),
  ...['hinge', 'wgan-gp'].map((name) => ({ name: `${name}, dcgan`, config: { objective: name, model: { arch: 'dcgan' } } })),
  { name: 'hinge, dcgan n = 32, batch 32', config: { objective: 'hinge', batch_size: 32, model: { arch: 'dcgan', filters: 32 } }, cpuOnly: true },
];

async function inWorker(chromium, url, script, job) {
  const page = await open(await chromium.newContext(), `${url}fixtures/blank.html`);
  try {
    return await page.evaluate(({ script, job }) => new Promise((resolve) => {
      const worker = new Worker(script, { type: 'module' });
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (e) => resolve({ error: e.message ?? 'the worker failed to load' });
      worker.postMessage(job);
    }), { script, job });
  } finally {
    await page.context().close();
  }
}

const server = await serve();
const chromium = await browser();
const rows = [];
try {
  for (const { name, config, cpuOnly } of configs) {
    let cpu = { threads: 0, ms_per_step: [NaN, NaN, NaN] };
    if (CPU) {
      console.error(`${name}: the CPU step`);
      const threads = Math.min(availableParallelism(), 16);
      cpu = await inWorker(chromium, server.url, '/fixtures/step-worker.js', { threads, batch: BATCH, calls: 3, steps: 20, config });
      if (cpu.error) throw new Error(`${name}: ${cpu.error}`);
    }
    let gpu = null;
    if (!cpuOnly && GPU) {
      console.error(`${name}: WebGPU calls`);
      gpu = await inWorker(chromium, server.url, './gpu-count-worker.js', { batch: BATCH, steps: STEPS, warmup: WARMUP, config });
      if (gpu.error) throw new Error(`${name}: ${gpu.error}`);
    }
    const ms = [...cpu.ms_per_step].sort((a, b) => a - b)[1];
    rows.push({ name, config, cpu_threads: cpu.threads, cpu_ms_per_step: +ms.toFixed(1), webgpu_per_step: gpu?.per_step ?? null });
  }
} finally {
  console.log(JSON.stringify({ measured_on: new Date().toISOString().slice(0, 10), browser: `Chromium ${chromium.version()} headless (WebGPU: SwiftShader)`, batch: BATCH, rows }, null, 2));
  await chromium.close();
  server.close();
}
const cell = (gpu, key) => (gpu ? gpu[key] ?? 0 : '–');
console.log(`\n| member | CPU ms/step (page's build, ${rows[0]?.cpu_threads} threads) | WebGPU dispatches/step | submits | buffers created | reads (mapAsync) |\n|---|---|---|---|---|---|`);
for (const { name, cpu_ms_per_step, webgpu_per_step: g } of rows) {
  console.log(`| ${name} | ${cpu_ms_per_step} | ${cell(g, 'dispatchWorkgroups')} | ${cell(g, 'submit')} | ${cell(g, 'createBuffer')} | ${cell(g, 'mapAsync')} |`);
}
