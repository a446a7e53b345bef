/**
 * Spectral flatness per frame, librosa.feature.spectral_flatness(power=2, amin=1e-10):
 * geometric mean / arithmetic mean of max(amin, |S|²). Own DSP: Meyda's flatness uses the
 * amplitude spectrum with no floor (log 0 → −∞ on silence).
 */
import { forFrameQuads } from './frameQuads';

/**
 * Log of one 16-bin block's product of max(amin, |S|²) (`prod`, already computed): the product's
 * log when it stayed inside the double range, else the sum of the values' logs.
 */
function blockLog(prod: number, power: Float64Array, o: number, k0: number, e: number, amin: number): number {
  // log of products of 16 values instead of 16 logs: with amin 1e−10 and |X|² ≤ (nFft/2)² ≈ 1e6
  // for audio in [−1, 1] a product stays within 1e−160 … 1e96, and differs from the sum of logs
  // by a few ulps; a product that does leave the double range (unscaled input) is redone by logs
  if (prod > 1e-300 && prod < 1e300) return Math.log(prod);
  let s = 0;
  for (let k = k0; k < e; k++) s += Math.log(Math.max(amin, power[o + k] as number));
  return s;
}

/** Flatness per frame from a POWER spectrogram (frame-major). */
export function computeSpectralFlatness(power: Float64Array, nFrames: number, nBins: number, amin = 1e-10): Float64Array {
  const out = new Float64Array(nFrames);
  forFrameQuads(nFrames, nBins, (t, o0, o1, o2, o3) => {
    let l0 = 0, l1 = 0, l2 = 0, l3 = 0, s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k0 = 0; k0 < nBins; k0 += 16) {
      const e = Math.min(nBins, k0 + 16);
      let p0 = 1, p1 = 1, p2 = 1, p3 = 1;
      for (let k = k0; k < e; k++) {
        const v0 = Math.max(amin, power[o0 + k] as number);
        const v1 = Math.max(amin, power[o1 + k] as number);
        const v2 = Math.max(amin, power[o2 + k] as number);
        const v3 = Math.max(amin, power[o3 + k] as number);
        p0 *= v0;
        p1 *= v1;
        p2 *= v2;
        p3 *= v3;
        s0 += v0;
        s1 += v1;
        s2 += v2;
        s3 += v3;
      }
      // a frame's logSum gets its blocks in ascending order, as one frame at a time would
      l0 += blockLog(p0, power, o0, k0, e, amin);
      l1 += blockLog(p1, power, o1, k0, e, amin);
      l2 += blockLog(p2, power, o2, k0, e, amin);
      l3 += blockLog(p3, power, o3, k0, e, amin);
    }
    out[t] = Math.exp(l0 / nBins) / (s0 / nBins);
    out[t + 1] = Math.exp(l1 / nBins) / (s1 / nBins);
    out[t + 2] = Math.exp(l2 / nBins) / (s2 / nBins);
    out[t + 3] = Math.exp(l3 / nBins) / (s3 / nBins);
  }, (t, o) => {
    let logSum = 0;
    let sum = 0;
    for (let k0 = 0; k0 < nBins; k0 += 16) {
      const e = Math.min(nBins, k0 + 16);
      let prod = 1;
      for (let k = k0; k < e; k++) {
        const v = Math.max(amin, power[o + k] as number);
        prod *= v;
        sum += v;
      }
      logSum += blockLog(prod, power, o, k0, e, amin);
    }
    out[t] = Math.exp(logSum / nBins) / (sum / nBins);
  });
  return out;
}
