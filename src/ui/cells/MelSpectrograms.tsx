import { useMemo } from 'react';
import { dequantiseLogMel } from '../../core/features/logMel';
import { melBandCentresHz } from '../../core/features/mel';
import { TRACKS_PER_GENRE } from '../../app/melSpectrogramActions';
import { labStore } from '../../app/store';
import { setParams } from '../../state/lab';
import type { MelViewItem } from '../../state/melViews';
import { ErrorBox } from '../Cell';
import { SpectrogramChart, type SpectrogramData } from '../charts/SpectrogramChart';
import { MultiPicker } from '../controls';
import { useLab } from '../store';

/** Explore's "mel spectrograms per genre": a few tracks of each chosen genre side by side. */
export function MelSpectrograms({ genres }: { genres: readonly string[] }) {
  const chosen = useLab((s) => s.params.melSpectrograms.genres);
  const mv = useLab((s) => s.melViews);
  return (
    <section className="subcell" data-testid="mel-spectrograms" data-status={mv?.status ?? 'idle'}>
      <h3>Mel spectrograms per genre</h3>
      <p className="muted small">
        What a CNN sees: each clip’s log-mel spectrogram (128 Slaney mel bands, librosa’s defaults; colour: dB below the clip’s loudest point, over 80 dB), time across, pitch up. Compare
        two genres that sound far apart — rhythm shows as vertical stripes, sustained notes as horizontal lines, noise as a wash. The first {TRACKS_PER_GENRE} tracks of each genre.
      </p>
      <MultiPicker label="Genres" options={genres} value={chosen} onChange={(g) => setParams(labStore, 'melSpectrograms', { genres: g })} testId="mel-genres" max={4} />
      {mv?.status === 'no-audio' ? (
        <p className="note small" data-testid="mel-no-audio">
          This dataset is a feature table: it has no audio to draw spectrograms from. To see them, build a dataset from audio in the Data cell (drop a folder of clips such as GTZAN’s{' '}
          <code>genres_original</code>) or open the demo corpus. Audio dropped in an earlier session is not kept after a reload: drop it again.
        </p>
      ) : mv ? (
        <>
          {mv.status === 'running' && (
            <p className="muted small" data-testid="mel-progress">
              Computing spectrograms in a worker… {mv.done} of {mv.items.length}
            </p>
          )}
          <div className="spectrogram-genres" style={{ display: 'grid', gridTemplateColumns: `repeat(${Math.max(1, chosen.length)}, minmax(0, 1fr))`, gap: 12 }}>
            {chosen.map((g) => (
              <div key={g} data-testid="mel-genre" data-genre={g}>
                <h4>{g}</h4>
                {mv.items.filter((i) => i.genre === g).map((i) => (
                  <TrackSpectrogram key={i.trackId} item={i} />
                ))}
                {!mv.items.some((i) => i.genre === g) && <p className="muted small">No track of {g} has audio here.</p>}
              </div>
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}

function TrackSpectrogram({ item }: { item: MelViewItem }) {
  const v = item.view;
  const data = useMemo<SpectrogramData | undefined>(
    () => (v ? { db: dequantiseLogMel(v.mel), nBands: v.mel.nBands, nFrames: v.mel.nFrames, hopSamples: v.hopSamples, sampleRateHz: v.sampleRateHz, bandCentresHz: melBandCentresHz(v.mel.nBands, v.sampleRateHz) } : undefined),
    [v],
  );
  if (item.error) return <ErrorBox error={{ ...item.error, message: `${item.trackId}: ${item.error.message}` }} />;
  if (!data) return <p className="muted small">{item.trackId}: computing…</p>;
  return <SpectrogramChart data={data} options={{ testId: 'genre-spectrogram', title: item.trackId, ariaLabel: `log-mel spectrogram of ${item.trackId}`, height: 110 }} />;
}
