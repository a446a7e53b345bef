/**
 * Feature-combination search (the NTNU study's Task 3): every m-subset of a base set, plus one
 * extra feature from the rest, evaluated with k-NN. Rows of the heatmap = base subsets, columns =
 * extra features, colour = macro F1.
 *
 * Speed: instead of recomputing full distances for each of the ~236 combinations, query by query
 * each base feature's squared differences are computed once, each base subset's sum of them is put
 * in base-distance order (lazily, see QueryOrder), and each extra feature adds its one squared
 * difference on the fly to the nearest rows only (see ExtraScans). The summation order is the same
 * as k-NN's own loop (base features in order, then the extra), so every cell equals what `runKnn`
 * gives for that combination, bit for bit.
 */
import { featureIndices, selectMatrix, type Dataset } from '../data/dataset';
import { applyStandardizer, fitStandardizer } from '../data/scale';
import { resolveSplit, type SplitChoice } from '../data/split';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { argmaxFirst, NeighbourHeap, validateKnnOptions, type KnnWeights } from '../models/knn';
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

/** Buckets of the counting sort per query (see {@link QueryOrder}). */
const BUCKETS = 256;
/** The first buckets, placed at once; the rest only when a scan gets that far (see {@link QueryOrder}). */
const NEAR_BUCKETS = 48;

/**
 * One query's training rows in (base distance, row) order, sorted lazily: a counting sort into
 * {@link BUCKETS} buckets of equal width (3 × the query's mean base distance / B; farther rows
 * share the last bucket), stable, and an insertion sort of a bucket only when a scan first reaches
 * it (stable too, so equal distances stay in row order). Scans stop after a few dozen rows, so most
 * buckets — the big last one above all — are never sorted. Only the rows of the first
 * {@link NEAR_BUCKETS} buckets (about the nearest 40 % on the NTNU search, where scans went past
 * them for 4 % of the queries and subsets) are counted and placed with the distances' pass; the
 * others are placed by one more pass the first time a scan needs them. A few passes over the rows
 * per query instead of a comparison sort or a bounded heap.
 *
 * One query at a time (not all queries of a base subset at once): its nTrain-long arrays stay in
 * L1 cache while every extra feature scans them, which is most of the search's speed.
 *
 * order[p] is the p-th row and dist[p] its base distance, in (distance, row) order for
 * p < sortedEnd; bucket b ends at bucketEnd[b]; nextBucket is the first bucket not yet sorted.
 * Until the far rows are placed, the far buckets all end at nearCount (look empty).
 */
class QueryOrder {
  readonly order: Int32Array;
  readonly dist: Float64Array;
  readonly bucketEnd: Int32Array;
  sortedEnd = 0;
  nextBucket = 0;
  private readonly bucketOf: Int32Array;
  private readonly baseDist: Float64Array;
  /** The near rows in row order (the first nearCount). */
  private readonly near: Int32Array;
  private nearCount = 0;
  private farPlaced = false;
  /** Buckets per unit of base distance. */
  private scale = 0;
  constructor(readonly nTrain: number) {
    this.baseDist = new Float64Array(nTrain);
    this.order = new Int32Array(nTrain);
    this.dist = new Float64Array(nTrain);
    this.bucketEnd = new Int32Array(BUCKETS);
    this.bucketOf = new Int32Array(nTrain);
    this.near = new Int32Array(nTrain);
  }

  /**
   * The query's base distances — the sum of the subset's rows of `featureDist` (each nTrain long,
   * at `offsets`), added in the subset's order as k-NN's own loop does, so they are equal bit for
   * bit — and the near rows placed by bucket. `meanDist` (the distances' expected mean, known
   * without a pass over them) only sets the bucket width: any positive value gives the same order.
   */
  bucket(featureDist: Float64Array, offsets: Int32Array, meanDist: number): void {
    const { nTrain, order, dist, bucketEnd, bucketOf, baseDist, near } = this;
    const scale = meanDist > 0 && Number.isFinite(meanDist) ? BUCKETS / (3 * meanDist) : 0;
    this.scale = scale;
    const m = offsets.length;
    const o0 = offsets[0]!;
    const o1 = m > 1 ? offsets[1]! : 0;
    const o2 = m > 2 ? offsets[2]! : 0;
    let c = 0;
    for (let j = 0; j < nTrain; j++) {
      // Subsets of up to 3 (the usual m) summed without an inner loop.
      let d = featureDist[o0 + j]!;
      if (m > 1) d += featureDist[o1 + j]!;
      if (m > 2) d += featureDist[o2 + j]!;
      for (let f = 3; f < m; f++) d += featureDist[offsets[f]! + j]!;
      baseDist[j] = d;
      // Listed without a branch: stored every time, kept (c advanced by 1) only when near. NaN is far.
      near[c] = j;
      c += +(d * scale < NEAR_BUCKETS);
    }
    this.nearCount = c;
    this.farPlaced = false;
    bucketEnd.fill(0, 0, NEAR_BUCKETS);
    for (let t = 0; t < c; t++) {
      const b = Math.floor(baseDist[near[t]!]! * scale);
      bucketOf[t] = b;
      bucketEnd[b]!++;
    }
    // Counts → each bucket's start (exclusive prefix sums); the far buckets look empty for now.
    let at = 0;
    for (let b = 0; b < NEAR_BUCKETS; b++) {
      const n = bucketEnd[b]!;
      bucketEnd[b] = at;
      at += n;
    }
    bucketEnd.fill(c, NEAR_BUCKETS);
    // Placing a row advances its bucket's start; afterwards each holds its bucket's end.
    for (let t = 0; t < c; t++) {
      const p = bucketEnd[bucketOf[t]!]!++;
      const j = near[t]!;
      order[p] = j;
      dist[p] = baseDist[j]!;
    }
    this.sortedEnd = 0;
    this.nextBucket = 0;
  }

  /** Place the far rows (after the near ones) by bucket, as {@link bucket} placed the near ones. */
  private placeFar(): void {
    const { nTrain, order, dist, bucketEnd, bucketOf, baseDist, scale } = this;
    bucketEnd.fill(0, NEAR_BUCKETS);
    for (let j = 0; j < nTrain; j++) {
      const x = baseDist[j]! * scale;
      if (x < NEAR_BUCKETS) continue;
      // Far rows (and NaN) past the last bucket's start go to it; the insertion sort orders them there.
      const b = x < BUCKETS - 1 ? Math.floor(x) : BUCKETS - 1;
      bucketOf[j] = b;
      bucketEnd[b]!++;
    }
    let at = this.nearCount;
    for (let b = NEAR_BUCKETS; b < BUCKETS; b++) {
      const n = bucketEnd[b]!;
      bucketEnd[b] = at;
      at += n;
    }
    for (let j = 0; j < nTrain; j++) {
      if (baseDist[j]! * scale < NEAR_BUCKETS) continue;
      const p = bucketEnd[bucketOf[j]!]!++;
      order[p] = j;
      dist[p] = baseDist[j]!;
    }
    this.farPlaced = true;
  }

  /** Sort the next non-empty bucket; false when every bucket is sorted. */
  sortNext(): boolean {
    const { order, dist, bucketEnd } = this;
    const lo = this.sortedEnd;
    // Every near row sorted: the far ones are needed now.
    if (lo === this.nearCount && !this.farPlaced) this.placeFar();
    let b = this.nextBucket;
    while (b < BUCKETS && bucketEnd[b] === lo) b++;
    if (b === BUCKETS) {
      this.nextBucket = b;
      return false;
    }
    const hi = bucketEnd[b]!;
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
    this.sortedEnd = hi;
    this.nextBucket = b + 1;
    return true;
  }
}

/** k nearest rows for the query by base distance alone, left in `heap`: the first k in (base, row) order. */
function firstK(heap: NeighbourHeap, qo: QueryOrder): void {
  const n = Math.min(heap.k, qo.nTrain);
  while (qo.sortedEnd < n && qo.sortNext());
  heap.dist.set(qo.dist.subarray(0, n));
  heap.index.set(qo.order.subarray(0, n));
  heap.size = n;
}

/**
 * Rows in base order that every extra goes through together, row by row, before those extras that
 * still need more go on alone (see {@link ExtraScans}). Most extras' k nearest are settled within
 * the first two dozen rows; more shared rows cost more than the lone scans they save (NTNU search,
 * CPU time alternated in one process: 24 beat 32, 48 and 64; 16 and 20 were the same within noise).
 */
const SHARED_ROWS = 24;

/**
 * k nearest rows for one query and base subset under every extra: for extra e the distance is
 * base + (q[e] − x[j, e])², x being the row-major training matrix `rows` (`stride` columns, the
 * extras from column `col0` on). Extra e's k nearest are left sorted in (distance, row) order in
 * dist/index[e·k … e·k + k).
 *
 * Rows are visited in (base, row) order ({@link QueryOrder}). The first k enter every extra. Then
 * up to {@link SHARED_ROWS} rows are taken row by row across all extras: a row's extras are
 * contiguous in `rows`, and which extras the row can enter is found without a branch per extra
 * (each distance is stored and the count advanced by the comparison's 0 or 1), so only the few
 * that enter take the branchy insertion. Whether a row enters is hard to predict, so a comparison
 * per visit is a branch the CPU likely mispredicts often (the probable reason this is faster; this
 * machine has no counters to show it). The row-by-row pass stops early once no extra can take a
 * row any more. Extras that still can go on alone, stopping once a row's base distance alone
 * exceeds their k-th total distance (the extra term is ≥ 0; a row at exactly that distance could
 * still enter by the row-order tie rule, so that test is strict).
 *
 * Each extra sees its rows in the same order as a scan of that extra alone, and insertion keeps
 * (distance, row) order — {@link NeighbourHeap.offer}'s rule, written out here because this is the
 * search's hot path — so every answer is exactly the full scan's.
 */
class ExtraScans {
  readonly dist: Float64Array;
  readonly index: Int32Array;
  /** Each extra's k-th distance. */
  private readonly worst: Float64Array;
  /** One row's candidate extras and their distances. */
  private readonly candExtra: Int32Array;
  private readonly candDist: Float64Array;
  constructor(
    readonly nExtras: number,
    readonly k: number,
  ) {
    this.dist = new Float64Array(nExtras * k);
    this.index = new Int32Array(nExtras * k);
    this.worst = new Float64Array(nExtras);
    this.candExtra = new Int32Array(nExtras);
    this.candDist = new Float64Array(nExtras);
  }

  /** `qx[e]` is the query's value of extra e. Needs k ≤ qo.nTrain (validateKnnOptions). */
  run(qo: QueryOrder, rows: Float64Array, stride: number, col0: number, qx: Float64Array): void {
    const { dist: hd, index: hi, worst, candExtra, candDist, nExtras, k } = this;
    const { order, dist, nTrain } = qo;
    const shared = Math.min(Math.max(SHARED_ROWS, k), nTrain);
    while (qo.sortedEnd < shared && qo.sortNext());
    // The first k rows enter every extra.
    for (let p = 0; p < k; p++) {
      const j = order[p]!;
      const b = dist[p]!;
      const r0 = j * stride + col0;
      for (let e = 0; e < nExtras; e++) {
        const diff = qx[e]! - rows[r0 + e]!;
        insertSorted(hd, hi, e * k, e * k + p, b + diff * diff, j);
      }
    }
    for (let e = 0; e < nExtras; e++) worst[e] = hd[e * k + k - 1]!;
    // Row by row: the extras this row can enter, found branch-free, then inserted one by one.
    let p = k;
    for (; p < shared; p++) {
      const j = order[p]!;
      const b = dist[p]!;
      const r0 = j * stride + col0;
      let c = 0;
      let open = 0;
      for (let e = 0; e < nExtras; e++) {
        const w = worst[e]!;
        const diff = qx[e]! - rows[r0 + e]!;
        const d2 = b + diff * diff;
        candExtra[c] = e;
        candDist[c] = d2;
        c += +(d2 <= w);
        open += +(b <= w);
      }
      // No extra can take this row or any later one (their base distances are ≥ b).
      if (open === 0) return;
      for (let u = 0; u < c; u++) {
        const e = candExtra[u]!;
        const d2 = candDist[u]!;
        const last = e * k + k - 1;
        // Equal to the k-th distance: the earlier row stays (the tie rule).
        if (d2 === worst[e] && j > hi[last]!) continue;
        insertSorted(hd, hi, e * k, last, d2, j);
        worst[e] = hd[last]!;
      }
    }
    if (p === nTrain) return;
    // Extras that can still take a later row go on alone.
    for (let e = 0; e < nExtras; e++) {
      if (dist[p]! <= worst[e]!) worst[e] = scanFrom(hd, hi, e * k, k, qo, p, rows, stride, col0 + e, qx[e]!);
    }
  }
}

/**
 * Put row `j` at distance `d2` into the sorted run hd/hi[lo … at], dropping what was at `at`:
 * (distance, row) order.
 */
function insertSorted(hd: Float64Array, hi: Int32Array, lo: number, at: number, d2: number, j: number): void {
  while (at > lo && (hd[at - 1]! > d2 || (hd[at - 1] === d2 && hi[at - 1]! > j))) {
    hd[at] = hd[at - 1]!;
    hi[at] = hi[at - 1]!;
    at--;
  }
  hd[at] = d2;
  hi[at] = j;
}

/**
 * One extra's scan (its values in column `col`) from row position `from` on, its k nearest full in
 * hd/hi[lo … lo + k): rows in (base, row) order until a row's base distance alone exceeds the k-th
 * total distance. Returns the k-th distance.
 */
function scanFrom(hd: Float64Array, hi: Int32Array, lo: number, k: number, qo: QueryOrder, from: number, rows: Float64Array, stride: number, col: number, q: number): number {
  const { order, dist, nTrain } = qo;
  const last = lo + k - 1;
  let worst = hd[last]!;
  let sortedEnd = qo.sortedEnd;
  for (let p = from; p < nTrain; p++) {
    if (p >= sortedEnd) {
      if (!qo.sortNext()) break;
      sortedEnd = qo.sortedEnd;
    }
    const b = dist[p]!;
    if (b > worst) break;
    const j = order[p]!;
    const diff = q - rows[j * stride + col]!;
    const d2 = b + diff * diff;
    if (d2 > worst || (d2 === worst && j > hi[last]!)) continue;
    insertSorted(hd, hi, lo, last, d2, j);
    worst = hd[last]!;
  }
  return worst;
}

/**
 * The genre k nearest rows (dist/index[lo … lo + size), sorted) vote for — what knn.ts's voteNeighbours then argmaxFirst give:
 * the same weights added to each genre in the same (distance, row) order, and among the genres
 * with the most weight the first in label order. Only the neighbours' genres are compared and
 * cleared afterwards (`votes` is all zeros between calls), instead of clearing and scanning every
 * genre: this runs once per combination and test row. When the winner's weight is not positive
 * (it cannot be with finite distances) the full argmax decides.
 */
function predictGenre(dist: Float64Array, index: Int32Array, lo: number, size: number, trainLabels: Int32Array, weights: KnnWeights, votes: Float64Array): number {
  const hi = lo + size;
  const byDistance = weights === 'distance';
  // Sorted ascending, so a neighbour at distance 0 would be the first.
  const anyZero = byDistance && dist[lo] === 0;
  for (let n = lo; n < hi; n++) {
    const d2 = dist[n]!;
    votes[trainLabels[index[n]!]!]! += !byDistance ? 1 : anyZero ? (d2 === 0 ? 1 : 0) : 1 / Math.sqrt(d2);
  }
  let best = -1;
  let bestVotes = -Infinity;
  for (let n = lo; n < hi; n++) {
    const genre = trainLabels[index[n]!]!;
    const v = votes[genre]!;
    if (v > bestVotes || (v === bestVotes && genre < best)) {
      best = genre;
      bestVotes = v;
    }
  }
  const winner = bestVotes > 0 ? best : argmaxFirst(votes, 0, votes.length);
  for (let n = lo; n < hi; n++) votes[trainLabels[index[n]!]!] = 0;
  return winner;
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

  // Column-major copies of the base features for the per-feature passes; the extras are read row-major (see ExtraScans).
  const colTrain = (c: number) => Float64Array.from({ length: nTrain }, (_, j) => train[j * nF + c]!);
  const colTest = (c: number) => Float64Array.from({ length: nTest }, (_, i) => test[i * nF + c]!);
  const subsets = combinations(o.base.length, o.choose);
  const baseTrain = o.base.map((_, b) => colTrain(b));
  const baseTest = o.base.map((_, b) => colTest(b));

  const heap = new NeighbourHeap(o.k);
  const votes = new Float64Array(nClasses);
  const nBase = o.base.length;
  const nExtras = extrasNames.length;
  const nSlots = subsets.length * (nExtras + 1);
  // predicted[(s·(nExtras + 1) + slot)·nTest + i]: slot 0 the base subset alone, slot 1 + e with extra e.
  const predicted = new Int32Array(nSlots * nTest);
  // This query's squared difference per base feature, then one subset's sum of them.
  const featureDist = new Float64Array(nBase * nTrain);
  const offsets = subsets.map((subset) => Int32Array.from(subset, (b) => b * nTrain));
  // Per base feature, the training column's mean and mean square: E[(q − x)²] = q² − 2qμ + E[x²].
  const colMean = baseTrain.map((c) => c.reduce((a, v) => a + v, 0) / nTrain);
  const colMeanSq = baseTrain.map((c) => c.reduce((a, v) => a + v * v, 0) / nTrain);
  const total = subsets.length * nExtras;
  const qo = new QueryOrder(nTrain);
  const scans = new ExtraScans(nExtras, o.k);
  const qx = new Float64Array(nExtras);

  // Query by query, every subset and extra: one query's distances stay in cache throughout.
  for (let i = 0; i < nTest; i++) {
    throwIfCancelled(o.cancel);
    qx.set(test.subarray(i * nF + nBase, (i + 1) * nF));
    for (let b = 0; b < nBase; b++) {
      const bt = baseTrain[b]!;
      const q = baseTest[b]![i]!;
      const off = b * nTrain;
      for (let j = 0; j < nTrain; j++) {
        const diff = q - bt[j]!;
        featureDist[off + j] = diff * diff;
      }
    }
    for (let s = 0; s < subsets.length; s++) {
      const subset = subsets[s]!;
      let meanDist = 0;
      for (const b of subset) {
        const q = baseTest[b]![i]!;
        meanDist += q * q - 2 * q * colMean[b]! + colMeanSq[b]!;
      }
      qo.bucket(featureDist, offsets[s]!, meanDist);
      const slot0 = s * (nExtras + 1) * nTest + i;
      firstK(heap, qo);
      predicted[slot0] = predictGenre(heap.dist, heap.index, 0, heap.size, trainLabels, o.weights, votes);
      scans.run(qo, train, nF, nBase, qx);
      for (let e = 0; e < nExtras; e++) {
        predicted[slot0 + (e + 1) * nTest] = predictGenre(scans.dist, scans.index, e * o.k, o.k, trainLabels, o.weights, votes);
      }
    }
    // About 20 updates whatever the table's size.
    if (o.onProgress && ((i + 1) % Math.ceil(nTest / 20) === 0 || i === nTest - 1)) o.onProgress(Math.floor((total * (i + 1)) / nTest), total);
  }

  const evaluateSlot = (slot: number) => evaluatePredictions(testLabels, predicted.subarray(slot * nTest, (slot + 1) * nTest), ds.genres);
  const cells: SearchCell[] = [];
  const subsetsAlone: { accuracy: number; macroF1: number }[] = [];
  for (let s = 0; s < subsets.length; s++) {
    const alone = evaluateSlot(s * (nExtras + 1));
    subsetsAlone.push({ accuracy: alone.accuracy, macroF1: alone.macroF1 });
    for (let e = 0; e < nExtras; e++) {
      const r = evaluateSlot(s * (nExtras + 1) + 1 + e);
      cells.push({ subset: s, extra: e, accuracy: r.accuracy, macroF1: r.macroF1, correct: r.correct });
    }
  }

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
