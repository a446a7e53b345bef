/**
 * Random forest classifier (Breiman 2001) on plain typed arrays, following scikit-learn's
 * RandomForestClassifier where it matters for the numbers a student compares:
 *
 * - CART trees grown on Gini impurity; each tree sees a bootstrap sample of the training rows,
 *   held as **per-row weights** (how often a row was drawn), as scikit-learn does.
 * - At every split `maxFeatures` candidate features are drawn without replacement (default
 *   ⌊√nFeatures⌋, at least 1). As in scikit-learn, when every feature drawn so far is constant
 *   in the node, further features are drawn until one is not or all have been seen.
 * - Thresholds are midpoints between neighbouring distinct values; a row goes left when
 *   `x <= threshold`.
 * - `minSamplesLeaf` counts distinct rows (scikit-learn's `min_samples_leaf`, not a weight).
 * - `predict_proba` is the mean over trees of the leaf's weighted class shares; the predicted
 *   genre is its argmax, ties going to the genre that comes first in the label order.
 * - Impurity importance (mean decrease in Gini) is scikit-learn's `feature_importances_`: per
 *   tree, weighted impurity decreases summed per feature and normalised to sum 1; then averaged
 *   over trees (trees that are a single leaf are left out) and normalised again.
 *
 * The same trees make scikit-learn's **ExtraTreesClassifier** with `splitter: 'random'` (and
 * `bootstrap: false`, its default): for each candidate feature one threshold is drawn uniformly
 * between the feature's minimum and maximum in the node (scikit-learn's RandomSplitter; a draw equal
 * to the maximum becomes the minimum), and the best of those random splits is taken.
 *
 * Random choices come from one seed (`core/random.ts`); each tree gets `deriveSeed(seed, t)`, so
 * tree t is the same whatever the number of trees. The result can still differ from
 * scikit-learn's for the same seed: the generators differ.
 */
import { matrixRows } from '../data/dataset';
import { LabError, throwIfCancelled, type CancelToken } from '../errors';
import { createRng, deriveSeed, randomInt } from '../random';

export interface ForestOptions {
  /** Number of trees (scikit-learn `n_estimators`, default 100). */
  nTrees?: number;
  /** Maximum depth, root = depth 0 (default unlimited: grow until pure or too small). */
  maxDepth?: number;
  /** Minimum distinct rows in each leaf (default 1). */
  minSamplesLeaf?: number;
  /** Candidate features per split: 'sqrt' (default), 'all', or a whole number. */
  maxFeatures?: 'sqrt' | 'all' | number;
  /** Draw a bootstrap sample per tree (default true); false = every tree sees every row once. */
  bootstrap?: boolean;
  /** Minimum distinct rows a node needs to be split (scikit-learn `min_samples_split`, default 2). */
  minSamplesSplit?: number;
  /**
   * How a candidate feature's threshold is found: 'best' (default: every midpoint, random forest)
   * or 'random' (one uniform draw between the node's min and max: Extra Trees).
   */
  splitter?: 'best' | 'random';
  /** Seed for bootstraps and feature draws (default 0). */
  seed?: number;
}

/** One fitted tree as flat arrays (structured-clone safe). Node 0 is the root. */
export interface ForestTree {
  /** Split feature per node, -1 for a leaf. */
  feature: Int32Array;
  /** Split threshold per node (`x <= threshold` goes left); NaN for a leaf. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Row-major nNodes × nClasses weighted class shares of the training rows at each node. */
  value: Float64Array;
  /** Depth of the deepest leaf. */
  depth: number;
}

export interface ForestModel {
  kind: 'random-forest';
  nFeatures: number;
  nClasses: number;
  /** The options actually used, defaults filled in. */
  options: Required<ForestOptions> & { maxFeaturesCount: number };
  trees: ForestTree[];
  /** Mean decrease in Gini impurity per feature, normalised to sum 1 (0s when no tree split). */
  featureImportances: Float64Array;
}

export interface ForestPrediction {
  predicted: Int32Array;
  /** Row-major nRows × nClasses mean leaf class shares (sum 1 per row). */
  probabilities: Float64Array;
}

function resolveOptions(opts: ForestOptions, nFeatures: number): ForestModel['options'] {
  const nTrees = opts.nTrees ?? 100;
  const maxDepth = opts.maxDepth ?? Infinity;
  const minSamplesLeaf = opts.minSamplesLeaf ?? 1;
  const maxFeatures = opts.maxFeatures ?? 'sqrt';
  const minSamplesSplit = opts.minSamplesSplit ?? 2;
  const splitter = opts.splitter ?? 'best';
  if (!Number.isInteger(minSamplesSplit) || minSamplesSplit < 2) throw new LabError('bad-argument', `Minimum samples to split must be a whole number ≥ 2, got ${minSamplesSplit}`);
  if (splitter !== 'best' && splitter !== 'random') throw new LabError('bad-argument', `Splitter must be 'best' or 'random', got ${String(splitter)}`);
  if (!Number.isInteger(nTrees) || nTrees < 1) throw new LabError('bad-argument', `Number of trees must be a whole number ≥ 1, got ${nTrees}`);
  if (!(maxDepth === Infinity || (Number.isInteger(maxDepth) && maxDepth >= 1))) throw new LabError('bad-argument', `Maximum depth must be a whole number ≥ 1, got ${maxDepth}`);
  if (!Number.isInteger(minSamplesLeaf) || minSamplesLeaf < 1) throw new LabError('bad-argument', `Minimum samples per leaf must be a whole number ≥ 1, got ${minSamplesLeaf}`);
  let maxFeaturesCount: number;
  if (maxFeatures === 'sqrt') maxFeaturesCount = Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  else if (maxFeatures === 'all') maxFeaturesCount = nFeatures;
  else if (Number.isInteger(maxFeatures) && maxFeatures >= 1 && maxFeatures <= nFeatures) maxFeaturesCount = maxFeatures;
  else throw new LabError('bad-argument', `Features per split must be 'sqrt', 'all' or a whole number in 1…${nFeatures}, got ${String(maxFeatures)}`);
  return { nTrees, maxDepth, minSamplesLeaf, maxFeatures, bootstrap: opts.bootstrap ?? true, minSamplesSplit, splitter, seed: opts.seed ?? 0, maxFeaturesCount };
}

function checkTrainingData(X: Float64Array, y: Int32Array, nFeatures: number, nClasses: number): number {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new LabError('no-features', 'Choose at least one feature.');
  const n = y.length;
  if (n === 0) throw new LabError('bad-argument', 'No training rows.');
  if (X.length !== n * nFeatures) throw new LabError('bad-argument', `Matrix has ${X.length} values, expected ${n} rows × ${nFeatures} features`);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < nClasses)) throw new LabError('bad-argument', `Label ${c} at row ${i} is outside 0…${nClasses - 1}`);
  }
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i]!)) throw new LabError('non-finite', `Non-finite value at row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures}`, { row: Math.floor(i / nFeatures), column: i % nFeatures });
  return n;
}

/** scikit-learn skips splits between values closer than this (FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

/** Growable node storage for one tree. */
class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  depth = 0;
  addNode(dist: Float64Array, total: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(NaN);
    this.left.push(-1);
    this.right.push(-1);
    for (let c = 0; c < dist.length; c++) this.value.push(total > 0 ? dist[c]! / total : 0);
    return id;
  }
  finish(): ForestTree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      depth: this.depth,
    };
  }
}

/**
 * Grow one tree on the rows with weight > 0. Returns the tree and adds its (un-normalised)
 * weighted impurity decreases into `importance`.
 */
function growTree(
  X: Float64Array,
  y: Int32Array,
  weight: Float64Array,
  nFeatures: number,
  nClasses: number,
  o: ForestModel['options'],
  rng: () => number,
  importance: Float64Array,
): ForestTree {
  const rows: number[] = [];
  for (let i = 0; i < weight.length; i++) if (weight[i]! > 0) rows.push(i);
  const m0 = rows.length;
  // Node rows live in one buffer; a node owns a contiguous slice [start, end) and a split
  // partitions its slice in place, so the recursion allocates nothing per node.
  const idx = Int32Array.from(rows);
  const keys = new Float64Array(m0);
  const order = new Int32Array(m0);
  const sorted = new Int32Array(m0);
  const scratch = new Int32Array(m0);
  const leftDist = new Float64Array(nClasses);
  const features = Int32Array.from({ length: nFeatures }, (_, f) => f);
  const builder = new TreeBuilder();
  const byKey = (a: number, b: number) => keys[a]! - keys[b]!;

  /**
   * Extra Trees' split of feature f in the node's slice: a threshold drawn uniformly in
   * [min, max) of the node's values, scored like a best split; undefined when f is constant here.
   * A split leaving fewer than minSamplesLeaf rows on a side scores −∞ (scikit-learn skips it).
   */
  const randomSplit = (start: number, m: number, f: number, nodeDist: Float64Array): { threshold: number; score: number } | undefined => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < m; p++) {
      const v = X[idx[start + p]! * nFeatures + f]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi <= lo + FEATURE_THRESHOLD) return undefined;
    let threshold = lo + rng() * (hi - lo);
    if (threshold === hi) threshold = lo;
    leftDist.fill(0);
    let wL = 0;
    let total = 0;
    let nL = 0;
    for (let p = 0; p < m; p++) {
      const r = idx[start + p]!;
      total += weight[r]!;
      if (X[r * nFeatures + f]! <= threshold) {
        leftDist[y[r]!]! += weight[r]!;
        wL += weight[r]!;
        nL++;
      }
    }
    if (nL < o.minSamplesLeaf || m - nL < o.minSamplesLeaf) return { threshold, score: -Infinity };
    let sqL = 0;
    let sqR = 0;
    for (let c = 0; c < nClasses; c++) {
      sqL += leftDist[c]! ** 2;
      sqR += (nodeDist[c]! - leftDist[c]!) ** 2;
    }
    return { threshold, score: sqL / wL + sqR / (total - wL) };
  };

  const build = (start: number, end: number, depth: number): number => {
    const dist = new Float64Array(nClasses);
    let total = 0;
    for (let p = start; p < end; p++) {
      const r = idx[p]!;
      dist[y[r]!]! += weight[r]!;
      total += weight[r]!;
    }
    let sumSq = 0;
    for (let c = 0; c < nClasses; c++) sumSq += dist[c]! * dist[c]!;
    const impurity = 1 - sumSq / (total * total);
    const node = builder.addNode(dist, total);
    if (depth > builder.depth) builder.depth = depth;
    const m = end - start;
    if (depth >= o.maxDepth || m < o.minSamplesSplit || m < 2 * o.minSamplesLeaf || impurity <= 1e-12) return node;

    // Best split maximises sumSqL/WL + sumSqR/WR, i.e. minimises the children's weighted Gini.
    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    let nonConstant = 0;
    let drawn = 0;
    // Partial Fisher–Yates over the feature list: draw maxFeatures features, and keep drawing
    // while all drawn so far are constant in this node (scikit-learn's rule).
    while (drawn < nFeatures && (drawn < o.maxFeaturesCount || nonConstant === 0)) {
      const j = drawn + randomInt(rng, nFeatures - drawn);
      const f = features[j]!;
      features[j] = features[drawn]!;
      features[drawn] = f;
      drawn++;
      if (o.splitter === 'random') {
        const t = randomSplit(start, m, f, dist);
        if (t === undefined) continue; // constant here
        nonConstant++;
        if (t.score > bestScore + 1e-12 * total) {
          bestScore = t.score;
          bestFeature = f;
          bestThreshold = t.threshold;
        }
        continue;
      }
      for (let p = 0; p < m; p++) {
        keys[p] = X[idx[start + p]! * nFeatures + f]!;
        order[p] = p;
      }
      const ord = order.subarray(0, m).sort(byKey);
      if (keys[ord[m - 1]!]! <= keys[ord[0]!]! + FEATURE_THRESHOLD) continue; // constant here
      nonConstant++;
      leftDist.fill(0);
      let wL = 0;
      let sqL = 0;
      let sqR = sumSq;
      for (let p = 0; p < m - 1; p++) {
        const r = idx[start + ord[p]!]!;
        const c = y[r]!;
        const w = weight[r]!;
        // Update sums of squares incrementally: (a+w)² − a² = w(2a+w).
        const a = leftDist[c]!;
        sqL += w * (2 * a + w);
        const b = dist[c]! - a;
        sqR += w * (w - 2 * b);
        leftDist[c] = a + w;
        wL += w;
        const nL = p + 1;
        if (nL < o.minSamplesLeaf || m - nL < o.minSamplesLeaf) continue;
        const v = keys[ord[p]!]!;
        const vNext = keys[ord[p + 1]!]!;
        if (vNext <= v + FEATURE_THRESHOLD) continue;
        const wR = total - wL;
        const score = sqL / wL + sqR / wR;
        if (score > bestScore + 1e-12 * total) {
          bestScore = score;
          bestFeature = f;
          let t = v / 2 + vNext / 2;
          if (t === vNext || !Number.isFinite(t)) t = v;
          bestThreshold = t;
        }
      }
    }
    if (bestFeature < 0) return node;

    // Partition the slice: rows with x <= threshold first, order otherwise kept.
    let nl = 0;
    let nr = 0;
    for (let p = start; p < end; p++) {
      const r = idx[p]!;
      if (X[r * nFeatures + bestFeature]! <= bestThreshold) sorted[nl++] = r;
      else scratch[nr++] = r;
    }
    idx.set(sorted.subarray(0, nl), start);
    idx.set(scratch.subarray(0, nr), start + nl);
    const mid = start + nl;
    // Weighted impurity decrease, N_t·i(t) − N_L·i(L) − N_R·i(R) (normalised per tree later).
    // Σ W·gini over the children = W − (sqL/WL + sqR/WR) = total − bestScore.
    const childTerm = total - bestScore;
    importance[bestFeature]! += total * impurity - childTerm;

    builder.feature[node] = bestFeature;
    builder.threshold[node] = bestThreshold;
    const l = build(start, mid, depth + 1);
    const r = build(mid, end, depth + 1);
    builder.left[node] = l;
    builder.right[node] = r;
    return node;
  };
  build(0, m0, 0);
  return builder.finish();
}

/**
 * Fit a random forest.
 * @param X training matrix, row-major nRows × nFeatures (any units; trees need no scaling)
 * @param y genre index per row, in 0…nClasses−1
 * @param options see {@link ForestOptions}; defaults follow scikit-learn (100 trees, √d features)
 * @param cancel optional cooperative cancel flag, checked between trees
 * @param onProgress fraction of trees grown, 0…1
 * @returns the fitted model, with `featureImportances` (mean decrease in Gini, sums to 1)
 */
export function trainRandomForest(
  X: Float64Array,
  y: Int32Array,
  nFeatures: number,
  nClasses: number,
  options: ForestOptions = {},
  cancel?: CancelToken,
  onProgress?: (fraction: number) => void,
): ForestModel {
  const n = checkTrainingData(X, y, nFeatures, nClasses);
  const o = resolveOptions(options, nFeatures);
  const trees: ForestTree[] = [];
  const importances = new Float64Array(nFeatures);
  const treeImp = new Float64Array(nFeatures);
  const weight = new Float64Array(n);
  let treesWithSplits = 0;
  for (let t = 0; t < o.nTrees; t++) {
    throwIfCancelled(cancel);
    const rng = createRng(deriveSeed(o.seed, t));
    if (o.bootstrap) {
      weight.fill(0);
      for (let i = 0; i < n; i++) weight[randomInt(rng, n)]! += 1;
    } else weight.fill(1);
    treeImp.fill(0);
    trees.push(growTree(X, y, weight, nFeatures, nClasses, o, rng, treeImp));
    let s = 0;
    for (let f = 0; f < nFeatures; f++) s += treeImp[f]!;
    if (s > 0) {
      treesWithSplits++;
      for (let f = 0; f < nFeatures; f++) importances[f]! += treeImp[f]! / s;
    }
    onProgress?.((t + 1) / o.nTrees);
  }
  if (treesWithSplits > 0) {
    let s = 0;
    for (let f = 0; f < nFeatures; f++) s += importances[f]!;
    for (let f = 0; f < nFeatures; f++) importances[f]! /= s;
  }
  return { kind: 'random-forest', nFeatures, nClasses, options: o, trees, featureImportances: importances };
}

/** Index of the largest of `k` values from `off`; ties go to the first. */
function argmaxFirst(a: Float64Array, off: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (a[off + c]! > a[off + best]!) best = c;
  return best;
}

/**
 * Classify rows with a fitted forest.
 * @param X row-major nRows × model.nFeatures, same feature order and units as training
 * @returns predicted genre indices and row-major nRows × nClasses probabilities (mean leaf shares)
 */
export function predictRandomForest(model: ForestModel, X: Float64Array): ForestPrediction {
  const d = model.nFeatures;
  const k = model.nClasses;
  const n = matrixRows(X, d);
  const probabilities = new Float64Array(n * k);
  for (const tree of model.trees) {
    const { feature, threshold, left, right, value } = tree;
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (feature[node]! >= 0) node = X[i * d + feature[node]!]! <= threshold[node]! ? left[node]! : right[node]!;
      const vo = node * k;
      const po = i * k;
      for (let c = 0; c < k; c++) probabilities[po + c]! += value[vo + c]!;
    }
  }
  const predicted = new Int32Array(n);
  const nT = model.trees.length;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) probabilities[i * k + c]! /= nT;
    predicted[i] = argmaxFirst(probabilities, i * k, k);
  }
  return { predicted, probabilities };
}

export interface PermutationImportanceOptions {
  /** Shuffles per feature (scikit-learn `n_repeats`, default 5). */
  nRepeats?: number;
  /** Seed for the shuffles (default 0). */
  seed?: number;
}

export interface PermutationImportance {
  /** Accuracy (fraction correct, 0…1) on the unshuffled held-out rows. */
  baselineAccuracy: number;
  /** Per feature: mean over repeats of baseline accuracy − accuracy with that column shuffled. */
  importancesMean: Float64Array;
  /** Per feature: population standard deviation of that drop over repeats (as scikit-learn). */
  importancesStd: Float64Array;
  /** Per feature, row-major nFeatures × nRepeats: every drop. */
  importances: Float64Array;
}

/**
 * Permutation importance on held-out rows (Breiman; scikit-learn `permutation_importance` with
 * accuracy scoring): shuffle one feature's column, re-predict, and record the accuracy drop.
 * Unlike impurity importance it is measured on data the model did not fit, and is not inflated
 * for features with many distinct values. Works with any model through `predict`.
 * @param predict maps a row-major matrix (nRows × nFeatures) to predicted genre indices
 * @param X held-out matrix, row-major nRows × nFeatures (not modified)
 * @param y true genre index per held-out row
 */
export function permutationImportance(
  predict: (X: Float64Array) => ArrayLike<number>,
  X: Float64Array,
  y: Int32Array,
  nFeatures: number,
  options: PermutationImportanceOptions = {},
  cancel?: CancelToken,
): PermutationImportance {
  const nRepeats = options.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new LabError('bad-argument', `Repeats must be a whole number ≥ 1, got ${nRepeats}`);
  const n = y.length;
  if (n === 0 || X.length !== n * nFeatures) throw new LabError('bad-argument', `Matrix has ${X.length} values, expected ${n} rows × ${nFeatures} features`);
  const accuracy = (pred: ArrayLike<number>) => {
    let ok = 0;
    for (let i = 0; i < n; i++) if (pred[i] === y[i]) ok++;
    return ok / n;
  };
  const baselineAccuracy = accuracy(predict(X));
  const work = Float64Array.from(X);
  const perm = new Int32Array(n);
  const importances = new Float64Array(nFeatures * nRepeats);
  const importancesMean = new Float64Array(nFeatures);
  const importancesStd = new Float64Array(nFeatures);
  const rng = createRng(options.seed ?? 0);
  for (let f = 0; f < nFeatures; f++) {
    throwIfCancelled(cancel);
    for (let r = 0; r < nRepeats; r++) {
      for (let i = 0; i < n; i++) perm[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = randomInt(rng, i + 1);
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
      }
      for (let i = 0; i < n; i++) work[i * nFeatures + f] = X[perm[i]! * nFeatures + f]!;
      importances[f * nRepeats + r] = baselineAccuracy - accuracy(predict(work));
    }
    for (let i = 0; i < n; i++) work[i * nFeatures + f] = X[i * nFeatures + f]!;
    let mean = 0;
    for (let r = 0; r < nRepeats; r++) mean += importances[f * nRepeats + r]!;
    mean /= nRepeats;
    let v = 0;
    for (let r = 0; r < nRepeats; r++) v += (importances[f * nRepeats + r]! - mean) ** 2;
    importancesMean[f] = mean;
    importancesStd[f] = Math.sqrt(v / nRepeats);
  }
  return { baselineAccuracy, importancesMean, importancesStd, importances };
}
