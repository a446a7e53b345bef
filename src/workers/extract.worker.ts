/// <reference lib="webworker" />
/** The extraction pool's worker: one file (or synthetic clip) per task, see extractTask.ts. */
import { extractTask } from './extractTask';
import type { ExtractApi } from './protocol';
import { serve } from './serve';

// A batch redraws its status 4 times a second (runPoolBatch): more frequent progress messages
// would only be more main-thread work for the page.
serve<ExtractApi>({ task: extractTask }, { progressIntervalMs: 250 });
