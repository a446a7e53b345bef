/// <reference lib="webworker" />
/**
 * Streams a dropped table through the core's TableReader slice by slice — the same decoder and
 * the same checks as the CLI — so a 50 MB file neither freezes the page nor needs its text held
 * twice; reports progress by bytes read (throttled by the transport).
 */
import { TABLE_CHUNK_BYTES, TableReader } from '../core/data/parse';
import { saveDataset } from '../storage/datasets';
import { datasetTransferables, type ParseApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

serve<ParseApi>({
  parse: async ({ file, options }, ctx) => {
    const reader = new TableReader(file.name, options, { identity: `${file.size}:${file.lastModified}` });
    for (let start = 0; start < file.size; start += TABLE_CHUNK_BYTES) {
      // Awaiting each slice lets the worker see messages between chunks.
      reader.pushBytes(new Uint8Array(await file.slice(start, start + TABLE_CHUNK_BYTES).arrayBuffer()));
      ctx.progress({ fraction: Math.min(1, reader.bytesRead / file.size), rows: reader.rowCount });
    }
    const dataset = reader.finish();
    // Saved here, off the main thread (a big table's clone into IndexedDB takes a while). A failed
    // save is not an error: the page saves it again.
    const saved = await saveDataset(dataset).then(
      () => true,
      () => false,
    );
    return withTransfer({ dataset, saved }, datasetTransferables(dataset));
  },
});
