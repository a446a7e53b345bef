import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { computeHpssMasks, medianFilter, medianFilterNaive } from './hpss';

describe('HPSS median filters', () => {
  it('equal a naive sorted-window median (scipy reflect borders) along both axes, ties and short rows included', () => {
    const rng = createRng(5);
    for (const [nFrames, nBins] of [[7, 5], [40, 33], [64, 1025], [31, 16]] as const) {
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
});
