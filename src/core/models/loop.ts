/**
 * The training loop every neural model uses: seeded shuffling (our RNG) and dropout, Adam on
 * softmax cross-entropy, per-epoch metrics for live curves, progress with ETA, cancellation within
 * one batch, optional early stopping, and best-weights restore.
 *
 * It is a custom step ({@link FlatAdam} over {@link Network.forward}) rather than
 * `model.fit`: measured on the NTNU 10 s LSTM (792 × 3 × 63, batch 32, Node wasm) it is
 * several times faster — see bench/train.ts for the numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, LabError, type CancelToken } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import type { Network } from './network';
import { DEFAULT_DISTILL_WEIGHT } from './defaults';
import { checkData, gatherBatch, isSampleSource, planMixup, type TensorData, type TrainingSamples } from './batches';
import { FlatAdam, learningRateAt } from './optimizer';
import { evaluateNetwork } from './predict';
import { nextTick } from '../yield';
import { hasFusedKernels, runSoftmaxCrossEntropy, runSoftmaxCrossEntropyGrad } from './fusedKernels';

export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  epochMs: number;
  /** Which part of a longer run (see {@link TrainProgress.stage}). */
  stage?: string;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  /** 0..1 over the whole run. */
  fraction: number;
  elapsedMs: number;
  /** Estimated time left, from the mean batch time so far. */
  etaMs: number;
  /** Which part of a longer run this is, e.g. "teacher 2 of 4" or "student" (distillation). */
  stage?: string;
  /**
   * Size of the wasm backend's memory where the network trains (the training worker adds it, see
   * tfBackend's backendMemory): it grows to the largest step's need and never shrinks.
   */
  wasmHeapBytes?: number;
}

export interface TrainOptions {
  epochs: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam learning rate; default 1e-3. */
  learningRate?: number;
  /** Decoupled weight decay (AdamW style) on weight matrices, per step: w ← w·(1 − lr·wd); default 0. */
  weightDecay?: number;
  /** Label smoothing ε: targets become (1 − ε)·onehot + ε/k; default 0. */
  labelSmoothing?: number;
  /** Seeds shuffling and dropout masks (weights are seeded when the network is built). */
  seed: number;
  /** Held-out data for val metrics and early stopping (never the test set). */
  validation?: TensorData;
  /** Stop when the monitored value has not improved for `patience` epochs; restore the best weights. */
  earlyStopping?: { patience: number; monitor?: 'valLoss' | 'valAccuracy' };
  /** Restore the weights of the best epoch at the end (by the monitor, or train loss without validation). Default: true with early stopping, else false. */
  restoreBest?: boolean;
  /** Std of Gaussian noise added to the (z-scored) inputs of each training batch; default 0. */
  inputNoise?: number;
  /**
   * With teacher probabilities (`data.soft`): the targets are (1 − w)·(smoothed one-hot) + w·teacher;
   * default {@link DEFAULT_DISTILL_WEIGHT}.
   */
  distillWeight?: number;
  /**
   * Learning-rate schedule: `constant` (default) or `cosine` — lr·½(1 + cos(π·step/steps)) over
   * the whole run, reaching 0 at the last batch.
   */
  schedule?: 'constant' | 'cosine';
  /**
   * Linear learning-rate warm-up over the first `warmupEpochs` epochs (Goyal et al. 2017): batch
   * j (0-based) of the warm-up runs at (j + 1) / warm-up batches × the scheduled rate; default 0.
   */
  warmupEpochs?: number;
  /**
   * Mixup α (Zhang et al. 2018): each batch is blended with a shuffled copy of itself, inputs and
   * targets alike, with λ ~ Beta(α, α) drawn per batch; default 0 = off.
   */
  mixup?: number;
  /**
   * Stochastic weight averaging: end with the mean of the weights after each of the last `k`
   * epochs (ignored when best weights are restored); default 0 = off.
   */
  averageLastEpochs?: number;
  cancel?: CancelToken;
  onEpoch?: (m: EpochMetrics) => void;
  /**
   * Checkpoints: at the end of an epoch, when at least `everyMs` have passed since the last one
   * (or since the start) and a better epoch (by the monitor: validation loss or accuracy, else
   * train loss) has come since, `save` is called while the network holds the best weights so far
   * — the ones a cancel would keep — then training goes on from where it was. A returned promise
   * is awaited. `now` is the clock the interval is measured on (default performance.now; a test
   * passes its own so when checkpoints fall does not depend on how busy the machine is).
   */
  checkpoint?: { everyMs: number; save: (bestEpoch: number, history: readonly EpochMetrics[]) => void | Promise<void>; now?: () => number };
  onProgress?: (p: TrainProgress) => void;
  /** Yield to the event loop at least this often so cancel messages get through; default 50 ms. */
  yieldEveryMs?: number;
}

export interface TrainResult {
  history: EpochMetrics[];
  epochsRun: number;
  /** Epoch (1-based) whose weights the network holds at the end. */
  weightsFromEpoch: number;
  stoppedEarly: boolean;
  /** True when the cancel token stopped training; the network holds the best weights so far. */
  cancelled: boolean;
  /**
   * Set when a distilled model was cancelled while one of its teachers trained ("teacher 2 of 4"):
   * the network is then that teacher, not a distilled model.
   */
  cancelledIn?: string;
  trainMs: number;
  meanEpochMs: number;
}

/**
 * Mean cross-entropy of softmax(logits) against the (soft) targets. On wasm and cpu one kernel
 * each way (fusedKernels.ts) with the same values as these ~10 ops and their ~15 gradient ops.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  if (hasFusedKernels()) return softmaxCrossEntropyFused(logits, oneHot);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** {@link softmaxCrossEntropy} as one op (the targets get no gradient). */
function softmaxCrossEntropyFused(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const op = tf.customGrad(((...args: unknown[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [loss, logSoftmax] = runSoftmaxCrossEntropy(z, targets) as [tf.Scalar, tf.Tensor];
    save([logSoftmax]);
    return { value: loss, gradFunc: (dy: tf.Tensor, [ls]: tf.Tensor[]) => [runSoftmaxCrossEntropyGrad(dy, ls as tf.Tensor, targets)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (z: tf.Tensor) => tf.Scalar;
  return op(logits);
}

function countCorrect(logits: ArrayLike<number>, y: Int32Array, order: number[], from: number, to: number, k: number): number {
  let correct = 0;
  for (let j = 0; j < to - from; j++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((logits[j * k + c] as number) > (logits[j * k + best] as number)) best = c;
    if (best === y[order[from + j] as number]) correct++;
  }
  return correct;
}

/** The weights and the non-trainable state (batch norm's moving statistics belong to the weights they were measured with). */
function snapshot(net: Network): tf.Tensor[] {
  return [...net.variables, ...net.state].map((v) => tf.clone(v));
}

function restore(net: Network, saved: tf.Tensor[]): void {
  [...net.variables, ...net.state].forEach((v, i) => v.assign(saved[i] as tf.Tensor));
}


/**
 * Train `net` in place. Resolves when done, stopped early, or cancelled (then `cancelled` is true
 * and the network holds the best weights seen so far, by the monitor or by train loss). Throws
 * {@link CancelledError} only when cancelled before the first epoch finished and
 * no weights worth keeping exist.
 */
export async function trainNetwork(net: Network, data: TrainingSamples, opts: TrainOptions): Promise<TrainResult> {
  const n = checkData(net, data, 'Training data');
  if (opts.validation) checkData(net, opts.validation, 'Validation data');
  const epochs = opts.epochs;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new LabError('bad-argument', `Epochs must be a positive integer, got ${epochs}`);
  const batchSize = opts.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new LabError('bad-argument', `Batch size must be a positive integer, got ${batchSize}`);
  const monitor = opts.validation ? (opts.earlyStopping?.monitor ?? 'valLoss') : 'trainLoss';
  if (opts.earlyStopping && !opts.validation) throw new LabError('bad-argument', 'Early stopping needs validation data (a held-out part of the training tracks).');
  const restoreBest = opts.restoreBest ?? Boolean(opts.earlyStopping);
  const yieldEveryMs = opts.yieldEveryMs ?? 50;

  const rng = createRng(deriveSeed(opts.seed, 1000));
  const learningRate = opts.learningRate ?? 1e-3;
  const weightDecay = opts.weightDecay ?? 0;
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(weightDecay >= 0) || !(smoothing >= 0 && smoothing < 1)) throw new LabError('bad-argument', 'Weight decay must be ≥ 0 and label smoothing in [0, 1).');
  if (!(learningRate > 0)) throw new LabError('bad-argument', `Learning rate must be positive, got ${learningRate}`);
  // Decay applies to matrices (kernels), not to biases or normalisation gains, as in AdamW practice.
  const decayed = net.variables.filter((v) => v.shape.length >= 2);
  const inputNoise = opts.inputNoise ?? 0;
  const mixup = opts.mixup ?? 0;
  const distillWeight = opts.distillWeight ?? DEFAULT_DISTILL_WEIGHT;
  if (!(distillWeight >= 0 && distillWeight <= 1)) throw new LabError('bad-argument', `The distillation weight must be in [0, 1], got ${distillWeight}`);
  const soft = isSampleSource(data) ? undefined : data.soft;
  if (soft && soft.length !== n * net.nClasses) throw new LabError('bad-argument', `Teacher probabilities: ${soft.length} values for ${n} samples of ${net.nClasses} classes.`);
  const schedule = opts.schedule ?? 'constant';
  if (!(mixup >= 0) || (schedule !== 'constant' && schedule !== 'cosine')) throw new LabError('bad-argument', 'Mixup α must be ≥ 0 and the schedule constant or cosine.');
  const averageLast = opts.averageLastEpochs ?? 0;
  const warmupEpochs = opts.warmupEpochs ?? 0;
  if (!(warmupEpochs >= 0 && warmupEpochs <= epochs)) throw new LabError('bad-argument', `Warm-up must be between 0 and ${epochs} epochs, got ${warmupEpochs}`);
  let swa: tf.Tensor[] | undefined;
  let swaCount = 0;
  const order = Array.from({ length: n }, (_, i) => i);
  const batchesPerEpoch = Math.ceil(n / batchSize);
  const totalBatches = batchesPerEpoch * epochs;
  const warmupBatches = Math.round(warmupEpochs * batchesPerEpoch);
  const history: EpochMetrics[] = [];
  let best: tf.Tensor[] | undefined;
  let bestScore = Infinity;
  let bestEpoch = 0;
  let since = 0;
  let stoppedEarly = false;
  let cancelled = false;
  let batchesDone = 0;
  const t0 = performance.now();
  let lastYield = t0;
  const checkpointClock = opts.checkpoint?.now ?? (() => performance.now());
  let lastCheckpoint = checkpointClock();
  let checkpointedEpoch = 0;
  // Created last, right before the try whose finally disposes it.
  const optimizer = new FlatAdam(net.variables, learningRate);

  const score = (m: EpochMetrics): number =>
    monitor === 'valAccuracy' ? -(m.valAccuracy as number) : monitor === 'valLoss' ? (m.valLoss as number) : m.trainLoss;

  try {
    outer: for (let epoch = 1; epoch <= epochs; epoch++) {
      const te = performance.now();
      shuffleInPlace(order, rng);
      // A sample source draws this epoch's samples (its own seeded stream: the shuffle's is untouched).
      if (isSampleSource(data)) data.beginEpoch(epoch);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (opts.cancel?.cancelled) {
          cancelled = true;
          break outer;
        }
        const from = b * batchSize;
        const to = Math.min(n, from + batchSize);
        const mix = mixup > 0 ? planMixup(rng, to - from, mixup) : undefined;
        optimizer.learningRate = learningRateAt(schedule, learningRate, batchesDone, totalBatches);
        if (batchesDone < warmupBatches) optimizer.learningRate *= (batchesDone + 1) / warmupBatches;
        const batch = gatherBatch(data, order, from, to, net.nClasses, smoothing, mix, soft ? distillWeight : 0);
        const dropoutSeed = Math.floor(rng() * 2 ** 31);
        const y = batch.y;
        let x = batch.x;
        if (inputNoise > 0) {
          x = tf.tidy(() => tf.add(batch.x, tf.randomNormal(batch.x.shape, 0, inputNoise, 'float32', dropoutSeed + 1)));
          batch.x.dispose();
        }
        let logits: tf.Tensor2D | undefined;
        const loss = optimizer.minimize(() => {
          logits = tf.keep(net.forward(x, true, dropoutSeed));
          return softmaxCrossEntropy(logits, y);
        });
        // One read-back per batch (loss + logits): the values feed the epoch metrics, and the
        // train accuracy is counted here rather than with five more kernels.
        lossSum += loss.dataSync()[0]! * (to - from);
        const lv = (logits as tf.Tensor2D | undefined)?.dataSync();
        if (lv) correct += countCorrect(lv, data.y, order, from, to, net.nClasses);
        loss.dispose();
        logits?.dispose();
        if (weightDecay > 0) tf.tidy(() => decayed.forEach((v) => v.assign(tf.mul(v, 1 - optimizer.learningRate * weightDecay))));
        x.dispose();
        y.dispose();
        batchesDone++;
        const now = performance.now();
        if (opts.onProgress) {
          const elapsedMs = now - t0;
          opts.onProgress({
            epoch,
            epochs,
            batch: b + 1,
            batchesPerEpoch,
            fraction: batchesDone / totalBatches,
            elapsedMs,
            etaMs: (elapsedMs / batchesDone) * (totalBatches - batchesDone),
          });
        }
        if (now - lastYield >= yieldEveryMs) {
          await nextTick();
          lastYield = performance.now();
        }
      }
      if (averageLast > 0 && epoch > epochs - averageLast) {
        if (!swa) swa = net.variables.map((v) => tf.keep(tf.zerosLike(v)));
        swa.forEach((acc, i) => {
          const next = tf.tidy(() => tf.add(acc, net.variables[i] as tf.Variable));
          acc.dispose();
          (swa as tf.Tensor[])[i] = next;
        });
        swaCount++;
      }
      const m: EpochMetrics = { epoch, trainLoss: lossSum / n, trainAccuracy: correct / n, epochMs: 0 };
      if (opts.validation) {
        const v = evaluateNetwork(net, opts.validation);
        m.valLoss = v.loss;
        m.valAccuracy = v.accuracy;
      }
      m.epochMs = performance.now() - te;
      history.push(m);
      opts.onEpoch?.(m);
      const s = score(m);
      if (s < bestScore) {
        bestScore = s;
        bestEpoch = epoch;
        since = 0;
        // Snapshots cost one copy of the weights; only taken when they may be restored.
        if (restoreBest || opts.cancel || opts.checkpoint) {
          best?.forEach((t) => t.dispose());
          best = snapshot(net);
        }
      } else if (opts.earlyStopping && ++since >= opts.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
      if (opts.checkpoint && bestEpoch > checkpointedEpoch && checkpointClock() - lastCheckpoint >= opts.checkpoint.everyMs) {
        // The best epoch may lie behind: save its weights, then carry on from the current ones.
        const current = bestEpoch === epoch ? undefined : snapshot(net);
        try {
          if (current) restore(net, best as tf.Tensor[]);
          await opts.checkpoint.save(bestEpoch, history);
        } finally {
          if (current) {
            restore(net, current);
            current.forEach((t) => t.dispose());
          }
        }
        checkpointedEpoch = bestEpoch;
        // Measured after saving, so a slow save cannot take most of the training time.
        lastCheckpoint = checkpointClock();
      }
    }
    let weightsFromEpoch = history.length;
    if (swa && swaCount > 0 && !cancelled && !restoreBest) {
      net.variables.forEach((v, i) => v.assign(tf.tidy(() => tf.div((swa as tf.Tensor[])[i] as tf.Tensor, swaCount))));
    }
    // After a cancel the weights are mid-epoch: always go back to the best completed epoch.
    if (best && (cancelled || (restoreBest && bestEpoch !== history.length))) {
      restore(net, best);
      weightsFromEpoch = bestEpoch;
    }
    if (cancelled && history.length === 0) throw new CancelledError('Training cancelled before the first epoch finished');
    const trainMs = performance.now() - t0;
    return {
      history,
      epochsRun: history.length,
      weightsFromEpoch,
      stoppedEarly,
      cancelled,
      trainMs,
      meanEpochMs: history.length ? history.reduce((a, h) => a + h.epochMs, 0) / history.length : 0,
    };
  } finally {
    best?.forEach((t) => t.dispose());
    swa?.forEach((t) => t.dispose());
    optimizer.dispose();
  }
}
