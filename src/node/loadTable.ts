/** Node-side table loading for the CLI, tests and benchmarks. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseTableText, type TableOptions } from '../core/data/parse';
import type { Dataset } from '../core/data/dataset';

export function loadTableFile(path: string, opts: TableOptions = {}): Dataset {
  return parseTableText(readFileSync(path, 'utf8'), basename(path), opts);
}
