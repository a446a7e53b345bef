/**
 * What every table preset shares: which GTZAN table a Dataset is (`tableKindOf`), whether a preset
 * can run on what is loaded (one message for the CLI and the UI), our number next to the paper's,
 * and the per-genre table and confusion figure the studies print.
 *
 * Light on purpose: the page's main thread imports this (through the registry) to list presets, so
 * the models and evaluation code a preset runs are imported inside `run`.
 */
import { groupByTrack, type Dataset } from '../data/dataset';
import { CancelledError, LabError, type CancelToken } from '../errors';
import type { EvaluationResult } from '../eval/metrics';
import type { FeatureHistogram } from '../eval/histogram';
import type { TextTable } from '../eval/tables';
import type { Preset, PresetContext, PresetFigure, PresetInput, PresetNumber, PresetTable, TableKind } from './types';

/** The file a student loads for each table kind (README "Where students get the data"). */
export const TABLE_FILES: Record<TableKind, string> = {
  'ntnu-30s': 'GenreClassData_30s.txt',
  'ntnu-10s': 'GenreClassData_10s.txt',
  'ntnu-5s': 'GenreClassData_5s.txt',
  'kaggle-30s': 'features_30_sec.csv',
  'kaggle-3s': 'features_3_sec.csv',
  generic: 'a feature table',
};

const TABLE_LABELS: Record<TableKind, string> = {
  'ntnu-30s': 'NTNU 30 s table',
  'ntnu-10s': 'NTNU 10 s table',
  'ntnu-5s': 'NTNU 5 s table',
  'kaggle-30s': 'Kaggle 30 s table',
  'kaggle-3s': 'Kaggle 3 s table',
  generic: 'a feature table of its own kind',
};

export function tableLabel(kind: TableKind): string {
  return TABLE_LABELS[kind];
}

/** Columns only one family's tables have (NTNU spells rms `rmse` and has spectral contrast; Kaggle has HPSS parts). */
const NTNU_MARKERS = ['zero_cross_rate_mean', 'rmse_mean', 'spectral_contrast_mean', 'mfcc_1_mean', 'tempo'];
const KAGGLE_MARKERS = ['harmony_mean', 'perceptr_mean', 'rms_mean', 'mfcc1_mean', 'tempo'];

/** Segment length (s) → kind, per family: the lengths the course and Kaggle published. */
const NTNU_BY_SEC: Record<number, TableKind> = { 30: 'ntnu-30s', 10: 'ntnu-10s', 5: 'ntnu-5s' };
const KAGGLE_BY_SEC: Record<number, TableKind> = { 30: 'kaggle-30s', 3: 'kaggle-3s' };
/** A 30 s clip cut into segments of this length gives this many rows per track. */
const SEC_BY_SEGMENTS: Record<'ntnu' | 'kaggle', Record<number, number>> = { ntnu: { 1: 30, 3: 10, 6: 5 }, kaggle: { 1: 30, 10: 3 } };

/**
 * Which published table a Dataset is: the family from its format (or, for extracted audio, its
 * recipe) confirmed by the family's own columns, the segment length from the rows per track (so a
 * renamed file is still recognised), else from `meta.segmentSec` or the recipe. Anything else —
 * another feature set, a table with missing tracks' segments counted differently — is 'generic'.
 */
export function tableKindOf(ds: Dataset): TableKind {
  const recipe = ds.meta.recipe ?? '';
  const family = ds.format === 'ntnu' || /^ntnu/.test(recipe) ? 'ntnu' : ds.format === 'kaggle' || /^kaggle/.test(recipe) ? 'kaggle' : undefined;
  if (!family) return 'generic';
  const markers = family === 'ntnu' ? NTNU_MARKERS : KAGGLE_MARKERS;
  if (!markers.every((m) => ds.featureNames.includes(m))) return 'generic';
  // Rows per track, as the most common count (a track or two may miss a segment).
  const counts = new Map<number, number>();
  for (const t of groupByTrack(ds)) counts.set(t.rows.length, (counts.get(t.rows.length) ?? 0) + 1);
  const mode = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
  const fromRecipe = /(\d+)$/.exec(recipe)?.[1];
  const sec = SEC_BY_SEGMENTS[family][mode] ?? ds.meta.segmentSec ?? (fromRecipe ? Number(fromRecipe) : undefined);
  const byLength = family === 'ntnu' ? NTNU_BY_SEC : KAGGLE_BY_SEC;
  return (sec !== undefined ? byLength[sec] : undefined) ?? 'generic';
}

/** Whether `preset` can run on what is loaded, and if not what to load — one wording for the CLI and the UI. */
export interface PresetAvailability {
  runnable: boolean;
  /** What it needs ("needs GenreClassData_30s.txt"), or what it will use ("runs on the NTNU 10 s table"). */
  message: string;
  /** The table kind it will run on, when runnable on a table. */
  table?: TableKind;
}

/** What availability reads of a spectrogram set: a full set or the page's summary of one. */
type SetBands = { nBands: number } | { params: { nBands: number } };
const bandsOf = (s: SetBands) => ('nBands' in s ? s.nBands : s.params.nBands);

export function presetAvailability(preset: Preset, loaded: { dataset?: Dataset; spectrograms?: SetBands; evalSpectrograms?: SetBands }): PresetAvailability {
  const needs = preset.needs;
  if (needs.kind === 'audio') {
    if (!loaded.spectrograms) return { runnable: false, message: `needs ${needs.hint}` };
    if (needs.evalAudio === 'required' && !loaded.evalSpectrograms) return { runnable: false, message: `needs a second labelled audio folder to evaluate on (${needs.hint})` };
    // A model is evaluated only on spectrograms made as its training ones were (testOnOtherSet refuses others): say so before training.
    if (needs.evalAudio && loaded.evalSpectrograms && bandsOf(loaded.evalSpectrograms) !== bandsOf(loaded.spectrograms))
      return {
        runnable: false,
        message: `needs the evaluation folder's spectrograms made with the training set's ${bandsOf(loaded.spectrograms)} mel bands (they have ${bandsOf(loaded.evalSpectrograms)}): drop the evaluation folder again`,
      };
    return { runnable: true, message: loaded.evalSpectrograms && needs.evalAudio ? 'runs on the loaded audio and evaluates on the second folder' : 'runs on the loaded audio' };
  }
  const files = needs.tables.map((t) => TABLE_FILES[t]).join(' or ');
  if (!loaded.dataset) return { runnable: false, message: `needs ${files} (${needs.hint}); no table is loaded` };
  const kind = tableKindOf(loaded.dataset);
  if (!needs.tables.includes(kind)) return { runnable: false, message: `needs ${files} (${needs.hint}); loaded: ${loaded.dataset.name}, ${tableLabel(kind)}` };
  return { runnable: true, message: `runs on ${loaded.dataset.name} (${tableLabel(kind)})`, table: kind };
}

/** The loaded table a table preset runs on, or a LabError saying which file to load. */
export function requireTable(preset: Preset, input: PresetInput): { ds: Dataset; kind: TableKind } {
  const a = presetAvailability(preset, input);
  if (!a.runnable || !input.dataset || !a.table) throw new LabError('bad-argument', `${preset.title} ${a.message}.`, { preset: preset.id });
  return { ds: input.dataset, kind: a.table };
}

/** One of our numbers, with the paper's value for the same id when the preset states one. */
export function ourNumber(preset: Preset, id: string, label: string, ours: number, unit: PresetNumber['unit'], note?: string): PresetNumber {
  const paper = preset.paperNumbers.find((p) => p.id === id)?.value;
  return { id, label, ours, unit, ...(paper === undefined ? {} : { paper }), ...(note ? { note } : {}) };
}

/** The NTNU report's per-genre table: TP, TN, FP, FN, precision, recall, F1. */
export function perGenreTable(title: string, ev: EvaluationResult): PresetTable {
  return {
    title,
    columns: ['genre', 'TP', 'TN', 'FP', 'FN', 'precision', 'recall', 'F1'],
    rows: ev.perClass.map((c) => [c.genre, c.tp, c.tn, c.fp, c.fn, round(c.precision), round(c.recall), round(c.f1)]),
  };
}

/** A confusion-matrix figure; `genres` names the rows and columns (default: the evaluation's own genre order). */
export function confusionFigure(title: string, ev: EvaluationResult, genres: readonly string[] = ev.perClass.map((c) => c.genre)): PresetFigure {
  return { kind: 'confusion', title, genres: [...genres], counts: ev.confusion.map((r) => [...r]) };
}

/** Four decimals: enough for a table, and a JSON that reads. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Let the event loop run between stages, so a cancel message reaching a worker flips the token
 * (synchronous stages — a k-NN, the search — cannot be interrupted inside), then stop if it did.
 */
export async function betweenStages(cancel: CancelToken | undefined): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (cancel?.cancelled) throw new CancelledError();
}

/** Progress of stage `index` of `count` (equal shares), fraction 0..1 within the stage. */
export function stageProgress(ctx: PresetContext | undefined, index: number, count: number, label: string): (fraction: number) => void {
  return (fraction) => ctx?.onProgress?.(Math.min(1, (index + Math.max(0, Math.min(1, fraction))) / count), label);
}

/**
 * One feature of a `histograms` figure as the Explore cell's histogram (density per genre, as
 * `numpy.histogram(density=True)`), so the same chart draws both.
 */
export function figureHistogram(fig: Extract<PresetFigure, { kind: 'histograms' }>, featureIndex: number): FeatureHistogram {
  const perGenre = fig.data[featureIndex] ?? [];
  const edges = Float64Array.from(perGenre[0]?.edges ?? [0, 1]);
  const series = fig.genres.map((genre, label) => {
    const counts = Int32Array.from(perGenre[label]?.counts ?? []);
    const n = counts.reduce((a, b) => a + b, 0);
    const density = Float64Array.from(counts, (c, b) => (n > 0 ? c / (n * (edges[b + 1]! - edges[b]!)) : 0));
    return { label, genre, n, counts, density };
  });
  return { edges, binWidth: edges.length > 1 ? edges[1]! - edges[0]! : 1, rule: 'fd', series };
}

/** A preset's table as the text table the Export control writes as CSV. */
export function presetTableText(t: PresetTable): TextTable {
  return { header: [...t.columns], rows: t.rows.map((r) => r.map((v) => String(v))) };
}

/** How a preset number reads, on the page and in the CLI alike: accuracies as percentages, F1 to three decimals, counts whole. */
export function formatPresetValue(value: number | undefined, unit: PresetNumber['unit']): string {
  if (value === undefined) return 'not stated in our sources';
  if (unit === 'fraction') return `${(value * 100).toFixed(2)} %`;
  if (unit === 'f1') return value.toFixed(3);
  return String(value);
}
