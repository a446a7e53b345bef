import { describe, expect, it } from 'vitest';
import { goalMet, ratioOf, type BenchLine } from './report';

const line = (o: Partial<BenchLine>): BenchLine => ({ part: 'knn', what: 'x', unit: 's', ours: 3, reference: 2, referenceName: 'ref', referenceKind: 'measured', ...o });

describe('bench report arithmetic', () => {
  it('ratio is ours / reference, missing when either side is', () => {
    expect(ratioOf(line({}))).toBe(1.5);
    expect(ratioOf(line({ reference: null }))).toBeNull();
    expect(ratioOf(line({ ours: null }))).toBeNull();
  });

  it('goals: a ratio bound, an absolute bound, both, or not judged without the numbers', () => {
    expect(goalMet(line({ goal: { maxRatio: 1.5 } }))).toBe(true); // 3 / 2 = 1.5 ≤ 1.5
    expect(goalMet(line({ goal: { maxRatio: 1.4 } }))).toBe(false);
    expect(goalMet(line({ unit: 'ms', ours: 81, goal: { maxOurs: 80 } }))).toBe(false);
    expect(goalMet(line({ unit: 'ms', ours: 80, reference: null, goal: { maxOurs: 80 } }))).toBe(true);
    expect(goalMet(line({ goal: { maxOurs: 5, maxRatio: 1.2 } }))).toBe(false); // absolute met, ratio not
    expect(goalMet(line({ reference: null, goal: { maxRatio: 2 } }))).toBeNull();
    expect(goalMet(line({}))).toBeNull();
  });
});
