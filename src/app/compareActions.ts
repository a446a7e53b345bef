/** The Compare cell's actions: every finished run (classic here; neural in trainActions) becomes a row. */
import { capPredictionList } from '../core/eval/predictions';
import { addCompareEntry, MAX_SAVED_PREDICTIONS } from '../state/lab';
import { labStore } from './store';

/** Classic runs land in the Compare cell too. */
export function recordClassicRun(key: 'knn' | 'logistic'): void {
  const s = labStore.getState();
  const run = s.runs[key];
  const ds = s.dataset;
  if (!ds || run?.status !== 'done' || (run.result?.kind !== 'knn' && run.result?.kind !== 'logistic')) return;
  const r = run.result.run;
  addCompareEntry(labStore, {
    id: `run-${key}-${Date.now().toString(36)}`,
    createdAt: new Date().toISOString(),
    model: r.model === 'k-NN' ? `k-NN (k ${String(r.params['k'])}, ${String(r.params['weights'])})` : `logistic (C ${String(r.params['C'])})`,
    datasetName: ds.name,
    features: r.features,
    split: r.split,
    accuracy: (r.tracks ?? r.rows).accuracy,
    macroF1: (r.tracks ?? r.rows).macroF1,
    trainMs: run.elapsedMs ?? r.elapsedMs,
    backend: 'js (no tfjs)',
    seed: '—',
    genres: r.genres,
    confusion: (r.tracks ?? r.rows).confusion,
    predictions: capPredictionList(r.trackPredictions ?? r.rowPredictions, MAX_SAVED_PREDICTIONS),
    note: r.tracks ? 'per-track vote' : undefined,
  });
}
