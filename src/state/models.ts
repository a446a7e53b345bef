/**
 * Saved neural models, kept in IndexedDB so the list survives reload. An entry is one trained run:
 * a single model or an ensemble (its members vote by mean probability). Entries hold weights, so
 * the store keeps only light summaries (`ModelSummary`) and the full entry is read when needed.
 */
import { createStore as createIdbStore, del, entries, get, set } from 'idb-keyval';
import { validateMetadata, type SavedModel } from '../core/models/saved';
import type { InputKind } from '../core/models/registry';
import type { LabStore } from './lab';

export interface ModelEntry {
  id: string;
  /** Shown in lists: "MLP · features_30_sec.csv · 74.0 %". */
  name: string;
  createdAt: string;
  datasetName: string;
  /** One or more members (an ensemble votes by mean probability). */
  members: SavedModel[];
}

export interface ModelSummary {
  id: string;
  name: string;
  createdAt: string;
  datasetName: string;
  kind: string;
  input: InputKind;
  members: number;
  recipe: string | null;
  steps: number;
  features: number;
  genres: string[];
  accuracy?: number;
  macroF1?: number;
  backend: string;
}

let idb: ReturnType<typeof createIdbStore> | undefined;
const db = () => (idb ??= createIdbStore('genre-lab-models', 'models'));

/**
 * An entry as today's lab reads it: each member's metadata checked and, when an older lab saved it
 * (format 1), migrated — so models saved before the InputSpec still list, load and classify.
 */
export function migrateEntry(e: ModelEntry): ModelEntry {
  return { ...e, members: e.members.map((m) => ({ ...m, metadata: validateMetadata(m.metadata) })) };
}

export function summarizeEntry(e: ModelEntry): ModelSummary {
  const m = e.members[0]!.metadata;
  return {
    id: e.id,
    name: e.name,
    createdAt: e.createdAt,
    datasetName: e.datasetName,
    kind: m.kind,
    input: m.input.input,
    members: e.members.length,
    recipe: m.input.recipe,
    steps: m.input.steps,
    features: m.input.featureNames.length,
    genres: m.input.genres,
    accuracy: m.metrics['ensembleAccuracy'] ?? m.metrics['accuracy'],
    macroF1: m.metrics['ensembleMacroF1'] ?? m.metrics['macroF1'],
    backend: m.backend,
  };
}

export async function putModel(store: LabStore, e: ModelEntry): Promise<void> {
  await set(e.id, e, db());
  const list = store.getState().models.filter((m) => m.id !== e.id);
  store.setState({ models: [summarizeEntry(e), ...list] });
}

export async function getModel(id: string): Promise<ModelEntry | undefined> {
  const e = await get<ModelEntry>(id, db());
  return e && migrateEntry(e);
}

export async function deleteModel(store: LabStore, id: string): Promise<void> {
  await del(id, db());
  store.setState({ models: store.getState().models.filter((m) => m.id !== id) });
}

/** Read the saved models' summaries into the store (newest first). */
export async function restoreModels(store: LabStore): Promise<void> {
  try {
    const all = await entries<string, ModelEntry>(db());
    // An entry this lab cannot read (corrupt, or from a newer lab) is left out of the list, not fatal.
    const list = all.flatMap(([, e]) => {
      try {
        return [summarizeEntry(migrateEntry(e))];
      } catch {
        return [];
      }
    }).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    store.setState({ models: list });
  } catch {
    store.setState({ models: [] });
  }
}

export function newModelId(): string {
  return `m-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
