/**
 * What buttons do: start worker jobs, feed progress and results into the store, cancel them.
 * No numbers are computed here; the workers run the core.
 */
import type { TableOptions } from '../core/data/parse';
import { isLabError, toErrorInfo } from '../core/errors';
import type { JobRequest } from '../core/jobs';
import { setDataError, setDataset, setRun, type CellKey } from '../state/lab';
import { parseTableFile, runComputeJob, type RunningJob } from '../workers/client';
import { markDatasetSaved } from '../state/persist';
import { labStore } from './store';

let loading: RunningJob<unknown> | undefined;
/** Set by the Compare cell's module: classic runs land there too. */
let onClassicDone: ((key: 'knn' | 'logistic') => void) | undefined;
export function setClassicRunListener(fn: (key: 'knn' | 'logistic') => void): void {
  onClassicDone = fn;
}
const running = new Map<CellKey, RunningJob<unknown>>();

export async function loadTable(file: File, options: TableOptions = {}): Promise<void> {
  loading?.cancel();
  labStore.setState({ datasetStatus: 'loading', loadProgress: 0, loadingName: file.name, dataError: undefined, pendingLabel: undefined });
  const job = parseTableFile(file, options, (fraction) => labStore.setState({ loadProgress: fraction }), markDatasetSaved);
  loading = job;
  pendingFile = file;
  try {
    const ds = await job.promise;
    if (loading !== job) return;
    setDataset(labStore, ds);
  } catch (e) {
    if (loading !== job) return;
    if (isLabError(e) && e.code === 'cancelled') {
      const s = labStore.getState();
      labStore.setState({ datasetStatus: s.dataset ? 'ready' : 'empty', loadProgress: 0, loadingName: undefined });
    } else setDataError(labStore, toErrorInfo(e));
  } finally {
    if (loading === job) loading = undefined;
  }
}

/** The file waiting for a label column choice. */
let pendingFile: File | undefined;

export function chooseLabelColumn(labelColumn: string, trackColumn?: string): void {
  if (pendingFile) void loadTable(pendingFile, { labelColumn, trackColumn: trackColumn || undefined });
}

export function cancelLoad(): void {
  loading?.cancel();
}

export function dismissDataError(): void {
  labStore.setState({ dataError: undefined, pendingLabel: undefined });
}

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
    if (key === 'knn' || key === 'logistic') onClassicDone?.(key);
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
