/**
 * Spectral centroid in Hz per frame, librosa.feature.spectral_centroid on the magnitude
 * spectrogram: Σ f·S / Σ S (frames with Σ S below float32 tiny give 0, as util.normalize leaves
 * them). Own DSP: Meyda's centroid is in bins of a symmetric-Hann, 1024-bin spectrum.
 */
const TINY = 1.1754943508222875e-38;

/**
 * Centroid per frame (Hz); `mag` frame-major nFrames × nBins, `freqsHz` per bin. With `sumsOut`
 * (length nFrames), each frame's Σ S (bins in ascending order) is written there too, for the
 * bandwidth and rolloff of the same spectrogram to reuse instead of summing again.
 */
export function computeSpectralCentroid(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, sumsOut?: Float64Array): Float64Array {
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    let sum = 0;
    let wsum = 0;
    for (let k = 0; k < nBins; k++) {
      const v = mag[o + k] as number;
      sum += v;
      wsum += v * (freqsHz[k] as number);
    }
    if (sumsOut) sumsOut[t] = sum;
    out[t] = sum < TINY ? 0 : wsum / sum;
  }
  return out;
}
