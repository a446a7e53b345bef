/**
 * Linear SVM as scikit-learn's `LinearSVC` with its defaults (liblinear's L2-regularised,
 * squared-hinge, **dual** solver): min ½‖w‖² + C Σ max(0, 1 − yᵢ w·x̃ᵢ)², where x̃ = (x, 1) carries
 * the bias as a feature (intercept_scaling 1, so the bias is penalised too, as liblinear does),
 * one-vs-rest (linearOvr.ts), C = 1, tol 1e-4, at most 1000 passes.
 *
 * Solver: dual coordinate descent (Hsieh et al. 2008, liblinear's `solve_l2r_l1l2_svc`): the dual
 * min ½αᵀQ̄α − eᵀα, α ≥ 0, Q̄ = Q + I/(2C); each pass visits the rows in a seeded random order and
 * sets αᵢ ← max(αᵢ − Gᵢ/Q̄ᵢᵢ, 0) with Gᵢ = yᵢ w·x̃ᵢ − 1 + αᵢ/(2C), keeping w = Σ αᵢyᵢx̃ᵢ; it stops
 * when the projected gradients' spread max − min ≤ tol. liblinear's shrinking is left out (speed
 * only). scikit-learn 1.5's `dual='auto'` picks liblinear's primal solver when rows outnumber
 * features; both minimise the same objective, so the weights agree up to the tolerances.
 */
import { matrixRows } from '../data/dataset';
import { LabError, type CancelToken } from '../errors';
import { createRng, deriveSeed, shuffleInPlace } from '../random';
import { fitOneVsRest, type LinearOvrModel } from './linearOvr';

export interface LinearSvmOptions {
  /** Penalty on squared margin violations (default 1). */
  C?: number;
  /** Stopping tolerance on the projected gradient (default 1e-4). */
  tol?: number;
  /** Maximum passes over the rows (default 1000). */
  maxIter?: number;
  /** Seed of the visiting order (default 0). */
  seed?: number;
}

export interface LinearSvmModel extends LinearOvrModel {
  kind: 'linear-svm';
  /** Passes used per binary problem. */
  passes: number[];
}

/** One binary problem (labels ±1) by dual coordinate descent; the last weight is the bias. */
export function linearSvmBinary(X: Float64Array, yPm: Int8Array, nFeatures: number, C: number, tol: number, maxIter: number, rng: () => number): { w: Float64Array; b: number; passes: number } {
  const n = yPm.length;
  const d = nFeatures;
  const diag = 1 / (2 * C);
  const alpha = new Float64Array(n);
  const w = new Float64Array(d + 1);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1 + diag; // the bias feature's 1² and the squared hinge's 1/(2C)
    for (let f = 0; f < d; f++) s += X[i * d + f]! ** 2;
    QD[i] = s;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  let pass = 0;
  while (pass < maxIter) {
    pass++;
    shuffleInPlace(order, rng);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let q = 0; q < n; q++) {
      const i = order[q]!;
      const y = yPm[i]!;
      let dot = w[d]!;
      for (let f = 0; f < d; f++) dot += w[f]! * X[i * d + f]!;
      const G = y * dot - 1 + alpha[i]! * diag;
      const PG = alpha[i] === 0 ? Math.min(G, 0) : G;
      if (PG > pgMax) pgMax = PG;
      if (PG < pgMin) pgMin = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i]!;
        alpha[i] = Math.max(old - G / QD[i]!, 0);
        const step = (alpha[i]! - old) * y;
        for (let f = 0; f < d; f++) w[f]! += step * X[i * d + f]!;
        w[d]! += step;
      }
    }
    if (pgMax - pgMin <= tol) break;
  }
  return { w: w.subarray(0, d), b: w[d]!, passes: pass };
}

/**
 * Fit a LinearSVC-like linear SVM (squared hinge, one-vs-rest).
 * @param X training matrix, row-major nRows × nFeatures (scaled)
 */
export function trainLinearSvm(X: Float64Array, y: Int32Array, nFeatures: number, nClasses: number, options: LinearSvmOptions = {}, cancel?: CancelToken, onProgress?: (fraction: number) => void): LinearSvmModel {
  const C = options.C ?? 1;
  const tol = options.tol ?? 1e-4;
  const maxIter = options.maxIter ?? 1000;
  const seed = options.seed ?? 0;
  if (!(C > 0 && Number.isFinite(C))) throw new LabError('bad-argument', `C must be a positive number, got ${C}`);
  if (!(tol > 0)) throw new LabError('bad-argument', `tol must be positive, got ${tol}`);
  const n = matrixRows(X, nFeatures);
  if (n !== y.length) throw new LabError('bad-argument', `Matrix has ${n} rows but there are ${y.length} labels`);
  const passes: number[] = [];
  const model = fitOneVsRest(
    y,
    nFeatures,
    nClasses,
    (yPm, p) => {
      const r = linearSvmBinary(X, yPm, nFeatures, C, tol, maxIter, createRng(deriveSeed(seed, p)));
      passes.push(r.passes);
      return r;
    },
    cancel,
    onProgress,
  );
  return { ...model, kind: 'linear-svm', passes };
}
