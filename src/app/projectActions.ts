/**
 * The Project control's actions: save the lab as a `.genrelab` file, and open one. Zipping,
 * hashing and every check run in the project worker; the lab is replaced only once the whole file
 * has passed them, and a refused file is shown in the control with the lab left as it was.
 */
import { version as appVersion } from '../../package.json';
import { CancelledError, isLabError, toErrorInfo } from '../core/errors';
import { exportFileName } from '../core/eval/tables';
import { PROJECT_EXTENSION } from '../core/project/archive';
import { canNameByFiles, spectrogramStorageBytes, type SpectrogramStorageMode } from '../core/project/spectrograms';
import type { ProjectJobState } from '../state/lab';
import { collectProject, replaceLab } from '../state/project';
import { readProjectFile, writeProjectFile, type RunningJob } from '../workers/client';
import { currentSpectrogramSet, installSpectrogramSet, resolveProjectSpectrograms } from './spectrogramActions';
import { labStore } from './store';

let running: RunningJob<unknown> | undefined;

function setProject(patch: ProjectJobState): void {
  labStore.setState({ project: patch });
}

function fail(e: unknown): void {
  if (isLabError(e) && e.code === 'cancelled') setProject({ status: 'cancelled', progress: 0, message: 'Stopped: nothing was changed.' });
  else setProject({ status: 'error', progress: 0, error: toErrorInfo(e) });
}

/**
 * How the current spectrogram set can go into a project, with what each way costs (bytes before
 * zipping); undefined without a set. `manifest` is offered only when every track knows its file.
 */
export function projectSpectrogramChoice(): { tracks: number; bands: number; bytes: Record<SpectrogramStorageMode, number>; manifest: boolean } | undefined {
  const set = currentSpectrogramSet();
  if (!set) return undefined;
  return { tracks: set.tracks.length, bands: set.params.nBands, bytes: spectrogramStorageBytes(set), manifest: canNameByFiles(set) };
}

const SET_WORDS: Record<SpectrogramStorageMode, string> = { embedded: 'embedded', manifest: 'named by its files' };

/**
 * The project file of the lab as it is now: its name and bytes (the UI downloads it). The current
 * spectrogram set goes in as `spectrograms` says: embedded, or a manifest of its files.
 */
export async function saveProject(spectrograms: SpectrogramStorageMode = 'embedded'): Promise<{ name: string; blob: Blob } | undefined> {
  running?.cancel();
  setProject({ status: 'saving', progress: 0 });
  try {
    const s = labStore.getState();
    const content = await collectProject(s);
    const set = currentSpectrogramSet();
    const mode = spectrograms === 'manifest' && set && !canNameByFiles(set) ? 'embedded' : spectrograms;
    const job = writeProjectFile(content, appVersion, (f) => setProject({ status: 'saving', progress: f }), set ? { set, mode } : undefined);
    running = job;
    const buf = await job.promise;
    const stem = s.dataset ? s.dataset.name.replace(/\.[^.]*$/, '') : 'empty';
    const name = exportFileName(`genre-lab ${stem} ${new Date().toISOString().slice(0, 10)}`, PROJECT_EXTENSION.slice(1));
    const setText = set ? `, spectrogram set of ${set.tracks.length} tracks × ${set.params.nBands} bands (${SET_WORDS[mode]})` : '';
    setProject({ status: 'done', progress: 1, message: `Saved ${name}: ${content.cells.compare.length} Compare row(s), ${content.models.length} model(s)${s.dataset ? `, ${s.dataset.name}` : ''}${setText}.` });
    return { name, blob: new Blob([buf], { type: 'application/zip' }) };
  } catch (e) {
    fail(e);
    return undefined;
  } finally {
    running = undefined;
  }
}

/** Open a project file: read and check it all in the worker, then replace the lab in one step. */
export async function openProject(file: File): Promise<void> {
  running?.cancel();
  setProject({ status: 'opening', progress: 0 });
  try {
    const bytes = await file.arrayBuffer();
    const job = readProjectFile(bytes, (f) => setProject({ status: 'opening', progress: f }));
    running = job;
    const { content } = await job.promise;
    if (running !== job) throw new CancelledError();
    // The set first: a cached matrix that differs from the saved one refuses the whole file.
    const sp = content.spectrograms ? await resolveProjectSpectrograms(content.spectrograms) : undefined;
    if (running !== job) throw new CancelledError();
    // A project without a set leaves the current one (it is the audio's, not the project's); a set it names but this browser lacks is cleared, not mixed up with another.
    if (sp) await installSpectrogramSet('set' in sp ? sp.set : undefined, () => replaceLab(labStore, content));
    else await replaceLab(labStore, content);
    const setText = !sp ? '' : 'set' in sp ? `, spectrogram set of ${sp.set.tracks.length} tracks × ${sp.set.params.nBands} bands` : '';
    const missing =
      sp && 'missing' in sp
        ? ` Its spectrogram set was not restored: ${sp.missing.length} file(s) are not in this browser's spectrogram cache: ${sp.missing.slice(0, 8).join(', ')}${sp.missing.length > 8 ? `, … (${sp.missing.length - 8} more)` : ''}. ${sp.demoBands ? `They are the synthetic demo corpus's clips: build its set at ${sp.demoBands} mel bands in Train → Spectrograms` : 'Drop them on Train → Spectrograms (they are cached as they are analysed)'}, then open the project again.`
        : '';
    setProject({
      status: 'done',
      progress: 1,
      message: `Opened ${file.name}: ${content.dataset ? `${content.dataset.name}, ` : ''}${content.cells.compare.length} Compare row(s), ${content.models.length} model(s)${setText}.${missing}`,
    });
  } catch (e) {
    fail(e);
  } finally {
    running = undefined;
  }
}

export function cancelProject(): void {
  running?.cancel();
}

export function dismissProjectMessage(): void {
  labStore.setState({ project: undefined });
}
