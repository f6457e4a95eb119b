// The widget's Web Worker: runs engine.js's calls off the page's thread. Messages in:
// {id, op: 'load' | 'frame', args}; out: {id, result} or {id, error: {name, message}}.
import * as engine from './engine.js';

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    const result = await engine[op](args);
    // A frame's pixels move to the page instead of being copied.
    self.postMessage({ id, result }, result?.pixels ? [result.pixels.buffer] : []);
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
};
