/**
 * What the lab's one-vs-rest linear models share (LinearSVC-like SVM, SGD classifier): one
 * weight vector and intercept per genre, scikit-learn's multi-class rules and its probability
 * estimate for models without one of their own.
 *
 * - More than two genres: one binary problem per genre (its rows +1, all others −1); the predicted
 *   genre is the argmax of the decision values, ties going to the genre listed first.
 * - Two genres: a single binary problem with the second genre as +1, as scikit-learn fits it;
 *   its decision f is reported as (−f, f), so the argmax rule gives `classes_[f > 0]`.
 * - Probabilities: scikit-learn's `_predict_proba_lr` — the logistic function of each genre's
 *   decision, normalised to sum 1 (for two genres, 1 − σ(f) and σ(f)). It is monotone in the
 *   decision, so its argmax is the prediction. It is not a calibrated probability.
 */
import { matrixRows } from '../data/dataset';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';

export interface LinearOvrModel {
  nFeatures: number;
  nClasses: number;
  /** Row-major nClasses × nFeatures weights (the binary case: row of the second genre, first row its negation). */
  coef: Float64Array;
  intercept: Float64Array;
  /** Genres with no training rows: they never win (decision −∞). */
  absent: Int32Array;
}

/** Fits one binary problem: labels +1/−1 per row; returns weights and intercept. */
export type BinaryLinearFit = (yPm: Int8Array, problem: number) => { w: Float64Array; b: number };

/**
 * One-vs-rest over the genres present in `y` (a single problem when two are present).
 * @param fit fits one binary problem; `problem` numbers the problems (seed them with it)
 */
export function fitOneVsRest(y: Int32Array, nFeatures: number, nClasses: number, fit: BinaryLinearFit, cancel?: CancelToken, onProgress?: (fraction: number) => void): LinearOvrModel {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < nClasses)) throw new LabError('bad-argument', `Label ${c} at row ${i} is outside 0…${nClasses - 1}`);
    counts[c]!++;
  }
  const present = Array.from(counts.keys()).filter((c) => counts[c]! > 0);
  if (present.length < 2) throw new LabError('bad-argument', 'A linear classifier needs training rows of at least two genres.');
  const coef = new Float64Array(nClasses * nFeatures);
  const intercept = new Float64Array(nClasses).fill(-Infinity);
  const binary = present.length === 2;
  const targets = binary ? [present[1]!] : present;
  targets.forEach((c, p) => {
    throwIfCancelled(cancel);
    const yPm = Int8Array.from(y, (v) => (v === c ? 1 : -1));
    const { w, b } = fit(yPm, p);
    coef.set(w, c * nFeatures);
    intercept[c] = b;
    if (binary) {
      const other = present[0]!;
      for (let f = 0; f < nFeatures; f++) coef[other * nFeatures + f] = -w[f]!;
      intercept[other] = -b;
    }
    onProgress?.((p + 1) / targets.length);
  });
  const absent = Int32Array.from(Array.from(counts.keys()).filter((c) => counts[c] === 0));
  return { nFeatures, nClasses, coef, intercept, absent };
}

/** Decision values, row-major nRows × nClasses (−∞ for genres without training rows). */
export function linearDecisions(model: LinearOvrModel, X: Float64Array): Float64Array {
  const d = model.nFeatures;
  const k = model.nClasses;
  const n = matrixRows(X, d);
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      const b = model.intercept[c]!;
      if (b === -Infinity) {
        out[i * k + c] = -Infinity;
        continue;
      }
      let s = b;
      for (let f = 0; f < d; f++) s += model.coef[c * d + f]! * X[i * d + f]!;
      out[i * k + c] = s;
    }
  return out;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Predicted genres (argmax, ties to the first) and `_predict_proba_lr` probabilities. */
export function predictLinearOvr(model: LinearOvrModel, X: Float64Array): { predicted: Int32Array; probabilities: Float64Array; decisions: Float64Array } {
  const k = model.nClasses;
  const decisions = linearDecisions(model, X);
  const n = decisions.length / k;
  const predicted = new Int32Array(n);
  const probabilities = new Float64Array(n * k);
  const present = k - model.absent.length;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (decisions[i * k + c]! > decisions[i * k + best]!) best = c;
    predicted[i] = best;
    let s = 0;
    for (let c = 0; c < k; c++) s += probabilities[i * k + c] = sigmoid(decisions[i * k + c]!);
    // Two genres: σ(f) and σ(−f) already sum to 1, as scikit-learn's [1 − σ(f), σ(f)].
    if (present > 2 && s > 0) for (let c = 0; c < k; c++) probabilities[i * k + c]! /= s;
  }
  return { predicted, probabilities, decisions };
}
