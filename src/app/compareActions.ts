/** The Compare cell's actions: every finished run (classic here; neural in trainActions) becomes a row. */
import { capPredictionList } from '../core/eval/predictions';
import { addCompareEntry, MAX_SAVED_PREDICTIONS } from '../state/lab';
import { labStore } from './store';

/** Classic runs land in the Compare cell too. */
export function recordClassicRun(key: 'knn' | 'logistic' | 'classic'): void {
  const s = labStore.getState();
  const run = s.runs[key];
  const ds = s.dataset;
  if (!ds || run?.status !== 'done' || (run.result?.kind !== 'knn' && run.result?.kind !== 'logistic' && run.result?.kind !== 'classic')) return;
  const r = run.result.run;
  addCompareEntry(labStore, {
    id: `run-${key}-${Date.now().toString(36)}`,
    createdAt: new Date().toISOString(),
    model: compareModelName(key, r.model, r.params),
    datasetName: ds.name,
    features: r.features,
    split: r.split,
    accuracy: (r.tracks ?? r.rows).accuracy,
    macroF1: (r.tracks ?? r.rows).macroF1,
    trainMs: run.elapsedMs ?? r.elapsedMs,
    backend: 'js (no tfjs)',
    seed: r.params['seed'] === undefined ? '—' : String(r.params['seed']),
    genres: r.genres,
    confusion: (r.tracks ?? r.rows).confusion,
    predictions: capPredictionList(r.trackPredictions ?? r.rowPredictions, MAX_SAVED_PREDICTIONS),
    note: r.tracks ? 'per-track vote' : undefined,
  });
}

/** "SVM (C 1, kernel rbf, gamma scale, min-max)": the model and the settings that tell runs apart. */
function compareModelName(key: 'knn' | 'logistic' | 'classic', model: string, params: Record<string, unknown>): string {
  if (key === 'knn') return `k-NN (k ${String(params['k'])}, ${String(params['weights'])})`;
  if (key === 'logistic') return `logistic (C ${String(params['C'])})`;
  const settings = Object.entries(params)
    .filter(([k]) => k !== 'scaling' && k !== 'seed')
    .map(([k, v]) => `${k} ${String(v)}`);
  return `${model} (${[...settings, params['scaling'] === 'minmax' ? 'min-max' : 'z-score'].join(', ')})`;
}
