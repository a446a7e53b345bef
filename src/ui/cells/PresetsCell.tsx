import { useState } from 'react';
import { figureHistogram, formatPresetValue, presetAvailability, presetsByPaper, presetTableText } from '../../core/presets/registry';
import type { Preset, PresetFigure, PresetResult, PresetTable } from '../../core/presets/types';
import { setParams, type PresetRun } from '../../state/lab';
import { cancelPreset, runPreset } from '../../app/presetActions';
import { openSpectrogramSection } from '../../app/trainActions';
import { labStore } from '../../app/store';
import { Cell, ErrorBox, RunBar } from '../Cell';
import { NumberField, SelectField } from '../controls';
import { ExportControl } from '../ExportControl';
import { Bars } from '../charts/Bars';
import { ConfusionMatrix } from '../charts/ConfusionMatrix';
import { GenreHistogram } from '../charts/GenreHistogram';
import { Heatmap } from '../charts/Heatmap';
import { useLab } from '../store';
import { EvalAudioPanel } from './EvalAudioPanel';

/** The Train cell's Spectrograms section, where an audio preset's data is built: shown (a spectrogram model chosen), then scrolled to. */
function goToSpectrograms(): void {
  openSpectrogramSection();
  // After React has drawn the section the model choice just revealed.
  requestAnimationFrame(() => document.querySelector('[data-testid="spectrograms"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
}

export function PresetsCell() {
  const p = useLab((s) => s.params.presets);
  const set = (patch: Partial<typeof p>) => setParams(labStore, 'presets', patch);
  return (
    <Cell
      id="presets"
      title="Paper presets"
      intro={
        <p>
          Each preset loads a published study’s settings, runs it on the loaded table and shows our number next to the paper’s, with the places where our setup differs. They run in the training worker
          (neural ones need TensorFlow.js) and give the same numbers as <code>npm run lab -- preset run &lt;id&gt;</code> for the same seed. <em>Quick</em> runs a reduced protocol (fewer models
          or epochs) and says so in its result.
        </p>
      }
    >
      <div className="controls">
        <NumberField label="Seed" value={p.seed} min={0} onChange={(seed) => set({ seed })} testId="preset-seed" />
        <SelectField label="Effort" value={p.effort} options={[{ value: 'full', label: 'full (the paper’s protocol)' }, { value: 'quick', label: 'quick (reduced, labelled)' }]} onChange={(effort) => set({ effort })} testId="preset-effort" />
      </div>
      {presetsByPaper().map((g) => (
        <section key={g.paper} className="preset-paper" data-testid={`paper-${g.paper}`}>
          <h3>{g.title}</h3>
          {g.presets.map((preset) => (
            <PresetItem key={preset.id} preset={preset} />
          ))}
        </section>
      ))}
    </Cell>
  );
}

function PresetItem({ preset }: { preset: Preset }) {
  const ds = useLab((s) => s.dataset);
  const run = useLab((s) => s.presetRuns[preset.id]) as PresetRun | undefined;
  // Audio presets run on the spectrogram set built in the Train cell's Spectrograms section.
  const spectrograms = useLab((s) => s.spectrograms);
  const evalSpectrograms = useLab((s) => s.evalSpectrograms);
  const availability = presetAvailability(preset, { dataset: ds, spectrograms, evalSpectrograms });
  const needs = preset.needs;
  const running = run?.status === 'running';
  return (
    <article className="preset" data-testid={`preset-${preset.id}`}>
      <h4>{preset.title}</h4>
      <p>{preset.summary}</p>
      <p className="small">
        <strong>Paper:</strong>{' '}
        {preset.paperNumbers.length ? preset.paperNumbers.map((n) => `${n.label} ${formatPresetValue(n.value, n.unit)} (${n.source})`).join('; ') : `numbers ${formatPresetValue(undefined, 'fraction')}`}
      </p>
      {preset.differences.length > 0 && (
        <ul className="small muted">
          {preset.differences.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      <p className={availability.runnable ? 'small muted' : 'small warn'} data-testid="preset-needs" data-runnable={availability.runnable}>
        {availability.runnable ? availability.message : `This preset ${availability.message}.`}
        {needs.kind === 'audio' && !spectrograms && (
          <>
            {' '}
            Build it in the Train cell’s{' '}
            <button type="button" className="link" onClick={goToSpectrograms} data-testid="preset-goto-spectrograms">
              Spectrograms section
            </button>
            .
          </>
        )}
      </p>
      {needs.kind === 'audio' && needs.evalAudio && <EvalAudioPanel />}
      <RunBar
        testId={`run-preset-${preset.id}`}
        running={running}
        progress={run?.progress ?? 0}
        disabled={!availability.runnable}
        disabledReason={availability.runnable ? undefined : `load ${preset.needs.kind === 'table' ? 'the table' : 'the audio'} it needs`}
        elapsedMs={run?.status === 'done' ? run.elapsedMs : undefined}
        onRun={() => void runPreset(preset.id)}
        onCancel={() => cancelPreset(preset.id)}
      />
      {running && run?.label && (
        <p className="small muted" data-testid="preset-progress">
          {run.label}
        </p>
      )}
      {run?.status === 'cancelled' && <p className="small muted">Cancelled{run.result ? '; the last finished result is shown.' : '.'}</p>}
      <ErrorBox error={run?.status === 'error' ? run.error : undefined} />
      {run?.result && <PresetResultView preset={preset} result={run.result} />}
    </article>
  );
}

function PresetResultView({ preset, result }: { preset: Preset; result: PresetResult }) {
  return (
    <div className="preset-result" data-testid="preset-result">
      <p className="small" data-testid="preset-data-used">
        Ran on {result.dataUsed}, seed {result.seed}.
      </p>
      {result.numbers.length > 0 && (
        <table className="numbers" data-testid="preset-numbers">
          <thead>
            <tr>
              <th>number</th>
              <th>ours</th>
              <th>paper</th>
              <th>note</th>
            </tr>
          </thead>
          <tbody>
            {result.numbers.map((n) => (
              <tr key={n.id} data-number={n.id}>
                <td>{n.label}</td>
                <td data-testid="ours">{formatPresetValue(n.ours, n.unit)}</td>
                <td data-testid="paper" className={n.paper === undefined ? 'muted' : ''}>
                  {formatPresetValue(n.paper, n.unit)}
                </td>
                <td className="small">{n.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.notes.length > 0 && (
        <ul className="small" data-testid="preset-notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {result.tables.map((t) => (
        <ResultTable key={t.title} table={t} name={`${preset.id} ${t.title}`} />
      ))}
      {result.figures.map((f, i) => (
        <FigureView key={`${f.kind}-${i}`} figure={f} />
      ))}
    </div>
  );
}

/** Long tables (importance over 63 features) open folded. */
function ResultTable({ table, name }: { table: PresetTable; name: string }) {
  const [open, setOpen] = useState(table.rows.length <= 12);
  return (
    <details className="preset-table" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        {table.title} <ExportControl name={name} table={() => presetTableText(table)} testId="preset-table-export" />
      </summary>
      {open && (
        <table className="small">
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

function FigureView({ figure }: { figure: PresetFigure }) {
  const [normalized, setNormalized] = useState(false);
  switch (figure.kind) {
    case 'confusion':
      return (
        <div className="preset-figure">
          <h5>
            {figure.title}{' '}
            <label className="small">
              <input type="checkbox" checked={normalized} onChange={(e) => setNormalized(e.target.checked)} /> row shares
            </label>
          </h5>
          <ConfusionMatrix confusion={figure.counts} genres={figure.genres} normalized={normalized} testId="preset-confusion" />
        </div>
      );
    case 'heatmap':
      return (
        <div className="preset-figure">
          <h5>{figure.title}</h5>
          <Heatmap values={figure.values} xLabels={figure.xLabels} yLabels={figure.yLabels} valueLabel="accuracy" ariaLabel={figure.title} testId="preset-heatmap" />
        </div>
      );
    case 'histograms':
      return (
        <div className="preset-figure" data-testid="preset-histograms">
          <h5>{figure.title}</h5>
          <div className="grid2">
            {figure.features.map((f, i) => (
              <GenreHistogram key={f} feature={f} h={figureHistogram(figure, i)} />
            ))}
          </div>
        </div>
      );
    case 'bars':
      return (
        <div className="preset-figure">
          <h5>{figure.title}</h5>
          <Bars labels={figure.labels} values={figure.values} ariaLabel={figure.title} testId="preset-bars" />
        </div>
      );
  }
}
