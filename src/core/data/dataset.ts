/**
 * The Dataset model every cell and model works on. Rows are segments (or whole tracks when a
 * table has one row per track); `trackIds` groups rows of one track so splits never leak a
 * track's segments across train and test.
 */
import { LabError } from '../errors';

export type DatasetFormat = 'kaggle' | 'ntnu' | 'generic' | 'audio' | 'demo';

export interface Dataset {
  /** Stable identity: content hash of the source (file text or audio bytes) plus options. */
  id: string;
  /** What the user loaded, e.g. `GenreClassData_30s.txt`. */
  name: string;
  format: DatasetFormat;
  /** Feature column names in table order. */
  featureNames: string[];
  nRows: number;
  /** Row-major nRows × featureNames.length. */
  values: Float64Array;
  /** Per row: index into `genres`. */
  labels: Int32Array;
  /** Label order used everywhere (confusion matrices, model outputs). */
  genres: string[];
  /** Per row: the track this row is a segment of (GTZAN id like `blues.00000` where known). */
  trackIds: string[];
  /** Per row: position of the segment inside its track (0-based, in table order). */
  segmentIndex: Int32Array;
  /** Per row: 0 = train, 1 = test, when the table carries its own split (NTNU `Type`). */
  split?: Uint8Array;
  /** Original row keys (`blues.00000.3.wav`, `pop_00072.wav`), for export and lookup. */
  rowKeys: string[];
  /** Extra facts for the summary and for export. */
  meta: DatasetMeta;
}

export interface DatasetMeta {
  /** Feature recipe that produced the numbers, when known (`kaggle30`, `ntnu10`, ...). */
  recipe?: string;
  /** Segment length in seconds, when known. */
  segmentSec?: number;
  /** Rows dropped because a cell was empty, with their 1-based line numbers in the file. */
  droppedRows?: { line: number; column: string }[];
  /** Columns the loader kept but did not use as features (labels, ids, lengths). */
  otherColumns?: string[];
  /** Per-row sample counts (Kaggle `length`), kept for export. */
  lengths?: number[];
  /** Which column held the label, for generic tables. */
  labelColumn?: string;
  trackColumn?: string;
  /** Free-form note shown in the summary (e.g. "synthetic demo corpus"). */
  note?: string;
  /** Text encoding a table was read in (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `Windows-1252`, `UTF-8 + Windows-1252`). */
  encoding?: string;
  /**
   * The audio files a dataset was built from, with their content hashes (SHA-256, hex): a project
   * file stores this list, not the audio.
   */
  sources?: { file: string; sha256: string }[];
  /** What the loader assumed or repaired (an encoding guess, a missing column): shown in the summary, printed by the CLI. */
  notices?: string[];
}

export interface DatasetSummary {
  name: string;
  format: DatasetFormat;
  rows: number;
  tracks: number;
  /** Segments per track: min/max (equal for complete tables). */
  segmentsPerTrack: { min: number; max: number };
  genres: { genre: string; rows: number; tracks: number }[];
  features: number;
  split?: { train: number; test: number; trainTracks: number; testTracks: number };
  missingDropped: number;
  recipe?: string;
  note?: string;
  encoding?: string;
  notices: string[];
}

export function featureCount(ds: Dataset): number {
  return ds.featureNames.length;
}

/** Value of row r, feature c. */
export function valueAt(ds: Dataset, r: number, c: number): number {
  return ds.values[r * ds.featureNames.length + c] as number;
}

/** Column c as a fresh Float64Array. */
export function getColumn(ds: Dataset, c: number, rows?: ArrayLike<number>): Float64Array {
  const d = ds.featureNames.length;
  const n = rows ? rows.length : ds.nRows;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows ? (rows[i] as number) : i;
    out[i] = ds.values[r * d + c] as number;
  }
  return out;
}

/** Indices of named features; throws a clear error for a name the dataset lacks. */
export function featureIndices(ds: Dataset, names: readonly string[]): number[] {
  return names.map((n) => {
    const i = ds.featureNames.indexOf(n);
    if (i < 0) {
      const some = ds.featureNames.slice(0, 8).join(', ') + (ds.featureNames.length > 8 ? ', …' : '');
      throw new LabError('unknown-feature', `Unknown feature "${n}" — this table has: ${some}`, { feature: n });
    }
    return i;
  });
}

/** Copy selected rows × selected columns into a dense row-major matrix. */
export function selectMatrix(ds: Dataset, rows: ArrayLike<number>, cols: readonly number[]): Float64Array {
  const d = ds.featureNames.length;
  const m = cols.length;
  const out = new Float64Array(rows.length * m);
  for (let i = 0; i < rows.length; i++) {
    const base = (rows[i] as number) * d;
    for (let j = 0; j < m; j++) out[i * m + j] = ds.values[base + (cols[j] as number)] as number;
  }
  return out;
}

/** Distinct tracks in first-appearance order, with their rows in segment order. */
export function groupByTrack(ds: Dataset, rows?: ArrayLike<number>): { trackId: string; rows: number[]; label: number }[] {
  const map = new Map<string, { trackId: string; rows: number[]; label: number }>();
  const n = rows ? rows.length : ds.nRows;
  for (let i = 0; i < n; i++) {
    const r = rows ? (rows[i] as number) : i;
    const t = ds.trackIds[r] as string;
    let g = map.get(t);
    if (!g) {
      g = { trackId: t, rows: [], label: ds.labels[r] as number };
      map.set(t, g);
    }
    g.rows.push(r);
  }
  for (const g of map.values()) g.rows.sort((a, b) => (ds.segmentIndex[a] as number) - (ds.segmentIndex[b] as number) || a - b);
  return [...map.values()];
}

export function summarizeDataset(ds: Dataset): DatasetSummary {
  const tracks = groupByTrack(ds);
  let minSeg = Infinity;
  let maxSeg = 0;
  for (const t of tracks) {
    minSeg = Math.min(minSeg, t.rows.length);
    maxSeg = Math.max(maxSeg, t.rows.length);
  }
  const genres = ds.genres.map((genre) => ({ genre, rows: 0, tracks: 0 }));
  for (let r = 0; r < ds.nRows; r++) (genres[ds.labels[r] as number] as { rows: number }).rows++;
  for (const t of tracks) (genres[t.label] as { tracks: number }).tracks++;
  let split: DatasetSummary['split'];
  if (ds.split) {
    let train = 0;
    const trainTracks = new Set<string>();
    const testTracks = new Set<string>();
    for (let r = 0; r < ds.nRows; r++) {
      if (ds.split[r] === 0) {
        train++;
        trainTracks.add(ds.trackIds[r] as string);
      } else testTracks.add(ds.trackIds[r] as string);
    }
    split = { train, test: ds.nRows - train, trainTracks: trainTracks.size, testTracks: testTracks.size };
  }
  return {
    name: ds.name,
    format: ds.format,
    rows: ds.nRows,
    tracks: tracks.length,
    segmentsPerTrack: { min: tracks.length ? minSeg : 0, max: maxSeg },
    genres,
    features: ds.featureNames.length,
    split,
    missingDropped: ds.meta.droppedRows?.length ?? 0,
    recipe: ds.meta.recipe,
    note: ds.meta.note,
    encoding: ds.meta.encoding,
    notices: ds.meta.notices ?? [],
  };
}

/** "3 row(s) with an empty cell left out (lines 4, 9, 12)", or undefined when none were. */
export function describeDroppedRows(ds: Dataset): string | undefined {
  const d = ds.meta.droppedRows ?? [];
  if (d.length === 0) return undefined;
  return `${d.length} row(s) with an empty cell left out (lines ${d.slice(0, 5).map((r) => r.line).join(', ')}${d.length > 5 ? ', …' : ''})`;
}

/** FNV-1a 32-bit over a string, as hex; used for dataset ids and caches. */
export function hashString(s: string, seed = 0x811c9dc5): string {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Rows of a row-major matrix with `nCols` columns; a length that is not a multiple is an error. */
export function matrixRows(matrix: ArrayLike<number>, nCols: number): number {
  if (nCols <= 0 || matrix.length % nCols !== 0) throw new LabError('bad-argument', `Matrix has ${matrix.length} values, not a multiple of ${nCols} features`);
  return matrix.length / nCols;
}
