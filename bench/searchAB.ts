/**
 * Side-by-side combination search: this checkout's searchCombinations against another checkout's,
 * alternating calls in ONE process (base, this, base, this …) so both see the same load on a
 * shared machine, after checking that both give the same result (cells, subsets alone, best).
 *
 *   mkdir /tmp/base && git archive main src | tar -x -C /tmp/base   # or any commit to compare against
 *   ln -s "$PWD/node_modules" /tmp/base/node_modules              # its imports resolve there
 *   npx tsx bench/searchAB.ts /tmp/base [rounds]
 *
 * The NTNU Task 3 search (3 of the 4 Task 1 features + one of the 59 others, k = 5, distance
 * weighting) on ../shared's 30 s table. Prints per side the least and the median process-CPU ms
 * per call and the median wall ms, with the load average at start and end.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ours from '../src/core/eval/search';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { cpuClockMs, median } from './extractStages';

type Search = Pick<typeof ours, 'searchCombinations'>;
type Result = ReturnType<typeof ours.searchCombinations>;

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];

/** The parts of a result that must not move (elapsedMs aside). */
function resultKey(r: Result): string {
  return JSON.stringify({ cells: r.cells, subsetsAlone: r.subsetsAlone, best: r.best, subsets: r.subsets, extras: r.extras, nTest: r.nTest });
}

async function main(): Promise<void> {
  const [otherDir, roundsArg] = process.argv.slice(2);
  if (!otherDir) {
    process.stderr.write('usage: npx tsx bench/searchAB.ts <other checkout> [rounds]\n');
    process.exit(2);
  }
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!path) {
    process.stderr.write('needs ../shared/data/gtzan/GenreClassData_30s.txt\n');
    process.exit(2);
  }
  const other = (await import(pathToFileURL(resolve(otherDir, 'src/core/eval/search.ts')).href)) as Search;
  const rounds = Number(roundsArg ?? 25) || 25;
  const ds = loadTableFile(path);
  const opts = { base: TASK1, choose: 3, k: 5, weights: 'distance' as const };
  const sides: [string, Search][] = [['base', other], ['this', ours]];
  const load0 = os.loadavg()[0]!.toFixed(1);
  // Warm-up (a few calls each, so both run optimised code) and the equality check.
  const keys = sides.map(([, m]) => {
    let r = m.searchCombinations(ds, opts);
    for (let i = 0; i < 4; i++) r = m.searchCombinations(ds, opts);
    return resultKey(r);
  });
  const same = keys[0] === keys[1];
  const cpu: Record<string, number[]> = { base: [], this: [] };
  const wall: Record<string, number[]> = { base: [], this: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [name, m] of r % 2 ? [...sides].reverse() : sides) {
      const c0 = cpuClockMs();
      const t0 = performance.now();
      m.searchCombinations(ds, opts);
      wall[name]!.push(performance.now() - t0);
      cpu[name]!.push(cpuClockMs() - c0);
    }
  }
  const line = (name: string) =>
    `${name.padEnd(6)} CPU least ${Math.min(...cpu[name]!).toFixed(1).padStart(6)} ms, median ${median(cpu[name]!).toFixed(1).padStart(6)} ms; wall median ${median(wall[name]!).toFixed(1).padStart(6)} ms\n`;
  process.stdout.write(`236-combination search, NTNU 30 s; base = ${resolve(otherDir)}; ${rounds} alternating rounds; load ${load0} → ${os.loadavg()[0]!.toFixed(1)}\n`);
  process.stdout.write(same ? 'identical results (cells, subsets alone, best)\n' : 'RESULTS DIFFER\n');
  for (const [name] of sides) process.stdout.write(line(name));
  process.stdout.write(`this / base, least CPU: ${(Math.min(...cpu.this!) / Math.min(...cpu.base!)).toFixed(2)}; median CPU: ${(median(cpu.this!) / median(cpu.base!)).toFixed(2)}\n`);
}

void main();
