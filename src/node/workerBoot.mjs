// Entry of every Node worker_threads worker the CLI starts (see extractPool.ts): plain JavaScript,
// so Node can load it whatever runs the parent — `tsx` (npm run lab), vitest, or plain node —
// and it then loads the TypeScript worker named in workerData.entry through tsx's loader.
// tsImport is scoped to this import (it does not register tsx for the whole thread), so it
// works the same whether or not the parent's tsx hooks were inherited through execArgv.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
