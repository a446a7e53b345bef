/**
 * Extracted features per audio file, by content hash + recipe id and version ('genre-lab-features'
 * database), so a folder dropped again, or the demo corpus on a second open, is not analysed twice.
 */
import { createStore, get, set } from 'idb-keyval';

export interface CachedFeatures {
  featureNames: string[];
  rows: Float64Array[];
  segmentLengths: number[];
}

let store: ReturnType<typeof createStore> | undefined;
const db = () => (store ??= createStore('genre-lab-features', 'features'));

/** A cached entry, or undefined (also when IndexedDB cannot be read). Entries with non-finite values are not returned. */
export async function getCachedFeatures(key: string): Promise<CachedFeatures | undefined> {
  const hit = await get<CachedFeatures>(key, db()).catch(() => undefined);
  // An entry with NaN features (cached before they were refused) is computed again, not trusted.
  return hit && hit.rows.every((row) => row.every(Number.isFinite)) ? hit : undefined;
}

/** Cache an entry; a failed write (quota, private mode) only costs a later recomputation. */
export function putCachedFeatures(key: string, value: CachedFeatures): void {
  void set(key, value, db()).catch(() => undefined);
}
