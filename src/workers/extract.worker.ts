/// <reference lib="webworker" />
/** The extraction pool's worker: one file (or synthetic clip) per task, see extractTask.ts. */
import { extractTask } from './extractTask';
import type { ExtractApi } from './protocol';
import { serve } from './serve';

serve<ExtractApi>({ task: extractTask });
