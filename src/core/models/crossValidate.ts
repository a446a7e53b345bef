/**
 * Cross-validation of a neural classifier on the *training* tracks of a split: k stratified folds
 * by track, each trained `repeats` times with seeds seed, seed + 1, …; the split's test tracks are
 * never used. This is how the defaults in `defaults.ts` were chosen — a student can check a
 * setting the same way without looking at the test set.
 */
import { LabError } from '../errors';
import { kFoldByTrack, resolveSplit, type Split } from '../data/split';
import type { ClassifierOptions } from './classifier';
import { trackTableOf, trainOnData, type DataClassifierOptions, type TrainingData } from './trainData';

export interface CrossValidationOptions extends DataClassifierOptions {
  folds: number;
  /** Trainings per fold, with seeds seed + 0 … seed + repeats − 1; default 1. */
  repeats?: number;
  /** Seed of the fold assignment; default 0. */
  foldSeed?: number;
  /**
   * Progress over the whole cross-validation (`fraction` 0…1 across all runs; `stage` names the
   * run, e.g. "run 3 of 20 (fold 3)").
   */
  onProgress?: ClassifierOptions['onProgress'];
  /** Called after each training is tested. */
  onRun?: (run: CrossValidationRun, done: number, total: number) => void | Promise<void>;
}

export interface CrossValidationRun {
  seed: number;
  /** 0-based fold index. */
  fold: number;
  accuracy: number;
  macroF1: number;
  /** Per-crop (per-segment) accuracy, when tracks have several (CNN crops, segment models). */
  cropAccuracy?: number;
  /** Tracks of the fold that were tested. */
  tracks: number;
}

export interface CrossValidationResult {
  runs: CrossValidationRun[];
  /** Mean and population std of the runs' track-level accuracy. */
  meanAccuracy: number;
  stdAccuracy: number;
  /** Mean of the runs' per-crop accuracy, when they have one. */
  meanCropAccuracy?: number;
  folds: number;
  repeats: number;
  /** Training tracks cross-validated over (the split's test tracks are not among them). */
  tracks: number;
  /** The split whose training tracks were used. */
  splitDescription: string;
  genres: string[];
  /** Confusion counts (rows true, columns predicted) summed over all runs. */
  confusion: number[][];
  /** Mean of the runs' macro F1. */
  meanMacroF1: number;
  trainMs: number;
  cancelled: boolean;
  /** Each cross-validated track's fold (track id → fold index); the same for every repeat. */
  foldOf: Record<string, number>;
}

/**
 * The folds a cross-validation of `data` uses: the base split, the k folds by track of its training
 * tracks, and each track's fold (`foldOf`, track id → fold index) so another implementation (e.g.
 * bench/cnn_reference.py --folds-json) can test on exactly the same tracks.
 */
export function crossValidationFolds(data: TrainingData, opts: Pick<CrossValidationOptions, 'folds' | 'foldSeed' | 'split'>, split?: Split): { base: Split; folds: Split[]; foldOf: Record<string, number> } {
  const ds = trackTableOf(data);
  const base = split ?? resolveSplit(ds, opts.split);
  const folds = kFoldByTrack(ds, opts.folds, opts.foldSeed ?? 0, base.train);
  const foldOf: Record<string, number> = {};
  folds.forEach((fold, f) => {
    for (const r of fold.test) foldOf[ds.trackIds[r] as string] = f;
  });
  return { base, folds, foldOf };
}

export async function crossValidateClassifier(data: TrainingData, opts: CrossValidationOptions, split?: Split): Promise<CrossValidationResult> {
  const ds = trackTableOf(data);
  const repeats = opts.repeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new LabError('bad-argument', `Repeats must be a positive integer, got ${repeats}`);
  const { base, folds, foldOf } = crossValidationFolds(data, opts, split);
  const runs: CrossValidationRun[] = [];
  const total = repeats * folds.length;
  let cancelled = false;
  const confusion = ds.genres.map(() => ds.genres.map(() => 0));
  const t0 = performance.now();
  outer: for (let r = 0; r < repeats; r++)
    for (const [f, fold] of folds.entries()) {
      if (opts.cancel?.cancelled) {
        cancelled = true;
        break outer;
      }
      const seed = opts.seed + r;
      const index = runs.length;
      const stage = `run ${index + 1} of ${total} (fold ${f + 1})`;
      const onProgress = opts.onProgress;
      const c = await trainOnData(
        data,
        {
          ...opts,
          seed,
          onProgress:
            onProgress &&
            ((p) => {
              const fraction = (index + p.fraction) / total;
              const elapsedMs = performance.now() - t0;
              onProgress({ ...p, stage: p.stage ? `${stage}, ${p.stage}` : stage, fraction, elapsedMs, etaMs: fraction > 0 ? (elapsedMs / fraction) * (1 - fraction) : p.etaMs });
            }),
        },
        fold,
      );
      try {
        // A cancelled training is not a finished measurement: leave it out.
        if (c.train.cancelled) {
          cancelled = true;
          break outer;
        }
        const run: CrossValidationRun = { seed, fold: f, accuracy: c.test.evaluation.accuracy, macroF1: c.test.evaluation.macroF1, cropAccuracy: c.test.segmentEvaluation?.accuracy, tracks: c.test.trackIds.length };
        runs.push(run);
        c.test.evaluation.confusion.forEach((row, i) => row.forEach((v, j) => (confusion[i]![j]! += v)));
        await opts.onRun?.(run, runs.length, total);
      } finally {
        c.dispose();
      }
    }
  if (runs.length === 0) throw new LabError('cancelled', 'Cross-validation cancelled before any training finished.');
  const accs = runs.map((r) => r.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  const tracks = new Set(Array.from(base.train, (r) => ds.trackIds[r] as string)).size;
  const meanMacroF1 = runs.reduce((a, r) => a + r.macroF1, 0) / runs.length;
  const crops = runs.flatMap((r) => (r.cropAccuracy === undefined ? [] : [r.cropAccuracy]));
  const meanCropAccuracy = crops.length === runs.length ? crops.reduce((a, b) => a + b, 0) / crops.length : undefined;
  return { runs, meanAccuracy: mean, stdAccuracy: std, meanCropAccuracy, folds: folds.length, repeats, tracks, splitDescription: base.description, genres: [...ds.genres], confusion, meanMacroF1, trainMs: performance.now() - t0, cancelled, foldOf };
}
