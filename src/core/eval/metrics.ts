/**
 * Classification metrics as the NTNU report tabulates them: accuracy, macro F1, confusion matrix
 * (rows = true genre, columns = predicted), and per genre TP/TN/FP/FN, precision, recall, F1.
 * F1, precision and recall of a genre with no predictions/no members are 0 (scikit-learn's
 * zero_division=0).
 */
import { groupByTrack, type Dataset } from '../data/dataset';

export interface ClassMetrics {
  genre: string;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationResult {
  n: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  /** confusion[t][p]: count of true genre t predicted as p. */
  confusion: number[][];
  perClass: ClassMetrics[];
}

export function computeConfusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[][] {
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i] as number]![yPred[i] as number]!++;
  return m;
}

export function evaluatePredictions(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, genres: readonly string[]): EvaluationResult {
  const k = genres.length;
  const confusion = computeConfusionMatrix(yTrue, yPred, k);
  const n = yTrue.length;
  let correct = 0;
  for (let c = 0; c < k; c++) correct += confusion[c]![c]!;
  const perClass: ClassMetrics[] = genres.map((genre, c) => {
    const tp = confusion[c]![c]!;
    let fn = 0;
    let fp = 0;
    for (let j = 0; j < k; j++) {
      if (j === c) continue;
      fn += confusion[c]![j]!;
      fp += confusion[j]![c]!;
    }
    const tn = n - tp - fp - fn;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    return { genre, tp, tn, fp, fn, precision, recall, f1, support: tp + fn };
  });
  // Macro F1 over genres present in the truth or the predictions (scikit-learn's label set).
  const present = perClass.filter((c) => c.support > 0 || c.fp > 0);
  const macroF1 = present.length ? present.reduce((s, c) => s + c.f1, 0) / present.length : 0;
  return { n, correct, accuracy: n ? correct / n : 0, macroF1, confusion, perClass };
}

/**
 * Per-track vote for segment-level predictions. With probabilities, the mean probability wins;
 * with hard labels, the majority wins, ties going to the genre whose summed probability is highest
 * when given, else to the lowest genre index.
 */
export function voteByTrack(
  ds: Dataset,
  rows: ArrayLike<number>,
  predicted: ArrayLike<number>,
  probabilities?: Float32Array | Float64Array,
  /** The tracks among `rows` when the caller has grouped them already; default: grouped here. */
  tracks: readonly { trackId: string; rows: readonly number[]; label: number }[] = groupByTrack(ds, rows),
): { trackIds: string[]; yTrue: Int32Array; yPred: Int32Array } {
  const k = ds.genres.length;
  const posOf = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) posOf.set(rows[i] as number, i);
  const groups = tracks;
  const yTrue = new Int32Array(groups.length);
  const yPred = new Int32Array(groups.length);
  groups.forEach((g, ti) => {
    const votes = new Float64Array(k);
    const mass = new Float64Array(k);
    for (const r of g.rows) {
      const i = posOf.get(r)!;
      votes[predicted[i] as number]! += 1;
      if (probabilities) for (let c = 0; c < k; c++) mass[c]! += probabilities[i * k + c]!;
    }
    let best = 0;
    for (let c = 1; c < k; c++) {
      if (votes[c]! > votes[best]! || (votes[c] === votes[best] && mass[c]! > mass[best]!)) best = c;
    }
    yTrue[ti] = g.label;
    yPred[ti] = best;
  });
  return { trackIds: groups.map((g) => g.trackId), yTrue, yPred };
}

/** True when some track has more than one row among `rows` (so a per-track vote means something). */
export function hasSegments(ds: Dataset, rows: ArrayLike<number>): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const t = ds.trackIds[rows[i] as number] as string;
    if (seen.has(t)) return true;
    seen.add(t);
  }
  return false;
}
