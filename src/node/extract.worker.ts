/**
 * A worker_threads worker of `lab extract --jobs N` (started by extractPool.ts through
 * workerBoot.mjs): extracts one file per message with extractAudioFile, the same function the
 * in-process loop calls, and answers with the clip (feature rows transferred, not copied) or the
 * file's failure worded exactly as `--jobs 1` words it.
 */
import { parentPort } from 'node:worker_threads';
import { failedFile } from '../core/audio/batch';
import { LabError } from '../core/errors';
import { extractAudioFile } from './extractFile';
import type { PoolReply, PoolRequest } from './extractPool';

const port = parentPort;
if (!port) throw new LabError('internal', 'extract.worker.ts runs only as a worker thread (started by extractPool.ts).');

port.on('message', (req: PoolRequest) => {
  extractAudioFile(req.path, req.recipe).then(
    // each buffer once: rows that were views of one buffer would make postMessage throw
    (clip) => port.postMessage({ type: 'done', id: req.id, clip } satisfies PoolReply, [...new Set(clip.segments.map((s) => s.buffer as ArrayBuffer))]),
    (e: unknown) => port.postMessage({ type: 'failed', id: req.id, failed: failedFile(req.path, e) } satisfies PoolReply),
  );
});
port.postMessage({ type: 'ready' } satisfies PoolReply);
