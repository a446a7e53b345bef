/**
 * The NTNU Task 3 search (236 k-NN runs: 3 of the 4 Task 1 features + one of the 59 others) on the
 * 30 s table: ours in Node and in headless Chromium, scikit-learn's 236 KNeighborsClassifier fits
 * and predictions on the same z-scored rows in the same run (bench/sklearn_knn.py search).
 */
import { readFileSync } from 'node:fs';
import { prepareData } from '../src/core/eval/classic';
import { searchCombinations, type SearchResult } from '../src/core/eval/search';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { mainThreadCpuClock, openBenchPage } from './browser';
import { cpuClockMs } from './extractStages';
import { referenceUnavailable, runPythonReference, tempExchange, writeNpy } from './reference';
import { log, median, report, type BenchLine } from './report';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
/** Issue 13: the search within 50 ms in the browser. */
const GOAL_BROWSER_MS = 50;
const REPS = 7;
const SKLEARN_REPS = 3;

interface SklearnSearch {
  sklearn: string;
  results: { threads: 'default' | 1; medianSec: number; runsSec: number[] }[];
  cells: number;
  best: { subset: number[]; extra: number; accuracy: number; macroF1: number };
}

/** scikit-learn's time for the same search, in ms, per thread setting (empty when it cannot run). */
function runSklearnSearch(path: string, extras: string[]): { ref: SklearnSearch | undefined; reason?: string } {
  const missing = referenceUnavailable(['numpy', 'sklearn', 'threadpoolctl']);
  if (missing) return { ref: undefined, reason: missing };
  // The same rows, split and standardisation as searchCombinations: base columns first, then the extras.
  const ds = loadTableFile(path);
  const prep = prepareData(ds, [...TASK1, ...extras], { kind: 'auto' });
  const ex = tempExchange();
  try {
    const nF = prep.nFeatures;
    writeNpy(ex.path('xtr.npy'), prep.train, [prep.trainLabels.length, nF]);
    writeNpy(ex.path('ytr.npy'), prep.trainLabels, [prep.trainLabels.length]);
    writeNpy(ex.path('xte.npy'), prep.test, [prep.testLabels.length, nF]);
    writeNpy(ex.path('yte.npy'), prep.testLabels, [prep.testLabels.length]);
    const files = ['xtr', 'ytr', 'xte', 'yte'].map((f) => ex.path(`${f}.npy`));
    const ref = runPythonReference<SklearnSearch>('sklearn_knn.py', ['search', ...files, '--base', String(TASK1.length), '--choose', '3', '--k', '5', '--reps', String(SKLEARN_REPS)]);
    return { ref };
  } finally {
    ex.dispose();
  }
}

function bestText(features: string[], accuracy: number): string {
  return `${features.join(', ')} ${(accuracy * 100).toFixed(2)} %`;
}

export async function runSearchBench(): Promise<void> {
  const path = sharedPath('data', 'gtzan', 'GenreClassData_30s.txt');
  if (!path) return log('search: skipped (../shared/data/gtzan/GenreClassData_30s.txt not found)');
  const ds = loadTableFile(path);
  const times: number[] = [];
  const cpu: number[] = [];
  let result: SearchResult | undefined;
  for (let i = 0; i < REPS; i++) {
    const c0 = cpuClockMs();
    const t0 = performance.now();
    result = searchCombinations(ds, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
    times.push(performance.now() - t0);
    cpu.push(cpuClockMs() - c0);
  }
  const ours = result!;
  log(`236-combination search, NTNU 30 s (${ours.nTest} test rows); our best: ${bestText(ours.best.features, ours.best.accuracy)}`);
  const { ref, reason } = runSklearnSearch(path, ours.extras);
  if (reason) log(reason);
  let refNote = '';
  if (ref) {
    const names = [...TASK1, ...ours.extras];
    const theirs = [...ref.best.subset.map((i) => names[i]!), names[ref.best.extra]!];
    refNote = `scikit-learn ran ${ref.cells} combinations, best ${bestText(theirs, ref.best.accuracy)}`;
    log(refNote);
  }
  // CPU time beside the wall time: on a shared machine the wall time is the work plus the wait for a core.
  const lines = (where: string, ms: number[], cpuMs: number[], goal?: BenchLine['goal']) => {
    const rows = ref?.results ?? [{ threads: 'default' as const, medianSec: NaN, runsSec: [] }];
    for (const r of rows) {
      report({
        part: 'search',
        what: `236-combination search, ${where} (median of ${ms.length}; first run ${ms[0]!.toFixed(0)} ms; ${where === 'Node' ? 'process' : 'main-thread'} CPU median ${median(cpuMs).toFixed(0)} ms)`,
        unit: 'ms',
        ours: median(ms),
        reference: ref ? r.medianSec * 1000 : null,
        referenceName: ref ? `scikit-learn ${ref.sklearn}, ${r.threads === 1 ? '1 thread' : 'default threads'}` : 'scikit-learn',
        referenceKind: 'measured',
        goal,
        note: ref ? `scikit-learn median of ${r.runsSec.length}` : reason,
      });
    }
  };
  lines('Node', times, cpu);
  const b = await openBenchPage('bench/searchEntry.ts');
  if (!b) return;
  try {
    await b.page.evaluate((t) => (globalThis as any).genreBench.load(t), readFileSync(path, 'utf8'));
    const cpuClock = await mainThreadCpuClock(b.page);
    const msB: number[] = [];
    const cpuB: number[] = [];
    let best = '';
    for (let i = 0; i < REPS; i++) {
      const c0 = await cpuClock();
      const r = await b.page.evaluate(() => (globalThis as any).genreBench.run());
      cpuB.push((await cpuClock()) - c0);
      msB.push(r.ms);
      best = r.best;
    }
    log(`search browser best: ${best}`);
    lines('browser', msB, cpuB, { maxOurs: GOAL_BROWSER_MS });
  } finally {
    await b.close();
  }
}
