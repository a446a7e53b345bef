/**
 * Prediction with a trained network: class probabilities, argmax, loss/accuracy on labelled
 * samples, and the track-level test of a run (segment models vote per track).
 */
import * as tf from '@tensorflow/tfjs';
import { groupByTrack, type Dataset } from '../data/dataset';
import { evaluatePredictions, voteByTrack, type EvaluationResult } from '../eval/metrics';
import { sampleSize, type TensorData } from './batches';
import { buildInputs, type RunPart } from './inputs';
import { isSequenceInput, type InputSpec } from './inputSpec';
import type { Network } from './network';

/** Class probabilities for every sample (row-major n × nClasses), in batches, no dropout. */
export function predictProbabilities(net: Network, data: Pick<TensorData, 'x' | 'sampleShape'>, batchSize = 256): Float32Array {
  const per = sampleSize(data.sampleShape);
  const n = data.x.length / per;
  const out = new Float32Array(n * net.nClasses);
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const probs = tf.tidy(() => tf.softmax(net.forward(tf.tensor(data.x.subarray(s * per, e * per), [e - s, ...data.sampleShape]), false)));
    out.set(probs.dataSync() as Float32Array, s * net.nClasses);
    probs.dispose();
  }
  return out;
}

/** Index of the largest probability per row. */
export function argmaxRows(probs: Float32Array | Float64Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Mean cross-entropy and accuracy of the network on `data` (no dropout). */
export function evaluateNetwork(net: Network, data: TensorData): { loss: number; accuracy: number } {
  const k = net.nClasses;
  const probs = predictProbabilities(net, data);
  let loss = 0;
  let correct = 0;
  const pred = argmaxRows(probs, k);
  for (let i = 0; i < data.y.length; i++) {
    const c = data.y[i] as number;
    loss -= Math.log(Math.max(probs[i * k + c] as number, 1e-12));
    if (pred[i] === c) correct++;
  }
  return { loss: loss / data.y.length, accuracy: correct / data.y.length };
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

/** Track-level test result of a trained network on prepared rows (see prepareRunInputs). */
export function testOnPart(ds: Dataset, network: Network, spec: InputSpec, part: Pick<RunPart, 'rows' | 'tracks' | 'inputs'>): TestResult {
  const k = spec.genres.length;
  const { rows, inputs } = part;
  const probs = predictProbabilities(network, inputs);
  if (isSequenceInput(spec)) {
    const yPred = argmaxRows(probs, k);
    return { trackIds: inputs.trackIds ?? [], yTrue: inputs.y, yPred, trackProbabilities: probs, evaluation: evaluatePredictions(inputs.y, yPred, spec.genres) };
  }
  const segPred = argmaxRows(probs, k);
  const voted = voteByTrack(ds, rows, segPred, probs, part.tracks);
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

/** Track-level test result of a trained network on `rows` of `ds` (grouped here). */
export function evaluateOnRows(ds: Dataset, rows: ArrayLike<number>, network: Network, spec: InputSpec, short: 'drop' | 'pad' = 'drop'): TestResult {
  const tracks = groupByTrack(ds, rows);
  return testOnPart(ds, network, spec, { rows, tracks, inputs: buildInputs(ds, rows, spec, short, tracks) });
}
