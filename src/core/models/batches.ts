/**
 * Samples and training batches: the TensorData a network trains on, the checks that it fits the
 * network, and one batch's inputs and targets — label smoothing, distillation blending and mixup.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { randomBeta, shuffleInPlace } from '../random';
import type { Network } from './network';

/** Samples for a network: `x` is row-major n × prod(sampleShape). */
export interface TensorData {
  x: Float32Array;
  y: Int32Array;
  /** Per-sample shape, `[features]` or `[steps, features]`. */
  sampleShape: number[];
  /** Teacher probabilities per sample (n × classes), for distillation; see `distillWeight`. */
  soft?: Float32Array;
}

/**
 * Samples made on the fly, batch by batch, instead of held as one array (spectrogram crops: a
 * 1000-track set's crops of 30 epochs would not fit a worker's memory). Sample i of every epoch
 * has the fixed label `y[i]`; what it contains (which crop of its track) is drawn per epoch.
 */
export interface SampleSource {
  /** Per-sample shape, e.g. `[bands, frames, 1]`. */
  sampleShape: number[];
  /** Labels of the samples of one epoch; the epoch has `y.length` samples. */
  y: Int32Array;
  /** Called at the start of every epoch (1-based), before any batch of it is filled. */
  beginEpoch(epoch: number): void;
  /** Write the samples `idx[from..to)` into `out`, row-major, one after another. */
  fill(idx: ArrayLike<number>, from: number, to: number, out: Float32Array): void;
}

/** What a network trains on: samples held in memory, or made batch by batch. */
export type TrainingSamples = TensorData | SampleSource;

export function isSampleSource(d: TrainingSamples): d is SampleSource {
  return typeof (d as SampleSource).fill === 'function';
}

/** Values per sample: the product of the sample shape. */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The number of samples in `data`, after checking it fits `net` (shape, length, labels). */
export function checkData(net: Network, data: TrainingSamples, what: string): number {
  const per = sampleSize(data.sampleShape);
  const n = data.y.length;
  if (data.sampleShape.join('×') !== net.inputShape.join('×'))
    throw new LabError('bad-argument', `${what}: samples are ${data.sampleShape.join('×')} but the model expects ${net.inputShape.join('×')}.`);
  if (!isSampleSource(data) && data.x.length !== n * per) throw new LabError('bad-argument', `${what}: ${data.x.length} values for ${n} samples of ${per}.`);
  for (let i = 0; i < n; i++) {
    const c = data.y[i] as number;
    if (!(c >= 0 && c < net.nClasses)) throw new LabError('bad-argument', `${what}: label ${c} outside 0..${net.nClasses - 1}.`);
  }
  if (n === 0) throw new LabError('bad-argument', `${what}: no samples.`);
  return n;
}

/** Mixup of one batch: λ and, for each sample, the batch position it is blended with. */
export interface MixPlan {
  lambda: number;
  partner: Int32Array;
}

/**
 * Draw one batch's mixup plan from `rng`: first the partners (a shuffle of the batch positions),
 * then λ ~ Beta(α, α). The order of the draws is part of a seeded run's identity.
 */
export function planMixup(rng: () => number, batchSamples: number, alpha: number): MixPlan {
  const partner = Int32Array.from(shuffleInPlace(Array.from({ length: batchSamples }, (_, j) => j), rng));
  return { lambda: randomBeta(rng, alpha, alpha), partner };
}

/**
 * Inputs and targets of the samples `idx[from..to)`. Targets are the one-hot labels smoothed with
 * ε = `smoothing` ((1 − ε)·onehot + ε/k), blended with the teacher probabilities `data.soft` by
 * weight `distill` ((1 − w)·target + w·teacher), then mixed by `mix` when given.
 */
export function gatherBatch(data: TrainingSamples, idx: ArrayLike<number>, from: number, to: number, nClasses: number, smoothing = 0, mix?: MixPlan, distill = 0): { x: tf.Tensor; y: tf.Tensor2D } {
  const per = sampleSize(data.sampleShape);
  const nb = to - from;
  const xb = new Float32Array(nb * per);
  const yb = new Float32Array(nb * nClasses);
  const source = isSampleSource(data) ? data : undefined;
  source?.fill(idx, from, to, xb);
  const soft = source ? undefined : (data as TensorData).soft;
  for (let j = 0; j < nb; j++) {
    const r = idx[from + j] as number;
    if (!source) xb.set((data as TensorData).x.subarray(r * per, (r + 1) * per), j * per);
    if (smoothing > 0) yb.fill(smoothing / nClasses, j * nClasses, (j + 1) * nClasses);
    yb[j * nClasses + (data.y[r] as number)] = 1 - smoothing + smoothing / nClasses;
    if (soft && distill > 0)
      for (let c = 0; c < nClasses; c++) yb[j * nClasses + c] = (1 - distill) * (yb[j * nClasses + c] as number) + distill * (soft[r * nClasses + c] as number);
  }
  if (!mix) return { x: tf.tensor(xb, [nb, ...data.sampleShape]), y: tf.tensor2d(yb, [nb, nClasses]) };
  const { lambda, partner } = mix;
  const xm = new Float32Array(nb * per);
  const ym = new Float32Array(nb * nClasses);
  for (let j = 0; j < nb; j++) {
    const p = partner[j] as number;
    for (let f = 0; f < per; f++) xm[j * per + f] = lambda * (xb[j * per + f] as number) + (1 - lambda) * (xb[p * per + f] as number);
    for (let c = 0; c < nClasses; c++) ym[j * nClasses + c] = lambda * (yb[j * nClasses + c] as number) + (1 - lambda) * (yb[p * nClasses + c] as number);
  }
  return { x: tf.tensor(xm, [nb, ...data.sampleShape]), y: tf.tensor2d(ym, [nb, nClasses]) };
}
