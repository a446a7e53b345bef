/**
 * Browser side of the extraction benchmark: one 30 s clip through extractRecipe on the page's
 * thread, one call per evaluate so bench/extractBrowser.ts can read main-thread CPU time around it.
 */
import { computeHarmonicMask } from '../src/core/features/hpss';
import { extractRecipe } from '../src/core/features/recipes';
import { computeSpectra } from '../src/core/features/stft';
import { realFftPairKernel } from '../src/core/features/wasm/fftKernel';
import { hpssKernel } from '../src/core/features/wasm/hpssKernel';

let samples = new Float32Array(0);

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  setSamples(b64: string): number {
    const b = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    samples = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    return samples.length;
  },
  /** One extraction; its wall ms. */
  extractOnce(recipe: string): number {
    const t0 = performance.now();
    extractRecipe(samples, 22050, recipe);
    return performance.now() - t0;
  },
  /** One extraction's feature rows, concatenated, as base64 of their float64 bytes (every bit kept), and whether the FFT kernel compiled. */
  rowsOnce(recipe: string): { b64: string; fftKernel: boolean } {
    const rows = extractRecipe(samples, 22050, recipe).segments;
    const all = new Float64Array(rows.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of rows) {
      all.set(r, at);
      at += r.length;
    }
    const bytes = new Uint8Array(all.buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] as number);
    return { b64: btoa(text), fftKernel: realFftPairKernel(2048) !== undefined };
  },
  /** Whether this page compiled the HPSS kernel, and how many harmonic-mask values it gives unlike the TypeScript filters. */
  hpssCheck(): { kernel: boolean; differing: number; cells: number } {
    const { nFrames, nBins, magnitude } = computeSpectra(samples, { padMode: 'constant', nFft: 2048, hopSamples: 512, keepComplex: false });
    const a = computeHarmonicMask(magnitude, nFrames, nBins, 31);
    const b = computeHarmonicMask(magnitude, nFrames, nBins, 31, undefined, false);
    return { kernel: hpssKernel() !== undefined, differing: a.reduce((n, v, i) => n + (Object.is(v, b[i]) ? 0 : 1), 0), cells: a.length };
  },
};
