import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { predictSvm, resolveGamma, trainSvm, voteOneVsOne } from './svm';

const f64 = (rows: number[][]) => Float64Array.from(rows.flat());

/** w = Σ yᵢαᵢxᵢ of a linear machine, from its support vectors. */
function weights(m: ReturnType<typeof trainSvm>, pair = 0): number[] {
  const mach = m.machines[pair]!;
  const w = new Array<number>(m.nFeatures).fill(0);
  mach.support.forEach((s, k) => {
    for (let f = 0; f < m.nFeatures; f++) w[f]! += mach.dualCoef[k]! * m.supportVectors[s * m.nFeatures + f]!;
  });
  return w;
}

describe('SVC (libsvm SMO, one-vs-one)', () => {
  it('two points per genre, linear: margin line x₁ = 3, support vectors (4,0) and (2,0), dual coefficients ±½', () => {
    // By hand: the constraints w·(4,0)+b ≥ 1 and −(w·(2,0)+b) ≥ 1 give 2w₁ ≥ 2, so the smallest
    // ‖w‖ is w = (1, 0), b = −3; (5,1) and (1,−1) lie beyond the margin (α = 0). w = Σyα x with
    // Σyα = 0 gives α = ½ for both support vectors.
    const X = f64([[4, 0], [5, 1], [2, 0], [1, -1]]);
    const y = Int32Array.from([0, 0, 1, 1]);
    const m = trainSvm(X, y, 2, 2, { kernel: 'linear', C: 10, tol: 1e-10 });
    expect(Array.from(m.supportRows)).toEqual([0, 2]);
    const mach = m.machines[0]!;
    expect([mach.positive, mach.negative]).toEqual([0, 1]);
    expect(mach.dualCoef[0]).toBeCloseTo(0.5, 8);
    expect(mach.dualCoef[1]).toBeCloseTo(-0.5, 8);
    expect(mach.intercept).toBeCloseTo(-3, 8);
    const w = weights(m);
    expect(w[0]).toBeCloseTo(1, 8);
    expect(w[1]).toBeCloseTo(0, 8);
    const p = predictSvm(m, f64([[3.5, 7], [2.5, -7]]));
    expect(p.decisions[0]).toBeCloseTo(0.5, 8);
    expect(p.decisions[1]).toBeCloseTo(-0.5, 8);
    expect(Array.from(p.predicted)).toEqual([0, 1]);
  });

  it('a separable set: the max-margin line is x + y = 0 through the closest pair, w = (½, ½)', () => {
    // x+y of genre a: 2, 5, 4, 8; of genre b: −2, −3, −5, −5. The closest pair (1,1)/(−1,−1) fixes
    // the bisector x + y = 0; w·(1,1) = 1 gives w = (½, ½), and w = α(1,1) − α(−1,−1) gives α = ¼.
    const X = f64([[1, 1], [2, 3], [3, 1], [4, 4], [-1, -1], [-2, -1], [-3, -2], [-1, -4]]);
    const y = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const m = trainSvm(X, y, 2, 2, { kernel: 'linear', C: 100, tol: 1e-10 });
    expect(Array.from(m.supportRows)).toEqual([0, 4]);
    expect(Array.from(m.machines[0]!.dualCoef).map((v) => +v.toFixed(8))).toEqual([0.25, -0.25]);
    expect(m.machines[0]!.intercept).toBeCloseTo(0, 8);
    const w = weights(m);
    expect(w[0]).toBeCloseTo(0.5, 8);
    expect(w[1]).toBeCloseTo(0.5, 8);
  });

  it('RBF on two points, γ = 1: α = 1/(1 − e⁻¹) when C allows it, α = C when it does not', () => {
    // Dual: maximise 2α − α²(1 − e⁻¹) (K₁₁ = K₂₂ = 1, K₁₂ = e⁻¹) → α = 1/(1 − e⁻¹) ≈ 1.582; symmetric → b = 0.
    const X = f64([[0, 0], [1, 0]]);
    const y = Int32Array.from([0, 1]);
    const free = trainSvm(X, y, 2, 2, { gamma: 1, C: 10, tol: 1e-10 }).machines[0]!;
    expect(free.dualCoef[0]).toBeCloseTo(1 / (1 - Math.exp(-1)), 8);
    expect(free.dualCoef[1]).toBeCloseTo(-1 / (1 - Math.exp(-1)), 8);
    expect(free.intercept).toBeCloseTo(0, 8);
    // C = 1 < 1.582: both α at the bound; ρ = (ub + lb)/2 = (e⁻¹ − e⁻¹)/2 = 0.
    const bounded = trainSvm(X, y, 2, 2, { gamma: 1, C: 1 }).machines[0]!;
    expect(Array.from(bounded.dualCoef)).toEqual([1, -1]);
    expect(bounded.intercept).toBeCloseTo(0, 12);
  });

  it('γ "scale" = 1 / (n_features · X.var()) over every value, "auto" = 1 / n_features', () => {
    // Values 0,0, 2,0, 0,4, 2,4: mean 1.5, squared deviations sum 22, variance 22/8 = 2.75.
    const X = f64([[0, 0], [2, 0], [0, 4], [2, 4]]);
    expect(resolveGamma('scale', X, 2)).toBeCloseTo(1 / (2 * 2.75), 14);
    expect(resolveGamma('auto', X, 2)).toBe(0.5);
    expect(resolveGamma(0.3, X, 2)).toBe(0.3);
    expect(resolveGamma('scale', f64([[1, 1], [1, 1]]), 2)).toBe(1); // constant X: scikit-learn uses 1
    expect(() => resolveGamma(-1, X, 2)).toThrow(LabError);
    expect(trainSvm(X, Int32Array.from([0, 1, 0, 1]), 2, 2).gamma).toBeCloseTo(1 / 5.5, 14);
  });

  it('one-vs-one votes on three genres: most votes wins, a three-way tie goes to the first genre', () => {
    const pairs = [{ positive: 0, negative: 1 }, { positive: 0, negative: 2 }, { positive: 1, negative: 2 }];
    // (0,1) → 0, (0,2) → 2, (1,2) → 1: one vote each → genre 0, as libsvm's strict ">" keeps the first.
    expect(voteOneVsOne([1, -1, 1], pairs, 3)).toEqual({ winner: 0, votes: Int32Array.from([1, 1, 1]) });
    // (0,1) → 1, (0,2) → 2, (1,2) → 1: genre 1 has two votes. A decision of exactly 0 votes for the second genre.
    expect(voteOneVsOne([-1, 0, 2], pairs, 3).winner).toBe(1);
    // Trained: three far-apart clusters, each centre wins both of its pairs (vote share 2/3).
    const X = f64([[0, 0], [0, 1], [10, 0], [10, 1], [0, 10], [1, 10]]);
    const m = trainSvm(X, Int32Array.from([0, 0, 1, 1, 2, 2]), 2, 3, { kernel: 'linear' });
    expect(m.machines.map((p) => [p.positive, p.negative])).toEqual([[0, 1], [0, 2], [1, 2]]);
    const p = predictSvm(m, f64([[0, 0.5], [10, 0.5], [0.5, 10]]));
    expect(Array.from(p.predicted)).toEqual([0, 1, 2]);
    expect(p.probabilities[0]).toBeCloseTo(2 / 3, 14);
    expect(p.probabilities[1]! + p.probabilities[2]!).toBeCloseTo(1 / 3, 14);
  });

  it('refuses a table with one genre and a bad C', () => {
    expect(() => trainSvm(f64([[0], [1]]), Int32Array.from([1, 1]), 1, 3)).toThrow(/two genres/);
    expect(() => trainSvm(f64([[0], [1]]), Int32Array.from([0, 1]), 1, 2, { C: 0 })).toThrow(/C must be/);
  });
});
