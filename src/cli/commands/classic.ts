import { optList, optNumber, optString, type ParsedArgs } from '../args';
import { emit, type CliCommand } from '../command';
import { runClassic } from '../../core/eval/classic';
import { isScalingKind } from '../../core/data/scale';
import { LabError } from '../../core/errors';
import { classicKind, classicKinds, readClassicSettings } from '../../core/models/registry';
import { loadTableFile } from '../../node/loadTable';
import { formatRunText, runToJson } from '../format';
import { requireData, splitFromArgs, stderrProgress, tableOptionsFromArgs } from './knn';

/** Every setting flag any classic kind has, e.g. `--C`, `--gamma`, `--trees`. */
const allSettingFlags = () => [...new Set(classicKinds().flatMap((k) => (k.settings ?? []).map((s) => s.flag)))];

/** The chosen kind's settings from `--flag value`; a flag of another kind is refused, not ignored. */
export function settingsFromArgs(model: string, args: ParsedArgs): Record<string, string> {
  const kind = classicKind(model);
  const own = kind.settings ?? [];
  for (const flag of allSettingFlags())
    if (args.options[flag] !== undefined && !own.some((s) => s.flag === flag))
      throw new LabError('bad-argument', `--${flag} is not a setting of ${kind.label} (its settings: ${own.map((s) => `--${s.flag}`).join(', ') || 'none'}).`);
  const values: Record<string, string> = {};
  for (const s of own) {
    const v = optString(args, s.flag);
    if (v !== undefined) values[s.key] = v;
  }
  return values;
}

export const classicCommand: CliCommand = {
  name: 'classic',
  labelOption: true,
  get usage() {
    const models = classicKinds().map((k) => k.id).join('|');
    return `classic --model ${models} --data F [--label COLUMN] [--track COLUMN] [--features a,b,c] [--split auto|predefined|random|kfold] [--folds 5] [--seed 0] [--scale zscore|minmax] ${allSettingFlags().map((f) => `[--${f} …]`).join(' ')} [--json]`;
  },
  async run(args) {
    const model = optString(args, 'model');
    if (!model) throw new LabError('bad-argument', `--model is required (classic: ${classicKinds().map((k) => k.id).join(', ')}).`);
    const kind = classicKind(model);
    const scaling = optString(args, 'scale', 'zscore');
    if (!isScalingKind(scaling)) throw new LabError('bad-argument', `--scale must be zscore or minmax, got "${scaling}".`);
    // Settings are checked before the table is read, so a typo fails fast.
    const settings = readClassicSettings(kind.id, settingsFromArgs(kind.id, args));
    const ds = loadTableFile(requireData(args), tableOptionsFromArgs(args));
    const r = runClassic(
      ds,
      { model: kind.id, features: optList(args, 'features') ?? ds.featureNames, settings, scaling, split: splitFromArgs(args), seed: optNumber(args, 'seed', 0) },
      { onProgress: stderrProgress(kind.label) },
    );
    emit(args, runToJson(r), () => formatRunText(r));
  },
};
