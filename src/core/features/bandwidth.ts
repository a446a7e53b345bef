/**
 * Spectral bandwidth in Hz per frame, librosa.feature.spectral_bandwidth(p=2, norm=True):
 * (Σ Ŝ·|f − centroid|²)^(1/2) with Ŝ the frame normalised to sum 1. Own DSP (Meyda's spread is
 * in bins on a different spectrum).
 */
const TINY = 1.1754943508222875e-38;

/**
 * Bandwidth per frame (Hz), given the per-frame centroid from computeSpectralCentroid (and, if
 * already computed, each frame's Σ S summed over bins in ascending order: its `sumsOut`).
 */
export function computeSpectralBandwidth(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, centroidHz: Float64Array, frameSums?: Float64Array): Float64Array {
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    let sum = 0;
    if (frameSums) sum = frameSums[t] as number;
    else for (let k = 0; k < nBins; k++) sum += mag[o + k] as number;
    const c = centroidHz[t] as number;
    const norm = sum < TINY ? 1 : sum;
    let acc = 0;
    for (let k = 0; k < nBins; k++) {
      const d = (freqsHz[k] as number) - c;
      acc += ((mag[o + k] as number) / norm) * d * d;
    }
    out[t] = Math.sqrt(acc);
  }
  return out;
}
