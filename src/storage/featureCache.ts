/**
 * Extracted features per audio file, by content hash + recipe id and version ('genre-lab-features'
 * database), so a folder dropped again, or the demo corpus on a second open, is not analysed twice.
 * The extraction worker reads and fills it for dropped files (it hashes their bytes); the page for
 * the demo corpus's clips.
 */
import { createStore, get, set } from 'idb-keyval';
import { getRecipe } from '../core/features/recipes';

export interface CachedFeatures {
  featureNames: string[];
  rows: Float64Array[];
  segmentLengths: number[];
}

let store: ReturnType<typeof createStore> | undefined;
const db = () => (store ??= createStore('genre-lab-features', 'features'));

/**
 * The key of a file's features with one recipe: the first 128 bits of its SHA-256 (hex) — as entries
 * were always keyed, so features cached before stay found — then the recipe's id and version.
 */
export function featureCacheKey(sha256: string, recipe: string): string {
  const spec = getRecipe(recipe);
  return `${sha256.slice(0, 32)}:${spec.id}:v${spec.version}`;
}

/** A cached entry, or undefined (also when IndexedDB cannot be read). Entries with non-finite values are not returned. */
export async function getCachedFeatures(key: string): Promise<CachedFeatures | undefined> {
  const hit = await get<CachedFeatures>(key, db()).catch(() => undefined);
  // An entry with NaN features (cached before they were refused) is computed again, not trusted.
  return hit && hit.rows.every((row) => row.every(Number.isFinite)) ? hit : undefined;
}

/**
 * Cache an entry; a failed write (quota, private mode) only costs a later recomputation. Resolves
 * once IndexedDB has its copy: await it before transferring (detaching) the rows elsewhere.
 */
export async function putCachedFeatures(key: string, value: CachedFeatures): Promise<void> {
  await set(key, value, db()).catch(() => undefined);
}
