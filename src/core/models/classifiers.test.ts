import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { LabError } from '../errors';
import { averageProbabilities, ensembleClassifier, fitKnn, rowsExceptTracks, type Classifier } from './classifiers';
import { fitClassifier } from './registry';

/** Four one-feature rows: genre a at 0 and 2, genre b at 10 and 12 (hand-checkable). */
const ds: Dataset = {
  id: 't',
  name: 'tiny',
  format: 'generic',
  featureNames: ['x', 'y'],
  values: Float64Array.from([0, 1, 2, 1, 10, 1, 12, 1]),
  nRows: 4,
  genres: ['a', 'b'],
  labels: Int32Array.from([0, 0, 1, 1]),
  trackIds: ['a.1', 'a.2', 'b.1', 'b.2'],
  segmentIndex: Int32Array.from([0, 0, 0, 0]),
  meta: {},
} as unknown as Dataset;

describe('Classifier implementations', () => {
  it('k-NN: z-scored with the training rows, 1-NN votes by hand', async () => {
    // x: mean 6, population std √(36+16+16+36)/2 = √26 ≈ 5.099; y is constant (std 0 → 1 by the scaler's rule).
    const knn = fitKnn(ds, [0, 1, 2, 3], { k: 1, features: ['x'] });
    expect(knn.spec.featureNames).toEqual(['x']);
    const sc = knn.spec.scaler;
    if (sc.kind !== 'zscore') throw new Error(`expected the default z-score scaler, got ${sc.kind}`);
    expect(sc.mean[0]).toBeCloseTo(6, 12);
    expect(sc.std[0]).toBeCloseTo(Math.sqrt(26), 12);
    // Raw 3 → nearest is 2 (genre a); raw 9 → nearest is 10 (genre b). Inputs arrive scaled.
    const z = (v: number) => (v - 6) / Math.sqrt(26);
    const p = await knn.predict({ x: Float64Array.from([z(3), z(9)]), sampleShape: [1] });
    expect(Array.from(p)).toEqual([1, 0, 0, 1]);
    await expect(knn.predict({ x: new Float64Array(4), sampleShape: [2] })).rejects.toThrow(LabError);
  });

  it('the registry fits every classic kind, which separates two far-apart genres', async () => {
    for (const kind of ['knn', 'logistic', 'forest', 'svm', 'linear-svm', 'extra-trees', 'sgd']) {
      const c = await fitClassifier(kind, ds, [0, 1, 2, 3], { features: ['x'], k: 3, nTrees: 10, C: 10 });
      expect(c.kind).toBe(kind);
      const z = (v: number) => (v - 6) / Math.sqrt(26);
      const p = await c.predict({ x: Float64Array.from([z(-1), z(13)]), sampleShape: [1] });
      expect(p[0]! > p[1]!, `${kind}: −1 is genre a`).toBe(true);
      expect(p[3]! > p[2]!, `${kind}: 13 is genre b`).toBe(true);
      expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
    }
    await expect(fitClassifier('mlp', ds, [0, 1])).rejects.toThrow(/trained with tfjs/);
  });

  it('min-max scaling: the spec keeps the training range, inputs scaled with it classify as by hand', async () => {
    // x: min 0, max 12. Linear SVM on the scaled rows 0, 1/6 (a) and 5/6, 1 (b): raw 1 → 1/12 is a, raw 11 → 11/12 is b.
    const c = await fitClassifier('svm', ds, [0, 1, 2, 3], { features: ['x'], scaling: 'minmax', kernel: 'linear' });
    expect(c.spec.scaler).toEqual({ kind: 'minmax', min: [0], max: [12] });
    const p = await c.predict({ x: Float64Array.from([1 / 12, 11 / 12]), sampleShape: [1] });
    expect(Array.from(p)).toEqual([1, 0, 0, 1]); // one pair: its vote is the whole share
  });

  it('an ensemble answers its members’ mean probability and refuses members reading other inputs', async () => {
    const fixed = (p: number[], features = ['x']): Classifier => ({ kind: 'knn', spec: { ...fitKnn(ds, [0, 1, 2, 3], { features }).spec }, predict: async () => Float64Array.from(p), dispose: () => undefined });
    const e = ensembleClassifier([fixed([0.2, 0.8]), fixed([0.6, 0.4])]);
    const p = await e.predict({ x: new Float64Array(1), sampleShape: [1] });
    expect(p[0]).toBeCloseTo(0.4, 12);
    expect(p[1]).toBeCloseTo(0.6, 12);
    expect(() => ensembleClassifier([fixed([1, 0]), fixed([1, 0], ['y'])])).toThrow(/member 2 reads other inputs/);
    expect(Array.from(averageProbabilities([[1, 0], [0, 1], [0.5, 0.5]]))).toEqual([0.5, 0.5]);
  });

  it('leaves a track’s rows out (a track is never its own neighbour)', () => {
    expect(Array.from(rowsExceptTracks(ds, new Set(['a.2', 'b.1'])))).toEqual([0, 3]);
  });
});
