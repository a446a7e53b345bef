import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { optimalInit, optimalLearningRate, sgdBinary, trainSgd } from './sgd';
import { predictLinearOvr } from './linearOvr';

const defaults = { alpha: 1e-4, maxIter: 1000, tol: 1e-3 as number | null, nIterNoChange: 5, shuffle: true };

describe('SGD classifier (scikit-learn SGDClassifier defaults)', () => {
  it("'optimal' learning rate: t₀ from Bottou's heuristic, η = 1/(α(t₀ + t − 1))", () => {
    // α = 1e-4: typw = √(1/√1e-4) = √100 = 10; hinge dloss(−10, +1) = −1, so η₀ = 10/max(1, −1) = 10
    // and t₀ = 1/(η₀ α) = 1/(10 · 1e-4) = 1000. First row: η = 1/(1e-4 · 1000) = 10; row 101: 1/(1e-4 · 1100).
    expect(optimalInit(1e-4)).toBeCloseTo(1000, 9);
    expect(optimalLearningRate(1e-4, 1000, 1)).toBeCloseTo(10, 9);
    expect(optimalLearningRate(1e-4, 1000, 101)).toBeCloseTo(1 / 0.11, 9);
    // α = 0.01: typw = √10, η₀ = √10, t₀ = 1/(√10 · 0.01) = 100/√10 ≈ 31.62.
    expect(optimalInit(0.01)).toBeCloseTo(100 / Math.sqrt(10), 9);
  });

  it('two epochs on one row, traced by hand', () => {
    // Row x = 2, y = +1, α = 1e-4. Epoch 1 (t = 1, η = 10): p = 0 ≤ 1 → g = −1; w ← (1 − 10·1e-4)·0 + 10·2 = 20,
    // b = 10. Epoch 2 (t = 2, η = 1/(1e-4 · 1001)): p = 50 > 1 → no step; w ← (1 − 1/1001) · 20 = 20000/1001.
    const r = sgdBinary(Float64Array.from([2]), Int8Array.from([1]), 1, { ...defaults, maxIter: 2, tol: null }, createRng(0));
    expect(r.epochs).toBe(2);
    expect(r.w[0]).toBeCloseTo(20000 / 1001, 10);
    expect(r.b).toBe(10);
  });

  it('stops when the epoch loss stalls for 5 epochs, one-vs-all separates three clusters, and the seed fixes the result', () => {
    const rows: number[] = [];
    const y: number[] = [];
    const rng = createRng(4);
    const centres = [[0, 0], [4, 0], [0, 4]];
    for (let i = 0; i < 90; i++) {
      const c = i % 3;
      rows.push(centres[c]![0]! + rng() - 0.5, centres[c]![1]! + rng() - 0.5);
      y.push(c);
    }
    const X = Float64Array.from(rows);
    const Y = Int32Array.from(y);
    const m = trainSgd(X, Y, 2, 3, { seed: 1 });
    expect(m.epochs).toHaveLength(3);
    // Separable clusters: the hinge loss reaches 0, so improvement stops after a few epochs, never 1000.
    for (const e of m.epochs) expect(e).toBeLessThan(100);
    const p = predictLinearOvr(m, X);
    expect(Array.from(p.predicted)).toEqual(y);
    // _predict_proba_lr: σ of each decision, normalised.
    const dec = p.decisions.subarray(0, 3);
    const sig = Array.from(dec, (v) => 1 / (1 + Math.exp(-v)));
    const s = sig.reduce((a, b) => a + b, 0);
    sig.forEach((v, c) => expect(p.probabilities[c]).toBeCloseTo(v / s, 12));
    expect(Array.from(trainSgd(X, Y, 2, 3, { seed: 1 }).coef)).toEqual(Array.from(m.coef));
    expect(Array.from(trainSgd(X, Y, 2, 3, { seed: 2 }).coef)).not.toEqual(Array.from(m.coef));
  });

  it('two genres: one binary problem with the second genre positive, reported as (−f, f)', () => {
    const X = Float64Array.from([0, 1, 5, 6]);
    const m = trainSgd(X, Int32Array.from([0, 0, 1, 1]), 1, 2, { seed: 0 });
    expect(m.epochs).toHaveLength(1);
    expect(m.coef[0]).toBe(-m.coef[1]!);
    const p = predictLinearOvr(m, X);
    expect(Array.from(p.predicted)).toEqual([0, 0, 1, 1]);
    expect(p.probabilities[0]! + p.probabilities[1]!).toBeCloseTo(1, 12);
  });
});
