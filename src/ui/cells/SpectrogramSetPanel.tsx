import { LOG_MEL_BANDS, type LogMelBands } from '../../core/features/logMel';
import type { AudioInput } from '../../app/audioImportActions';
import { buildDemoSpectrograms, buildSpectrogramsFromFiles, cancelSpectrogramBuild } from '../../app/spectrogramActions';
import { labStore } from '../../app/store';
import { setParams } from '../../state/lab';
import { SelectField } from '../controls';
import { formatBytes } from '../format';
import { useLab } from '../store';
import { AudioPicker } from './AudioPicker';
import { BatchProgress } from './BatchProgress';

const fmtDuration = (sec: number) => (sec < 120 ? `${sec.toFixed(0)} s` : sec < 7200 ? `${(sec / 60).toFixed(1)} min` : `${(sec / 3600).toFixed(1)} h`);

/**
 * The CNNs' data: build a spectrogram set (one log-mel matrix per track) from a folder of audio
 * or the demo corpus, with progress, Cancel and failed files, and say what the current set is.
 */
export function SpectrogramSetPanel() {
  const build = useLab((s) => s.spectrogramBuild);
  const summary = useLab((s) => s.spectrograms);
  const storage = useLab((s) => s.spectrogramStorage);
  const nBands = useLab((s) => s.params.train.cnn.nBands);
  const running = build?.status === 'running';
  const start = (inputs: AudioInput[]) => void buildSpectrogramsFromFiles(inputs);
  return (
    <div className="subcell" data-testid="spectrograms">
      <h3>Spectrograms</h3>
      <p className="small">
        The CNNs learn from pictures of sound: a log-mel spectrogram per track (librosa’s settings: n_fft 2048, hop 512, Slaney mel, dB over the top 80 dB), computed in background workers.
        Drop a folder laid out like <code>genres_original/&lt;genre&gt;/*.wav</code> (or files named like <code>jazz.00012.wav</code>), or use the demo corpus. Each file’s spectrogram is cached in
        your browser, and the set stays after a reload.
      </p>
      <AudioPicker
        testId="spectro"
        running={running}
        onInputs={start}
        dropText="Drop audio files or a genre folder here to build a spectrogram set"
        extra={
          <>
            <SelectField
              label="Mel bands"
              value={String(nBands)}
              options={LOG_MEL_BANDS.map((b) => ({ value: String(b), label: `${b}${b === 128 ? ' (librosa’s default)' : ''}` }))}
              onChange={(v) => setParams(labStore, 'train', { cnn: { ...labStore.getState().params.train.cnn, nBands: Number(v) as LogMelBands } })}
              testId="spectro-bands"
            />
            <button type="button" onClick={() => void buildDemoSpectrograms()} disabled={running} data-testid="spectro-demo">
              Build from the demo corpus
            </button>
          </>
        }
      />
      <BatchProgress state={build} testId="spectro" verb="Computing spectrograms of" doneText="Spectrograms of" cancelledText="Cancelled; the spectrogram set used before is unchanged." onCancel={cancelSpectrogramBuild} />
      {summary ? (
        <p className="small" data-testid="spectro-summary">
          Current set: <b>{summary.name}</b> · <span data-testid="spectro-tracks">{summary.tracks}</span> tracks · {summary.genres.length} genres ({summary.genres.join(', ')}) ·{' '}
          <span data-testid="spectro-summary-bands">{summary.nBands}</span> mel bands · {fmtDuration(summary.durationSec)} of audio · {formatBytes(summary.bytes)} (uint8)
          {summary.failed.length > 0 && ` · ${summary.failed.length} file(s) failed`}
        </p>
      ) : (
        <p className="small muted" data-testid="spectro-none">
          No spectrogram set yet.
        </p>
      )}
      {storage && (
        <p className="small muted" data-testid="spectro-storage">
          Storage: the set needs about {formatBytes(storage.neededBytes)} in this browser (per-file cache + current set)
          {storage.freeBytes !== undefined ? `; ${formatBytes(storage.freeBytes)} was free` : ''}.{' '}
          {storage.persisted ? 'The browser granted persistent storage: it will not clear the set to make room.' : 'The browser did not grant persistent storage: it may clear the cache when disk space runs low (the set can be rebuilt).'}
        </p>
      )}
    </div>
  );
}
