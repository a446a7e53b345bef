import { describe, expect, it } from 'vitest';
import type { Dataset } from './data/dataset';
import { runJob } from './jobs';

/** Genre a: y = x (r = +1); genre b: y = −x (r = −1). */
const ds = {
  id: 'j',
  name: 'j',
  format: 'generic',
  featureNames: ['x', 'y'],
  nRows: 6,
  values: Float64Array.of(1, 1, 2, 2, 3, 3, 1, -1, 2, -2, 3, -3),
  labels: Int32Array.of(0, 0, 0, 1, 1, 1),
  genres: ['a', 'b'],
  trackIds: ['a0', 'a1', 'a2', 'b0', 'b1', 'b2'],
  segmentIndex: new Int32Array(6),
  rowKeys: [],
  meta: {},
} as Dataset;

describe('Explore jobs follow the ticked genres', () => {
  it('correlation on one genre’s rows only', () => {
    const a = runJob(ds, { kind: 'correlation', features: ['x', 'y'], genres: ['a'] });
    const b = runJob(ds, { kind: 'correlation', features: ['x', 'y'], genres: ['b'] });
    if (a.kind !== 'correlation' || b.kind !== 'correlation') throw new Error('wrong kind');
    expect(a.correlation.matrix[0]![1]).toBeCloseTo(1, 12);
    expect(b.correlation.matrix[0]![1]).toBeCloseTo(-1, 12);
    // All six rows: x and y are uncorrelated (Σ(x−2)(y−0) = 0 by symmetry).
    const all = runJob(ds, { kind: 'correlation', features: ['x', 'y'] });
    if (all.kind !== 'correlation') throw new Error('wrong kind');
    expect(all.correlation.matrix[0]![1]).toBeCloseTo(0, 12);
  });

  it('PCA scores only the ticked genres’ rows, with their labels and track ids', () => {
    const r = runJob(ds, { kind: 'pca', features: ['x', 'y'], genres: ['b'] });
    if (r.kind !== 'pca') throw new Error('wrong kind');
    expect(r.pca.trackIds).toEqual(['b0', 'b1', 'b2']);
    expect(r.pca.labels).toEqual([1, 1, 1]);
    // Rows of b lie on a line: the first component explains all the variance.
    expect(r.pca.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(r.pca.x.length).toBe(3);
  });
});
