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
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { knnKernel, type KnnKernel } from './knnKernel';

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

/** Under distance weighting, is some kept neighbour at distance 0 (then only those vote)? */
function hasZeroDistance(heap: NeighbourHeap, weights: KnnWeights): boolean {
  if (weights !== 'distance') return false;
  for (let i = 0; i < heap.size; i++) if (heap.dist[i] === 0) return true;
  return false;
}

/** A kept neighbour's vote weight at squared distance `d2` (scikit-learn's rules, see the header). */
function neighbourWeight(d2: number, weights: KnnWeights, anyZero: boolean): number {
  if (weights === 'uniform') return 1;
  return anyZero ? (d2 === 0 ? 1 : 0) : 1 / Math.sqrt(d2);
}

/**
 * Vote among the kept neighbours: adds each neighbour's weight to `out[offset + genre]` and
 * returns the total weight.
 */
export function voteNeighbours(heap: NeighbourHeap, trainLabels: Int32Array, weights: KnnWeights, out: Float64Array, offset = 0): number {
  const anyZero = hasZeroDistance(heap, weights);
  let total = 0;
  for (let i = 0; i < heap.size; i++) {
    const w = neighbourWeight(heap.dist[i]!, weights, anyZero);
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

/** Test rows per step: progress and cancel are checked once per block (≈0.5 s at 80 000 × 60). */
const QUERY_BLOCK = 256;
/** Training rows per tile: 256 × 60 float64 ≈ 120 kB, so a tile stays in L2 while a query block passes over it. */
const TRAIN_BLOCK = 256;

/**
 * Squared Euclidean distance summed feature by feature in index order — the reference order every
 * path here (and the combination search) follows, so equal rows give equal distances bit for bit.
 */
function pairDistance(test: Float64Array, qi: number, train: Float64Array, tj: number, nFeatures: number): number {
  let d2 = 0;
  for (let f = 0; f < nFeatures; f++) {
    const diff = test[qi + f]! - train[tj + f]!;
    d2 += diff * diff;
  }
  return d2;
}

/**
 * Offer every (test row i in [q0, q1), training row j in [t0, t1)) pair to query i's heap.
 *
 * Register tiles of 4 test × 2 training rows: each loaded value is used 2–4 times, about 4× the
 * speed of the one-pair loop in V8 (20 000 × 400 × 60: 0.24 s against 0.91 s). Each of the 8
 * accumulators still sums its own pair's (test − train)² in feature order, exactly as
 * {@link pairDistance} does (JavaScript never fuses or reorders float operations), so the
 * distances — and therefore neighbours, ties and votes — are identical to the direct loop's.
 * The ‖a‖² + ‖b‖² − 2a·b form was measured too: no faster here (1.96 against 2.00 G
 * pair-features/s; the loop is bound by loads, not flops) and it rounds differently, so exact ties
 * such as duplicate rows would need a recomputation pass. The direct differences need none.
 */
function scanTile(
  test: Float64Array,
  train: Float64Array,
  nF: number,
  q0: number,
  q1: number,
  t0: number,
  t1: number,
  heaps: NeighbourHeap[],
): void {
  const q4 = q0 + ((q1 - q0) & ~3);
  const t2 = t0 + ((t1 - t0) & ~1);
  for (let i = q0; i < q4; i += 4) {
    const h0 = heaps[i - q0]!;
    const h1 = heaps[i - q0 + 1]!;
    const h2 = heaps[i - q0 + 2]!;
    const h3 = heaps[i - q0 + 3]!;
    const a0 = i * nF;
    const a1 = a0 + nF;
    const a2 = a1 + nF;
    const a3 = a2 + nF;
    for (let j = t0; j < t2; j += 2) {
      const b0 = j * nF;
      const b1 = b0 + nF;
      let d00 = 0, d01 = 0, d10 = 0, d11 = 0, d20 = 0, d21 = 0, d30 = 0, d31 = 0;
      for (let f = 0; f < nF; f++) {
        const x0 = train[b0 + f]!;
        const x1 = train[b1 + f]!;
        const y0 = test[a0 + f]!;
        const y1 = test[a1 + f]!;
        const y2 = test[a2 + f]!;
        const y3 = test[a3 + f]!;
        // One line per test row: its pairs with training rows j and j + 1.
        let e = y0 - x0; d00 += e * e; e = y0 - x1; d01 += e * e;
        e = y1 - x0; d10 += e * e; e = y1 - x1; d11 += e * e;
        e = y2 - x0; d20 += e * e; e = y2 - x1; d21 += e * e;
        e = y3 - x0; d30 += e * e; e = y3 - x1; d31 += e * e;
      }
      h0.offer(d00, j);
      h0.offer(d01, j + 1);
      h1.offer(d10, j);
      h1.offer(d11, j + 1);
      h2.offer(d20, j);
      h2.offer(d21, j + 1);
      h3.offer(d30, j);
      h3.offer(d31, j + 1);
    }
    // An odd last training row of the tile.
    for (let j = t2; j < t1; j++) {
      const b = j * nF;
      h0.offer(pairDistance(test, a0, train, b, nF), j);
      h1.offer(pairDistance(test, a1, train, b, nF), j);
      h2.offer(pairDistance(test, a2, train, b, nF), j);
      h3.offer(pairDistance(test, a3, train, b, nF), j);
    }
  }
  // The last 1–3 test rows of the block.
  for (let i = q4; i < q1; i++) {
    const h = heaps[i - q0]!;
    for (let j = t0; j < t1; j++) h.offer(pairDistance(test, i * nF, train, j * nF, nF), j);
  }
}

/** Progress and cancel for long k-NN runs (the CLI on 100 000-row tables, the compute worker). */
export interface KnnControl {
  cancel?: CancelToken;
  /** Called after each block of test rows: rows classified so far, and all test rows. */
  onProgress?: (doneRows: number, totalRows: number) => void;
  /**
   * The float32 SIMD screening: by default only for jobs of at least {@link KERNEL_MIN_WORK}
   * pair-features; true = whenever WebAssembly SIMD exists, false = never (the float64 tiles
   * alone). The answers are the same; tests and the bench compare the paths.
   */
  useKernel?: boolean;
}

/** Training rows per kernel call after the first (512 × 60 float32 = 120 kB: stays in L2 while a query block passes). */
const KERNEL_TILE = 512;
/**
 * Training rows in a block's first kernel call: until a query's heap holds k rows its threshold is
 * infinite and every pair is recomputed exactly, so that first tile is kept small.
 */
const KERNEL_FIRST_TILE = 64;
const F32_MAX = 3.4028234663852886e38;
/**
 * Smallest job (train × test × features) screened by the kernel by default. A new module runs in
 * V8's baseline tier (Liftoff) until it is hot, where the SIMD kernel is several times slower than
 * the float64 tiles: the NTNU table (792 × 198 × 63 ≈ 1e7) took 96 ms through the kernel against
 * 15 ms in float64. Below ~2^26 (~30 ms of float64 work) the tiles win.
 */
export const KERNEL_MIN_WORK = 2 ** 26;
/** float32's unit roundoff, 2⁻²⁴. */
const U32 = 2 ** -24;

/** Σx² of each row (float64), or undefined if a value is not finite or too large for float32 screening. */
function rowNorms(x: Float64Array, n: number, nF: number): Float64Array | undefined {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < nF; f++) s += x[i * nF + f]! ** 2;
    // 1e30: (‖a‖ + ‖b‖)² and −2a·b stay far inside float32's range (3.4e38).
    if (!(s <= 1e30)) return undefined;
    out[i] = s;
  }
  return out;
}

/** Grow the kernel's memory to `bytes` (growing detaches old views: callers take views after). */
function ensureMemory(memory: KnnKernel['memory'], bytes: number): void {
  const need = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (need > 0) memory.grow(need);
}

/**
 * The same neighbours as {@link scanTile} over all training rows, screened by the float32 SIMD
 * kernel (knnKernel.ts) and rechecked exactly. Returns false (having done nothing) when the kernel
 * or float32 screening cannot be used; the caller then runs the float64 loop.
 *
 * Exactness: the kernel gives s = fl32(‖b‖² − 2a·b) on the float32-rounded rows, and a pair is
 * recomputed (float64, feature order, as {@link pairDistance}) only if ‖a‖² + s could be at most
 * the query's current k-th distance. With u = 2⁻²⁴ and n features, rounding the rows moves the
 * distance by ≤ 3u(‖a‖+‖b‖)², the length-n dot product and the norms by ≤ (n+3)u(‖a‖+‖b‖)²
 * (2‖a‖‖b‖ + ‖b‖² ≤ (‖a‖+‖b‖)²), the float64 reference itself by far less; the margin
 * 2(n+8)u(‖a‖+max‖b‖)² is twice that sum. So every pair whose exact distance is ≤ the k-th (ties
 * included) is recomputed and offered, the heap orders by (distance, row), and the kept
 * neighbours are exactly the plain loop's. A kept distance only shrinks, so a threshold computed
 * before a call stays safe during it.
 */
function screenBlockWithKernel(
  kernel: KnnKernel,
  train: Float64Array,
  test: Float64Array,
  nF: number,
  nTrain: number,
  maxTrainNorm: number,
  q0: number,
  q1: number,
  heaps: NeighbourHeap[],
  layout: KernelLayout,
): void {
  const nQ = q1 - q0;
  const nQuads = Math.ceil(nQ / 4);
  const buf = kernel.memory.buffer;
  const qf = new Float32Array(buf, layout.q, nQuads * 4 * nF);
  const thr = new Float32Array(buf, layout.thr, nQuads * 4);
  const out = new Int32Array(buf, layout.out, layout.outTriples * 3);
  qf.fill(0);
  const qNorm = new Float64Array(nQuads * 4);
  const margin = new Float64Array(nQuads * 4);
  for (let i = 0; i < nQ; i++) {
    const a = (q0 + i) * nF;
    let s = 0;
    for (let f = 0; f < nF; f++) {
      const v = Math.fround(test[a + f]!);
      qf[(i >> 2) * 4 * nF + f * 4 + (i & 3)] = v;
      s += v * v;
    }
    qNorm[i] = s;
    margin[i] = 2 * (nF + 8) * U32 * (Math.sqrt(s) + maxTrainNorm) ** 2;
  }
  for (let t0 = 0; t0 < nTrain; ) {
    const t1 = Math.min(nTrain, t0 + (t0 === 0 ? KERNEL_FIRST_TILE : KERNEL_TILE));
    for (let i = 0; i < nQuads * 4; i++) {
      if (i >= nQ) {
        thr[i] = -F32_MAX;
        continue;
      }
      const worst = heaps[i]!.worst();
      if (worst === Infinity) thr[i] = F32_MAX;
      else {
        const x = worst - qNorm[i]! + margin[i]!;
        // Round up past float32's nearest (≤ ½ ulp away), so the threshold never shrinks.
        thr[i] = Math.fround(x + Math.abs(x) * 2 * U32);
      }
    }
    const nOctets = Math.ceil((t1 - t0) / 8);
    const n = kernel.scan(layout.q, layout.t + t0 * nF * 4, layout.tNorm + t0 * 4, layout.thr, nQuads * 4, nOctets, nF, layout.out);
    for (let c = 0; c < n; c++) {
      const h = heaps[out[3 * c]!]!;
      const a = (q0 + out[3 * c]!) * nF;
      const row0 = t0 + out[3 * c + 1]!;
      const m = out[3 * c + 2]!;
      for (let bit = 0; bit < 4; bit++) {
        const j = row0 + bit;
        if (m & (1 << bit) && j < nTrain) h.offer(pairDistance(test, a, train, j * nF, nF), j);
      }
    }
    t0 = t1;
  }
}

/** Byte offsets of the kernel's buffers for one knnPredict call. */
interface KernelLayout {
  t: number;
  tNorm: number;
  q: number;
  thr: number;
  out: number;
  outTriples: number;
}

/**
 * Copy the training rows into the kernel's memory as float32 octets (see knnKernel.ts) with their
 * norms (pad rows: +Infinity, never reported), and place the per-block buffers after them.
 */
function prepareKernel(kernel: KnnKernel, train: Float64Array, nTrain: number, nF: number): KernelLayout {
  const nOctets = Math.ceil(nTrain / 8);
  const tBytes = nOctets * 8 * nF * 4;
  const tNorm = tBytes;
  const q = tNorm + nOctets * 8 * 4;
  const thr = q + QUERY_BLOCK * nF * 4;
  const out = thr + QUERY_BLOCK * 4;
  // Worst case per call: every query, every 4-row group of a tile.
  const outTriples = QUERY_BLOCK * (KERNEL_TILE / 4);
  ensureMemory(kernel.memory, out + outTriples * 12);
  const buf = kernel.memory.buffer;
  const t = new Float32Array(buf, 0, nOctets * 8 * nF);
  t.fill(0);
  const tn = new Float32Array(buf, tNorm, nOctets * 8);
  for (let j = 0; j < nOctets * 8; j++) {
    if (j >= nTrain) {
      tn[j] = Infinity;
      continue;
    }
    const base = (j >> 3) * 8 * nF + (j & 7);
    let s = 0;
    for (let f = 0; f < nF; f++) {
      const v = Math.fround(train[j * nF + f]!);
      t[base + f * 8] = v;
      s += v * v;
    }
    tn[j] = s;
  }
  return { t: 0, tNorm, q, thr, out, outTriples };
}

/**
 * Classify `test` rows (row-major, `nFeatures` wide) against `train`, brute force: screened by a
 * float32 SIMD kernel and rechecked exactly in float64 where WebAssembly SIMD exists, else in
 * cache-sized tiles (see {@link scanTile}); either way the result equals the one-pair-at-a-time
 * loop's exactly.
 * @param train standardised training matrix, nTrain × nFeatures
 * @param trainLabels genre index per training row
 * @param test standardised query matrix, nTest × nFeatures
 * @param control optional cancel token (checked between blocks of {@link QUERY_BLOCK} test rows;
 *   throws CancelledError) and progress callback
 */
export function knnPredict(
  train: Float64Array,
  trainLabels: Int32Array,
  test: Float64Array,
  nFeatures: number,
  nClasses: number,
  opts: KnnOptions,
  control: KnnControl = {},
): KnnPrediction {
  const nTrain = trainLabels.length;
  const nTest = nFeatures > 0 ? test.length / nFeatures : 0;
  validateKnnOptions(opts, nTrain);
  const heaps = Array.from({ length: Math.min(QUERY_BLOCK, nTest) }, () => new NeighbourHeap(opts.k));
  const predicted = new Int32Array(nTest);
  const probabilities = new Float64Array(nTest * nClasses);
  const wanted = control.useKernel ?? nTrain * nTest * nFeatures >= KERNEL_MIN_WORK;
  const kernel = nFeatures > 0 && nTest > 0 && wanted ? knnKernel() : undefined;
  const trainNorms = kernel ? rowNorms(train, nTrain, nFeatures) : undefined;
  // Screening needs finite values of a size float32 holds; otherwise the float64 tiles do it all.
  const screen = kernel && trainNorms && rowNorms(test, nTest, nFeatures) ? kernel : undefined;
  const maxTrainNorm = trainNorms ? Math.sqrt(trainNorms.reduce((m, v) => Math.max(m, v), 0)) : 0;
  const layout = screen ? prepareKernel(screen, train, nTrain, nFeatures) : undefined;
  for (let q0 = 0; q0 < nTest; q0 += QUERY_BLOCK) {
    throwIfCancelled(control.cancel);
    const q1 = Math.min(nTest, q0 + QUERY_BLOCK);
    for (const h of heaps) h.reset();
    if (screen && layout) screenBlockWithKernel(screen, train, test, nFeatures, nTrain, maxTrainNorm, q0, q1, heaps, layout);
    else for (let t0 = 0; t0 < nTrain; t0 += TRAIN_BLOCK) scanTile(test, train, nFeatures, q0, q1, t0, Math.min(nTrain, t0 + TRAIN_BLOCK), heaps);
    for (let i = q0; i < q1; i++) {
      const off = i * nClasses;
      const total = voteNeighbours(heaps[i - q0]!, trainLabels, opts.weights, probabilities, off);
      predicted[i] = argmaxFirst(probabilities, off, nClasses);
      for (let c = 0; c < nClasses; c++) probabilities[off + c]! /= total;
    }
    control.onProgress?.(q1, nTest);
  }
  return { predicted, probabilities };
}

export { argmaxFirst };

/** One neighbour behind a k-NN answer. */
export interface KnnNeighbour {
  /** Index into the training rows. */
  index: number;
  /** Euclidean distance in the (standardised) feature space. */
  distance: number;
  label: number;
  /** Its share of the vote (weight / total weight): 1/k uniform, ∝ 1/distance weighted. */
  weight: number;
}

/**
 * The k neighbours of each query row that {@link knnPredict} votes with — the same distances
 * (summed in feature order), the same tie rule (equal distances: earlier training row first) and
 * the same weights (scikit-learn's zero-distance rule) — nearest first.
 * @returns per query row, its k neighbours
 */
export function knnNeighbours(train: Float64Array, trainLabels: Int32Array, queries: Float64Array, nFeatures: number, opts: KnnOptions): KnnNeighbour[][] {
  const nTrain = trainLabels.length;
  validateKnnOptions(opts, nTrain);
  const nQ = nFeatures > 0 ? queries.length / nFeatures : 0;
  const heap = new NeighbourHeap(opts.k);
  const out: KnnNeighbour[][] = [];
  for (let q = 0; q < nQ; q++) {
    heap.reset();
    for (let j = 0; j < nTrain; j++) heap.offer(pairDistance(queries, q * nFeatures, train, j * nFeatures, nFeatures), j);
    const anyZero = hasZeroDistance(heap, opts.weights);
    const raw = Array.from({ length: heap.size }, (_, i) => neighbourWeight(heap.dist[i]!, opts.weights, anyZero));
    const total = raw.reduce((a, b) => a + b, 0);
    out.push(raw.map((w, i) => ({ index: heap.index[i]!, distance: Math.sqrt(heap.dist[i]!), label: trainLabels[heap.index[i]!]!, weight: w / total })));
  }
  return out;
}
