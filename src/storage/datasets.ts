/**
 * The loaded dataset in IndexedDB (typed arrays are stored as they are, by structured clone).
 * Depends only on core, so workers can use it: the parse worker saves a big table here off the
 * main thread.
 */
import { del, get, set } from 'idb-keyval';
import type { Dataset } from '../core/data/dataset';
import { labDb } from './db';

const KEY = 'dataset';

/** Store the dataset, or remove the stored one when `ds` is undefined. */
export async function saveDataset(ds: Dataset | undefined): Promise<void> {
  if (ds) await set(KEY, ds, labDb());
  else await del(KEY, labDb());
}

/** The stored dataset, if any. */
export async function loadDataset(): Promise<Dataset | undefined> {
  return get<Dataset>(KEY, labDb());
}
