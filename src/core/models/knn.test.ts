import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { runKnn } from '../eval/classic';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { knnPredict, NeighbourHeap } from './knn';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
const ntnu30 = 'data/gtzan/GenreClassData_30s.txt';

describe('k-NN by hand', () => {
  it('uniform vote with hand-computed neighbours', () => {
    // 1-D train: 0 (a), 1 (a), 5 (b), 6 (b), 7 (b). Query 2 → nearest 1, 0, 5 → a wins 2:1.
    const r = knnPredict(Float64Array.of(0, 1, 5, 6, 7), Int32Array.of(0, 0, 1, 1, 1), Float64Array.of(2, 5.6), 1, 2, { k: 3, weights: 'uniform' });
    expect([...r.predicted]).toEqual([0, 1]);
    expect(r.probabilities[0]).toBeCloseTo(2 / 3, 12);
  });

  it('distance weighting can overturn the majority', () => {
    // Query 0.9: neighbours 1 (a, d=0.1), 2.5 (b, d=1.6), 2.6 (b, d=1.7): a = 10, b ≈ 1.22.
    const r = knnPredict(Float64Array.of(1, 2.5, 2.6), Int32Array.of(0, 1, 1), Float64Array.of(0.9), 1, 2, { k: 3, weights: 'distance' });
    expect(r.predicted[0]).toBe(0);
  });

  it('a zero-distance neighbour alone decides under distance weighting', () => {
    const r = knnPredict(Float64Array.of(3, 3.1, 3.2), Int32Array.of(1, 0, 0), Float64Array.of(3), 1, 2, { k: 3, weights: 'distance' });
    expect(r.predicted[0]).toBe(1);
    expect(r.probabilities[1]).toBe(1);
  });

  it('breaks distance ties by training row order and vote ties by label order', () => {
    // Train rows at -1 (b) and +1 (a) are equally far from 0; k = 1 takes the first row (b).
    const r1 = knnPredict(Float64Array.of(-1, 1), Int32Array.of(1, 0), Float64Array.of(0), 1, 2, { k: 1, weights: 'uniform' });
    expect(r1.predicted[0]).toBe(1);
    // k = 2: one vote each → the first genre in label order (a = 0).
    const r2 = knnPredict(Float64Array.of(-1, 1), Int32Array.of(1, 0), Float64Array.of(0), 1, 2, { k: 2, weights: 'uniform' });
    expect(r2.predicted[0]).toBe(0);
  });

  it('the heap gives the same neighbours whatever order rows are offered in', () => {
    const d = [5, 1, 3, 1, 9, 3, 0.5];
    const a = new NeighbourHeap(4);
    const b = new NeighbourHeap(4);
    d.forEach((x, j) => a.offer(x, j));
    [...d.keys()].reverse().forEach((j) => b.offer(d[j]!, j));
    expect([...a.index]).toEqual([6, 1, 3, 2]);
    expect([...b.index]).toEqual([...a.index]);
  });
});

describe.skipIf(!!skipReason(ntnu30))('NTNU 30 s study (report numbers)', () => {
  // Loaded in beforeAll: a describe body runs even when the suite is skipped.
  let ds: Dataset;
  beforeAll(() => {
    ds = loadTableFile(sharedPath(ntnu30)!);
  });

  it('Task 1 features: 40.40 % (80/198), macro F1 0.398, per-genre counts of the report', () => {
    const r = runKnn(ds, { features: TASK1, k: 5, weights: 'distance' });
    expect(r.rows.n).toBe(198);
    expect(r.rows.correct).toBe(80);
    expect(r.rows.macroF1.toFixed(3)).toBe('0.398');
    const pop = r.rows.perClass.find((c) => c.genre === 'pop')!;
    const classical = r.rows.perClass.find((c) => c.genre === 'classical')!;
    expect([pop.tp, pop.tn, pop.fp, pop.fn]).toEqual([12, 165, 13, 8]);
    expect([classical.tp, classical.tn, classical.fp, classical.fn]).toEqual([15, 173, 6, 4]);
  });

  it('all 63 features: 64.14 % / 0.637', () => {
    const r = runKnn(ds, { features: ds.featureNames, k: 5, weights: 'distance' });
    expect(ds.featureNames.length).toBe(63);
    expect((r.rows.accuracy * 100).toFixed(2)).toBe('64.14');
    expect(r.rows.macroF1.toFixed(3)).toBe('0.637');
  });
});
