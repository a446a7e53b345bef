/**
 * Per-genre histograms of one feature with shared bin edges, density-normalised so genres of
 * different sizes are comparable (each genre's bars integrate to 1, as `numpy.histogram(...,
 * density=True)`). Bins are half-open [a, b) except the last, which includes the maximum (numpy).
 *
 * Bin rule: 'fd' (default) is Freedman–Diaconis on the pooled values, exactly numpy's
 * `histogram_bin_edges(x, 'fd')`: width h = 2·IQR·n^(−1/3) (IQR from linearly interpolated
 * quartiles), count = ⌈(max − min)/h⌉, edges evenly spaced from min to max. When the IQR is 0
 * numpy falls back to one bin, and so do we. A number instead of 'fd' asks for that many bins.
 * The count is capped at `maxBins` (default 200) so one outlier cannot make a chart unreadable.
 */
import { LabError } from '../errors';

export interface HistogramOptions {
  /** 'fd' (Freedman–Diaconis, default) or a fixed number of bins. */
  bins?: 'fd' | number;
  /** Upper bound on the bin count (default 200). */
  maxBins?: number;
  /**
   * Lower bound on the bin count (default 1). Freedman–Diaconis uses the pooled IQR, which is wide
   * when genres form separate clusters (a multimodal pool), and then gives a handful of coarse bins.
   */
  minBins?: number;
}

export interface GenreHistogram {
  /** Genre index into the dataset's label order. */
  label: number;
  genre: string;
  /** Rows of this genre. */
  n: number;
  /** Rows per bin. */
  counts: Int32Array;
  /** counts / (n · bin width): per unit of the feature, integrates to 1 (all 0 when n = 0). */
  density: Float64Array;
}

export interface FeatureHistogram {
  /** Bin edges in the feature's units, length nBins + 1, ascending. */
  edges: Float64Array;
  /** Width of every bin, in the feature's units. */
  binWidth: number;
  /** How the bins were chosen ('fd' or 'fixed'). */
  rule: 'fd' | 'fixed';
  series: GenreHistogram[];
}

/** Quantile with linear interpolation between order statistics (numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Histogram one feature per genre.
 * @param values the feature's value per row (its units are the edges' units)
 * @param labels genre index per row
 * @param genres label order; one series per genre, in this order
 */
export function computeGenreHistograms(
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  genres: readonly string[],
  options: HistogramOptions = {},
): FeatureHistogram {
  const n = values.length;
  if (n === 0) throw new LabError('bad-argument', 'No values to histogram.');
  if (labels.length !== n) throw new LabError('bad-argument', `Values and labels differ in length (${n} vs ${labels.length})`);
  const maxBins = options.maxBins ?? 200;
  const binsOpt = options.bins ?? 'fd';
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  if (!Number.isFinite(sorted[0]!) || !Number.isFinite(sorted[n - 1]!) || sorted.some((v) => Number.isNaN(v))) throw new LabError('non-finite', 'The feature has non-finite values.');
  let lo = sorted[0]!;
  let hi = sorted[n - 1]!;
  if (lo === hi) {
    // numpy widens a degenerate range to [v − 0.5, v + 0.5].
    lo -= 0.5;
    hi += 0.5;
  }
  let nBins: number;
  if (binsOpt === 'fd') {
    const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    const h = 2 * iqr * Math.pow(n, -1 / 3); // numpy: 2·IQR·x.size**(−1/3)
    nBins = h > 0 ? Math.ceil((hi - lo) / h) : 1;
  } else {
    if (!Number.isInteger(binsOpt) || binsOpt < 1) throw new LabError('bad-argument', `Bins must be 'fd' or a whole number ≥ 1, got ${binsOpt}`);
    nBins = binsOpt;
  }
  nBins = Math.max(1, options.minBins ?? 1, Math.min(nBins, maxBins));
  nBins = Math.min(nBins, maxBins);
  const edges = new Float64Array(nBins + 1);
  // Same formula as numpy.linspace so edges match to the last bit.
  const step = (hi - lo) / nBins;
  for (let b = 0; b <= nBins; b++) edges[b] = lo + b * step;
  edges[nBins] = hi;
  const binWidth = step;
  const series: GenreHistogram[] = genres.map((genre, label) => ({ label, genre, n: 0, counts: new Int32Array(nBins), density: new Float64Array(nBins) }));
  for (let i = 0; i < n; i++) {
    const g = series[labels[i] as number];
    if (!g) throw new LabError('bad-argument', `Label ${labels[i]} at row ${i} is outside 0…${genres.length - 1}`);
    const v = values[i] as number;
    // Bin from the edges (not a division alone) so values on an edge land where numpy puts them.
    let b = Math.min(nBins - 1, Math.floor((v - lo) / step));
    if (b < nBins - 1 && v >= edges[b + 1]!) b++;
    else if (b > 0 && v < edges[b]!) b--;
    g.counts[b]!++;
    g.n++;
  }
  for (const g of series) if (g.n > 0) for (let b = 0; b < nBins; b++) g.density[b] = g.counts[b]! / (g.n * (edges[b + 1]! - edges[b]!));
  return { edges, binWidth, rule: binsOpt === 'fd' ? 'fd' : 'fixed', series };
}
