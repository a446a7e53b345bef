/**
 * Feature-combination search (the NTNU study's Task 3): every m-subset of a base set, plus one
 * extra feature from the rest, evaluated with k-NN. Rows of the heatmap = base subsets, columns =
 * extra features, colour = macro F1.
 *
 * Speed: instead of recomputing full distances for each of the ~236 combinations, the squared
 * distances of each base subset are summed once (nTest × nTrain), and each extra feature adds its
 * one squared difference on the fly. The summation order is the same as k-NN's own loop (base
 * features in order, then the extra), so every cell equals what `runKnn` gives for that
 * combination, bit for bit.
 */
import { featureIndices, selectMatrix, type Dataset } from '../data/dataset';
import { applyStandardizer, fitStandardizer } from '../data/scale';
import { resolveSplit, type SplitChoice } from '../data/split';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { argmaxFirst, NeighbourHeap, validateKnnOptions, voteNeighbours, type KnnWeights } from '../models/knn';
import { now } from './classic';
import { evaluatePredictions } from './metrics';

export interface SearchOptions {
  base: string[];
  /** Size m of the base subsets. */
  choose: number;
  /** Extra features to try; default: every feature not in `base`. */
  extras?: string[];
  k: number;
  weights: KnnWeights;
  split?: SplitChoice;
  /** 'accuracy' ranks by accuracy then macro F1; 'macroF1' the other way round. */
  rankBy?: 'accuracy' | 'macroF1';
  cancel?: CancelToken;
  onProgress?: (done: number, total: number) => void;
}

export interface SearchCell {
  subset: number;
  extra: number;
  accuracy: number;
  macroF1: number;
  correct: number;
}

export interface SearchResult {
  subsets: string[][];
  extras: string[];
  /** cells[s * extras.length + e] */
  cells: SearchCell[];
  best: { features: string[]; accuracy: number; macroF1: number; correct: number; n: number };
  /** The base subsets alone (no extra), for reference. */
  subsetsAlone: { accuracy: number; macroF1: number }[];
  nTest: number;
  split: string;
  elapsedMs: number;
}

/** All m-subsets of 0..n-1 in lexicographic order. */
export function combinations(n: number, m: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === m) {
      out.push([...cur]);
      return;
    }
    for (let i = start; i < n; i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

/** How many nearest rows by base distance each query keeps as candidates for the extras. */
const CANDIDATES = 64;

/**
 * k nearest rows for one query when the distance is base + (q − extra[j])². `cand` holds the
 * query's CANDIDATES nearest rows by base distance, in (distance, row) order. Since the extra term
 * is ≥ 0, once a candidate's base distance alone exceeds the current k-th total distance no later
 * row can enter, so the scan stops early; only if the candidates run out first does it fall back to
 * scanning every row. The heap orders by (distance, row), so the answer is exactly the full scan's.
 */
function scanQuery(
  heap: NeighbourHeap,
  baseDist: Float64Array,
  row: number,
  nTrain: number,
  cand: NeighbourHeap,
  extraTrain: Float64Array,
  q: number,
): void {
  heap.reset();
  const n = cand.size;
  for (let c = 0; c < n; c++) {
    const j = cand.index[c]!;
    const b = cand.dist[c]!;
    if (b > heap.worst()) return;
    const diff = q - extraTrain[j]!;
    heap.offer(b + diff * diff, j);
  }
  if (n === nTrain) return;
  // Rows outside the candidates have base distance ≥ the last candidate's; they can still enter.
  heap.reset();
  for (let j = 0; j < nTrain; j++) {
    const diff = q - extraTrain[j]!;
    heap.offer(baseDist[row + j]! + diff * diff, j);
  }
}

export function searchCombinations(ds: Dataset, o: SearchOptions): SearchResult {
  const t0 = now();
  if (o.base.length === 0) throw new LabError('bad-argument', 'Choose a base set of features.');
  if (!Number.isInteger(o.choose) || o.choose < 1 || o.choose > o.base.length) {
    throw new LabError('bad-argument', `m must be between 1 and the base size (${o.base.length}), got ${o.choose}`);
  }
  const extrasNames = o.extras ?? ds.featureNames.filter((f) => !o.base.includes(f));
  if (extrasNames.length === 0) throw new LabError('bad-argument', 'No extra features left to try.');
  const allNames = [...o.base, ...extrasNames];
  const cols = featureIndices(ds, allNames);
  const split = resolveSplit(ds, o.split);
  const nF = cols.length;
  // Standardisation is per column, so standardising all columns at once equals doing it per combination.
  const rawTrain = selectMatrix(ds, split.train, cols);
  const scaler = fitStandardizer(rawTrain, nF);
  const train = applyStandardizer(rawTrain, scaler);
  const test = applyStandardizer(selectMatrix(ds, split.test, cols), scaler);
  const nTrain = split.train.length;
  const nTest = split.test.length;
  validateKnnOptions({ k: o.k, weights: o.weights }, nTrain);
  const trainLabels = Int32Array.from(split.train, (r) => ds.labels[r]!);
  const testLabels = Int32Array.from(split.test, (r) => ds.labels[r]!);
  const nClasses = ds.genres.length;

  // Column-major copies for the per-feature inner loops.
  const colTrain = (c: number) => Float64Array.from({ length: nTrain }, (_, j) => train[j * nF + c]!);
  const colTest = (c: number) => Float64Array.from({ length: nTest }, (_, i) => test[i * nF + c]!);
  const subsets = combinations(o.base.length, o.choose);
  const extraTrain = extrasNames.map((_, e) => colTrain(o.base.length + e));
  const extraTest = extrasNames.map((_, e) => colTest(o.base.length + e));
  const baseTrain = o.base.map((_, b) => colTrain(b));
  const baseTest = o.base.map((_, b) => colTest(b));

  const heap = new NeighbourHeap(o.k);
  const votes = new Float64Array(nClasses);
  const predicted = new Int32Array(nTest);
  const baseDist = new Float64Array(nTest * nTrain);
  const cells: SearchCell[] = [];
  const subsetsAlone: { accuracy: number; macroF1: number }[] = [];
  const total = subsets.length * extrasNames.length;
  let done = 0;

  const nCand = Math.min(CANDIDATES, nTrain);
  const candidates = Array.from({ length: nTest }, () => new NeighbourHeap(nCand));
  const finish = () => evaluatePredictions(testLabels, predicted, ds.genres);
  const vote = (i: number, h: NeighbourHeap) => {
    votes.fill(0);
    voteNeighbours(h, trainLabels, o.weights, votes);
    predicted[i] = argmaxFirst(votes, 0, nClasses);
  };
  const classify = (extra: number) => {
    const et = extraTrain[extra]!;
    const eq = extraTest[extra]!;
    for (let i = 0; i < nTest; i++) {
      scanQuery(heap, baseDist, i * nTrain, nTrain, candidates[i]!, et, eq[i]!);
      vote(i, heap);
    }
    return finish();
  };
  const classifyAlone = () => {
    for (let i = 0; i < nTest; i++) {
      const cand = candidates[i]!;
      cand.reset();
      const row = i * nTrain;
      for (let j = 0; j < nTrain; j++) cand.offer(baseDist[row + j]!, j);
      heap.reset();
      for (let c = 0; c < Math.min(o.k, cand.size); c++) heap.offer(cand.dist[c]!, cand.index[c]!);
      vote(i, heap);
    }
    return finish();
  };

  subsets.forEach((subset, s) => {
    baseDist.fill(0);
    for (const b of subset) {
      const bt = baseTrain[b]!;
      const bq = baseTest[b]!;
      for (let i = 0; i < nTest; i++) {
        const q = bq[i]!;
        const row = i * nTrain;
        for (let j = 0; j < nTrain; j++) {
          const diff = q - bt[j]!;
          baseDist[row + j]! += diff * diff;
        }
      }
    }
    const alone = classifyAlone();
    subsetsAlone.push({ accuracy: alone.accuracy, macroF1: alone.macroF1 });
    for (let e = 0; e < extrasNames.length; e++) {
      throwIfCancelled(o.cancel);
      const r = classify(e);
      cells.push({ subset: s, extra: e, accuracy: r.accuracy, macroF1: r.macroF1, correct: r.correct });
      done++;
    }
    o.onProgress?.(done, total);
  });

  const rankBy = o.rankBy ?? 'accuracy';
  let best = cells[0]!;
  for (const c of cells) {
    const [a1, a2] = rankBy === 'accuracy' ? [c.accuracy, c.macroF1] : [c.macroF1, c.accuracy];
    const [b1, b2] = rankBy === 'accuracy' ? [best.accuracy, best.macroF1] : [best.macroF1, best.accuracy];
    if (a1 > b1 || (a1 === b1 && a2 > b2)) best = c;
  }
  const subsetNames = subsets.map((s) => s.map((b) => o.base[b]!));
  return {
    subsets: subsetNames,
    extras: extrasNames,
    cells,
    best: {
      features: [...subsetNames[best.subset]!, extrasNames[best.extra]!],
      accuracy: best.accuracy,
      macroF1: best.macroF1,
      correct: best.correct,
      n: nTest,
    },
    subsetsAlone,
    nTest,
    split: split.description,
    elapsedMs: now() - t0,
  };
}
