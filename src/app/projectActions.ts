/**
 * The Project control's actions: save the lab as a `.genrelab` file, and open one. Zipping,
 * hashing and every check run in the project worker; the lab is replaced only once the whole file
 * has passed them, and a refused file is shown in the control with the lab left as it was.
 */
import { version as appVersion } from '../../package.json';
import { CancelledError, isLabError, toErrorInfo } from '../core/errors';
import { exportFileName } from '../core/eval/tables';
import { PROJECT_EXTENSION } from '../core/project/archive';
import type { ProjectJobState } from '../state/lab';
import { collectProject, replaceLab } from '../state/project';
import { readProjectFile, writeProjectFile, type RunningJob } from '../workers/client';
import { labStore } from './store';

let running: RunningJob<unknown> | undefined;

function setProject(patch: ProjectJobState): void {
  labStore.setState({ project: patch });
}

function fail(e: unknown): void {
  if (isLabError(e) && e.code === 'cancelled') setProject({ status: 'cancelled', progress: 0, message: 'Stopped: nothing was changed.' });
  else setProject({ status: 'error', progress: 0, error: toErrorInfo(e) });
}

/** The project file of the lab as it is now: its name and bytes (the UI downloads it). */
export async function saveProject(): Promise<{ name: string; blob: Blob } | undefined> {
  running?.cancel();
  setProject({ status: 'saving', progress: 0 });
  try {
    const s = labStore.getState();
    const content = await collectProject(s);
    const job = writeProjectFile(content, appVersion, (f) => setProject({ status: 'saving', progress: f }));
    running = job;
    const buf = await job.promise;
    const stem = s.dataset ? s.dataset.name.replace(/\.[^.]*$/, '') : 'empty';
    const name = exportFileName(`genre-lab ${stem} ${new Date().toISOString().slice(0, 10)}`, PROJECT_EXTENSION.slice(1));
    setProject({ status: 'done', progress: 1, message: `Saved ${name}: ${content.cells.compare.length} Compare row(s), ${content.models.length} model(s)${s.dataset ? `, ${s.dataset.name}` : ''}.` });
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
    await replaceLab(labStore, content);
    setProject({
      status: 'done',
      progress: 1,
      message: `Opened ${file.name}: ${content.dataset ? `${content.dataset.name}, ` : ''}${content.cells.compare.length} Compare row(s), ${content.models.length} model(s).`,
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
