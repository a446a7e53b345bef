/**
 * Feature-combination search (the NTNU study's Task 3): every m-subset of a base set, plus one
 * extra feature from the rest, evaluated with k-NN. Rows of the heatmap = base subsets, columns =
 * extra features, colour = macro F1.
 *
 * Speed: instead of recomputing full distances for each of the ~236 combinations, each base
 * subset's squared distances are summed once (nTest × nTrain), each query's rows are put in
 * base-distance order (lazily, see BaseOrder), and each extra feature adds its one squared
 * difference on the fly to the nearest rows only (see scanQuery). The summation order is the same
 * as k-NN's own loop (base features in order, then the extra), so every cell equals what `runKnn`
 * gives for that combination, bit for bit.
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

/** Buckets of the counting sort per query (see {@link BaseOrder}). */
const BUCKETS = 256;

/**
 * Each query's training rows in (base distance, row) order, sorted lazily: a counting sort into
 * {@link BUCKETS} buckets of equal width (3 × the query's mean base distance / B; farther rows
 * share the last bucket), stable, and an insertion sort of a bucket only when a scan first reaches
 * it (stable too, so equal distances stay in row order). Scans stop after a few dozen rows, so most
 * buckets — the big last one above all — are never sorted. A few passes over the rows per query
 * instead of a comparison sort or a bounded heap.
 *
 * order[i·nTrain + p] is query i's p-th row and dist[…] its base distance, in (distance, row)
 * order for p < sortedEnd[i]; bucket b ends at bucketEnd[i·B + b]; nextBucket[i] is the first
 * bucket not yet sorted.
 */
class BaseOrder {
  readonly order: Int32Array;
  readonly dist: Float64Array;
  readonly bucketEnd: Int32Array;
  readonly sortedEnd: Int32Array;
  readonly nextBucket: Int32Array;
  private readonly bucketOf: Int32Array;
  constructor(
    readonly nTest: number,
    readonly nTrain: number,
  ) {
    this.order = new Int32Array(nTest * nTrain);
    this.dist = new Float64Array(nTest * nTrain);
    this.bucketEnd = new Int32Array(nTest * BUCKETS);
    this.sortedEnd = new Int32Array(nTest);
    this.nextBucket = new Int32Array(nTest);
    this.bucketOf = new Int32Array(nTrain);
  }

  /** Bucket every query's rows by `baseDist` (nTest × nTrain). */
  bucket(baseDist: Float64Array): void {
    const { nTest, nTrain, order, dist, bucketEnd, bucketOf } = this;
    for (let i = 0; i < nTest; i++) {
      const row = i * nTrain;
      let sum = 0;
      for (let j = 0; j < nTrain; j++) sum += baseDist[row + j]!;
      const scale = sum > 0 && Number.isFinite(sum) ? (BUCKETS * nTrain) / (3 * sum) : 0;
      const eo = i * BUCKETS;
      bucketEnd.fill(0, eo, eo + BUCKETS);
      for (let j = 0; j < nTrain; j++) {
        const x = baseDist[row + j]! * scale;
        // Far rows (and NaN) go to the last bucket; the insertion sort orders them there.
        const b = x < BUCKETS - 1 ? Math.floor(x) : BUCKETS - 1;
        bucketOf[j] = b;
        bucketEnd[eo + b]!++;
      }
      // Counts → each bucket's start (exclusive prefix sums, as absolute positions).
      let at = row;
      for (let b = 0; b < BUCKETS; b++) {
        const c = bucketEnd[eo + b]!;
        bucketEnd[eo + b] = at;
        at += c;
      }
      // Placing a row advances its bucket's start; afterwards each holds its bucket's end.
      for (let j = 0; j < nTrain; j++) {
        const p = bucketEnd[eo + bucketOf[j]!]!++;
        order[p] = j;
        dist[p] = baseDist[row + j]!;
      }
      this.sortedEnd[i] = row;
      this.nextBucket[i] = 0;
    }
  }

  /** Sort query i's next non-empty bucket; false when every bucket is sorted. */
  sortNext(i: number): boolean {
    const { order, dist } = this;
    const lo = this.sortedEnd[i]!;
    let b = this.nextBucket[i]!;
    while (b < BUCKETS && this.bucketEnd[i * BUCKETS + b] === lo) b++;
    if (b === BUCKETS) {
      this.nextBucket[i] = b;
      return false;
    }
    const hi = this.bucketEnd[i * BUCKETS + b]!;
    for (let p = lo + 1; p < hi; p++) {
      const d = dist[p]!;
      const j = order[p]!;
      let q = p;
      // Strictly greater: equal distances keep their (row) order.
      while (q > lo && dist[q - 1]! > d) {
        dist[q] = dist[q - 1]!;
        order[q] = order[q - 1]!;
        q--;
      }
      dist[q] = d;
      order[q] = j;
    }
    this.sortedEnd[i] = hi;
    this.nextBucket[i] = b + 1;
    return true;
  }
}

/**
 * k nearest rows for query i when the distance is base + (q − extra[j])² (no extra term when
 * `extraTrain` is undefined). Rows are visited in (base, row) order; since the extra term is ≥ 0,
 * once a row's base distance alone exceeds the current k-th total distance no later row can enter
 * (one at exactly that distance still could, by the row-order tie rule, so the test is strict).
 * The heap orders by (distance, row), so the answer is exactly the full scan's.
 */
function scanQuery(heap: NeighbourHeap, bo: BaseOrder, i: number, extraTrain: Float64Array | undefined, q: number): void {
  heap.reset();
  const end = (i + 1) * bo.nTrain;
  const { order, dist } = bo;
  for (let p = i * bo.nTrain; p < end; p++) {
    if (p >= bo.sortedEnd[i]! && !bo.sortNext(i)) return;
    const b = dist[p]!;
    if (b > heap.worst()) return;
    const j = order[p]!;
    if (extraTrain) {
      const diff = q - extraTrain[j]!;
      heap.offer(b + diff * diff, j);
    } else heap.offer(b, j);
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

  const bo = new BaseOrder(nTest, nTrain);
  const finish = () => evaluatePredictions(testLabels, predicted, ds.genres);
  const vote = (i: number, h: NeighbourHeap) => {
    votes.fill(0);
    voteNeighbours(h, trainLabels, o.weights, votes);
    predicted[i] = argmaxFirst(votes, 0, nClasses);
  };
  const classify = (extra: number | undefined) => {
    const et = extra === undefined ? undefined : extraTrain[extra]!;
    const eq = extra === undefined ? undefined : extraTest[extra]!;
    for (let i = 0; i < nTest; i++) {
      scanQuery(heap, bo, i, et, eq ? eq[i]! : 0);
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
    bo.bucket(baseDist);
    const alone = classify(undefined);
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
