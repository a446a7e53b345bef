import { useState } from 'react';
import { compareTable } from '../../core/eval/tables';
import { ConfusionExplorer } from '../ConfusionExplorer';
import { ExportControl } from '../ExportControl';
import { Cell } from '../Cell';
import { pct } from '../ResultView';
import { labStore } from '../../app/store';
import { useLab } from '../store';

/** Every finished run side by side; tick runs to compare their confusion matrices. */
export function CompareCell() {
  const runs = useLab((s) => s.compare);
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-3)));
  const chosen = runs.filter((r) => selected.includes(r.id));
  return (
    <Cell
      id="compare"
      title="Compare"
      intro={<p>Every run of k-NN, logistic regression and the neural models lands here. Tick up to three rows to see their confusion matrices side by side.</p>}
    >
      {runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="metrics compare" data-testid="compare-table">
              <thead>
                <tr>
                  <th />
                  <th>model</th>
                  <th>data</th>
                  <th>features</th>
                  <th>split</th>
                  <th>accuracy</th>
                  <th>macro F1</th>
                  <th>train time</th>
                  <th>backend</th>
                  <th>seed</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id} data-testid="compare-row">
                    <td>
                      <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`select ${r.model}`} />
                    </td>
                    <td>
                      {r.model}
                      {r.note && <span className="muted small"> ({r.note})</span>}
                    </td>
                    <td>{r.datasetName}</td>
                    <td title={r.features.join(', ')}>{r.features.length}</td>
                    <td>{r.split}</td>
                    <td>
                      {pct(r.accuracy)}
                      {r.cv ? (
                        <span className="muted small">
                          {' '}
                          (CV, ± {((r.memberStd ?? 0) * 100).toFixed(1)} over {r.members?.length ?? 0} runs)
                        </span>
                      ) : (
                        r.memberMean !== undefined && r.members && r.members.length > 1 && <span className="muted small"> (members {pct(r.memberMean)})</span>
                      )}
                    </td>
                    <td>{r.macroF1.toFixed(3)}</td>
                    <td>{r.trainMs < 1000 ? `${r.trainMs.toFixed(0)} ms` : `${(r.trainMs / 1000).toFixed(1)} s`}</td>
                    <td>{r.backend}</td>
                    <td>{r.seed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ExportControl name="compare runs" table={() => compareTable(runs)} testId="compare-export" />{' '}
          <button className="link" onClick={() => labStore.setState({ compare: [] })}>
            clear the list
          </button>
          {chosen.length > 0 && (
            <div className="grid3" data-testid="compare-matrices">
              {chosen.map((r) => (
                <div key={r.id}>
                  <p className="small">
                    <b>{r.model}</b> · {pct(r.accuracy)}
                  </p>
                  <ConfusionExplorer confusion={r.confusion} genres={r.genres} normalized={false} predictions={r.predictions} name={`${r.model} confusion matrix`} testId="compare-confusion" />
                </div>
              ))}
            </div>
          )}
        </>
      )}
    </Cell>
  );
}
