import { useEffect, useMemo, useRef, useState } from 'react';
import type { Envelope } from '../../core/audio/envelope';
import { Cell, ErrorBox } from '../Cell';
import { DropZone } from '../DropZone';
import { Plot } from '../charts/Plot';
import { genreColor } from '../charts/colors';
import { cancelSaliency, classifyAudioFile, currentClassifyFile, reclassify, setSaliencyMethod, toggleSaliency } from '../../app/classifyActions';
import { dequantiseLogMel } from '../../core/features/logMel';
import { melBandCentresHz } from '../../core/features/mel';
import { SpectrogramChart, type SpectrogramData } from '../charts/SpectrogramChart';
import { CLIP_SALIENCY_PATCH, SALIENCY_METHODS, timelineSpans, type SaliencyMethod } from '../../core/models/classifyAudio';
import type { ClassifyState, FeatureComparison, ModelClassification, WhyAnswer } from '../../state/classify';
import { featureComparisonTable, neighboursTable, occlusionTable } from '../../core/eval/tables';
import { ExportControl } from '../ExportControl';
import { useLab } from '../store';
import './ClassifyCell.css';
import { MeydaPanel } from './MeydaPanel';
import { MicRecorder } from './MicRecorder';
import { AddRecordingToSet } from './AddRecordingToSet';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
/** What a model's units are called in "vote of n …". */
const UNIT_NAMES: Record<ModelClassification['input'], string> = { 'feature-rows': 'segments', 'segment-sequences': 'sequences', 'spectrogram-crops': 'crops' };
const fmtTime = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;

/** Drop one audio file and classify it with every saved model. */
export function ClassifyCell() {
  const st = useLab((s) => s.classify);
  const nModels = useLab((s) => s.models.length);
  const input = useRef<HTMLInputElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const [timeSec, setTimeSec] = useState(0);
  const busy = st.status === 'decoding' || st.status === 'extracting' || st.status === 'classifying';
  const start = (f: File | undefined) => {
    if (!f) return;
    setTimeSec(0);
    void classifyAudioFile(f);
  };

  // The playhead follows the audio every frame while it plays (timeupdate alone is ~4 Hz).
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    let raf = 0;
    const tick = () => {
      setTimeSec(el.currentTime);
      if (!el.paused) raf = requestAnimationFrame(tick);
    };
    const onPlay = () => (raf = requestAnimationFrame(tick));
    el.addEventListener('play', onPlay);
    el.addEventListener('seeked', tick);
    el.addEventListener('timeupdate', tick);
    return () => {
      cancelAnimationFrame(raf);
      el.removeEventListener('play', onPlay);
      el.removeEventListener('seeked', tick);
      el.removeEventListener('timeupdate', tick);
    };
  }, [st.audioUrl]);

  const seek = (fraction: number) => {
    const el = audio.current;
    if (el && st.durationSec) el.currentTime = fraction * st.durationSec;
  };

  return (
    <Cell
      id="classify"
      title="Classify a recording"
      intro={
        <>
          Drop one audio file (WAV, MP3, FLAC or OGG) and a k-NN on the loaded table and every saved model classify it: the lab computes the features each model was trained on (its recipe) from the audio, then runs the
          model. When the loaded table has this track (e.g. <code>metal.00000.wav</code> is the row <code>metal.00000.au</code> of <code>features_30_sec.csv</code>), the model also reads the table’s
          row — the same answer from both means our audio features match the published ones.
        </>
      }
    >
      <DropZone testId="classify-drop-zone" onDrop={(dt) => start(dt.files[0])} onActivate={() => input.current?.click()}>
        {st.fileName ? (
          <>
            <b>{st.fileName}</b> — drop or click for another file
          </>
        ) : (
          'Drop an audio file here, or click to pick one'
        )}
      </DropZone>
      <MicRecorder busy={busy} onRecorded={start} />
      {!busy && st.fileName?.startsWith('microphone-') && <AddRecordingToSet key={st.fileName} fileName={st.fileName} />}
      <input ref={input} type="file" accept="audio/*,.wav,.mp3,.flac,.ogg" hidden data-testid="classify-input" onChange={(e) => { start(e.target.files?.[0]); e.target.value = ''; }} />
      {nModels === 0 && <p className="muted small">No saved neural models yet — a k-NN on the loaded table (with the k-NN cell’s settings) classifies meanwhile; models you train in the Train cell are saved and used here automatically.</p>}
      <ErrorBox error={st.error} />
      {busy && (
        <div className="runbar" data-testid="classify-progress">
          <span>{st.progressLabel}</span>
          <progress max={1} value={st.progress > 0 ? st.progress : undefined} aria-label="classify progress" />
        </div>
      )}
      {st.envelope && st.durationSec !== undefined && st.audioUrl && (
        <div className="classify-player">
          <Waveform envelope={st.envelope} fraction={timeSec / st.durationSec} onSeek={seek} />
          <ClipSpectrogram st={st} timeSec={timeSec} onSeek={(sec) => seek(sec / (st.durationSec || 1))} />
          <div className="classify-audio-row">
            <audio ref={audio} src={st.audioUrl} controls data-testid="classify-audio" />
            <span className="muted small" data-testid="classify-time">
              {fmtTime(timeSec)} / {fmtTime(st.durationSec)} · track <code>{st.trackId}</code>
              {st.tableName ? <> · in {st.tableName}</> : null}
            </span>
          </div>
        </div>
      )}
      {st.results.length > 0 && st.durationSec !== undefined && (
        <div className="classify-results" data-testid="classify-results" data-file={st.fileName}>
          {st.results.map((r) => (
            <ModelBlock key={r.modelId} r={r} durationSec={st.durationSec ?? 0} fraction={timeSec / (st.durationSec || 1)} overlayShown={st.overlayModelId === r.modelId} />
          ))}
        </div>
      )}
      {st.status === 'done' && st.modelCount !== nModels && (
        <p className="small">
          The saved models changed since this file was classified.{' '}
          <button type="button" onClick={() => void reclassify()} data-testid="classify-again">
            Classify again
          </button>
        </p>
      )}
      {st.status === 'done' && st.results.length === 0 && nModels > 0 && <p className="muted">None of the saved models could be read.</p>}
      {st.features.map((f) => (
        <FeatureTable key={f.recipe} f={f} tableName={st.tableName} />
      ))}
      {st.audioUrl && st.status !== 'decoding' && currentClassifyFile() && <MeydaPanel key={st.fileName} file={currentClassifyFile()!} />}
    </Cell>
  );
}

function Waveform({ envelope, fraction, onSeek }: { envelope: Envelope; fraction: number; onSeek(f: number): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#4a6fa5';
    const n = envelope.min.length;
    const mid = h / 2;
    // scaled to the clip's peak so a quiet recording is still visible
    const scale = envelope.peak > 0 ? (mid * 0.95) / envelope.peak : 0;
    for (let b = 0; b < n; b++) {
      const x = (b / n) * w;
      const top = mid - (envelope.max[b] as number) * scale;
      const bottom = mid - (envelope.min[b] as number) * scale;
      ctx.fillRect(x, top, Math.max(1, w / n), Math.max(1, bottom - top));
    }
  }, [envelope]);
  return (
    <div
      className="classify-wave"
      data-testid="classify-waveform"
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onSeek((e.clientX - box.left) / box.width);
      }}
    >
      <canvas ref={canvas} aria-label="waveform" />
      <div className="classify-playhead" data-testid="classify-playhead" style={{ left: `${Math.min(100, Math.max(0, fraction * 100))}%` }} />
    </div>
  );
}

function ProbabilityBars({ genres, probabilities, testId }: { genres: string[]; probabilities: number[]; testId: string }) {
  const data = useMemo(
    () => [
      {
        type: 'bar',
        orientation: 'h',
        y: genres,
        x: probabilities,
        marker: { color: genres.map(genreColor) },
        text: probabilities.map(pct),
        textposition: 'outside',
        cliponaxis: false,
        hovertemplate: '%{y}: %{x:.1%}<extra></extra>',
      },
    ],
    [genres, probabilities],
  );
  // Room on the left for the longest genre name (~7 px per character at Plotly's 12 px font).
  const left = Math.min(180, Math.max(60, 12 + 7 * Math.max(...genres.map((g) => g.length))));
  const layout = useMemo(() => ({ margin: { l: left, r: 50, t: 10, b: 30 }, xaxis: { range: [0, 1.12], tickformat: '.0%' }, yaxis: { autorange: 'reversed' }, showlegend: false }), [left]);
  return <Plot data={data} layout={layout} height={Math.max(140, 22 * genres.length + 40)} testId={testId} ariaLabel="genre probabilities" />;
}

function Timeline({ units, durationSec, fraction }: { units: NonNullable<ModelClassification['fromAudio']>['units']; durationSec: number; fraction: number }) {
  const spans = timelineSpans(units, durationSec);
  return (
    <div className="classify-timeline" data-testid="segment-timeline">
      {spans.map((s, i) => (
        <div key={i} className="classify-span" data-testid="segment-genre" data-genre={s.genre} title={s.label} style={{ left: `${s.leftPct}%`, width: `${s.widthPct}%`, background: genreColor(s.genre) }}>
          {s.widthPct > 6 ? s.genre : ''}
        </div>
      ))}
      <div className="classify-playhead" style={{ left: `${Math.min(100, Math.max(0, fraction * 100))}%` }} />
    </div>
  );
}

function GenreTag({ genre, testId }: { genre: string; testId: string }) {
  return (
    <span className="classify-genre" data-testid={testId} style={{ borderColor: genreColor(genre), color: genreColor(genre) }}>
      {genre}
    </span>
  );
}

/**
 * The clip's log-mel spectrogram as the spectrogram model in view reads it (the one whose saliency
 * is shown, else the first), with that model's crop boundaries, its saliency overlay when shown,
 * and the playhead. Nothing when no saved model reads spectrograms.
 */
function ClipSpectrogram({ st, timeSec, onSeek }: { st: ClassifyState; timeSec: number; onSeek(sec: number): void }) {
  const cnns = st.results.filter((r) => r.spectrogramKey && st.spectrograms?.[r.spectrogramKey]);
  const shown = cnns.find((r) => r.modelId === st.overlayModelId) ?? cnns[0];
  const view = shown?.spectrogramKey ? st.spectrograms?.[shown.spectrogramKey] : undefined;
  const data = useMemo<SpectrogramData | undefined>(
    () => (view ? { db: dequantiseLogMel(view.mel), nBands: view.mel.nBands, nFrames: view.mel.nFrames, hopSamples: view.hopSamples, sampleRateHz: view.sampleRateHz, bandCentresHz: melBandCentresHz(view.mel.nBands, view.sampleRateHz) } : undefined),
    [view],
  );
  if (!shown || !data) return null;
  const units = shown.fromAudio?.units ?? [];
  const boundariesSec = units.length ? [...units.map((u) => u.startSec), units[units.length - 1]!.endSec ?? 0] : [];
  const sal = shown.saliency;
  const overlay = sal?.status === 'done' && sal.map ? { values: sal.map, nFrames: sal.nFrames, visible: st.overlayModelId === shown.modelId } : undefined;
  return (
    <SpectrogramChart
      data={data}
      options={{
        testId: 'classify-spectrogram',
        ariaLabel: `log-mel spectrogram of ${st.fileName ?? 'the clip'}`,
        title: `Log-mel spectrogram (${data.nBands} bands) as ${shown.name} reads it; dashed lines: its ${units.length} crop${units.length === 1 ? '' : 's'}${overlay?.visible ? `; red: where hiding the sound lowers “${sal?.genre}” most` : ''}`,
        boundariesSec,
        overlay,
        playheadSec: timeSec,
        onSeek,
      }}
    />
  );
}

const SALIENCY_LABELS: Record<SaliencyMethod, string> = {
  'grad-cam': 'Grad-CAM (the last feature maps weighted by their gradient: one backward pass per crop)',
  occlusion: `occlusion (each ${CLIP_SALIENCY_PATCH.patchBands} bands × ${CLIP_SALIENCY_PATCH.patchFrames} frames patch of every crop hidden in turn: slower)`,
};

/** "Why this genre?" for a spectrogram model: its saliency on the spectrogram above, computed on first use. */
function SaliencyToggle({ r, shown }: { r: ModelClassification; shown: boolean }) {
  const sal = r.saliency;
  const genre = r.fromAudio?.voteGenre ?? '';
  const method = useLab((s) => s.classify.saliencyMethod) ?? 'grad-cam';
  return (
    <div className="small" data-testid="saliency" data-status={sal?.status ?? 'none'} data-method={sal?.method ?? ''}>
      <label>
        <input type="checkbox" checked={shown} onChange={() => void toggleSaliency(r.modelId)} data-testid="saliency-toggle" /> Why {genre}? Show where in the spectrogram the model heard it
      </label>{' '}
      <label>
        by{' '}
        <select value={method} onChange={(e) => void setSaliencyMethod(e.target.value as SaliencyMethod)} data-testid="saliency-method">
          {SALIENCY_METHODS.map((m) => (
            <option key={m} value={m}>
              {SALIENCY_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      {sal?.status === 'running' && (
        <span className="runbar" data-testid="saliency-progress">
          <progress max={1} value={sal.progress > 0 ? sal.progress : undefined} aria-label="saliency progress" />
          <button type="button" onClick={() => cancelSaliency(r.modelId)}>
            Cancel
          </button>
        </span>
      )}
      {sal?.status === 'error' && <ErrorBox error={sal.error} />}
    </div>
  );
}

function ModelBlock({ r, durationSec, fraction, overlayShown }: { r: ModelClassification; durationSec: number; fraction: number; overlayShown: boolean }) {
  const head = (
    <div className="classify-model-head">
      <b>{r.name}</b>
      <span className="tag">{r.kind}</span>
      <span className="tag">{r.recipe ?? 'unknown recipe'}</span>
      {r.members > 1 && <span className="tag">ensemble of {r.members}</span>}
    </div>
  );
  if (r.incompatible || !r.fromAudio)
    return (
      <div className="classify-model" data-testid="model-prediction" data-model-id={r.modelId}>
        {head}
        <p className="note small" data-testid="model-incompatible" data-code={r.incompatible?.code}>
          Cannot classify this audio: {r.incompatible?.message ?? 'no prediction'}
        </p>
      </div>
    );
  const a = r.fromAudio;
  const segments = a.units.length;
  const agree = r.fromTable ? r.fromTable.voteGenre === a.voteGenre : undefined;
  return (
    <div className="classify-model" data-testid="model-prediction" data-model-id={r.modelId}>
      {head}
      <div className="classify-model-body">
        <div>
          <div className="prediction" data-testid="prediction">
            <div>
              From the audio: <GenreTag genre={a.voteGenre} testId="from-audio" />
              {segments > 1 && (
                <span className="muted small">
                  {' '}
                  vote of {segments} {UNIT_NAMES[r.input]} ({a.votes[a.genres.indexOf(a.voteGenre)]}/{segments}); highest mean probability: {a.meanGenre}
                </span>
              )}
            </div>
            {a.warning && (
              <div className="note small" data-testid="prediction-warning">
                {a.warning}
              </div>
            )}
            {r.fromTable && (
              <div>
                From the table row{r.fromTable.units.length > 1 ? 's' : ''}: <GenreTag genre={r.fromTable.voteGenre} testId="from-table" />{' '}
                <span className={agree ? 'classify-agree' : 'classify-disagree'} data-testid="table-agreement">
                  {agree ? '✓ same answer' : '✗ different answer'}
                </span>
                {r.tableGenre && <span className="muted small"> · labelled {r.tableGenre} in the table</span>}
              </div>
            )}
            {r.tableNote && <div className="muted small">No table comparison: {r.tableNote}</div>}
          </div>
          <div className="small muted">
            {r.input === 'spectrogram-crops'
              ? `Per crop of ${a.units[0]?.endSec !== null && a.units[0] ? (a.units[0].endSec - a.units[0].startSec).toFixed(2) : '?'} s of the spectrogram (click the waveform or the spectrogram to listen):`
              : `Per ${r.input === 'segment-sequences' ? `sequence of ${a.units[0] ? a.units[0].lastSegment - a.units[0].firstSegment + 1 : 0} segments` : 'segment'} (${r.recipe}; click the waveform to listen):`}
          </div>
          <Timeline units={a.units} durationSec={durationSec} fraction={fraction} />
          {r.unusedSegments ? <div className="muted small">The last {r.unusedSegments} segment(s) do not fill a whole sequence and were left out.</div> : null}
        </div>
        <ProbabilityBars genres={a.genres} probabilities={a.meanProbabilities} testId="classify-probabilities" />
      </div>
      {r.why && <WhyPanel why={r.why} units={a.units} name={r.name} />}
      {r.spectrogramKey && <SaliencyToggle r={r} shown={overlayShown} />}
    </div>
  );
}

/** Features listed by occlusion: the largest effects are the ones worth reading. */
const TOP_EFFECTS = 10;

function WhyPanel({ why, units, name }: { why: WhyAnswer; units: NonNullable<ModelClassification['fromAudio']>['units']; name: string }) {
  const [unit, setUnit] = useState(0);
  if (why.kind === 'unavailable')
    return (
      <p className="muted small" data-testid="why-answer" data-kind="unavailable">
        Why this answer: {why.reason}
      </p>
    );
  if (why.kind === 'neighbours') {
    const u = Math.min(unit, why.units.length - 1);
    const list = why.units[u] ?? [];
    return (
      <details className="classify-why" data-testid="why-answer" data-kind="neighbours">
        <summary>Why this answer? The {list.length} nearest tracks in the table</summary>
        {why.units.length > 1 && (
          <label className="small">
            Segment{' '}
            <select value={u} onChange={(e) => setUnit(Number(e.target.value))} data-testid="why-segment">
              {why.units.map((_, i) => (
                <option key={i} value={i}>
                  {i + 1} ({units[i]?.genre ?? '?'})
                </option>
              ))}
            </select>{' '}
            of {why.units.length}: each segment is answered by its own neighbours, then the segments vote.
          </label>
        )}
        <table className="metrics small" data-testid="why-neighbours">
          <thead>
            <tr>
              <th>neighbour</th>
              <th>genre</th>
              <th>distance</th>
              <th>vote share</th>
            </tr>
          </thead>
          <tbody>
            {list.map((n) => (
              <tr key={n.id} data-testid="why-neighbour" data-genre={n.genre}>
                <td>
                  <code>{n.id}</code>
                </td>
                <td>{n.genre}</td>
                <td className="num">{n.distance.toFixed(3)}</td>
                <td className="num">{pct(n.weight)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ExportControl name={`${name} neighbours segment ${u + 1}`} table={() => neighboursTable(list)} testId="why-export" />
      </details>
    );
  }
  const top = why.effects.slice(0, TOP_EFFECTS);
  return (
    <details className="classify-why" data-testid="why-answer" data-kind="occlusion">
      <summary>
        Why this answer? The features that moved “{why.genre}” most ({pct(why.baseProbability)} with every feature as heard)
      </summary>
      <p className="muted small">Each feature in turn set to its training mean: how much the probability of {why.genre} drops (positive: the feature's value argued for it).</p>
      <table className="metrics small" data-testid="why-features">
        <thead>
          <tr>
            <th>feature</th>
            <th>change in probability</th>
          </tr>
        </thead>
        <tbody>
          {top.map((e) => (
            <tr key={e.feature} data-testid="why-feature">
              <td>
                <code>{e.feature}</code>
              </td>
              <td className="num">{`${e.change >= 0 ? '+' : '−'}${(Math.abs(e.change) * 100).toFixed(1)} points`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ExportControl name={`${name} feature effects`} table={() => occlusionTable(why.effects)} testId="why-export" />
    </details>
  );
}

function FeatureTable({ f, tableName }: { f: FeatureComparison; tableName?: string }) {
  const hasTable = f.rows.some((r) => r.table !== undefined);
  return (
    <details className="classify-features" data-testid="classify-features">
      <summary>
        {f.recipe} features of the first segment{hasTable ? <> next to the table row in {tableName}</> : null}
      </summary>
      <ExportControl name={`${f.recipe} features`} table={() => featureComparisonTable(f.rows)} testId="features-export" />
      <div className="table-scroll">
        <table className="metrics small">
          <thead>
            <tr>
              <th>feature</th>
              <th>from audio</th>
              {hasTable && (
                <>
                  <th>table</th>
                  <th>relative difference</th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {f.rows.map((r) => (
              <tr key={r.name}>
                <td>
                  <code>{r.name}</code>
                </td>
                <td className="num">{r.audio.toPrecision(6)}</td>
                {hasTable && (
                  <>
                    <td className="num">{r.table?.toPrecision(6) ?? '—'}</td>
                    <td className="num">{r.relDiff === undefined ? '—' : r.relDiff < 1e-4 ? '< 0.01 %' : pct(r.relDiff)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
