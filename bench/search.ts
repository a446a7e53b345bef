/** The NTNU Task 3 search (236 k-NN runs): Node and browser times against scikit-learn's. */
import { readFileSync } from 'node:fs';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { searchCombinations } from '../src/core/eval/search';
import { openBenchPage } from './browser';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
/** scikit-learn's time for the same 236 KNeighborsClassifier fits + predictions on this 2-core machine (issue #2). */
const SKLEARN_SEC = { low: 0.7, high: 1.0 };
const GOAL_SEC = 0.1;
const REPS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function report(where: string, times: number[]) {
  const m = median(times) / 1000;
  const first = times[0]! / 1000;
  console.log(
    `search ${where.padEnd(8)} median ${(m * 1000).toFixed(1)} ms (first run ${(first * 1000).toFixed(1)} ms) · ` +
      `${(SKLEARN_SEC.low / m).toFixed(1)}–${(SKLEARN_SEC.high / m).toFixed(1)}× faster than scikit-learn (${SKLEARN_SEC.low}–${SKLEARN_SEC.high} s) · ` +
      `goal ${GOAL_SEC * 1000} ms: ratio ${(m / GOAL_SEC).toFixed(2)} ${m <= GOAL_SEC ? '(met)' : '(NOT met)'}`,
  );
}

export async function runSearchBench(): Promise<void> {
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!path) return console.log('search: skipped (../shared/data/gtzan/GenreClassData_30s.txt not found)');
  const ds = loadTableFile(path);
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    searchCombinations(ds, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
    times.push(performance.now() - t0);
  }
  report('Node', times);
  const b = await openBenchPage('bench/searchEntry.ts');
  if (!b) return;
  try {
    const text = readFileSync(path, 'utf8');
    const r = await b.page.evaluate(([t, n]) => (globalThis as any).genreBench.runSearch(t, n), [text, REPS] as const);
    report('browser', r.times);
    console.log(`search browser best: ${r.best}`);
  } finally {
    await b.close();
  }
}
