/**
 * Saved models in IndexedDB ('genre-lab-models' database): one entry per trained run, a single
 * model or an ensemble, each member a SavedModel (weights included). Entries are read back in
 * today's format: members saved by an older lab (metadata format 1) are migrated on read.
 */
import { createStore, del, entries, get, set } from 'idb-keyval';
import { validateMetadata, type SavedModelEntry } from '../core/models/saved';

/** One trained run (the type lives in core: project files carry it too). */
export type ModelEntry = SavedModelEntry;

let idb: ReturnType<typeof createStore> | undefined;
const db = () => (idb ??= createStore('genre-lab-models', 'models'));

/**
 * An entry as today's lab reads it: each member's metadata checked and, when an older lab saved it
 * (format 1), migrated — so models saved before the InputSpec still list, load and classify.
 */
export function migrateEntry(e: ModelEntry): ModelEntry {
  return { ...e, members: e.members.map((m) => ({ ...m, metadata: validateMetadata(m.metadata) })) };
}

export async function putModelEntry(e: ModelEntry): Promise<void> {
  await set(e.id, e, db());
}

export async function getModelEntry(id: string): Promise<ModelEntry | undefined> {
  const e = await get<ModelEntry>(id, db());
  return e && migrateEntry(e);
}

export async function deleteModelEntry(id: string): Promise<void> {
  await del(id, db());
}

/** Every entry this lab can read (migrated); one it cannot (corrupt, or from a newer lab) is listed in `unreadable`. */
export async function listModelEntries(): Promise<{ entries: ModelEntry[]; unreadable: string[] }> {
  const all = await entries<string, ModelEntry>(db());
  const out: ModelEntry[] = [];
  const unreadable: string[] = [];
  for (const [id, e] of all) {
    try {
      out.push(migrateEntry(e));
    } catch {
      unreadable.push(String(id));
    }
  }
  return { entries: out, unreadable };
}
