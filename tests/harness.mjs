// Shared by the browser tests: serves www/ on a free port and launches Debian's Chromium with
// the flags that work on this machine (see ../shared/ENV.md): WebGPU on SwiftShader, no network.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { root, serve } from '../pkg-scripts/serve.mjs';

export { root, serve };
export const shots = resolve(root, 'target', 'screenshots');

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Chromium with WebGPU (`webgpu: false` leaves navigator.gpu out, as in a browser without it). */
export async function browser({ webgpu = true } = {}) {
  const args = webgpu ? [...FLAGS, '--enable-unsafe-webgpu'] : FLAGS;
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args });
}

/** Opens the page and collects console errors; `page.errors` lists uncaught ones. */
export async function open(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  await page.goto(url);
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(shots, { recursive: true });
  const path = resolve(shots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Standard deviation of the canvas's gray levels: 0 for a blank canvas. */
export function spread(page, testid) {
  return page.getByTestId(testid).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let [sum, squares, n] = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i];
      squares += data[i] * data[i];
      n++;
    }
    return Math.sqrt(squares / n - (sum / n) ** 2);
  });
}

/** The step counter's value. */
export const count = (page) => page.getByTestId('step-count').textContent().then(Number);

/** Waits until the step counter reaches `n`. */
export function stepAtLeast(page, n, timeout = 120_000) {
  return page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, n, { timeout });
}

/** Waits for a session to be there and idle. */
export function ready(page) {
  return page.waitForFunction(() => ['ready', 'paused', 'done'].includes(document.body.dataset.state), null, { timeout: 120_000 });
}

export function paused(page) {
  return page.waitForFunction(() => document.body.dataset.state === 'paused', null, { timeout: 60_000 });
}

/** Types a value and leaves the field, as a person does (the browser then fires `change`). */
export async function type(page, testid, value) {
  await page.getByTestId(testid).fill(value);
  await page.getByTestId(testid).blur();
}

/** A server and Chromium for one test file, started before its tests and stopped after. */
export function setup() {
  const env = {};
  before(async () => {
    env.server = await serve();
    env.chromium = await browser();
  });
  after(async () => {
    await env.chromium?.close();
    env.server?.close();
  });
  return env;
}
