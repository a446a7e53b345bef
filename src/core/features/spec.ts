/**
 * FeatureRecipe: the versioned description of a feature recipe. It is plain data, saved with every
 * model, so audio analysed with another recipe (or another version of one) is refused with a
 * clear 'spec-mismatch' error instead of being classified with wrong numbers.
 */
import { LabError } from '../errors';
import type { PadMode } from './stft';

export type RecipeId = 'kaggle30' | 'kaggle3' | 'ntnu30' | 'ntnu10' | 'ntnu5' | 'meyda';

export const RECIPE_IDS: readonly RecipeId[] = ['kaggle30', 'kaggle3', 'ntnu30', 'ntnu10', 'ntnu5', 'meyda'];

export interface FeatureRecipe {
  id: RecipeId;
  /** Bumped whenever any number a recipe produces may change. */
  version: number;
  /** Which published table (or our own live table) the columns follow. */
  table: 'kaggle' | 'ntnu' | 'meyda';
  /** Feature column names in table order. */
  featureNames: readonly string[];
  sampleRateHz: number;
  /** Samples per segment; null = the whole clip is one segment. */
  segmentSamples: number | null;
  /** Start-to-start distance between segments in samples (null for whole-clip recipes). */
  segmentStrideSamples: number | null;
  /** Upper bound on segments per clip (null = as many as fit). */
  maxSegments: number | null;
  /** Only the first this many samples are analysed (NTNU uses exactly 30 s); null = all. */
  maxSamples: number | null;
  /** Centre padding of the STFT and rms frames. */
  padMode: PadMode;
  nFft: number;
  hopSamples: number;
  /** Human-readable one-liner for the UI. */
  description: string;
}

/** Throw a 'spec-mismatch' LabError unless two specs describe the same recipe and version. */
export function assertSameSpec(model: Pick<FeatureRecipe, 'id' | 'version'>, data: Pick<FeatureRecipe, 'id' | 'version'>): void {
  if (model.id !== data.id || model.version !== data.version)
    throw new LabError('spec-mismatch', `The model was trained on ${model.id} v${model.version} features but this audio was analysed with ${data.id} v${data.version}.`, { model, data });
}

/** Segment length in seconds (null for whole-clip recipes). */
export function segmentDurationSec(spec: FeatureRecipe): number | null {
  return spec.segmentSamples === null ? null : spec.segmentSamples / spec.sampleRateHz;
}
