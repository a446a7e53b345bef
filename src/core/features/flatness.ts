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
    // log of products of 16 values instead of 16 logs: with amin 1e−10 and |X|² ≤ (nFft/2)² ≈ 1e6
    // for audio in [−1, 1] a product stays within 1e−160 … 1e96, and differs from the sum of logs
    // by a few ulps; a product that does leave the double range (unscaled input) is redone by logs
    for (let k0 = 0; k0 < nBins; k0 += 16) {
      const e = Math.min(nBins, k0 + 16);
      let prod = 1;
      for (let k = k0; k < e; k++) {
        const v = Math.max(amin, power[o + k] as number);
        prod *= v;
        sum += v;
      }
      if (prod > 1e-300 && prod < 1e300) logSum += Math.log(prod);
      else for (let k = k0; k < e; k++) logSum += Math.log(Math.max(amin, power[o + k] as number));
    }
    out[t] = Math.exp(logSum / nBins) / (sum / nBins);
  }
  return out;
}
