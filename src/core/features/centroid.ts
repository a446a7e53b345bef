/**
 * Spectral centroid in Hz per frame, librosa.feature.spectral_centroid on the magnitude
 * spectrogram: Σ f·S / Σ S (frames with Σ S below float32 tiny give 0, as util.normalize leaves
 * them). Own DSP: Meyda's centroid is in bins of a symmetric-Hann, 1024-bin spectrum.
 */
import { forFrameQuads } from './frameQuads';

const TINY = 1.1754943508222875e-38;

/**
 * Centroid per frame (Hz); `mag` frame-major nFrames × nBins, `freqsHz` per bin. With `sumsOut`
 * (length nFrames), each frame's Σ S (bins in ascending order) is written there too, for the
 * bandwidth and rolloff of the same spectrogram to reuse instead of summing again.
 */
export function computeSpectralCentroid(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, sumsOut?: Float64Array): Float64Array {
  const out = new Float64Array(nFrames);
  forFrameQuads(nFrames, nBins, (t, o0, o1, o2, o3) => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    for (let k = 0; k < nBins; k++) {
      const f = freqsHz[k] as number;
      const v0 = mag[o0 + k] as number;
      const v1 = mag[o1 + k] as number;
      const v2 = mag[o2 + k] as number;
      const v3 = mag[o3 + k] as number;
      s0 += v0;
      s1 += v1;
      s2 += v2;
      s3 += v3;
      w0 += v0 * f;
      w1 += v1 * f;
      w2 += v2 * f;
      w3 += v3 * f;
    }
    putCentroid(out, sumsOut, t, s0, w0);
    putCentroid(out, sumsOut, t + 1, s1, w1);
    putCentroid(out, sumsOut, t + 2, s2, w2);
    putCentroid(out, sumsOut, t + 3, s3, w3);
  }, (t, o) => {
    let sum = 0;
    let wsum = 0;
    for (let k = 0; k < nBins; k++) {
      const v = mag[o + k] as number;
      sum += v;
      wsum += v * (freqsHz[k] as number);
    }
    putCentroid(out, sumsOut, t, sum, wsum);
  });
  return out;
}

function putCentroid(out: Float64Array, sumsOut: Float64Array | undefined, t: number, sum: number, wsum: number): void {
  if (sumsOut) sumsOut[t] = sum;
  out[t] = sum < TINY ? 0 : wsum / sum;
}
