import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { predefinedSplit } from '../data/split';
import { crossValidateClassifier, crossValidationFolds } from './crossValidate';
import { makeSyntheticDataset } from './testData';

describe('crossValidateClassifier', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
  });

  it('uses only the training tracks: poisoned test tracks change nothing, separable genres score 100 %', async () => {
    // 3 genres × 12 tracks, every 4th track in the predefined test split (9 test, 27 training tracks).
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 12, segments: 3, features: 4, noise: 0.05 });
    const sp = predefinedSplit(ds);
    // Poison every test row: used for scaling, training or testing, NaN would spoil the runs.
    for (const r of sp.test) for (let j = 0; j < ds.featureNames.length; j++) ds.values[r * ds.featureNames.length + j] = NaN;
    const seen: number[] = [];
    const fractions: number[] = [];
    const stages = new Set<string>();
    const res = await crossValidateClassifier(ds, {
      kind: 'mlp',
      seed: 10,
      folds: 3,
      repeats: 2,
      epochs: 30,
      hidden: [8],
      learningRate: 0.02,
      onRun: (_, done) => void seen.push(done),
      onProgress: (p) => {
        fractions.push(p.fraction);
        stages.add(p.stage ?? '');
      },
    });
    expect(res.tracks).toBe(27);
    expect(res.runs).toHaveLength(6);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(res.runs.map((r) => `${r.seed}/${r.fold}`)).toEqual(['10/0', '10/1', '10/2', '11/0', '11/1', '11/2']);
    // 27 training tracks dealt into 3 stratified folds: 3 tracks of each genre per fold.
    for (const r of res.runs) expect(r.tracks).toBe(9);
    // Genre centres ~2 apart with noise 0.05: every held-out fold track is classified correctly.
    for (const r of res.runs) expect(r.accuracy).toBe(1);
    expect(res.meanAccuracy).toBe(1);
    expect(res.stdAccuracy).toBe(0);
    // Pooled confusion: 6 runs × 9 tracks, all on the diagonal (3 per genre per run → 18 each).
    expect(res.confusion).toEqual([
      [18, 0, 0],
      [0, 18, 0],
      [0, 0, 18],
    ]);
    // foldOf names each of the 27 training tracks once, never a test track, 3 per genre per fold.
    const trainTracks = new Set(Array.from(sp.train, (r) => ds.trackIds[r] as string));
    const testTracks = new Set(Array.from(sp.test, (r) => ds.trackIds[r] as string));
    expect(Object.keys(res.foldOf).sort()).toEqual([...trainTracks].sort());
    for (const t of testTracks) expect(res.foldOf[t]).toBeUndefined();
    const genreOf = new Map(Array.from(ds.trackIds, (t, r) => [t, ds.labels[r] as number]));
    for (let f = 0; f < 3; f++)
      for (let g = 0; g < 3; g++) expect(Object.entries(res.foldOf).filter(([t, k]) => k === f && genreOf.get(t) === g)).toHaveLength(3);
    // Progress runs once from 0 to 1 over all six trainings, each run named.
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(fractions[fractions.length - 1]).toBeCloseTo(1, 12);
    expect([...stages]).toEqual([1, 2, 3, 4, 5, 6].map((i) => `run ${i} of 6 (fold ${((i - 1) % 3) + 1})`));
  });

  it('stops when cancelled and reports only finished runs', async () => {
    const ds = makeSyntheticDataset({ genres: 2, tracksPerGenre: 8, segments: 2, features: 3 });
    const token = { cancelled: false };
    const res = await crossValidateClassifier(ds, { kind: 'mlp', seed: 1, folds: 3, repeats: 2, epochs: 1, hidden: [4], cancel: token, onRun: (_, done) => void (token.cancelled = done === 2) });
    expect(res.cancelled).toBe(true);
    expect(res.runs).toHaveLength(2);
  });

  it('crossValidationFolds: foldOf is the fold whose test rows hold the track, and the fold seed reshuffles it', () => {
    const ds = makeSyntheticDataset({ genres: 2, tracksPerGenre: 10, segments: 2, features: 3, noise: 0.1 });
    const all = { train: Int32Array.from({ length: ds.nRows }, (_, i) => i), test: new Int32Array(0), kind: 'predefined' as const, description: 'all' };
    const a = crossValidationFolds(ds, { folds: 5, foldSeed: 0 }, all);
    // 20 tracks, 5 folds: every track once; 2 per genre per fold (10 of a genre dealt round-robin).
    expect(Object.keys(a.foldOf)).toHaveLength(20);
    a.folds.forEach((fold, f) => {
      const ids = new Set(Array.from(fold.test, (r) => ds.trackIds[r] as string));
      expect([...ids].sort()).toEqual(Object.keys(a.foldOf).filter((t) => a.foldOf[t] === f).sort());
      expect(ids.size).toBe(4);
    });
    const b = crossValidationFolds(ds, { folds: 5, foldSeed: 1 }, all);
    expect(b.foldOf).not.toEqual(a.foldOf);
    expect(crossValidationFolds(ds, { folds: 5, foldSeed: 0 }, all).foldOf).toEqual(a.foldOf);
  });
});
