/**
 * Cross-validation of a neural classifier on the *training* tracks of a split: k stratified folds
 * by track, each trained `repeats` times with seeds seed, seed + 1, …; the split's test tracks are
 * never used. This is how the defaults in `defaults.ts` were chosen — a student can check a
 * setting the same way without looking at the test set.
 */
import { LabError } from '../errors';
import type { Dataset } from '../data/dataset';
import { kFoldByTrack, resolveSplit, type Split } from '../data/split';
import { trainClassifier, type ClassifierOptions } from './classifier';

export interface CrossValidationOptions extends ClassifierOptions {
  folds: number;
  /** Trainings per fold, with seeds seed + 0 … seed + repeats − 1; default 1. */
  repeats?: number;
  /** Seed of the fold assignment; default 0. */
  foldSeed?: number;
  /** Called after each training is tested. */
  onRun?: (run: CrossValidationRun, done: number, total: number) => void | Promise<void>;
}

export interface CrossValidationRun {
  seed: number;
  /** 0-based fold index. */
  fold: number;
  accuracy: number;
  macroF1: number;
  /** Tracks of the fold that were tested. */
  tracks: number;
}

export interface CrossValidationResult {
  runs: CrossValidationRun[];
  /** Mean and population std of the runs' track-level accuracy. */
  meanAccuracy: number;
  stdAccuracy: number;
  folds: number;
  repeats: number;
  /** Training tracks cross-validated over (the split's test tracks are not among them). */
  tracks: number;
  /** The split whose training tracks were used. */
  splitDescription: string;
  cancelled: boolean;
}

export async function crossValidateClassifier(ds: Dataset, opts: CrossValidationOptions, split?: Split): Promise<CrossValidationResult> {
  const repeats = opts.repeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new LabError('bad-argument', `Repeats must be a positive integer, got ${repeats}`);
  const base = split ?? resolveSplit(ds, opts.split);
  const folds = kFoldByTrack(ds, opts.folds, opts.foldSeed ?? 0, base.train);
  const runs: CrossValidationRun[] = [];
  const total = repeats * folds.length;
  let cancelled = false;
  outer: for (let r = 0; r < repeats; r++)
    for (const [f, fold] of folds.entries()) {
      if (opts.cancel?.cancelled) {
        cancelled = true;
        break outer;
      }
      const seed = opts.seed + r;
      const c = await trainClassifier(ds, { ...opts, seed }, fold);
      try {
        // A cancelled training is not a finished measurement: leave it out.
        if (c.train.cancelled) {
          cancelled = true;
          break outer;
        }
        const run = { seed, fold: f, accuracy: c.test.evaluation.accuracy, macroF1: c.test.evaluation.macroF1, tracks: c.test.trackIds.length };
        runs.push(run);
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
  return { runs, meanAccuracy: mean, stdAccuracy: std, folds: folds.length, repeats, tracks, splitDescription: base.description, cancelled };
}
