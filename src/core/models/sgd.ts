/**
 * Linear classifier trained by stochastic gradient descent, as scikit-learn's `SGDClassifier` with
 * its defaults: hinge loss (a linear SVM), L2 penalty α = 1e-4, intercept, the 'optimal' learning
 * rate, at most 1000 epochs, stopping when the epoch's summed loss has not dropped below the best
 * by tol · nRows (tol 1e-3) for 5 epochs in a row, rows shuffled every epoch, one-vs-all
 * (linearOvr.ts). Per row, in scikit-learn's order (`_plain_sgd`):
 *
 *   η = 1 / (α (t₀ + t − 1)),  t = 1, 2, … counted over all epochs;
 *   p = w·x + b;  loss += max(0, 1 − y p);  g = −y if y p ≤ 1 else 0 (the hinge's dloss);
 *   w ← (1 − η α) w − η g x;  b ← b − η g   (the intercept is not penalised).
 *
 * t₀ is Bottou's heuristic as scikit-learn computes it: typw = √(1/√α), η₀ = typw / max(1,
 * −dloss(−typw, 1)) and t₀ = 1 / (η₀ α), so the first row sees η = η₀.
 *
 * Shuffles are seeded (problem p uses `deriveSeed(seed, p)`); scikit-learn's generator differs, so
 * weights match its in distribution, not digit for digit.
 */
import { matrixRows } from '../data/dataset';
import { LabError, type CancelToken } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { fitOneVsRest, type LinearOvrModel } from './linearOvr';

export interface SgdOptions {
  /** L2 strength (scikit-learn `alpha`, default 1e-4). */
  alpha?: number;
  /** Maximum epochs (default 1000). */
  maxIter?: number;
  /** Stopping tolerance on the summed epoch loss (default 1e-3; null = run every epoch). */
  tol?: number | null;
  /** Epochs without improvement before stopping (default 5). */
  nIterNoChange?: number;
  /** Shuffle rows every epoch (default true). */
  shuffle?: boolean;
  seed?: number;
}

export interface SgdModel extends LinearOvrModel {
  kind: 'sgd';
  /** Epochs run per binary problem. */
  epochs: number[];
}

/** Hinge loss' dloss/dp at margin y·p (scikit-learn's Hinge with threshold 1). */
const hingeDloss = (p: number, y: number) => (p * y <= 1 ? -y : 0);

/** t₀ of the 'optimal' schedule for the hinge loss (scikit-learn's `optimal_init`). */
export function optimalInit(alpha: number): number {
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const eta0 = typw / Math.max(1, hingeDloss(-typw, 1));
  return 1 / (eta0 * alpha);
}

/** The 'optimal' learning rate at step t (t = 1 for the first row): 1 / (α (t₀ + t − 1)). */
export function optimalLearningRate(alpha: number, t0: number, t: number): number {
  return 1 / (alpha * (t0 + t - 1));
}

/**
 * One binary problem (labels +1/−1) by plain SGD with the hinge loss.
 * @returns weights, intercept and the epochs run
 */
export function sgdBinary(X: Float64Array, yPm: Int8Array, nFeatures: number, o: Required<Omit<SgdOptions, 'seed' | 'tol'>> & { tol: number | null }, rng: () => number): { w: Float64Array; b: number; epochs: number } {
  const n = yPm.length;
  const d = nFeatures;
  const w = new Float64Array(d);
  let wscale = 1; // w is stored as wscale · w, so the L2 shrink costs O(1) per row (as scikit-learn)
  let b = 0;
  const t0 = optimalInit(o.alpha);
  let t = 1;
  const order = Array.from({ length: n }, (_, i) => i);
  let bestLoss = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  while (epoch < o.maxIter) {
    epoch++;
    if (o.shuffle) shuffleInPlace(order, rng);
    let sumLoss = 0;
    for (let q = 0; q < n; q++) {
      const r = order[q]!;
      const off = r * d;
      let dot = 0;
      for (let f = 0; f < d; f++) dot += w[f]! * X[off + f]!;
      const p = dot * wscale + b;
      const y = yPm[r]!;
      const eta = optimalLearningRate(o.alpha, t0, t);
      sumLoss += Math.max(0, 1 - p * y);
      const update = -eta * hingeDloss(p, y);
      wscale *= Math.max(0, 1 - eta * o.alpha);
      if (wscale < 1e-9) {
        // Fold the scale into w before it underflows (a shrink to 0 zeroes w), as scikit-learn.
        for (let f = 0; f < d; f++) w[f]! *= wscale;
        wscale = 1;
      }
      if (update !== 0) {
        for (let f = 0; f < d; f++) w[f]! += (update * X[off + f]!) / wscale;
        b += update;
      }
      t++;
    }
    if (!Number.isFinite(b) || w.some((v) => !Number.isFinite(v)))
      throw new LabError('non-finite', `SGD diverged in epoch ${epoch}: scale the features (z-score or min-max) or raise alpha.`);
    if (o.tol !== null) {
      if (sumLoss > bestLoss - o.tol * n) noImprovement++;
      else noImprovement = 0;
      if (sumLoss < bestLoss) bestLoss = sumLoss;
      if (noImprovement >= o.nIterNoChange) break;
    }
  }
  for (let f = 0; f < d; f++) w[f]! *= wscale;
  return { w, b, epochs: epoch };
}

/**
 * Fit an SGD classifier (hinge loss, one-vs-all).
 * @param X training matrix, row-major nRows × nFeatures (scale it: SGD's steps assume unit-scale features)
 */
export function trainSgd(X: Float64Array, y: Int32Array, nFeatures: number, nClasses: number, options: SgdOptions = {}, cancel?: CancelToken, onProgress?: (fraction: number) => void): SgdModel {
  const o = {
    alpha: options.alpha ?? 1e-4,
    maxIter: options.maxIter ?? 1000,
    tol: options.tol === undefined ? 1e-3 : options.tol,
    nIterNoChange: options.nIterNoChange ?? 5,
    shuffle: options.shuffle ?? true,
  };
  const seed = options.seed ?? 0;
  if (!(o.alpha > 0 && Number.isFinite(o.alpha))) throw new LabError('bad-argument', `alpha must be a positive number, got ${o.alpha}`);
  if (!Number.isInteger(o.maxIter) || o.maxIter < 1) throw new LabError('bad-argument', `max_iter must be a whole number ≥ 1, got ${o.maxIter}`);
  const n = matrixRows(X, nFeatures);
  if (n !== y.length) throw new LabError('bad-argument', `Matrix has ${n} rows but there are ${y.length} labels`);
  const epochs: number[] = [];
  const model = fitOneVsRest(
    y,
    nFeatures,
    nClasses,
    (yPm, p) => {
      const r = sgdBinary(X, yPm, nFeatures, o, createRng(deriveSeed(seed, p)));
      epochs.push(r.epochs);
      return r;
    },
    cancel,
    onProgress,
  );
  return { ...model, kind: 'sgd', epochs };
}
