import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { createRng } from '../random';
import { runKnn } from './classic';

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
