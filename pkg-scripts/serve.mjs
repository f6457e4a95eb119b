// Serves www/ as a static host would: with the headers www/_headers lists (cross-origin isolation,
// so the page can train on threads) and CORS (a blog on another origin can embed the widget and its
// model). Used by pkg-scripts/serve and by the browser tests and benchmarks.
import httpServer from 'http-server';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
const www = resolve(root, 'www');

/** The headers www/_headers gives every path (`/*`), as {name: value}. */
export function siteHeaders() {
  const headers = {};
  let all = false;
  for (const line of readFileSync(resolve(www, '_headers'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      all = line.trim() === '/*';
      continue;
    }
    const colon = line.indexOf(':');
    if (all && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Starts serving on `port` (0: a free one) and resolves to {url, close}. `cache`: seconds of
 * Cache-Control max-age (-1: none). `isolated: false` leaves out the isolation headers, as a host
 * that cannot send them would (GitHub Pages): the page then trains on one thread.
 */
export async function serve({ port = 0, cache = -1, isolated = true, log = () => {} } = {}) {
  const headers = siteHeaders();
  if (!isolated) {
    for (const name of Object.keys(headers)) if (/^cross-origin-(opener|embedder)-policy$/i.test(name)) delete headers[name];
  }
  // cors: also answers CORS preflights; the headers above already allow any origin.
  const server = httpServer.createServer({ root: www, cache, showDir: false, showDotfiles: false, cors: true, headers, logFn: log });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.server.address().port}/`, close: () => server.close() };
}

// `node pkg-scripts/serve.mjs PORT`: serves until Ctrl-C.
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  const { url } = await serve({ port: Number(process.argv[2] ?? 8080) });
  console.error(`serving the trainer page on ${url} and the widget demo on ${url}embed.html (Ctrl-C stops)`);
}
