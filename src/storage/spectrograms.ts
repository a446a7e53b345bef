/**
 * Spectrogram sets in IndexedDB: each file's quantised log-mel matrix by content hash + mel
 * parameters ('genre-lab-spectrograms' database), so a folder dropped again, or the demo corpus on
 * a second build, is not computed twice; and the current set (every track's uint8 matrix, stored
 * as it is by structured clone) in the lab's database, so it survives a reload.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { LogMelParams, SpectrogramSet } from '../core/data/spectrogramSet';
import type { QuantisedLogMel } from '../core/features/logMel';
import { labDb } from './db';

let store: ReturnType<typeof createStore> | undefined;
const cacheDb = () => (store ??= createStore('genre-lab-spectrograms', 'log-mel'));

/** The part of a cache key that says how a matrix was made (every parameter that changes its bytes). */
export function logMelCacheKey(source: string, p: LogMelParams): string {
  return `${source}:log-mel:v1:${p.sampleRateHz}:${p.nFft}:${p.hopSamples}:${p.padMode}:${p.nBands}:${p.ref}:${p.topDb}`;
}

function isQuantised(x: unknown): x is QuantisedLogMel {
  const q = x as QuantisedLogMel | undefined;
  return !!q && q.bytes instanceof Uint8Array && q.bytes.length === q.nBands * q.nFrames && Number.isFinite(q.maxDb);
}

/**
 * The matrix under `key`, or `compute`d and stored. A failed read or write (private mode, quota)
 * only costs a recomputation; an entry that is not a whole matrix is computed again, not trusted.
 */
export async function cachedLogMel(key: string, compute: () => Promise<QuantisedLogMel>): Promise<{ mel: QuantisedLogMel; cached: boolean }> {
  const hit = await lookupLogMel(key);
  if (hit) return { mel: hit, cached: true };
  const mel = await compute();
  await cacheLogMel(key, mel);
  return { mel, cached: false };
}

/** The cached matrix under `key`, or undefined (none, not a whole matrix, or storage unreadable). */
export async function lookupLogMel(key: string): Promise<QuantisedLogMel | undefined> {
  const hit = await get<unknown>(key, cacheDb()).catch(() => undefined);
  return isQuantised(hit) ? hit : undefined;
}

/** Put a matrix in the per-file cache (a project's embedded set, so a later manifest finds it); failures only cost a recomputation later. */
export async function cacheLogMel(key: string, mel: QuantisedLogMel): Promise<void> {
  await set(key, mel, cacheDb()).catch(() => undefined);
}

/** The stored sets: the current one (training) and the evaluation folder's (the Toronto new-data evaluation). */
const SET_KEYS = { current: 'spectrogram-set', evaluation: 'eval-spectrogram-set' } as const;

/** A set with the id the page gives it for the training worker. */
export type StoredSpectrogramSet = SpectrogramSet & { id: string };

/** Store the set of `slot` (default the current set), or forget it when `s` is undefined. Errors (quota) reach the caller. */
export async function saveSpectrogramSet(s: StoredSpectrogramSet | undefined, slot: keyof typeof SET_KEYS = 'current'): Promise<void> {
  if (s) await set(SET_KEYS[slot], s, labDb());
  else await del(SET_KEYS[slot], labDb());
}

export async function loadSpectrogramSet(slot: keyof typeof SET_KEYS = 'current'): Promise<StoredSpectrogramSet | undefined> {
  return get<StoredSpectrogramSet>(SET_KEYS[slot], labDb());
}
