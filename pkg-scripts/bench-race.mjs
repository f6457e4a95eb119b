// What racing two runs costs (docs/family.md, "Race two"): ms per step of each run of the Compare
// view alone and with both racing, from the training workers' `stats` messages, in headless
// Chromium. `node pkg-scripts/bench-race.mjs [seconds per phase] [a] [b] [half|all|both]`; figures,
// never pass/fail.
// Each page load waits for both first judgements (the quality workers' start, which computes the
// test split's features, is not a step's cost), then measures A alone, B alone and both, twice;
// first with the page's split (half the cores each), then with every core each (?threads=N, as a
// run alone on the trainer page gets). Run it on an otherwise idle machine: it prints the load.
import { cpus, loadavg } from 'node:os';
import { serve, browser } from '../tests/harness.mjs';

const [seconds = 40, a = 'began', b = 'ns', splits = 'both'] = process.argv.slice(2);
const WARM_MS = 5_000; // the first calls of a phase wait on the other run's last call, and JIT
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

async function phase(page, ids) {
  for (const id of ids) await page.evaluate((id) => window.compare.play(id), id);
  await page.waitForTimeout(WARM_MS);
  const from = await page.evaluate(() => window.compare.msPerStep());
  await page.waitForTimeout(seconds * 1000);
  const to = await page.evaluate(() => window.compare.msPerStep());
  for (const id of ids) await page.evaluate((id) => window.compare.pause(id), id);
  await page.waitForFunction(() => ['a', 'b'].every((l) => document.querySelector(`[data-testid=lane-${l}]`).dataset.state !== 'running'), null, { timeout: 60_000 });
  return Object.fromEntries(ids.map((id) => [id, to[id].slice(from[id].length)]));
}

const load = [loadavg()[0]];
const server = await serve();
const chromium = await browser();
const rows = [];
for (const threads of { half: [null], all: [cpus().length], both: [null, cpus().length] }[splits]) {
  const page = await chromium.newPage();
  await page.goto(`${server.url}compare.html?debug=1&a=${a}&b=${b}${threads ? `&threads=${threads}` : ''}`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120_000 });
  await page.waitForFunction(() => ['a', 'b'].every((l) => window.compare.points()[l].length > 0), null, { timeout: 120_000 });
  const badge = await page.getByTestId('backend-a').textContent();
  const [alone, racing] = [{ a: [], b: [] }, { a: [], b: [] }];
  for (let round = 0; round < 2; round++) {
    for (const [into, ids] of [[alone, ['a']], [alone, ['b']], [racing, ['a', 'b']]]) {
      for (const [id, ms] of Object.entries(await phase(page, ids))) into[id].push(...ms);
    }
  }
  for (const table of [alone, racing]) for (const id of ['a', 'b']) table[id] = { ms: median(table[id]), calls: table[id].length };
  for (const id of ['a', 'b']) {
    const name = id === 'a' ? a : b;
    rows.push(`| ${name} | ${badge} each | ${alone[id].ms.toFixed(1)} | ${racing[id].ms.toFixed(1)} | ×${(racing[id].ms / alone[id].ms).toFixed(2)} | ${alone[id].calls} / ${racing[id].calls} |`);
  }
  await page.close();
}
await chromium.close();
server.close();
load.push(loadavg()[0]);
console.log(`${cpus().length} cores (${cpus()[0].model}); ${seconds} s per phase (twice) after ${WARM_MS / 1000} s of warm-up; median ms_per_step of the stats messages; load average before ${load[0].toFixed(2)}, after ${load[1].toFixed(2)} (the runs themselves count)\n`);
console.log('| run | threads | alone ms/step | racing ms/step | racing / alone | calls (alone / racing) |\n|---|---|---|---|---|---|');
console.log(rows.join('\n'));
