import { describe, expect, it } from 'vitest';
import { evaluatePredictions } from './metrics';

describe('evaluatePredictions', () => {
  it('matches a hand-computed 3-class example', () => {
    // true: a a a b b c ; pred: a b a b c c
    const r = evaluatePredictions([0, 0, 0, 1, 1, 2], [0, 1, 0, 1, 2, 2], ['a', 'b', 'c']);
    expect(r.correct).toBe(4);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.confusion).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    const [a, b, c] = r.perClass;
    expect(a).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 3 });
    expect(b).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 3 });
    expect(c).toMatchObject({ tp: 1, fp: 1, fn: 0, tn: 4 });
    // F1: a = 4/5, b = 1/2, c = 2/3.
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });
});
