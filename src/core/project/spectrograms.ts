/**
 * A project's spectrogram set, one of two ways:
 * - **embedded**: every track's uint8 log-mel matrix and the set's parameters, as the set stores
 *   them (about nBands bytes per frame: 40 demo clips at 128 bands ≈ 2.5 MB, GTZAN ≈ 165 MB);
 * - **manifest**: for each track its file, the source part of its cache key (the file's SHA-256,
 *   or a demo clip's formula key) and the SHA-256 of its matrix — a few kB. Opening it restores the
 *   set from the browser's per-file cache; files the cache lacks are named, to be dropped again.
 *
 * Either way the restored set is byte-identical to the saved one (the matrix hashes are checked),
 * so a CNN in the project reruns and classifies the same.
 */
import type { LogMelParams, SpectrogramSet, SpectrogramTrack } from '../data/spectrogramSet';
import { LOG_MEL_BANDS, type QuantisedLogMel } from '../features/logMel';
import { sha256Hex } from '../sha256';
import { badProject } from './pack';

export type SpectrogramStorageMode = 'embedded' | 'manifest';

export interface SpectrogramManifestTrack {
  trackId: string;
  label: number;
  /** The file the matrix was computed from (what the student drops again when the cache lacks it). */
  file: string;
  /** The source part of the per-file cache key: the file's SHA-256, or a demo clip's formula key. */
  source: string;
  /** SHA-256 (hex) of the uint8 matrix, so a restored track is the one that was saved. */
  melSha256: string;
  nFrames: number;
}

/** A set named by its files instead of held (no matrices). */
export interface SpectrogramManifest {
  name: string;
  genres: string[];
  params: LogMelParams;
  failed: SpectrogramSet['failed'];
  tracks: SpectrogramManifestTrack[];
}

export type ProjectSpectrograms = { mode: 'embedded'; set: SpectrogramSet } | { mode: 'manifest'; manifest: SpectrogramManifest };

/** What a project's manifest.json (and `lab project info`) says about its set. */
export interface ProjectSpectrogramInfo {
  mode: SpectrogramStorageMode;
  name: string;
  tracks: number;
  bands: number;
  genres: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function badSet(message: string, detail: Record<string, unknown> = {}): Error {
  return badProject('bad-spectrograms', `The project's spectrogram set is not usable: ${message}.`, detail);
}

/** Whether every track knows its source file (sets the CLI built, or older stored ones, do not). */
export function canNameByFiles(set: Pick<SpectrogramSet, 'tracks'>): boolean {
  return set.tracks.length > 0 && set.tracks.every((t) => t.source !== undefined);
}

/** The manifest of a set: each track's file, cache source and matrix hash. */
export async function spectrogramManifestOf(set: SpectrogramSet): Promise<SpectrogramManifest> {
  const tracks: SpectrogramManifestTrack[] = [];
  for (const t of set.tracks) {
    if (!t.source) throw badSet(`track ${t.trackId} does not know the file it was made from; save the set embedded instead`, { track: t.trackId });
    tracks.push({ trackId: t.trackId, label: t.label, file: t.source.file, source: t.source.key, melSha256: await sha256Hex(t.mel.bytes), nFrames: t.mel.nFrames });
  }
  return { name: set.name, genres: [...set.genres], params: { ...set.params }, failed: set.failed.map((f) => ({ ...f })), tracks };
}

/** The set as a project holds it: the set itself (its page id dropped), or its manifest. */
export async function projectSpectrogramsOf(set: SpectrogramSet, mode: SpectrogramStorageMode): Promise<ProjectSpectrograms> {
  if (mode === 'manifest') return { mode, manifest: await spectrogramManifestOf(set) };
  const { kind, name, genres, tracks, params, failed } = set;
  return { mode, set: { kind, name, genres, tracks, params, failed } };
}

/**
 * What each way of saving a set costs in the project file, in bytes before zipping: the matrices
 * (one byte per band per frame), or the manifest's JSON (estimated from its fields: file names and
 * two 64-digit hashes per track).
 */
export function spectrogramStorageBytes(set: Pick<SpectrogramSet, 'tracks'>): Record<SpectrogramStorageMode, number> {
  let embedded = 0;
  let manifest = 200;
  for (const t of set.tracks) {
    embedded += t.mel.bytes.length;
    manifest += 150 + t.trackId.length + (t.source ? t.source.file.length + t.source.key.length : 64);
  }
  return { embedded, manifest };
}

export function projectSpectrogramInfo(s: ProjectSpectrograms): ProjectSpectrogramInfo {
  const x = s.mode === 'embedded' ? s.set : s.manifest;
  return { mode: s.mode, name: x.name, tracks: x.tracks.length, bands: x.params.nBands, genres: [...x.genres] };
}

function checkParams(v: unknown): LogMelParams {
  if (!isObject(v)) throw badSet('its log-mel parameters are missing');
  const { sampleRateHz, nFft, hopSamples, padMode, nBands, ref, topDb } = v;
  for (const [k, x] of Object.entries({ sampleRateHz, nFft, hopSamples, topDb }))
    if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw badSet(`its ${k} (${String(x)}) is not a positive number`);
  if (!(LOG_MEL_BANDS as readonly unknown[]).includes(nBands)) throw badSet(`its ${String(nBands)} mel bands are not one of ${LOG_MEL_BANDS.join(', ')}`);
  if (padMode !== 'constant' && padMode !== 'reflect' && padMode !== 'edge') throw badSet(`its padding ${JSON.stringify(padMode)} is not constant, reflect or edge`);
  if (ref !== 'max') throw badSet(`its reference ${JSON.stringify(ref)} is not "max"`);
  return v as unknown as LogMelParams;
}

function checkHeader(v: Record<string, unknown>): { name: string; genres: string[]; params: LogMelParams; failed: SpectrogramSet['failed'] } {
  const { name, genres, params, failed } = v;
  if (typeof name !== 'string') throw badSet('its name is not text');
  if (!isStringArray(genres) || genres.length < 2) throw badSet('it needs at least two genres');
  if (!Array.isArray(failed) || !failed.every((f) => isObject(f) && typeof f['file'] === 'string' && typeof f['error'] === 'string')) throw badSet('its list of failed files is malformed');
  return { name, genres, params: checkParams(params), failed: failed as SpectrogramSet['failed'] };
}

function checkTrackHead(t: unknown, i: number, nGenres: number): Record<string, unknown> {
  if (!isObject(t) || typeof t['trackId'] !== 'string') throw badSet(`track ${i + 1} has no track id`, { track: i });
  const label = t['label'];
  if (!isCount(label) || label >= nGenres) throw badSet(`track ${t['trackId']}'s label ${String(label)} is outside the ${nGenres} genres`, { track: t['trackId'] });
  return t;
}

function checkMel(m: unknown, trackId: string, nBands: number): QuantisedLogMel {
  if (!isObject(m)) throw badSet(`track ${trackId} has no matrix`, { track: trackId });
  const { bytes, maxDb, rangeDb, nBands: b, nFrames } = m;
  if (b !== nBands) throw badSet(`track ${trackId} has ${String(b)} bands, the set ${nBands}`, { track: trackId });
  if (!isCount(nFrames) || nFrames === 0) throw badSet(`track ${trackId}'s frame count ${String(nFrames)} is not a positive whole number`, { track: trackId });
  if (!(bytes instanceof Uint8Array) || bytes.length !== nBands * nFrames)
    throw badSet(`track ${trackId}'s matrix must be ${nBands} × ${nFrames} bytes, found ${bytes instanceof Uint8Array ? bytes.length : 'none'}`, { track: trackId });
  if (typeof maxDb !== 'number' || !Number.isFinite(maxDb) || typeof rangeDb !== 'number' || !(rangeDb > 0)) throw badSet(`track ${trackId}'s dB range is not finite`, { track: trackId });
  return { bytes, maxDb, rangeDb, nBands, nFrames };
}

function checkSource(v: unknown, trackId: string): SpectrogramTrack['source'] {
  if (v === undefined) return undefined;
  if (!isObject(v) || typeof v['file'] !== 'string' || typeof v['key'] !== 'string') throw badSet(`track ${trackId}'s source file is malformed`, { track: trackId });
  return { file: v['file'], key: v['key'] };
}

/** A project's `spectrograms.json` (unpacked), checked field by field. */
export function validateProjectSpectrograms(v: unknown): ProjectSpectrograms {
  if (!isObject(v) || (v['mode'] !== 'embedded' && v['mode'] !== 'manifest')) throw badSet('it is neither embedded nor a manifest of files');
  if (v['mode'] === 'embedded') {
    const s = v['set'];
    if (!isObject(s) || s['kind'] !== 'spectrograms' || !Array.isArray(s['tracks'])) throw badSet('its embedded set is not a spectrogram set');
    const head = checkHeader(s);
    const seen = new Set<string>();
    const tracks = s['tracks'].map((raw, i): SpectrogramTrack => {
      const t = checkTrackHead(raw, i, head.genres.length);
      const trackId = t['trackId'] as string;
      if (seen.has(trackId)) throw badSet(`track ${trackId} appears twice`, { track: trackId });
      seen.add(trackId);
      const source = checkSource(t['source'], trackId);
      return { trackId, label: t['label'] as number, mel: checkMel(t['mel'], trackId, head.params.nBands), ...(source ? { source } : {}) };
    });
    if (tracks.length === 0) throw badSet('it has no tracks');
    return { mode: 'embedded', set: { kind: 'spectrograms', ...head, tracks } };
  }
  const m = v['manifest'];
  if (!isObject(m) || !Array.isArray(m['tracks']) || m['tracks'].length === 0) throw badSet('its manifest lists no tracks');
  const head = checkHeader(m);
  const tracks = m['tracks'].map((raw, i): SpectrogramManifestTrack => {
    const t = checkTrackHead(raw, i, head.genres.length);
    const trackId = t['trackId'] as string;
    const label = t['label'] as number;
    const { file, source, melSha256, nFrames } = t;
    if (typeof file !== 'string' || typeof source !== 'string' || !source) throw badSet(`track ${trackId} names no file and cache source`, { track: trackId });
    if (typeof melSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(melSha256)) throw badSet(`track ${trackId} (${file}) has no valid SHA-256 of its matrix`, { track: trackId, file });
    if (!isCount(nFrames) || nFrames === 0) throw badSet(`track ${trackId} (${file}) has no frame count`, { track: trackId, file });
    return { trackId, label, file, source, melSha256, nFrames };
  });
  return { mode: 'manifest', manifest: { ...head, tracks } };
}

/** The manifest's tracks the cache could not supply: the files to drop again. */
export interface MissingSpectrogramFiles {
  missing: string[];
}

/**
 * Rebuild a set from its manifest with `lookup` (the browser's per-file cache: a track's source and
 * the set's parameters → its matrix, or undefined). Every track found must hash to the manifest's
 * SHA-256 — a cached matrix that differs (another lab version, a different file under the same
 * name) is refused with its file named. Tracks not found are returned as files to drop again.
 */
export async function restoreFromManifest(
  m: SpectrogramManifest,
  lookup: (source: string, params: LogMelParams) => Promise<QuantisedLogMel | undefined>,
): Promise<{ set: SpectrogramSet } | MissingSpectrogramFiles> {
  const tracks: SpectrogramTrack[] = [];
  const missing: string[] = [];
  for (const t of m.tracks) {
    const mel = await lookup(t.source, m.params);
    if (!mel) {
      missing.push(t.file);
      continue;
    }
    const hash = await sha256Hex(mel.bytes);
    if (hash !== t.melSha256 || mel.nBands !== m.params.nBands || mel.nFrames !== t.nFrames)
      throw badProject(
        'hash-mismatch',
        `${t.file}: the spectrogram this browser holds for it does not match the one the project was saved with (its SHA-256 differs). Nothing was changed; open the project saved with the set embedded, or rebuild the set from the original files.`,
        { file: t.file, expected: t.melSha256, found: hash },
      );
    tracks.push({ trackId: t.trackId, label: t.label, mel, source: { file: t.file, key: t.source } });
  }
  if (missing.length) return { missing };
  return { set: { kind: 'spectrograms', name: m.name, genres: [...m.genres], params: { ...m.params }, failed: m.failed.map((f) => ({ ...f })), tracks } };
}
