/**
 * Min/max envelope of a waveform for drawing: the samples are cut into `nBins` equal spans and
 * each span keeps its lowest and highest sample, so a peak is never lost however far the view is
 * zoomed out (what audio editors draw; plain decimation would alias transients away).
 */

export interface Envelope {
  /** Per bin: the lowest and highest sample in it. */
  min: Float32Array;
  max: Float32Array;
  /** Samples per bin (fractional: bin b covers samples [⌊b·s⌋, ⌊(b+1)·s⌋)). */
  samplesPerBin: number;
  /** Largest |sample| (0 for silence), to scale a quiet clip up to the drawing's height. */
  peak: number;
}

/**
 * @param samples mono samples
 * @param nBins bins wanted; fewer when the clip has fewer samples than bins
 */
export function computeEnvelope(samples: ArrayLike<number>, nBins: number): Envelope {
  const n = samples.length;
  const bins = Math.max(0, Math.min(Math.floor(nBins), n));
  const min = new Float32Array(bins);
  const max = new Float32Array(bins);
  const per = bins > 0 ? n / bins : 0;
  let peak = 0;
  for (let b = 0; b < bins; b++) {
    const start = Math.floor(b * per);
    const end = Math.max(start + 1, Math.floor((b + 1) * per));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = start; i < end; i++) {
      const v = samples[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[b] = lo;
    max[b] = hi;
    peak = Math.max(peak, Math.abs(lo), Math.abs(hi));
  }
  return { min, max, samplesPerBin: per, peak };
}
