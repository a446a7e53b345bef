/**
 * The InputSpec: everything a trained model needs to turn new data into its inputs — the feature
 * recipe (and its version), the features by name, the scaler fitted on the training rows, the
 * label order of its outputs and how samples are formed (single rows or sequences of `steps`
 * segments; spectrogram crops join in the CNN issue). It is plain data, saved with every model and
 * versioned: a spec written by an older lab is migrated when it is read ({@link migrateInputSpec}).
 *
 * One concept under one name: "recipe" is a feature recipe id (kaggle30, ntnu10, …; its
 * definition is a FeatureRecipe in features/), "InputSpec" is what a model reads. (Before version
 * 2 the same fields were called ModelSpec in training and ClassifierInputSpec in Classify, and
 * stood flat in a saved model's metadata.)
 */
import { LabError } from '../errors';
import { fitMinMax, fitStandardizer, minMaxAsAffine, type ScalingKind, type Standardizer } from '../data/scale';
import type { InputKind } from './registry';

export const INPUT_SPEC_VERSION = 2;

/** z-score with training statistics: x' = (x − mean) / std, per feature. */
export interface ZScoreScaler {
  kind: 'zscore';
  mean: number[];
  std: number[];
}

/** min-max with training extremes: x' = (x − min) / (max − min), per feature (classic models). */
export interface MinMaxScaler {
  kind: 'minmax';
  min: number[];
  max: number[];
}

export type ScalerSpec = ZScoreScaler | MinMaxScaler;

/** What a model reads when its samples are feature rows or sequences of them. */
export interface FeatureInputSpec {
  version: typeof INPUT_SPEC_VERSION;
  input: Extract<InputKind, 'feature-rows' | 'segment-sequences'>;
  /** Feature recipe id (the dataset's meta.recipe, e.g. `ntnu10`); null for tables of unknown origin. */
  recipe: string | null;
  /** The recipe's version when the model was trained; null when unknown. */
  recipeVersion: string | null;
  featureNames: string[];
  scaler: ScalerSpec;
  /** Label order of the model's outputs. */
  genres: string[];
  /** Segments per sample: the sequence length, 1 for feature rows. */
  steps: number;
}

export type InputSpec = FeatureInputSpec;

export function zscoreScaler(s: Standardizer | { mean: ArrayLike<number>; std: ArrayLike<number> }): ZScoreScaler {
  return { kind: 'zscore', mean: Array.from(s.mean), std: Array.from(s.std) };
}

export function minmaxScaler(r: { min: ArrayLike<number>; max: ArrayLike<number> }): MinMaxScaler {
  return { kind: 'minmax', min: Array.from(r.min), max: Array.from(r.max) };
}

/** Fit a scaler of the given kind on training rows (row-major, `nCols` columns) as saved-model data. */
export function fitScalerSpec(kind: ScalingKind, matrix: Float64Array, nCols: number): ScalerSpec {
  return kind === 'minmax' ? minmaxScaler(fitMinMax(matrix, nCols)) : zscoreScaler(fitStandardizer(matrix, nCols));
}

/**
 * Any scaler spec as the affine map x' = (x − mean) / std that every input builder applies (for
 * min-max: mean = min, std = max − min, 1 for a constant column).
 */
export function scalerAffine(s: ScalerSpec): Standardizer | { mean: readonly number[]; std: readonly number[] } {
  return s.kind === 'zscore' ? s : minMaxAsAffine(s);
}

export function isSequenceInput(spec: Pick<InputSpec, 'input'>): boolean {
  return spec.input === 'segment-sequences';
}

/** Per-sample shape of a spec's inputs: `[features]` or `[steps, features]`. */
export function sampleShapeOf(spec: InputSpec): number[] {
  return isSequenceInput(spec) ? [spec.steps, spec.featureNames.length] : [spec.featureNames.length];
}

function bad(message: string): LabError {
  return new LabError('bad-argument', `Not a valid saved model: ${message}`, { reason: 'corrupt-model' });
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isFiniteArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * Read an InputSpec of any version the lab has written: version 2 (`{ version: 2, input, … }`) as
 * it is; version 1, the flat fields of a saved model's metadata format 1 (`unit: 'segment' |
 * 'sequence'`, `scaler: { mean, std }`, no version), migrated. Checked field by field.
 */
export function migrateInputSpec(o: Record<string, unknown>): InputSpec {
  let input: unknown = o['input'];
  let scaler = o['scaler'] as Record<string, unknown> | undefined;
  if (o['version'] === undefined) {
    // Version 1: `unit` named the sample kind; the scaler was always a z-score.
    const unit = o['unit'];
    if (unit !== 'segment' && unit !== 'sequence') throw bad('unit must be "segment" or "sequence"');
    input = unit === 'segment' ? 'feature-rows' : 'segment-sequences';
    scaler = scaler && { kind: 'zscore', ...scaler };
  } else if (o['version'] !== INPUT_SPEC_VERSION) throw bad(`input spec version ${String(o['version'])} is not supported (this lab reads 1 and ${INPUT_SPEC_VERSION})`);
  if (input !== 'feature-rows' && input !== 'segment-sequences') throw bad(`input kind ${JSON.stringify(input)} is not one this lab reads`);
  const names = o['featureNames'];
  if (!isStringArray(names) || names.length === 0) throw bad('featureNames must be a non-empty list of strings');
  const scalerSpec = readScaler(scaler, names.length);
  const genres = o['genres'];
  if (!isStringArray(genres) || genres.length < 2) throw bad('genres must list at least two labels');
  const steps = o['steps'];
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) throw bad('steps must be a positive integer');
  if (input === 'feature-rows' && steps !== 1) throw bad(`a feature-row model reads one segment per sample, not ${steps}`);
  const recipe = o['recipe'] ?? null;
  if (recipe !== null && typeof recipe !== 'string') throw bad('recipe must be a string or null');
  const recipeVersion = o['recipeVersion'] ?? null;
  if (recipeVersion !== null && typeof recipeVersion !== 'string') throw bad('recipeVersion must be a string or null');
  return {
    version: INPUT_SPEC_VERSION,
    input,
    recipe,
    recipeVersion,
    featureNames: [...names],
    scaler: scalerSpec,
    genres: [...genres],
    steps,
  };
}

/** A saved scaler, checked: z-score (mean, positive std) or min-max (min ≤ max), one value per feature. */
function readScaler(scaler: Record<string, unknown> | undefined, nFeatures: number): ScalerSpec {
  if (scaler?.['kind'] === 'minmax') {
    const { min, max } = scaler;
    if (!isFiniteArray(min) || !isFiniteArray(max)) throw bad('scaler min/max must be lists of finite numbers');
    if (min.length !== nFeatures || max.length !== nFeatures) throw bad(`scaler has ${min.length}/${max.length} columns for ${nFeatures} features`);
    if (min.some((m, j) => m > max[j]!)) throw bad('scaler min must not exceed max');
    return { kind: 'minmax', min: [...min], max: [...max] };
  }
  if (!scaler || scaler['kind'] !== 'zscore' || !isFiniteArray(scaler['mean']) || !isFiniteArray(scaler['std'])) throw bad('scaler must be a z-score (mean/std) or min-max (min/max) of finite numbers');
  if (scaler['mean'].length !== nFeatures || scaler['std'].length !== nFeatures) throw bad(`scaler has ${scaler['mean'].length}/${scaler['std'].length} columns for ${nFeatures} features`);
  if (scaler['std'].some((s) => !(s > 0))) throw bad('scaler std must be positive');
  return { kind: 'zscore', mean: [...scaler['mean']], std: [...scaler['std']] };
}
