/// <reference lib="webworker" />
/** Writes and reads `.genrelab` project files (core/project) so zipping and hashing never stall the page. */
import { readProject, writeProject } from '../core/project/archive';
import { projectSpectrogramsOf } from '../core/project/spectrograms';
import type { ProjectApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

serve<ProjectApi>({
  write: async ({ content, appVersion, spectrograms }, ctx) => {
    const withSet = spectrograms ? { ...content, spectrograms: await projectSpectrogramsOf(spectrograms.set, spectrograms.mode) } : content;
    const bytes = await writeProject(withSet, { appVersion, onProgress: ctx.progress });
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return withTransfer(buf, [buf]);
  },
  read: ({ bytes }, ctx) => readProject(new Uint8Array(bytes), ctx.progress),
});
