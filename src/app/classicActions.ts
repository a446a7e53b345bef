/**
 * The Classic models cell's actions: choose a registry kind, set its settings, run it on the
 * compute worker (a 'classic' job), cancel. Settings are checked here with the registry's
 * `readClassicSettings` before a job is sent, so a bad value is shown in the cell at once.
 */
import { toErrorInfo } from '../core/errors';
import { readClassicSettings, type ClassicKindId } from '../core/models/registry';
import { setParams, setRun, splitChoice } from '../state/lab';
import { cancelCell, runCell } from './computeActions';
import { labStore } from './store';

/** Set one setting of one kind (kept when the menu shows another kind). */
export function setClassicSetting(model: ClassicKindId, key: string, value: number | string): void {
  const p = labStore.getState().params.classic;
  setParams(labStore, 'classic', { settings: { ...p.settings, [model]: { ...p.settings[model], [key]: value } } });
}

export async function runClassicCell(): Promise<void> {
  const p = labStore.getState().params.classic;
  let settings;
  try {
    settings = readClassicSettings(p.model, p.settings[p.model] ?? {});
  } catch (e) {
    setRun(labStore, 'classic', { status: 'error', error: toErrorInfo(e) });
    return;
  }
  await runCell('classic', { kind: 'classic', model: p.model, features: p.features, settings, scaling: p.scaling, split: splitChoice(p.split, p.seed), seed: p.seed });
}

export function cancelClassicCell(): void {
  cancelCell('classic');
}
