/**
 * Multinomial (softmax) logistic regression with an L2 penalty, fitted by L-BFGS written here.
 *
 * The objective is scikit-learn's LogisticRegression (lbfgs, multinomial) objective:
 *
 *   minimise  Σᵢ −log softmax(W xᵢ + b)[yᵢ]  +  ‖W‖²_F / (2C)
 *
 * with one weight vector and one intercept per genre, intercepts not penalised. We minimise it
 * divided by the number of rows (same minimiser, better-scaled gradients). Starting from zero, the
 * iterates keep Σ_k W_k = 0 and Σ_k b_k = 0 (every gradient has that property), which picks the
 * unique minimiser among the softmax's equivalent parameterisations.
 *
 * Fit on standardised features (fit `fitStandardizer` on the training rows), as the course does;
 * C = 1 is scikit-learn's default. Unlike scikit-learn (max_iter = 100, often stopping with a
 * ConvergenceWarning) we iterate to a tight gradient tolerance by default, so the result is the
 * optimum of the objective and can be checked against any other solver.
 */
import { matrixRows } from '../data/dataset';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';

export interface LogisticOptions {
  /** Inverse L2 strength (scikit-learn `C`, default 1); Infinity = no penalty. */
  C?: number;
  /** Maximum L-BFGS iterations (default 1000). */
  maxIter?: number;
  /** Stop when the largest |gradient| of the per-row objective is below this (default 1e-8). */
  tol?: number;
  /** L-BFGS history length (default 10). */
  memory?: number;
}

export interface LogisticModel {
  kind: 'logistic-regression';
  nFeatures: number;
  nClasses: number;
  C: number;
  /** Row-major nClasses × nFeatures weights (per unit of each input feature). */
  coef: Float64Array;
  /** Per-genre intercept (log-odds offset), summing to 0. */
  intercept: Float64Array;
  /** L-BFGS iterations used. */
  nIter: number;
  /** True when the gradient tolerance was met (false: stopped at maxIter or stalled). */
  converged: boolean;
  /** Objective at the solution, per row (mean cross-entropy in nats + penalty / nRows). */
  loss: number;
  /** Largest |gradient| component of the per-row objective at the solution. */
  gradientMax: number;
}

export interface LogisticPrediction {
  predicted: Int32Array;
  /** Row-major nRows × nClasses softmax probabilities (sum 1 per row). */
  probabilities: Float64Array;
}

/**
 * Objective and gradient at `theta` (layout: per class k, d weights then the intercept).
 * Writes the gradient into `grad` and returns the objective; both divided by n.
 */
function objective(theta: Float64Array, grad: Float64Array, X: Float64Array, y: Int32Array, d: number, k: number, invC: number, z: Float64Array): number {
  const n = y.length;
  const stride = d + 1;
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    let zMax = -Infinity;
    for (let c = 0; c < k; c++) {
      const to = c * stride;
      let s = theta[to + d]!;
      for (let j = 0; j < d; j++) s += theta[to + j]! * X[xo + j]!;
      z[c] = s;
      if (s > zMax) zMax = s;
    }
    let sumExp = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c]! - zMax);
      z[c] = e;
      sumExp += e;
    }
    const yi = y[i]!;
    // −log p_y = log Σ exp(z) − z_y, computed from the shifted values to avoid overflow.
    loss += Math.log(sumExp) - Math.log(z[yi]!);
    for (let c = 0; c < k; c++) {
      const r = z[c]! / sumExp - (c === yi ? 1 : 0);
      if (r === 0) continue;
      const to = c * stride;
      for (let j = 0; j < d; j++) grad[to + j]! += r * X[xo + j]!;
      grad[to + d]! += r;
    }
  }
  let penalty = 0;
  if (invC > 0) {
    for (let c = 0; c < k; c++) {
      const to = c * stride;
      for (let j = 0; j < d; j++) {
        const w = theta[to + j]!;
        penalty += w * w;
        grad[to + j]! += invC * w;
      }
    }
  }
  for (let p = 0; p < grad.length; p++) grad[p]! /= n;
  return (loss + 0.5 * invC * penalty) / n;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Fit multinomial logistic regression.
 * @param X training matrix, row-major nRows × nFeatures (standardised with training statistics)
 * @param y genre index per row, in 0…nClasses−1
 * @param options C (inverse L2 strength, default 1), maxIter, tol, memory
 * @param cancel optional cooperative cancel flag, checked every iteration
 * @returns weights, intercepts and convergence facts (iterations, final loss, gradient)
 */
export function trainLogisticRegression(
  X: Float64Array,
  y: Int32Array,
  nFeatures: number,
  nClasses: number,
  options: LogisticOptions = {},
  cancel?: CancelToken,
): LogisticModel {
  const C = options.C ?? 1;
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-8;
  const mem = options.memory ?? 10;
  if (!(C > 0)) throw new LabError('bad-argument', `C must be > 0, got ${C}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new LabError('bad-argument', `Maximum iterations must be a whole number ≥ 1, got ${maxIter}`);
  if (!(tol > 0)) throw new LabError('bad-argument', `Tolerance must be > 0, got ${tol}`);
  if (!Number.isInteger(mem) || mem < 1) throw new LabError('bad-argument', `L-BFGS memory must be a whole number ≥ 1, got ${mem}`);
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new LabError('no-features', 'Choose at least one feature.');
  if (nClasses < 2) throw new LabError('single-genre', 'Logistic regression needs at least two genres.');
  const n = y.length;
  if (n === 0 || X.length !== n * nFeatures) throw new LabError('bad-argument', `Matrix has ${X.length} values, expected ${n} rows × ${nFeatures} features`);
  for (let i = 0; i < n; i++) if (!(y[i]! >= 0 && y[i]! < nClasses)) throw new LabError('bad-argument', `Label ${y[i]} at row ${i} is outside 0…${nClasses - 1}`);
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i]!)) throw new LabError('non-finite', `Non-finite value at row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures}`);

  const d = nFeatures;
  const k = nClasses;
  const invC = Number.isFinite(C) ? 1 / C : 0;
  const size = k * (d + 1);
  const z = new Float64Array(k);
  let theta = new Float64Array(size);
  let grad = new Float64Array(size);
  let f = objective(theta, grad, X, y, d, k, invC, z);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(mem);
  const dir = new Float64Array(size);
  let trial = new Float64Array(size);
  let trialGrad = new Float64Array(size);
  let iter = 0;
  let converged = maxAbs(grad) <= tol;
  while (!converged && iter < maxIter) {
    throwIfCancelled(cancel);
    iter++;
    // Two-loop recursion: dir = −H·grad.
    for (let p = 0; p < size; p++) dir[p] = -grad[p]!;
    for (let h = S.length - 1; h >= 0; h--) {
      const a = rho[h]! * dot(S[h]!, dir);
      alpha[h] = a;
      const yh = Y[h]!;
      for (let p = 0; p < size; p++) dir[p]! -= a * yh[p]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let p = 0; p < size; p++) dir[p]! *= gamma;
    }
    for (let h = 0; h < S.length; h++) {
      const b = rho[h]! * dot(Y[h]!, dir);
      const sh = S[h]!;
      const a = alpha[h]!;
      for (let p = 0; p < size; p++) dir[p]! += (a - b) * sh[p]!;
    }
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let p = 0; p < size; p++) dir[p] = -grad[p]!;
      slope = dot(grad, dir);
    }
    // Backtracking line search with the Armijo condition; the first step is scaled so the
    // initial move has unit length when there is no curvature history yet.
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let p = 0; p < size; p++) trial[p] = theta[p]! + step * dir[p]!;
      fNew = objective(trial, trialGrad, X, y, d, k, invC, z);
      if (fNew <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break; // no progress possible at machine precision
    const s = new Float64Array(size);
    const yv = new Float64Array(size);
    for (let p = 0; p < size; p++) {
      s[p] = trial[p]! - theta[p]!;
      yv[p] = trialGrad[p]! - grad[p]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    [theta, trial] = [trial, theta];
    [grad, trialGrad] = [trialGrad, grad];
    const fOld = f;
    f = fNew;
    converged = maxAbs(grad) <= tol;
    if (!converged && fOld - f <= 1e-16 * Math.max(1, Math.abs(f)) && maxAbs(grad) <= Math.sqrt(tol)) break;
  }
  const coef = new Float64Array(k * d);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) coef[c * d + j] = theta[c * (d + 1) + j]!;
    intercept[c] = theta[c * (d + 1) + d]!;
  }
  return { kind: 'logistic-regression', nFeatures: d, nClasses: k, C, coef, intercept, nIter: iter, converged, loss: f, gradientMax: maxAbs(grad) };
}

/**
 * Classify rows with a fitted model.
 * @param X row-major nRows × model.nFeatures, standardised with the same training statistics
 * @returns predicted genre (argmax probability, ties to the first genre) and softmax probabilities
 */
export function predictLogisticRegression(model: LogisticModel, X: Float64Array): LogisticPrediction {
  const d = model.nFeatures;
  const k = model.nClasses;
  const n = matrixRows(X, d);
  const probabilities = new Float64Array(n * k);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const po = i * k;
    let zMax = -Infinity;
    let best = 0;
    for (let c = 0; c < k; c++) {
      let s = model.intercept[c]!;
      for (let j = 0; j < d; j++) s += model.coef[c * d + j]! * X[i * d + j]!;
      probabilities[po + c] = s;
      if (s > zMax) {
        zMax = s;
        best = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(probabilities[po + c]! - zMax);
      probabilities[po + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) probabilities[po + c]! /= sum;
    predicted[i] = best;
  }
  return { predicted, probabilities };
}
