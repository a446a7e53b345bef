/**
 * Spectrogram sets: one log-mel matrix per track, the CNN's data (the feature-row models' Dataset
 * has one row per segment instead). Matrices are stored quantised to uint8 over their top 80 dB
 * (features/logMel.ts: error ≤ 80 / 255 / 2 ≈ 0.157 dB), a quarter of float32: 1000 GTZAN tracks
 * × 128 bands × 1292 frames are 165 MB instead of 660 MB, which is what lets a worker hold a
 * whole set and draw training crops from it on the fly.
 *
 * Splits are by track like every other model's: {@link trackTable} presents the set as a Dataset
 * with one row per track (no features), so split.ts's seeded, genre-stratified splits and k-fold
 * apply unchanged and a row index is a track index.
 */
import { inferTrackName } from '../audio/naming';
import { LabError, reasonWithoutFileName, toErrorInfo, type CancelToken, throwIfCancelled } from '../errors';
import { computeLogMel, dequantiseLogMel, quantiseLogMel, type LogMelBands, type LogMelOptions, type QuantisedLogMel } from '../features/logMel';
import type { PadMode } from '../features/stft';
import { DEFAULT_HOP_SAMPLES, DEFAULT_N_FFT } from '../features/stft';
import type { Dataset } from './dataset';
import type { Split } from './split';

/** The log-mel parameters every matrix of a set was made with (a spectrogram InputSpec's, less the crop length). */
export interface LogMelParams {
  sampleRateHz: number;
  nFft: number;
  hopSamples: number;
  /** STFT centre padding (features/logMel.ts: 'constant' is librosa 0.10's melspectrogram default). */
  padMode: PadMode;
  /** Slaney mel bands: 64, 96 or 128. */
  nBands: number;
  /** power_to_db's ref: 0 dB at each clip's loudest bin. */
  ref: 'max';
  topDb: number;
}

/**
 * Where a track's matrix came from: the file, and the source part of its cache key (the file's
 * SHA-256, or a demo clip's formula key). A project can name a set by these instead of embedding it.
 */
export interface TrackSource {
  file: string;
  key: string;
}

export interface SpectrogramTrack {
  /** GTZAN id (`jazz.00012`) or the file's stem. */
  trackId: string;
  /** Index into the set's genres. */
  label: number;
  /** Band-major nBands × nFrames, uint8 over [maxDb − 80, maxDb]. */
  mel: QuantisedLogMel;
  /** Known when the browser built it from cached files (the CLI's sets have none). */
  source?: TrackSource;
}

export interface SpectrogramSet {
  /** Tells a spectrogram set from a feature Dataset where either is accepted. */
  kind: 'spectrograms';
  name: string;
  genres: string[];
  tracks: SpectrogramTrack[];
  params: LogMelParams;
  /** Files that could not be read, named with the reason (the rest of the set is usable). */
  failed: { file: string; error: string }[];
}

export function isSpectrogramSet(x: unknown): x is SpectrogramSet {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'spectrograms';
}

export interface SpectrogramSetOptions {
  nBands?: LogMelBands;
  /** Genres the set must have (default 2, to train on; 1 for new songs to evaluate a model on). */
  minGenres?: number;
  padMode?: PadMode;
  name?: string;
  cancel?: CancelToken;
  /** After each file: how many are done, and the file's error when it failed. */
  onFile?: (done: number, total: number, file: string, error?: string) => void;
}

/** Decoded mono audio of one file. */
export interface ClipAudio {
  samples: Float32Array;
  sampleRateHz: number;
}

/** The log-mel parameters of a set built with `o` (librosa: n_fft 2048, hop 512, ref max, top_db 80). */
export function logMelParamsFor(o: Pick<SpectrogramSetOptions, 'nBands' | 'padMode'> = {}): LogMelParams {
  return { sampleRateHz: 22050, nFft: DEFAULT_N_FFT, hopSamples: DEFAULT_HOP_SAMPLES, padMode: o.padMode ?? 'constant', nBands: o.nBands ?? 128, ref: 'max', topDb: 80 };
}

/**
 * One clip's matrix as a set stores it: the log-mel of mono `samples` at the set's rate, quantised
 * to uint8. The CLI's builder and the browser's extraction workers both call this, so a set made
 * either way holds the same bytes.
 */
export function quantisedLogMelOf(samples: ArrayLike<number>, params: LogMelParams): QuantisedLogMel {
  return quantiseLogMel(computeLogMel(samples, logMelOptionsFor(params)));
}

/** A set's log-mel parameters as computeLogMel's options (the extraction worker's 'log-mel' mode takes these). */
export function logMelOptionsFor(params: LogMelParams): LogMelOptions {
  return { sampleRateHz: params.sampleRateHz, nBands: params.nBands as LogMelBands, padMode: params.padMode, ref: params.ref, topDb: params.topDb };
}

/**
 * A file's track id and genre from its name (`genre.NNNNN.wav`) or folder (`genres_original/<genre>/`),
 * checked before its audio is read: no genre, or a track already in the set, is a LabError.
 */
export function spectrogramTrackName(file: string, seen: ReadonlySet<string>): { trackId: string; genre: string } {
  const name = inferTrackName(file);
  if (!name.genre) throw new LabError('bad-argument', 'no genre in its name (genre.NNNNN.wav) or folder (genres_original/<genre>/).');
  if (seen.has(name.trackId)) throw new LabError('bad-argument', `track ${name.trackId} appears twice; a track may be in the set once.`);
  return { trackId: name.trackId, genre: name.genre };
}

/** A track's matrix before labels are assigned (genres are numbered once all tracks are known). */
export interface NamedLogMel {
  trackId: string;
  genre: string;
  mel: QuantisedLogMel;
  source?: TrackSource;
}

/**
 * The set from its tracks' matrices, in the given order: genres sorted, labels their indices. Fewer
 * than `minGenres` genres (2 to train on; 1 for a folder of new songs a model is evaluated on) is a
 * LabError that counts the failed files (often the real cause).
 */
export function assembleSpectrogramSet(rows: readonly NamedLogMel[], failed: SpectrogramSet['failed'], params: LogMelParams, name?: string, minGenres = 2): SpectrogramSet {
  const genres = [...new Set(rows.map((r) => r.genre))].sort();
  if (genres.length < Math.max(1, minGenres))
    throw new LabError(
      'single-genre',
      `A spectrogram set ${minGenres > 1 ? 'to train on needs tracks of at least two genres' : 'needs at least one labelled track'}; ${rows.length} file(s) gave ${genres.length ? `only ${genres[0]}` : 'none'}${failed.length ? ` (${failed.length} failed)` : ''}.`,
    );
  return {
    kind: 'spectrograms',
    name: name ?? `${rows.length} clips`,
    genres,
    tracks: rows.map((r) => ({ trackId: r.trackId, label: genres.indexOf(r.genre), mel: r.mel, ...(r.source ? { source: r.source } : {}) })),
    params,
    failed,
  };
}

/**
 * Where a clip the student labels with `genre` (a microphone recording) stands among a set's
 * files: `<genre>/<file>`, as in a dropped `genres_original/<genre>/` folder, so it is named by
 * the same rule as every other track ({@link spectrogramTrackName}).
 */
export function labelledClipPath(fileName: string, genre: string): string {
  const g = genre.trim();
  if (!g || /[\\/]/.test(g)) throw new LabError('bad-argument', `"${genre}" is not a genre name: type a genre (for example jazz), without slashes.`);
  return `${g}/${fileName.split(/[\\/]/).pop() ?? fileName}`;
}

/**
 * `set` with more tracks, assembled as the builder assembles ({@link assembleSpectrogramSet}: genres
 * sorted, labels renumbered when a genre is new; the set's name and failed files kept). A track id
 * already in the set, or a matrix made with another band count, is a LabError. `set` is not changed.
 */
export function addTracksToSpectrogramSet(set: SpectrogramSet, rows: readonly NamedLogMel[]): SpectrogramSet {
  const ids = new Set(set.tracks.map((t) => t.trackId));
  for (const r of rows) {
    if (r.mel.nBands !== set.params.nBands)
      throw new LabError('spec-mismatch', `${r.trackId}: its spectrogram has ${r.mel.nBands} mel bands but the set's have ${set.params.nBands}; compute it with the set's settings.`);
    if (ids.has(r.trackId)) throw new LabError('bad-argument', `${r.trackId}: track ${r.trackId} appears twice; a track may be in the set once.`);
    ids.add(r.trackId);
  }
  // Each track keeps its source, so a project can still name it by file instead of embedding it.
  const old: NamedLogMel[] = set.tracks.map((t) => ({ trackId: t.trackId, genre: set.genres[t.label] as string, mel: t.mel, ...(t.source ? { source: t.source } : {}) }));
  return assembleSpectrogramSet([...old, ...rows], set.failed, set.params, set.name);
}

/**
 * `set` with one more track: `fileName` (a microphone recording, say) labelled `genre`, whose
 * log-mel matrix is `mel` — the set it would be had the file been in a `<genre>/` folder when
 * the set was built ({@link labelledClipPath}, {@link addTracksToSpectrogramSet}).
 */
export function addTrackToSpectrogramSet(set: SpectrogramSet, fileName: string, genre: string, mel: QuantisedLogMel): SpectrogramSet {
  const name = spectrogramTrackName(labelledClipPath(fileName, genre), new Set());
  return addTracksToSpectrogramSet(set, [{ ...name, mel }]);
}

/**
 * Build a set from audio files, one at a time (only one clip's samples are held at once): each
 * file is read by `read`, its log-mel matrix computed (librosa: n_fft 2048, hop 512, ref max,
 * top_db 80) and quantised. A file that cannot be read is named in `failed` and skipped; the
 * genre and track id come from the name (`genre.NNNNN.wav`) or the folder (`genres_original/<genre>/`).
 */
export async function buildSpectrogramSet(files: readonly string[], read: (file: string) => Promise<ClipAudio>, o: SpectrogramSetOptions = {}): Promise<SpectrogramSet> {
  const params = logMelParamsFor(o);
  const rows: NamedLogMel[] = [];
  const failed: SpectrogramSet['failed'] = [];
  const seen = new Set<string>();
  for (const [i, file] of files.entries()) {
    throwIfCancelled(o.cancel);
    const base = file.split(/[\\/]/).pop() ?? file;
    try {
      const name = spectrogramTrackName(file, seen);
      const audio = await read(file);
      if (audio.sampleRateHz !== params.sampleRateHz)
        throw new LabError('spec-mismatch', `decoded at ${audio.sampleRateHz} Hz; spectrograms are computed at ${params.sampleRateHz} Hz.`);
      rows.push({ ...name, mel: quantisedLogMelOf(audio.samples, params) });
      seen.add(name.trackId);
      o.onFile?.(i + 1, files.length, file);
    } catch (e) {
      const error = reasonWithoutFileName(toErrorInfo(e).message, base);
      failed.push({ file, error });
      o.onFile?.(i + 1, files.length, file, error);
    }
  }
  return assembleSpectrogramSet(rows, failed, params, o.name, o.minGenres);
}

/** Frames of a clip of `durationSec` under `params` (centred STFT: 1 + ⌊samples / hop⌋). */
export function framesForDuration(durationSec: number, params: Pick<LogMelParams, 'sampleRateHz' | 'hopSamples'>): number {
  return 1 + Math.floor(Math.round(durationSec * params.sampleRateHz) / params.hopSamples);
}

/** Bytes of a set's matrices (one byte per band per frame). */
export function spectrogramSetBytes(set: Pick<SpectrogramSet, 'tracks'>): number {
  return set.tracks.reduce((a, t) => a + t.mel.bytes.length, 0);
}

/** What the UI says about a set: no matrices, so it fits in the lab's saved state. */
export interface SpectrogramSetSummary {
  name: string;
  tracks: number;
  genres: string[];
  nBands: number;
  /** Total audio covered, from the frame counts ((frames − 1) · hop / sr per track). */
  durationSec: number;
  /** Bytes of the matrices (uint8). */
  bytes: number;
  failed: SpectrogramSet['failed'];
}

export function summariseSpectrogramSet(set: SpectrogramSet): SpectrogramSetSummary {
  const hopSec = set.params.hopSamples / set.params.sampleRateHz;
  return {
    name: set.name,
    tracks: set.tracks.length,
    genres: [...set.genres],
    nBands: set.params.nBands,
    durationSec: set.tracks.reduce((a, t) => a + (t.mel.nFrames - 1) * hopSec, 0),
    bytes: spectrogramSetBytes(set),
    failed: set.failed,
  };
}

/**
 * The set as a Dataset with one row per track and no features, for split.ts: row r is track r, so
 * a split's rows are track indices and no track can be on both sides.
 */
export function trackTable(set: SpectrogramSet): Dataset {
  const n = set.tracks.length;
  return {
    id: `spectrograms:${set.name}`,
    name: set.name,
    format: 'audio',
    featureNames: [],
    nRows: n,
    values: new Float64Array(0),
    labels: Int32Array.from(set.tracks, (t) => t.label),
    genres: [...set.genres],
    trackIds: set.tracks.map((t) => t.trackId),
    segmentIndex: new Int32Array(n),
    rowKeys: set.tracks.map((t) => t.trackId),
    meta: { note: 'one row per track of a spectrogram set' },
  };
}

/**
 * Every row on the training side, none on the test side: cross-validation over all tracks (e.g.
 * a CNN protocol of k folds over a whole audio folder, when no separate test set is kept).
 */
export function allTracksSplit(ds: Pick<Dataset, 'nRows'>): Split {
  return { train: Int32Array.from({ length: ds.nRows }, (_, i) => i), test: new Int32Array(0), kind: 'predefined', description: 'all tracks (no held-out test set)' };
}

/** Per-band mean and std (population) over every frame of the given tracks. */
export function fitBandScaler(set: SpectrogramSet, trackIdx: ArrayLike<number>): { mean: number[]; std: number[] } {
  const B = set.params.nBands;
  const sum = new Float64Array(B);
  const sq = new Float64Array(B);
  let frames = 0;
  for (let i = 0; i < trackIdx.length; i++) {
    const m = (set.tracks[trackIdx[i] as number] as SpectrogramTrack).mel;
    // Per band, the byte histogram is enough: 256 levels, each one dB value.
    const floor = m.maxDb - m.rangeDb;
    const counts = new Float64Array(256);
    for (let b = 0; b < B; b++) {
      counts.fill(0);
      const row = m.bytes.subarray(b * m.nFrames, (b + 1) * m.nFrames);
      for (let t = 0; t < row.length; t++) counts[row[t] as number]!++;
      let s = 0;
      let s2 = 0;
      for (let q = 0; q < 256; q++) {
        const c = counts[q] as number;
        if (c === 0) continue;
        const v = floor + (q / 255) * m.rangeDb;
        s += c * v;
        s2 += c * v * v;
      }
      sum[b]! += s;
      sq[b]! += s2;
    }
    frames += m.nFrames;
  }
  if (frames === 0) throw new LabError('bad-argument', 'No training frames to fit the per-band scaler on.');
  const mean = Array.from(sum, (s) => s / frames);
  // A band that is constant over the training frames (e.g. all at the floor) keeps std 1.
  const std = Array.from(sq, (s2, b) => Math.sqrt(Math.max(s2 / frames - (mean[b] as number) ** 2, 0))).map((s) => (s > 1e-6 ? s : 1));
  return { mean, std };
}

/** Start frames of the non-overlapping crops of a matrix: 0, C, 2C, … (⌊frames / C⌋ crops; the tail is left out). */
export function nonOverlappingCropStarts(nFrames: number, cropFrames: number): number[] {
  return Array.from({ length: Math.floor(nFrames / cropFrames) }, (_, i) => i * cropFrames);
}

/**
 * Write one crop, frames [start, start + C) of every band, z-scored with the per-band scaler, into
 * `out` at `at`, band-major (the `[bands, C, 1]` layout of a CNN sample).
 */
export function writeCrop(mel: QuantisedLogMel, start: number, cropFrames: number, scaler: { mean: readonly number[]; std: readonly number[] }, out: Float32Array, at: number): void {
  if (start < 0 || start + cropFrames > mel.nFrames) throw new LabError('internal', `Crop [${start}, ${start + cropFrames}) outside ${mel.nFrames} frames.`);
  const floor = mel.maxDb - mel.rangeDb;
  const step = mel.rangeDb / 255;
  for (let b = 0; b < mel.nBands; b++) {
    const m = scaler.mean[b] as number;
    const inv = 1 / (scaler.std[b] as number);
    const src = b * mel.nFrames + start;
    const dst = at + b * cropFrames;
    for (let t = 0; t < cropFrames; t++) out[dst + t] = (floor + (mel.bytes[src + t] as number) * step - m) * inv;
  }
}

/** The dB matrix of a track (band-major), e.g. to draw it. */
export function trackDb(track: SpectrogramTrack): Float32Array {
  return dequantiseLogMel(track.mel);
}

/** Frames of a crop of `cropSec` seconds under the set's hop: round(sec · sr / hop). */
export function cropFramesForSeconds(cropSec: number, sampleRateHz = 22050, hopSamples = 512): number {
  const f = Math.round((cropSec * sampleRateHz) / hopSamples);
  if (!(f >= 16)) throw new LabError('bad-argument', `A crop of ${cropSec} s is ${f} frames; the CNNs need at least 16 (≈ ${((16 * hopSamples) / sampleRateHz).toFixed(2)} s).`);
  return f;
}
