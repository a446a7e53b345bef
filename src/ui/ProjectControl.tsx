/**
 * The outline's Project control: save the lab as a `.genrelab` file, open one, and whether the
 * lab is ready to work offline. What the buttons do lives in app/projectActions.
 */
import { useRef, useState } from 'react';
import { cancelProject, dismissProjectMessage, openProject, projectSpectrogramChoice, saveProject } from '../app/projectActions';
import type { SpectrogramStorageMode } from '../core/project/spectrograms';
import { PROJECT_EXTENSION } from '../core/project/archive';
import { ErrorBox } from './Cell';
import { downloadBlob } from './download';
import { formatBytes } from './format';
import { useLab } from './store';

const OFFLINE_TEXT = {
  unsupported: 'This browser cannot keep the lab for offline use.',
  dev: 'Offline use is off in the dev server.',
  installing: 'Preparing offline use…',
  ready: 'Ready offline: the lab opens without a network.',
  error: 'Could not prepare offline use (the lab still works online).',
} as const;

export function ProjectControl() {
  const job = useLab((s) => s.project);
  const offline = useLab((s) => s.offline);
  const input = useRef<HTMLInputElement>(null);
  const [setMode, setSetMode] = useState<SpectrogramStorageMode>('embedded');
  // Re-read when the set changes (its summary is in the store; its matrices are not).
  useLab((s) => s.spectrograms);
  const choice = projectSpectrogramChoice();
  const busy = job?.status === 'saving' || job?.status === 'opening';
  const mode = choice?.manifest ? setMode : 'embedded';
  const save = () =>
    void saveProject(mode).then((file) => {
      if (file) downloadBlob(file.name, file.blob);
    });
  return (
    <div className="project small" data-testid="project">
      <div className="project-buttons">
        <b>Project</b>{' '}
        <button type="button" onClick={save} disabled={busy} data-testid="project-save" title="Download the data, settings, results, Compare table and trained models as one .genrelab file">
          Save
        </button>{' '}
        <button type="button" onClick={() => input.current?.click()} disabled={busy} data-testid="project-open" title="Open a .genrelab file: it replaces the lab">
          Open…
        </button>
        <input
          ref={input}
          type="file"
          accept={`${PROJECT_EXTENSION},application/zip`}
          hidden
          data-testid="project-file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openProject(f);
          }}
        />
      </div>
      {choice && (
        <fieldset className="project-spectrograms" data-testid="project-spectrograms" disabled={busy}>
          <legend>
            Spectrogram set ({choice.tracks} tracks × {choice.bands} bands) in the project:
          </legend>
          <label>
            <input type="radio" name="project-spectrograms" checked={mode === 'embedded'} onChange={() => setSetMode('embedded')} data-testid="project-spectrograms-embedded" /> embedded,{' '}
            <span data-testid="project-spectrograms-embedded-size">{formatBytes(choice.bytes.embedded)}</span> (opens anywhere)
          </label>{' '}
          <label title={choice.manifest ? undefined : 'This set does not know the files it was built from (built before this version): it can only be embedded.'}>
            <input
              type="radio"
              name="project-spectrograms"
              checked={mode === 'manifest'}
              disabled={!choice.manifest}
              onChange={() => setSetMode('manifest')}
              data-testid="project-spectrograms-manifest"
            />{' '}
            files and hashes only, <span data-testid="project-spectrograms-manifest-size">{formatBytes(choice.bytes.manifest)}</span> (opens where this browser’s spectrogram cache, or the same audio files, are)
          </label>
        </fieldset>
      )}
      {busy && (
        <div className="runbar" data-testid="project-progress">
          <span>{job.status === 'saving' ? 'Saving…' : 'Opening…'}</span>
          <progress max={1} value={job.progress} aria-label="project progress" />
          <button type="button" onClick={cancelProject}>
            Cancel
          </button>
        </div>
      )}
      {job?.message && (
        <p className="muted" data-testid="project-message">
          {job.message}{' '}
          <button type="button" className="link" onClick={dismissProjectMessage}>
            ok
          </button>
        </p>
      )}
      <ErrorBox error={job?.error} onDismiss={dismissProjectMessage} />
      {offline && (
        <p className={offline === 'ready' ? 'offline-ready' : 'muted'} data-testid="offline-status" data-status={offline}>
          {OFFLINE_TEXT[offline]}
        </p>
      )}
    </div>
  );
}
