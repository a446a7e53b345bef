/**
 * Zero-crossing rate per frame, librosa.feature.zero_crossing_rate(y, 2048, 512, center=True):
 * the signal is padded by 1024 with EDGE values (np.pad mode 'edge', whatever the STFT pad mode),
 * |x| ≤ 1e−10 counts as 0, zero counts as positive (sign bit), and the rate is crossings / 2048
 * (2047 adjacent pairs inside a frame). Own DSP: Meyda's zcr is a raw count on a windowed frame.
 */
import { countFrames, padSignal } from './stft';

/** Zero-crossing rate per frame (fraction of the frame length). */
export function computeZcr(y: ArrayLike<number>, frameSamples = 2048, hopSamples = 512, threshold = 1e-10): Float64Array {
  const nFrames = countFrames(y.length, hopSamples);
  const padded = padSignal(y, frameSamples >> 1, 'edge');
  // sign bit per padded sample after thresholding small values to +0
  const neg = new Uint8Array(padded.length);
  for (let i = 0; i < padded.length; i++) {
    const v = padded[i] as number;
    neg[i] = Math.abs(v) <= threshold ? 0 : v < 0 || Object.is(v, -0) ? 1 : 0;
  }
  // prefix count of sign changes between i−1 and i
  const changes = new Int32Array(padded.length);
  for (let i = 1; i < padded.length; i++) changes[i] = (changes[i - 1] as number) + (neg[i] !== neg[i - 1] ? 1 : 0);
  const out = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const s = t * hopSamples;
    const e = s + frameSamples - 1;
    out[t] = ((changes[e] as number) - (changes[s] as number)) / frameSamples;
  }
  return out;
}
