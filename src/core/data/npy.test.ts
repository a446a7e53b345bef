/** .npy writer/reader: header bytes against the format spec by hand, round trip, and numpy itself when present. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { decodeNpy, encodeNpy } from './npy';

describe('encodeNpy', () => {
  it('writes the NumPy 1.0 header byte for byte (hand-written expectation)', () => {
    const bytes = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    // dict literal: 59 characters; 10 preamble + 59 + 1 ('\n') = 70 → padded to 128 with 58 spaces.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(dict.length).toBe(59);
    const expected = [0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), 1, 0, 118, 0, ...(dict + ' '.repeat(58) + '\n').split('').map((c) => c.charCodeAt(0))];
    expect(expected.length).toBe(128);
    expect(Array.from(bytes.subarray(0, 128))).toEqual(expected);
    expect(bytes.length).toBe(128 + 6 * 4);
    // 1.0f little-endian is 00 00 80 3f
    expect(Array.from(bytes.subarray(128, 132))).toEqual([0, 0, 0x80, 0x3f]);
  });

  it("writes a 1-axis shape as Python's (n,)", () => {
    const bytes = encodeNpy(new Float32Array(5), [5]);
    // 57-character dict + 11 bytes does not fit 64, so the data starts at 128.
    const text = new TextDecoder('latin1').decode(bytes.subarray(10, 128));
    expect(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }")).toBe(true);
    expect(bytes[127]).toBe(0x0a);
    expect(bytes.length).toBe(128 + 20);
  });

  it('round-trips values and shape', () => {
    const data = new Float32Array(128 * 7).map((_, i) => Math.fround(Math.sin(i) * 80 - 40));
    const back = decodeNpy(encodeNpy(data, [128, 7]));
    expect(back.shape).toEqual([128, 7]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('refuses a shape that does not match the data, and a file that is not .npy', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(LabError);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(/magic/);
  });
});

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!hasNumpy) console.warn('skipped: numpy cross-check needs /usr/bin/python3 with numpy');

describe.skipIf(!hasNumpy)('encodeNpy vs numpy', () => {
  it('numpy loads our file with the right shape and values, and writes the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'npy-'));
    try {
      const data = new Float32Array(3 * 4).map((_, i) => i * 0.5 - 2);
      writeFileSync(join(dir, 'ours.npy'), encodeNpy(data, [3, 4]));
      const script = [
        'import numpy as np, sys',
        `a = np.load(${JSON.stringify(join(dir, 'ours.npy'))})`,
        'assert a.dtype == np.float32, a.dtype',
        'print(a.shape[0], a.shape[1], *a.ravel().tolist())',
        `np.save(${JSON.stringify(join(dir, 'numpy.npy'))}, (np.arange(12, dtype=np.float32) * 0.5 - 2).reshape(3, 4))`,
      ].join('\n');
      const out = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }).trim().split(' ').map(Number);
      expect(out.slice(0, 2)).toEqual([3, 4]);
      expect(out.slice(2)).toEqual(Array.from(data));
      expect(Array.from(readFileSync(join(dir, 'ours.npy')))).toEqual(Array.from(readFileSync(join(dir, 'numpy.npy'))));
      const theirs = decodeNpy(new Uint8Array(readFileSync(join(dir, 'numpy.npy'))));
      expect(theirs.shape).toEqual([3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
