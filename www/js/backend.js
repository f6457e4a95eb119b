// Picks the backend for 'auto', and says why. Runs in the worker.
//
// A software WebGPU adapter (SwiftShader, what headless Chromium offers without a GPU) ran
// matrix work ~15× slower than WASM SIMD on the CPU, so 'auto' never prefers WebGPU blindly:
// no adapter or a fallback adapter → CPU; a hardware adapter → both are timed on a few steps of
// the real model, and the faster wins. An Auto choice of WebGPU that then fails to start falls
// back to the CPU.
const TIMED_STEPS = 3;

/** What the browser offers: {available, adapter: {vendor, architecture, description, fallback}}. */
export async function probeWebGPU() {
  if (!('gpu' in navigator)) return { available: false, why: 'this browser has no WebGPU' };
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { available: false, why: `WebGPU refused an adapter (${e.message})` };
  }
  if (!adapter) return { available: false, why: 'no WebGPU adapter was granted' };
  const info = adapter.info ?? {};
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`.trim();
  const fallback = Boolean(info.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|software/i.test(text);
  return { available: true, adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description, fallback } };
}

/**
 * Resolves to {backend: 'cpu' | 'webgpu', reason}. `timeOn(backend)` makes a throwaway session
 * on that backend and resolves to its ms per step over a few steps.
 */
export async function chooseBackend(requested, timeOn) {
  if (requested === 'cpu') return { backend: 'cpu', reason: 'CPU, as chosen' };
  const probe = await probeWebGPU();
  if (requested === 'webgpu') {
    if (!probe.available) throw Object.assign(new Error(`WebGPU was chosen, but ${probe.why}. Choose CPU or Auto.`), { name: 'DeviceError' });
    const note = probe.adapter.fallback ? ' (a software adapter: expect it to be slow)' : '';
    return { backend: 'webgpu', reason: `WebGPU, as chosen${note}` };
  }
  if (!probe.available) return { backend: 'cpu', reason: `CPU: ${probe.why}` };
  const name = probe.adapter.architecture || probe.adapter.vendor || 'unknown';
  if (probe.adapter.fallback) return { backend: 'cpu', reason: `CPU: WebGPU here is a software adapter (${name}), slower than the CPU` };
  const [gpu, cpu] = [await timeOn('webgpu'), await timeOn('cpu')];
  const backend = gpu < cpu ? 'webgpu' : 'cpu';
  return { backend, reason: `${backend === 'webgpu' ? 'WebGPU' : 'CPU'}: measured ${gpu.toFixed(0)} ms/step on WebGPU (${name}) vs ${cpu.toFixed(0)} ms/step on the CPU` };
}

/**
 * Milliseconds per step of a throwaway session of `config` on `backend` (what Auto times), made
 * by `WebTrainer` of the build that backend runs in (engines.js) on that build's `dataset`.
 */
export async function timeSession(WebTrainer, backend, config, dataset) {
  const probe = await WebTrainer.create(config, backend, dataset);
  try {
    await probe.step(1); // warm-up: shader compilation, allocation
    return (await probe.step(TIMED_STEPS)).ms_per_step;
  } finally {
    probe.free();
  }
}

/**
 * `make(choice.backend)` and the choice it was made on, as [made, choice]: the CPU instead when an
 * Auto choice of WebGPU fails to start. `choice` is {backend, reason, requested}.
 */
export async function onChosen(choice, make) {
  try {
    return [await make(choice.backend), choice];
  } catch (error) {
    if (error.name !== 'DeviceError' || choice.backend !== 'webgpu' || choice.requested !== 'auto') throw error;
    const cpu = { backend: 'cpu', reason: `CPU: WebGPU failed to start (${error.message})`, requested: choice.requested };
    return [await make('cpu'), cpu];
  }
}
