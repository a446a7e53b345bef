/**
 * Spectral flatness per frame, librosa.feature.spectral_flatness(power=2, amin=1e-10):
 * geometric mean / arithmetic mean of max(amin, |S|²). Own DSP: Meyda's flatness uses the
 * amplitude spectrum with no floor (log 0 → −∞ on silence).
 */

/** Flatness per frame from a POWER spectrogram (frame-major). */
export function computeSpectralFlatness(power: Float64Array, nFrames: number, nBins: number, amin = 1e-10): Float64Array {
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    let logSum = 0;
    let sum = 0;
    for (let k = 0; k < nBins; k++) {
      const v = Math.max(amin, power[o + k] as number);
      logSum += Math.log(v);
      sum += v;
    }
    out[t] = Math.exp(logSum / nBins) / (sum / nBins);
  }
  return out;
}
