/**
 * Slaney-style mel filterbank matching librosa.filters.mel(sr, n_fft, n_mels=128, fmin=0,
 * fmax=sr/2, htk=False, norm='slaney'); weights rounded to float32 as librosa stores them.
 */
import { forFrameQuads } from './frameQuads';

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP; // 15
const LOG_STEP = Math.log(6.4) / 27;

/** Slaney mel scale (librosa.hz_to_mel, htk=False). */
export function hzToMelSlaney(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** Inverse of {@link hzToMelSlaney} (librosa.mel_to_hz, htk=False). */
export function melToHzSlaney(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/**
 * librosa.mel_frequencies(nPoints, fmin, fmax, htk=False): `nPoints` frequencies in Hz evenly
 * spaced on the Slaney mel scale from fMinHz to fMaxHz (both included).
 */
export function melFrequenciesHz(nPoints: number, fMinHz: number, fMaxHz: number): Float64Array {
  const melMin = hzToMelSlaney(fMinHz);
  const melMax = hzToMelSlaney(fMaxHz);
  const out = new Float64Array(nPoints);
  // numpy.linspace(melMin, melMax, nPoints): start + i*step, last = stop exactly
  const step = nPoints > 1 ? (melMax - melMin) / (nPoints - 1) : 0;
  for (let i = 0; i < nPoints; i++) out[i] = melToHzSlaney(i === nPoints - 1 ? melMax : melMin + i * step);
  return out;
}

/**
 * Centre frequency in Hz of each band of {@link melFilterbank}(sr, nFft, nMels, fMinHz, fMaxHz):
 * band m's triangle rises from point m to its peak at point m + 1 of mel_frequencies(nMels + 2),
 * so the centres are `mel_frequencies(nMels + 2, fmin, fmax)[1:-1]` (what a spectrogram's
 * frequency axis is labelled with).
 */
export function melBandCentresHz(nMels: number, sampleRateHz: number, fMinHz = 0, fMaxHz = sampleRateHz / 2): Float64Array {
  return melFrequenciesHz(nMels + 2, fMinHz, fMaxHz).subarray(1, nMels + 1);
}

export interface MelFilterbank {
  nMels: number;
  nBins: number;
  /** Row-major nMels × nBins. */
  weights: Float64Array;
  /** Per band: first and one-past-last non-zero bin, so application skips zeros. */
  startBin: Int32Array;
  endBin: Int32Array;
}

/** Build the filterbank (librosa.filters.mel). */
export function melFilterbank(sampleRateHz: number, nFft = 2048, nMels = 128, fMinHz = 0, fMaxHz = sampleRateHz / 2): MelFilterbank {
  const nBins = (nFft >> 1) + 1;
  const melF = melFrequenciesHz(nMels + 2, fMinHz, fMaxHz);
  const weights = new Float64Array(nMels * nBins);
  const startBin = new Int32Array(nMels);
  const endBin = new Int32Array(nMels);
  for (let m = 0; m < nMels; m++) {
    const f0 = melF[m] as number;
    const f1 = melF[m + 1] as number;
    const f2 = melF[m + 2] as number;
    const enorm = 2 / (f2 - f0);
    let s = -1;
    let e = -1;
    for (let k = 0; k < nBins; k++) {
      const f = (k * sampleRateHz) / nFft;
      const lower = (f - f0) / (f1 - f0);
      const upper = (f2 - f) / (f2 - f1);
      const w = Math.max(0, Math.min(lower, upper));
      if (w > 0) {
        // float32 storage first, then the float32 product with enorm, as librosa does
        weights[m * nBins + k] = Math.fround(Math.fround(w) * enorm);
        if (s < 0) s = k;
        e = k + 1;
      }
    }
    startBin[m] = s < 0 ? 0 : s;
    endBin[m] = e < 0 ? 0 : e;
  }
  return { nMels, nBins, weights, startBin, endBin };
}

/**
 * Mel spectrogram: filterbank × power spectrogram, frame-major nFrames × nMels (into `out` when
 * given). Frames go four at a time, so each band's weights are loaded once for four frames
 * (measured 1.5× one frame at a time); every band still sums its bins in ascending order, so the
 * values are the same to the last bit.
 */
export function applyMelFilterbank(power: Float64Array, nFrames: number, fb: MelFilterbank, out: Float64Array = new Float64Array(nFrames * fb.nMels)): Float64Array {
  const { nMels, nBins, weights, startBin, endBin } = fb;
  forFrameQuads(nFrames, nBins, (t, p0, p1, p2, p3) => {
    for (let m = 0; m < nMels; m++) {
      const wo = m * nBins;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = startBin[m] as number, e = endBin[m] as number; k < e; k++) {
        const w = weights[wo + k] as number;
        a0 += w * (power[p0 + k] as number);
        a1 += w * (power[p1 + k] as number);
        a2 += w * (power[p2 + k] as number);
        a3 += w * (power[p3 + k] as number);
      }
      const o = t * nMels + m;
      out[o] = a0;
      out[o + nMels] = a1;
      out[o + 2 * nMels] = a2;
      out[o + 3 * nMels] = a3;
    }
  }, (t, po) => {
    for (let m = 0; m < nMels; m++) {
      const wo = m * nBins;
      let acc = 0;
      for (let k = startBin[m] as number, e = endBin[m] as number; k < e; k++) acc += (weights[wo + k] as number) * (power[po + k] as number);
      out[t * nMels + m] = acc;
    }
  });
  return out;
}

const melCache = new Map<string, MelFilterbank>();
/** Cached filterbank for (sr, nFft, nMels). */
export function getMelFilterbank(sampleRateHz: number, nFft = 2048, nMels = 128): MelFilterbank {
  const key = `${sampleRateHz}/${nFft}/${nMels}`;
  let fb = melCache.get(key);
  if (!fb) {
    fb = melFilterbank(sampleRateHz, nFft, nMels);
    melCache.set(key, fb);
  }
  return fb;
}
