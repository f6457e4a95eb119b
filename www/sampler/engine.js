// The widget's computing half: fetches the inference-only wasm and the models, and draws frames.
// It runs in a Web Worker (worker.js), so a frame never holds up the page's scrolling or input;
// in the page itself only where no worker can start (a Content-Security-Policy without blob:
// workers). Every widget on a page shares it: one wasm instance, one download of each model.

let wasmReady = null;
const samplers = new Map(); // model URL → Promise<WebSampler>

/** The wasm module, fetched and instantiated once, when a widget first needs it. */
function wasm() {
  wasmReady ??= (async () => {
    const module = await import('../pkg-sampler/began_sampler.js');
    await module.default();
    return module;
  })();
  // A failed download is not kept: the next widget (or Try again) fetches again.
  wasmReady.catch(() => (wasmReady = null));
  return wasmReady;
}

function named(name, message) {
  return Object.assign(new Error(message), { name });
}

/** The model at `url`, fetched and loaded once however many widgets show it. */
function sampler(url) {
  if (!samplers.has(url)) {
    const loading = (async () => {
      const { WebSampler } = await wasm();
      let response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw named('NetworkError', `could not fetch ${url} (${e.message})`);
      }
      if (!response.ok) throw named('NotFound', `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim());
      const bytes = new Uint8Array(await response.arrayBuffer());
      return WebSampler.load(bytes, url.split('/').pop() || url);
    })();
    // A failure is not cached: the next widget (or a retry) tries again.
    loading.catch(() => samplers.delete(url));
    samplers.set(url, loading);
  }
  return samplers.get(url);
}

/** Loads the model at `url`; resolves to `{latent}`, the length of its z. */
export async function load({ url }) {
  return { latent: (await sampler(url)).latent };
}

/**
 * Draws `grid` × `grid` images of the model at `url` as `{width, height, channels, pixels}`. `z`
 * says where in latent space: `{draw}`, the draw-th set of points of `seed` (0 is the first
 * frame), or `{from, to, t}`, the way from one such place to another along great circles.
 */
export async function frame({ url, grid, seed, z }) {
  const [model, { slerp }] = await Promise.all([sampler(url), wasm()]);
  const points = (where) => {
    if (where.draw !== undefined) return model.points(grid, seed, where.draw);
    return slerp(points(where.from), points(where.to), where.t, model.latent);
  };
  return model.generate(points(z), grid);
}
