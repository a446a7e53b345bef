/**
 * Log-mel matrix against librosa 0.10.1 (../shared/fixtures/librosa-reference.json, cmajor_chord.wav)
 * and the uint8 quantisation's error bound.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../node/audioFiles';
import { loadFixtureReference } from '../../node/parity';
import { fixturesDir, skipReason } from '../../node/paths';
import { LabError } from '../errors';
import { computeLogMel, dequantiseLogMel, quantiseLogMel } from './logMel';

const reason = skipReason('fixtures', 'librosa-reference.json');

interface FrameRef {
  frames: {
    reflect: { melspectrogram_db: number[][]; melspectrogram_db_global_max: number };
    constant_pad_edge_frames: { first4: { melspectrogram_db: number[][] } };
  };
}

function maxOf(a: Float32Array): number {
  let m = -Infinity;
  for (const v of a) m = Math.max(m, v);
  return m;
}

async function chord(): Promise<Float32Array> {
  return (await readAudioFile(join(fixturesDir, 'audio', 'cmajor_chord.wav'))).samples;
}

/** Largest |ours − librosa| over the first `frames` frames of every band. */
function maxAbsDiff(db: Float32Array, nFrames: number, want: number[][], frames: number, shift = 0): number {
  let worst = 0;
  want.forEach((row, b) => {
    for (let t = 0; t < frames; t++) worst = Math.max(worst, Math.abs((db[b * nFrames + t] as number) - Math.max(-80, (row[t] as number) - shift)));
  });
  return worst;
}

describe.skipIf(!!reason)('computeLogMel vs librosa (cmajor_chord.wav)', () => {
  it('reflect padding, ref = 1: the first 200 frames of all 128 bands to 1e-3 dB', async () => {
    const ref = (loadFixtureReference() as unknown as FrameRef).frames.reflect;
    const m = computeLogMel(await chord(), { padMode: 'reflect', ref: 1 });
    expect(m.nBands).toBe(128);
    expect(m.nFrames).toBe(1292); // n_frames_total in the fixture: 1 + ⌊661500 / 512⌋
    expect(ref.melspectrogram_db).toHaveLength(128);
    expect(maxAbsDiff(m.db, m.nFrames, ref.melspectrogram_db, 200)).toBeLessThanOrEqual(1e-3);
    // top_db is relative to the whole clip's maximum, which librosa reports.
    expect(maxOf(m.db)).toBeCloseTo(ref.melspectrogram_db_global_max, 3);
  });

  it("ref = 'max' is librosa's ref=1 result shifted by the clip's max (25.62 dB) and floored at −80", async () => {
    const ref = (loadFixtureReference() as unknown as FrameRef).frames.reflect;
    const m = computeLogMel(await chord(), { padMode: 'reflect' });
    expect(maxAbsDiff(m.db, m.nFrames, ref.melspectrogram_db, 200, ref.melspectrogram_db_global_max)).toBeLessThanOrEqual(1e-3);
    expect(maxOf(m.db)).toBe(0);
    expect(-maxOf(m.db.map((v) => -v))).toBeGreaterThanOrEqual(-80);
  });

  it('constant (zero) padding: the first 4 frames match librosa 0.10 defaults', async () => {
    const want = (loadFixtureReference() as unknown as FrameRef).frames.constant_pad_edge_frames.first4.melspectrogram_db;
    const m = computeLogMel(await chord(), { padMode: 'constant', ref: 1 });
    expect(m.options.padMode).toBe('constant');
    expect(maxAbsDiff(m.db, m.nFrames, want, 4)).toBeLessThanOrEqual(1e-3);
    // and frame 0 really differs from the reflect-padded one (the test can tell the modes apart)
    const r = computeLogMel(await chord(), { padMode: 'reflect', ref: 1 });
    let d = 0;
    for (let b = 0; b < 128; b++) d = Math.max(d, Math.abs((m.db[b * m.nFrames] as number) - (r.db[b * r.nFrames] as number)));
    expect(d).toBeGreaterThan(0.01);
  });

  it('64 and 96 bands give matrices of that height', async () => {
    const y = (await chord()).subarray(0, 22050);
    for (const nBands of [64, 96] as const) {
      const m = computeLogMel(y, { nBands });
      expect(m.nBands).toBe(nBands);
      expect(m.db.length).toBe(nBands * (1 + Math.floor(22050 / 512)));
    }
  });

  it('quantises to uint8 within half a step (80/255/2 dB) on a real clip', async () => {
    const m = computeLogMel(await chord());
    const q = quantiseLogMel(m);
    const back = dequantiseLogMel(q);
    let worst = 0;
    for (let i = 0; i < back.length; i++) worst = Math.max(worst, Math.abs((back[i] as number) - (m.db[i] as number)));
    expect(worst).toBeLessThanOrEqual(80 / 255 / 2 + 1e-5);
    expect(worst).toBeGreaterThan(0.05); // a real clip uses the whole step, so the bound is tight
  });
});

describe('quantiseLogMel by hand', () => {
  it('is exact at the end points and rounds the middle as the formula says', () => {
    // max 10 dB → floor −70 dB. −30 dB: (40/80)·255 = 127.5 → 128; 9.9 dB: 79.9/80·255 = 254.68 → 255.
    const m = { db: new Float32Array([10, -70, -30, 9.9, -75]), nBands: 1, nFrames: 5 };
    const q = quantiseLogMel(m);
    expect(Array.from(q.bytes)).toEqual([255, 0, 128, 255, 0]);
    const back = dequantiseLogMel(q);
    expect(back[0]).toBe(10);
    expect(back[1]).toBe(-70);
    expect(back[2]).toBeCloseTo(-70 + (128 / 255) * 80, 5);
  });

  it('refuses band counts it does not offer, with a LabError', () => {
    expect(() => computeLogMel(new Float32Array(4096), { nBands: 40 as 64 })).toThrow(LabError);
  });
});
