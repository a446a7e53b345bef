/**
 * Pearson correlation matrix of all features, for the Explore cell's heat map. Like
 * `numpy.corrcoef(X, rowvar=False)`: a feature that is constant over the rows has no defined
 * correlation, so its whole row and column (diagonal included) are NaN.
 */
import { matrixRows } from '../data/dataset';
import { LabError } from '../errors';

/**
 * Pearson correlation of every pair of columns.
 * @param X row-major nRows × nFeatures (any units; correlation is unit-free)
 * @returns row-major nFeatures × nFeatures symmetric matrix with values in −1…1 (NaN for constant features)
 */
export function computeCorrelationMatrix(X: Float64Array, nFeatures: number): Float64Array {
  const d = nFeatures;
  if (!Number.isInteger(d) || d < 1) throw new LabError('no-features', 'Choose at least one feature.');
  const n = matrixRows(X, d);
  if (n < 2) throw new LabError('bad-argument', 'Correlation needs at least two rows.');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += X[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // Centre once, then accumulate the upper triangle of the cross-product matrix.
  const Z = new Float64Array(X.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Z[i * d + j] = X[i * d + j]! - mean[j]!;
  const s = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let p = 0; p < d; p++) {
      const zp = Z[o + p]!;
      if (zp === 0) continue;
      for (let q = p; q < d; q++) s[p * d + q]! += zp * Z[o + q]!;
    }
  }
  const out = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const den = Math.sqrt(s[p * d + p]! * s[q * d + q]!);
      // Clamp rounding excursions past ±1; 0/0 for a constant column gives NaN, as numpy does.
      const r = den > 0 ? Math.max(-1, Math.min(1, s[p * d + q]! / den)) : NaN;
      out[p * d + q] = r;
      out[q * d + p] = r;
    }
  }
  return out;
}
