/**
 * How far Meyda's per-frame features are from librosa's on the same clip: the lesson of why the
 * lab computes its own DSP for the GTZAN tables and uses Meyda only for the live `meyda` recipe.
 * Shown by `npm run parity` and in the app's Classify cell.
 */
import { computeSpectralBandwidth } from './bandwidth';
import { computeSpectralCentroid } from './centroid';
import { computeChroma } from './chroma';
import { powerToDb } from './db';
import { computeSpectralFlatness } from './flatness';
import { meydaFrames, MEYDA_SCALARS } from './meydaRecipe';
import { applyMelFilterbank, getMelFilterbank } from './mel';
import { computeMfcc } from './mfcc';
import { computeRms } from './rms';
import { computeSpectralRolloff } from './rolloff';
import { computeStft, fftFrequenciesHz, magnitudeFromPower, powerSpectrogram } from './stft';
import { computeZcr } from './zcr';

export interface MeydaComparison {
  feature: string;
  /** How Meyda's value was mapped to librosa's units before comparing. */
  mapping: string;
  /** Median relative difference over frames, |meyda − librosa| / |librosa|. */
  medianRel: number;
  /** Pearson correlation over frames. */
  correlation: number;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * How far Meyda's per-frame features are from librosa's on the same frames of one clip. Meyda
 * frame t covers samples [512t, 512t + 2048), which is librosa's centred frame t + 2.
 */
export function compareMeydaToLibrosa(y: Float32Array): MeydaComparison[] {
  const m = meydaFrames(y, 22050);
  const st = computeStft(y, { padMode: 'reflect' });
  const power = powerSpectrogram(st);
  const mag = magnitudeFromPower(power);
  const freqs = fftFrequenciesHz(22050);
  const lib: Record<string, Float64Array> = {
    rms: computeRms(y, 'reflect'),
    zcr: computeZcr(y),
    spectralCentroid: computeSpectralCentroid(mag, st.nFrames, st.nBins, freqs),
    spectralRolloff: computeSpectralRolloff(mag, st.nFrames, st.nBins, freqs),
    spectralFlatness: computeSpectralFlatness(power, st.nFrames, st.nBins),
  };
  const { chroma } = computeChroma(power, st.nFrames, st.nBins, 22050);
  lib.spectralSpread = computeSpectralBandwidth(mag, st.nFrames, st.nBins, freqs, lib.spectralCentroid as Float64Array);
  const mfcc = computeMfcc(powerToDb(applyMelFilterbank(power, st.nFrames, getMelFilterbank(22050))), st.nFrames, 128, 13);
  const n = m.nFrames;
  const col = (c: number, scale = 1): Float64Array => Float64Array.from({ length: n }, (_, t) => (m.values[t * m.width + c] as number) * scale);
  const libCol = (a: Float64Array, width = 1, c = 0): Float64Array => Float64Array.from({ length: n }, (_, t) => a[(t + 2) * width + c] as number);
  const out: MeydaComparison[] = [];
  const cmp = (feature: string, mapping: string, a: Float64Array, b: Float64Array): void => {
    const rel = Float64Array.from(a, (v, i) => Math.abs(v - (b[i] as number)) / Math.max(Math.abs(b[i] as number), 1e-9)).sort();
    out.push({ feature, mapping, medianRel: rel[rel.length >> 1] ?? NaN, correlation: pearson(a, b) });
  };
  const idx = (s: string): number => (MEYDA_SCALARS as readonly string[]).indexOf(s);
  cmp('rms', 'as is (Meyda windows the frame with symmetric Hann; librosa does not)', col(idx('rms')), libCol(lib.rms as Float64Array));
  cmp('zcr', 'count / 2048', col(idx('zcr'), 1 / 2048), libCol(lib.zcr as Float64Array));
  cmp('spectralCentroid', 'bins × sr/2048 → Hz', col(idx('spectralCentroid'), 22050 / 2048), libCol(lib.spectralCentroid as Float64Array));
  cmp('spectralRolloff', 'Hz as is (Meyda 99 % vs librosa 85 %)', col(idx('spectralRolloff')), libCol(lib.spectralRolloff as Float64Array));
  cmp('spectralFlatness', 'as is (Meyda amplitude spectrum vs librosa power)', col(idx('spectralFlatness')), libCol(lib.spectralFlatness as Float64Array));
  cmp('spectralSpread', 'bins × sr/2048 vs librosa bandwidth (p=2)', col(idx('spectralSpread'), 22050 / 2048), libCol(lib.spectralSpread as Float64Array));
  const rms2 = Float64Array.from(lib.rms as Float64Array, (v) => 2048 * v * v);
  cmp('energy', 'Σx² of the windowed frame vs 2048·rms² (raw frame)', col(idx('energy')), libCol(rms2));
  for (let c = 0; c < 13; c++) cmp(`mfcc_${c + 1}`, 'as is (Meyda: 26 HTK filters, ln(E+1), unnormalised DCT; librosa: 128 Slaney, dB, ortho DCT)', col(MEYDA_SCALARS.length + c), libCol(mfcc, 13, c));
  const nScalars = MEYDA_SCALARS.length;
  const chromaMeyda = new Float64Array(n * 12);
  const chromaLib = new Float64Array(n * 12);
  for (let t = 0; t < n; t++)
    for (let c = 0; c < 12; c++) {
      chromaMeyda[t * 12 + c] = m.values[t * m.width + nScalars + 13 + c] as number;
      chromaLib[t * 12 + c] = chroma[(t + 2) * 12 + c] as number;
    }
  cmp('chroma (12 bins pooled)', 'as is (Meyda: amplitude spectrum, no tuning)', chromaMeyda, chromaLib);
  return out;
}

