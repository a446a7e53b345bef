import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { createRng } from '../random';
import { prepareData, runClassic, runKnn } from './classic';

/**
 * 200 tracks × 4 segments; every segment of a track is the same random point, and the track's
 * genre is random (4 genres). If any track's segments were on both sides of a split, 1-NN would
 * find its twin at distance 0 and be right every time; split by track, it can only guess (≈ 25 %).
 */
function twins(seed: number): Dataset {
  const rng = createRng(seed);
  const nTracks = 200;
  const seg = 4;
  const d = 3;
  const values = new Float64Array(nTracks * seg * d);
  const labels = new Int32Array(nTracks * seg);
  const segmentIndex = new Int32Array(nTracks * seg);
  const trackIds: string[] = [];
  for (let t = 0; t < nTracks; t++) {
    const point = [rng(), rng(), rng()];
    const g = Math.floor(rng() * 4);
    for (let s = 0; s < seg; s++) {
      const r = t * seg + s;
      for (let j = 0; j < d; j++) values[r * d + j] = point[j]!;
      labels[r] = g;
      segmentIndex[r] = s;
      trackIds.push(`t${t}`);
    }
  }
  return { id: 'twins', name: 'twins', format: 'generic', featureNames: ['a', 'b', 'c'], nRows: nTracks * seg, values, labels, genres: ['g0', 'g1', 'g2', 'g3'], trackIds, segmentIndex, rowKeys: trackIds, meta: {} };
}

describe('evaluation never leaks a track across the split', () => {
  const ds = twins(3);
  it('random split by track: 1-NN on twin segments is at chance, not 100 %', () => {
    const r = runKnn(ds, { features: ['a', 'b', 'c'], k: 1, weights: 'uniform', split: { kind: 'random', testFraction: 0.25, seed: 1 } });
    expect(r.rows.accuracy).toBeLessThan(0.45);
    expect(r.tracks).toBeDefined();
  });

  it('5-fold CV by track: every row predicted once, at chance, with 5 fold scores', () => {
    const r = runKnn(ds, { features: ['a', 'b', 'c'], k: 1, weights: 'uniform', split: { kind: 'kfold', k: 5, seed: 2 } });
    expect(r.rows.n).toBe(ds.nRows);
    expect([...r.testRows]).toEqual(Array.from({ length: ds.nRows }, (_, i) => i));
    expect(r.folds).toHaveLength(5);
    expect(r.rows.accuracy).toBeLessThan(0.45);
    // The per-track vote covers all 200 tracks once.
    expect(r.tracks!.n).toBe(200);
  });

  it('control: a split by row (not track) would leak and score 100 %', () => {
    // Hold out one segment of every track by hand: the twins make 1-NN perfect.
    const leaky = { ...ds, split: new Uint8Array(ds.nRows) };
    for (let t = 0; t < 200; t++) leaky.split[t * 4] = 1;
    const r = runKnn(leaky, { features: ['a', 'b', 'c'], k: 1, weights: 'uniform', split: { kind: 'predefined' } });
    expect(r.rows.accuracy).toBe(1);
  });
});

describe('classic models through runClassic', () => {
  /** 40 tracks on a line: genre a at x < 10, genre b at x ≥ 10; the last 10 (x = 0.5, 2.5, …, 18.5: five of each) are the test set. */
  function line(): Dataset {
    const n = 40;
    const values = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    const split = new Uint8Array(n);
    const trackIds: string[] = [];
    for (let i = 0; i < n; i++) {
      const x = i >= 30 ? (i - 30) * 2 + 0.5 : i % 20;
      values[i * 2] = x;
      values[i * 2 + 1] = 100 * ((i * 7) % 5); // noise on a much larger scale
      labels[i] = x < 10 ? 0 : 1;
      split[i] = i >= 30 ? 1 : 0;
      trackIds.push(`t${i}`);
    }
    return { id: 'line', name: 'line', format: 'generic', featureNames: ['x', 'noise'], nRows: n, values, labels, genres: ['a', 'b'], trackIds, segmentIndex: new Int32Array(n), rowKeys: trackIds, split, meta: {} };
  }

  it('min-max is fitted on the training rows only: test rows are scaled with the training range', () => {
    const ds = line();
    const prep = prepareData(ds, ['x'], { kind: 'predefined' }, 'minmax');
    // Training x: 0…19 (min 0, range 19) → 0…1; test rows x = 0.5 and 18.5 → 0.5/19 and 18.5/19.
    expect(Math.min(...prep.train)).toBe(0);
    expect(Math.max(...prep.train)).toBe(1);
    expect(prep.test[0]).toBeCloseTo(0.5 / 19, 14);
    expect(prep.test[9]).toBeCloseTo(18.5 / 19, 14);
  });

  it('every new kind separates the line on the held-out tracks, with either scaling', () => {
    const ds = line();
    for (const model of ['svm', 'linear-svm', 'extra-trees', 'sgd'] as const)
      for (const scaling of ['zscore', 'minmax'] as const) {
        const r = runClassic(ds, { model, features: ['x', 'noise'], settings: {}, scaling, split: { kind: 'predefined' } });
        expect(r.rows.accuracy, `${model} ${scaling}`).toBe(1);
        expect(r.params['scaling']).toBe(scaling);
      }
    const cv = runClassic(ds, { model: 'svm', features: ['x'], settings: { C: 10 }, split: { kind: 'kfold', k: 4, seed: 1 } });
    expect(cv.folds).toHaveLength(4);
    expect(cv.rows.n).toBe(40);
    expect(() => runClassic(ds, { model: 'svm', features: ['x'], settings: { kernel: 'poly' as never } })).toThrow(/kernel/);
  });
});
