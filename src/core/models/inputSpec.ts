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
import type { LogMelParams } from '../data/spectrogramSet';

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

/**
 * How a spectrogram model's log-mel matrices are made (librosa's melspectrogram + power_to_db,
 * the parameters of its spectrogram set) and how long a crop is, recorded so audio classified
 * later is turned into the same inputs.
 */
export interface SpectrogramParams extends LogMelParams {
  /** Frames per crop (one sample of the network): 128 frames ≈ 2.97 s at hop 512 / 22 050 Hz. */
  cropFrames: number;
}

/**
 * What a spectrogram model (CNN) reads: crops of `cropFrames` frames of a log-mel matrix, each
 * band z-scored with the mean/std of that band over the training tracks' frames. The fields shared
 * with feature models keep their meaning: `featureNames` names the bands (`mel_0` … `mel_{n−1}`),
 * `scaler` is per band, `recipe` is `log-mel` (no feature recipe), `steps` is 1.
 */
export interface SpectrogramInputSpec {
  version: typeof INPUT_SPEC_VERSION;
  input: Extract<InputKind, 'spectrogram-crops'>;
  recipe: typeof SPECTROGRAM_RECIPE;
  recipeVersion: string;
  featureNames: string[];
  /** Per mel band, fitted on the training tracks' frames. */
  scaler: ZScoreScaler;
  genres: string[];
  steps: 1;
  spectrogram: SpectrogramParams;
}

/** The `recipe` of spectrogram specs: not a feature recipe, so feature-recipe lookups refuse it by name. */
export const SPECTROGRAM_RECIPE = 'log-mel';
/** Bumped when the log-mel computation changes in a way that changes the matrices. */
export const SPECTROGRAM_RECIPE_VERSION = '1';

export type InputSpec = FeatureInputSpec | SpectrogramInputSpec;

/** Band names of a spectrogram spec: `mel_0` … `mel_{nBands−1}`. */
export function bandNames(nBands: number): string[] {
  return Array.from({ length: nBands }, (_, b) => `mel_${b}`);
}

export function isSpectrogramInput(spec: Pick<InputSpec, 'input'>): spec is SpectrogramInputSpec {
  return spec.input === 'spectrogram-crops';
}

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

/** Per-sample shape of a spec's inputs: `[features]`, `[steps, features]` or `[bands, cropFrames, 1]`. */
export function sampleShapeOf(spec: InputSpec): number[] {
  if (isSpectrogramInput(spec)) return [spec.spectrogram.nBands, spec.spectrogram.cropFrames, 1];
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
  if (input === 'spectrogram-crops') return migrateSpectrogramSpec(o);
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

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Version 2 spectrogram spec, checked field by field (there was no version 1 of it). */
function migrateSpectrogramSpec(o: Record<string, unknown>): SpectrogramInputSpec {
  const p = o['spectrogram'] as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) throw bad('a spectrogram model needs its spectrogram parameters');
  for (const k of ['sampleRateHz', 'nFft', 'hopSamples', 'nBands', 'cropFrames'] as const) if (!isPositiveInt(p[k])) throw bad(`spectrogram.${k} must be a positive integer`);
  if (p['padMode'] !== 'constant' && p['padMode'] !== 'reflect') throw bad('spectrogram.padMode must be "constant" or "reflect"');
  if (p['ref'] !== 'max') throw bad('spectrogram.ref must be "max"');
  if (typeof p['topDb'] !== 'number' || !(p['topDb'] > 0)) throw bad('spectrogram.topDb must be a positive number');
  const nBands = p['nBands'] as number;
  const scaler = o['scaler'] as Record<string, unknown> | undefined;
  if (!scaler || scaler['kind'] !== 'zscore' || !isFiniteArray(scaler['mean']) || !isFiniteArray(scaler['std'])) throw bad('scaler mean/std must be lists of finite numbers');
  if (scaler['mean'].length !== nBands || scaler['std'].length !== nBands) throw bad(`the per-band scaler has ${scaler['mean'].length}/${scaler['std'].length} values for ${nBands} mel bands`);
  if (scaler['std'].some((s) => !(s > 0))) throw bad('scaler std must be positive');
  const genres = o['genres'];
  if (!isStringArray(genres) || genres.length < 2) throw bad('genres must list at least two labels');
  if (o['recipe'] !== SPECTROGRAM_RECIPE) throw bad(`a spectrogram model's recipe is "${SPECTROGRAM_RECIPE}", not ${JSON.stringify(o['recipe'])}`);
  const recipeVersion = o['recipeVersion'];
  if (typeof recipeVersion !== 'string') throw bad('recipeVersion must be a string');
  return {
    version: INPUT_SPEC_VERSION,
    input: 'spectrogram-crops',
    recipe: SPECTROGRAM_RECIPE,
    recipeVersion,
    featureNames: bandNames(nBands),
    scaler: { kind: 'zscore', mean: [...scaler['mean']], std: [...scaler['std']] },
    genres: [...genres],
    steps: 1,
    spectrogram: {
      sampleRateHz: p['sampleRateHz'] as number,
      nFft: p['nFft'] as number,
      hopSamples: p['hopSamples'] as number,
      padMode: p['padMode'],
      nBands,
      ref: 'max',
      topDb: p['topDb'],
      cropFrames: p['cropFrames'] as number,
    },
  };
}
