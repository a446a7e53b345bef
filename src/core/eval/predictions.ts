/**
 * Per-sample predictions behind a confusion matrix, kept small (one entry per test row or track)
 * so a result can answer "which tracks are in this cell?". Plain arrays, so a list survives
 * structured clone (workers) and IndexedDB (the Compare cell) unchanged.
 */
import { groupByTrack, type Dataset } from '../data/dataset';
import { LabError } from '../errors';

export interface PredictionList {
  /** Row key (row-level lists) or track id (track-level lists), per test sample. */
  ids: string[];
  /** The test sample's dataset row (a track's first row), to look up its feature values. */
  rows: number[];
  /** Genre indices into the result's `genres`. */
  yTrue: number[];
  yPred: number[];
  /** The probability the model gave its predicted genre (NaN when it gives none). */
  probability: number[];
  /** Samples the model predicted; larger than `ids.length` when the list was capped. */
  total: number;
}

/** One entry of a confusion cell, as listed to the student. */
export interface CellMember {
  id: string;
  row: number;
  trueGenre: string;
  predictedGenre: string;
  probability: number;
}

/** Row-level list: `testRows` of `ds` with their predicted genre and (optionally) probabilities (n × k). */
export function rowPredictionList(ds: Dataset, testRows: ArrayLike<number>, predicted: ArrayLike<number>, probabilities?: ArrayLike<number>): PredictionList {
  const k = ds.genres.length;
  const n = testRows.length;
  const out: PredictionList = { ids: [], rows: [], yTrue: [], yPred: [], probability: [], total: n };
  for (let i = 0; i < n; i++) {
    const r = testRows[i] as number;
    const p = predicted[i] as number;
    out.ids.push(ds.rowKeys[r] ?? ds.trackIds[r] ?? String(r));
    out.rows.push(r);
    out.yTrue.push(ds.labels[r] as number);
    out.yPred.push(p);
    out.probability.push(probabilities ? (probabilities[i * k + p] as number) : NaN);
  }
  return out;
}

/**
 * Track-level list for a per-track vote: each track's voted genre (`votedPred`, in the order of
 * `groupByTrack(ds, testRows)`) and, as its probability, the mean over the track's segments of the
 * probability given to that genre.
 */
export function trackPredictionList(ds: Dataset, testRows: ArrayLike<number>, votedPred: ArrayLike<number>, probabilities?: ArrayLike<number>): PredictionList {
  const k = ds.genres.length;
  const posOf = new Map<number, number>();
  for (let i = 0; i < testRows.length; i++) posOf.set(testRows[i] as number, i);
  const groups = groupByTrack(ds, testRows);
  if (groups.length !== votedPred.length) throw new LabError('internal', `${votedPred.length} voted predictions for ${groups.length} tracks.`);
  const out: PredictionList = { ids: [], rows: [], yTrue: [], yPred: [], probability: [], total: groups.length };
  groups.forEach((g, t) => {
    const p = votedPred[t] as number;
    let mass = 0;
    if (probabilities) for (const r of g.rows) mass += probabilities[posOf.get(r)! * k + p] as number;
    out.ids.push(g.trackId);
    out.rows.push(g.rows[0]!);
    out.yTrue.push(g.label);
    out.yPred.push(p);
    out.probability.push(probabilities ? mass / g.rows.length : NaN);
  });
  return out;
}

/**
 * The first `max` entries of a list (IndexedDB-saved results stay small); `total` keeps the
 * uncapped count so the UI can say how many were left out.
 */
export function capPredictionList(list: PredictionList, max: number): PredictionList {
  if (list.ids.length <= max) return list;
  return {
    ids: list.ids.slice(0, max),
    rows: list.rows.slice(0, max),
    yTrue: list.yTrue.slice(0, max),
    yPred: list.yPred.slice(0, max),
    probability: list.probability.slice(0, max),
    total: list.total,
  };
}

/**
 * The samples in confusion cell (true genre `trueIndex`, predicted `predIndex`), most confident
 * first (ties in list order) — the ones a student should listen to first.
 */
export function confusionCellMembers(list: PredictionList, genres: readonly string[], trueIndex: number, predIndex: number): CellMember[] {
  const out: CellMember[] = [];
  for (let i = 0; i < list.ids.length; i++) {
    if (list.yTrue[i] !== trueIndex || list.yPred[i] !== predIndex) continue;
    out.push({ id: list.ids[i]!, row: list.rows[i]!, trueGenre: genres[trueIndex] ?? String(trueIndex), predictedGenre: genres[predIndex] ?? String(predIndex), probability: list.probability[i]! });
  }
  // Stable sort; NaN (no probability) sorts last.
  const key = (m: CellMember) => (Number.isNaN(m.probability) ? -Infinity : m.probability);
  return out.sort((a, b) => (key(a) === key(b) ? 0 : key(b) > key(a) ? 1 : -1));
}

/** The dataset rows holding sample `id` of a list: the row itself (a row key) or every row of the track. */
export function rowsOfSample(ds: Dataset, id: string): number[] {
  const byKey = ds.rowKeys.indexOf(id);
  if (byKey >= 0) return [byKey];
  const out: number[] = [];
  for (let r = 0; r < ds.nRows; r++) if (ds.trackIds[r] === id) out.push(r);
  return out;
}

/**
 * Track-level list from per-track predictions (a neural run's test tracks): `probabilities` is
 * nTracks × k in `ds.genres` order; each track's first row is looked up in `ds`.
 */
export function trackListFromProbabilities(ds: Dataset, trackIds: readonly string[], yPred: ArrayLike<number>, probabilities: ArrayLike<number>): PredictionList {
  const k = ds.genres.length;
  const first = new Map<string, number>();
  for (let r = ds.nRows - 1; r >= 0; r--) first.set(ds.trackIds[r] as string, r);
  const out: PredictionList = { ids: [...trackIds], rows: [], yTrue: [], yPred: [], probability: [], total: trackIds.length };
  trackIds.forEach((t, i) => {
    const r = first.get(t);
    if (r === undefined) throw new LabError('internal', `Test track ${t} is not in the dataset.`);
    const p = yPred[i] as number;
    out.rows.push(r);
    out.yTrue.push(ds.labels[r] as number);
    out.yPred.push(p);
    out.probability.push(probabilities[i * k + p] as number);
  });
  return out;
}
