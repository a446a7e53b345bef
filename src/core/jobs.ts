/**
 * Every compute job a cell can ask for, as plain data in and plain (structured-clone-safe) data
 * out. The compute worker runs these; tests and the CLI call them directly, so the UI and the CLI
 * give the same numbers.
 */
import { featureIndices, getColumn, selectMatrix, type Dataset } from './data/dataset';
import { applyStandardizer, fitStandardizer } from './data/scale';
import { resolveSplit, type SplitChoice } from './data/split';
import type { CancelToken } from './errors';
import type { ScalingKind } from './data/scale';
import { runClassic, runForestImportance, runKnn, runLogistic, type ClassicRunResult, type ImportanceResult } from './eval/classic';
import { computeCorrelationMatrix } from './eval/correlation';
import { computeGenreHistograms, type FeatureHistogram } from './eval/histogram';
import { rankFeaturesMrmr, type MrmrStep } from './eval/mrmr';
import { computePca } from './eval/pca';
import { searchCombinations, type SearchResult } from './eval/search';
import type { KnnWeights } from './models/knn';
import type { ClassicKindId, ClassicSettingValues } from './models/registry';

export type JobRequest =
  | { kind: 'knn'; features: string[]; k: number; weights: KnnWeights; split: SplitChoice; standardize: boolean }
  | { kind: 'logistic'; features: string[]; C: number; split: SplitChoice }
  /** Any classic kind of the registry (the Classic models cell). */
  | { kind: 'classic'; model: ClassicKindId; features: string[]; settings: ClassicSettingValues; scaling: ScalingKind; split: SplitChoice; seed: number }
  | { kind: 'importance'; features: string[]; nTrees: number; seed: number; split: SplitChoice; permutationRepeats: number }
  | { kind: 'search'; base: string[]; choose: number; extras?: string[]; k: number; weights: KnnWeights; split: SplitChoice; rankBy: 'accuracy' | 'macroF1' }
  | { kind: 'mrmr'; features: string[]; nBins: number; split: SplitChoice }
  | { kind: 'histograms'; features: string[]; genres: string[] }
  /** `genres`: only rows of these genres (default all), as the Explore cell's ticks say. */
  | { kind: 'correlation'; features: string[]; genres?: string[] }
  | { kind: 'pca'; features: string[]; genres?: string[] };

export interface MrmrResult {
  steps: MrmrStep[];
  rowsUsed: number;
}

export interface HistogramsResult {
  items: { feature: string; histogram: FeatureHistogram }[];
}

export interface CorrelationResult {
  features: string[];
  matrix: number[][];
}

export interface PcaJobResult {
  x: number[];
  y: number[];
  labels: number[];
  trackIds: string[];
  explainedVarianceRatio: number[];
  genres: string[];
}

export type JobResult =
  | { kind: 'knn' | 'logistic' | 'classic'; run: ClassicRunResult }
  | { kind: 'importance'; importance: ImportanceResult }
  | { kind: 'search'; search: SearchResult }
  | { kind: 'mrmr'; mrmr: MrmrResult }
  | { kind: 'histograms'; histograms: HistogramsResult }
  | { kind: 'correlation'; correlation: CorrelationResult }
  | { kind: 'pca'; pca: PcaJobResult };

export interface JobContext {
  cancel?: CancelToken;
  /** Fraction done, 0…1. */
  onProgress?: (fraction: number) => void;
}

export function runJob(ds: Dataset, job: JobRequest, ctx: JobContext = {}): JobResult {
  switch (job.kind) {
    case 'knn':
      return { kind: 'knn', run: runKnn(ds, job, ctx) };
    case 'logistic':
      return { kind: 'logistic', run: runLogistic(ds, job, ctx.cancel) };
    case 'classic':
      return { kind: 'classic', run: runClassic(ds, job, ctx) };
    case 'importance':
      return { kind: 'importance', importance: runForestImportance(ds, job, ctx.cancel, ctx.onProgress) };
    case 'search':
      return { kind: 'search', search: searchCombinations(ds, { ...job, cancel: ctx.cancel, onProgress: (d, t) => ctx.onProgress?.(d / t) }) };
    case 'mrmr': {
      // Ranked on training rows only, so a ranking used to pick features never saw the test set.
      const split = resolveSplit(ds, job.split);
      const cols = featureIndices(ds, job.features);
      const X = selectMatrix(ds, split.train, cols);
      const y = Int32Array.from(split.train, (r) => ds.labels[r]!);
      const steps = rankFeaturesMrmr(X, cols.length, y, ds.genres.length, { nBins: job.nBins }, job.features);
      return { kind: 'mrmr', mrmr: { steps, rowsUsed: split.train.length } };
    }
    case 'histograms': {
      const wanted = new Set(job.genres);
      const rows = rowsOfGenres(ds, job.genres);
      const labels = Int32Array.from(rows, (r) => ds.labels[r]!);
      const items = featureIndices(ds, job.features).map((c, i) => {
        const h = computeGenreHistograms(getColumn(ds, c, rows), labels, ds.genres, { minBins: 12 });
        return { feature: job.features[i]!, histogram: { ...h, series: h.series.filter((s) => wanted.has(s.genre)) } };
      });
      return { kind: 'histograms', histograms: { items } };
    }
    case 'correlation': {
      const cols = featureIndices(ds, job.features);
      const m = computeCorrelationMatrix(selectMatrix(ds, rowsOfGenres(ds, job.genres), cols), cols.length);
      const matrix = Array.from({ length: cols.length }, (_, i) => Array.from(m.subarray(i * cols.length, (i + 1) * cols.length)));
      return { kind: 'correlation', correlation: { features: job.features, matrix } };
    }
    case 'pca': {
      const cols = featureIndices(ds, job.features);
      const rows = rowsOfGenres(ds, job.genres);
      const X = selectMatrix(ds, rows, cols);
      const p = computePca(applyStandardizer(X, fitStandardizer(X, cols.length)), cols.length, { nComponents: 2, standardize: false });
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        x.push(p.scores[i * 2]!);
        y.push(p.scores[i * 2 + 1]!);
      }
      const labels = Array.from(rows, (r) => ds.labels[r]!);
      const trackIds = Array.from(rows, (r) => ds.trackIds[r]!);
      return { kind: 'pca', pca: { x, y, labels, trackIds, explainedVarianceRatio: [...p.explainedVarianceRatio], genres: ds.genres } };
    }
  }
}

/** Rows whose genre is among `genres` (all rows when `genres` is absent), in row order. */
function rowsOfGenres(ds: Dataset, genres?: readonly string[]): Int32Array {
  if (!genres) return Int32Array.from({ length: ds.nRows }, (_, i) => i);
  const wanted = new Set(genres);
  const rows: number[] = [];
  for (let r = 0; r < ds.nRows; r++) if (wanted.has(ds.genres[ds.labels[r]!]!)) rows.push(r);
  return Int32Array.from(rows);
}
