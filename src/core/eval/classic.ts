/**
 * Running a classic model on a dataset the way every cell and the CLI do it: choose features,
 * resolve the split (never leaking a track), standardise with training statistics, fit, predict,
 * evaluate — and, when the test rows are segments, add the per-track majority vote.
 */
import { featureIndices, selectMatrix, type Dataset } from '../data/dataset';
import { applyStandardizer, SCALINGS, type ScalingKind } from '../data/scale';
import { kFoldByTrack, resolveSplit, type Split, type SplitChoice } from '../data/split';
import { LabError, type CancelToken } from '../errors';
import { predictLogisticRegression, trainLogisticRegression } from '../models/logistic';
import { permutationImportance, predictRandomForest, trainRandomForest } from '../models/forest';
import { knnPredict, type KnnControl, type KnnWeights } from '../models/knn';
import { MATRIX_FITS } from '../models/classifiers';
import { classicKind, readClassicSettings, type ClassicKindId, type ClassicSettingValues } from '../models/registry';
import { evaluatePredictions, hasSegments, voteByTrack, type EvaluationResult } from './metrics';
import { rowPredictionList, trackPredictionList, type PredictionList } from './predictions';

export interface PreparedData {
  split: Split;
  features: string[];
  nFeatures: number;
  /** Standardised train/test matrices, row-major. */
  train: Float64Array;
  test: Float64Array;
  trainLabels: Int32Array;
  testLabels: Int32Array;
}

/**
 * @param scaling true or 'zscore' = z-score, 'minmax' = min-max, false = raw values; fitted on the
 *   training rows only and applied to both sides.
 */
export function prepareData(ds: Dataset, features: readonly string[], splitChoice: SplitChoice = { kind: 'auto' }, scaling: boolean | ScalingKind = true, given?: Split): PreparedData {
  if (features.length === 0) throw new LabError('no-features', 'Choose at least one feature.');
  const cols = featureIndices(ds, features);
  const split = given ?? resolveSplit(ds, splitChoice);
  if (split.train.length === 0 || split.test.length === 0) throw new LabError('bad-argument', 'The split left no training or no test rows.');
  let train = selectMatrix(ds, split.train, cols);
  let test = selectMatrix(ds, split.test, cols);
  if (scaling) {
    const scaler = SCALINGS[scaling === true ? 'zscore' : scaling].fit(train, cols.length);
    train = applyStandardizer(train, scaler);
    test = applyStandardizer(test, scaler);
  }
  const pick = (rows: Int32Array) => Int32Array.from(rows, (r) => ds.labels[r]!);
  return { split, features: [...features], nFeatures: cols.length, train, test, trainLabels: pick(split.train), testLabels: pick(split.test) };
}

export interface ClassicRunResult {
  model: string;
  params: Record<string, unknown>;
  features: string[];
  split: string;
  genres: string[];
  /** Row-level (segment-level) evaluation. */
  rows: EvaluationResult;
  /** Per-track majority vote, when the test rows are segments of tracks. */
  tracks?: EvaluationResult;
  /** Predicted genre per test row, with the row indices they belong to. */
  testRows: Int32Array;
  predicted: Int32Array;
  elapsedMs: number;
  /** Cross-validation: each fold's accuracy and macro F1 (rows/tracks as reported). */
  folds?: { accuracy: number; macroF1: number }[];
  /** Per test row: id, true and predicted genre, probability — the samples behind `rows.confusion`. */
  rowPredictions: PredictionList;
  /** Per test track, behind `tracks.confusion` (present with `tracks`). */
  trackPredictions?: PredictionList;
}

export function finishRun(
  ds: Dataset,
  prep: PreparedData,
  model: string,
  params: Record<string, unknown>,
  predicted: Int32Array,
  probabilities: Float64Array | Float32Array | undefined,
  startedMs: number,
): ClassicRunResult {
  const rows = evaluatePredictions(prep.testLabels, predicted, ds.genres);
  let tracks: EvaluationResult | undefined;
  let trackPredictions: PredictionList | undefined;
  if (hasSegments(ds, prep.split.test)) {
    const v = voteByTrack(ds, prep.split.test, predicted, probabilities);
    tracks = evaluatePredictions(v.yTrue, v.yPred, ds.genres);
    trackPredictions = trackPredictionList(ds, prep.split.test, v.yPred, probabilities);
  }
  return {
    model,
    params,
    features: prep.features,
    split: prep.split.description,
    genres: ds.genres,
    rows,
    tracks,
    testRows: prep.split.test,
    predicted,
    elapsedMs: now() - startedMs,
    rowPredictions: rowPredictionList(ds, prep.split.test, predicted, probabilities),
    trackPredictions,
  };
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export interface KnnRunOptions {
  features: string[];
  k: number;
  weights: KnnWeights;
  split?: SplitChoice;
  standardize?: boolean;
}

/** `part`: which of `count` fits this is (one for a plain split, one per fold), for progress. */
type FitPredict = (prep: PreparedData, part: { index: number; count: number }) => { predicted: Int32Array; probabilities: Float64Array };

/**
 * Run a model on the chosen split, or, for `kfold`, on each fold by track: every row is then
 * predicted exactly once (by the model that did not see its track), so the pooled predictions give
 * one confusion matrix over the whole table, and the folds' own scores give the spread.
 */
function runSplitOrCv(ds: Dataset, features: readonly string[], split: SplitChoice | undefined, standardize: boolean | ScalingKind, model: string, params: Record<string, unknown>, fit: FitPredict, given?: Split): ClassicRunResult {
  const t0 = now();
  if (given || split?.kind !== 'kfold') {
    const prep = prepareData(ds, features, split, standardize, given);
    const { predicted, probabilities } = fit(prep, { index: 0, count: 1 });
    return finishRun(ds, prep, model, params, predicted, probabilities, t0);
  }
  const k = ds.genres.length;
  const rows: number[] = [];
  const preds: number[] = [];
  const probs: number[] = [];
  const folds: { accuracy: number; macroF1: number }[] = [];
  if (split?.kind !== 'kfold') throw new LabError('internal', 'Cross-validation without k-fold settings.');
  const allFolds = kFoldByTrack(ds, split.k, split.seed);
  for (const [index, fold] of allFolds.entries()) {
    const prep = prepareData(ds, features, { kind: 'predefined' }, standardize, fold);
    const r = fit(prep, { index, count: allFolds.length });
    const one = finishRun(ds, prep, model, params, r.predicted, r.probabilities, t0);
    const e = one.tracks ?? one.rows;
    folds.push({ accuracy: e.accuracy, macroF1: e.macroF1 });
    rows.push(...fold.test);
    preds.push(...r.predicted);
    for (const p of r.probabilities) probs.push(p);
  }
  // Pool in row order so the per-track vote sees each track's segments together.
  const order = rows.map((r, i) => [r, i] as const).sort((a, b) => a[0] - b[0]);
  const test = Int32Array.from(order, ([r]) => r);
  const predicted = Int32Array.from(order, ([, i]) => preds[i]!);
  const probabilities = new Float64Array(order.length * k);
  order.forEach(([, i], j) => {
    for (let c = 0; c < k; c++) probabilities[j * k + c] = probs[i * k + c]!;
  });
  const pooled: PreparedData = {
    split: { train: new Int32Array(0), test, kind: 'fold', description: `${split.k}-fold cross-validation by track, seed ${split.seed}` },
    features: [...features],
    nFeatures: features.length,
    train: new Float64Array(0),
    test: new Float64Array(0),
    trainLabels: new Int32Array(0),
    testLabels: Int32Array.from(test, (r) => ds.labels[r]!),
  };
  return { ...finishRun(ds, pooled, model, params, predicted, probabilities, t0), folds };
}

/**
 * k-NN with the lab's evaluation rules.
 * @param control cancel token (throws CancelledError between blocks of test rows) and progress as
 *   the fraction 0…1 of all test rows classified, over every fold for k-fold.
 */
export function runKnn(ds: Dataset, o: KnnRunOptions, control: { cancel?: CancelToken; onProgress?: (fraction: number) => void } = {}): ClassicRunResult {
  const standardize = o.standardize ?? true;
  return runSplitOrCv(ds, o.features, o.split, standardize, 'k-NN', { k: o.k, weights: o.weights, standardize }, (prep, part) => {
    const knnControl: KnnControl = {
      cancel: control.cancel,
      onProgress: control.onProgress && ((done, total) => control.onProgress!((part.index + done / total) / part.count)),
    };
    return knnPredict(prep.train, prep.trainLabels, prep.test, prep.nFeatures, ds.genres.length, { k: o.k, weights: o.weights }, knnControl);
  });
}

export interface LogisticRunOptions {
  features: string[];
  C: number;
  split?: SplitChoice;
}

/** Multinomial logistic regression with the lab's evaluation rules (always standardised). */
export function runLogistic(ds: Dataset, o: LogisticRunOptions, cancel?: CancelToken): ClassicRunResult {
  return runSplitOrCv(ds, o.features, o.split, true, 'logistic regression', { C: o.C }, (prep) => {
    const model = trainLogisticRegression(prep.train, prep.trainLabels, prep.nFeatures, ds.genres.length, { C: o.C }, cancel);
    return predictLogisticRegression(model, prep.test);
  });
}

export interface ClassicModelRunOptions {
  /** A classic kind of the registry. */
  model: ClassicKindId;
  features: string[];
  /** The kind's settings (registry `settings`); missing ones at scikit-learn's defaults. */
  settings: ClassicSettingValues;
  /** Feature scaling fitted on the training rows (default z-score). */
  scaling?: ScalingKind;
  split?: SplitChoice;
  /** Seed of the model's own randomness (trees, SGD and dual coordinate descent order). */
  seed?: number;
}

/**
 * Any classic kind of the registry with the lab's evaluation rules, through the same fit as its
 * Classifier (MATRIX_FITS). Progress: the fraction 0…1 over every fold, as the model reports it.
 * An explicit `given` split (e.g. the leakage demo's split by segment) wins over `o.split`.
 */
export function runClassic(ds: Dataset, o: ClassicModelRunOptions, control: { cancel?: CancelToken; onProgress?: (fraction: number) => void } = {}, given?: Split): ClassicRunResult {
  const kind = classicKind(o.model);
  const settings = readClassicSettings(o.model, o.settings);
  const scaling = o.scaling ?? 'zscore';
  const seed = o.seed ?? 0;
  const params = { ...settings, scaling, ...(kind.seeded ? { seed } : {}) };
  return runSplitOrCv(ds, o.features, o.split, scaling, kind.label, params, (prep, part) => {
    const report = (f: number) => control.onProgress?.((part.index + f) / part.count);
    const predict = MATRIX_FITS[o.model](prep.train, prep.trainLabels, prep.nFeatures, ds.genres.length, { ...settings, seed, cancel: control.cancel, onProgress: (f) => report(0.95 * f) });
    const r = predict(prep.test);
    report(1);
    return r;
  }, given);
}

export interface ImportanceOptions {
  features: string[];
  nTrees: number;
  seed: number;
  split?: SplitChoice;
  /** Permutation repeats on the test rows (0 = skip permutation importance). */
  permutationRepeats: number;
}

export interface ImportanceResult {
  features: string[];
  /** Mean decrease in Gini impurity on the training rows, sums to 1. */
  impurity: number[];
  /** Mean accuracy drop on the test rows when the feature is shuffled. */
  permutation?: { mean: number[]; std: number[]; baselineAccuracy: number };
  forest: ClassicRunResult;
}

/**
 * Random-forest importance: impurity (mean decrease in Gini, on the training rows) and, since
 * impurity importance favours features with many distinct values, permutation importance on the
 * held-out rows.
 */
export function runForestImportance(ds: Dataset, o: ImportanceOptions, cancel?: CancelToken, onProgress?: (p: number) => void): ImportanceResult {
  const t0 = now();
  const prep = prepareData(ds, o.features, o.split, false);
  const model = trainRandomForest(prep.train, prep.trainLabels, prep.nFeatures, ds.genres.length, { nTrees: o.nTrees, seed: o.seed }, cancel);
  onProgress?.(0.6);
  const { predicted, probabilities } = predictRandomForest(model, prep.test);
  const forest = finishRun(ds, prep, 'random forest', { nTrees: o.nTrees, seed: o.seed }, predicted, probabilities, t0);
  let permutation: ImportanceResult['permutation'];
  if (o.permutationRepeats > 0) {
    const p = permutationImportance((X) => predictRandomForest(model, X).predicted, prep.test, prep.testLabels, prep.nFeatures, { nRepeats: o.permutationRepeats, seed: o.seed }, cancel);
    permutation = { mean: [...p.importancesMean], std: [...p.importancesStd], baselineAccuracy: p.baselineAccuracy };
  }
  onProgress?.(1);
  return { features: prep.features, impurity: [...model.featureImportances], permutation, forest };
}
