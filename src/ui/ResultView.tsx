import type { ClassicRunResult } from '../core/eval/classic';
import type { EvaluationResult } from '../core/eval/metrics';
import { perGenreTable } from '../core/eval/tables';
import { ConfusionExplorer } from './ConfusionExplorer';
import { ExportControl } from './ExportControl';

const foldMean = (f: { accuracy: number }[]) => f.reduce((a, b) => a + b.accuracy, 0) / f.length;
const foldStd = (f: { accuracy: number }[]) => {
  const m = foldMean(f);
  return Math.sqrt(f.reduce((a, b) => a + (b.accuracy - m) ** 2, 0) / f.length);
};

/** One headline number: label above, big value, a small line below. */
export function Metric({ label, value, sub, testId, title }: { label: string; value: string; sub?: React.ReactNode; testId: string; title?: string }) {
  return (
    <div className="metric" title={title}>
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {value}
      </span>
      {sub !== undefined && <span className="muted">{sub}</span>}
    </div>
  );
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** The per-genre table of the NTNU report: TP, TN, FP, FN, precision, recall, F1. */
export function PerGenreTable({ e, testId = 'per-genre-table', name = 'per-genre metrics' }: { e: EvaluationResult; testId?: string; name?: string }) {
  return (
    <div>
    <table className="metrics" data-testid={testId}>
      <thead>
        <tr>
          <th>genre</th>
          <th>TP</th>
          <th>TN</th>
          <th>FP</th>
          <th>FN</th>
          <th>precision</th>
          <th>recall</th>
          <th>F1</th>
        </tr>
      </thead>
      <tbody>
        {e.perClass.map((c) => (
          <tr key={c.genre} data-genre={c.genre}>
            <td>{c.genre}</td>
            <td>{c.tp}</td>
            <td>{c.tn}</td>
            <td>{c.fp}</td>
            <td>{c.fn}</td>
            <td>{c.precision.toFixed(3)}</td>
            <td>{c.recall.toFixed(3)}</td>
            <td>{c.f1.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <ExportControl name={name} table={() => perGenreTable(e)} testId="per-genre-export" />
    </div>
  );
}

/** Accuracy, macro F1, confusion matrix and per-genre table of one classic run. */
export function ClassicResult({ run, normalized, onToggleNormalized }: { run: ClassicRunResult; normalized: boolean; onToggleNormalized(v: boolean): void }) {
  const e = run.rows;
  return (
    <div className="result">
      <div className="headline">
        <Metric label="accuracy" value={pct(e.accuracy)} testId="accuracy" sub={`${e.correct}/${e.n} ${run.tracks ? 'segments' : 'test rows'}`} />
        <Metric label="macro F1" value={e.macroF1.toFixed(3)} testId="macro-f1" />
        {run.folds && (
          <Metric
            label={`across ${run.folds.length} folds`}
            value={pct(foldMean(run.folds))}
            testId="cv-accuracy"
            sub={`± ${(foldStd(run.folds) * 100).toFixed(1)} (std of folds)`}
            title="Accuracy of each fold's model on its own held-out tracks."
          />
        )}
        {run.tracks && (
          <Metric
            label="per-track vote"
            value={pct(run.tracks.accuracy)}
            testId="track-accuracy"
            sub={`${run.tracks.correct}/${run.tracks.n} tracks, F1 ${run.tracks.macroF1.toFixed(3)}`}
            title="Each test track's segments vote; the majority genre is the track's prediction."
          />
        )}
      </div>
      <p className="muted small">
        {run.model} · {run.features.length} feature{run.features.length === 1 ? '' : 's'} · {run.split} · {Object.entries(run.params).map(([k, v]) => `${k} ${String(v)}`).join(', ')}
      </p>
      <div className="two-col">
        <div>
          <label className="toggle">
            <input type="checkbox" checked={normalized} onChange={(ev) => onToggleNormalized(ev.target.checked)} data-testid="normalize-toggle" /> row-normalised
          </label>
          <ConfusionExplorer confusion={e.confusion} genres={run.genres} normalized={normalized} predictions={run.rowPredictions} name={`${run.model} confusion matrix`} />
        </div>
        <PerGenreTable e={e} name={`${run.model} per-genre metrics`} />
      </div>
    </div>
  );
}
