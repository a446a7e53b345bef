import { describe, expect, it } from 'vitest';
import { createRng, randomBeta, randomGamma } from './random';

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) };
}

describe('random draws', () => {
  it('Gamma(k) has mean k and variance k (shape above and below 1)', () => {
    for (const k of [0.3, 2.5]) {
      const rng = createRng(7);
      const m = moments(Array.from({ length: 40_000 }, () => randomGamma(rng, k)));
      expect(m.mean).toBeCloseTo(k, 1);
      expect(m.variance / k).toBeGreaterThan(0.95);
      expect(m.variance / k).toBeLessThan(1.05);
    }
  });

  it('Beta(a, a) has mean 1/2 and variance 1/(4(2a + 1)), values in [0, 1]', () => {
    for (const a of [0.2, 0.4, 2]) {
      const rng = createRng(11);
      const xs = Array.from({ length: 40_000 }, () => randomBeta(rng, a, a));
      const m = moments(xs);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...xs)).toBeLessThanOrEqual(1);
      expect(m.mean).toBeCloseTo(0.5, 2);
      const want = 1 / (4 * (2 * a + 1));
      expect(Math.abs(m.variance - want) / want).toBeLessThan(0.03);
    }
  });
});
