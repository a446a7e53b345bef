/**
 * Spectral bandwidth in Hz per frame, librosa.feature.spectral_bandwidth(p=2, norm=True):
 * (Σ Ŝ·|f − centroid|²)^(1/2) with Ŝ the frame normalised to sum 1. Own DSP (Meyda's spread is
 * in bins on a different spectrum).
 */
import { forFrameQuads } from './frameQuads';
const TINY = 1.1754943508222875e-38;

/**
 * Bandwidth per frame (Hz), given the per-frame centroid from computeSpectralCentroid (and, if
 * already computed, each frame's Σ S summed over bins in ascending order: its `sumsOut`).
 */
export function computeSpectralBandwidth(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, centroidHz: Float64Array, frameSums?: Float64Array): Float64Array {
  const out = new Float64Array(nFrames);
  const norms = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    let sum = 0;
    if (frameSums) sum = frameSums[t] as number;
    else for (let k = 0, o = t * nBins; k < nBins; k++) sum += mag[o + k] as number;
    norms[t] = sum < TINY ? 1 : sum;
  }
  forFrameQuads(nFrames, nBins, (t, o0, o1, o2, o3) => {
    const c0 = centroidHz[t] as number;
    const c1 = centroidHz[t + 1] as number;
    const c2 = centroidHz[t + 2] as number;
    const c3 = centroidHz[t + 3] as number;
    const n0 = norms[t] as number;
    const n1 = norms[t + 1] as number;
    const n2 = norms[t + 2] as number;
    const n3 = norms[t + 3] as number;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let k = 0; k < nBins; k++) {
      const f = freqsHz[k] as number;
      const d0 = f - c0;
      const d1 = f - c1;
      const d2 = f - c2;
      const d3 = f - c3;
      a0 += ((mag[o0 + k] as number) / n0) * d0 * d0;
      a1 += ((mag[o1 + k] as number) / n1) * d1 * d1;
      a2 += ((mag[o2 + k] as number) / n2) * d2 * d2;
      a3 += ((mag[o3 + k] as number) / n3) * d3 * d3;
    }
    out[t] = Math.sqrt(a0);
    out[t + 1] = Math.sqrt(a1);
    out[t + 2] = Math.sqrt(a2);
    out[t + 3] = Math.sqrt(a3);
  }, (t, o) => {
    const c = centroidHz[t] as number;
    const norm = norms[t] as number;
    let acc = 0;
    for (let k = 0; k < nBins; k++) {
      const d = (freqsHz[k] as number) - c;
      acc += ((mag[o + k] as number) / norm) * d * d;
    }
    out[t] = Math.sqrt(acc);
  });
  return out;
}
