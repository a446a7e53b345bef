import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { linearSvmBinary, trainLinearSvm } from './linearSvm';
import { predictLinearOvr } from './linearOvr';

describe('linear SVM (LinearSVC: squared hinge, penalised bias, dual coordinate descent)', () => {
  it('symmetric pair x = ±1: w minimises ½w² + 2C(1 − w)², i.e. w = 4C/(1 + 4C), b = 0', () => {
    for (const C of [1, 0.1]) {
      const r = linearSvmBinary(Float64Array.from([1, -1]), Int8Array.from([1, -1]), 1, C, 1e-10, 10000, createRng(0));
      expect(r.w[0]).toBeCloseTo((4 * C) / (1 + 4 * C), 8);
      expect(r.b).toBeCloseTo(0, 8);
    }
  });

  it('x = 2 (+1), x = 0 (−1), C = 1: both margins active, w = 20/29, b = −16/29 by hand', () => {
    // ∂/∂w: w − 4(1 − 2w − b) = 0 → 9w + 4b = 4; ∂/∂b: b − 2(1 − 2w − b) + 2(1 + b) = 0 → 4w + 5b = 0.
    const r = linearSvmBinary(Float64Array.from([2, 0]), Int8Array.from([1, -1]), 1, 1, 1e-10, 10000, createRng(0));
    expect(r.w[0]).toBeCloseTo(20 / 29, 8);
    expect(r.b).toBeCloseTo(-16 / 29, 8);
  });

  it('one-vs-rest on three genres predicts each cluster, two genres give one problem', () => {
    const X = Float64Array.from([0, 0, 0, 1, 6, 0, 6, 1, 0, 6, 1, 6]);
    const y = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const m = trainLinearSvm(X, y, 2, 3);
    expect(m.passes).toHaveLength(3);
    expect(Array.from(predictLinearOvr(m, X).predicted)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(trainLinearSvm(X, Int32Array.from([0, 0, 1, 1, 1, 1]), 2, 3).passes).toHaveLength(1);
    expect(() => trainLinearSvm(X, y, 2, 3, { C: -1 })).toThrow(/C must be/);
  });
});
