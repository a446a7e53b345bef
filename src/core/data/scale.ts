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

/**
 * Min-max scaling to [0, 1] fitted on training rows only, like scikit-learn's MinMaxScaler:
 * x' = (x − min) / (max − min); a constant column keeps range 1 (scikit-learn's
 * `_handle_zeros_in_scale`), so it maps to 0. Test rows may fall outside [0, 1]; that is intended.
 */
export interface MinMaxRange {
  min: Float64Array;
  max: Float64Array;
}

/** Column minima and maxima of a row-major matrix with `nCols` columns. */
export function fitMinMax(matrix: Float64Array, nCols: number): MinMaxRange {
  const min = new Float64Array(nCols).fill(Infinity);
  const max = new Float64Array(nCols).fill(-Infinity);
  for (let i = 0; i < matrix.length; i++) {
    const j = i % nCols;
    const v = matrix[i]!;
    if (v < min[j]!) min[j] = v;
    if (v > max[j]!) max[j] = v;
  }
  return { min, max };
}

/**
 * A min-max range as the affine map {@link applyStandardizer} applies (shift = min, scale =
 * max − min, or 1 for a constant column), so both scalings share one apply step.
 */
export function minMaxAsAffine(r: { min: ArrayLike<number>; max: ArrayLike<number> }): Standardizer {
  const n = r.min.length;
  const mean = Float64Array.from(r.min);
  const std = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const range = (r.max[j] as number) - (r.min[j] as number);
    std[j] = range > 0 ? range : 1;
  }
  return { mean, std };
}

/** How feature columns are scaled before a classic model sees them. z-score is the default everywhere. */
export type ScalingKind = 'zscore' | 'minmax';

/** The scalings by name (a strategy table: an unknown name is refused by {@link isScalingKind}'s callers). */
export const SCALINGS: Record<ScalingKind, { label: string; fit(matrix: Float64Array, nCols: number): Standardizer }> = {
  zscore: { label: 'z-score', fit: fitStandardizer },
  minmax: { label: 'min-max [0, 1]', fit: (m, n) => minMaxAsAffine(fitMinMax(m, n)) },
};

export function isScalingKind(v: unknown): v is ScalingKind {
  return v === 'zscore' || v === 'minmax';
}
