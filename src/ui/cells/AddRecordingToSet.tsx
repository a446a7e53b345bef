/**
 * Under a microphone recording in the Classify cell: label it with a genre and add it to the
 * spectrogram set, as one more training track for the CNNs (spectrogramActions computes it like a
 * dropped file in a `<genre>/` folder, and the grown set is saved).
 */
import { useState } from 'react';
import { currentClassifyFile } from '../../app/classifyActions';
import { addRecordingToSpectrogramSet } from '../../app/spectrogramActions';
import { LabError, toErrorInfo, type ErrorInfo } from '../../core/errors';
import { ErrorBox } from '../Cell';
import { useLab } from '../store';

export function AddRecordingToSet({ fileName }: { fileName: string }) {
  const summary = useLab((s) => s.spectrograms);
  const building = useLab((s) => s.spectrogramBuild?.status === 'running');
  const [genre, setGenre] = useState('');
  const [state, setState] = useState<{ status: 'running' } | { status: 'done'; trackId: string; tracks: number; file: string } | { status: 'error'; error: ErrorInfo }>();
  if (!summary)
    return (
      <p className="small muted" data-testid="mic-add-none">
        To train a CNN on this recording too, build a spectrogram set first (Train cell: a CNN model, then Spectrograms); then label the recording here and add it.
      </p>
    );
  const add = async () => {
    setState({ status: 'running' });
    try {
      // The recording on display (kept across reloads by the Classify cell).
      const file = currentClassifyFile();
      if (!file || file.name !== fileName) throw new LabError('bad-argument', `${fileName} is no longer loaded in this cell: record it again.`);
      setState({ status: 'done', file: file.name, ...(await addRecordingToSpectrogramSet(file, genre)) });
    } catch (e) {
      setState({ status: 'error', error: toErrorInfo(e) });
    }
  };
  const running = state?.status === 'running';
  return (
    <div className="small" data-testid="mic-add" data-file={fileName}>
      <label>
        Add this recording to the spectrogram set “{summary.name}” as genre{' '}
        <input list="mic-add-genres" value={genre} onChange={(e) => setGenre(e.target.value)} placeholder={summary.genres[0] ?? 'jazz'} size={16} data-testid="mic-add-genre" />
      </label>
      <datalist id="mic-add-genres">
        {summary.genres.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>{' '}
      <button type="button" onClick={() => void add()} disabled={running || building || !genre.trim()} data-testid="mic-add-button">
        Add to the set
      </button>{' '}
      {running && <span data-testid="mic-add-running">computing its spectrogram…</span>}
      {state?.status === 'done' && state.file === fileName && (
        <span data-testid="mic-added">
          Added as track <code>{state.trackId}</code>: the set has {state.tracks} tracks now.
        </span>
      )}
      <ErrorBox error={state?.status === 'error' ? state.error : undefined} />
    </div>
  );
}
