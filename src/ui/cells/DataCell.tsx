import { useRef, useState } from 'react';
import { describeDroppedRows, summarizeDataset } from '../../core/data/dataset';
import { cancelLoad, chooseLabelColumn, dismissDataError, loadTable } from '../../app/dataActions';
import { Cell, ErrorBox } from '../Cell';
import { DropZone } from '../DropZone';
import { useLab } from '../store';
import { AudioImport, ExportButton } from './AudioImport';

export function DataCell() {
  const dataset = useLab((s) => s.dataset);
  const status = useLab((s) => s.datasetStatus);
  const progress = useLab((s) => s.loadProgress);
  const loadingName = useLab((s) => s.loadingName);
  const error = useLab((s) => s.dataError);
  const pending = useLab((s) => s.pendingLabel);
  const input = useRef<HTMLInputElement>(null);

  const onFiles = (files: FileList | null) => {
    const f = files?.[0];
    if (f) void loadTable(f);
  };

  return (
    <Cell
      id="data"
      title="Data"
      intro={
        <p>
          Load a feature table: the Kaggle GTZAN <code>features_30_sec.csv</code> or <code>features_3_sec.csv</code>, the course’s NTNU <code>GenreClassData_*s.txt</code> (its Train/Test split comes
          along), or any CSV/TSV with a genre column. Each row is a track or a segment of one; segments of a track always stay together when the lab splits data.
        </p>
      }
    >
      <DropZone testId="drop-zone" onDrop={(dt) => onFiles(dt.files)} onActivate={() => input.current?.click()}>
        <strong>Drop a table here</strong> or click to pick one (.csv, .tsv, .txt)
        <input
          ref={input}
          type="file"
          accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            onFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </DropZone>
      {status === 'loading' && (
        <div className="runbar" data-testid="load-progress">
          <span>Reading {loadingName}…</span>
          <progress max={1} value={progress} aria-label="loading progress" />
          <span className="muted">{Math.round(progress * 100)} %</span>
          <button onClick={cancelLoad}>Cancel</button>
        </div>
      )}
      <ErrorBox error={error} onDismiss={dismissDataError} />
      {pending && <LabelPicker columns={pending.columns} candidates={pending.candidates} fileName={pending.fileName} />}
      {dataset ? <Summary /> : <p className="muted">No table loaded yet.</p>}
      <AudioImport />
    </Cell>
  );
}

function LabelPicker({ columns, candidates, fileName }: { columns: string[]; candidates: string[]; fileName: string }) {
  const [label, setLabel] = useState(candidates[0] ?? columns[0] ?? '');
  const [track, setTrack] = useState('');
  return (
    <div className="label-picker" data-testid="label-picker">
      <p>
        Which column of <code>{fileName}</code> holds the genre? Optionally, which one names the track (so segments of one track stay together)?
      </p>
      <label className="field">
        genre column
        <select value={label} onChange={(e) => setLabel(e.target.value)} data-testid="label-column">
          {columns.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="field">
        track column
        <select value={track} onChange={(e) => setTrack(e.target.value)} data-testid="track-column">
          <option value="">(each row is its own track)</option>
          {columns.filter((c) => c !== label).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <button className="run" onClick={() => chooseLabelColumn(label, track)} data-testid="label-load">
        Load
      </button>
    </div>
  );
}

function Summary() {
  const dataset = useLab((s) => s.dataset)!;
  const s = summarizeDataset(dataset);
  const seg = s.segmentsPerTrack.min === s.segmentsPerTrack.max ? String(s.segmentsPerTrack.min) : `${s.segmentsPerTrack.min}–${s.segmentsPerTrack.max}`;
  return (
    <div className="summary" data-testid="dataset-summary">
      <p>
        <strong data-testid="dataset-name">{s.name}</strong> <span className="tag">{s.format}</span>
        {s.recipe && <span className="tag">recipe {s.recipe}</span>} <ExportButton />
      </p>
      {s.note && <p className="note">{s.note}</p>}
      <dl className="facts">
        <dt>tracks</dt>
        <dd data-testid="summary-tracks">{s.tracks}</dd>
        <dt>rows</dt>
        <dd data-testid="summary-rows">{s.rows}</dd>
        <dt>segments per track</dt>
        <dd>{seg}</dd>
        <dt>features</dt>
        <dd data-testid="summary-features">{s.features}</dd>
        <dt>genres</dt>
        <dd data-testid="summary-genres">{s.genres.length}</dd>
        <dt>split</dt>
        <dd>{s.split ? `predefined: ${s.split.trainTracks} train / ${s.split.testTracks} test tracks (${s.split.train} / ${s.split.test} rows)` : 'none — the lab makes a seeded random split by track'}</dd>
        <dt>missing values</dt>
        <dd>{describeDroppedRows(dataset) ?? 'none'}</dd>
        {s.encoding && (
          <>
            <dt>text encoding</dt>
            <dd data-testid="summary-encoding">{s.encoding}</dd>
          </>
        )}
      </dl>
      {s.notices.length > 0 && (
        <ul className="note" data-testid="dataset-notices">
          {s.notices.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <table className="genre-counts">
        <thead>
          <tr>
            <th>genre</th>
            <th>tracks</th>
            <th>rows</th>
          </tr>
        </thead>
        <tbody>
          {s.genres.map((g) => (
            <tr key={g.genre}>
              <td>{g.genre}</td>
              <td>{g.tracks}</td>
              <td>{g.rows}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
