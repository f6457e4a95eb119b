// Merges pkg-scripts/bench's measurements (target/bench/*.json) into docs/benchmarks.json and
// writes docs/benchmarks.md from them: every figure in the page comes from those files.
// `--webgpu-calls` refreshes only the WebGPU call counts (target/bench/webgpu-calls.json),
// `--sampler` only the widget's figures (target/bench/sampler.json), `--threads` only the CPU
// step on one thread and on threads (target/bench/page-step.json), and `--browser` only the
// page's figures (target/bench/browser.json); each keeps every other figure as
// docs/benchmarks.json has it, with the date each was measured.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import os from 'node:os';

const root = resolve(import.meta.dirname, '..');
const read = (name) => JSON.parse(readFileSync(resolve(root, 'target/bench', name), 'utf8'));
const kept = () => JSON.parse(readFileSync(resolve(root, 'docs/benchmarks.json'), 'utf8'));
// The widget's figures, with the size steps of pkg-scripts/bench-sampler-sizes (a separate,
// slow script: its last figures are kept until it runs again).
const samplerFigures = () => {
  const sizes = existsSync(resolve(root, 'target/bench/sampler-sizes.json')) ? read('sampler-sizes.json') : kept().sampler?.sizes;
  return { ...read('sampler.json'), sizes };
};
// The CPU step in Chromium on one thread and on threads (bench-page-step.mjs), dated; kept from
// docs/benchmarks.json until it is measured again.
const pageStep = () => {
  if (!existsSync(resolve(root, 'target/bench/page-step.json'))) return kept().page_step;
  const figures = read('page-step.json');
  return { measured_on: figures.measured_on ?? new Date().toISOString().slice(0, 10), ...figures };
};
let report;
if (process.argv.includes('--threads')) {
  report = { ...kept(), page_step: pageStep() };
} else if (process.argv.includes('--browser')) {
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  report = { ...kept(), browser: { measured_on: new Date().toISOString().slice(0, 10), commit, ...read('browser.json') }, page_step: pageStep() };
} else if (process.argv.includes('--webgpu-calls')) {
  report = { ...kept(), webgpu_calls: read('webgpu-calls.json') };
} else if (process.argv.includes('--sampler')) {
  report = { ...kept(), sampler: samplerFigures() };
} else {
  const webgpuCalls = read('webgpu-calls.json');
  const [native, browser] = [read('native.json'), read('browser.json')];
  native.results = [...read('native-one-thread.json').results, ...native.results];
  const nativeRuns = ['default', 'paper'].map((config) => read(`native-run-${config}.json`));
  const nativeRun = { runs: nativeRuns.map((r) => r.run), threads: nativeRuns[0].threads, peak_memory_mib: Math.max(...nativeRuns.map((r) => r.peak_memory_mib)) };
  const machine = `${native.machine}; ${os.type()} ${os.release()}; no GPU`;
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  report = { measured_on: new Date().toISOString().slice(0, 10), commit, machine, native, native_run: nativeRun, browser, webgpu_calls: webgpuCalls, sampler: samplerFigures(), page_step: pageStep() };
}
const { machine, native, native_run: nativeRun, browser, sampler, page_step: pageStepFigures } = report;
writeFileSync(resolve(root, 'docs/benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);

const n = (x, digits = 0) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const reached = (r, seconds) => (r ? `step ${n(r.step)}, ${n(seconds(r))} s` : 'not within the run');
const judged = (list) => list.map((j) => `${n(j.step)}: ${j.coverage}`).join(', ');
const long = browser.long_run;
// A page row's backend: the CPU on how many threads (older figures: one), or WebGPU.
const pageBackend = (r) => (r.backend === 'cpu' ? `CPU backend (wasm SIMD128, ${(r.threads ?? 1) > 1 ? `${r.threads} threads` : 'one thread'})` : 'WebGPU (SwiftShader)');

function gpuTable(calls) {
  if (!calls) return '(not measured)';
  const columns = [['dispatchWorkgroups', 'dispatches'], ['submit', 'submits'], ['createBindGroup', 'bind groups'], ['createBuffer', 'buffers created'], ['writeBuffer', 'writeBuffer'], ['mapAsync', 'mapAsync']];
  const rows = calls.results.flatMap((r) => (r.error ? [[`batch ${r.batch}`, `failed: ${r.error}`, ...columns.slice(1).map(() => ''), '']] : [
    [`per step, batch ${r.batch} (${r.steps} steps in one call, after ${r.warmup ?? 10})`, ...columns.map(([k]) => n(r.per_step[k], 1)), n(r.ms_per_step, 0)],
    [`per draw of both pictures, batch ${r.batch}`, ...columns.map(([k]) => n(r.per_draw[k], 0)), ''],
    ...(r.per_keep ? [[`per kept state (checkpoint ${n(r.per_keep.checkpoint_bytes / 1024)} KiB + generator ${n(r.per_keep.generator_bytes / 1024)} KiB), batch ${r.batch}`, ...columns.map(([k]) => n(r.per_keep[k], 0)), '']] : []),
  ]));
  const references = calls.references.map((r) => [r.what, ...columns.map(([k]) => (k in r ? n(r[k]) : '–')), '']);
  return table(['', ...columns.map(([, name]) => name), 'ms/step (SwiftShader)'], [...rows, ...references]);
}
// cubecl's kernel names grouped by what they do, to read a step's dispatches as operations.
const OPERATIONS = [
  ['convolutions: forward and weight gradient (direct)', /^direct_conv2d/],
  ['transposed convolutions: data gradient', /^conv_transpose2d/],
  ['layout copies (into_contiguous)', /^copy_kernel/],
  ['fused element-wise', /^elemwise_fuse/],
  ['reductions', /^reduce/],
  ['matrix products (linear layers)', /^matmul/],
  ['nearest-neighbour upsampling and its gradient', /interpolate/],
  ['slices written into a tensor', /^slice_assign/],
];
function byOperation(kernels) {
  const totals = new Map([...OPERATIONS.map(([what]) => [what, 0]), ['other (unfused element-wise and the rest)', 0]]);
  for (const [name, count] of kernels) {
    const [what] = OPERATIONS.find(([, pattern]) => pattern.test(name)) ?? ['other (unfused element-wise and the rest)'];
    totals.set(what, totals.get(what) + count);
  }
  return [...totals].filter(([, count]) => count > 0).map(([what, count]) => [what, n(count, 1)]);
}
const model = native.results[0].model;

function samplerSection(w) {
  if (!w) return '## The sampler widget\n\n(not measured)';
  const kib = (x) => `${n(x / 1024, 1)} KiB`;
  const code = (x) => '`' + x + '`';
  const first = w.first_frame_after_scroll;
  const busy = w.main_thread_while_morphing_8x8;
  return `## The sampler widget

Measured on ${w.measured_on}, ${w.browser}, by ${code('pkg-scripts/bench sampler')}
(${code('pkg-scripts/bench-sampler.mjs')}): a widget five screens down a long page
(${code('www/fixtures/long-page.html')}), served with an hour's ${code('Cache-Control')}. Gzip'd sizes are
${code('gzip -9')} of each file, what a server that compresses would send.

${table(['what one widget downloads', 'bytes', "gzip'd"], [
  ...w.downloads.files.map((f) => [code(f.path), kib(f.bytes), kib(f.gzip_bytes)]),
  ['**all**', `**${kib(w.downloads.bytes)}**`, `**${kib(w.downloads.gzip_bytes)}**`],
])}

From scrolling the widget into view to its first frame (its ${code('load')} event), ${first.cold_ms.runs.length} runs each:
cold cache (a fresh browser profile) median **${n(first.cold_ms.median)} ms** (${first.cold_ms.runs.join(', ')});
warm cache (a second visit) median **${n(first.warm_ms.median)} ms** (${first.warm_ms.runs.join(', ')}).
Nothing of the widget but its scripts and poster is fetched before the reader is within a screen of it.

${table(['grid', 'images', 'ms per frame (median)', 'worst of 20'], w.per_grid.map((g) => [`${g.grid}×${g.grid}`, g.images, n(g.ms_per_frame_median, 1), n(g.ms_per_frame_worst, 1)]))}

Frames are drawn in a Web Worker: while an 8×8 grid morphed for ${busy.seconds} s the page's main thread had
${busy.tasks_over_50_ms ? `${busy.tasks_over_50_ms} tasks over 50 ms (longest ${n(busy.longest_ms)} ms)` : 'no task over 50 ms (the Long Tasks API reports none shorter)'}.

What each size setting saved (${code('pkg-scripts/bench-sampler-sizes')}, ${w.sizes?.measured_on ?? 'not run'}; each step adds to the one
above down to the shipped build, and the rows after it were tried on that build and not kept; before
issue 16 the widget shipped the trainer's wgpu machinery: 17.2 MB, 2.96 MB gzip'd):

${w.sizes ? table(['build', 'bytes', "gzip'd"], w.sizes.steps.map((r) => [r.step, kib(r.bytes), kib(r.gzip_bytes)])) : '(not measured)'}`;
}

function threadsSection(p) {
  if (!p) return '';
  const rows = Object.entries(p.results).map(([name, r]) => [name, n(r.median_ms_per_step, 1), r.runs.map((x) => n(x, 1)).join(', ')]);
  return `### The CPU on threads in the page

Measured on ${p.measured_on}, ${p.browser}, ${p.cores} cores, by \`node pkg-scripts/bench-page-step.mjs\`
(\`pkg-scripts/bench threads\`): the default model's CPU step in the trainer page, served without
cross-origin isolation (one thread) and with it (the threaded build, a thread per core), timed
after the judge's first verdict; and bare, the same session stepped in a worker with nothing else
running (\`www/fixtures/step-worker.js\`). Variants take turns, three rounds each; the median.

${table(['', 'ms/step (median)', 'rounds'], rows)}`;
}

// A CPU step change by change (issue 28): measured by hand as the work went, kept in
// docs/cpu-step.json, not remeasured here.
function cpuStepSection() {
  const history = JSON.parse(readFileSync(resolve(root, 'docs/cpu-step.json'), 'utf8'));
  return `### A CPU step, change by change

${history.about} Measured on ${history.measured_on}: ${history.machine}.

${table(['change', ...history.columns.map((c) => `${c} (ms)`)], history.rows.map((r) => [r.change, ...r.ms.map((ms) => n(ms, 1))]))}`;
}

const md = `# Benchmarks

Measured by \`pkg-scripts/bench\` on ${report.measured_on}${report.commit ? ` at commit ${report.commit}` : ''}; the raw figures are in
[\`benchmarks.json\`](benchmarks.json). Figures, not pass/fail: they move by several percent from
run to run, and more when anything else runs on the machine.

**Machine:** ${machine}. ${browser.browser}. Without a GPU, WebGPU in Chromium runs on
SwiftShader and native wgpu on Mesa's lavapipe/llvmpipe: both are software renderers, so their
figures say how the code behaves there, not how fast a GPU would be.

**Model:** the default (n = ${model.filters}, N_h = N_z = ${model.hidden}, ${model.repeat} convolutions per scale, 28×28), MNIST.

## Speed

${table(['', 'batch', 'ms/step', 'steps/s', 'images/s'], [
  ...native.results.map((r) => [`native, ${r.backend}`, r.batch_size, n(r.ms_per_step, 1), n(r.steps_per_s, 2), n(r.images_per_s)]),
  ...browser.results.map((r) => [`Chromium, ${pageBackend(r)}`, r.batch_size, n(r.ms_per_step, 1), n(r.steps_per_s, 2), n((r.steps_per_s * r.batch_size))]),
])}

${browser.commit && browser.commit !== report.commit ? `The Chromium rows (and "The page", and the page's longer run below) were measured again on ${browser.measured_on} at commit ${browser.commit} (\`pkg-scripts/bench browser\`), the rest as above. ` : ''}Native runs use rayon's threads (all, or one where the row says so). The page trains in a Web
Worker: served cross-origin isolated (\`pkg-scripts/serve\`, \`www/_headers\`) its CPU backend runs
in the threaded build, one rayon thread per core in Web Workers; served without those headers (as
GitHub Pages serves it) on one thread. Page figures are timed after the judge's first verdict; the
judge runs again at every kept state and then shares the cores (the longer run below includes it).

${cpuStepSection()}

${threadsSection(pageStepFigures)}

## What a step asks of WebGPU

Measured on ${report.webgpu_calls.measured_on}, ${report.webgpu_calls.browser}. Counted by the benchmark's own worker (\`www/fixtures/gpu-count-worker.js\`),
which wraps the WebGPU API before it loads the trainer's wasm: calls per step over one
\`step(n)\` call after a warm-up, and per draw of the page's two pictures. On SwiftShader the
milliseconds mean little; the counts carry over to any GPU, and at tens of microseconds of API
cost per dispatch, a step's dispatches are its floor there.

${gpuTable(report.webgpu_calls)}

A step's dispatches by operation (batch 16, per step):

${table(['operation', 'dispatches'], byOperation(report.webgpu_calls.results[0]?.kernels_per_step?.top ?? []))}

The kernels a step dispatches most (batch 16, per step; cubecl's names with their hashes):
${(report.webgpu_calls.results[0]?.kernels_per_step?.top ?? []).slice(0, 12).map(([name, count]) => `\`${name}\` ${n(count, 1)}`).join(', ')}; ${report.webgpu_calls.results[0]?.kernels_per_step?.distinct ?? '–'} distinct kernels in all.

Layout copies by the byte sizes of their bound buffers (batch 16, per step): ${(report.webgpu_calls.results[0]?.copies_per_step ?? []).slice(0, 12).map(([what, count]) => `${what.replace(/^copy_kernel_?/, '')}: ${n(count, 1)}`).join('; ') || '–'}.
Buffers created in a step (batch 16, per step, by WebGPU usage flags and size): ${(report.webgpu_calls.results[0]?.buffers_created_per_step ?? []).map(([what, count]) => `${what}: ${n(count, 1)}`).join('; ') || 'none'}.


## The page

${table(['', ''], [
  ['trainer wasm (www/pkg/began_bg.wasm: CPU and WebGPU)', `${n(browser.wasm.trainer.bytes)} bytes, ${n(browser.wasm.trainer.gzip_bytes)} gzip'd`],
  ...(browser.wasm.trainer_threads ? [['threaded trainer wasm (www/pkg-threads/began_bg.wasm: CPU only, loaded instead where the page is isolated)', `${n(browser.wasm.trainer_threads.bytes)} bytes, ${n(browser.wasm.trainer_threads.gzip_bytes)} gzip'd`]] : []),
  ...browser.results.filter((r) => r.batch_size === 16).map((r) => [`page load to first sample, ${pageBackend(r)}`, `${n(r.page_load_to_first_sample_ms)} ms`]),
  ['main-thread tasks over 50 ms while training', browser.results.map((r) => r.main_thread_long_tasks.count).reduce((a, b) => a + b, 0) + ` (over ${n(browser.results.reduce((a, r) => a + r.main_thread_long_tasks.seconds_observed, 0))} s of training)`],
])}

${samplerSection(sampler)}

## A longer run: memory and time to 9 of 10 classes

Coverage is the number of classes with at least a third of the uniform share of 500 samples, as
judged by the shipped classifier ([quality.md](quality.md)). The two native runs ran side by side, one
thread each (${nativeRun.threads === '1' ? 'RAYON_NUM_THREADS=1' : `threads: ${nativeRun.threads}`}, as the shipped models were made), and their seconds
count training only; in the page they are wall time from Start (judging runs in its own worker).

${table(['run', 'steps', 'ms/step', 'memory after 200 steps', `after ${n(nativeRun.runs[0].steps)}`, 'coverage ≥ 9/10 first at'], [
  ...nativeRun.runs.map((r) => [`native CPU, ${r.config}`, n(r.steps), n(r.ms_per_step, 1),
    `${n(r.memory.rss_mib_after_200_steps, 1)} MiB RSS`, `${n(r.memory[`rss_mib_after_${r.steps}_steps`], 1)} MiB RSS`, reached(r.coverage_9_of_10_first_at, (x) => x.training_seconds)]),
  [`Chromium, ${pageBackend({ backend: 'cpu', threads: long.threads })}, default`, n(long.steps), n((long.seconds * 1000) / long.steps, 1),
    `${n(long.memory.after_200_steps.wasm_memory_mib, 1)} MiB wasm memory`, `${n(long.memory[`after_${long.steps}_steps`].wasm_memory_mib, 1)} MiB wasm memory`,
    reached(long.coverage_9_of_10_first_at, (x) => x.seconds_from_start)],
])}

Peak resident memory natively: ${n(native.peak_memory_mib, 1)} MiB (the speed runs, with wgpu) and ${n(nativeRun.peak_memory_mib, 1)} MiB (a long run, with the classifier and the test split).
The page's main-thread JS heap after ${n(long.steps)} steps: ${n(long.memory[`after_${long.steps}_steps`].main_thread_js_heap_mib, 1)} MiB.

One seed each: docs/recipes.md compares recipes over several.

Coverage as the runs went (step: classes):
${nativeRun.runs.map((r) => `- native, ${r.config}: ${judged(r.judged_every_100_steps)}`).join('\n')}
- page, default: ${judged(long.judged_every_200_steps)}
`;
writeFileSync(resolve(root, 'docs/benchmarks.md'), md);
