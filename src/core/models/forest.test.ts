import { describe, expect, it } from 'vitest';
import { predefinedSplit } from '../data/split';
import { selectMatrix } from '../data/dataset';
import { evaluatePredictions } from '../eval/metrics';
import { createRng, deriveSeed, randomNormal } from '../random';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { permutationImportance, predictRandomForest, trainRandomForest } from './forest';

/** n rows, `d` N(0,1) features; the genre (3 classes) is decided by feature `planted` alone. */
function planted(n: number, d: number, plantedFeature: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = randomNormal(rng);
    const v = X[i * d + plantedFeature]!;
    y[i] = v < -0.43 ? 0 : v < 0.43 ? 1 : 2;
  }
  return { X, y };
}

describe('random forest on hand-checked data', () => {
  // f0 separates genre 0; f1 then separates genre 1 from 2. By hand (W = rows, i = Gini):
  // root (2,2,3): W·i = 7·(1 − 17/49) = 32/7. Split f0 ≤ 0.5: children {0,0} (0) and {1,1,2,2,2}
  // (5·12/25 = 12/5), decrease 32/7 − 12/5 = 76/35. Split f1 ≤ 0.5 would leave 4/3 + 3/2, decrease
  // 73/42 < 76/35, so f0 is the root. The right child splits on f1 perfectly: decrease 12/5 = 84/35.
  // Importances: f0 = 76/160 = 0.475, f1 = 84/160 = 0.525.
  const X = Float64Array.from([0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1]);
  const y = Int32Array.from([0, 0, 1, 1, 2, 2, 2]);

  it('grows the CART tree and mean decrease in Gini a hand computation gives', () => {
    const m = trainRandomForest(X, y, 2, 3, { nTrees: 3, bootstrap: false, maxFeatures: 'all', seed: 5 });
    for (const t of m.trees) {
      expect(t.feature[0]).toBe(0);
      expect(t.threshold[0]).toBe(0.5);
      expect(t.depth).toBe(2);
    }
    expect(m.featureImportances[0]).toBeCloseTo(0.475, 12);
    expect(m.featureImportances[1]).toBeCloseTo(0.525, 12);
    const p = predictRandomForest(m, Float64Array.from([0, 1, 1, 0, 1, 1, 0.4, 0.6]));
    expect(Array.from(p.predicted)).toEqual([0, 1, 2, 0]);
    expect(Array.from(p.probabilities.subarray(0, 6))).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const { X: Xs, y: ys } = planted(200, 4, 1, 3);
    const shallow = trainRandomForest(Xs, ys, 4, 3, { nTrees: 5, maxDepth: 1, seed: 1 });
    for (const t of shallow.trees) expect(t.depth).toBeLessThanOrEqual(1);
    const leafy = trainRandomForest(Xs, ys, 4, 3, { nTrees: 5, minSamplesLeaf: 15, bootstrap: false, seed: 1 });
    for (const t of leafy.trees) {
      const perLeaf = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        let node = 0;
        while (t.feature[node]! >= 0) node = Xs[i * 4 + t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
        perLeaf.set(node, (perLeaf.get(node) ?? 0) + 1);
      }
      expect(Math.min(...perLeaf.values())).toBeGreaterThanOrEqual(15);
    }
  });

  it('rejects bad options', () => {
    expect(() => trainRandomForest(X, y, 2, 3, { nTrees: 0 })).toThrow(/trees/);
    expect(() => trainRandomForest(X, y, 2, 3, { maxFeatures: 3 })).toThrow(/Features per split/);
    expect(() => trainRandomForest(X, Int32Array.from([0, 0, 1, 1, 2, 2, 7]), 2, 3)).toThrow(/outside/);
  });
});

describe('random forest on synthetic data with a planted feature', () => {
  const d = 8;
  const train = planted(400, d, 5, 11);
  const test = planted(300, d, 5, 12);

  it('ranks the planted feature first by impurity and by permutation importance', () => {
    const m = trainRandomForest(train.X, train.y, d, 3, { nTrees: 50, seed: 7 });
    const imp = Array.from(m.featureImportances);
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(imp.indexOf(Math.max(...imp))).toBe(5);
    expect(imp[5]).toBeGreaterThan(0.3);
    const pred = predictRandomForest(m, test.X);
    const acc = evaluatePredictions(test.y, pred.predicted, ['a', 'b', 'c']).accuracy;
    expect(acc).toBeGreaterThan(0.9);
    const pi = permutationImportance((Xq) => predictRandomForest(m, Xq).predicted, test.X, test.y, d, { nRepeats: 3, seed: 1 });
    expect(pi.baselineAccuracy).toBeCloseTo(acc, 12);
    const pm = Array.from(pi.importancesMean);
    expect(pm.indexOf(Math.max(...pm))).toBe(5);
    expect(pm[5]).toBeGreaterThan(0.4); // shuffling the only informative column ruins the model
    for (let f = 0; f < d; f++) if (f !== 5) expect(Math.abs(pm[f]!)).toBeLessThan(0.05);
  });

  it('is reproducible from its seed, and the seed matters', () => {
    const a = predictRandomForest(trainRandomForest(train.X, train.y, d, 3, { nTrees: 10, seed: 3 }), test.X).probabilities;
    const b = predictRandomForest(trainRandomForest(train.X, train.y, d, 3, { nTrees: 10, seed: 3 }), test.X).probabilities;
    const c = predictRandomForest(trainRandomForest(train.X, train.y, d, 3, { nTrees: 10, seed: 4 }), test.X).probabilities;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (let i = 0; i < 300; i++) expect(a[i * 3]! + a[i * 3 + 1]! + a[i * 3 + 2]!).toBeCloseTo(1, 12);
  });
});

describe('permutation importance', () => {
  it('is exactly zero for a column the model never reads, and the hand-computed drop for the one it does', () => {
    // Model: genre = 1 when column 0 > 0. Held-out rows: column 0 = [1, −1, 2, −2], truth [1, 0, 1, 0].
    const X = Float64Array.from([1, 9, -1, 9, 2, 9, -2, 9]);
    const y = Int32Array.from([1, 0, 1, 0]);
    const predict = (M: Float64Array) => Int32Array.from({ length: M.length / 2 }, (_, i) => (M[i * 2]! > 0 ? 1 : 0));
    const pi = permutationImportance(predict, X, y, 2, { nRepeats: 4, seed: 2 });
    expect(pi.baselineAccuracy).toBe(1);
    expect(pi.importancesMean[1]).toBe(0);
    expect(pi.importancesStd[1]).toBe(0);
    // Each shuffle of column 0 is a permutation; accuracy = fraction of rows whose sign survives.
    for (let r = 0; r < 4; r++) expect([0, 0.5, 1]).toContain(pi.importances[r]);
    expect(pi.importancesMean[0]).toBeGreaterThan(0);
  });
});

const ntnu = ['data', 'gtzan', 'GenreClassData_30s.txt'];
describe.skipIf(skipReason(...ntnu) !== undefined)('random forest on NTNU 30 s (predefined split, 63 features)', () => {
  it('trains 100 trees in a few seconds and scores in the expected band', () => {
    const ds = loadTableFile(sharedPath(...ntnu)!);
    const s = predefinedSplit(ds);
    const cols = ds.featureNames.map((_, i) => i);
    const Xtr = selectMatrix(ds, s.train, cols);
    const Xte = selectMatrix(ds, s.test, cols);
    const ytr = Int32Array.from(s.train, (r) => ds.labels[r]!);
    const yte = Int32Array.from(s.test, (r) => ds.labels[r]!);
    const t0 = performance.now();
    const m = trainRandomForest(Xtr, ytr, 63, 10, { nTrees: 100, seed: 0 });
    const ms = performance.now() - t0;
    const ev = evaluatePredictions(yte, predictRandomForest(m, Xte).predicted, ds.genres);
    const top = Array.from(m.featureImportances)
      .map((v, i) => [v, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([v, i]) => `${ds.featureNames[i]} ${v.toFixed(4)}`);
    console.log(`forest NTNU 30 s: ${ms.toFixed(0)} ms, accuracy ${ev.accuracy.toFixed(4)}, macro F1 ${ev.macroF1.toFixed(4)}; top: ${top.join(', ')}`);
    expect(ms).toBeLessThan(5000);
    // Measured over seeds 0–7: 0.672–0.727; the band leaves room for seed-to-seed spread.
    expect(ev.accuracy).toBeGreaterThan(0.6);
    expect(ev.accuracy).toBeLessThan(0.8);
    expect(m.trees).toHaveLength(100);
    expect(m.options.maxFeaturesCount).toBe(7); // ⌊√63⌋
  });
});

describe('Extra Trees (splitter "random", scikit-learn ExtraTreesClassifier)', () => {
  it('draws the root threshold uniformly between the node’s min and max, from the tree’s seed', () => {
    // One feature 0, 1, 3, 10. The tree's generator is createRng(deriveSeed(7, 0)); its first
    // draw picks the (only) feature, its second u gives threshold = min + u·(max − min) = 10u.
    const X = Float64Array.from([0, 1, 3, 10]);
    const y = Int32Array.from([0, 0, 1, 1]);
    const m = trainRandomForest(X, y, 1, 2, { nTrees: 1, maxDepth: 1, maxFeatures: 'all', bootstrap: false, splitter: 'random', seed: 7 });
    const rng = createRng(deriveSeed(7, 0));
    rng();
    const u = rng();
    expect(m.trees[0]!.threshold[0]).toBe(0 + u * (10 - 0));
    // No bootstrap: the root holds every row once, so its class shares are the table's, 2/4 each.
    expect(Array.from(m.trees[0]!.value.subarray(0, 2))).toEqual([0.5, 0.5]);
  });

  it('every split of every tree lies in [min, max) of the rows reaching its node; no bootstrap means every root sees all rows', () => {
    const { X, y } = planted(120, 3, 1, 11);
    const m = trainRandomForest(X, y, 3, 3, { nTrees: 8, splitter: 'random', bootstrap: false, seed: 3 });
    const share = [0, 1, 2].map((c) => y.filter((v) => v === c).length / y.length);
    let checked = 0;
    for (const t of m.trees) {
      share.forEach((s, c) => expect(t.value[c]).toBeCloseTo(s, 12));
      const walk = (node: number, rows: number[]) => {
        const f = t.feature[node]!;
        if (f < 0) return;
        const vals = rows.map((r) => X[r * 3 + f]!);
        expect(t.threshold[node]!).toBeGreaterThanOrEqual(Math.min(...vals));
        expect(t.threshold[node]!).toBeLessThan(Math.max(...vals));
        checked++;
        walk(t.left[node]!, rows.filter((r) => X[r * 3 + f]! <= t.threshold[node]!));
        walk(t.right[node]!, rows.filter((r) => X[r * 3 + f]! > t.threshold[node]!));
      };
      walk(0, Array.from({ length: 120 }, (_, i) => i));
    }
    expect(checked).toBeGreaterThan(50);
    // Thresholds are draws, not midpoints between neighbouring values as the best splitter's are.
    const best = trainRandomForest(X, y, 3, 3, { nTrees: 1, maxFeatures: 'all', bootstrap: false, seed: 3 });
    const sorted = Array.from({ length: 120 }, (_, i) => X[i * 3 + best.trees[0]!.feature[0]!]!).sort((a, b) => a - b);
    expect(sorted.some((v, i) => i > 0 && best.trees[0]!.threshold[0] === v / 2 + sorted[i - 1]! / 2)).toBe(true);
  });

  it('min_samples_split stops splitting nodes with fewer rows', () => {
    const X = Float64Array.from([0, 1, 3, 10]);
    const y = Int32Array.from([0, 1, 0, 1]);
    const m = trainRandomForest(X, y, 1, 2, { nTrees: 1, bootstrap: false, minSamplesSplit: 5, seed: 1 });
    expect(m.trees[0]!.feature[0]).toBe(-1);
    expect(() => trainRandomForest(X, y, 1, 2, { minSamplesSplit: 1 })).toThrow(/samples to split/);
  });
});
