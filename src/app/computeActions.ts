/**
 * The compute cells' actions (Explore, k-NN, logistic regression, feature selection): run a core
 * job on the cell's own worker, feed progress and the result into the store, cancel it. No numbers
 * are computed here; the workers run the core. Classic runs land in the Compare table too.
 */
import { toErrorInfo } from '../core/errors';
import type { JobRequest } from '../core/jobs';
import { setRun, splitChoice, type CellKey, type LabState } from '../state/lab';
import { runComputeJob, type RunningJob } from '../workers/client';
import { recordClassicRun } from './compareActions';
import { labStore } from './store';

const running = new Map<CellKey, RunningJob<unknown>>();

export async function runCell(key: CellKey, job: JobRequest): Promise<void> {
  const ds = labStore.getState().dataset;
  if (!ds) return;
  running.get(key)?.cancel();
  setRun(labStore, key, { status: 'running', progress: 0, error: undefined });
  const t0 = performance.now();
  const handle = runComputeJob(key, ds, job, (progress) => setRun(labStore, key, { progress }));
  running.set(key, handle);
  try {
    const result = await handle.promise;
    if (running.get(key) !== handle) return;
    setRun(labStore, key, { status: 'done', progress: 1, result, datasetId: ds.id, elapsedMs: performance.now() - t0 });
    if (key === 'knn' || key === 'logistic' || key === 'classic') recordClassicRun(key);
  } catch (e) {
    if (running.get(key) !== handle) return;
    const info = toErrorInfo(e);
    setRun(labStore, key, info.code === 'cancelled' ? { status: 'cancelled', progress: 0 } : { status: 'error', error: info });
  } finally {
    if (running.get(key) === handle) running.delete(key);
  }
}

export function cancelCell(key: CellKey): void {
  running.get(key)?.cancel();
}

/**
 * The job each parameterised Run button asks for, built from the cell's parameters in the store.
 * The cells and the lecture presenter both run cells through this, so "Run" means one thing.
 */
const CELL_JOBS = {
  knn: (s: LabState): JobRequest => {
    const p = s.params.knn;
    return { kind: 'knn', features: p.features, k: p.k, weights: p.weights, split: splitChoice(p.split, p.seed), standardize: p.standardize };
  },
  importance: (s: LabState): JobRequest => {
    const p = s.params.importance;
    return { kind: 'importance', features: s.dataset?.featureNames ?? [], nTrees: p.nTrees, seed: p.seed, split: splitChoice(p.split, p.seed), permutationRepeats: p.permutationRepeats };
  },
  search: (s: LabState): JobRequest => {
    const p = s.params.search;
    return { kind: 'search', base: p.base, choose: p.choose, k: p.k, weights: p.weights, split: splitChoice(p.split, p.seed), rankBy: 'accuracy' };
  },
} satisfies Partial<Record<CellKey, (s: LabState) => JobRequest>>;

export type ParamCellKey = keyof typeof CELL_JOBS;

/** Run a cell with its current parameters (what its Run button does). */
export function runCellFromParams(key: ParamCellKey): Promise<void> {
  return runCell(key, CELL_JOBS[key](labStore.getState()));
}
