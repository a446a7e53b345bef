import { describe, expect, it } from 'vitest';
import { applyStandardizer, fitMinMax, SCALINGS } from './scale';

describe('min-max scaling (scikit-learn MinMaxScaler)', () => {
  it('maps training rows to [0, 1] by hand and applies the training range to other rows', () => {
    // Column a: 2, 4, 10 → min 2, range 8; column b: constant 5 → range 1 (maps to 0).
    const train = Float64Array.from([2, 5, 4, 5, 10, 5]);
    expect(fitMinMax(train, 2)).toEqual({ min: Float64Array.from([2, 5]), max: Float64Array.from([10, 5]) });
    const s = SCALINGS.minmax.fit(train, 2);
    expect(Array.from(applyStandardizer(train, s))).toEqual([0, 0, 0.25, 0, 1, 0]);
    // A test row beyond the training range goes outside [0, 1]: the range is the training rows' only.
    expect(Array.from(applyStandardizer(Float64Array.from([18, 7]), s))).toEqual([2, 2]);
  });

  it('z-score stays the other entry: (x − mean) / population std', () => {
    const s = SCALINGS.zscore.fit(Float64Array.from([1, 3]), 1);
    expect(Array.from(applyStandardizer(Float64Array.from([1, 3, 5]), s))).toEqual([-1, 1, 3]);
  });
});
