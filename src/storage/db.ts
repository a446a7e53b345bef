/**
 * The lab's IndexedDB store ('genre-lab' database, 'state' object store), opened on first use.
 * One handle for the page and the workers: the parse worker writes the dataset here itself, and
 * the page reads it back on reload.
 */
import { createStore } from 'idb-keyval';

let store: ReturnType<typeof createStore> | undefined;

export function labDb(): ReturnType<typeof createStore> {
  store ??= createStore('genre-lab', 'state');
  return store;
}
