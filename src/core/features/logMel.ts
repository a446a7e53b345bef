/**
 * Log-mel spectrogram of one clip, the CNN's input: librosa's
 * `power_to_db(melspectrogram(y, sr, n_fft=2048, hop_length=512, n_mels=128), ref=np.max, top_db=80)`
 * built from the lab's librosa-exact STFT framing ({@link StftFramer}), Slaney mel filterbank
 * ({@link getMelFilterbank}) and dB conversion ({@link powerToDb}).
 *
 * Pad mode: the default is 'constant' (zeros), which is what `librosa.feature.melspectrogram`
 * does in 0.10 when called with its defaults — the way CNN-on-GTZAN code computes spectrograms.
 * The Kaggle feature tables used 'reflect' (../shared/RECIPES.md); with a 30 s clip only frames
 * 0 and 1 differ between the two (../shared/fixtures/README.md), so the choice matters little,
 * but it is recorded in the options so a model's input spec can say which one it was trained on.
 */
import { LabError } from '../errors';
import { powerToDb } from './db';
import { applyMelFilterbank, getMelFilterbank } from './mel';
import { DEFAULT_HOP_SAMPLES, DEFAULT_N_FFT, StftFramer, type PadMode } from './stft';
import { workArray } from './workArrays';

/** Mel band counts offered to the CNN (128 is librosa's default). */
export const LOG_MEL_BANDS = [64, 96, 128] as const;
export type LogMelBands = (typeof LOG_MEL_BANDS)[number];

export interface LogMelOptions {
  /** Sample rate of `y` in Hz; default 22 050. */
  sampleRateHz?: number;
  /** Number of Slaney mel bands (64, 96 or 128); default 128. */
  nBands?: LogMelBands;
  /** STFT centre padding; default 'constant' (librosa 0.10's melspectrogram default). */
  padMode?: PadMode;
  /**
   * power_to_db's `ref`: 'max' (ref=np.max: 0 dB at the clip's loudest bin) or a fixed power
   * (ref=1.0 gives absolute dB, as in the fixtures); default 'max'.
   */
  ref?: 'max' | number;
  /** Floor at (max − topDb) dB over the whole clip; default 80. */
  topDb?: number;
}

export interface LogMel {
  /** dB values, band-major nBands × nFrames: band b of frame t is at `b * nFrames + t`. */
  db: Float32Array;
  nBands: number;
  nFrames: number;
  /** The options used, with defaults filled in (to save with a model's input spec). */
  options: Required<LogMelOptions>;
}

/** Log-mel matrix of one mono clip (n_fft 2048, hop 512, centred). Frames: 1 + ⌊len / 512⌋. */
export function computeLogMel(y: ArrayLike<number>, opts: LogMelOptions = {}): LogMel {
  const options: Required<LogMelOptions> = {
    sampleRateHz: opts.sampleRateHz ?? 22050,
    nBands: opts.nBands ?? 128,
    padMode: opts.padMode ?? 'constant',
    ref: opts.ref ?? 'max',
    topDb: opts.topDb ?? 80,
  };
  if (!(LOG_MEL_BANDS as readonly number[]).includes(options.nBands))
    throw new LabError('bad-argument', `Mel bands must be one of ${LOG_MEL_BANDS.join(', ')}, got ${options.nBands}.`);
  if (options.ref !== 'max' && !(options.ref > 0)) throw new LabError('bad-argument', `The dB reference must be 'max' or a positive power, got ${options.ref}.`);
  if (!(options.topDb > 0)) throw new LabError('bad-argument', `top_db must be positive, got ${options.topDb}.`);
  if (y.length === 0) throw new LabError('audio-too-short', 'The clip is empty: a log-mel spectrogram needs at least one sample.');
  // One frame at a time: FFT → |X|² → mel bands while the 1025 bins are in cache, written
  // band-major straight away. No spectrogram-sized matrix is ever made: the browser spent most of
  // a Classify's log-mel (~400 ms of ~450 under load) filling two fresh 10.6 MB arrays (power and
  // an unused magnitude) page by page. Same arithmetic, in the same order, as
  // computeStft → powerSpectrogram → applyMelFilterbank, so the same numbers.
  const framer = new StftFramer(y, options.padMode, DEFAULT_N_FFT, DEFAULT_HOP_SAMPLES);
  const { nFrames, nBins } = framer;
  const nBands = options.nBands;
  const fb = getMelFilterbank(options.sampleRateHz, DEFAULT_N_FFT, nBands);
  const re = new Float64Array(nBins);
  const im = new Float64Array(nBins);
  const power = new Float64Array(nBins);
  const melFrame = new Float64Array(nBands);
  const mel = workArray('logMel.mel', nBands * nFrames, false); // band-major; every element written below
  for (let t = 0; t < nFrames; t++) {
    framer.transform(t, re, im, 0);
    for (let k = 0; k < nBins; k++) {
      const a = re[k] as number;
      const b = im[k] as number;
      power[k] = a * a + b * b;
    }
    applyMelFilterbank(power, 1, fb, melFrame);
    for (let b = 0; b < nBands; b++) mel[b * nFrames + t] = melFrame[b] as number;
  }
  // ref=np.max: librosa takes the maximum of the (non-negative) mel power itself as the reference.
  let ref = options.ref === 'max' ? 0 : options.ref;
  if (options.ref === 'max') for (let i = 0; i < mel.length; i++) if ((mel[i] as number) > ref) ref = mel[i] as number;
  // power_to_db is elementwise (its top_db floor uses the global max), so the layout does not matter
  const db = new Float32Array(powerToDb(mel, { ref, amin: 1e-10, topDb: options.topDb }, mel));
  return { db, nBands, nFrames, options };
}

/** A log-mel matrix stored as bytes over its top 80 dB (for caching). */
export interface QuantisedLogMel {
  bytes: Uint8Array;
  /** The matrix's maximum in dB: byte 255 means maxDb, byte 0 means maxDb − rangeDb. */
  maxDb: number;
  rangeDb: number;
  nBands: number;
  nFrames: number;
}

/**
 * uint8 quantisation over [max − 80, max] dB: q = round((db − (max − 80)) / 80 · 255), values below
 * the range clamped to 0. After the top_db 80 floor nothing is below, so the error is at most
 * half a step, 80 / 255 / 2 ≈ 0.157 dB.
 */
export function quantiseLogMel(m: Pick<LogMel, 'db' | 'nBands' | 'nFrames'>, rangeDb = 80): QuantisedLogMel {
  let maxDb = -Infinity;
  for (let i = 0; i < m.db.length; i++) if ((m.db[i] as number) > maxDb) maxDb = m.db[i] as number;
  if (!Number.isFinite(maxDb)) throw new LabError('bad-argument', 'Cannot quantise an empty or non-finite log-mel matrix.');
  const floor = maxDb - rangeDb;
  const bytes = new Uint8Array(m.db.length);
  for (let i = 0; i < bytes.length; i++) {
    const q = Math.round((((m.db[i] as number) - floor) / rangeDb) * 255);
    bytes[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return { bytes, maxDb, rangeDb, nBands: m.nBands, nFrames: m.nFrames };
}

/** Back to dB: maxDb − rangeDb + q / 255 · rangeDb. */
export function dequantiseLogMel(q: QuantisedLogMel): Float32Array {
  const floor = q.maxDb - q.rangeDb;
  const out = new Float32Array(q.bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = floor + ((q.bytes[i] as number) / 255) * q.rangeDb;
  return out;
}
