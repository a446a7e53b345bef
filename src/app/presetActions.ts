/**
 * The Paper presets cell's actions: run a preset off the main thread — in the training worker when
 * it trains tfjs networks (tfjs and its measured backend live there), else on a compute worker of
 * its own (which starts at once, while the training worker may still be measuring backends, and
 * which Cancel terminates mid-search) — feed its progress and result into the store, cancel it.
 * No numbers are computed here.
 */
import { toErrorInfo } from '../core/errors';
import { setPresetRun } from '../state/lab';
import { runPresetInWorker } from '../workers/trainClient';
import { runPresetOnComputeWorker } from '../workers/client';
import { presetById } from '../core/presets/registry';
import type { RunningJob } from '../workers/transport';
import type { PresetResult } from '../core/presets/types';
import type { Dataset } from '../core/data/dataset';
import { currentSpectrogramSet, evaluationSpectrogramSet } from './spectrogramActions';
import { labStore } from './store';

const running = new Map<string, RunningJob<PresetResult>>();

export async function runPreset(id: string): Promise<void> {
  const s = labStore.getState();
  const preset = presetById(id);
  // An audio preset reads the current spectrogram set; a table preset the loaded table.
  const ds = preset.needs.kind === 'audio' ? currentSpectrogramSet() : s.dataset;
  if (!ds) return;
  running.get(id)?.cancel();
  const previous = s.presetRuns[id]?.result;
  setPresetRun(labStore, id, { status: 'running', progress: 0, label: 'starting', result: previous });
  const t0 = performance.now();
  const { seed, effort } = s.params.presets;
  const onProgress = (p: { fraction: number; label: string }) => {
    if (running.get(id) === handle) setPresetRun(labStore, id, { status: 'running', progress: p.fraction, label: p.label, result: previous });
  };
  const request = { presetId: id, seed, effort };
  // The second folder goes along only to a preset that evaluates on one (Toronto's new-data evaluation).
  const evalSet = preset.needs.kind === 'audio' && preset.needs.evalAudio ? evaluationSpectrogramSet() : undefined;
  const handle =
    preset.trainsWithTf || preset.needs.kind === 'audio' ? runPresetInWorker(ds, request, s.params.train.backend, onProgress, evalSet) : runPresetOnComputeWorker(ds as Dataset, request, onProgress);
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
