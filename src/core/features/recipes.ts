/**
 * The feature recipes behind the GTZAN tables (see ../shared/RECIPES.md), one analysis per
 * segment, emitting exactly the published columns in the published order.
 *
 * Large intermediates (spectrograms, masks, HPSS signals, mel dB) live in reused work arrays
 * (workArrays.ts): nothing this file returns points into them.
 *
 * Which DSP does what: every librosa-parity feature uses our own DSP in this folder (Meyda's
 * definitions differ: windowed rms, zcr as a count, centroid in bins, 99 % rolloff, HTK MFCC,
 * no tuning in chroma — BROWSER.md); the `meyda` recipe uses Meyda's extractors as they are.
 */
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { estimateTuning, chromaFilterbank, applyChroma } from './chroma';
import { computeSpectralBandwidth } from './bandwidth';
import { computeSpectralCentroid } from './centroid';
import { computeSpectralContrast } from './contrast';
import { powerToDb } from './db';
import { computeSpectralFlatness } from './flatness';
import { computeHarmonicMask } from './hpss';
import { applyMelFilterbank, getMelFilterbank } from './mel';
import { computeMfcc } from './mfcc';
import { computeOnsetStrength } from './onset';
import { computeRms } from './rms';
import { computeSpectralRolloff } from './rolloff';
import type { FeatureRecipe, RecipeId } from './spec';
import { computeSpectra, fftFrequenciesHz, inverseStftMasked, type PadMode, type Stft } from './stft';
import { meanVar } from './stats';
import { workArray } from './workArrays';
import { beatTrackTempoBpm, estimateTempoBpm } from './tempo';
import { computeZcr } from './zcr';
import { MEYDA_FEATURE_NAMES, extractMeydaSegment } from './meydaRecipe';

export const SAMPLE_RATE_HZ = 22050;
const N_FFT = 2048;
const HOP = 512;

function kaggleFeatureNames(): string[] {
  const names = [
    'chroma_stft_mean', 'chroma_stft_var', 'rms_mean', 'rms_var', 'spectral_centroid_mean', 'spectral_centroid_var',
    'spectral_bandwidth_mean', 'spectral_bandwidth_var', 'rolloff_mean', 'rolloff_var', 'zero_crossing_rate_mean',
    'zero_crossing_rate_var', 'harmony_mean', 'harmony_var', 'perceptr_mean', 'perceptr_var', 'tempo',
  ];
  for (let i = 1; i <= 20; i++) names.push(`mfcc${i}_mean`, `mfcc${i}_var`);
  return names;
}

function ntnuFeatureNames(): string[] {
  const names = [
    'zero_cross_rate_mean', 'zero_cross_rate_std', 'rmse_mean', 'rmse_var', 'spectral_centroid_mean', 'spectral_centroid_var',
    'spectral_bandwidth_mean', 'spectral_bandwidth_var', 'spectral_rolloff_mean', 'spectral_rolloff_var',
    'spectral_contrast_mean', 'spectral_contrast_var', 'spectral_flatness_mean', 'spectral_flatness_var',
  ];
  for (let i = 1; i <= 12; i++) names.push(`chroma_stft_${i}_mean`);
  for (let i = 1; i <= 12; i++) names.push(`chroma_stft_${i}_std`);
  names.push('tempo');
  for (let i = 1; i <= 12; i++) names.push(`mfcc_${i}_mean`);
  for (let i = 1; i <= 12; i++) names.push(`mfcc_${i}_std`);
  return names;
}

/** Kaggle feature columns (57), in features_30_sec.csv order. */
export const KAGGLE_FEATURE_NAMES: readonly string[] = Object.freeze(kaggleFeatureNames());
/** NTNU feature columns (63), in GenreClassData_*.txt order. */
export const NTNU_FEATURE_NAMES: readonly string[] = Object.freeze(ntnuFeatureNames());

const base = { sampleRateHz: SAMPLE_RATE_HZ, nFft: N_FFT, hopSamples: HOP } as const;

/** Every recipe's spec. */
export const RECIPES: Readonly<Record<RecipeId, FeatureRecipe>> = {
  kaggle30: {
    ...base, id: 'kaggle30', version: 1, table: 'kaggle', featureNames: KAGGLE_FEATURE_NAMES, segmentSamples: null,
    segmentStrideSamples: null, maxSegments: 1, maxSamples: null, padMode: 'reflect',
    description: 'features_30_sec.csv: whole clip, reflect padding, HPSS, beat_track tempo, 20 MFCC (mean/var)',
  },
  kaggle3: {
    // RECIPES.md: segment k = samples [k·66150, k·66150 + 66149); the whole kaggle30 recipe per segment.
    // Reflect padding, as RECIPES.md says (librosa-reference.json's params label kaggle3s
    // 'constant', but measured on features_3_sec: reflect matches to ~1e-7 with 300/300 tempi,
    // zero padding is off by ~1e-2 with 274/300).
    ...base, id: 'kaggle3', version: 1, table: 'kaggle', featureNames: KAGGLE_FEATURE_NAMES, segmentSamples: 66149,
    segmentStrideSamples: 66150, maxSegments: 10, maxSamples: null, padMode: 'reflect',
    description: 'features_3_sec.csv: ten 3 s windows, each with the kaggle30 recipe',
  },
  ntnu30: {
    ...base, id: 'ntnu30', version: 1, table: 'ntnu', featureNames: NTNU_FEATURE_NAMES, segmentSamples: null,
    segmentStrideSamples: null, maxSegments: 1, maxSamples: 661500, padMode: 'constant',
    description: 'GenreClassData_30s.txt: first 30.0 s, zero padding, feature.tempo, 12 MFCC (mean/std)',
  },
  ntnu10: {
    ...base, id: 'ntnu10', version: 1, table: 'ntnu', featureNames: NTNU_FEATURE_NAMES, segmentSamples: 220500,
    segmentStrideSamples: 220500, maxSegments: 3, maxSamples: 661500, padMode: 'constant',
    description: 'GenreClassData_10s.txt: three 10 s windows, ntnu30 recipe each',
  },
  ntnu5: {
    ...base, id: 'ntnu5', version: 1, table: 'ntnu', featureNames: NTNU_FEATURE_NAMES, segmentSamples: 110250,
    segmentStrideSamples: 110250, maxSegments: 6, maxSamples: 661500, padMode: 'constant',
    description: 'NTNU 5 s table layout: six 5 s windows, ntnu30 recipe each (no published copy to verify against)',
  },
  meyda: {
    ...base, id: 'meyda', version: 1, table: 'meyda', featureNames: MEYDA_FEATURE_NAMES, segmentSamples: 66150,
    segmentStrideSamples: 66150, maxSegments: null, maxSamples: null, padMode: 'constant',
    description: "Meyda's own per-frame features (2048-sample frames, hop 512), mean/std per 3 s segment",
  },
};

export function getRecipe(id: string): FeatureRecipe {
  const r = (RECIPES as Record<string, FeatureRecipe | undefined>)[id];
  if (!r) throw new LabError('bad-argument', `Unknown recipe "${id}" — choose one of ${Object.keys(RECIPES).join(', ')}`, { recipe: id });
  return r;
}

/** Intermediate results shared by the feature families of one segment. */
interface Analysis {
  /** The complex STFT: only kept for the Kaggle recipes, whose HPSS parts are inverted. */
  stft: Stft | null;
  power: Float64Array;
  mag: Float64Array;
  /** Largest power per frame (for the tuning estimate). */
  powerFrameMax: Float64Array;
  nFrames: number;
  nBins: number;
  freqs: Float64Array;
}

/**
 * Time per named stage in ms, summed over segments (bench/extractStages.ts prints it), read from
 * `clock` (performance.now unless the caller passes e.g. a process-CPU clock). Only filled when a
 * caller asks, so extraction itself pays for no clock reads.
 */
export interface StageTimes {
  ms: Record<string, number>;
  clock?: () => number;
}

function timed<T>(times: StageTimes | undefined, stage: string, fn: () => T): T {
  if (!times) return fn();
  const clock = times.clock ?? (() => performance.now());
  const t0 = clock();
  const r = fn();
  times.ms[stage] = (times.ms[stage] ?? 0) + clock() - t0;
  return r;
}

function analyse(y: Float32Array, padMode: PadMode, keepComplex: boolean, times?: StageTimes): Analysis {
  // one framing, one FFT per frame, |X|² and |X| while each frame is in cache (stft.ts)
  const sp = timed(times, 'stft+power+magnitude', () => computeSpectra(y, { padMode, nFft: N_FFT, hopSamples: HOP, keepComplex, pooled: true }));
  return { stft: sp.stft, power: sp.power, mag: sp.magnitude, powerFrameMax: sp.powerFrameMax, nFrames: sp.nFrames, nBins: sp.nBins, freqs: fftFrequenciesHz(SAMPLE_RATE_HZ, N_FFT) };
}

/** Mel dB (frame-major nFrames × 128) in a work array: converted to dB in place. */
function melDbOf(power: Float64Array, nFrames: number): Float64Array {
  const fb = getMelFilterbank(SAMPLE_RATE_HZ, N_FFT, 128);
  const mel = applyMelFilterbank(power, nFrames, fb, workArray('recipe.melDb', nFrames * 128, false));
  return powerToDb(mel, {}, mel);
}

export interface SegmentContext {
  cancel?: CancelToken;
  /** Stage progress inside this segment, 0..1. */
  onStage?: (fraction: number) => void;
  /** When given, each stage's time is added to it (profiling only). */
  stageTimes?: StageTimes;
}

/** The 57 Kaggle features of one segment (kaggle30 / kaggle3). */
export function extractKaggleSegment(y: Float32Array, padMode: PadMode, ctx: SegmentContext = {}): Float64Array {
  const out = new Float64Array(KAGGLE_FEATURE_NAMES.length);
  const st = ctx.stageTimes;
  const a = analyse(y, padMode, true, st);
  const { nFrames, nBins, power, mag, freqs } = a;
  ctx.onStage?.(0.1);
  throwIfCancelled(ctx.cancel);
  const tuning = timed(st, 'tuning', () => estimateTuning(power, nFrames, nBins, SAMPLE_RATE_HZ, N_FFT, a.powerFrameMax));
  const chroma = timed(st, 'chroma', () => applyChroma(power, nFrames, chromaFilterbank(SAMPLE_RATE_HZ, N_FFT, tuning)));
  [out[0], out[1]] = meanVar(chroma);
  [out[2], out[3]] = timed(st, 'rms', () => meanVar(computeRms(y, padMode)));
  const sums = new Float64Array(nFrames); // Σ|X| per frame: summed once, read by all three
  const centroid = timed(st, 'centroid', () => computeSpectralCentroid(mag, nFrames, nBins, freqs, sums));
  [out[4], out[5]] = meanVar(centroid);
  [out[6], out[7]] = timed(st, 'bandwidth', () => meanVar(computeSpectralBandwidth(mag, nFrames, nBins, freqs, centroid, sums)));
  [out[8], out[9]] = timed(st, 'rolloff', () => meanVar(computeSpectralRolloff(mag, nFrames, nBins, freqs, 0.85, sums)));
  [out[10], out[11]] = timed(st, 'zcr', () => meanVar(computeZcr(y)));
  ctx.onStage?.(0.25);
  throwIfCancelled(ctx.cancel);
  // HPSS → inverse STFT of each part (no target length), zero-padded to len(y)
  const harmonicMask = timed(st, 'hpss', () => computeHarmonicMask(mag, nFrames, nBins, 31, {
    harmonic: workArray('recipe.harmonicMask', mag.length, false),
    percussive: workArray('recipe.percussiveMask', mag.length, false),
  }));
  ctx.onStage?.(0.7);
  throwIfCancelled(ctx.cancel);
  const yh = timed(st, 'istft', () => inverseStftMasked(a.stft as Stft, harmonicMask, true));
  // The two masks sum to 1 in every cell, and istft(stft(y)) = y on the whole output, so
  // istft(S·Mp) = y − istft(S·Mh) to rounding (~1e−16 of the signal): one inverse STFT, not two,
  // and the percussive signal is never stored: its statistics are taken from y − yh directly.
  [out[12], out[13], out[14], out[15]] = timed(st, 'istft', () => meanVarPaddedHarmonicPercussive(yh, y));
  ctx.onStage?.(0.85);
  throwIfCancelled(ctx.cancel);
  const melDb = timed(st, 'mel', () => melDbOf(power, nFrames));
  // The onset envelope uses the same (reflect-padded) mel dB: the published tables come from an
  // older librosa whose default pad mode was reflect everywhere. Measured on the 3 s table:
  // reflect-padded onsets reproduce 300/300 tempo values, zero-padded (0.10.1 default) 274/300.
  const onset = timed(st, 'onset', () => computeOnsetStrength(melDb, nFrames, 128, 'median', N_FFT, HOP));
  out[16] = timed(st, 'tempo', () => beatTrackTempoBpm(onset, SAMPLE_RATE_HZ, HOP));
  const mfcc = timed(st, 'mfcc', () => computeMfcc(melDb, nFrames, 128, 20));
  for (let c = 0; c < 20; c++) [out[17 + 2 * c], out[18 + 2 * c]] = meanVar(mfcc, c, 20, nFrames);
  ctx.onStage?.(1);
  return out;
}

/**
 * Mean/var of the harmonic part h zero-padded (or cut) to len(y) (librosa.util.fix_length), and
 * of the percussive part y − h likewise, without storing y − h. The two parts' sums are taken in
 * one pass and their squared deviations in another, side by side: each accumulator sees the same
 * operations in the same order as separate passes would (two independent chains, half the passes).
 */
function meanVarPaddedHarmonicPercussive(h: Float64Array, y: Float32Array): [number, number, number, number] {
  const length = y.length;
  if (length <= 0) return [0, 0, 0, 0];
  const n = Math.min(h.length, length);
  let sh = 0;
  let sp = 0;
  for (let i = 0; i < n; i++) {
    const x = h[i] as number;
    sh += x;
    sp += (y[i] as number) - x;
  }
  const mh = sh / length;
  const mp = sp / length;
  let vh = 0;
  let vp = 0;
  for (let i = 0; i < n; i++) {
    const x = h[i] as number;
    const dh = x - mh;
    vh += dh * dh;
    const dp = (y[i] as number) - x - mp;
    vp += dp * dp;
  }
  vh += (length - n) * mh * mh;
  vp += (length - n) * mp * mp;
  return [mh, vh / length, mp, vp / length];
}

/** The 63 NTNU features of one segment (ntnu30 / ntnu10 / ntnu5); every *_var is a std. */
export function extractNtnuSegment(y: Float32Array, ctx: SegmentContext = {}): Float64Array {
  const out = new Float64Array(NTNU_FEATURE_NAMES.length);
  const st = ctx.stageTimes;
  const a = analyse(y, 'constant', false, st);
  const { nFrames, nBins, power, mag, freqs } = a;
  throwIfCancelled(ctx.cancel);
  const std = (mv: [number, number]): [number, number] => [mv[0], Math.sqrt(mv[1])];
  [out[0], out[1]] = timed(st, 'zcr', () => std(meanVar(computeZcr(y))));
  [out[2], out[3]] = timed(st, 'rms', () => std(meanVar(computeRms(y, 'constant'))));
  const sums = new Float64Array(nFrames); // Σ|X| per frame: summed once, read by all three
  const centroid = timed(st, 'centroid', () => computeSpectralCentroid(mag, nFrames, nBins, freqs, sums));
  [out[4], out[5]] = std(meanVar(centroid));
  [out[6], out[7]] = timed(st, 'bandwidth', () => std(meanVar(computeSpectralBandwidth(mag, nFrames, nBins, freqs, centroid, sums))));
  [out[8], out[9]] = timed(st, 'rolloff', () => std(meanVar(computeSpectralRolloff(mag, nFrames, nBins, freqs, 0.85, sums))));
  [out[10], out[11]] = timed(st, 'contrast', () => std(meanVar(computeSpectralContrast(mag, nFrames, nBins, freqs, SAMPLE_RATE_HZ))));
  [out[12], out[13]] = timed(st, 'flatness', () => std(meanVar(computeSpectralFlatness(power, nFrames, nBins))));
  ctx.onStage?.(0.4);
  throwIfCancelled(ctx.cancel);
  const tuning = timed(st, 'tuning', () => estimateTuning(power, nFrames, nBins, SAMPLE_RATE_HZ, N_FFT, a.powerFrameMax));
  const chroma = timed(st, 'chroma', () => applyChroma(power, nFrames, chromaFilterbank(SAMPLE_RATE_HZ, N_FFT, tuning)));
  for (let c = 0; c < 12; c++) [out[14 + c], out[26 + c]] = std(meanVar(chroma, c, 12, nFrames));
  ctx.onStage?.(0.7);
  const melDb = timed(st, 'mel', () => melDbOf(power, nFrames));
  const onset = timed(st, 'onset', () => computeOnsetStrength(melDb, nFrames, 128, 'mean', N_FFT, HOP));
  out[38] = timed(st, 'tempo', () => estimateTempoBpm(onset, SAMPLE_RATE_HZ, HOP));
  const mfcc = timed(st, 'mfcc', () => computeMfcc(melDb, nFrames, 128, 12));
  for (let c = 0; c < 12; c++) [out[39 + c], out[51 + c]] = std(meanVar(mfcc, c, 12, nFrames));
  ctx.onStage?.(1);
  return out;
}

export interface SegmentBounds {
  startSample: number;
  lengthSamples: number;
}

/** Where each segment of a clip of `nSamples` lies under `spec`. */
export function segmentBounds(spec: FeatureRecipe, nSamples: number): SegmentBounds[] {
  const usable = spec.maxSamples === null ? nSamples : Math.min(nSamples, spec.maxSamples);
  if (spec.segmentSamples === null) return usable > 0 ? [{ startSample: 0, lengthSamples: usable }] : [];
  const stride = spec.segmentStrideSamples ?? spec.segmentSamples;
  const out: SegmentBounds[] = [];
  for (let k = 0; k * stride + spec.segmentSamples <= usable; k++) {
    if (spec.maxSegments !== null && k >= spec.maxSegments) break;
    out.push({ startSample: k * stride, lengthSamples: spec.segmentSamples });
  }
  return out;
}

export interface ExtractOptions {
  /** Overall progress 0..1. */
  onProgress?: (fraction: number) => void;
  cancel?: CancelToken;
  /** When given, per-stage times (ms) are added to it; see {@link StageTimes}. */
  stageTimes?: StageTimes;
}

export interface ExtractResult {
  recipe: RecipeId;
  spec: FeatureRecipe;
  featureNames: string[];
  /** One row per segment, in featureNames order. */
  segments: Float64Array[];
  /** Samples in each segment (Kaggle's `length` column). */
  segmentLengths: number[];
}

/** Minimum audio for whole-clip recipes: one full analysis frame. */
const MIN_SAMPLES = N_FFT;

/**
 * Extract a recipe's features from mono audio at 22 050 Hz.
 * @param samples mono float32 samples in [−1, 1) (librosa.load scaling)
 * @param sampleRateHz must be 22 050 (resample first: decodeNode / OfflineAudioContext)
 */
export function extractRecipe(samples: Float32Array, sampleRateHz: number, recipeId: RecipeId | string, opts: ExtractOptions = {}): ExtractResult {
  const spec = getRecipe(recipeId);
  if (sampleRateHz !== spec.sampleRateHz)
    throw new LabError('bad-argument', `Audio must be resampled to ${spec.sampleRateHz} Hz before extraction (got ${sampleRateHz} Hz).`, { sampleRateHz });
  const bounds = segmentBounds(spec, samples.length);
  if (bounds.length === 0 || (spec.segmentSamples === null && samples.length < MIN_SAMPLES)) {
    const need = spec.segmentSamples ?? MIN_SAMPLES;
    throw new LabError('audio-too-short', `The ${spec.id} recipe needs at least ${(need / spec.sampleRateHz).toFixed(3)} s of audio (${need} samples at ${spec.sampleRateHz} Hz); this clip has ${samples.length} samples (${(samples.length / spec.sampleRateHz).toFixed(3)} s).`, { samples: samples.length, need });
  }
  const segments: Float64Array[] = [];
  const lengths: number[] = [];
  for (let s = 0; s < bounds.length; s++) {
    throwIfCancelled(opts.cancel);
    const b = bounds[s] as SegmentBounds;
    const y = samples.subarray(b.startSample, b.startSample + b.lengthSamples);
    const ctx: SegmentContext = { cancel: opts.cancel, stageTimes: opts.stageTimes, onStage: opts.onProgress ? (f) => opts.onProgress?.((s + f) / bounds.length) : undefined };
    let row: Float64Array;
    if (spec.table === 'kaggle') row = extractKaggleSegment(y, spec.padMode, ctx);
    else if (spec.table === 'ntnu') row = extractNtnuSegment(y, ctx);
    else row = extractMeydaSegment(y, spec.sampleRateHz);
    segments.push(row);
    lengths.push(b.lengthSamples);
    opts.onProgress?.((s + 1) / bounds.length);
  }
  return { recipe: spec.id, spec, featureNames: [...spec.featureNames], segments, segmentLengths: lengths };
}

/** Version of a known feature recipe, or null for tables of unknown origin (saved with every model). */
export function recipeVersionOf(recipe: string | null | undefined): string | null {
  const spec = recipe ? (RECIPES as Readonly<Record<string, FeatureRecipe | undefined>>)[recipe] : undefined;
  return spec ? String(spec.version) : null;
}
