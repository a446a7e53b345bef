import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeToMono } from '../audio/decodeNode';
import { gtzanDir, skipReason } from '../../node/paths';
import { createRng } from '../random';
import { computeHarmonicMask as harmonicMaskOf, computeHpssMasks as hpssMasksOf, type HpssMasks, medianFilter as medianFilterOf, medianFilterNaive } from './hpss';
import { computeSpectra } from './stft';
import { hpssKernel } from './wasm/hpssKernel';

const clipReason = skipReason('data', 'gtzan', 'audio', 'blues.00000.wav');

// Every test runs twice: with the WebAssembly SIMD kernel where it applies (kernel 31, both sides
// ≥ 8, non-negative values) and with the TypeScript filters alone.
describe.each([
  ['WebAssembly kernel', true],
  ['TypeScript filters', false],
])('HPSS median filters (%s)', (_name, simd) => {
  const medianFilter = (m: Float64Array, nFrames: number, nBins: number, kernel: number, axis: 'time' | 'frequency') => medianFilterOf(m, nFrames, nBins, kernel, axis, undefined, simd);
  const computeHpssMasks = (m: Float64Array, nFrames: number, nBins: number, kernel: number, out?: HpssMasks) => hpssMasksOf(m, nFrames, nBins, kernel, out, simd);
  const computeHarmonicMask = (m: Float64Array, nFrames: number, nBins: number, kernel: number, out?: HpssMasks) => harmonicMaskOf(m, nFrames, nBins, kernel, out, simd);

  it('equal a naive sorted-window median (scipy reflect borders) along both axes, ties and short rows included', () => {
    const rng = createRng(5);
    // 8–15 frames or bins: the 31-window reflects more than once; 33, 41 and 1025 bins: the
    // kernel's last group of 8 or block of 32 overlaps the one before it
    for (const [nFrames, nBins] of [[7, 5], [40, 33], [64, 1025], [31, 16], [8, 9], [13, 41], [9, 8], [70, 12]] as const) {
      const m = Float64Array.from({ length: nFrames * nBins }, () => (rng() < 0.25 ? 0 : Math.floor(rng() * 40) / 7));
      const byTime = medianFilter(m, nFrames, nBins, 31, 'time');
      const byFreq = medianFilter(m, nFrames, nBins, 31, 'frequency');
      for (let k = 0; k < nBins; k++) {
        const ref = medianFilterNaive(Float64Array.from({ length: nFrames }, (_, t) => m[t * nBins + k] as number), 31);
        for (let t = 0; t < nFrames; t++) expect(byTime[t * nBins + k]).toBe(ref[t]);
      }
      for (let t = 0; t < nFrames; t++) {
        const ref = medianFilterNaive(m.subarray(t * nBins, (t + 1) * nBins), 31);
        for (let k = 0; k < nBins; k++) expect(byFreq[t * nBins + k]).toBe(ref[k]);
      }
    }
  });
  it('equal scipy.ndimage.median_filter(size 31, mode reflect) where the reflection wraps several times', () => {
    // x[t, k] = ((37·(t·5 + k)) mod 11) / 2, 40 frames × 5 bins: along frequency the 31-window
    // reflects the 5 bins about 3 times each side. Expected values printed by scipy 1.10.1:
    // median_filter(x, size=(31, 1), mode='reflect')[:, 2] and median_filter(x, size=(1, 31), mode='reflect')[7], [0].
    const nFrames = 40;
    const nBins = 5;
    const x = Float64Array.from({ length: nFrames * nBins }, (_, i) => ((i * 37) % 11) / 2);
    const byTime = medianFilter(x, nFrames, nBins, 31, 'time');
    const col2 = [2.5, 2.5, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 3, 2.5, 2.5, 2.5, 2.5, 3, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 3, 3, 2.5, 2.5, 2.5, 2.5, 3, 3, 2.5, 2.5, 2.5, 3, 3, 2.5, 2.5];
    expect(Array.from({ length: nFrames }, (_, t) => byTime[t * nBins + 2])).toEqual(col2);
    const byFreq = medianFilter(x, nFrames, nBins, 31, 'frequency');
    expect(Array.from(byFreq.subarray(7 * nBins, 8 * nBins))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(byFreq.subarray(0, nBins))).toEqual([2, 2, 2, 2, 2]);
    // and the generic (non-31) path: median_filter([0,7,7,1,0,3,9,2,2,5,0,8], size=7, mode='reflect')
    const row = Float64Array.from([0, 7, 7, 1, 0, 3, 9, 2, 2, 5, 0, 8]);
    expect(Array.from(medianFilter(row, 1, row.length, 7, 'frequency'))).toEqual([7, 1, 1, 3, 3, 2, 2, 2, 3, 5, 2, 5]);
  });
  it('makes soft masks H²/(H²+P²) that sum to 1, and 0.5/0.5 on silence', () => {
    const nFrames = 50;
    const nBins = 40;
    const m = new Float64Array(nFrames * nBins);
    for (let t = 0; t < nFrames; t++) m[t * nBins + 10] = 1; // a steady tone: harmonic
    for (let k = 0; k < nBins; k++) m[25 * nBins + k] = (m[25 * nBins + k] as number) + 1; // a click: percussive
    const { harmonic, percussive } = computeHpssMasks(m, nFrames, nBins, 31);
    expect(harmonic[5 * nBins + 10]).toBeCloseTo(1, 12);
    expect(percussive[25 * nBins + 30]).toBeCloseTo(1, 12);
    expect(harmonic[5 * nBins + 30]).toBe(0.5); // both medians 0
    for (let i = 0; i < harmonic.length; i++) expect((harmonic[i] as number) + (percussive[i] as number)).toBeCloseTo(1, 12);
  });
  it('soft masks equal librosa.util.softmask written out (Z = max(H, P); (H/Z)² / ((H/Z)² + (P/Z)²)) bit for bit, and the harmonic-only mask is the same', () => {
    // medians of a matrix with ties (H = P), exact zeros and sub-float32-tiny values, so every branch is hit
    const rng = createRng(11);
    const nFrames = 45;
    const nBins = 40;
    const levels = [0, 1e-39, 3e-38, 0.25, 0.5, 1, 3];
    const m = Float64Array.from({ length: nFrames * nBins }, () => (rng() < 0.6 ? (levels[Math.floor(rng() * levels.length)] as number) : rng() * 4));
    for (let t = 0; t < 20; t++) for (let k = 0; k < 20; k++) m[t * nBins + k] = rng() < 0.5 ? 0 : 1e-39; // a silent corner
    const H = medianFilter(m, nFrames, nBins, 31, 'time');
    const P = medianFilter(m, nFrames, nBins, 31, 'frequency');
    const tiny = 1.1754943508222875e-38; // np.finfo(np.float32).tiny
    const { harmonic, percussive } = computeHpssMasks(m, nFrames, nBins, 31);
    const harmonicOnly = computeHarmonicMask(m, nFrames, nBins, 31);
    let ties = 0;
    let small = 0;
    for (let i = 0; i < m.length; i++) {
      const h = H[i] as number;
      const p = P[i] as number;
      const z = Math.max(h, p);
      let wantH = 0.5;
      let wantP = 0.5;
      if (z >= tiny) {
        const hz = (h / z) ** 2;
        const pz = (p / z) ** 2;
        wantH = hz / (hz + pz);
        wantP = pz / (hz + pz);
      } else small++;
      if (h === p && h > 0) ties++;
      expect(harmonic[i]).toBe(wantH);
      expect(percussive[i]).toBe(wantP);
      expect(harmonicOnly[i]).toBe(wantH);
    }
    expect(ties).toBeGreaterThan(0);
    expect(small).toBeGreaterThan(0);
  });
});

describe('HPSS WebAssembly kernel', () => {
  it('compiles in Node (so the runs above marked "WebAssembly kernel" used it)', () => {
    expect(hpssKernel()).toBeDefined();
  });
  it('leaves values outside [+0, +inf] (negatives, −0) to the TypeScript filters: it orders values by their bits', () => {
    const rng = createRng(8);
    const nFrames = 40;
    const nBins = 33;
    const m = Float64Array.from({ length: nFrames * nBins }, () => Math.floor(rng() * 40) / 7 - 2);
    m[5] = -0;
    const byTime = medianFilterOf(m, nFrames, nBins, 31, 'time');
    for (let k = 0; k < nBins; k++) {
      const ref = medianFilterNaive(Float64Array.from({ length: nFrames }, (_, t) => m[t * nBins + k] as number), 31);
      for (let t = 0; t < nFrames; t++) expect(byTime[t * nBins + k]).toBe(ref[t]);
    }
  });
  it('soft masks equal librosa.util.softmask written out on an odd number of cells (the kernel\'s last single cell)', () => {
    const rng = createRng(3);
    const nFrames = 9;
    const nBins = 13;
    const m = Float64Array.from({ length: nFrames * nBins }, () => (rng() < 0.3 ? 1e-39 : rng()));
    const H = medianFilterOf(m, nFrames, nBins, 31, 'time', undefined, false);
    const P = medianFilterOf(m, nFrames, nBins, 31, 'frequency', undefined, false);
    const { harmonic, percussive } = hpssMasksOf(m, nFrames, nBins, 31);
    for (const i of [0, 1, m.length - 2, m.length - 1]) {
      const h = H[i] as number;
      const p = P[i] as number;
      const z = Math.max(h, p);
      const hz = (h / z) ** 2;
      const pz = (p / z) ** 2;
      expect(harmonic[i]).toBe(z < 1.1754943508222875e-38 ? 0.5 : hz / (hz + pz));
      expect(percussive[i]).toBe(z < 1.1754943508222875e-38 ? 0.5 : pz / (hz + pz));
    }
  });
  it.skipIf(!!clipReason)('gives the TypeScript filters\' medians and masks bit for bit on a real 30 s spectrogram (blues.00000.wav)', async () => {
    const bytes = readFileSync(join(gtzanDir, 'audio', 'blues.00000.wav'));
    const { samples } = await decodeToMono(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'blues.00000.wav', 22050);
    const { nFrames, nBins, magnitude } = computeSpectra(samples, { padMode: 'constant', nFft: 2048, hopSamples: 512, keepComplex: false });
    const differing = (a: Float64Array, b: Float64Array) => a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0);
    for (const axis of ['time', 'frequency'] as const) {
      expect(differing(medianFilterOf(magnitude, nFrames, nBins, 31, axis), medianFilterOf(magnitude, nFrames, nBins, 31, axis, undefined, false))).toBe(0);
    }
    const wasm = hpssMasksOf(magnitude, nFrames, nBins, 31);
    const ts = hpssMasksOf(magnitude, nFrames, nBins, 31, undefined, false);
    expect(differing(wasm.harmonic, ts.harmonic)).toBe(0);
    expect(differing(wasm.percussive, ts.percussive)).toBe(0);
    expect(differing(harmonicMaskOf(magnitude, nFrames, nBins, 31), ts.harmonic)).toBe(0);
  });
});
