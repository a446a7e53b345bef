/**
 * Root-mean-square energy per frame, librosa.feature.rms(y=...): raw (unwindowed) frames of
 * 2048 samples, hop 512, centre-padded by 1024 with the recipe's pad mode. Own DSP: Meyda's rms
 * applies a window first, so its values differ.
 */
import { countFrames, padSignal, type PadMode } from './stft';

/** RMS per frame (length 1 + ⌊n/hop⌋). */
export function computeRms(y: ArrayLike<number>, padMode: PadMode, frameSamples = 2048, hopSamples = 512): Float64Array {
  const nFrames = countFrames(y.length, hopSamples);
  const padded = padSignal(y, frameSamples >> 1, padMode);
  const out = new Float64Array(nFrames);
  // running sum of squares over a sliding window, re-summed per frame to avoid drift
  for (let t = 0; t < nFrames; t++) {
    const o = t * hopSamples;
    let acc = 0;
    for (let i = 0; i < frameSamples; i++) {
      const v = padded[o + i] as number;
      acc += v * v;
    }
    out[t] = Math.sqrt(acc / frameSamples);
  }
  return out;
}
