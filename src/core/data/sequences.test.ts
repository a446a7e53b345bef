import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { buildSequences, defaultSequenceLength } from './sequences';

/** 3 tracks: A has segments 0,1,2 listed out of order, B has 2 segments, C has 4. Features: value = 10·track + segment (+ 100 in column b). */
function tiny(): Dataset {
  const rows: [string, number, number][] = [
    ['A', 2, 0],
    ['A', 0, 0],
    ['B', 0, 1],
    ['A', 1, 0],
    ['C', 0, 1],
    ['B', 1, 1],
    ['C', 1, 1],
    ['C', 2, 1],
    ['C', 3, 1],
  ];
  const base: Record<string, number> = { A: 10, B: 20, C: 30 };
  const values: number[] = [];
  for (const [t, s] of rows) values.push(base[t]! + s, 100 + base[t]! + s);
  return {
    id: 'tiny',
    name: 'tiny',
    format: 'generic',
    featureNames: ['a', 'b'],
    nRows: rows.length,
    values: Float64Array.from(values),
    labels: Int32Array.from(rows.map((r) => r[2])),
    genres: ['x', 'y'],
    trackIds: rows.map((r) => r[0]),
    segmentIndex: Int32Array.from(rows.map((r) => r[1])),
    rowKeys: rows.map((r, i) => `${r[0]}.${r[1]}.${i}`),
    meta: {},
  };
}

describe('buildSequences', () => {
  it('orders segments by segmentIndex and drops short tracks (counted)', () => {
    const s = buildSequences(tiny(), undefined, { steps: 3 });
    expect(s.trackIds).toEqual(['A', 'C']);
    expect(Array.from(s.labels)).toEqual([0, 1]);
    expect(Array.from(s.x)).toEqual([10, 110, 11, 111, 12, 112, 30, 130, 31, 131, 32, 132]);
    expect(s.dropped).toEqual([{ trackId: 'B', segments: 2 }]);
    expect(s.truncated).toBe(1);
    expect(Array.from(s.rows[0]!)).toEqual([1, 3, 0]);
  });

  it('pads short tracks with zeros at the end when asked', () => {
    const s = buildSequences(tiny(), undefined, { steps: 3, short: 'pad', features: ['b'] });
    expect(s.trackIds).toEqual(['A', 'B', 'C']);
    expect(Array.from(s.x)).toEqual([110, 111, 112, 120, 121, 0, 130, 131, 132]);
    expect(s.padded).toEqual([{ trackId: 'B', segments: 2 }]);
    expect(Array.from(s.rows[1]!)).toEqual([2, 5, -1]);
  });

  it('selects features in the order given and z-scores with the given scaler', () => {
    const s = buildSequences(tiny(), [2, 5], { steps: 2, features: ['b', 'a'], scaler: { mean: Float64Array.from([120, 20]), std: Float64Array.from([2, 0.5]) } });
    expect(s.featureNames).toEqual(['b', 'a']);
    expect(Array.from(s.x)).toEqual([0, 0, 0.5, 2]);
  });

  it('rejects unknown features and bad lengths', () => {
    expect(() => buildSequences(tiny(), undefined, { steps: 3, features: ['nope'] })).toThrow(/Unknown feature/);
    expect(() => buildSequences(tiny(), undefined, { steps: 0 })).toThrow(/positive integer/);
  });

  it('derives the default length from the recipe or the usual segment count', () => {
    const ds = tiny();
    expect(defaultSequenceLength({ ...ds, meta: { recipe: 'ntnu10' } })).toBe(3);
    // 5 s and 3 s recipes imply 6 and 10 steps for 30 s clips, but these tracks have at most 4
    // segments (short clips, like the demo corpus): the length is capped at the usual count.
    expect(defaultSequenceLength({ ...ds, meta: { recipe: 'ntnu5' } })).toBe(4);
    expect(defaultSequenceLength({ ...ds, meta: { recipe: 'kaggle3' } })).toBe(4);
    // A:3, B:2, C:4 — all counts tie once; the longest of the most common wins.
    expect(defaultSequenceLength(ds)).toBe(4);
  });
});
