import type { ClassicRunResult } from '../core/eval/classic';
import type { EvaluationResult } from '../core/eval/metrics';
import { ConfusionMatrix } from './charts/ConfusionMatrix';

const foldMean = (f: { accuracy: number }[]) => f.reduce((a, b) => a + b.accuracy, 0) / f.length;
const foldStd = (f: { accuracy: number }[]) => {
  const m = foldMean(f);
  return Math.sqrt(f.reduce((a, b) => a + (b.accuracy - m) ** 2, 0) / f.length);
};

export function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

/** The per-genre table of the NTNU report: TP, TN, FP, FN, precision, recall, F1. */
export function PerGenreTable({ e, testId = 'per-genre-table' }: { e: EvaluationResult; testId?: string }) {
  return (
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
  );
}

/** Accuracy, macro F1, confusion matrix and per-genre table of one classic run. */
export function ClassicResult({ run, normalized, onToggleNormalized }: { run: ClassicRunResult; normalized: boolean; onToggleNormalized(v: boolean): void }) {
  const e = run.rows;
  return (
    <div className="result">
      <div className="headline">
        <div className="metric">
          <span className="label">accuracy</span>
          <span className="value" data-testid="accuracy">
            {pct(e.accuracy)}
          </span>
          <span className="muted">
            {e.correct}/{e.n} {run.tracks ? 'segments' : 'test rows'}
          </span>
        </div>
        <div className="metric">
          <span className="label">macro F1</span>
          <span className="value" data-testid="macro-f1">
            {e.macroF1.toFixed(3)}
          </span>
        </div>
        {run.folds && (
          <div className="metric" title="Accuracy of each fold's model on its own held-out tracks.">
            <span className="label">across {run.folds.length} folds</span>
            <span className="value" data-testid="cv-accuracy">
              {pct(foldMean(run.folds))}
            </span>
            <span className="muted">± {(foldStd(run.folds) * 100).toFixed(1)} (std of folds)</span>
          </div>
        )}
        {run.tracks && (
          <div className="metric" title="Each test track's segments vote; the majority genre is the track's prediction.">
            <span className="label">per-track vote</span>
            <span className="value" data-testid="track-accuracy">
              {pct(run.tracks.accuracy)}
            </span>
            <span className="muted">
              {run.tracks.correct}/{run.tracks.n} tracks, F1 {run.tracks.macroF1.toFixed(3)}
            </span>
          </div>
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
          <ConfusionMatrix confusion={e.confusion} genres={run.genres} normalized={normalized} />
        </div>
        <PerGenreTable e={e} />
      </div>
    </div>
  );
}
