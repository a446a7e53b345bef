import { describe, expect, it } from 'vitest';
import { learningRateAt } from './optimizer';

describe('learningRateAt', () => {
  it('follows the cosine schedule: lr at step 0, lr/2 half-way, → 0 at the end', () => {
    expect(learningRateAt('cosine', 0.01, 0, 100)).toBeCloseTo(0.01, 12);
    expect(learningRateAt('cosine', 0.01, 50, 100)).toBeCloseTo(0.005, 12);
    expect(learningRateAt('cosine', 0.01, 25, 100)).toBeCloseTo(0.01 * (0.5 + Math.SQRT1_2 / 2), 12);
    expect(learningRateAt('cosine', 0.01, 99, 100)).toBeCloseTo(0.01 * 0.5 * (1 - Math.cos(Math.PI / 100)), 12);
    expect(learningRateAt('constant', 0.01, 99, 100)).toBe(0.01);
  });
});
