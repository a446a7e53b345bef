import { useState } from 'react';
import type { MeydaComparison } from '../../core/features/meydaCompare';
import { toErrorInfo, type ErrorInfo } from '../../core/errors';
import { compareMeydaOnFile } from '../../app/audioImportActions';
import { ErrorBox } from '../Cell';

/**
 * Meyda's per-frame features against librosa's on the same frames of this clip: why the lab
 * computes its own DSP for the GTZAN tables, and what the live `meyda` recipe gives up.
 */
export function MeydaPanel({ file }: { file: File }) {
  const [rows, setRows] = useState<MeydaComparison[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setRows(await compareMeydaOnFile(file));
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="subcell" data-testid="meyda-panel">
      <summary>Meyda vs librosa on this clip</summary>
      <p className="small">
        Meyda is the usual browser library for audio features, but its definitions differ from librosa’s (the tables were made with librosa): it windows the frame before rms and zcr, gives the
        centroid in bins, the rolloff at 99 % of amplitude, its own MFCC. Here is how far each of its per-frame features is from librosa’s on the same frames, after the unit conversions that exist.
      </p>
      <button onClick={() => void run()} disabled={busy} data-testid="run-meyda">
        {busy ? 'Computing…' : 'Compare'}
      </button>
      <ErrorBox error={error} />
      {rows && (
        <table className="metrics" data-testid="meyda-table">
          <thead>
            <tr>
              <th>Meyda feature</th>
              <th>median |diff| / librosa</th>
              <th>correlation</th>
              <th>how compared</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.feature}>
                <td>{r.feature}</td>
                <td>{r.medianRel < 0.001 ? '< 0.1 %' : `${(r.medianRel * 100).toFixed(r.medianRel < 0.1 ? 1 : 0)} %`}</td>
                <td>{Number.isFinite(r.correlation) ? r.correlation.toFixed(3) : '—'}</td>
                <td className="small" style={{ textAlign: 'left' }}>
                  {r.mapping}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
