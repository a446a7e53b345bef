/**
 * The wasm real-FFT pair kernel gives RealFft's bits (which dsp.test.ts checks against the DFT
 * definition). wasmModules.test.ts checks the committed module against a rebuild.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../random';
import { RealFft } from '../fft';
import { realFftPairKernel } from './fftKernel';

describe('wasm real FFT pair kernel', () => {
  it('gives RealFft.forwardSpectra\'s re, im, |X|², |X| and frame maximum to the last bit, for each of the two frames', () => {
    const rng = createRng(5);
    for (const n of [8, 16, 32, 1024, 2048, 4096]) { // fft.js's radix-2 (odd log2 of n/2) and radix-4 first steps
      const kernel = realFftPairKernel(n);
      expect(kernel).toBeDefined();
      if (!kernel) return;
      const fft = new RealFft(n);
      const nb = n / 2 + 1;
      const frames: Float64Array[] = [
        Float64Array.from({ length: n }, () => rng() * 2 - 1),
        Float64Array.from({ length: n }, () => (rng() - 0.5) * 1e-30),
        Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1e200 : -rng())),
        new Float64Array(n),
      ];
      for (let f = 0; f + 1 < frames.length; f++) {
        const pair = [frames[f] as Float64Array, frames[f + 1] as Float64Array];
        pair.forEach((x, lane) => x.forEach((v, i) => { kernel.input[2 * i + lane] = v; }));
        kernel.run();
        pair.forEach((x, lane) => {
          const re = new Float64Array(nb);
          const im = new Float64Array(nb);
          const pw = new Float64Array(nb);
          const mg = new Float64Array(nb);
          const mx = fft.forwardSpectra(x, re, im, 0, pw, mg, 0);
          const got = lane === 0 ? [kernel.reA, kernel.imA, kernel.powA, kernel.magA] : [kernel.reB, kernel.imB, kernel.powB, kernel.magB];
          expect(Array.from(got[0] as Float64Array)).toEqual(Array.from(re));
          expect(Array.from(got[1] as Float64Array)).toEqual(Array.from(im));
          expect(Array.from(got[2] as Float64Array)).toEqual(Array.from(pw));
          expect(Array.from(got[3] as Float64Array)).toEqual(Array.from(mg));
          expect(kernel.frameMax[lane]).toBe(mx);
        });
      }
    }
  });
});
