/**
 * Spectral contrast, librosa.feature.spectral_contrast(n_bands=6, fmin=200, quantile=0.02,
 * linear=False): per octave band, the mean of the top and bottom 2 % of sorted magnitudes
 * (at least one bin), then power_to_db(peak) − power_to_db(valley), each dB conversion with
 * amin 1e−10 and top_db 80 relative to its own whole-matrix maximum. Output frame-major
 * nFrames × (nBands + 1). Own DSP (Meyda has no contrast).
 */
import { LabError } from '../errors';
import { powerToDb } from './db';
import { workArray } from './workArrays';

/** Contrast per frame and band (dB), from the magnitude spectrogram. */
export function computeSpectralContrast(mag: Float64Array, nFrames: number, nBins: number, freqsHz: Float64Array, sampleRateHz: number, nBands = 6, fMinHz = 200, quantile = 0.02): Float64Array {
  const nRows = nBands + 1;
  const octa = new Float64Array(nBands + 2);
  for (let i = 1; i < nBands + 2; i++) octa[i] = fMinHz * Math.pow(2, i - 1);
  // librosa raises when a band starts at or above Nyquist
  for (let i = 0; i < nBands + 1; i++)
    if ((octa[i] as number) >= 0.5 * sampleRateHz) throw new LabError('bad-argument', `Spectral contrast: ${nBands} octave bands from ${fMinHz} Hz exceed the Nyquist frequency of ${sampleRateHz} Hz audio.`);
  // bin ranges per band, as librosa selects them
  const lo = new Int32Array(nRows);
  const hi = new Int32Array(nRows); // exclusive, after dropping the last bin for k < nBands
  const nIdx = new Int32Array(nRows);
  for (let k = 0; k < nRows; k++) {
    const fl = octa[k] as number;
    const fh = octa[k + 1] as number;
    let first = -1;
    let last = -1;
    for (let b = 0; b < nBins; b++) {
      const f = freqsHz[b] as number;
      if (f >= fl && f <= fh) {
        if (first < 0) first = b;
        last = b;
      }
    }
    let start = first;
    let end = last + 1;
    if (k > 0) start = first - 1;
    if (k === nBands) end = nBins;
    const count = end - start; // np.sum(current_band)
    // np.rint: round half to even
    const q = quantile * count;
    let r = Math.round(q);
    if (Math.abs(q - Math.trunc(q)) === 0.5) r = 2 * Math.round(q / 2);
    nIdx[k] = Math.max(r, 1);
    lo[k] = start;
    hi[k] = k < nBands ? end - 1 : end;
  }
  // scratch that never leaves this function (every element is written below): reused work
  // arrays, converted to dB in place, so a call allocates only the small band tables and its result
  const peak = workArray('contrast.peak', nFrames * nRows, false);
  const valley = workArray('contrast.valley', nFrames * nRows, false);
  let maxN = 1;
  for (let k = 0; k < nRows; k++) maxN = Math.max(maxN, nIdx[k] as number);
  // the n smallest / largest values of a band, kept sorted by insertion (n ≤ ~9, and most values
  // are rejected by one comparison, so this beats sorting the whole band)
  const lowBuf = new Float64Array(maxN);
  const highBuf = new Float64Array(maxN);
  for (let t = 0; t < nFrames; t++) {
    const o = t * nBins;
    for (let k = 0; k < nRows; k++) {
      const start = o + (lo[k] as number);
      const len = (hi[k] as number) - (lo[k] as number);
      const n = Math.min(nIdx[k] as number, len);
      // The n smallest and n largest as sorted buffers: the first n values scanned fill a
      // buffer, after that a value enters only when it beats the buffer's current worst (kept in
      // a local). Spectra mostly fall with frequency, so the smallest values are searched from
      // the top of the band down and the largest from the bottom up: measured on blues.00000,
      // scanning the top band upwards made 130 of its 431 values new minima (each an insertion),
      // scanning it downwards far fewer. The buffers hold the same values whatever the order.
      for (let i = 0; i < n; i++) {
        const v = mag[start + len - 1 - i] as number;
        let j = i;
        while (j > 0 && (lowBuf[j - 1] as number) > v) {
          lowBuf[j] = lowBuf[j - 1] as number;
          j--;
        }
        lowBuf[j] = v;
      }
      for (let i = 0; i < n; i++) {
        const v = mag[start + i] as number;
        let j = i;
        while (j > 0 && (highBuf[j - 1] as number) < v) {
          highBuf[j] = highBuf[j - 1] as number;
          j--;
        }
        highBuf[j] = v;
      }
      // Both scans in one loop (the low one downwards from below its fill, the high one upwards
      // from above its): each buffer sees the same values in the same order as in a loop of its
      // own, and the two independent compare chains share the loop's overhead.
      let lowWorst = lowBuf[n - 1] as number;
      let highWorst = highBuf[n - 1] as number;
      const top = start + len - 1 - n;
      for (let m = 0; m < len - n; m++) {
        const vl = mag[top - m] as number;
        if (vl < lowWorst) {
          let j = n - 1;
          while (j > 0 && (lowBuf[j - 1] as number) > vl) {
            lowBuf[j] = lowBuf[j - 1] as number;
            j--;
          }
          lowBuf[j] = vl;
          lowWorst = lowBuf[n - 1] as number;
        }
        const vh = mag[start + n + m] as number;
        if (vh > highWorst) {
          let j = n - 1;
          while (j > 0 && (highBuf[j - 1] as number) < vh) {
            highBuf[j] = highBuf[j - 1] as number;
            j--;
          }
          highBuf[j] = vh;
          highWorst = highBuf[n - 1] as number;
        }
      }
      let vs = 0;
      let ps = 0;
      for (let i = 0; i < n; i++) {
        vs += lowBuf[i] as number;
        ps += highBuf[i] as number;
      }
      valley[t * nRows + k] = vs / n;
      peak[t * nRows + k] = ps / n;
    }
  }
  const peakDb = powerToDb(peak, {}, peak);
  const valleyDb = powerToDb(valley, {}, valley);
  const out = new Float64Array(nFrames * nRows);
  for (let i = 0; i < out.length; i++) out[i] = (peakDb[i] as number) - (valleyDb[i] as number);
  return out;
}
