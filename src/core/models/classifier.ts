/**
 * Dataset → trained neural classifier → test evaluation, the path the notebook cell, the worker
 * and the CLI all take. This module orchestrates; each concern has its own:
 * inputs.ts prepares the run once (split, validation hold-out, features, scaler, samples),
 * distill.ts trains the teachers, settings.ts fills in the kind's defaults, loop.ts trains,
 * predict.ts tests per track (segment models vote).
 */
import { LabError, type CancelToken } from '../errors';
import { groupByTrack, type Dataset } from '../data/dataset';
import type { Split, SplitChoice } from '../data/split';
import { buildSequences } from '../data/sequences';
import { isSequenceInput, sampleShapeOf, scalerAffine, type InputSpec } from './inputSpec';
import type { Network } from './network';
import { buildNetwork, neuralKind, type NeuralKindId } from './registry';
import { checkTeachers, trainTeachers } from './distill';
import { buildInputs, prepareRunInputs, type RunInputs } from './inputs';
import { trainNetwork, type EpochMetrics, type TrainOptions, type TrainProgress, type TrainResult } from './loop';
import { argmaxRows, predictProbabilities, testOnPart, type TestResult } from './predict';
import { resolveTrainingSettings, type TrainingSettings } from './settings';

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
  /** Label smoothing ε; default per model (the registry's defaults). */
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
  /** Learning-rate schedule; default per model (the registry's defaults). */
  schedule?: 'constant' | 'cosine';
  /** Mixup α, 0 = off; default per model (the registry's defaults). */
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

/** Train one neural classifier on `ds` and evaluate it on the test tracks. */
export async function trainClassifier(ds: Dataset, opts: ClassifierOptions, split?: Split): Promise<TrainedClassifier> {
  if (neuralKind(opts.kind).input === 'spectrogram-crops')
    throw new LabError('bad-argument', `${opts.kind} learns from log-mel spectrograms of audio, not from a feature table: train it on an audio folder (lab train --audio DIR).`);
  const run = prepareRunInputs(ds, { ...opts, input: neuralKind(opts.kind).input }, split);
  const teachers = checkTeachers(opts.distill?.teachers ?? 0);
  const t0 = performance.now();
  if (teachers === 0) return trainOnInputs(ds, run, opts, t0);
  // Progress over the whole run (teachers, then the student), each part an equal share.
  const stagedEpoch = (stage: string) => opts.onEpoch && ((m: EpochMetrics) => opts.onEpoch!({ ...m, stage }));
  const staged = (part: number, stage: string) =>
    opts.onProgress &&
    ((p: TrainProgress) => {
      const fraction = (part + p.fraction) / (teachers + 1);
      const elapsedMs = performance.now() - t0;
      opts.onProgress!({ ...p, stage, fraction, elapsedMs, etaMs: fraction > 0 ? (elapsedMs / fraction) * (1 - fraction) : p.etaMs });
    });
  const cp = opts.checkpoint;
  const taught = await trainTeachers(run, teachers, opts.seed, (t, inputs) =>
    trainOnInputs(
      ds,
      inputs,
      {
        ...opts,
        seed: t.seed,
        distill: undefined,
        // A reload while teaching keeps the teacher's best weights (marked as a teacher).
        checkpoint: cp && { everyMs: cp.everyMs, save: (c) => cp.save({ ...c, teacherOf: t.stage }) },
        validationFraction: undefined,
        earlyStopping: undefined,
        onEpoch: stagedEpoch(t.stage),
        onProgress: staged(t.index, t.stage),
      },
      performance.now(),
    ),
  );
  if ('cancelledTeacher' in taught) return taught.cancelledTeacher;
  const student = await trainOnInputs(ds, run, { ...opts, onEpoch: stagedEpoch('student'), onProgress: staged(teachers, 'student') }, t0, taught.soft);
  // The time reported covers the teachers too.
  student.train.trainMs = performance.now() - t0;
  return student;
}

/**
 * Build a network of `opts.kind`, train it on prepared inputs (with teacher probabilities `soft`
 * when distilling), checkpoint it if asked, and test it on the run's test tracks. `t0` is when
 * the run started (checkpoints report the time since).
 */
async function trainOnInputs(ds: Dataset, run: RunInputs, opts: ClassifierOptions, t0: number, soft?: Float32Array): Promise<TrainedClassifier> {
  const settings = resolveTrainingSettings(opts);
  const { spec } = run;
  const network = await buildNetwork(opts.kind, { inputShape: sampleShapeOf(spec), nClasses: ds.genres.length, units: opts.units, hidden: opts.hidden, dropout: settings.dropout, seed: opts.seed });
  const split: TrainedClassifier['split'] = {
    description: run.split.description,
    trainRows: run.train.rows.length,
    testRows: run.split.test.length,
    validationTracks: run.validation?.tracks.length ?? 0,
    droppedTracks: run.train.inputs.dropped + (run.validation?.inputs.dropped ?? 0) + run.test.inputs.dropped,
  };
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
          test: testOnPart(ds, network, spec, run.test),
          split,
          seed: opts.seed,
          dispose: () => undefined,
        });
      }
    : undefined;
  try {
    const train = await trainNetwork(network, soft ? { ...run.train.inputs, soft } : run.train.inputs, loopOptions(opts, settings, run.validation?.inputs, checkpoint && save && { everyMs: checkpoint.everyMs, save }));
    return { kind: opts.kind, network, spec, train, test: testOnPart(ds, network, spec, run.test), split, seed: opts.seed, dispose: () => network.dispose() };
  } catch (e) {
    network.dispose();
    throw e;
  }
}

/** The training loop's options of a run: the resolved settings plus the run's own options (shared by every data kind). */
export function loopOptions(opts: ClassifierOptions, settings: TrainingSettings, validation: TrainOptions['validation'], checkpoint: TrainOptions['checkpoint']): TrainOptions {
  return {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    weightDecay: opts.weightDecay,
    labelSmoothing: settings.labelSmoothing,
    inputNoise: opts.inputNoise,
    distillWeight: settings.distillWeight,
    averageLastEpochs: opts.averageLastEpochs,
    schedule: settings.schedule,
    mixup: settings.mixup,
    seed: opts.seed,
    validation,
    earlyStopping: opts.earlyStopping,
    cancel: opts.cancel,
    onEpoch: opts.onEpoch,
    checkpoint,
    onProgress: opts.onProgress,
  };
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
    const seq = buildSequences(ds, all, { steps: spec.steps, features: spec.featureNames, scaler: scalerAffine(spec.scaler), short });
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
