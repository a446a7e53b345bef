/**
 * The saved-models slice: light summaries of the models kept in IndexedDB (src/storage/models),
 * so the list survives reload without holding weights in the store. The full entry is read when
 * needed (Classify, export).
 */
import type { StoreApi } from 'zustand/vanilla';
import type { InputKind } from '../core/models/registry';
import { deleteModelEntry, listModelEntries, putModelEntry, type ModelEntry } from '../storage/models';

export type { ModelEntry } from '../storage/models';

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

/** The part of the lab's store this slice owns. */
export interface ModelsSlice {
  models: ModelSummary[];
}

type Store = StoreApi<ModelsSlice>;

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

export async function putModel(store: Store, e: ModelEntry): Promise<void> {
  await putModelEntry(e);
  const list = store.getState().models.filter((m) => m.id !== e.id);
  store.setState({ models: [summarizeEntry(e), ...list] });
}

export async function deleteModel(store: Store, id: string): Promise<void> {
  await deleteModelEntry(id);
  store.setState({ models: store.getState().models.filter((m) => m.id !== id) });
}

/** Read the saved models' summaries into the store (newest first); entries this lab cannot read are left out. */
export async function restoreModels(store: Store): Promise<void> {
  try {
    const { entries } = await listModelEntries();
    store.setState({ models: entries.map(summarizeEntry).sort((a, b) => b.createdAt.localeCompare(a.createdAt)) });
  } catch {
    store.setState({ models: [] });
  }
}

export function newModelId(): string {
  return `m-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}
