// Redraws docs/trainer.png: the trainer page on MNIST at its defaults, as a visitor opens it,
// after SECONDS_TRAINED (default 180) of training from Start; prints the step reached and the
// last judged quality. A picture for the README, not a test. With OWN_IMAGES=DIR it trains on
// that folder as "Your images" instead (chosen with the folder picker) and draws
// docs/trainer-own-images.png.
//   node pkg-scripts/screenshot-trainer.mjs           (needs www/pkg: pkg-scripts/build)
//   cargo run -p began --example shapes -- /tmp/shapes && OWN_IMAGES=/tmp/shapes node pkg-scripts/screenshot-trainer.mjs
import { resolve } from 'node:path';
import { serve, browser, open, root, ready } from '../tests/harness.mjs';

const SECONDS = Number(process.env.SECONDS_TRAINED ?? 180);
const OWN = process.env.OWN_IMAGES;
const server = await serve();
const chromium = await browser();
try {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await open(context, `${server.url}?dataset=${OWN ? 'images' : 'mnist'}`);
  const started = performance.now();
  if (OWN) await page.getByTestId('pick-folder').setInputFiles(OWN);
  await ready(page);
  const gatherSeconds = (performance.now() - started) / 1000; // with OWN_IMAGES: reading them, then building the model
  await page.getByTestId('start').click();
  await page.waitForTimeout(SECONDS * 1000);
  await page.getByTestId('pause').click();
  // Let the last pictures and the judge's figures arrive before the shot.
  await page.waitForTimeout(3000);
  const text = async (id) => (await page.getByTestId(id).textContent()).trim();
  const figures = { seconds: SECONDS, step: Number(await text('step-count')), backend: await text('backend'), coverage: await text('coverage'), frechet: await text('frechet') };
  if (OWN) Object.assign(figures, { images: await text('own-status'), secondsToReady: Number(gatherSeconds.toFixed(1)) });
  await page.screenshot({ path: resolve(root, 'docs', OWN ? 'trainer-own-images.png' : 'trainer.png'), fullPage: true });
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  console.log(JSON.stringify(figures));
} finally {
  await chromium.close();
  server.close();
}
