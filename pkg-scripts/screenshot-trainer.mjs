// Redraws docs/trainer.png: the trainer page on MNIST at its defaults, as a visitor opens it,
// after SECONDS (default 180) of training from Start; prints the step reached and the last
// judged quality. A picture for the README, not a test.
//   node pkg-scripts/screenshot-trainer.mjs           (needs www/pkg: pkg-scripts/build)
import { resolve } from 'node:path';
import { serve, browser, open, root, ready } from '../tests/harness.mjs';

const SECONDS = Number(process.env.SECONDS_TRAINED ?? 180);
const server = await serve();
const chromium = await browser();
try {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await open(context, `${server.url}?dataset=mnist`);
  await ready(page);
  await page.getByTestId('start').click();
  await page.waitForTimeout(SECONDS * 1000);
  await page.getByTestId('pause').click();
  // Let the last pictures and the judge's figures arrive before the shot.
  await page.waitForTimeout(3000);
  const text = async (id) => (await page.getByTestId(id).textContent()).trim();
  const figures = { seconds: SECONDS, step: Number(await text('step-count')), backend: await text('backend'), coverage: await text('coverage'), frechet: await text('frechet') };
  await page.screenshot({ path: resolve(root, 'docs', 'trainer.png'), fullPage: true });
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  console.log(JSON.stringify(figures));
} finally {
  await chromium.close();
  server.close();
}
