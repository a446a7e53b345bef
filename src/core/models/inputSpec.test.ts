import { describe, expect, it } from 'vitest';
import { migrateInputSpec, scalerAffine } from './inputSpec';

const base = { version: 2, input: 'feature-rows', recipe: null, recipeVersion: null, featureNames: ['a', 'b'], genres: ['x', 'y'], steps: 1 };

describe('InputSpec scalers', () => {
  it('reads a min-max scaler and turns it into the affine map (x − min) / (max − min)', () => {
    const spec = migrateInputSpec({ ...base, scaler: { kind: 'minmax', min: [2, 5], max: [10, 5] } });
    expect(spec.scaler).toEqual({ kind: 'minmax', min: [2, 5], max: [10, 5] });
    const a = scalerAffine(spec.scaler);
    // Column a: (6 − 2)/8 = 0.5; column b is constant, range taken as 1.
    expect([(6 - a.mean[0]!) / a.std[0]!, (5 - a.mean[1]!) / a.std[1]!]).toEqual([0.5, 0]);
  });

  it('refuses a min-max scaler with min > max, missing columns or non-numbers', () => {
    expect(() => migrateInputSpec({ ...base, scaler: { kind: 'minmax', min: [3, 0], max: [2, 1] } })).toThrow(/min must not exceed max/);
    expect(() => migrateInputSpec({ ...base, scaler: { kind: 'minmax', min: [0], max: [1] } })).toThrow(/1\/1 columns for 2 features/);
    expect(() => migrateInputSpec({ ...base, scaler: { kind: 'minmax', min: [0, 'x'], max: [1, 1] } })).toThrow(/finite numbers/);
    expect(() => migrateInputSpec({ ...base, scaler: { kind: 'robust' } })).toThrow(/z-score .* or min-max/);
  });

  it('a z-score scaler and a version-1 spec read as before', () => {
    expect(migrateInputSpec({ ...base, scaler: { kind: 'zscore', mean: [0, 1], std: [1, 2] } }).scaler).toEqual({ kind: 'zscore', mean: [0, 1], std: [1, 2] });
    const v1 = migrateInputSpec({ unit: 'segment', featureNames: ['a'], scaler: { mean: [3], std: [2] }, genres: ['x', 'y'], steps: 1 });
    expect(v1.scaler).toEqual({ kind: 'zscore', mean: [3], std: [2] });
  });
});
