/**
 * Spectral roll-off in Hz per frame, librosa.feature.spectral_rolloff(roll_percent=0.85): the
 * lowest bin frequency whose cumulative magnitude reaches 85 % of the frame total (0 Hz for a
 * silent frame). Own DSP: Meyda's rolloff uses 99 % and a different bin factor.
 */

/** Roll-off per frame (Hz); `frameSums` as in computeSpectralBandwidth (each frame's Σ S, if known). */
export function computeSpectralRolloff(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, rollPercent = 0.85, frameSums?: Float64Array): Float64Array {
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    let total = 0;
    if (frameSums) total = frameSums[t] as number;
    else for (let k = 0; k < nBins; k++) total += mag[o + k] as number;
    const threshold = rollPercent * total;
    let acc = 0;
    let f = freqsHz[nBins - 1] as number;
    for (let k = 0; k < nBins; k++) {
      acc += mag[o + k] as number;
      if (acc >= threshold) {
        f = freqsHz[k] as number;
        break;
      }
    }
    out[t] = f;
  }
  return out;
}
