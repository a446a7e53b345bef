/**
 * Onset strength envelope as librosa.onset.onset_strength(y, sr, aggregate=…) in 0.10.1:
 * mel power spectrogram of the STFT with librosa's default ZERO padding → power_to_db
 * (ref 1, amin 1e−10, top_db 80) → positive first difference along time (lag 1) → aggregated
 * across the 128 bands (median for beat_track, mean for feature.tempo) → shifted right by
 * lag + n_fft/(2·hop) = 3 frames (zeros) and trimmed to the frame count. Own DSP.
 */

export type OnsetAggregate = 'median' | 'mean';

/** Onset envelope (length nFrames) from mel dB, frame-major nFrames × nMels. */
export function computeOnsetStrength(melDb: Float64Array, nFrames: number, nMels: number, aggregate: OnsetAggregate, nFft = 2048, hopSamples = 512): Float64Array {
  const out = new Float64Array(nFrames);
  const shift = 1 + Math.floor(nFft / (2 * hopSamples));
  const diff = new Float64Array(nMels);
  const half = nMels >> 1;
  const median = aggregate === 'median';
  for (let j = 0; j + 1 < nFrames; j++) {
    const target = j + shift;
    if (target >= nFrames) break;
    const a = j * nMels;
    const b = (j + 1) * nMels;
    let sum = 0;
    let nPos = 0; // the positive differences, packed at the front of diff
    for (let m = 0; m < nMels; m++) {
      const d = (melDb[b + m] as number) - (melDb[a + m] as number);
      const v = d > 0 ? d : 0;
      sum += v;
      if (median && v > 0) diff[nPos++] = v;
    }
    if (!median) out[target] = sum / nMels;
    else {
      // The sorted differences are nMels − nPos zeros, then the positive ones sorted: only those
      // are sorted, and not even they when the zeros reach past the middle (median 0).
      const nZero = nMels - nPos;
      if (nZero > half) {
        out[target] = 0;
        continue;
      }
      const pos = diff.subarray(0, nPos).sort();
      const at = (i: number): number => (i < nZero ? 0 : (pos[i - nZero] as number));
      out[target] = nMels % 2 === 1 ? at(half) : (at(half - 1) + at(half)) / 2;
    }
  }
  return out;
}
