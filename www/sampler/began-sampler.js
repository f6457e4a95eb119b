// <began-sampler>: a live grid of samples from a trained BEGAN generator, for blog posts.
//
//   <script type="module" src="…/sampler/began-sampler.js"></script>
//   <began-sampler src="models/mnist.safetensors" grid="4" seed="7" interpolate></began-sampler>
//
// Attributes: src (a generator exported by the trainer page or `began export`), grid (images per
// side, 1–8, default 4), seed (the first samples; default random), interpolate (morph along
// great circles between latent points), poster (an image shown until the first frame, e.g. from
// `began poster`), loading (lazy | eager). The element sets `state` to idle | loading | ready |
// error and fires `load` (after its first frame) and `error` events.
//
// Nothing is fetched until the element is within about a viewport of being seen (unless
// loading="eager"): then a Web Worker (engine.js) fetches one small inference-only build of the
// library (burn's CPU backend, no wgpu, no autodiff) for every widget on the page, and each model
// once, and draws the frames off the page's thread (engine-client.js starts it). This file holds
// the element and its styles.

import { drawPicture } from './picture.js';
import { sharedEngine, named } from './engine-client.js';

const MAX_GRID = 8; // began::sampler::GRID_MAX (a test checks they agree)
const SEGMENT_MS = 2600; // one morph from a latent point to the next
const FRAME_MS = 40; // at most 25 generated frames per second: smooth, and light on the CPU
// Start fetching when the widget is this close to the viewport: one viewport above or below.
const NEAR = '100% 0px 100% 0px';

const STYLE = `
  :host { display: block; width: 100%; max-width: 100%; box-sizing: border-box; font: 13px/1.4 system-ui, sans-serif;
          color: var(--began-sampler-text, #374151); }
  :host([hidden]) { display: none; }
  /* Square from the start, so the page does not move when the samples arrive. */
  .frame { position: relative; border-radius: 8px; overflow: hidden; background: #000; aspect-ratio: 1; }
  /* Until the first frame: the grid's cells, faintly, under the poster if there is one. */
  .frame::before { content: ''; position: absolute; inset: 0; opacity: .14;
                   background: linear-gradient(90deg, #000 3%, transparent 3%, transparent 97%, #000 97%),
                               linear-gradient(#000 3%, transparent 3%, transparent 97%, #000 97%), #6b7280;
                   background-size: calc(100% / var(--cells, 4)) calc(100% / var(--cells, 4)); }
  :host([drawn]) .frame::before, :host([drawn]) .poster { display: none; }
  canvas, .poster { position: absolute; inset: 0; display: block; width: 100%; height: 100%; image-rendering: pixelated; }
  .poster { object-fit: cover; }
  .status, .error { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
                    padding: 12px; text-align: center; box-sizing: border-box; }
  .status { color: #d1d5db; }
  .poster:not([hidden]) ~ .status { inset: auto 8px 8px auto; padding: 2px 8px; border-radius: 6px;
                                    background: rgb(0 0 0 / .6); font-size: 12px; }
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
  static observedAttributes = ['src', 'grid', 'seed', 'interpolate', 'poster', 'loading'];

  #sampler = null; // {url, latent} of the loaded model
  #from = null; // where in latent space the morph leaves (engine.js's `z`)…
  #to = null; // …and where it arrives
  #t = 0;
  #draws = 0; // how many sets of samples were drawn: seed + draws seeds the next
  #playing = false;
  #visible = false;
  #near = false; // within a viewport of being seen: time to fetch
  #frame = 0;
  #last = 0;
  #frameMs = 0; // how long the last frame took
  #inflight = null; // the frame being drawn
  #again = false; // something changed while it was: draw once more after it
  #loadToken = 0;
  #loadingUrl = undefined; // the model loaded or being loaded, from `src`
  #observers = [];
  #randomSeed = Math.floor(Math.random() * 2 ** 31);

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>${STYLE}</style>
      <div class="frame" part="frame">
        <canvas part="canvas" role="img" aria-label="Samples drawn by a BEGAN generator"></canvas>
        <img class="poster" part="poster" alt="" hidden>
        <div class="status" part="status" hidden>Loading model…</div>
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
      frame: root.querySelector('.frame'),
      poster: root.querySelector('.poster'),
      status: root.querySelector('.status'),
      error: root.querySelector('.error'),
      errorText: root.querySelector('.error span'),
      next: root.querySelector('.new'),
      play: root.querySelector('.play'),
      info: root.querySelector('.info'),
    };
    this.ui.next.addEventListener('click', () => this.newSamples());
    this.ui.play.addEventListener('click', () => (this.#playing ? this.pause() : this.play()));
    this.ui.poster.addEventListener('error', () => (this.ui.poster.hidden = true));
    root.querySelector('.retry').addEventListener('click', () => this.#load());
  }

  connectedCallback() {
    this.#placeholder();
    if (this.#loadingUrl !== undefined && this.#loadingUrl !== this.#wanted()) this.#reset(); // src changed while away
    if (!this.hasAttribute('state')) this.#setState('idle');
    // Two observers: one says when to fetch (a viewport ahead), the other when to animate.
    const near = new IntersectionObserver((entries) => entries.at(-1).isIntersecting && this.#approach(), { rootMargin: NEAR });
    const seen = new IntersectionObserver((entries) => {
      this.#visible = entries.at(-1).isIntersecting;
      this.#schedule();
    });
    this.#observers = [near, seen];
    near.observe(this);
    seen.observe(this);
    if (this.eager) this.#approach();
  }

  disconnectedCallback() {
    for (const observer of this.#observers) observer.disconnect();
    this.#observers = [];
    this.#near = this.#visible = false;
    cancelAnimationFrame(this.#frame);
    // A load cut short starts again when the widget is back near the viewport.
    if (this.state === 'loading') this.#reset();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.isConnected || before === after) return;
    if (name === 'poster' || name === 'grid') this.#placeholder();
    if (name === 'src') {
      if (this.#near || this.eager) this.#load();
      else this.#reset();
    } else if (name === 'loading') {
      if (this.eager) this.#approach();
    } else if (name !== 'poster' && this.#sampler) {
      this.#restart();
      this.#render();
    }
  }

  /** 'idle' (not yet near the viewport), 'loading', 'ready' or 'error'. */
  get state() {
    return this.getAttribute('state') ?? 'idle';
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

  /** Whether to fetch at once instead of when near the viewport (`loading="eager"`). */
  get eager() {
    return (this.getAttribute('loading') ?? '').toLowerCase() === 'eager';
  }

  /** Where the samples are computed: always 'cpu' (burn's CPU backend in wasm) once loaded. */
  get backend() {
    return this.#sampler ? 'cpu' : null;
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

  /** The model `src` names, as an absolute URL (null without one). */
  #wanted() {
    const src = this.getAttribute('src');
    return src ? new URL(src, document.baseURI).href : null;
  }

  /** Near the viewport, or eager: load the model unless it is the one loaded or loading. */
  #approach() {
    this.#near = true;
    if (this.#loadingUrl !== this.#wanted()) this.#load();
  }

  /** Back to idle, nothing loaded: what a widget is before it first comes near. */
  #reset() {
    this.#loadToken++;
    this.#sampler = null;
    this.#loadingUrl = undefined;
    this.pause();
    this.canvas.width = this.canvas.width; // clears it: the poster or placeholder shows again
    this.#setState('idle');
  }

  /** The poster, or the grid's empty cells, in the square the samples will fill. */
  #placeholder() {
    this.ui.frame.style.setProperty('--cells', String(this.grid));
    const poster = this.getAttribute('poster');
    this.ui.poster.hidden = !poster;
    if (poster) this.ui.poster.src = new URL(poster, document.baseURI).href;
    else this.ui.poster.removeAttribute('src');
  }

  async #load() {
    const token = ++this.#loadToken;
    const url = this.#wanted();
    this.#loadingUrl = url;
    this.#sampler = null;
    this.pause();
    this.canvas.width = this.canvas.width;
    this.#setState('loading');
    try {
      if (!url) throw named('NoSource', 'no src attribute: set it to a generator file (.safetensors)');
      const { latent } = await sharedEngine().call('load', { url });
      if (token !== this.#loadToken) return; // src changed meanwhile
      this.#sampler = { url, latent };
      this.#restart();
      await this.#render();
      if (token !== this.#loadToken || !this.#sampler) return;
      this.ui.info.textContent = `CPU · z ∈ [−1, 1]^${latent}`;
      this.#setState('ready');
      this.dispatchEvent(new Event('load'));
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
    return { draw };
  }

  /** The latent points on screen now. */
  #current() {
    if (this.#t <= 0 || this.#from === this.#to) return this.#from;
    return { from: this.#from, to: this.#to, t: ease(this.#t) };
  }

  #schedule() {
    cancelAnimationFrame(this.#frame);
    if (this.#playing && this.#visible && this.isConnected) this.#frame = requestAnimationFrame((now) => this.#tick(now));
  }

  async #tick(now) {
    if (!this.#playing || !this.#sampler) return;
    // A large grid takes longer than FRAME_MS: then leave a third of the time idle.
    if (!this.#inflight && now - this.#last >= Math.max(FRAME_MS, 1.5 * this.#frameMs)) {
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

  /** Draws the latent points on screen now; asked while a frame is in flight, draws again after it. */
  #render() {
    if (!this.#sampler) return Promise.resolve();
    if (this.#inflight) {
      this.#again = true;
      return this.#inflight;
    }
    this.#inflight = (async () => {
      try {
        do {
          this.#again = false;
          const sampler = this.#sampler;
          if (!sampler) return;
          const started = performance.now();
          let picture;
          try {
            picture = await sharedEngine().call('frame', { url: sampler.url, grid: this.grid, seed: this.seed, z: this.#current() });
          } catch (e) {
            if (sampler === this.#sampler) this.#fail(e);
            return;
          }
          this.#frameMs = performance.now() - started;
          if (sampler === this.#sampler) {
            drawPicture(this.canvas, picture);
            this.setAttribute('drawn', '');
          } else {
            this.#again = true; // another model meanwhile: draw that one
          }
        } while (this.#again);
      } finally {
        this.#inflight = null;
      }
    })();
    return this.#inflight;
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
    if (state !== 'ready') this.removeAttribute('drawn');
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
