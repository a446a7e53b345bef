import type { AudioInput } from '../../app/audioImportActions';
import { buildSpectrogramsFromFiles, cancelSpectrogramBuild } from '../../app/spectrogramActions';
import { useLab } from '../store';
import { AudioPicker } from './AudioPicker';
import { BatchProgress } from './BatchProgress';

/**
 * The second labelled folder a preset evaluates on (the Toronto new-data evaluation): dropped or
 * picked like the Spectrograms section's folder, built by the same extraction pool and per-file
 * cache (progress, Cancel, failed files), with the current set's mel settings. Test ids `eval-audio-*`.
 */
export function EvalAudioPanel() {
  const build = useLab((s) => s.evalSpectrogramBuild);
  const summary = useLab((s) => s.evalSpectrograms);
  const current = useLab((s) => s.spectrograms);
  const running = build?.status === 'running';
  const start = (inputs: AudioInput[]) => void buildSpectrogramsFromFiles(inputs, 'evaluation');
  return (
    <div className="subcell" data-testid="eval-audio">
      <h5>New songs to evaluate on</h5>
      <p className="small">
        A second labelled folder (<code>&lt;genre&gt;/*.wav</code> sub-folders, or files named like <code>jazz.00012.wav</code>): the CNN trained on the current spectrogram set is scored on it.
        {current ? ` Its spectrograms are made like the current set’s (${current.nBands} mel bands).` : ' Build the current spectrogram set first, so these are made with its mel settings.'}
      </p>
      <AudioPicker testId="eval-audio" running={running} onInputs={start} dropText="Drop the folder of new songs here" />
      <BatchProgress
        state={build}
        testId="eval-audio"
        verb="Computing spectrograms of"
        doneText="Spectrograms of"
        cancelledText="Cancelled; the evaluation set used before is unchanged."
        onCancel={() => cancelSpectrogramBuild('evaluation')}
      />
      {summary ? (
        <p className="small" data-testid="eval-audio-summary">
          Evaluation set: <b>{summary.name}</b> · <span data-testid="eval-audio-tracks">{summary.tracks}</span> tracks · {summary.genres.length} genre{summary.genres.length === 1 ? '' : 's'} (
          <span data-testid="eval-audio-genres">{summary.genres.join(', ')}</span>) · {summary.nBands} mel bands
          {summary.failed.length > 0 && ` · ${summary.failed.length} file(s) failed`}
        </p>
      ) : (
        <p className="small muted" data-testid="eval-audio-none">
          No evaluation folder yet.
        </p>
      )}
    </div>
  );
}
