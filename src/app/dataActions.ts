/**
 * The Data cell's actions: load a table in the parse worker (streamed, with progress and Cancel),
 * hand it to the store, and ask for the label column when a generic table needs one. A failure is
 * shown in the cell and the dataset loaded before stays.
 */
import type { TableOptions } from '../core/data/parse';
import { isLabError, toErrorInfo } from '../core/errors';
import { setDataError, setDataset } from '../state/lab';
import { parseTableFile, type RunningJob } from '../workers/client';
import { markDatasetSaved } from '../state/persist';
import { labStore } from './store';

let loading: RunningJob<unknown> | undefined;

export async function loadTable(file: File, options: TableOptions = {}): Promise<void> {
  loading?.cancel();
  labStore.setState({ datasetStatus: 'loading', loadProgress: 0, loadingName: file.name, dataError: undefined, pendingLabel: undefined });
  const job = parseTableFile(file, options, (fraction) => labStore.setState({ loadProgress: fraction }), markDatasetSaved);
  loading = job;
  pendingFile = file;
  try {
    const ds = await job.promise;
    if (loading !== job) return;
    setDataset(labStore, ds);
  } catch (e) {
    if (loading !== job) return;
    if (isLabError(e) && e.code === 'cancelled') {
      const s = labStore.getState();
      labStore.setState({ datasetStatus: s.dataset ? 'ready' : 'empty', loadProgress: 0, loadingName: undefined });
    } else setDataError(labStore, toErrorInfo(e));
  } finally {
    if (loading === job) loading = undefined;
  }
}

/** The file waiting for a label column choice. */
let pendingFile: File | undefined;

export function chooseLabelColumn(labelColumn: string, trackColumn?: string): void {
  if (pendingFile) void loadTable(pendingFile, { labelColumn, trackColumn: trackColumn || undefined });
}

export function cancelLoad(): void {
  loading?.cancel();
}

export function dismissDataError(): void {
  labStore.setState({ dataError: undefined, pendingLabel: undefined });
}
