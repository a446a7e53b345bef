/**
 * A confusion matrix you can ask: click a cell to list its test samples (id, true and predicted
 * genre, the model's probability for its answer); open one to see its feature values in the
 * loaded table; play it when the lab has its audio. The list and the values come from core
 * (confusionCellMembers, rowsOfSample, the text tables); this file only shows them.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Dataset } from '../core/data/dataset';
import { toErrorInfo, type ErrorInfo } from '../core/errors';
import { confusionCellMembers, rowsOfSample, type CellMember, type PredictionList } from '../core/eval/predictions';
import { cellMembersTable, confusionTable, featureValuesTable } from '../core/eval/tables';
import { hasTrackAudio, trackAudioUrl } from '../app/audioImportActions';
import { ErrorBox } from './Cell';
import { ConfusionMatrix } from './charts/ConfusionMatrix';
import { ExportControl } from './ExportControl';
import { useLab } from './store';

/** Segments shown side by side when a track is opened (a 30 s track of 3 s segments has 10). */
const MAX_SEGMENT_COLUMNS = 10;

export interface ConfusionExplorerProps {
  confusion: number[][];
  genres: string[];
  normalized: boolean;
  /** The samples behind the matrix; without them the matrix is not clickable. */
  predictions?: PredictionList;
  /** Names the exports ("k-NN confusion matrix"). */
  name: string;
  testId?: string;
}

export function ConfusionExplorer({ confusion, genres, normalized, predictions, name, testId }: ConfusionExplorerProps) {
  const [cell, setCell] = useState<[number, number]>();
  // A new result (another run) starts with nothing selected.
  useEffect(() => setCell(undefined), [predictions]);
  const members = useMemo(() => (cell && predictions ? confusionCellMembers(predictions, genres, cell[0], cell[1]) : undefined), [cell, predictions, genres]);
  return (
    <div className="confusion-explorer">
      <ConfusionMatrix
        confusion={confusion}
        genres={genres}
        normalized={normalized}
        testId={testId}
        onSelect={predictions ? (t, p) => setCell((c) => (c && c[0] === t && c[1] === p ? undefined : [t, p])) : undefined}
        selected={cell}
      />
      <ExportControl name={name} table={() => confusionTable(confusion, genres)} testId="confusion-export" />
      {predictions && !cell && <p className="muted small">Click a cell to list its {predictions.ids.length === predictions.total ? '' : 'saved '}test samples.</p>}
      {cell && members && predictions && <CellMembers members={members} total={predictions.total} listed={predictions.ids.length} count={confusion[cell[0]]?.[cell[1]] ?? 0} name={`${name} true ${genres[cell[0]]} predicted ${genres[cell[1]]}`} />}
    </div>
  );
}

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)} %`);

function CellMembers({ members, total, listed, count, name }: { members: CellMember[]; total: number; listed: number; count: number; name: string }) {
  const ds = useLab((s) => s.dataset);
  const [open, setOpen] = useState<string>();
  const [playing, setPlaying] = useState<{ id: string; url: string }>();
  const [error, setError] = useState<ErrorInfo>();
  useEffect(() => () => void (playing && URL.revokeObjectURL(playing.url)), [playing]);
  const first = members[0];
  const heading = first ? `true ${first.trueGenre}, predicted ${first.predictedGenre}` : '';
  const trackOf = (m: CellMember): string | undefined => {
    if (!ds) return undefined;
    const rows = rowsOfSample(ds, m.id);
    return rows.length ? ds.trackIds[rows[0]!] : undefined;
  };
  const play = (m: CellMember, trackId: string) => {
    if (!ds) return;
    setError(undefined);
    trackAudioUrl(ds, trackId).then(
      (url) => setPlaying({ id: m.id, url }),
      (e: unknown) => setError(toErrorInfo(e)),
    );
  };
  return (
    <div className="cell-members" data-testid="cell-members" data-count={members.length}>
      <p className="small">
        <b>{members.length}</b> test sample{members.length === 1 ? '' : 's'} {heading ? <>with {heading}</> : 'in this cell'}
        {listed < total && members.length < count ? <span className="muted"> (only the first {listed} of {total} predictions were saved with this run)</span> : null}
      </p>
      {members.length > 0 && (
        <>
          <ExportControl name={name} table={() => cellMembersTable(members)} testId="members-export" />
          <div className="table-scroll">
            <table className="metrics small">
              <thead>
                <tr>
                  <th>track / row</th>
                  <th>true</th>
                  <th>predicted</th>
                  <th>probability</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {members.map((m) => {
                  const trackId = trackOf(m);
                  const audio = ds && trackId && hasTrackAudio(ds, trackId);
                  return (
                    <tr key={m.id} data-testid="cell-member" data-id={m.id}>
                      <td>
                        <code>{m.id}</code>
                      </td>
                      <td>{m.trueGenre}</td>
                      <td>{m.predictedGenre}</td>
                      <td className="num">{pct(m.probability)}</td>
                      <td>
                        <button type="button" onClick={() => setOpen(open === m.id ? undefined : m.id)} data-testid="member-open" aria-expanded={open === m.id}>
                          {open === m.id ? 'close' : 'open'}
                        </button>
                        {audio && (
                          <button type="button" onClick={() => play(m, trackId)} data-testid="member-play" title={`play ${trackId}`}>
                            ▶ play
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <ErrorBox error={error} />
      {playing && (
        <div className="small" data-testid="member-player">
          Playing <code>{playing.id}</code>: <audio src={playing.url} controls autoPlay data-testid="member-audio" />
        </div>
      )}
      {open && <SampleFeatures ds={ds} id={open} />}
    </div>
  );
}

function SampleFeatures({ ds, id }: { ds: Dataset | undefined; id: string }) {
  const table = useMemo(() => {
    if (!ds) return undefined;
    const rows = rowsOfSample(ds, id);
    return rows.length ? featureValuesTable(ds, rows.slice(0, MAX_SEGMENT_COLUMNS)) : undefined;
  }, [ds, id]);
  if (!table)
    return (
      <p className="muted small" data-testid="member-features">
        {ds ? `${id} is not in the loaded table (${ds.name}), so its feature values cannot be shown.` : 'Load the table this run used to see the feature values.'}
      </p>
    );
  return (
    <div data-testid="member-features">
      <p className="small">
        Feature values of <code>{id}</code> in {ds?.name}
        {table.header.length - 1 > 1 ? ` (${table.header.length - 1} segments)` : ''}:
      </p>
      <ExportControl name={`features ${id}`} table={() => table} testId="features-export" />
      <div className="table-scroll">
        <table className="metrics small">
          <thead>
            <tr>
              {table.header.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r[0]}>
                <td>
                  <code>{r[0]}</code>
                </td>
                {r.slice(1).map((v, i) => (
                  <td key={i} className="num">
                    {Number(v).toPrecision(6)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
