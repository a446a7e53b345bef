/// <reference lib="webworker" />
/**
 * Streams a dropped table through papaparse chunk by chunk, so a 50 MB file neither freezes the
 * page nor needs its text held twice; posts progress by bytes read.
 */
import Papa from 'papaparse';
import { looksBinary, PAPA_CONFIG, TableBuilder } from '../core/data/parse';
import { LabError, toErrorInfo } from '../core/errors';
import { saveDataset } from '../state/persist';
import { datasetTransferables, type ParseRequest, type ParseResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;
const post = (m: ParseResponse, transfer: Transferable[] = []) => self.postMessage(m, transfer);

self.onmessage = (ev: MessageEvent<ParseRequest>) => {
  const { file, options } = ev.data;
  try {
    if (file.size === 0) throw new LabError('empty-file', `${file.name} is empty (0 bytes).`);
    const head = new FileReaderSync().readAsText(file.slice(0, 65536));
    if (head.replace(/^\uFEFF/, '').trim() === '') throw new LabError('empty-file', `${file.name} is empty.`);
    if (looksBinary(head)) throw new LabError('binary-file', `${file.name} looks like a binary file, not a text table (CSV or TSV).`);
    const builder = new TableBuilder(file.name, options);
    builder.addText(`${file.size}:${file.lastModified}:${head}`);
    let failed = false;
    let lastPost = 0;
    Papa.parse<string[]>(file, {
      ...PAPA_CONFIG,
      chunkSize: 1 << 20,
      chunk: (res, parser) => {
        if (failed) return;
        try {
          builder.addRows(res.data);
        } catch (e) {
          failed = true;
          parser.abort();
          post({ type: 'error', error: toErrorInfo(e) });
          return;
        }
        const now = performance.now();
        if (now - lastPost > 50) {
          lastPost = now;
          post({ type: 'progress', fraction: Math.min(1, res.meta.cursor / file.size), rows: builder.rowCount });
        }
      },
      complete: () => {
        if (failed) return;
        let dataset;
        try {
          dataset = builder.finish();
        } catch (e) {
          post({ type: 'error', error: toErrorInfo(e) });
          return;
        }
        // Save here, off the main thread (a big table's clone into IndexedDB takes a while).
        const ds = dataset;
        saveDataset(ds)
          .then(() => post({ type: 'done', dataset: ds, saved: true }, datasetTransferables(ds)))
          .catch(() => post({ type: 'done', dataset: ds, saved: false }, datasetTransferables(ds)));
      },
      error: (err) => post({ type: 'error', error: toErrorInfo(new LabError('internal', `Could not read ${file.name}: ${err.message}`)) }),
    });
  } catch (e) {
    post({ type: 'error', error: toErrorInfo(e) });
  }
};
