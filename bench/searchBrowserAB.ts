/**
 * The combination search in headless Chromium, this checkout against another, alternating in ONE
 * page (base, this, base, this …) so both see the same load, after checking both give the same
 * result. The browser side of bench/searchAB.ts.
 *
 *   mkdir /tmp/base && git archive main src | tar -x -C /tmp/base
 *   ln -s "$PWD/node_modules" /tmp/base/node_modules              # its imports resolve there
 *   npx tsx bench/searchBrowserAB.ts /tmp/base [rounds]
 *
 * Each call is timed by the page's clock (wall) and by the main thread's CPU time (CDP ThreadTime,
 * read around each call: one `page.evaluate` per call).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { mainThreadCpuClock, openBenchPage } from './browser';
import { median } from './extractStages';
import { sharedPath } from '../src/node/paths';

interface Side {
  name: string;
  cpu: number[];
  wall: number[];
}

async function main(): Promise<void> {
  const [otherDir, roundsArg] = process.argv.slice(2);
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!otherDir || !path) {
    process.stderr.write('usage: npx tsx bench/searchBrowserAB.ts <other checkout> [rounds]  (needs ../shared/data/gtzan/GenreClassData_30s.txt)\n');
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 15) || 15;
  // An entry importing both searches, written outside the repo.
  const dir = mkdtempSync(join(os.tmpdir(), 'search-ab-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { parseTableText } from ${JSON.stringify(resolve('src/core/data/parse.ts'))};
import { searchCombinations as base } from ${JSON.stringify(resolve(otherDir, 'src/core/eval/search.ts'))};
import { searchCombinations as ours } from ${JSON.stringify(resolve('src/core/eval/search.ts'))};
const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
const sides = { base, this: ours };
let ds;
const key = (r) => JSON.stringify({ cells: r.cells, subsetsAlone: r.subsetsAlone, best: r.best, subsets: r.subsets, extras: r.extras });
globalThis.genreBench = {
  load(text) { ds = parseTableText(text, 'GenreClassData_30s.txt'); },
  run(name) {
    const t0 = performance.now();
    const r = sides[name](ds, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
    return { ms: performance.now() - t0, key: key(r) };
  },
};
`,
  );
  const b = await openBenchPage(entry);
  rmSync(dir, { recursive: true, force: true });
  if (!b) process.exit(1);
  try {
    const cpuClock = await mainThreadCpuClock(b.page);
    await b.page.evaluate((t) => (globalThis as any).genreBench.load(t), readFileSync(path, 'utf8'));
    const sides: Side[] = [
      { name: 'base', cpu: [], wall: [] },
      { name: 'this', cpu: [], wall: [] },
    ];
    const load0 = os.loadavg()[0]!.toFixed(1);
    const keys: string[] = [];
    // Warm-up: a few calls each; the last result of each is compared.
    for (const s of sides) {
      let k = '';
      for (let i = 0; i < 4; i++) k = (await b.page.evaluate((n) => (globalThis as any).genreBench.run(n), s.name)).key;
      keys.push(k);
    }
    for (let r = 0; r < rounds; r++) {
      for (const s of r % 2 ? [...sides].reverse() : sides) {
        const c0 = await cpuClock();
        const { ms } = await b.page.evaluate((n) => (globalThis as any).genreBench.run(n), s.name);
        s.cpu.push((await cpuClock()) - c0);
        s.wall.push(ms);
      }
    }
    process.stdout.write(`236-combination search in headless Chromium; base = ${resolve(otherDir)}; ${rounds} alternating rounds; load ${load0} → ${os.loadavg()[0]!.toFixed(1)}\n`);
    process.stdout.write(keys[0] === keys[1] ? 'identical results (cells, subsets alone, best)\n' : 'RESULTS DIFFER\n');
    for (const s of sides) {
      process.stdout.write(`${s.name.padEnd(6)} main-thread CPU least ${Math.min(...s.cpu).toFixed(1).padStart(6)} ms, median ${median(s.cpu).toFixed(1).padStart(6)} ms; wall least ${Math.min(...s.wall).toFixed(1).padStart(6)} ms, median ${median(s.wall).toFixed(1).padStart(6)} ms\n`);
    }
    const [bs, ts] = sides as [Side, Side];
    process.stdout.write(`this / base, median CPU: ${(median(ts.cpu) / median(bs.cpu)).toFixed(2)}; median wall: ${(median(ts.wall) / median(bs.wall)).toFixed(2)}\n`);
  } finally {
    await b.close();
  }
}

void main();
