/**
 * Zero-crossing rate per frame, librosa.feature.zero_crossing_rate(y, 2048, 512, center=True):
 * the signal is padded by 1024 with EDGE values (np.pad mode 'edge', whatever the STFT pad mode),
 * |x| ≤ 1e−10 counts as 0, zero counts as positive (sign bit), and the rate is crossings / 2048
 * (2047 adjacent pairs inside a frame). Own DSP: Meyda's zcr is a raw count on a windowed frame.
 */
import { countFrames } from './stft';

/** Zero-crossing rate per frame (fraction of the frame length). */
export function computeZcr(y: ArrayLike<number>, frameSamples = 2048, hopSamples = 512, threshold = 1e-10): Float64Array {
  const n = y.length;
  const nFrames = countFrames(n, hopSamples);
  const pad = frameSamples >> 1;
  const nPadded = n + 2 * pad;
  if (n === 0) return new Float64Array(nFrames);
  // sign bit of padded sample j (edge padding) after thresholding small values to +0; read in
  // place rather than from padded copies, whose fresh pages cost more than the counting
  // |v| ≤ threshold reads as +0 and the rest are nonzero, so "sign bit set after thresholding"
  // is just v < −threshold (NaN: false, as before)
  const negAt = (j: number): number => ((y[j < pad ? 0 : j >= pad + n ? n - 1 : j - pad] as number) < -threshold ? 1 : 0);
  const changeAt = (j: number): number => (j >= 1 && j < nPadded && negAt(j) !== negAt(j - 1) ? 1 : 0);
  const out = new Float64Array(nFrames);
  if (frameSamples % hopSamples !== 0) {
    for (let t = 0; t < nFrames; t++) {
      let c = 0;
      for (let j = t * hopSamples + 1; j < t * hopSamples + frameSamples; j++) c += changeAt(j);
      out[t] = c / frameSamples;
    }
    return out;
  }
  // Frame t counts the pairs (j−1, j) for j = s+1 … s+frameSamples−1 (s = t·hop). Count each
  // hop-long block of pairs (b·hop, (b+1)·hop] once; a frame is its frameSamples/hop blocks minus
  // the last pair of the last block, j = s + frameSamples.
  const per = frameSamples / hopSamples;
  const nBlocks = nFrames + per - 1;
  const blocks = new Int32Array(nBlocks);
  let prev = negAt(0);
  for (let b = 0; b < nBlocks; b++) {
    let c = 0;
    const j1 = Math.min((b + 1) * hopSamples, nPadded - 1);
    let j = b * hopSamples + 1;
    if (j >= pad && j1 < pad + n) {
      // inside the signal: no edge clamping; count sign changes branch-free
      const neg0 = -threshold;
      for (let i = j - pad, e = j1 - pad; i <= e; i++) {
        const cur = (y[i] as number) < neg0 ? 1 : 0;
        c += cur ^ prev;
        prev = cur;
      }
      j = j1 + 1;
    }
    for (; j <= j1; j++) {
      const cur = negAt(j);
      if (cur !== prev) c++;
      prev = cur;
    }
    blocks[b] = c;
  }
  for (let t = 0; t < nFrames; t++) {
    let c = 0;
    for (let k = 0; k < per; k++) c += blocks[t + k] as number;
    out[t] = (c - changeAt((t + per) * hopSamples)) / frameSamples;
  }
  return out;
}
