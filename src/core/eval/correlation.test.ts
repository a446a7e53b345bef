import { describe, expect, it } from 'vitest';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { computeCorrelationMatrix } from './correlation';

describe('Pearson correlation matrix', () => {
  it('matches hand computations, with NaN for a constant feature', () => {
    // Columns: a = 1,2,3,4; b = 2a (r = 1); c = 4,3,2,1 (r = −1); e = 1,0,0,1 (r(a,e) = 0); k constant.
    const cols = [
      [1, 2, 3, 4],
      [2, 4, 6, 8],
      [4, 3, 2, 1],
      [1, 0, 0, 1],
      [7, 7, 7, 7],
    ];
    const X = new Float64Array(4 * 5);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) X[i * 5 + j] = cols[j]![i]!;
    const R = computeCorrelationMatrix(X, 5);
    expect(R[0 * 5 + 0]).toBe(1);
    expect(R[0 * 5 + 1]).toBe(1);
    expect(R[0 * 5 + 2]).toBe(-1);
    expect(R[0 * 5 + 3]).toBeCloseTo(0, 15);
    expect(R[2 * 5 + 0]).toBe(-1);
    expect(Number.isNaN(R[4 * 5 + 4]!)).toBe(true);
    expect(Number.isNaN(R[0 * 5 + 4]!)).toBe(true);
    // a vs (1, 3, 2, 5): mean 2.75; Σdx·dy = 5.5, Σdx² = 5, Σdy² = 8.75 → r = 5.5/√43.75
    const R2 = computeCorrelationMatrix(Float64Array.from([1, 1, 2, 3, 3, 2, 4, 5]), 2);
    expect(R2[1]).toBeCloseTo(5.5 / Math.sqrt(43.75), 14);
  });
});

/*
 * numpy reference (python3, numpy 2.4), NTNU 30 s, all 990 rows:
 *   R=np.corrcoef(X,rowvar=False); print(R[i,j] for the pairs below); print(R.sum(), np.abs(R).sum())
 */
const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('correlation on NTNU 30 s vs numpy.corrcoef', () => {
  it('matches entries and totals', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const d = ds.featureNames.length;
    const R = computeCorrelationMatrix(ds.values, d);
    const at = (a: string, b: string) => R[ds.featureNames.indexOf(a) * d + ds.featureNames.indexOf(b)]!;
    expect(at('spectral_centroid_mean', 'spectral_rolloff_mean')).toBeCloseTo(0.979521542988797, 12);
    expect(at('tempo', 'mfcc_1_mean')).toBeCloseTo(-0.07871438846979109, 12);
    expect(at('rmse_mean', 'zero_cross_rate_mean')).toBeCloseTo(0.33051224026916703, 12);
    expect(at('mfcc_2_mean', 'spectral_centroid_mean')).toBeCloseTo(-0.939912282742717, 12);
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < d * d; i++) {
      sum += R[i]!;
      abs += Math.abs(R[i]!);
    }
    expect(sum).toBeCloseTo(487.8507060722336, 8);
    expect(abs).toBeCloseTo(955.6491676844047, 8);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(R[i * d + j]).toBe(R[j * d + i]);
  });
});
