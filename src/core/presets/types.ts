/**
 * Paper presets: one entry per reproduced study setting (HOUSE_STYLE: "a paper preset: one entry
 * each, listed nowhere else"). An entry says what data it needs, loads its settings, runs headless
 * over the core (the CLI's `preset run` and the UI's one click call the same `run`), and returns our
 * numbers next to the paper's, with notes where the setups differ.
 *
 * Pure core: no React, no DOM; runs in Node, in workers and in the CLI.
 */
import type { CancelToken } from '../errors';
import type { Dataset } from '../data/dataset';
import type { SpectrogramSet } from '../data/spectrogramSet';

/** The studies the lab reproduces. */
export type PaperId = 'ntnu' | 'spectral' | 'northeastern' | 'toronto' | 'georgia-tech';

/** Which feature table a preset can run on (detected from the loaded Dataset, see `tableKindOf`). */
export type TableKind = 'ntnu-30s' | 'ntnu-10s' | 'ntnu-5s' | 'kaggle-30s' | 'kaggle-3s' | 'generic';

/** What a preset reads. */
export type PresetNeeds =
  /** A feature table, one of `tables` (in order of preference); `hint` names the file to load when none is. */
  | { kind: 'table'; tables: TableKind[]; hint: string }
  /** Audio (a genres_original-style folder, or the demo corpus), as a spectrogram set; `evalAudio`: a second, labelled folder to evaluate on. */
  | { kind: 'audio'; hint: string; evalAudio?: 'optional' | 'required' };

export interface PresetInput {
  /** The loaded table, for `needs.kind === 'table'`. */
  dataset?: Dataset;
  /** The training audio as a spectrogram set, for `needs.kind === 'audio'`. */
  spectrograms?: SpectrogramSet;
  /** A second labelled audio set to evaluate on (Toronto's new-data evaluation). */
  evalSpectrograms?: SpectrogramSet;
  /** Base seed (default 0): the CLI and the UI pass the same seed, so they print the same numbers. */
  seed?: number;
  /**
   * 'full' (default) runs the paper's protocol; 'quick' a reduced one (fewer epochs or models) for a
   * live class or a test, which the result must say in `dataUsed`/`notes` and in each affected number's note.
   */
  effort?: 'full' | 'quick';
}

export interface PresetContext {
  cancel?: CancelToken;
  /** Overall progress 0..1 with a short label ("Task 4: model 3 of 10"). */
  onProgress?: (fraction: number, label: string) => void;
}

/** One number of ours, next to the paper's when the paper states one. */
export interface PresetNumber {
  /** Stable key, e.g. `accuracy`, `ensemble-accuracy`, `macro-f1`. */
  id: string;
  label: string;
  /** Accuracies as fractions 0..1; F1 as 0..1. */
  ours: number;
  paper?: number;
  unit: 'fraction' | 'f1' | 'count';
  /** Where this setup differs from the paper's, when it does. */
  note?: string;
}

/** A table to show (and export as CSV), e.g. per-genre TP/TN/FP/FN/F1. */
export interface PresetTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** A figure the UI can draw from plain numbers (no chart library in core). */
export type PresetFigure =
  | { kind: 'confusion'; title: string; genres: string[]; counts: number[][] }
  | { kind: 'heatmap'; title: string; xLabels: string[]; yLabels: string[]; values: number[][] }
  | { kind: 'histograms'; title: string; features: string[]; genres: string[]; /** per feature, per genre: bin edges and counts */ data: { edges: number[]; counts: number[] }[][] }
  | { kind: 'bars'; title: string; labels: string[]; values: number[] };

export interface PresetResult {
  presetId: string;
  /** What the run used, e.g. "GenreClassData_10s.txt (10 s table; the paper used the 5 s table)". */
  dataUsed: string;
  numbers: PresetNumber[];
  tables: PresetTable[];
  figures: PresetFigure[];
  notes: string[];
  seed: number;
}

/** A cell's settings a preset stands for (one kind per cell that offers preset buttons). */
export type PresetCellSettings = { cell: 'knn'; features: string[]; k: number; weights: 'uniform' | 'distance' };

export interface Preset {
  id: string;
  paper: PaperId;
  /** "NTNU Task 1: k-NN on four features". */
  title: string;
  /** One or two sentences: what the paper did and what this preset runs. */
  summary: string;
  needs: PresetNeeds;
  /** The paper's headline numbers with where they come from (table/section), shown before any run. */
  paperNumbers: { id: string; label: string; value: number; unit: PresetNumber['unit']; source: string }[];
  /** Known differences between our setup and the paper's, shown next to the numbers. */
  differences: string[];
  /**
   * Settings a notebook cell can load as they are (the k-NN cell's "NTNU Task 1 preset" button reads
   * them here, so the preset and the button are one definition). Feature names are NTNU's, resolved
   * against the loaded table's names.
   */
  cellSettings?: PresetCellSettings;
  /**
   * Trains TensorFlow.js networks, so the caller must have chosen a tfjs backend first (the CLI
   * calls `initNodeBackend`, the training worker its measured choice). Audio presets always do.
   */
  trainsWithTf?: boolean;
  run(input: PresetInput, ctx?: PresetContext): Promise<PresetResult>;
}
