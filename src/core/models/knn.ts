/**
 * k-nearest neighbours on standardised features, written on plain typed arrays (tf buys nothing
 * here: see BROWSER.md). Semantics follow scikit-learn's KNeighborsClassifier (Euclidean metric):
 *
 * - Neighbours are the k smallest distances; **distance ties go to the training row that comes
 *   first** in the training set (a stable order), so results never depend on timing or sorting.
 * - `weights: 'distance'` weighs each neighbour by 1/distance; if any neighbour is at distance 0
 *   (GTZAN has duplicate clips), only the zero-distance neighbours vote, each with weight 1
 *   (scikit-learn's rule).
 * - **Equal-vote ties go to the genre that comes first in the dataset's label order**
 *   (scikit-learn picks the first of its sorted classes the same way).
 */
import { LabError } from '../errors';

export type KnnWeights = 'uniform' | 'distance';

export interface KnnOptions {
  k: number;
  weights: KnnWeights;
}

export interface KnnPrediction {
  predicted: Int32Array;
  /** Row-major nTest × nClasses vote shares (sum 1 per row). */
  probabilities: Float64Array;
}

export function validateKnnOptions(opts: KnnOptions, nTrain: number): void {
  if (!Number.isInteger(opts.k) || opts.k < 1) throw new LabError('bad-argument', `k must be a whole number ≥ 1, got ${opts.k}`);
  if (opts.k > nTrain) throw new LabError('bad-argument', `k = ${opts.k} is larger than the ${nTrain} training rows`);
  if (opts.weights !== 'uniform' && opts.weights !== 'distance') throw new LabError('bad-argument', `weights must be "uniform" or "distance", got "${String(opts.weights)}"`);
}

/**
 * Scratch space for one query: the k best (squared distance, training row) pairs kept sorted.
 * Reused across queries so the hot loop allocates nothing.
 */
export class NeighbourHeap {
  readonly dist: Float64Array;
  readonly index: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.index = new Int32Array(k);
  }
  reset(): void {
    this.size = 0;
  }
  /** Squared distance of the k-th kept neighbour (Infinity until the heap is full). */
  worst(): number {
    return this.size === this.k ? this.dist[this.k - 1]! : Infinity;
  }
  /**
   * Offer training row `j` at squared distance `d2`. Order is by (distance, row index), so the
   * result is the same whatever order rows are offered in.
   */
  offer(d2: number, j: number): void {
    const k = this.k;
    if (this.size === k) {
      const wd = this.dist[k - 1]!;
      if (d2 > wd || (d2 === wd && j > this.index[k - 1]!)) return;
    } else this.size++;
    let p = this.size - 1;
    while (p > 0 && (this.dist[p - 1]! > d2 || (this.dist[p - 1] === d2 && this.index[p - 1]! > j))) {
      this.dist[p] = this.dist[p - 1]!;
      this.index[p] = this.index[p - 1]!;
      p--;
    }
    this.dist[p] = d2;
    this.index[p] = j;
  }
}

/**
 * Vote among the kept neighbours: adds each neighbour's weight to `out[offset + genre]` and
 * returns the total weight.
 */
export function voteNeighbours(heap: NeighbourHeap, trainLabels: Int32Array, weights: KnnWeights, out: Float64Array, offset = 0): number {
  let anyZero = false;
  if (weights === 'distance') for (let i = 0; i < heap.size; i++) if (heap.dist[i] === 0) anyZero = true;
  let total = 0;
  for (let i = 0; i < heap.size; i++) {
    let w = 1;
    if (weights === 'distance') w = anyZero ? (heap.dist[i] === 0 ? 1 : 0) : 1 / Math.sqrt(heap.dist[i]!);
    out[offset + trainLabels[heap.index[i]!]!]! += w;
    total += w;
  }
  return total;
}

function argmaxFirst(a: Float64Array, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (a[offset + c]! > a[offset + best]!) best = c;
  return best;
}

/**
 * Classify `test` rows (row-major, `nFeatures` wide) against `train`.
 * @param train standardised training matrix, nTrain × nFeatures
 * @param trainLabels genre index per training row
 * @param test standardised query matrix, nTest × nFeatures
 */
export function knnPredict(
  train: Float64Array,
  trainLabels: Int32Array,
  test: Float64Array,
  nFeatures: number,
  nClasses: number,
  opts: KnnOptions,
): KnnPrediction {
  const nTrain = trainLabels.length;
  const nTest = nFeatures > 0 ? test.length / nFeatures : 0;
  validateKnnOptions(opts, nTrain);
  const heap = new NeighbourHeap(opts.k);
  const predicted = new Int32Array(nTest);
  const probabilities = new Float64Array(nTest * nClasses);
  for (let i = 0; i < nTest; i++) {
    heap.reset();
    const qi = i * nFeatures;
    for (let j = 0; j < nTrain; j++) {
      const tj = j * nFeatures;
      let d2 = 0;
      for (let f = 0; f < nFeatures; f++) {
        const diff = test[qi + f]! - train[tj + f]!;
        d2 += diff * diff;
      }
      heap.offer(d2, j);
    }
    const off = i * nClasses;
    const total = voteNeighbours(heap, trainLabels, opts.weights, probabilities, off);
    predicted[i] = argmaxFirst(probabilities, off, nClasses);
    for (let c = 0; c < nClasses; c++) probabilities[off + c]! /= total;
  }
  return { predicted, probabilities };
}

export { argmaxFirst };
