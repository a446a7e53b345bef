/**
 * Ensembles of N members that differ only in their seed (deriveSeed(seed, i)): weights, shuffling
 * and dropout. All members see the same split; their track-level predictions are combined by
 * majority vote and by mean probability.
 */
import { LabError } from '../errors';
import { deriveSeed } from '../random';
import type { Dataset } from '../data/dataset';
import { resolveSplit, type Split } from '../data/split';
import { evaluatePredictions, type EvaluationResult } from '../eval/metrics';
import { trackListFromProbabilities, type PredictionList } from '../eval/predictions';
import type { TrainedClassifier } from './classifier';
import { averageProbabilities } from './classifiers';
import { trackTableOf, trainOnData, type DataClassifierOptions, type TrainingData } from './trainData';

/**
 * Majority vote over members' hard predictions (each `Int32Array` of length n). Ties go to the
 * tied class with the highest summed probability when `probabilities` are given (each n × k),
 * else to the lowest class index.
 */
export function majorityVote(predictions: readonly Int32Array[], k: number, probabilities?: readonly (Float32Array | Float64Array)[]): Int32Array {
  const first = predictions[0];
  if (!first) throw new LabError('bad-argument', 'Majority vote needs at least one member.');
  const n = first.length;
  for (const p of predictions) if (p.length !== n) throw new LabError('bad-argument', 'Ensemble members predicted different numbers of samples.');
  const out = new Int32Array(n);
  const votes = new Float64Array(k);
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    mass.fill(0);
    for (const p of predictions) votes[p[i] as number]! += 1;
    if (probabilities) for (const pr of probabilities) for (let c = 0; c < k; c++) mass[c]! += pr[i * k + c] as number;
    let best = 0;
    for (let c = 1; c < k; c++) if (votes[c]! > votes[best]! || (votes[c] === votes[best] && mass[c]! > mass[best]!)) best = c;
    out[i] = best;
  }
  return out;
}

/** Argmax of the members' mean probability (each n × k); ties go to the lowest class index. */
export function meanProbabilityVote(probabilities: readonly (Float32Array | Float64Array)[], k: number): Int32Array {
  const first = probabilities[0];
  if (!first) throw new LabError('bad-argument', 'Mean-probability vote needs at least one member.');
  const n = first.length / k;
  const out = new Int32Array(n);
  const sum = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sum.fill(0);
    for (const p of probabilities) for (let c = 0; c < k; c++) sum[c]! += p[i * k + c] as number;
    let best = 0;
    for (let c = 1; c < k; c++) if (sum[c]! > sum[best]!) best = c;
    out[i] = best;
  }
  return out;
}

export interface EnsembleOptions extends Omit<DataClassifierOptions, 'checkpoint'> {
  /** Number of members (≥ 1). */
  members: number;
  /** Keep the members' networks (to save or reuse); default false: each is disposed after testing. */
  keepMembers?: boolean;
  /**
   * Called after each member is trained and tested, with the member itself (valid during the
   * call; e.g. to save it at once). A returned promise is awaited before the next member.
   */
  onMember?: (index: number, summary: MemberSummary, member: TrainedClassifier) => void | Promise<void>;
  /** Checkpoints of the member in training ({@link ClassifierOptions.checkpoint}), with its index. */
  checkpoint?: { everyMs: number; save: (index: number, member: TrainedClassifier) => void | Promise<void> };
}

export interface MemberSummary {
  index: number;
  seed: number;
  accuracy: number;
  macroF1: number;
  /** Per-crop (per-segment) test accuracy, when a track has several (CNN crops, segment models). */
  cropAccuracy?: number;
  trainMs: number;
  meanEpochMs: number;
  epochsRun: number;
  cancelled: boolean;
  /** See `TrainResult.cancelledIn` (the training loop's result). */
  cancelledIn?: string;
}

export interface EnsembleResult {
  members: MemberSummary[];
  /** Mean and population std of the members' track-level test accuracy. */
  meanAccuracy: number;
  stdAccuracy: number;
  majority: EvaluationResult;
  meanProbability: EvaluationResult;
  trackIds: string[];
  /**
   * Per test track: the headline vote's genre (mean probability with several members, else the
   * single member's) and the members' mean probability for it.
   */
  predictions: PredictionList;
  genres: string[];
  splitDescription: string;
  /** Present when `keepMembers`; the caller disposes them. */
  classifiers?: TrainedClassifier[];
  /** True when the cancel token stopped the run; results cover the members finished so far. */
  cancelled: boolean;
  trainMs: number;
}

/**
 * Train `members` classifiers with derived seeds and combine them on the shared test tracks.
 * Like {@link trainClassifier}, an explicit `split` (e.g. one fold of a cross-validation) takes
 * precedence over `opts.split`.
 */
export async function trainEnsemble(data: TrainingData, opts: EnsembleOptions, explicitSplit?: Split): Promise<EnsembleResult> {
  const ds = trackTableOf(data);
  if (!(Number.isInteger(opts.members) && opts.members >= 1)) throw new LabError('bad-argument', `Ensemble size must be a positive integer, got ${opts.members}`);
  const split = explicitSplit ?? resolveSplit(ds, opts.split);
  const members: MemberSummary[] = [];
  const kept: TrainedClassifier[] = [];
  const preds: Int32Array[] = [];
  const probs: Float32Array[] = [];
  let trackIds: string[] = [];
  let cancelled = false;
  const t0 = performance.now();
  for (let i = 0; i < opts.members; i++) {
    if (opts.cancel?.cancelled) {
      cancelled = true;
      break;
    }
    const seed = opts.members === 1 ? opts.seed : deriveSeed(opts.seed, i);
    const checkpoint = opts.checkpoint;
    const c = await trainOnData(data, { ...opts, seed, checkpoint: checkpoint && { everyMs: checkpoint.everyMs, save: (m) => checkpoint.save(i, m) } }, split);
    try {
      if (i === 0) trackIds = c.test.trackIds;
      else if (c.test.trackIds.join('\n') !== trackIds.join('\n')) throw new LabError('internal', 'Ensemble members were tested on different tracks.');
      preds.push(c.test.yPred);
      probs.push(c.test.trackProbabilities);
      const summary: MemberSummary = {
        index: i,
        seed,
        accuracy: c.test.evaluation.accuracy,
        macroF1: c.test.evaluation.macroF1,
        cropAccuracy: c.test.segmentEvaluation?.accuracy,
        trainMs: c.train.trainMs,
        meanEpochMs: c.train.meanEpochMs,
        epochsRun: c.train.epochsRun,
        cancelled: c.train.cancelled,
        cancelledIn: c.train.cancelledIn,
      };
      members.push(summary);
      await opts.onMember?.(i, summary, c);
      if (c.train.cancelled) cancelled = true;
    } finally {
      if (opts.keepMembers) kept.push(c);
      else c.dispose();
    }
    if (cancelled) break;
  }
  if (members.length === 0) throw new LabError('cancelled', 'Ensemble cancelled before any member finished.');
  const k = ds.genres.length;
  const yTrue = evaluatedTruth(ds, trackIds);
  const accs = members.map((m) => m.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  const majority = majorityVote(preds, k, probs);
  const byMean = meanProbabilityVote(probs, k);
  return {
    members,
    meanAccuracy: mean,
    stdAccuracy: std,
    majority: evaluatePredictions(yTrue, majority, ds.genres),
    meanProbability: evaluatePredictions(yTrue, byMean, ds.genres),
    trackIds,
    predictions: trackListFromProbabilities(ds, trackIds, members.length > 1 ? byMean : majority, averageProbabilities(probs)),
    genres: [...ds.genres],
    splitDescription: split.description,
    classifiers: opts.keepMembers ? kept : undefined,
    cancelled,
    trainMs: performance.now() - t0,
  };
}

function evaluatedTruth(ds: Dataset, trackIds: string[]): Int32Array {
  const labelOf = new Map<string, number>();
  for (let r = 0; r < ds.nRows; r++) labelOf.set(ds.trackIds[r] as string, ds.labels[r] as number);
  return Int32Array.from(trackIds, (t) => labelOf.get(t) as number);
}
