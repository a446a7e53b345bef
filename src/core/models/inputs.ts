/**
 * A training run's inputs, prepared once before any network is built:
 * 1. split by track (the table's own Train/Test when it has one);
 * 2. optional validation = a seeded, genre-stratified share of the *training tracks* (never test);
 * 3. feature subset, z-scored with statistics of the training rows only (the InputSpec);
 * 4. samples for train, validation and test: per segment (MLP) or per track sequence (LSTM/GRU/BiLSTM).
 * The dataset is grouped by track once ({@link indexTracks}); every row subset's tracks are
 * read off that index, so teachers, student, checkpoints and the final test share one preparation.
 */
import { LabError } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { groupByTrack, selectMatrix, type Dataset } from '../data/dataset';
import { fitStandardizer } from '../data/scale';
import { resolveSplit, type Split, type SplitChoice } from '../data/split';
import { buildSequences, defaultSequenceLength, selectFeatureIndices, type TrackGroup } from '../data/sequences';
import { recipeVersionOf } from '../features/recipes';
import { isSequenceInput, scalerAffine, zscoreScaler, type InputSpec } from './inputSpec';
import type { InputKind } from './registry';
import type { TensorData } from './batches';

/** The dataset's tracks, grouped once, and for every row the track it belongs to. */
export interface TrackIndex {
  /** `groupByTrack(ds)`: all tracks in first-appearance order. */
  tracks: TrackGroup[];
  /** Per dataset row: its index in `tracks`. */
  trackOf: Int32Array;
}

/** Group the dataset by track once; subsets are then read with {@link tracksAmong}. */
export function indexTracks(ds: Dataset): TrackIndex {
  const tracks = groupByTrack(ds);
  const trackOf = new Int32Array(ds.nRows);
  tracks.forEach((t, i) => {
    for (const r of t.rows) trackOf[r] = i;
  });
  return { tracks, trackOf };
}

/**
 * The tracks among `rows` (no row twice), equal to `groupByTrack(ds, rows)`: first-appearance
 * order in `rows`, each track's rows in segment order (a subsequence of the whole track's sorted
 * rows), labelled by its first row in `rows` — without grouping the rows again.
 */
export function tracksAmong(ds: Dataset, index: TrackIndex, rows: ArrayLike<number>): TrackGroup[] {
  const inRows = new Uint8Array(ds.nRows);
  const seen = new Uint8Array(index.tracks.length);
  const order: number[] = [];
  const firstRow: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    inRows[r] = 1;
    const t = index.trackOf[r] as number;
    if (!seen[t]) {
      seen[t] = 1;
      order.push(t);
      firstRow.push(r);
    }
  }
  return order.map((t, i) => {
    const whole = index.tracks[t] as TrackGroup;
    return { trackId: whole.trackId, rows: whole.rows.filter((r) => inRows[r] === 1), label: ds.labels[firstRow[i] as number] as number };
  });
}

/**
 * Split the tracks among `rows` into (train, validation) rows, stratified by genre, seeded.
 * `tracks` are the tracks among `rows` when already grouped.
 */
export function holdOutTracks(ds: Dataset, rows: ArrayLike<number>, fraction: number, seed: number, tracks: readonly TrackGroup[] = groupByTrack(ds, rows)): { train: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new LabError('bad-argument', `Validation fraction must be in (0, 1), got ${fraction}`);
  const rng = createRng(seed);
  const byGenre: number[][][] = ds.genres.map(() => []);
  for (const g of tracks) byGenre[g.label]!.push(g.rows);
  const train: number[] = [];
  const validation: number[] = [];
  for (const genreTracks of byGenre) {
    shuffleInPlace(genreTracks, rng);
    const nVal = genreTracks.length >= 2 ? Math.max(1, Math.round(genreTracks.length * fraction)) : 0;
    genreTracks.forEach((r, i) => (i < nVal ? validation : train).push(...r));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/** Network inputs built from dataset rows, with what is needed to test them per track. */
export type RowInputs = TensorData & {
  /** Per sample, for sequence inputs: its track. */
  trackIds?: string[];
  /** Tracks left out for being shorter than the sequence length. */
  dropped: number;
};

/**
 * Inputs for a model spec from dataset rows: segment rows or per-track sequences. `tracks` are the
 * tracks among `rows` when already grouped (only sequences need them).
 */
export function buildInputs(ds: Dataset, rows: ArrayLike<number>, spec: InputSpec, short: 'drop' | 'pad' = 'drop', tracks?: readonly TrackGroup[]): RowInputs {
  if (isSequenceInput(spec)) {
    const seq = buildSequences(ds, rows, { steps: spec.steps, features: spec.featureNames, scaler: scalerAffine(spec.scaler), short, tracks });
    return { x: seq.x, y: seq.labels, sampleShape: [seq.steps, spec.featureNames.length], trackIds: seq.trackIds, dropped: seq.dropped.length };
  }
  const cols = selectFeatureIndices(ds, spec.featureNames);
  const m = selectMatrix(ds, rows, cols);
  const x = new Float32Array(m.length);
  const d = cols.length;
  const scale = scalerAffine(spec.scaler);
  for (let i = 0; i < m.length; i++) x[i] = ((m[i] as number) - (scale.mean[i % d] as number)) / (scale.std[i % d] as number);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = ds.labels[rows[i] as number] as number;
  return { x, y, sampleShape: [d], dropped: 0 };
}

/** One side of a run (train, validation or test): its rows, their tracks and the network inputs. */
export interface RunPart {
  rows: ArrayLike<number>;
  tracks: TrackGroup[];
  inputs: RowInputs;
}

/** Everything a training run reads from the dataset, computed once. */
export interface RunInputs {
  split: Split;
  spec: InputSpec;
  short: 'drop' | 'pad';
  /** The rows the network learns from: the split's training rows minus the validation tracks. */
  train: RunPart;
  validation?: RunPart;
  test: RunPart;
}

export interface RunInputOptions {
  /** What one sample is made from (the kind's registry entry). */
  input: InputKind;
  /** Seeds the validation hold-out (derived: deriveSeed(seed, 2000)). */
  seed: number;
  features?: string[];
  steps?: number;
  short?: 'drop' | 'pad';
  split?: SplitChoice;
  validationFraction?: number;
}

/**
 * Prepare a run's inputs once: split (an explicit `split` wins over `o.split`), validation
 * hold-out, feature columns, the scaler fitted on the training rows, the InputSpec, and the
 * train / validation / test samples.
 */
export function prepareRunInputs(ds: Dataset, o: RunInputOptions, split?: Split): RunInputs {
  const sp = split ?? resolveSplit(ds, o.split);
  const index = indexTracks(ds);
  let trainRows: ArrayLike<number> = sp.train;
  let valRows: Int32Array | undefined;
  if (o.validationFraction) {
    const h = holdOutTracks(ds, sp.train, o.validationFraction, deriveSeed(o.seed, 2000), tracksAmong(ds, index, sp.train));
    trainRows = h.train;
    valRows = h.validation;
  }
  const cols = selectFeatureIndices(ds, o.features);
  const featureNames = cols.map((c) => ds.featureNames[c] as string);
  const scaler = fitStandardizer(selectMatrix(ds, trainRows, cols), cols.length);
  const sequence = o.input === 'segment-sequences';
  const spec: InputSpec = {
    version: 2,
    input: sequence ? 'segment-sequences' : 'feature-rows',
    recipe: ds.meta.recipe ?? null,
    recipeVersion: recipeVersionOf(ds.meta.recipe),
    featureNames,
    scaler: zscoreScaler(scaler),
    genres: [...ds.genres],
    steps: sequence ? (o.steps ?? defaultSequenceLength(ds, index.tracks)) : 1,
  };
  const short = o.short ?? 'drop';
  const part = (rows: ArrayLike<number>): RunPart => {
    const tracks = tracksAmong(ds, index, rows);
    return { rows, tracks, inputs: buildInputs(ds, rows, spec, short, tracks) };
  };
  const train = part(trainRows);
  const validation = valRows ? part(valRows) : undefined;
  if (train.inputs.y.length === 0)
    throw new LabError('bad-argument', `No training samples: every track has fewer than ${spec.steps} segments. Use a shorter sequence or padding.`);
  return { split: sp, spec, short, train, validation, test: part(sp.test) };
}
