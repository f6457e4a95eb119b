// What a training step asks of WebGPU, counted in headless Chromium: dispatches, submits, bind
// groups and buffers created, writeBuffer and mapAsync calls per step, and per draw of the
// page's two pictures, next to ms/step. The counting is the benchmark's own: a worker fixture
// (www/fixtures/gpu-count-worker.js) wraps the WebGPU API before it loads the product's wasm.
// `node pkg-scripts/bench-gpu.mjs` prints JSON (pkg-scripts/bench writes it to
// target/bench/webgpu-calls.json; `pkg-scripts/bench webgpu-calls` runs this part alone).
// On SwiftShader a step takes seconds, so only the counts carry over to a GPU: at tens of
// microseconds of API cost per dispatch, a step's dispatch count is its floor on any GPU.
import { serve, browser, open } from '../tests/harness.mjs';

// Fixed lines to compare with (issue 13's counts, same browser, batch 16): TensorFlow.js 4.22
// running the same BEGAN, and this project's step before that work.
const REFERENCES = [
  { what: 'TensorFlow.js 4.22, same model, batch 16', dispatchWorkgroups: 1260, submit: 86 },
  { what: 'this step on 2026-12-01 (no fusion; 32 kernels a submit), batch 16', dispatchWorkgroups: 3296, submit: 109, createBindGroup: 3296, createBuffer: 25, writeBuffer: 39 },
];

/** Counts for `steps` steps of the default model at `batch`, in one step(steps) call. */
async function gpuCounts(chromium, url, batch, steps, warmup) {
  const page = await open(await chromium.newContext(), `${url}fixtures/blank.html`);
  try {
    return await page.evaluate(({ batch, steps, warmup }) => new Promise((resolve) => {
      const worker = new Worker('./gpu-count-worker.js', { type: 'module' });
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (e) => resolve({ error: e.message ?? 'the worker failed to load' });
      worker.postMessage({ batch, steps, warmup });
    }), { batch, steps, warmup });
  } finally {
    await page.context().close();
  }
}

// SwiftShader takes seconds a step, more at batch 64. Steps run before counting: by 10 shaders
// are compiled and fusion has settled, but cubecl's pool still grows (a dozen small uniform
// buffers a step at step 11); by 40 a step creates none. BENCH_WARMUP overrides both.
const COUNTED_STEPS = { 16: 5, 64: 2 };
const WARMUP = { 16: 40, 64: 10 };

{
  const server = await serve();
  const chromium = await browser();
  const results = [];
  let version;
  try {
    for (const batch of (process.env.BENCH_BATCHES ?? '16,64').split(',').map(Number)) {
      console.error(`WebGPU counts, batch ${batch}`);
      results.push(await gpuCounts(chromium, server.url, batch, COUNTED_STEPS[batch] ?? 2, Number(process.env.BENCH_WARMUP ?? WARMUP[batch] ?? 10)));
    }
  } finally {
    version = chromium.version();
    await chromium.close();
    server.close();
  }
  console.log(JSON.stringify({ measured_on: new Date().toISOString().slice(0, 10), browser: `Chromium ${version} headless (WebGPU: SwiftShader)`, references: REFERENCES, results }, null, 2));
}
