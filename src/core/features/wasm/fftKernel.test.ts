/**
 * The wasm real-FFT pair kernel gives RealFft's bits (which dsp.test.ts checks against the DFT
 * definition), and the committed module is what scripts/build-hpss-wasm.mjs builds from
 * realFftPair.c (where that clang is installed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../node/paths';
import { createRng } from '../../random';
import { RealFft } from '../fft';
import { realFftPairKernel } from './fftKernel';
import { FFT_WASM_CLANG } from './realFftPairWasm';

/** Why the rebuild cannot be compared here (no clang, or another version: other bytes), or undefined. */
function rebuildSkipReason(): string | undefined {
  try {
    const version = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '';
    return version === FFT_WASM_CLANG ? undefined : `skipped: clang here is "${version}", the committed bytes were built by "${FFT_WASM_CLANG}"`;
  } catch {
    return 'skipped: clang is not installed (apt-get install clang lld), so the committed bytes cannot be rebuilt here';
  }
}
const reason = rebuildSkipReason();
if (reason) console.warn(reason);

describe('wasm real FFT pair kernel', () => {
  it.skipIf(!!reason)('realFftPairWasm.ts holds exactly the bytes the build script makes from realFftPair.c', () => {
    const built = execFileSync('node', [join(repoRoot, 'scripts', 'build-hpss-wasm.mjs'), 'fft', '--stdout'], { encoding: 'utf8' });
    expect(built).toBe(readFileSync(join(repoRoot, 'src/core/features/wasm/realFftPairWasm.ts'), 'utf8'));
  });

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
