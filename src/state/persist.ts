/**
 * Saving the lab to IndexedDB so nothing is lost on reload: the dataset (through
 * storage/datasets, which the parse worker uses too) and the cells' parameters and last results.
 */
import type { Dataset } from '../core/data/dataset';
import { loadDataset, saveDataset as storeDataset } from '../storage/datasets';
import { loadCells, saveCells } from '../storage/cells';
import { adaptParams, persistedPart, type LabState, type LabStore } from './lab';

/** Id of the dataset last written to IndexedDB (by this thread or by the parse worker). */
let savedDatasetId: string | undefined;

/** Record that a dataset is already stored (the parse worker saves big tables itself). */
export function markDatasetSaved(id: string): void {
  savedDatasetId = id;
}

/** Store the dataset (or forget it) and remember which one is stored. */
export async function saveDataset(ds: Dataset | undefined): Promise<void> {
  await storeDataset(ds);
  savedDatasetId = ds?.id;
}

/** Read what was saved and put it in the store. */
export async function restoreLab(store: LabStore): Promise<void> {
  try {
    const [ds, cells] = await Promise.all([loadDataset(), loadCells<Pick<LabState, 'params' | 'runs' | 'compare' | 'presetRuns'>>()]);
    const s = store.getState();
    if (s.dataset) return store.setState({ restored: true }); // something loaded meanwhile wins
    if (ds) {
      const runs = Object.fromEntries(Object.entries(cells?.runs ?? {}).filter(([, r]) => r && r.datasetId === ds.id));
      savedDatasetId = ds.id;
      store.setState({
        dataset: ds,
        datasetStatus: 'ready',
        params: cells?.params ? adaptParams({ ...s.params, ...cells.params }, ds) : s.params,
        runs,
        compare: cells?.compare ?? [],
        presetRuns: cells?.presetRuns ?? {},
        restored: true,
      });
    } else store.setState({ restored: true, compare: cells?.compare ?? [], presetRuns: cells?.presetRuns ?? {} });
  } catch {
    store.setState({ restored: true });
  }
}

/** Save cells (debounced) and the dataset (when it changes) from now on. */
export function startPersisting(store: LabStore): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDataset = store.getState().dataset;
  return store.subscribe((s) => {
    if (!s.restored) return;
    if (s.dataset !== lastDataset) {
      lastDataset = s.dataset;
      if (!s.dataset || s.dataset.id !== savedDatasetId) void saveDataset(s.dataset);
    }
    // At most 250 ms after the first unsaved change. (Restarting the timer on every change never
    // saved while training, whose progress changes the store every 100 ms.)
    timer ??= setTimeout(() => {
      timer = undefined;
      void saveCells(persistedPart(store.getState()));
    }, 250);
  });
}
