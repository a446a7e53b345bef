/**
 * Root-mean-square energy per frame, librosa.feature.rms(y=...): raw (unwindowed) frames of
 * 2048 samples, hop 512, centre-padded by 1024 with the recipe's pad mode. Own DSP: Meyda's rms
 * applies a window first, so its values differ.
 */
import { countFrames, padIndex, type PadMode } from './stft';

/** RMS per frame (length 1 + ⌊n/hop⌋). */
export function computeRms(y: ArrayLike<number>, padMode: PadMode, frameSamples = 2048, hopSamples = 512): Float64Array {
  const n = y.length;
  const nFrames = countFrames(n, hopSamples);
  const pad = frameSamples >> 1;
  // sample j of the padded signal, read in place (no padded copy: its fresh pages cost more than the sums)
  const at = (j: number): number => {
    const i = padIndex(j - pad, n, padMode);
    return i < 0 ? 0 : (y[i] as number);
  };
  const out = new Float64Array(nFrames);
  if (frameSamples % hopSamples !== 0) {
    for (let t = 0; t < nFrames; t++) {
      let acc = 0;
      for (let i = 0; i < frameSamples; i++) acc += at(t * hopSamples + i) ** 2;
      out[t] = Math.sqrt(acc / frameSamples);
    }
    return out;
  }
  // Frames are whole hops: sum the squares of each hop-long block once, then each frame adds its
  // frameSamples/hop blocks (4 for librosa's defaults) — a quarter of the multiply-adds, and each
  // block sum is exact to ~1e−16 relative, like the per-frame sum it replaces.
  const per = frameSamples / hopSamples;
  const nBlocks = nFrames + per - 1;
  const blocks = new Float64Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    const j0 = b * hopSamples;
    let acc = 0;
    if (j0 >= pad && j0 + hopSamples <= pad + n) {
      for (let i = j0 - pad, e = i + hopSamples; i < e; i++) {
        const v = y[i] as number;
        acc += v * v;
      }
    } else for (let j = j0; j < j0 + hopSamples; j++) acc += at(j) ** 2;
    blocks[b] = acc;
  }
  for (let t = 0; t < nFrames; t++) {
    let acc = 0;
    for (let k = 0; k < per; k++) acc += blocks[t + k] as number;
    out[t] = Math.sqrt(acc / frameSamples);
  }
  return out;
}
