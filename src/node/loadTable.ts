/** Node-side table loading for the CLI, tests and benchmarks. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseTableBytes, type TableOptions } from '../core/data/parse';
import { describeDroppedRows, type Dataset } from '../core/data/dataset';

/** Where notices go; the CLI's stderr by default (stdout stays for results and --json). */
export type NoticeSink = (line: string) => void;
const toStderr: NoticeSink = (line) => void process.stderr.write(line + '\n');

/**
 * Read a table file as bytes and parse it with the browser's decoder and checks. What the loader
 * assumed or left out (an encoding guess, rows with empty cells) is reported to `notice`, never
 * dropped silently.
 */
export function loadTableFile(path: string, opts: TableOptions = {}, notice: NoticeSink = toStderr): Dataset {
  const buf = readFileSync(path);
  const ds = parseTableBytes(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), basename(path), opts);
  const dropped = describeDroppedRows(ds);
  for (const n of [...(ds.meta.notices ?? []), ...(dropped ? [dropped] : [])]) notice(`notice: ${ds.name}: ${n}`);
  return ds;
}
