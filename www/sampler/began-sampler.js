// <began-sampler>: a live grid of samples from a trained BEGAN generator, for blog posts.
//
//   <script type="module" src="…/sampler/began-sampler.js"></script>
//   <began-sampler src="models/mnist.safetensors" grid="4" seed="7" interpolate></began-sampler>
//
// Attributes: src (a generator exported by the trainer page or `began export`), grid (images per
// side, 1–8, default 4), seed (the first samples; default random), interpolate (morph along
// great circles between latent points), backend (auto | webgpu | cpu; auto takes WebGPU only on a
// hardware adapter). The element sets `state` to loading | ready | error and fires `load` and
// `error` events. Every widget on a page shares one wasm instance (inference only, no trainer)
// and one copy of each model file.

import init, { WebSampler, slerp } from '../pkg-sampler/began_sampler.js';
import { drawPicture } from './picture.js';

const MAX_GRID = 8;
const SEGMENT_MS = 2600; // one morph from a latent point to the next
const FRAME_MS = 40; // at most 25 generated frames per second: smooth, and light on the CPU

let wasmReady = null;
const samplers = new Map(); // `${backend} ${url}` → Promise<WebSampler>
let webgpuProbe = null;

/** One instantiation of the wasm module for the whole page. */
function wasm() {
  wasmReady ??= init();
  return wasmReady;
}

/** Whether WebGPU offers a hardware adapter; a software one (SwiftShader) is slower than the CPU. */
function hardwareWebGPU() {
  webgpuProbe ??= (async () => {
    if (!('gpu' in navigator)) return false;
    try {
      const adapter = await navigator.gpu.requestAdapter();
      const info = adapter?.info ?? {};
      const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`;
      return Boolean(adapter) && !info.isFallbackAdapter && !/swiftshader|llvmpipe|lavapipe|software/i.test(text);
    } catch {
      return false;
    }
  })();
  return webgpuProbe;
}

/** The model at `url` on `backend`, fetched and loaded once per page however many widgets show it. */
function loadSampler(url, backend) {
  const key = `${backend} ${url}`;
  if (!samplers.has(key)) {
    const loading = (async () => {
      await wasm();
      let response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw named('NetworkError', `could not fetch ${url} (${e.message})`);
      }
      if (!response.ok) throw named('NotFound', `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim());
      const bytes = new Uint8Array(await response.arrayBuffer());
      return WebSampler.load(bytes, url.split('/').pop() || url, backend);
    })();
    // A failure is not cached: the next widget (or a retry) tries again.
    loading.catch(() => samplers.delete(key));
    samplers.set(key, loading);
  }
  return samplers.get(key);
}

async function chooseSampler(url, requested) {
  if (requested === 'cpu') return loadSampler(url, 'cpu');
  if (requested === 'webgpu' || (await hardwareWebGPU())) {
    try {
      return await loadSampler(url, 'webgpu');
    } catch (e) {
      if (requested === 'webgpu' || e.name !== 'DeviceError') throw e;
      // auto: a WebGPU that fails to start is no reason to show nothing.
    }
  }
  return loadSampler(url, 'cpu');
}

function named(name, message) {
  return Object.assign(new Error(message), { name });
}

const STYLE = `
  :host { display: block; width: 100%; max-width: 100%; box-sizing: border-box; font: 13px/1.4 system-ui, sans-serif;
          color: var(--began-sampler-text, #374151); }
  :host([hidden]) { display: none; }
  .frame { position: relative; border-radius: 8px; overflow: hidden; background: #000; aspect-ratio: 1; }
  canvas { display: block; width: 100%; height: 100%; image-rendering: pixelated; }
  .status, .error { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
                    padding: 12px; text-align: center; box-sizing: border-box; }
  .status { color: #d1d5db; }
  .error { background: #fef2f2; color: #991b1b; flex-direction: column; gap: 4px; overflow-wrap: anywhere; }
  .error strong { font-size: 14px; }
  :host([state=error]) .frame { aspect-ratio: auto; min-height: 140px; }
  :host([state=error]) .controls { display: none; }
  [hidden] { display: none !important; }
  .controls { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
  button { font: inherit; white-space: nowrap; padding: 3px 10px; border-radius: 6px; border: 1px solid #d1d5db; background: #fff;
           color: inherit; cursor: pointer; }
  button:hover:not(:disabled) { background: #f3f4f6; }
  button:focus-visible { outline: 2px solid #4f46e5; outline-offset: 1px; }
  button:disabled { opacity: .5; cursor: default; }
  .info { min-width: 0; margin-left: auto; color: #6b7280; font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
`;

class BeganSampler extends HTMLElement {
  static observedAttributes = ['src', 'grid', 'seed', 'interpolate', 'backend'];

  #sampler = null;
  #from = null; // latent points the morph leaves…
  #to = null; // …and reaches
  #t = 0;
  #draws = 0; // how many sets of samples were drawn: seed + draws seeds the next
  #playing = false;
  #visible = true;
  #frame = 0;
  #last = 0;
  #drawing = false;
  #loadToken = 0;
  #observer = null;
  #randomSeed = Math.floor(Math.random() * 2 ** 31);

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>${STYLE}</style>
      <div class="frame" part="frame">
        <canvas part="canvas" role="img" aria-label="Samples drawn by a BEGAN generator"></canvas>
        <div class="status" part="status">Loading model…</div>
        <div class="error" part="error" role="alert" hidden>
          <strong>This sampler could not start</strong><span></span>
          <button type="button" class="retry" part="button">Try again</button>
        </div>
      </div>
      <div class="controls" part="controls">
        <button type="button" class="new" part="button" disabled title="Draw new latent points">New samples</button>
        <button type="button" class="play" part="button" hidden aria-pressed="true">Pause</button>
        <span class="info" part="info"></span>
      </div>`;
    this.canvas = root.querySelector('canvas');
    this.ui = {
      status: root.querySelector('.status'),
      error: root.querySelector('.error'),
      errorText: root.querySelector('.error span'),
      next: root.querySelector('.new'),
      play: root.querySelector('.play'),
      info: root.querySelector('.info'),
    };
    this.ui.next.addEventListener('click', () => this.newSamples());
    this.ui.play.addEventListener('click', () => (this.#playing ? this.pause() : this.play()));
    root.querySelector('.retry').addEventListener('click', () => this.#load());
  }

  connectedCallback() {
    this.#observer = new IntersectionObserver(([entry]) => {
      this.#visible = entry.isIntersecting;
      if (this.#visible) this.#schedule();
    });
    this.#observer.observe(this);
    this.#load();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    cancelAnimationFrame(this.#frame);
    this.#loadToken++;
  }

  attributeChangedCallback(name, before, after) {
    if (!this.isConnected || before === after) return;
    if (name === 'src' || name === 'backend') this.#load();
    else if (this.#sampler) {
      this.#restart();
      this.#render();
    }
  }

  /** 'loading', 'ready' or 'error'. */
  get state() {
    return this.getAttribute('state') ?? 'loading';
  }

  get grid() {
    const n = Number.parseInt(this.getAttribute('grid') ?? '4', 10);
    return Number.isFinite(n) ? Math.min(Math.max(n, 1), MAX_GRID) : 4;
  }

  get seed() {
    const n = Number.parseInt(this.getAttribute('seed') ?? '', 10);
    return Number.isFinite(n) && n >= 0 ? n : this.#randomSeed;
  }

  get interpolate() {
    return this.hasAttribute('interpolate');
  }

  /** The backend in use, 'cpu' or 'webgpu', once loaded. */
  get backend() {
    return this.#sampler?.backend ?? null;
  }

  /** Moves to a fresh set of latent points: a morph with `interpolate`, a jump without. */
  newSamples() {
    if (!this.#sampler) return;
    this.#draws += 1;
    const next = this.#points(this.#draws);
    if (this.interpolate) {
      this.#from = this.#current();
      this.#to = next;
      this.#t = 0;
      this.play();
    } else {
      this.#from = this.#to = next;
      this.#render();
    }
  }

  play() {
    if (!this.interpolate || !this.#sampler) return;
    this.#playing = true;
    this.ui.play.textContent = 'Pause';
    this.ui.play.setAttribute('aria-pressed', 'true');
    this.#schedule();
  }

  pause() {
    this.#playing = false;
    this.ui.play.textContent = 'Play';
    this.ui.play.setAttribute('aria-pressed', 'false');
  }

  async #load() {
    const token = ++this.#loadToken;
    this.#sampler = null;
    this.#setState('loading');
    const src = this.getAttribute('src');
    try {
      if (!src) throw named('NoSource', 'no src attribute: set it to a generator file (.safetensors)');
      const url = new URL(src, document.baseURI).href;
      const backend = (this.getAttribute('backend') ?? 'auto').toLowerCase();
      if (!['auto', 'cpu', 'webgpu'].includes(backend)) throw named('InvalidConfig', `backend must be auto, cpu or webgpu, not "${backend}"`);
      const sampler = await chooseSampler(url, backend);
      if (token !== this.#loadToken) return; // src changed meanwhile
      this.#sampler = sampler;
      this.#restart();
      await this.#render();
      if (token !== this.#loadToken) return;
      this.ui.info.textContent = `${sampler.backend === 'webgpu' ? 'WebGPU' : 'CPU'} · z ∈ [−1, 1]^${sampler.latent}`;
      this.#setState('ready');
      this.dispatchEvent(new Event('load'));
      if (this.interpolate) this.play();
    } catch (e) {
      if (token !== this.#loadToken) return;
      this.#fail(e);
    }
  }

  /** Back to the first latent points of the seed; the caller renders. */
  #restart() {
    this.#draws = 0;
    this.#from = this.#to = this.#points(0);
    this.#t = 0;
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.ui.play.hidden = !this.interpolate;
    if (this.interpolate) {
      this.#to = this.#points(++this.#draws);
      reduced ? this.pause() : this.play();
    } else {
      this.pause();
    }
  }

  #points(draw) {
    return this.#sampler.random_z(this.grid * this.grid, this.seed + draw);
  }

  /** The latent points on screen now. */
  #current() {
    if (this.#t <= 0 || this.#from === this.#to) return this.#from;
    return slerp(this.#from, this.#to, ease(this.#t), this.#sampler.latent);
  }

  #schedule() {
    cancelAnimationFrame(this.#frame);
    if (this.#playing && this.#visible) this.#frame = requestAnimationFrame((now) => this.#tick(now));
  }

  async #tick(now) {
    if (!this.#playing || !this.#sampler) return;
    if (!this.#drawing && now - this.#last >= FRAME_MS) {
      const elapsed = this.#last ? Math.min(now - this.#last, 200) : FRAME_MS;
      this.#last = now;
      this.#t += elapsed / SEGMENT_MS;
      if (this.#t >= 1) {
        this.#from = this.#to;
        this.#to = this.#points(++this.#draws);
        this.#t = 0;
      }
      await this.#render();
    }
    this.#schedule();
  }

  async #render() {
    if (!this.#sampler || this.#drawing) return;
    this.#drawing = true;
    const sampler = this.#sampler;
    try {
      const picture = await sampler.generate(this.#current(), this.grid);
      if (sampler === this.#sampler) drawPicture(this.canvas, picture);
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#drawing = false;
    }
  }

  #fail(error) {
    this.#sampler = null;
    this.pause();
    const what = error?.message ?? String(error);
    this.ui.errorText.textContent = error?.name === 'BadCheckpoint' ? `The model file is not a usable generator: ${what}` : what;
    this.#setState('error');
    this.dispatchEvent(new CustomEvent('error', { detail: { name: error?.name ?? 'Error', message: what } }));
  }

  #setState(state) {
    this.setAttribute('state', state);
    this.ui.status.hidden = state !== 'loading';
    this.ui.error.hidden = state !== 'error';
    this.ui.next.disabled = state !== 'ready';
    if (state !== 'ready') this.ui.info.textContent = '';
  }
}

/** Smooth start and stop of each morph. */
function ease(t) {
  return 0.5 - 0.5 * Math.cos(Math.PI * t);
}

if (!customElements.get('began-sampler')) customElements.define('began-sampler', BeganSampler);

export { BeganSampler };
