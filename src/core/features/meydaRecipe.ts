/**
 * The `meyda` recipe: Meyda 5.6.3's own per-frame extractors (symmetric Hann, 2048-sample frames,
 * hop 512, no centring — as a live microphone delivers buffers), aggregated per segment as
 * mean/std. Definitions are Meyda's, NOT librosa's (centroid/spread in bins, zcr a count,
 * rolloff at 99 % in Hz, 13 HTK-style MFCC with ln(E+1), chroma without tuning); the parity
 * command reports how far each is from librosa on the same clip. Measured on blues.00000
 * (median relative difference per frame): centroid and spread × sr/2048 equal librosa's
 * centroid and bandwidth (< 1e−3), zcr/2048 within 0.6 %; rms (windowed) ~40 %, rolloff (99 %)
 * ~126 %, flatness, chroma and MFCC are different quantities (correlation 0.4–0.97). Non-finite per-frame values
 * (Meyda's flatness/centroid on a silent frame) count as 0 so silence stays finite.
 */
import Meyda from 'meyda';

const FRAME = 2048;
const HOP = 512;

/** Scalar Meyda features used, in column order. */
export const MEYDA_SCALARS = ['rms', 'zcr', 'energy', 'spectralCentroid', 'spectralSpread', 'spectralRolloff', 'spectralFlatness'] as const;
const N_MFCC = 13;
const N_CHROMA = 12;

function names(): string[] {
  const cols: string[] = [];
  const base: string[] = [...MEYDA_SCALARS];
  for (let i = 1; i <= N_MFCC; i++) base.push(`mfcc_${i}`);
  for (let i = 1; i <= N_CHROMA; i++) base.push(`chroma_${i}`);
  for (const b of base) cols.push(`meyda_${b}_mean`, `meyda_${b}_std`);
  return cols;
}

export const MEYDA_FEATURE_NAMES: readonly string[] = Object.freeze(names());
const N_BASE = MEYDA_SCALARS.length + N_MFCC + N_CHROMA;

/** Configure Meyda's singleton (its filterbanks are cached, so set everything before extracting). */
function configureMeyda(sampleRateHz: number): void {
  const m = Meyda as unknown as { bufferSize: number; sampleRate: number; melBands: number; chromaBands: number; numberOfMFCCCoefficients: number; windowingFunction: string; melFilterBank?: unknown; chromaFilterBank?: unknown; barkScale?: unknown; _sr?: number };
  if (m.bufferSize !== FRAME || m.sampleRate !== sampleRateHz) {
    m.bufferSize = FRAME;
    m.sampleRate = sampleRateHz;
    // drop cached banks built for another size/rate
    m.melFilterBank = undefined;
    m.chromaFilterBank = undefined;
    m.barkScale = undefined;
  }
  m.melBands = 26;
  m.chromaBands = N_CHROMA;
  m.numberOfMFCCCoefficients = N_MFCC;
  m.windowingFunction = 'hanning';
}

/**
 * Per-frame Meyda features of `y`: frame-major nFrames × (7 scalars + 13 MFCC + 12 chroma).
 * Frames start at 0, 512, … while a whole 2048-sample frame fits.
 */
export function meydaFrames(y: Float32Array, sampleRateHz: number): { values: Float64Array; nFrames: number; width: number } {
  configureMeyda(sampleRateHz);
  const nFrames = y.length >= FRAME ? 1 + Math.floor((y.length - FRAME) / HOP) : 0;
  const values = new Float64Array(nFrames * N_BASE);
  const frame = new Float32Array(FRAME);
  const feats = [...MEYDA_SCALARS, 'mfcc', 'chroma'] as Parameters<typeof Meyda.extract>[0];
  for (let t = 0; t < nFrames; t++) {
    frame.set(y.subarray(t * HOP, t * HOP + FRAME));
    const f = Meyda.extract(feats, frame) as Record<string, number | number[] | Float32Array | undefined> | null;
    const o = t * N_BASE;
    let j = 0;
    for (const s of MEYDA_SCALARS) {
      const v = f?.[s];
      values[o + j++] = typeof v === 'number' && Number.isFinite(v) ? v : 0;
    }
    for (const key of ['mfcc', 'chroma'] as const) {
      const arr = f?.[key];
      const n = key === 'mfcc' ? N_MFCC : N_CHROMA;
      for (let i = 0; i < n; i++) {
        const v = arr && typeof arr !== 'number' ? (arr[i] as number) : 0;
        values[o + j++] = Number.isFinite(v) ? v : 0;
      }
    }
  }
  return { values, nFrames, width: N_BASE };
}

/** One row of the `meyda` recipe (mean/std of every per-frame feature). */
export function extractMeydaSegment(y: Float32Array, sampleRateHz: number): Float64Array {
  const { values, nFrames, width } = meydaFrames(y, sampleRateHz);
  const out = new Float64Array(2 * width);
  if (nFrames === 0) return out;
  for (let c = 0; c < width; c++) {
    let s = 0;
    for (let t = 0; t < nFrames; t++) s += values[t * width + c] as number;
    const m = s / nFrames;
    let v = 0;
    for (let t = 0; t < nFrames; t++) {
      const d = (values[t * width + c] as number) - m;
      v += d * d;
    }
    out[2 * c] = m;
    out[2 * c + 1] = Math.sqrt(v / nFrames);
  }
  return out;
}
