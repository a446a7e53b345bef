/**
 * Per-track ordered segment sequences for the recurrent models: track t becomes a
 * `steps × features` matrix whose row s is the track's segment s (segmentIndex order).
 *
 * Sequence length: NTNU 10 s segments → 3 steps, 5 s → 6, Kaggle 3 s → 10 (a 30 s clip cut into
 * equal segments). Tracks with fewer segments than `steps` are handled explicitly:
 * - `short: 'drop'` (default): left out and counted in `dropped` — a sequence model should not
 *   learn from padding it never sees at test time;
 * - `short: 'pad'`: the missing trailing steps are zeros, which after z-scoring with training
 *   statistics is the training mean ("no information"); counted in `padded`.
 * Tracks with more segments use their first `steps` segments (counted in `truncated`).
 */
import { LabError } from '../errors';
import { featureIndices, groupByTrack, type Dataset } from './dataset';
import type { Standardizer } from './scale';

/** One track among some rows: its id, its rows in segment order, its genre (see groupByTrack). */
export type TrackGroup = ReturnType<typeof groupByTrack>[number];

export interface SequenceOptions {
  /** Steps per sequence; default {@link defaultSequenceLength}. */
  steps?: number;
  /** Feature subset by name, in the order wanted; default all features. */
  features?: readonly string[];
  /** z-score with these (training) statistics; its columns follow `features`. */
  scaler?: Pick<Standardizer, 'mean' | 'std'> | { mean: readonly number[]; std: readonly number[] };
  /** What to do with tracks that have fewer segments than `steps`; default 'drop'. */
  short?: 'drop' | 'pad';
  /**
   * The tracks among the rows, as `groupByTrack(ds, rows)` gives them, when the caller has them
   * already (a training run groups the dataset once); default: grouped here.
   */
  tracks?: readonly TrackGroup[];
}

export interface SequenceSet {
  /** Row-major nTracks × steps × nFeatures. */
  x: Float32Array;
  /** Per track: genre index. */
  labels: Int32Array;
  trackIds: string[];
  /** Per track: the dataset rows used for each step (-1 for a padded step). */
  rows: Int32Array[];
  steps: number;
  featureNames: string[];
  nTracks: number;
  /** Tracks left out for having too few segments. */
  dropped: { trackId: string; segments: number }[];
  /** Tracks padded at the end (short: 'pad'). */
  padded: { trackId: string; segments: number }[];
  /** Tracks with more segments than `steps` (only the first `steps` were used). */
  truncated: number;
}

/**
 * Steps per track implied by the table: 30 s clips cut into `meta.segmentSec` (or recipe) pieces (10 s → 3,
 * 5 s → 6, 3 s → 10), but never more than the most common segment count per track (shorter clips,
 * such as the 6–10 s demo corpus, have fewer segments); without a recipe, that most common count.
 */
export function defaultSequenceLength(ds: Dataset, tracks: readonly TrackGroup[] = groupByTrack(ds)): number {
  const counts = new Map<number, number>();
  for (const t of tracks) counts.set(t.rows.length, (counts.get(t.rows.length) ?? 0) + 1);
  let common = 1;
  let bestCount = -1;
  for (const [len, c] of counts) if (c > bestCount || (c === bestCount && len > common)) [common, bestCount] = [len, c];
  // Recipe ids carry the segment length: ntnu10, ntnu5, kaggle3, ntnu30 ...
  const fromRecipe = /^(?:ntnu|kaggle)(\d+)$/.exec(ds.meta.recipe ?? '');
  const sec = ds.meta.segmentSec ?? (fromRecipe ? Number(fromRecipe[1]) : undefined);
  if (sec && sec > 0 && sec < 30) return Math.min(Math.max(1, Math.floor(30 / sec + 1e-9)), common);
  return common;
}

/** Indices of the selected features (all when `names` is absent); unknown names are a LabError. */
export function selectFeatureIndices(ds: Dataset, names?: readonly string[]): number[] {
  if (!names || names.length === 0) return ds.featureNames.map((_, i) => i);
  if (new Set(names).size !== names.length) throw new LabError('bad-argument', 'A feature is listed twice in the feature subset.');
  return featureIndices(ds, names);
}

/**
 * Build sequences from the tracks among `rows` (all rows when absent), in first-appearance order.
 */
export function buildSequences(ds: Dataset, rows?: ArrayLike<number>, opts: SequenceOptions = {}): SequenceSet {
  // The default length comes from the whole table's tracks; `opts.tracks` are those among `rows`.
  const steps = opts.steps ?? defaultSequenceLength(ds, rows ? undefined : opts.tracks);
  if (!(Number.isInteger(steps) && steps >= 1)) throw new LabError('bad-argument', `Sequence length must be a positive integer, got ${steps}`);
  const cols = selectFeatureIndices(ds, opts.features);
  const m = cols.length;
  if (opts.scaler && opts.scaler.mean.length !== m)
    throw new LabError('bad-argument', `Scaler has ${opts.scaler.mean.length} columns but ${m} features are selected.`);
  const d = ds.featureNames.length;
  const short = opts.short ?? 'drop';
  const groups = opts.tracks ?? groupByTrack(ds, rows);
  const kept = groups.filter((g) => g.rows.length >= steps || short === 'pad');
  const x = new Float32Array(kept.length * steps * m);
  const labels = new Int32Array(kept.length);
  const stepRows: Int32Array[] = [];
  const dropped: SequenceSet['dropped'] = [];
  const padded: SequenceSet['padded'] = [];
  let truncated = 0;
  for (const g of groups) if (g.rows.length < steps && short === 'drop') dropped.push({ trackId: g.trackId, segments: g.rows.length });
  kept.forEach((g, t) => {
    if (g.rows.length < steps) padded.push({ trackId: g.trackId, segments: g.rows.length });
    if (g.rows.length > steps) truncated++;
    labels[t] = g.label;
    const used = new Int32Array(steps).fill(-1);
    for (let s = 0; s < steps && s < g.rows.length; s++) {
      const r = g.rows[s] as number;
      used[s] = r;
      const base = (t * steps + s) * m;
      for (let j = 0; j < m; j++) {
        let v = ds.values[r * d + (cols[j] as number)] as number;
        if (opts.scaler) v = (v - (opts.scaler.mean[j] as number)) / (opts.scaler.std[j] as number);
        x[base + j] = v;
      }
    }
    stepRows.push(used);
  });
  return {
    x,
    labels,
    trackIds: kept.map((g) => g.trackId),
    rows: stepRows,
    steps,
    featureNames: cols.map((c) => ds.featureNames[c] as string),
    nTracks: kept.length,
    dropped,
    padded,
    truncated,
  };
}
