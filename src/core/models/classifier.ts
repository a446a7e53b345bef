/**
 * Dataset → trained neural classifier → test evaluation, the path the notebook cell, the worker
 * and the CLI all take:
 * 1. split by track (the table's own Train/Test when it has one);
 * 2. optional validation = a seeded, genre-stratified share of the *training tracks* (never test);
 * 3. feature subset, z-scored with statistics of the training rows only;
 * 4. samples: per segment (MLP) or per track sequence (LSTM/GRU/BiLSTM);
 * 5. train, then evaluate on test per track — segment models vote (voteByTrack).
 */
import { LabError, type CancelToken } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { groupByTrack, selectMatrix, type Dataset } from '../data/dataset';
import { fitStandardizer } from '../data/scale';
import { resolveSplit, type Split, type SplitChoice } from '../data/split';
import { buildSequences, defaultSequenceLength, selectFeatureIndices } from '../data/sequences';
import { evaluatePredictions, voteByTrack, type EvaluationResult } from '../eval/metrics';
import { isSequenceInput, sampleShapeOf, zscoreScaler, type InputSpec } from './inputSpec';
import type { Network } from './network';
import { recipeVersionOf } from '../features/recipes';
import { buildNetwork, neuralKind, type NeuralKindId } from './registry';
import { argmaxRows, predictProbabilities, trainNetwork, type EpochMetrics, type TensorData, type TrainProgress, type TrainResult } from './train';

export type ModelKind = NeuralKindId;

export interface ClassifierOptions {
  kind: ModelKind;
  /** Seeds weights, shuffling, dropout and the validation split. */
  seed: number;
  /** Feature subset by name; default all. */
  features?: string[];
  /** Sequence length for sequence models; default from the table (10 s → 3). */
  steps?: number;
  /** Tracks shorter than `steps`: drop (default) or pad. */
  short?: 'drop' | 'pad';
  split?: SplitChoice;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  dropout?: number;
  /** Decoupled weight decay; default 0. */
  weightDecay?: number;
  /** Label smoothing ε; default per model ({@link MODEL_DEFAULTS}). */
  labelSmoothing?: number;
  /** Gaussian noise std on z-scored training inputs; default 0. */
  inputNoise?: number;
  /**
   * Knowledge distillation: first train `teachers` copies of this model (derived seeds, the same
   * training tracks), then this one on targets that blend the labels with the teachers' mean
   * probabilities on the training inputs, with weight `weight` (default DEFAULT_DISTILL_WEIGHT).
   * One network comes out; it costs teachers + 1 trainings. Default: off.
   */
  distill?: { teachers: number; weight?: number };
  /** Average the weights of the last k epochs (SWA); default 0. */
  averageLastEpochs?: number;
  /** Learning-rate schedule; default per model ({@link MODEL_DEFAULTS}). */
  schedule?: 'constant' | 'cosine';
  /** Mixup α, 0 = off; default per model ({@link MODEL_DEFAULTS}). */
  mixup?: number;
  /** Recurrent units (sequence models). */
  units?: number;
  /** Hidden widths (MLP). */
  hidden?: number[];
  /** Share of training tracks held out for validation curves / early stopping; default 0. */
  validationFraction?: number;
  earlyStopping?: { patience: number; monitor?: 'valLoss' | 'valAccuracy' };
  cancel?: CancelToken;
  onEpoch?: (m: EpochMetrics) => void;
  onProgress?: (p: TrainProgress) => void;
  /**
   * Checkpoints while training (the `checkpoint` option of trainNetwork): at most every
   * `everyMs`, the network holding the best weights so far (the ones a cancel would keep) is
   * tested and handed to `save` — e.g. to keep it across a page reload. The classifier is valid only during the call
   * (do not dispose it); training waits for a returned promise.
   */
  checkpoint?: { everyMs: number; save: (c: TrainedClassifier) => void | Promise<void> };
}


export interface TestResult {
  /** Per test track, in first-appearance order. */
  trackIds: string[];
  yTrue: Int32Array;
  yPred: Int32Array;
  /** Track probabilities, nTracks × nGenres (mean over segments for segment models). */
  trackProbabilities: Float32Array;
  /** Track-level evaluation (the number reported). */
  evaluation: EvaluationResult;
  /** Segment-level evaluation, for segment models on multi-segment tables. */
  segmentEvaluation?: EvaluationResult;
}

export interface TrainedClassifier {
  kind: ModelKind;
  network: Network;
  /** What the model reads (saved with it). */
  spec: InputSpec;
  train: TrainResult;
  test: TestResult;
  split: { description: string; trainRows: number; testRows: number; validationTracks: number; droppedTracks: number };
  seed: number;
  /** Set on a teacher of a distilled run ("teacher 2 of 4"): returned on cancel, or checkpointed. */
  teacherOf?: string;
  dispose(): void;
}

/** Split the tracks among `rows` into (train, validation) rows, stratified by genre, seeded. */
export function holdOutTracks(ds: Dataset, rows: ArrayLike<number>, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new LabError('bad-argument', `Validation fraction must be in (0, 1), got ${fraction}`);
  const rng = createRng(seed);
  const byGenre: number[][][] = ds.genres.map(() => []);
  for (const g of groupByTrack(ds, rows)) byGenre[g.label]!.push(g.rows);
  const train: number[] = [];
  const validation: number[] = [];
  for (const tracks of byGenre) {
    shuffleInPlace(tracks, rng);
    const nVal = tracks.length >= 2 ? Math.max(1, Math.round(tracks.length * fraction)) : 0;
    tracks.forEach((r, i) => (i < nVal ? validation : train).push(...r));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/** Inputs for a model spec from dataset rows: segment rows or per-track sequences. */
export function buildInputs(ds: Dataset, rows: ArrayLike<number>, spec: InputSpec, short: 'drop' | 'pad' = 'drop'): TensorData & { trackIds?: string[]; dropped: number } {
  if (isSequenceInput(spec)) {
    const seq = buildSequences(ds, rows, { steps: spec.steps, features: spec.featureNames, scaler: spec.scaler, short });
    return { x: seq.x, y: seq.labels, sampleShape: [seq.steps, spec.featureNames.length], trackIds: seq.trackIds, dropped: seq.dropped.length };
  }
  const cols = selectFeatureIndices(ds, spec.featureNames);
  const m = selectMatrix(ds, rows, cols);
  const x = new Float32Array(m.length);
  const d = cols.length;
  for (let i = 0; i < m.length; i++) x[i] = ((m[i] as number) - (spec.scaler.mean[i % d] as number)) / (spec.scaler.std[i % d] as number);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = ds.labels[rows[i] as number] as number;
  return { x, y, sampleShape: [d], dropped: 0 };
}

/** Track-level test result of a trained network on `rows`. */
export function evaluateOnRows(ds: Dataset, rows: ArrayLike<number>, network: Network, spec: InputSpec, short: 'drop' | 'pad' = 'drop'): TestResult {
  const k = spec.genres.length;
  const inputs = buildInputs(ds, rows, spec, short);
  const probs = predictProbabilities(network, inputs);
  if (isSequenceInput(spec)) {
    const yPred = argmaxRows(probs, k);
    return { trackIds: inputs.trackIds ?? [], yTrue: inputs.y, yPred, trackProbabilities: probs, evaluation: evaluatePredictions(inputs.y, yPred, spec.genres) };
  }
  const segPred = argmaxRows(probs, k);
  const voted = voteByTrack(ds, rows, segPred, probs);
  // Mean segment probability per track, for ensembles' mean-probability vote.
  const posOf = new Map<string, number>();
  voted.trackIds.forEach((t, i) => posOf.set(t, i));
  const trackProbabilities = new Float32Array(voted.trackIds.length * k);
  const counts = new Float32Array(voted.trackIds.length);
  for (let i = 0; i < rows.length; i++) {
    const t = posOf.get(ds.trackIds[rows[i] as number] as string) as number;
    counts[t]! += 1;
    for (let c = 0; c < k; c++) trackProbabilities[t * k + c]! += probs[i * k + c] as number;
  }
  for (let t = 0; t < counts.length; t++) for (let c = 0; c < k; c++) trackProbabilities[t * k + c]! /= counts[t] as number;
  const multi = voted.trackIds.length < rows.length;
  return {
    trackIds: voted.trackIds,
    yTrue: voted.yTrue,
    yPred: voted.yPred,
    trackProbabilities,
    evaluation: evaluatePredictions(voted.yTrue, voted.yPred, spec.genres),
    segmentEvaluation: multi ? evaluatePredictions(inputs.y, segPred, spec.genres) : undefined,
  };
}

/** Train one neural classifier on `ds` and evaluate it on the test tracks. */
export async function trainClassifier(ds: Dataset, opts: ClassifierOptions, split?: Split): Promise<TrainedClassifier> {
  const kindEntry = neuralKind(opts.kind);
  const defaults = kindEntry.defaults;
  const sp = split ?? resolveSplit(ds, opts.split);
  let trainRows: ArrayLike<number> = sp.train;
  let valRows: Int32Array | undefined;
  if (opts.validationFraction) {
    const h = holdOutTracks(ds, sp.train, opts.validationFraction, deriveSeed(opts.seed, 2000));
    trainRows = h.train;
    valRows = h.validation;
  }
  const cols = selectFeatureIndices(ds, opts.features);
  const featureNames = cols.map((c) => ds.featureNames[c] as string);
  const scaler = fitStandardizer(selectMatrix(ds, trainRows, cols), cols.length);
  const sequence = kindEntry.input === 'segment-sequences';
  const spec: InputSpec = {
    version: 2,
    input: sequence ? 'segment-sequences' : 'feature-rows',
    recipe: ds.meta.recipe ?? null,
    recipeVersion: recipeVersionOf(ds.meta.recipe),
    featureNames,
    scaler: zscoreScaler(scaler),
    genres: [...ds.genres],
    steps: sequence ? (opts.steps ?? defaultSequenceLength(ds)) : 1,
  };
  const short = opts.short ?? 'drop';
  const trainData = buildInputs(ds, trainRows, spec, short);
  const valData = valRows ? buildInputs(ds, valRows, spec, short) : undefined;
  if (trainData.y.length === 0)
    throw new LabError('bad-argument', `No training samples: every track has fewer than ${spec.steps} segments. Use a shorter sequence or padding.`);
  const teachers = opts.distill?.teachers ?? 0;
  if (!(Number.isInteger(teachers) && teachers >= 0)) throw new LabError('bad-argument', `Teachers must be a whole number ≥ 0, got ${teachers}`);
  const t0 = performance.now();
  // Progress over the whole run (teachers, then the student), each part an equal share.
  const stagedEpoch = (stage: string) => opts.onEpoch && ((m: EpochMetrics) => opts.onEpoch!({ ...m, stage }));
  const staged = (part: number, stage: string | undefined) =>
    opts.onProgress &&
    ((p: TrainProgress) => {
      const fraction = (part + p.fraction) / (teachers + 1);
      const elapsedMs = performance.now() - t0;
      opts.onProgress!({ ...p, stage, fraction, elapsedMs, etaMs: fraction > 0 ? (elapsedMs / fraction) * (1 - fraction) : p.etaMs });
    });
  if (teachers > 0) {
    // The teachers learn from exactly the student's training rows (not its validation tracks).
    const teacherSplit: Split = { ...sp, train: Int32Array.from(trainRows) };
    const soft = new Float32Array(trainData.y.length * ds.genres.length);
    for (let i = 0; i < teachers; i++) {
      const stage = `teacher ${i + 1} of ${teachers}`;
      const cp = opts.checkpoint;
      const t = await trainClassifier(
        ds,
        {
          ...opts,
          seed: deriveSeed(opts.seed, 7000 + i),
          distill: undefined,
          // A reload while teaching keeps the teacher's best weights (marked as a teacher).
          checkpoint: cp && { everyMs: cp.everyMs, save: (c) => cp.save({ ...c, teacherOf: stage }) },
          validationFraction: undefined,
          earlyStopping: undefined,
          onEpoch: stagedEpoch(stage),
          onProgress: staged(i, stage),
        },
        teacherSplit,
      );
      // Cancelled while teaching: the teacher in training is the best model so far.
      if (t.train.cancelled) {
        t.train.cancelledIn = stage;
        t.teacherOf = stage;
        return t;
      }
      try {
        const probs = predictProbabilities(t.network, trainData);
        for (let j = 0; j < soft.length; j++) soft[j]! += (probs[j] as number) / teachers;
      } finally {
        t.dispose();
      }
    }
    trainData.soft = soft;
  }
  const dropout = opts.dropout ?? defaults.dropout;
  const network = await buildNetwork(opts.kind, { inputShape: sampleShapeOf(spec), nClasses: ds.genres.length, units: opts.units, hidden: opts.hidden, dropout, seed: opts.seed });
  const splitInfo = (): TrainedClassifier['split'] => ({
    description: sp.description,
    trainRows: trainRows.length,
    testRows: sp.test.length,
    validationTracks: valRows ? groupByTrack(ds, valRows).length : 0,
    droppedTracks: trainData.dropped + (valData?.dropped ?? 0) + (sequence ? buildSequences(ds, sp.test, { steps: spec.steps, features: featureNames, short }).dropped.length : 0),
  });
  const checkpoint = opts.checkpoint;
  const save = checkpoint
    ? (epoch: number, history: readonly EpochMetrics[]) => {
        const done = history.slice();
        return checkpoint.save({
          kind: opts.kind,
          network,
          spec,
          train: {
            history: done,
            epochsRun: done.length,
            weightsFromEpoch: epoch,
            stoppedEarly: false,
            cancelled: false,
            trainMs: performance.now() - t0,
            meanEpochMs: done.reduce((a, h) => a + h.epochMs, 0) / done.length,
          },
          test: evaluateOnRows(ds, sp.test, network, spec, short),
          split: splitInfo(),
          seed: opts.seed,
          dispose: () => undefined,
        });
      }
    : undefined;
  try {
    const train = await trainNetwork(network, trainData, {
      epochs: opts.epochs ?? defaults.epochs,
      batchSize: opts.batchSize ?? defaults.batchSize,
      learningRate: opts.learningRate ?? defaults.learningRate,
      weightDecay: opts.weightDecay,
      labelSmoothing: opts.labelSmoothing ?? defaults.labelSmoothing,
      inputNoise: opts.inputNoise,
      distillWeight: opts.distill?.weight,
      averageLastEpochs: opts.averageLastEpochs,
      schedule: opts.schedule ?? defaults.schedule,
      mixup: opts.mixup ?? defaults.mixup,
      seed: opts.seed,
      validation: valData,
      earlyStopping: opts.earlyStopping,
      cancel: opts.cancel,
      onEpoch: teachers > 0 ? stagedEpoch('student') : opts.onEpoch,
      checkpoint: checkpoint && save && { everyMs: checkpoint.everyMs, save },
      onProgress: teachers > 0 ? staged(teachers, 'student') : opts.onProgress,
    });
    // The time reported covers the teachers too.
    if (teachers > 0) train.trainMs = performance.now() - t0;
    const test = evaluateOnRows(ds, sp.test, network, spec, short);
    return {
      kind: opts.kind,
      network,
      spec,
      train,
      test,
      split: splitInfo(),
      seed: opts.seed,
      dispose: () => network.dispose(),
    };
  } catch (e) {
    network.dispose();
    throw e;
  }
}

export interface TrackPredictions {
  trackIds: string[];
  /** nTracks × spec.genres.length, in the model's label order. */
  probabilities: Float32Array;
  /** Predicted genre name per track. */
  predicted: string[];
  /** Tracks left out for having fewer segments than the model's sequence length. */
  dropped: string[];
}

/**
 * Classify the tracks among `rows` (all when absent) with a trained or loaded model — labels are
 * not needed. Segment models average their segments' probabilities per track. Callers loading a
 * saved model should run checkModelMatchesDataset first (recipe and features).
 */
export function predictTracks(network: Network, spec: InputSpec, ds: Dataset, rows?: ArrayLike<number>, short: 'drop' | 'pad' = 'drop'): TrackPredictions {
  const all = rows ?? Int32Array.from({ length: ds.nRows }, (_, i) => i);
  const k = spec.genres.length;
  if (network.nClasses !== k) throw new LabError('spec-mismatch', `The model has ${network.nClasses} outputs for ${k} genres.`);
  let trackIds: string[];
  let probabilities: Float32Array;
  let dropped: string[] = [];
  if (isSequenceInput(spec)) {
    const seq = buildSequences(ds, all, { steps: spec.steps, features: spec.featureNames, scaler: spec.scaler, short });
    probabilities = predictProbabilities(network, { x: seq.x, sampleShape: [seq.steps, spec.featureNames.length] });
    trackIds = seq.trackIds;
    dropped = seq.dropped.map((d) => d.trackId);
  } else {
    const inputs = buildInputs(ds, all, spec, short);
    const probs = predictProbabilities(network, inputs);
    const groups = groupByTrack(ds, all);
    const posOf = new Map<number, number>();
    for (let i = 0; i < all.length; i++) posOf.set(all[i] as number, i);
    trackIds = groups.map((g) => g.trackId);
    probabilities = new Float32Array(groups.length * k);
    groups.forEach((g, t) => {
      for (const r of g.rows) {
        const i = posOf.get(r) as number;
        for (let c = 0; c < k; c++) probabilities[t * k + c]! += probs[i * k + c] as number;
      }
      for (let c = 0; c < k; c++) probabilities[t * k + c]! /= g.rows.length;
    });
  }
  const predicted = Array.from(argmaxRows(probabilities, k), (c) => spec.genres[c] as string);
  return { trackIds, probabilities, predicted, dropped };
}
