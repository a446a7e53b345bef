/**
 * The Paper presets cell's actions: run a preset in the training worker (neural presets need
 * tfjs, which lives there; classic ones run there too so one queue and one Cancel serve all),
 * feed its progress and result into the store, cancel it. No numbers are computed here.
 */
import { toErrorInfo } from '../core/errors';
import { setPresetRun } from '../state/lab';
import { runPresetInWorker } from '../workers/trainClient';
import type { RunningJob } from '../workers/transport';
import type { PresetResult } from '../core/presets/types';
import { labStore } from './store';

const running = new Map<string, RunningJob<PresetResult>>();

export async function runPreset(id: string): Promise<void> {
  const s = labStore.getState();
  const ds = s.dataset;
  if (!ds) return;
  running.get(id)?.cancel();
  const previous = s.presetRuns[id]?.result;
  setPresetRun(labStore, id, { status: 'running', progress: 0, label: 'starting', result: previous });
  const t0 = performance.now();
  const { seed, effort } = s.params.presets;
  const handle = runPresetInWorker(ds, { presetId: id, seed, effort }, s.params.train.backend, (p) => {
    if (running.get(id) === handle) setPresetRun(labStore, id, { status: 'running', progress: p.fraction, label: p.label, result: previous });
  });
  running.set(id, handle);
  try {
    const result = await handle.promise;
    if (running.get(id) !== handle) return;
    setPresetRun(labStore, id, { status: 'done', progress: 1, result, elapsedMs: performance.now() - t0 });
  } catch (e) {
    if (running.get(id) !== handle) return;
    const info = toErrorInfo(e);
    // What was shown before stays (a cancelled or failed run does not wipe the last result).
    setPresetRun(labStore, id, info.code === 'cancelled' ? { status: 'cancelled', progress: 0, result: previous } : { status: 'error', progress: 0, error: info, result: previous });
  } finally {
    if (running.get(id) === handle) running.delete(id);
  }
}

export function cancelPreset(id: string): void {
  running.get(id)?.cancel();
}
