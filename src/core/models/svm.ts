/**
 * Support vector classifier as scikit-learn's `SVC` (which wraps libsvm), on plain typed arrays:
 *
 * - C-SVC dual, min ½αᵀQα − eᵀα subject to 0 ≤ αᵢ ≤ C and yᵀα = 0, Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ), solved by
 *   SMO with libsvm's second-order working-set selection (WSS3, Fan, Chen & Lin 2005), its
 *   two-variable update and clipping, its stopping rule (max violation < `tol`, default 1e-3) and
 *   its intercept (ρ = mean of yᵢ∇ᵢ over free αᵢ, else the middle of the feasible interval).
 *   libsvm's shrinking is left out: it only saves time, the stopping rule is the same.
 * - Kernels: `rbf` exp(−γ‖x − x′‖²) and `linear` x·x′. γ as `SVC`: `'scale'` (default) =
 *   1 / (nFeatures · Var(X)) over every value of the training matrix, `'auto'` = 1 / nFeatures,
 *   or a number.
 * - Multi-class one-vs-one, as libsvm: one binary machine per pair of genres (i < j, i labelled +1),
 *   trained on those two genres' rows only; each machine votes for i when its decision value is
 *   > 0, else for j; most votes wins, ties going to the genre listed first (`SVC.predict`).
 *
 * Probabilities: libsvm's are Platt-scaled pairwise estimates from an internal 5-fold
 * cross-validation, coupled across pairs, and their argmax can disagree with `SVC.predict`. The
 * lab instead reports each genre's **share of the one-vs-one votes**: a coarser score, but its
 * argmax (ties to the first genre) is exactly the voted prediction.
 */
import { matrixRows } from '../data/dataset';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';

export type SvmKernel = 'rbf' | 'linear';
export type SvmGamma = 'scale' | 'auto' | number;

export interface SvmOptions {
  /** Penalty on margin violations (scikit-learn `C`, default 1). */
  C?: number;
  /** Kernel (default `rbf`). */
  kernel?: SvmKernel;
  /** RBF width (default `'scale'`); ignored by the linear kernel. */
  gamma?: SvmGamma;
  /** Stopping tolerance on the maximal KKT violation (libsvm `eps`, default 1e-3). */
  tol?: number;
}

/** One fitted binary machine: f(x) = Σ coef·K(sv, x) + intercept; f > 0 votes for `positive`. */
export interface SvmMachine {
  positive: number;
  negative: number;
  /** Indices into the model's `supportVectors` rows. */
  support: Int32Array;
  /** yᵢαᵢ per support vector (scikit-learn's `dual_coef_` entries of this pair). */
  dualCoef: Float64Array;
  /** −ρ (scikit-learn's `intercept_` of this pair). */
  intercept: number;
  /** SMO iterations used. */
  iterations: number;
}

export interface SvmModel {
  kind: 'svm';
  nFeatures: number;
  nClasses: number;
  kernel: SvmKernel;
  C: number;
  /** γ actually used (resolved from 'scale'/'auto'). */
  gamma: number;
  /** Row-major nSupport × nFeatures: every training row that is a support vector of some pair. */
  supportVectors: Float64Array;
  /** Training row index of each support vector. */
  supportRows: Int32Array;
  machines: SvmMachine[];
}

export interface SvmPrediction {
  predicted: Int32Array;
  /** Row-major nRows × nClasses one-vs-one vote shares (sum 1 per row). */
  probabilities: Float64Array;
  /** Row-major nRows × nPairs decision values, pairs in the models' order (scikit-learn's `decision_function_shape='ovo'`). */
  decisions: Float64Array;
}

/** libsvm's TAU: the curvature used when a pair's second derivative is not positive. */
const TAU = 1e-12;

/**
 * γ as scikit-learn resolves it: `'scale'` = 1 / (nFeatures · X.var()) (1 when X is constant),
 * `'auto'` = 1 / nFeatures, a positive number as it is.
 */
export function resolveGamma(gamma: SvmGamma, X: Float64Array, nFeatures: number): number {
  if (gamma === 'auto') return 1 / nFeatures;
  if (gamma === 'scale') {
    let mean = 0;
    for (let i = 0; i < X.length; i++) mean += X[i]!;
    mean /= X.length;
    let v = 0;
    for (let i = 0; i < X.length; i++) v += (X[i]! - mean) ** 2;
    v /= X.length;
    return v > 0 ? 1 / (nFeatures * v) : 1;
  }
  if (!(typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma))) throw new LabError('bad-argument', `gamma must be "scale", "auto" or a positive number, got ${String(gamma)}`);
  return gamma;
}

function kernelFn(kernel: SvmKernel, gamma: number, d: number): (a: Float64Array, ao: number, b: Float64Array, bo: number) => number {
  if (kernel === 'linear')
    return (a, ao, b, bo) => {
      let s = 0;
      for (let f = 0; f < d; f++) s += a[ao + f]! * b[bo + f]!;
      return s;
    };
  return (a, ao, b, bo) => {
    let s = 0;
    for (let f = 0; f < d; f++) {
      const t = a[ao + f]! - b[bo + f]!;
      s += t * t;
    }
    return Math.exp(-gamma * s);
  };
}

export interface SmoResult {
  alpha: Float64Array;
  rho: number;
  iterations: number;
}

/**
 * libsvm's C-SVC solver on one binary problem.
 * @param kernelRow K(xᵢ, ·) over the problem's rows (computed on demand; rows are cached here)
 * @param kernelDiag K(xᵢ, xᵢ) per row
 * @param y +1/−1 per row
 */
export function solveSmo(kernelRow: (i: number) => Float64Array, kernelDiag: Float64Array, y: Int8Array, C: number, tol: number, cancel?: CancelToken): SmoResult {
  const n = y.length;
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1); // ∇ = Qα − e at α = 0
  // Q rows with the labels folded in; kept while they fit a budget (libsvm keeps an LRU cache).
  const budget = Math.max(2, Math.floor(8_000_000 / n));
  const cache = new Map<number, Float64Array>();
  const qRow = (i: number): Float64Array => {
    let r = cache.get(i);
    if (r) {
      cache.delete(i);
      cache.set(i, r);
      return r;
    }
    r = Float64Array.from(kernelRow(i));
    for (let t = 0; t < n; t++) r[t]! *= y[i]! * y[t]!;
    if (cache.size >= budget) cache.delete(cache.keys().next().value as number);
    cache.set(i, r);
    return r;
  };
  const QD = kernelDiag;
  const upper = (t: number) => alpha[t]! >= C;
  const lower = (t: number) => alpha[t]! <= 0;
  const maxIter = Math.max(10_000_000, 100 * n);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (iter % 1000 === 0) throwIfCancelled(cancel);
    // WSS3: i maximises −yₜ∇ₜ over I_up; j minimises −b²/a over I_low with b > 0.
    let Gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (y[t] === 1) {
        if (!upper(t) && -G[t]! >= Gmax) {
          Gmax = -G[t]!;
          i = t;
        }
      } else if (!lower(t) && G[t]! >= Gmax) {
        Gmax = G[t]!;
        i = t;
      }
    }
    let Gmax2 = -Infinity;
    let j = -1;
    let objMin = Infinity;
    const Qi = i >= 0 ? qRow(i) : undefined;
    if (Qi) {
      for (let t = 0; t < n; t++) {
        let b: number;
        let a: number;
        if (y[t] === 1) {
          if (lower(t)) continue;
          b = Gmax + G[t]!;
          if (G[t]! >= Gmax2) Gmax2 = G[t]!;
          a = QD[i]! + QD[t]! - 2 * y[i]! * Qi[t]!;
        } else {
          if (upper(t)) continue;
          b = Gmax - G[t]!;
          if (-G[t]! >= Gmax2) Gmax2 = -G[t]!;
          a = QD[i]! + QD[t]! + 2 * y[i]! * Qi[t]!;
        }
        if (b > 0) {
          const obj = -(b * b) / (a > 0 ? a : TAU);
          if (obj <= objMin) {
            objMin = obj;
            j = t;
          }
        }
      }
    }
    if (!Qi || j < 0 || Gmax + Gmax2 < tol) break;
    const Qj = qRow(j);
    const ai = alpha[i]!;
    const aj = alpha[j]!;
    let ni: number;
    let nj: number;
    if (y[i] !== y[j]) {
      let q = QD[i]! + QD[j]! + 2 * Qi[j]!;
      if (q <= 0) q = TAU;
      const delta = (-G[i]! - G[j]!) / q;
      const diff = ai - aj;
      ni = ai + delta;
      nj = aj + delta;
      if (diff > 0) {
        if (nj < 0) {
          nj = 0;
          ni = diff;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = -diff;
      }
      if (diff > 0) {
        if (ni > C) {
          ni = C;
          nj = C - diff;
        }
      } else if (nj > C) {
        nj = C;
        ni = C + diff;
      }
    } else {
      let q = QD[i]! + QD[j]! - 2 * Qi[j]!;
      if (q <= 0) q = TAU;
      const delta = (G[i]! - G[j]!) / q;
      const sum = ai + aj;
      ni = ai - delta;
      nj = aj + delta;
      if (sum > C) {
        if (ni > C) {
          ni = C;
          nj = sum - C;
        }
      } else if (nj < 0) {
        nj = 0;
        ni = sum;
      }
      if (sum > C) {
        if (nj > C) {
          nj = C;
          ni = sum - C;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = sum;
      }
    }
    alpha[i] = ni;
    alpha[j] = nj;
    const di = ni - ai;
    const dj = nj - aj;
    for (let t = 0; t < n; t++) G[t]! += Qi[t]! * di + Qj[t]! * dj;
  }
  // ρ (libsvm calculate_rho): the mean of yᵢ∇ᵢ over free αᵢ; with none free, the middle of the
  // interval the bounded ones allow.
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t]! * G[t]!;
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter };
}

/**
 * Fit a support vector classifier (one-vs-one).
 * @param X training matrix, row-major nRows × nFeatures (scale it first: RBF distances mix units)
 * @param y genre index per row, in 0…nClasses−1; genres without rows get no machine and no votes
 * @param cancel checked between pairs and every 1000 SMO iterations
 */
export function trainSvm(X: Float64Array, y: Int32Array, nFeatures: number, nClasses: number, options: SvmOptions = {}, cancel?: CancelToken, onProgress?: (fraction: number) => void): SvmModel {
  const C = options.C ?? 1;
  const kernel = options.kernel ?? 'rbf';
  const tol = options.tol ?? 1e-3;
  if (!(C > 0 && Number.isFinite(C))) throw new LabError('bad-argument', `C must be a positive number, got ${C}`);
  if (kernel !== 'rbf' && kernel !== 'linear') throw new LabError('bad-argument', `kernel must be "rbf" or "linear", got "${String(kernel)}"`);
  if (!(tol > 0)) throw new LabError('bad-argument', `tol must be positive, got ${tol}`);
  const n = matrixRows(X, nFeatures);
  if (n !== y.length) throw new LabError('bad-argument', `Matrix has ${n} rows but there are ${y.length} labels`);
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i]!)) throw new LabError('non-finite', `Non-finite value at row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures}`);
  const gamma = resolveGamma(options.gamma ?? 'scale', X, nFeatures);
  const K = kernelFn(kernel, gamma, nFeatures);
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < nClasses)) throw new LabError('bad-argument', `Label ${c} at row ${i} is outside 0…${nClasses - 1}`);
    byClass[c]!.push(i);
  }
  const present = byClass.map((r, c) => (r.length > 0 ? c : -1)).filter((c) => c >= 0);
  if (present.length < 2) throw new LabError('bad-argument', 'An SVM needs training rows of at least two genres.');

  const nPairs = (present.length * (present.length - 1)) / 2;
  const svIndex = new Map<number, number>(); // training row → support-vector index
  const raw: { positive: number; negative: number; rows: number[]; coef: number[]; intercept: number; iterations: number }[] = [];
  for (let a = 0; a < present.length; a++)
    for (let b = a + 1; b < present.length; b++) {
      throwIfCancelled(cancel);
      const ci = present[a]!;
      const cj = present[b]!;
      // libsvm's sub-problem: genre i's rows (+1) then genre j's (−1), each in table order.
      const rows = [...byClass[ci]!, ...byClass[cj]!];
      const m = rows.length;
      const yy = Int8Array.from(rows, (_, t) => (t < byClass[ci]!.length ? 1 : -1));
      const kernelRow = (i: number) => {
        const out = new Float64Array(m);
        const ri = rows[i]! * nFeatures;
        for (let t = 0; t < m; t++) out[t] = K(X, ri, X, rows[t]! * nFeatures);
        return out;
      };
      const diag = Float64Array.from(rows, (r) => K(X, r * nFeatures, X, r * nFeatures));
      const s = solveSmo(kernelRow, diag, yy, C, tol, cancel);
      const sv: number[] = [];
      const coef: number[] = [];
      for (let t = 0; t < m; t++)
        if (s.alpha[t]! > 0) {
          sv.push(rows[t]!);
          coef.push(yy[t]! * s.alpha[t]!);
        }
      raw.push({ positive: ci, negative: cj, rows: sv, coef, intercept: -s.rho, iterations: s.iterations });
      onProgress?.(raw.length / nPairs);
    }
  // Support vectors shared between pairs are stored once, in training-row order.
  const supportRows = Int32Array.from(new Set(raw.flatMap((r) => r.rows))).sort();
  supportRows.forEach((r, k) => svIndex.set(r, k));
  const supportVectors = new Float64Array(supportRows.length * nFeatures);
  supportRows.forEach((r, k) => supportVectors.set(X.subarray(r * nFeatures, (r + 1) * nFeatures), k * nFeatures));
  const machines = raw.map((r) => ({
    positive: r.positive,
    negative: r.negative,
    support: Int32Array.from(r.rows, (row) => svIndex.get(row)!),
    dualCoef: Float64Array.from(r.coef),
    intercept: r.intercept,
    iterations: r.iterations,
  }));
  return { kind: 'svm', nFeatures, nClasses, kernel, C, gamma, supportVectors, supportRows, machines };
}

/**
 * One-vs-one voting as `SVC.predict`: each pair's decision > 0 votes for its first genre, else
 * for its second; most votes wins, ties going to the genre listed first.
 * @param decisions one value per machine, in `machines` order
 * @returns the winner and the votes per genre
 */
export function voteOneVsOne(decisions: ArrayLike<number>, machines: readonly Pick<SvmMachine, 'positive' | 'negative'>[], nClasses: number): { winner: number; votes: Int32Array } {
  const votes = new Int32Array(nClasses);
  machines.forEach((m, p) => votes[(decisions[p] as number) > 0 ? m.positive : m.negative]!++);
  let winner = 0;
  for (let c = 1; c < nClasses; c++) if (votes[c]! > votes[winner]!) winner = c;
  return { winner, votes };
}

/** Classify rows with a fitted SVM: votes, vote shares and every pair's decision value. */
export function predictSvm(model: SvmModel, X: Float64Array): SvmPrediction {
  const d = model.nFeatures;
  const k = model.nClasses;
  const n = matrixRows(X, d);
  const nSv = model.supportRows.length;
  const nPairs = model.machines.length;
  const K = kernelFn(model.kernel, model.gamma, d);
  const kx = new Float64Array(nSv);
  const predicted = new Int32Array(n);
  const probabilities = new Float64Array(n * k);
  const decisions = new Float64Array(n * nPairs);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < nSv; s++) kx[s] = K(model.supportVectors, s * d, X, i * d);
    const dec = decisions.subarray(i * nPairs, (i + 1) * nPairs);
    model.machines.forEach((m, p) => {
      let f = m.intercept;
      for (let s = 0; s < m.support.length; s++) f += m.dualCoef[s]! * kx[m.support[s]!]!;
      dec[p] = f;
    });
    const { winner, votes } = voteOneVsOne(dec, model.machines, k);
    predicted[i] = winner;
    for (let c = 0; c < k; c++) probabilities[i * k + c] = votes[c]! / nPairs;
  }
  return { predicted, probabilities, decisions };
}
