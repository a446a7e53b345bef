import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { kFoldByTrack, predefinedSplit, randomSegmentSplit, splitLeaksTracks, stratifiedTrackSplit, tracksOnBothSides } from './split';

/** 3 genres × 10 tracks × 4 segments. */
function toy(): Dataset {
  const trackIds: string[] = [];
  const labels: number[] = [];
  const seg: number[] = [];
  for (let g = 0; g < 3; g++)
    for (let t = 0; t < 10; t++)
      for (let s = 0; s < 4; s++) {
        trackIds.push(`g${g}.${t}`);
        labels.push(g);
        seg.push(s);
      }
  const n = trackIds.length;
  return {
    id: 'toy', name: 'toy', format: 'generic', featureNames: ['a'], nRows: n, values: new Float64Array(n),
    labels: Int32Array.from(labels), genres: ['g0', 'g1', 'g2'], trackIds, segmentIndex: Int32Array.from(seg), rowKeys: trackIds, meta: {},
  };
}

describe('the leakage demo’s random split of segments', () => {
  it('stratifies rows by genre, ignores tracks, and tracksOnBothSides counts the straddling tracks', () => {
    const ds = toy();
    const s = randomSegmentSplit(ds, 0.2, 3);
    // 40 rows per genre → round(8) to test in each genre: 24 test rows.
    expect(s.test.length).toBe(24);
    expect(new Set([...s.train, ...s.test]).size).toBe(ds.nRows);
    // Counted here by hand from the row sets: a track straddles when it has a row on each side.
    const trainTracks = new Set(Array.from(s.train, (r) => ds.trackIds[r]));
    const straddling = new Set(Array.from(s.test, (r) => ds.trackIds[r]).filter((t) => trainTracks.has(t)));
    expect(straddling.size).toBeGreaterThan(0);
    expect(tracksOnBothSides(ds, s)).toBe(straddling.size);
    expect(splitLeaksTracks(ds, s)).toBe(true);
    expect(tracksOnBothSides(ds, stratifiedTrackSplit(ds, 0.2, 3))).toBe(0);
    // Hand-made: rows 0–3 are track g0.0; testing rows 1 and 4 puts g0.0 on both sides, g0.1 (rows 4–7) too.
    expect(tracksOnBothSides(ds, { train: Int32Array.from([0, 2, 3, 5]), test: Int32Array.from([1, 4]), kind: 'random', description: '' })).toBe(2);
    expect(() => randomSegmentSplit(ds, 1, 0)).toThrow(/between 0 and 1/);
  });
});

describe('splits by track', () => {
  it('random split keeps each track on one side and stratifies by genre', () => {
    const ds = toy();
    for (let seed = 0; seed < 20; seed++) {
      const s = stratifiedTrackSplit(ds, 0.2, seed);
      expect(splitLeaksTracks(ds, s)).toBe(false);
      // 2 of 10 tracks per genre → 2 × 4 segments × 3 genres = 24 test rows.
      expect(s.test.length).toBe(24);
      expect(s.train.length + s.test.length).toBe(ds.nRows);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const ds = toy();
    expect([...stratifiedTrackSplit(ds, 0.3, 7).test]).toEqual([...stratifiedTrackSplit(ds, 0.3, 7).test]);
    expect([...stratifiedTrackSplit(ds, 0.3, 7).test]).not.toEqual([...stratifiedTrackSplit(ds, 0.3, 8).test]);
  });

  it('k-fold covers every row exactly once in test, never leaking a track', () => {
    const ds = toy();
    const folds = kFoldByTrack(ds, 5, 1);
    const seen = new Int32Array(ds.nRows);
    for (const f of folds) {
      expect(splitLeaksTracks(ds, f)).toBe(false);
      for (const r of f.test) seen[r]!++;
      expect(f.test.length).toBe(24);
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
  });

  it('k-fold over a subset of rows (the training tracks) never touches the other rows', () => {
    const ds = toy();
    // Hold out tracks 0 and 1 of every genre (24 rows); cross-validate on the other 8 × 3 tracks.
    const heldOut = (r: number) => /\.[01]$/.test(ds.trackIds[r] as string);
    const rows = Array.from({ length: ds.nRows }, (_, r) => r).filter((r) => !heldOut(r));
    const folds = kFoldByTrack(ds, 4, 3, rows);
    const seen = new Int32Array(ds.nRows);
    for (const f of folds) {
      expect(splitLeaksTracks(ds, f)).toBe(false);
      expect([...f.train, ...f.test].some(heldOut)).toBe(false);
      expect(f.train.length + f.test.length).toBe(96);
      // 8 tracks per genre over 4 folds: 2 tracks × 4 segments × 3 genres = 24 test rows each.
      expect(f.test.length).toBe(24);
      for (const g of [0, 1, 2]) expect([...f.test].filter((r) => ds.labels[r] === g).length).toBe(8);
      for (const r of f.test) seen[r]!++;
    }
    for (let r = 0; r < ds.nRows; r++) expect(seen[r]).toBe(heldOut(r) ? 0 : 1);
    // 24 training tracks: 25 folds cannot be made, and the message says which tracks count.
    expect(() => kFoldByTrack(ds, 25, 3, rows)).toThrow('Only 24 training tracks: cannot make 25 folds.');
  });

  it('predefined split needs a Type column', () => {
    expect(() => predefinedSplit(toy())).toThrow(/no predefined/);
  });
});
