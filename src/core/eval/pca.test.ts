import { describe, expect, it } from 'vitest';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { componentsForVariance, computePca, projectPca, symmetricEigen } from './pca';

describe('Jacobi eigen-decomposition', () => {
  it('diagonalises small symmetric matrices (hand-checked)', () => {
    // [[2,1],[1,2]]: eigenvalues 3 (vector (1,1)/√2) and 1 (vector (1,−1)/√2).
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]! * vectors[1]!).toBeCloseTo(0.5, 14);
    expect(vectors[2]! * vectors[3]!).toBeCloseTo(-0.5, 14);
    // Diagonal input: already converged, sorted descending.
    const diag = symmetricEigen(Float64Array.from([1, 0, 0, 0, 5, 0, 0, 0, 3]), 3);
    expect(Array.from(diag.values)).toEqual([5, 3, 1]);
  });
});

describe('PCA on a hand-made example', () => {
  it('finds the diagonal direction, with the documented sign', () => {
    // Points on the line x2 = −x1: one component carries all variance; after z-scoring the
    // loadings are (1, −1)/√2 up to sign, and ties in |loading| go to the first → (+, −).
    const X = Float64Array.from([-2, 2, -1, 1, 0, 0, 1, -1, 2, -2]);
    const p = computePca(X, 2, { nComponents: 1 });
    expect(p.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(p.components[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(p.components[1]).toBeCloseTo(-Math.SQRT1_2, 12);
    // Population std of x1 is √2, so z1 = x1/√2 and z2 = −z1; score = (z1 − z2)/√2 = √2·z1 = x1.
    expect(Array.from(p.scores).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([-2, -1, 0, 1, 2]);
    // Variance with the n − 1 denominator: Σ score² / 4 = 10 / 4.
    expect(p.explainedVariance[0]).toBeCloseTo(2.5, 12);
    expect(() => computePca(X, 2, { nComponents: 3 })).toThrow(/1…2/);
  });
});

describe('PCA keeping a share of the variance (scikit-learn’s PCA(n_components=0.85))', () => {
  it('keeps the fewest components whose cumulative share exceeds the fraction, on a hand-made covariance', () => {
    // Eight rows ±a·v, ±b·w, ±c·e3, ±c·e4 with v = (1, 1, 0, 0)/√2, w = (1, −1, 0, 0)/√2: the mean is 0
    // and each pair adds 2·(scale²)/(n − 1) = 2·scale²/7 of variance along its direction. With
    // a² = 17.5, b² = 10.5, c² = 3.5 the covariance is 5·vvᵀ + 3·wwᵀ + e3e3ᵀ + e4e4ᵀ =
    // [[4, 1, 0, 0], [1, 4, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]: eigenvalues 5, 3, 1, 1 of 10, shares
    // 0.5, 0.3, 0.1, 0.1, cumulative 0.5, 0.8, 0.9, 1 → 85 % needs 3 components, 75 % needs 2.
    const [a, b, c] = [Math.sqrt(17.5 / 2), Math.sqrt(10.5 / 2), Math.sqrt(3.5)];
    const X = Float64Array.from([a, a, 0, 0, -a, -a, 0, 0, b, -b, 0, 0, -b, b, 0, 0, 0, 0, c, 0, 0, 0, -c, 0, 0, 0, 0, c, 0, 0, 0, -c]);
    const p = computePca(X, 4, { standardize: false, varianceFraction: 0.85 });
    expect(p.nComponents).toBe(3);
    [0.5, 0.3, 0.1].forEach((r, i) => expect(p.explainedVarianceRatio[i]).toBeCloseTo(r, 12));
    expect(p.scores).toHaveLength(8 * 3);
    expect(computePca(X, 4, { standardize: false, varianceFraction: 0.75 }).nComponents).toBe(2);
    // On exact shares the boundary is scikit-learn's: strictly more than the fraction.
    expect(componentsForVariance([0.5, 0.3, 0.1, 0.1], 0.5)).toBe(2);
    expect(componentsForVariance([0.5, 0.3, 0.1, 0.1], 0.95)).toBe(4);
    expect(() => computePca(X, 4, { varianceFraction: 85 })).toThrow(/between 0 and 1/);
  });
});

/*
 * numpy reference (python3, numpy 2.4), NTNU 30 s, all 990 rows × 63 features:
 *
 *   Z=(X-X.mean(0))/X.std(0)
 *   w,V=np.linalg.eigh(np.cov(Z,rowvar=False)); o=np.argsort(w)[::-1]; w=w[o]; V=V[:,o]
 *   for c in range(2):
 *       j=np.argmax(np.abs(V[:,c]))
 *       if V[j,c]<0: V[:,c]*=-1
 *   print((w[:5]/w.sum()).tolist(), w[:2].tolist(), V[:3,0].tolist(), V[:3,1].tolist())
 *   S=Z@V[:,:2]; print(S[0].tolist(), S[989].tolist())
 */
const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('PCA on NTNU 30 s vs numpy', () => {
  it('matches explained variance, loadings (with sign) and scores', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const d = ds.featureNames.length;
    const t0 = performance.now();
    const p = computePca(ds.values, d, { nComponents: 5 });
    console.log(`PCA NTNU 30 s (990 × 63): ${(performance.now() - t0).toFixed(0)} ms; ratios ${Array.from(p.explainedVarianceRatio, (v) => v.toFixed(4)).join(', ')}`);
    const ratios = [0.21504202406512457, 0.1877247772590461, 0.09529979295930173, 0.053086890610884854, 0.04786238730348539];
    ratios.forEach((r, i) => expect(p.explainedVarianceRatio[i]).toBeCloseTo(r, 10));
    expect(p.explainedVariance[0]).toBeCloseTo(13.56134584523945, 9);
    expect(p.explainedVariance[1]).toBeCloseTo(11.838619168500204, 9);
    expect(p.allExplainedVarianceRatio.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    [0.13882193078881805, 0.2264615847411663, 0.15830919239517774].forEach((v, j) => expect(p.components[j]).toBeCloseTo(v, 8));
    [0.15404031481532784, -0.020472998064754333, 0.0827816830401193].forEach((v, j) => expect(p.components[d + j]).toBeCloseTo(v, 8));
    const scores2 = computePca(ds.values, d).scores;
    expect(scores2[0]).toBeCloseTo(3.51484054298224, 8);
    expect(scores2[1]).toBeCloseTo(1.5716592659093676, 8);
    expect(scores2[989 * 2]).toBeCloseTo(-4.3820770631787, 8);
    expect(scores2[989 * 2 + 1]).toBeCloseTo(-2.298395172040018, 8);
    // Projecting the fitted rows again gives the same scores.
    expect(Array.from(projectPca(p, ds.values.subarray(0, d)))).toEqual(Array.from(p.scores.subarray(0, 5)));
  });
});
