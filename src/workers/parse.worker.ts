/// <reference lib="webworker" />
/**
 * Streams a dropped table through papaparse chunk by chunk, so a 50 MB file neither freezes the
 * page nor needs its text held twice; reports progress by bytes read.
 */
import Papa from 'papaparse';
import type { Dataset } from '../core/data/dataset';
import { looksBinary, PAPA_CONFIG, TableBuilder } from '../core/data/parse';
import { LabError } from '../core/errors';
import { saveDataset } from '../storage/datasets';
import { datasetTransferables, type ParseApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

serve<ParseApi>({
  parse: async ({ file, options }, ctx) => {
    if (file.size === 0) throw new LabError('empty-file', `${file.name} is empty (0 bytes).`);
    const head = new FileReaderSync().readAsText(file.slice(0, 65536));
    if (head.replace(/^\uFEFF/, '').trim() === '') throw new LabError('empty-file', `${file.name} is empty.`);
    if (looksBinary(head)) throw new LabError('binary-file', `${file.name} looks like a binary file, not a text table (CSV or TSV).`);
    const builder = new TableBuilder(file.name, options);
    builder.addText(`${file.size}:${file.lastModified}:${head}`);
    const dataset = await new Promise<Dataset>((resolve, reject) => {
      let failed = false;
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
            reject(e);
            return;
          }
          ctx.progress({ fraction: Math.min(1, res.meta.cursor / file.size), rows: builder.rowCount });
        },
        complete: () => {
          if (failed) return;
          try {
            resolve(builder.finish());
          } catch (e) {
            reject(e);
          }
        },
        error: (err) => reject(new LabError('internal', `Could not read ${file.name}: ${err.message}`)),
      });
    });
    // Saved here, off the main thread (a big table's clone into IndexedDB takes a while). A failed
    // save is not an error: the page saves it again.
    const saved = await saveDataset(dataset).then(
      () => true,
      () => false,
    );
    return withTransfer({ dataset, saved }, datasetTransferables(dataset));
  },
});
