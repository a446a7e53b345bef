/**
 * Minimum-redundancy maximum-relevance feature ranking (Peng, Long & Ding 2005, the MID
 * criterion): greedily pick the feature f maximising
 *
 *   score(f) = I(f; genre) − (1/|S|) Σ_{s∈S} I(f; s)
 *
 * where S is the set already picked (the first pick is the most relevant feature).
 *
 * Mutual information is the plug-in estimate, in nats (natural log), on features discretised
 * into equal-frequency bins: a value's bin is ⌊nBins · (number of values strictly below it) / n⌋,
 * so tied values always share a bin and each bin holds about n/nBins rows. The plug-in estimate is
 * biased upwards for many bins and few rows; 10 bins for ~1000 rows keeps that bias small and
 * equal across features, which is what a ranking needs.
 */
import { LabError } from '../errors';

export interface MrmrOptions {
  /** Equal-frequency bins per feature (default 10). */
  nBins?: number;
  /** How many features to rank (default: all). */
  maxFeatures?: number;
}

export interface MrmrStep {
  /** Column index of the feature picked at this step. */
  feature: number;
  /** Its name, when names were given. */
  name?: string;
  /** I(feature; genre), nats. */
  relevance: number;
  /** Mean I(feature; s) over features picked before it, nats (0 for the first pick). */
  redundancy: number;
  /** relevance − redundancy, the MID score it won with. */
  score: number;
}

/**
 * Equal-frequency discretisation (see the module comment for the rule).
 * @param column values of one feature
 * @param nBins number of bins (≥ 1)
 * @returns bin index per value, in 0…nBins−1
 */
export function discretizeEqualFrequency(column: ArrayLike<number>, nBins: number): Int32Array {
  if (!Number.isInteger(nBins) || nBins < 1) throw new LabError('bad-argument', `Bins must be a whole number ≥ 1, got ${nBins}`);
  const n = column.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (column[a] as number) - (column[b] as number));
  const bins = new Int32Array(n);
  let below = 0; // values strictly below the current run of ties
  for (let p = 0; p < n; p++) {
    if (p > 0 && (column[order[p]!] as number) !== (column[order[p - 1]!] as number)) below = p;
    bins[order[p]!] = Math.min(nBins - 1, Math.floor((nBins * below) / n));
  }
  return bins;
}

/**
 * Plug-in mutual information of two discrete variables, in nats.
 * @param a codes in 0…nA−1
 * @param b codes in 0…nB−1, same length as a
 */
export function mutualInformation(a: ArrayLike<number>, b: ArrayLike<number>, nA: number, nB: number): number {
  const n = a.length;
  if (b.length !== n) throw new LabError('bad-argument', `Variables differ in length (${n} vs ${b.length})`);
  if (n === 0) return 0;
  const joint = new Float64Array(nA * nB);
  const pa = new Float64Array(nA);
  const pb = new Float64Array(nB);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    joint[x * nB + y]! += 1;
    pa[x]! += 1;
    pb[y]! += 1;
  }
  let mi = 0;
  for (let x = 0; x < nA; x++) {
    for (let y = 0; y < nB; y++) {
      const c = joint[x * nB + y]!;
      if (c > 0) mi += (c / n) * Math.log((c * n) / (pa[x]! * pb[y]!));
    }
  }
  return Math.max(0, mi);
}

/**
 * Rank features by MRMR (MID). Ties in score go to the lower column index.
 * @param X row-major nRows × nFeatures (units irrelevant: only ranks are used)
 * @param y genre index per row, in 0…nClasses−1
 * @param featureNames optional names copied into the steps
 * @returns the picks in order, each with its relevance, redundancy and score (nats)
 */
export function rankFeaturesMrmr(
  X: Float64Array,
  nFeatures: number,
  y: Int32Array,
  nClasses: number,
  options: MrmrOptions = {},
  featureNames?: readonly string[],
): MrmrStep[] {
  const nBins = options.nBins ?? 10;
  const k = options.maxFeatures ?? nFeatures;
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new LabError('no-features', 'Choose at least one feature.');
  const n = y.length;
  if (X.length !== n * nFeatures) throw new LabError('bad-argument', `Matrix has ${X.length} values, expected ${n} rows × ${nFeatures} features`);
  if (!Number.isInteger(k) || k < 1 || k > nFeatures) throw new LabError('bad-argument', `Number of features to rank must be in 1…${nFeatures}, got ${k}`);
  const codes: Int32Array[] = [];
  const col = new Float64Array(n);
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < n; i++) col[i] = X[i * nFeatures + f]!;
    codes.push(discretizeEqualFrequency(col, nBins));
  }
  const relevance = codes.map((c) => mutualInformation(c, y, nBins, nClasses));
  const redundancySum = new Float64Array(nFeatures);
  const picked = new Uint8Array(nFeatures);
  const steps: MrmrStep[] = [];
  for (let step = 0; step < k; step++) {
    let best = -1;
    let bestScore = -Infinity;
    let bestRed = 0;
    for (let f = 0; f < nFeatures; f++) {
      if (picked[f]) continue;
      const red = step > 0 ? redundancySum[f]! / step : 0;
      const score = relevance[f]! - red;
      if (score > bestScore) {
        bestScore = score;
        bestRed = red;
        best = f;
      }
    }
    picked[best] = 1;
    const s: MrmrStep = { feature: best, relevance: relevance[best]!, redundancy: bestRed, score: bestScore };
    if (featureNames) s.name = featureNames[best];
    steps.push(s);
    for (let f = 0; f < nFeatures; f++) if (!picked[f]) redundancySum[f]! += mutualInformation(codes[f]!, codes[best]!, nBins, nBins);
  }
  return steps;
}
