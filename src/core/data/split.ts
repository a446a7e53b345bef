/**
 * Evaluation splits. The one rule: segments of one track are never on both sides. Random splits
 * are stratified by genre and made over tracks, then expanded to rows.
 */
import { LabError } from '../errors';
import { createRng, shuffleInPlace } from '../random';
import { groupByTrack, type Dataset } from './dataset';

export interface Split {
  /** Row indices, ascending. */
  train: Int32Array;
  test: Int32Array;
  /** How the split was made, for result tables. */
  kind: 'predefined' | 'random' | 'fold';
  description: string;
}

export type SplitChoice =
  | { kind: 'predefined' }
  | { kind: 'random'; testFraction: number; seed: number }
  | { kind: 'auto'; testFraction?: number; seed?: number }
  /** Cross-validation: every track is tested once, in one of `k` folds (classic models only). */
  | { kind: 'kfold'; k: number; seed: number };

/** The table's own Train/Test (NTNU `Type`). */
export function predefinedSplit(ds: Dataset): Split {
  if (!ds.split) throw new LabError('bad-argument', `${ds.name} has no predefined Train/Test split; choose a random split by track.`);
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < ds.nRows; r++) (ds.split[r] === 0 ? train : test).push(r);
  return { train: Int32Array.from(train), test: Int32Array.from(test), kind: 'predefined', description: 'predefined Train/Test' };
}

/**
 * Seeded split by track, stratified by genre: in each genre, ⌊n·f⌉ tracks (at least one when the
 * genre has two or more) go to test.
 */
export function stratifiedTrackSplit(ds: Dataset, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new LabError('bad-argument', `Test fraction must be between 0 and 1, got ${testFraction}`);
  const rng = createRng(seed);
  const tracks = groupByTrack(ds);
  const byGenre: (typeof tracks)[] = ds.genres.map(() => []);
  for (const t of tracks) byGenre[t.label]!.push(t);
  const train: number[] = [];
  const test: number[] = [];
  for (const group of byGenre) {
    shuffleInPlace(group, rng);
    let nTest = Math.round(group.length * testFraction);
    if (group.length >= 2) nTest = Math.min(Math.max(nTest, 1), group.length - 1);
    group.forEach((t, i) => (i < nTest ? test : train).push(...t.rows));
  }
  return randomSplitOf(train, test, testFraction, `by track, seed ${seed}`);
}

/** A random split from its (unsorted) row lists: rows ascending, described as "random 80/20 <how>". */
function randomSplitOf(train: number[], test: number[], testFraction: number, how: string): Split {
  return {
    train: Int32Array.from(train).sort(),
    test: Int32Array.from(test).sort(),
    kind: 'random',
    description: `random ${Math.round((1 - testFraction) * 100)}/${Math.round(testFraction * 100)} ${how}`,
  };
}

/**
 * A seeded random split of *rows* (segments), stratified by genre, that ignores tracks — the
 * mistake the leakage demo shows: segments of one track land on both sides, so the test measures
 * recognising a track already heard rather than a genre. Never a choice in `SplitChoice`; only
 * the demo builds it, next to {@link stratifiedTrackSplit} on the same table.
 */
export function randomSegmentSplit(ds: Dataset, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new LabError('bad-argument', `Test fraction must be between 0 and 1, got ${testFraction}`);
  const rng = createRng(seed);
  const byGenre: number[][] = ds.genres.map(() => []);
  for (let r = 0; r < ds.nRows; r++) byGenre[ds.labels[r] as number]!.push(r);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byGenre) {
    shuffleInPlace(rows, rng);
    const nTest = Math.round(rows.length * testFraction);
    rows.forEach((r, i) => (i < nTest ? test : train).push(r));
  }
  return randomSplitOf(train, test, testFraction, `by segment (tracks on both sides), seed ${seed}`);
}

/** Predefined when the table has one, else a seeded 80/20 split by track. */
export function resolveSplit(ds: Dataset, choice: SplitChoice = { kind: 'auto' }): Split {
  if (choice.kind === 'predefined') return predefinedSplit(ds);
  if (choice.kind === 'random') return stratifiedTrackSplit(ds, choice.testFraction, choice.seed);
  if (choice.kind === 'kfold') throw new LabError('bad-argument', 'Cross-validation gives several splits; this step needs one train/test split.');
  return ds.split ? predefinedSplit(ds) : stratifiedTrackSplit(ds, choice.testFraction ?? 0.2, choice.seed ?? 0);
}

/**
 * Seeded stratified k-fold over tracks; fold i's test rows are the tracks dealt to it. With `rows`
 * (e.g. a split's training rows) only those rows take part: cross-validation that never touches
 * the held-out test tracks.
 */
export function kFoldByTrack(ds: Dataset, k: number, seed: number, rows?: ArrayLike<number>): Split[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new LabError('bad-argument', `k-fold needs k ≥ 2, got ${k}`);
  const rng = createRng(seed);
  const tracks = groupByTrack(ds, rows);
  if (tracks.length < k) throw new LabError('bad-argument', `Only ${tracks.length} ${rows ? 'training ' : ''}tracks: cannot make ${k} folds.`);
  const foldOf = new Map<string, number>();
  const byGenre: (typeof tracks)[] = ds.genres.map(() => []);
  for (const t of tracks) byGenre[t.label]!.push(t);
  let offset = 0;
  for (const group of byGenre) {
    shuffleInPlace(group, rng);
    // Deal tracks round-robin, continuing where the previous genre stopped so fold sizes even out.
    group.forEach((t, i) => foldOf.set(t.trackId, (offset + i) % k));
    offset = (offset + group.length) % k;
  }
  const folds: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (const t of tracks) (foldOf.get(t.trackId) === f ? test : train).push(...t.rows);
    const sorted = (a: number[]) => Int32Array.from(a).sort();
    folds.push({ train: sorted(train), test: sorted(test), kind: 'fold', description: `fold ${f + 1}/${k} by track${rows ? ' (training tracks)' : ''}, seed ${seed}` });
  }
  return folds;
}

/** How many tracks have rows on both sides of a split (0 for every split but the leakage demo's). */
export function tracksOnBothSides(ds: Dataset, split: Split): number {
  const trainTracks = new Set<string>();
  for (const r of split.train) trainTracks.add(ds.trackIds[r] as string);
  const both = new Set<string>();
  for (const r of split.test) if (trainTracks.has(ds.trackIds[r] as string)) both.add(ds.trackIds[r] as string);
  return both.size;
}

/** True when some track has rows on both sides (the leak check tests use). */
export function splitLeaksTracks(ds: Dataset, split: Split): boolean {
  return tracksOnBothSides(ds, split) > 0;
}
