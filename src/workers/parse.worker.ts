/// <reference lib="webworker" />
/**
 * Streams a dropped table through the core's TableReader slice by slice, so a 50 MB file neither
 * freezes the page nor needs its text held twice; posts progress by bytes read.
 */
import { TABLE_CHUNK_BYTES, TableReader } from '../core/data/parse';
import { toErrorInfo } from '../core/errors';
import { saveDataset } from '../state/persist';
import { datasetTransferables, type ParseRequest, type ParseResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;
const post = (m: ParseResponse, transfer: Transferable[] = []) => self.postMessage(m, transfer);

self.onmessage = async (ev: MessageEvent<ParseRequest>) => {
  const { file, options } = ev.data;
  try {
    // Bytes in slices through the core's reader: the same decoder and the same checks as the CLI.
    const reader = new TableReader(file.name, options, { identity: `${file.size}:${file.lastModified}` });
    let lastPost = 0;
    for (let start = 0; start < file.size; start += TABLE_CHUNK_BYTES) {
      // Awaiting each slice lets the worker see messages between chunks (a cancel, on the transport).
      reader.pushBytes(new Uint8Array(await file.slice(start, start + TABLE_CHUNK_BYTES).arrayBuffer()));
      const now = performance.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post({ type: 'progress', fraction: Math.min(1, reader.bytesRead / file.size), rows: reader.rowCount });
      }
    }
    const ds = reader.finish();
    // Save here, off the main thread (a big table's clone into IndexedDB takes a while).
    saveDataset(ds)
      .then(() => post({ type: 'done', dataset: ds, saved: true }, datasetTransferables(ds)))
      .catch(() => post({ type: 'done', dataset: ds, saved: false }, datasetTransferables(ds)));
  } catch (e) {
    post({ type: 'error', error: toErrorInfo(e) });
  }
};
