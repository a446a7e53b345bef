/**
 * Principal component analysis for the Explore cell, as scikit-learn's PCA after StandardScaler:
 * features are z-scored (population standard deviation; a constant column stays all zeros), the
 * covariance uses the n − 1 denominator, and it is diagonalised with the cyclic Jacobi method
 * (exact to rounding for the ≤ a few hundred features we have; no random start, so the result is
 * deterministic).
 *
 * Sign convention: an eigenvector's sign is arbitrary, so each component is flipped so that its
 * loading with the largest absolute value is positive (on an exact tie, the first such feature).
 * scikit-learn's `svd_flip` makes the same choice for its components (u_based_decision=False).
 */
import { applyStandardizer, fitStandardizer, type Standardizer } from '../data/scale';
import { matrixRows, selectMatrix, type Dataset } from '../data/dataset';
import { LabError } from '../errors';

export interface PcaOptions {
  /** Components to keep (default 2). */
  nComponents?: number;
  /**
   * Keep the fewest components whose variance share exceeds this fraction (0 < f < 1; scikit-learn's
   * `PCA(n_components=0.85)`); wins over `nComponents`.
   */
  varianceFraction?: number;
  /** z-score the features first (default true). */
  standardize?: boolean;
}

export interface PcaModel {
  nFeatures: number;
  nComponents: number;
  /** The z-scoring applied before projecting (mean 0 / std 1 when `standardize` was false). */
  scaler: Standardizer;
  /** Row-major nComponents × nFeatures unit-length loadings. */
  components: Float64Array;
  /** Variance of the scores along each kept component (eigenvalues, n − 1 denominator). */
  explainedVariance: Float64Array;
  /** Kept components' share of the total variance, 0…1. */
  explainedVarianceRatio: Float64Array;
  /** Every eigenvalue's share of the total variance, descending (for a scree plot). */
  allExplainedVarianceRatio: Float64Array;
}

export interface PcaResult extends PcaModel {
  /** Row-major nRows × nComponents coordinates of the fitted rows. */
  scores: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
 * @param a row-major n × n symmetric matrix (not modified)
 * @returns eigenvalues (descending) and row-major eigenvectors, one per row, in the same order
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length !== n * n) throw new LabError('bad-argument', `Matrix has ${a.length} values, expected ${n} × ${n}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += m[i]! * m[i]!;
  const eps = 1e-30 * Math.max(norm, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! * m[p * n + q]!;
    if (off <= eps) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Rotation angle zeroing a[p][q] (Golub & Van Loan, symmetric Schur decomposition).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = m[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}

/**
 * Fit PCA and project the fitted rows.
 * @param X row-major nRows × nFeatures (raw units; z-scored here unless `standardize: false`)
 * @returns loadings, explained variance (ratios 0…1) and the rows' scores
 */
/**
 * The number of components scikit-learn keeps for `PCA(n_components=fraction)`: the fewest whose
 * cumulative explained-variance ratio is strictly greater than `fraction`
 * (`searchsorted(cumsum, fraction, side='right') + 1`), at most all of them.
 * @param ratios every component's variance share, descending (they sum to 1)
 */
export function componentsForVariance(ratios: ArrayLike<number>, fraction: number): number {
  checkVarianceFraction(fraction);
  let cum = 0;
  for (let i = 0; i < ratios.length; i++) {
    cum += ratios[i] as number;
    if (cum > fraction) return i + 1;
  }
  return ratios.length;
}

function checkVarianceFraction(fraction: number): void {
  if (!(fraction > 0 && fraction < 1)) throw new LabError('bad-argument', `The share of variance to keep must be between 0 and 1 (e.g. 0.85), got ${fraction}.`);
}

export function computePca(X: Float64Array, nFeatures: number, options: PcaOptions = {}): PcaResult {
  const fraction = options.varianceFraction;
  if (fraction !== undefined) checkVarianceFraction(fraction);
  const d = nFeatures;
  // With a variance fraction, k is known only after the eigen-decomposition; 1 passes the check below.
  let k = fraction !== undefined ? 1 : (options.nComponents ?? 2);
  if (!Number.isInteger(d) || d < 1) throw new LabError('no-features', 'Choose at least one feature.');
  const n = matrixRows(X, d);
  if (n < 2) throw new LabError('bad-argument', 'PCA needs at least two rows.');
  if (!Number.isInteger(k) || k < 1 || k > d) throw new LabError('bad-argument', `Components must be a whole number in 1…${d}, got ${k}`);
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i]!)) throw new LabError('non-finite', `Non-finite value at row ${Math.floor(i / d)}, feature ${i % d}`);
  let scaler: Standardizer;
  if (options.standardize ?? true) scaler = fitStandardizer(X, d);
  else {
    // Centre only: mean from the data, unit scale.
    const fitted = fitStandardizer(X, d);
    scaler = { mean: fitted.mean, std: new Float64Array(d).fill(1) };
  }
  const Z = applyStandardizer(X, scaler);
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let p = 0; p < d; p++) {
      const zp = Z[o + p]!;
      if (zp === 0) continue;
      for (let q = p; q < d; q++) cov[p * d + q]! += zp * Z[o + q]!;
    }
  }
  for (let p = 0; p < d; p++)
    for (let q = p; q < d; q++) {
      const c = cov[p * d + q]! / (n - 1);
      cov[p * d + q] = c;
      cov[q * d + p] = c;
    }
  const { values, vectors } = symmetricEigen(cov, d);
  let total = 0;
  for (let i = 0; i < d; i++) total += Math.max(0, values[i]!);
  const allExplainedVarianceRatio = Float64Array.from(values, (v) => (total > 0 ? Math.max(0, v) / total : 0));
  if (fraction !== undefined) k = componentsForVariance(allExplainedVarianceRatio, fraction);
  const components = vectors.slice(0, k * d);
  for (let c = 0; c < k; c++) {
    let arg = 0;
    for (let j = 1; j < d; j++) if (Math.abs(components[c * d + j]!) > Math.abs(components[c * d + arg]!)) arg = j;
    if (components[c * d + arg]! < 0) for (let j = 0; j < d; j++) components[c * d + j] = -components[c * d + j]!;
  }
  const model: PcaModel = {
    nFeatures: d,
    nComponents: k,
    scaler,
    components,
    explainedVariance: Float64Array.from(values.subarray(0, k), (v) => Math.max(0, v)),
    explainedVarianceRatio: allExplainedVarianceRatio.slice(0, k),
    allExplainedVarianceRatio,
  };
  return { ...model, scores: projectPca(model, X) };
}

/**
 * Project rows onto a fitted PCA (with the fitted z-scoring).
 * @param X row-major nRows × model.nFeatures, raw units like the fitted rows
 * @returns row-major nRows × nComponents scores
 */
export function projectPca(model: PcaModel, X: Float64Array): Float64Array {
  const d = model.nFeatures;
  const k = model.nComponents;
  const n = matrixRows(X, d);
  const out = new Float64Array(n * k);
  const { mean, std } = model.scaler;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += ((X[i * d + j]! - mean[j]!) / std[j]!) * model.components[c * d + j]!;
      out[i * k + c] = s;
    }
  return out;
}

/**
 * PCA fitted on `trainRows` only (z-scored with their statistics, like StandardScaler → PCA in a
 * scikit-learn pipeline), then every row projected: the dataset a model trains on after PCA, with
 * features PC1…PCk. Rows, labels, tracks and the table's own split are kept, so any split made on
 * `ds` applies unchanged. Fitting on the training rows keeps test rows out of the projection.
 */
export function projectDatasetPca(ds: Dataset, trainRows: ArrayLike<number>, options: PcaOptions): { dataset: Dataset; model: PcaModel } {
  const cols = ds.featureNames.map((_, i) => i);
  const fitted = computePca(selectMatrix(ds, trainRows, cols), cols.length, options);
  const { scores: _trainScores, ...model } = fitted;
  const featureNames = Array.from({ length: model.nComponents }, (_, i) => `PC${i + 1}`);
  const values = projectPca(model, ds.values);
  return { dataset: { ...ds, id: `${ds.id}:pca${model.nComponents}`, name: `${ds.name} (PCA, ${model.nComponents} components)`, featureNames, values }, model };
}
