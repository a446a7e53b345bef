/**
 * Frame loops four frames at a time. A per-frame reduction over bins (a sum, a product) is a
 * chain of dependent operations; four frames' chains side by side in one pass over the bins keep
 * the FPU busy, and per-bin data (frequencies, weights) is loaded once for four frames. Measured
 * 1.5–2× on centroid, bandwidth, flatness and the mel filterbank. Each frame's own operations
 * keep their order, so the values are the same to the last bit as one frame at a time.
 */

/**
 * Calls `quad(t, o0, o1, o2, o3)` for frames t … t+3 (oN = offset of frame t+N in a frame-major
 * nFrames × nBins matrix) while four frames remain, then `single(t, o)` for the last 0–3 frames.
 */
export function forFrameQuads(
  nFrames: number, nBins: number,
  quad: (t: number, o0: number, o1: number, o2: number, o3: number) => void,
  single: (t: number, o: number) => void,
): void {
  let t = 0;
  for (; t + 4 <= nFrames; t += 4) {
    const o0 = t * nBins;
    quad(t, o0, o0 + nBins, o0 + 2 * nBins, o0 + 3 * nBins);
  }
  for (; t < nFrames; t++) single(t, t * nBins);
}
