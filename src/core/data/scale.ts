/**
 * Standardisation (z-score) fitted on training rows only, like scikit-learn's StandardScaler:
 * population standard deviation (ddof 0); a constant column keeps scale 1.
 */
export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
}

/** Fit on rows of a row-major matrix with `nCols` columns. */
export function fitStandardizer(matrix: Float64Array, nCols: number): Standardizer {
  const n = matrix.length / nCols;
  const mean = new Float64Array(nCols);
  const std = new Float64Array(nCols);
  for (let i = 0; i < n; i++) for (let j = 0; j < nCols; j++) mean[j]! += matrix[i * nCols + j]!;
  for (let j = 0; j < nCols; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < nCols; j++) {
      const d = matrix[i * nCols + j]! - mean[j]!;
      std[j]! += d * d;
    }
  for (let j = 0; j < nCols; j++) {
    const s = Math.sqrt(std[j]! / n);
    std[j] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/** Return a standardised copy. */
export function applyStandardizer(matrix: Float64Array, scaler: Standardizer): Float64Array {
  const nCols = scaler.mean.length;
  const out = new Float64Array(matrix.length);
  for (let i = 0; i < matrix.length; i++) {
    const j = i % nCols;
    out[i] = (matrix[i]! - scaler.mean[j]!) / scaler.std[j]!;
  }
  return out;
}
