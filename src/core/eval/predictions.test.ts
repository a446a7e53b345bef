import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { runKnn } from './classic';
import { capPredictionList, confusionCellMembers, rowPredictionList, rowsOfSample, trackListFromProbabilities, trackPredictionList } from './predictions';

/** 3 tracks × 2 segments, genres a, b; one feature (the row number). */
function tiny(): Dataset {
  const trackIds = ['t0', 't0', 't1', 't1', 't2', 't2'];
  return {
    id: 'tiny',
    name: 'tiny',
    format: 'generic',
    featureNames: ['x'],
    nRows: 6,
    values: Float64Array.from([0, 1, 2, 3, 4, 5]),
    labels: Int32Array.from([0, 0, 1, 1, 1, 1]),
    genres: ['a', 'b'],
    trackIds,
    segmentIndex: Int32Array.from([0, 1, 0, 1, 0, 1]),
    rowKeys: ['t0.0', 't0.1', 't1.0', 't1.1', 't2.0', 't2.1'],
    meta: {},
  };
}

describe('prediction lists', () => {
  it('row level: ids, truth, prediction and the predicted genre’s probability per test row', () => {
    const ds = tiny();
    // Test rows 1, 2, 5 predicted a, a, b with these (hand-written) probabilities.
    const l = rowPredictionList(ds, [1, 2, 5], [0, 0, 1], [0.9, 0.1, 0.6, 0.4, 0.3, 0.7]);
    expect(l.ids).toEqual(['t0.1', 't1.0', 't2.1']);
    expect(l.yTrue).toEqual([0, 1, 1]);
    expect(l.yPred).toEqual([0, 0, 1]);
    expect(l.probability).toEqual([0.9, 0.6, 0.7]);
    expect(l.total).toBe(3);
  });

  it('track level: voted genre, first row, and the mean probability of the voted genre over segments', () => {
    const ds = tiny();
    // Rows 2,3 (t1) and 4,5 (t2); t1 voted a (index 0), t2 voted b.
    const probs = [0.8, 0.2, 0.4, 0.6, 0.1, 0.9, 0.3, 0.7];
    const l = trackPredictionList(ds, [2, 3, 4, 5], [0, 1], probs);
    expect(l.ids).toEqual(['t1', 't2']);
    expect(l.rows).toEqual([2, 4]);
    expect(l.yTrue).toEqual([1, 1]);
    // t1: (0.8 + 0.4) / 2 = 0.6; t2: (0.9 + 0.7) / 2 = 0.8
    expect(l.probability[0]).toBeCloseTo(0.6, 12);
    expect(l.probability[1]).toBeCloseTo(0.8, 12);
  });

  it('from per-track probabilities (a neural run): first row, truth from the dataset, probability of the prediction', () => {
    const ds = tiny();
    const l = trackListFromProbabilities(ds, ['t2', 't0'], [0, 0], [0.55, 0.45, 0.7, 0.3]);
    expect(l.rows).toEqual([4, 0]);
    expect(l.yTrue).toEqual([1, 0]);
    expect(l.probability).toEqual([0.55, 0.7]);
    expect(() => trackListFromProbabilities(ds, ['zz'], [0], [1, 0])).toThrow(/zz/);
  });

  it('a confusion cell lists exactly its samples, most confident first, NaN last', () => {
    const list = { ids: ['p', 'q', 'r', 's', 'u'], rows: [0, 1, 2, 3, 4], yTrue: [1, 1, 0, 1, 1], yPred: [0, 0, 0, 0, 1], probability: [0.5, NaN, 0.9, 0.7, 0.8], total: 5 };
    const m = confusionCellMembers(list, ['a', 'b'], 1, 0);
    // true b, predicted a: p (0.5), q (NaN), s (0.7) → s, p, q
    expect(m.map((x) => x.id)).toEqual(['s', 'p', 'q']);
    expect(m[0]).toEqual({ id: 's', row: 3, trueGenre: 'b', predictedGenre: 'a', probability: 0.7 });
    expect(confusionCellMembers(list, ['a', 'b'], 0, 1)).toEqual([]);
  });

  it('capping keeps the first entries and the uncapped total', () => {
    const list = { ids: ['p', 'q', 'r'], rows: [0, 1, 2], yTrue: [0, 1, 0], yPred: [0, 1, 1], probability: [1, 1, 1], total: 3 };
    const c = capPredictionList(list, 2);
    expect(c.ids).toEqual(['p', 'q']);
    expect(c.total).toBe(3);
    expect(capPredictionList(list, 5)).toBe(list);
  });

  it('finds a sample’s rows by row key or by track id', () => {
    const ds = tiny();
    expect(rowsOfSample(ds, 't1.1')).toEqual([3]);
    expect(rowsOfSample(ds, 't2')).toEqual([4, 5]);
    expect(rowsOfSample(ds, 'nope')).toEqual([]);
  });

  it('a k-NN run carries one prediction per test row and per test track; each cell count matches its list', () => {
    const ds = tiny();
    // 1-NN, predefined-free split: every track fold; with k-fold every row is tested once.
    const run = runKnn(ds, { features: ['x'], k: 1, weights: 'uniform', split: { kind: 'kfold', k: 3, seed: 0 } });
    expect(run.rowPredictions.ids.length).toBe(6);
    expect(run.trackPredictions?.ids.length).toBe(3);
    for (let t = 0; t < 2; t++)
      for (let p = 0; p < 2; p++) {
        expect(confusionCellMembers(run.rowPredictions, ds.genres, t, p).length).toBe(run.rows.confusion[t]![p]);
        expect(confusionCellMembers(run.trackPredictions!, ds.genres, t, p).length).toBe(run.tracks!.confusion[t]![p]);
      }
  });
});
