/// <reference lib="webworker" />
/** Writes and reads `.genrelab` project files (core/project) so zipping and hashing never stall the page. */
import { readProject, writeProject } from '../core/project/archive';
import type { ProjectApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

serve<ProjectApi>({
  write: async ({ content, appVersion }, ctx) => {
    const bytes = await writeProject(content, { appVersion, onProgress: ctx.progress });
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return withTransfer(buf, [buf]);
  },
  read: ({ bytes }, ctx) => readProject(new Uint8Array(bytes), ctx.progress),
});
