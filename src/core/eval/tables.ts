/**
 * The lab's result tables as plain text tables, for CSV export: what a cell shows, with numbers
 * at full precision. Every cell is written by formatCsvRow, so a genre or track id such as
 * `=HYPERLINK(…)` from a loaded table reaches a spreadsheet as text, never as a formula.
 */
import { formatCsvRow } from '../data/csvCells';
import type { Dataset } from '../data/dataset';
import type { FeatureEffect, NeighbourRow } from '../models/explain';
import type { EvaluationResult } from './metrics';
import type { CellMember } from './predictions';

export interface TextTable {
  header: string[];
  rows: string[][];
}

/** RFC 4180 text (CRLF line ends, as spreadsheets expect), formula-like cells escaped. */
export function tableToCsv(t: TextTable): string {
  return [t.header, ...t.rows].map((r) => formatCsvRow(r)).join('\r\n') + '\r\n';
}

const num = (x: number): string => (Number.isNaN(x) ? '' : String(x));

/** The per-genre table of the NTNU report. */
export function perGenreTable(e: EvaluationResult): TextTable {
  return {
    header: ['genre', 'TP', 'TN', 'FP', 'FN', 'precision', 'recall', 'F1', 'support'],
    rows: e.perClass.map((c) => [c.genre, num(c.tp), num(c.tn), num(c.fp), num(c.fn), num(c.precision), num(c.recall), num(c.f1), num(c.support)]),
  };
}

/** Counts, rows = true genre, columns = predicted. */
export function confusionTable(confusion: readonly (readonly number[])[], genres: readonly string[]): TextTable {
  return { header: ['true \\ predicted', ...genres], rows: confusion.map((row, i) => [genres[i] ?? String(i), ...row.map(num)]) };
}

/** The samples of one confusion cell. */
export function cellMembersTable(members: readonly CellMember[]): TextTable {
  return { header: ['id', 'true genre', 'predicted genre', 'probability of predicted'], rows: members.map((m) => [m.id, m.trueGenre, m.predictedGenre, num(m.probability)]) };
}

/** Feature values of some rows of a dataset: one line per feature, one column per row. */
export function featureValuesTable(ds: Dataset, rows: readonly number[]): TextTable {
  const d = ds.featureNames.length;
  return {
    header: ['feature', ...rows.map((r) => ds.rowKeys[r] ?? `${ds.trackIds[r]} #${ds.segmentIndex[r]}`)],
    rows: ds.featureNames.map((f, j) => [f, ...rows.map((r) => num(ds.values[r * d + j]!))]),
  };
}

/** What the Compare cell shows of a run (its entries extend this), and exports. */
export interface CompareRow {
  model: string;
  datasetName: string;
  features: readonly string[];
  split: string;
  accuracy: number;
  macroF1: number;
  trainMs: number;
  backend: string;
  seed: number | string;
  note?: string;
}

export function compareTable(entries: readonly CompareRow[]): TextTable {
  return {
    header: ['model', 'note', 'data', 'features', 'n features', 'split', 'accuracy', 'macro F1', 'train ms', 'backend', 'seed'],
    rows: entries.map((e) => [e.model, e.note ?? '', e.datasetName, e.features.join(' '), num(e.features.length), e.split, num(e.accuracy), num(e.macroF1), num(e.trainMs), e.backend, String(e.seed)]),
  };
}

/** A file name from a title: letters, digits, `.`, `-`, `_` only. */
export function exportFileName(title: string, ext: string): string {
  const stem = title.trim().replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'export';
  return `${stem}.${ext}`;
}

/** A k-NN answer's neighbours (one unit of the audio). */
export function neighboursTable(rows: readonly NeighbourRow[]): TextTable {
  return { header: ['neighbour', 'track', 'genre', 'distance', 'vote share'], rows: rows.map((n) => [n.id, n.trackId, n.genre, num(n.distance), num(n.weight)]) };
}

/** Occlusion effects: the change in the answer's probability with each feature at its training mean. */
export function occlusionTable(effects: readonly FeatureEffect[]): TextTable {
  return { header: ['feature', 'probability change when set to its mean'], rows: effects.map((e) => [e.feature, num(e.change)]) };
}

/** Features computed from audio next to a table's values (the Classify cell's feature table). */
export function featureComparisonTable(rows: readonly { name: string; audio: number; table?: number; relDiff?: number }[]): TextTable {
  return { header: ['feature', 'from audio', 'table', 'relative difference'], rows: rows.map((r) => [r.name, num(r.audio), r.table === undefined ? '' : num(r.table), r.relDiff === undefined ? '' : num(r.relDiff)]) };
}
