import { describe, expect, it } from 'vitest';
import { SlidingWindows } from './windows';

/** Feed 0, 1, 2, … in blocks of the given sizes; collect the windows as plain arrays. */
function run(size: number, hop: number, blocks: number[]): number[][] {
  const w = new SlidingWindows(size, hop);
  const out: number[][] = [];
  let next = 0;
  for (const n of blocks) {
    const b = Float32Array.from({ length: n }, () => next++);
    for (const win of w.push(b)) out.push(Array.from(win));
  }
  expect(w.windows).toBe(out.length);
  return out;
}

describe('SlidingWindows', () => {
  it('half-overlapping windows, whatever the block sizes (worked by hand)', () => {
    // size 4, hop 2 over 0…9: windows start at 0, 2, 4, 6.
    const expected = [
      [0, 1, 2, 3],
      [2, 3, 4, 5],
      [4, 5, 6, 7],
      [6, 7, 8, 9],
    ];
    expect(run(4, 2, [3, 1, 5, 1])).toEqual(expected);
    expect(run(4, 2, [10])).toEqual(expected);
    expect(run(4, 2, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual(expected);
  });

  it('back-to-back windows when hop = size; an unfinished window is not returned', () => {
    expect(run(3, 3, [2, 2, 2, 1])).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('hop 1 gives every window', () => {
    expect(run(2, 1, [4])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('the windows returned are copies', () => {
    const w = new SlidingWindows(2, 1);
    const [a] = w.push(Float32Array.of(1, 2));
    w.push(Float32Array.of(3));
    expect(Array.from(a!)).toEqual([1, 2]);
  });

  it('refuses impossible sizes', () => {
    expect(() => new SlidingWindows(4, 5)).toThrow(/hop/);
    expect(() => new SlidingWindows(0, 0)).toThrow();
    expect(() => new SlidingWindows(4, 1.5)).toThrow();
  });
});
