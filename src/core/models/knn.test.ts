import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { runKnn } from '../eval/classic';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { parseTableText } from '../data/parse';
import { CancelledError } from '../errors';
import { createRng } from '../random';
import { knnNeighbours, knnPredict, NeighbourHeap, type KnnWeights } from './knn';
import { knnKernel } from './knnKernel';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
const ntnu30 = 'data/gtzan/GenreClassData_30s.txt';

describe('k-NN by hand', () => {
  it('uniform vote with hand-computed neighbours', () => {
    // 1-D train: 0 (a), 1 (a), 5 (b), 6 (b), 7 (b). Query 2 → nearest 1, 0, 5 → a wins 2:1.
    const r = knnPredict(Float64Array.of(0, 1, 5, 6, 7), Int32Array.of(0, 0, 1, 1, 1), Float64Array.of(2, 5.6), 1, 2, { k: 3, weights: 'uniform' });
    expect([...r.predicted]).toEqual([0, 1]);
    expect(r.probabilities[0]).toBeCloseTo(2 / 3, 12);
  });

  it('distance weighting can overturn the majority', () => {
    // Query 0.9: neighbours 1 (a, d=0.1), 2.5 (b, d=1.6), 2.6 (b, d=1.7): a = 10, b ≈ 1.22.
    const r = knnPredict(Float64Array.of(1, 2.5, 2.6), Int32Array.of(0, 1, 1), Float64Array.of(0.9), 1, 2, { k: 3, weights: 'distance' });
    expect(r.predicted[0]).toBe(0);
  });

  it('a zero-distance neighbour alone decides under distance weighting', () => {
    const r = knnPredict(Float64Array.of(3, 3.1, 3.2), Int32Array.of(1, 0, 0), Float64Array.of(3), 1, 2, { k: 3, weights: 'distance' });
    expect(r.predicted[0]).toBe(1);
    expect(r.probabilities[1]).toBe(1);
  });

  it('breaks distance ties by training row order and vote ties by label order', () => {
    // Train rows at -1 (b) and +1 (a) are equally far from 0; k = 1 takes the first row (b).
    const r1 = knnPredict(Float64Array.of(-1, 1), Int32Array.of(1, 0), Float64Array.of(0), 1, 2, { k: 1, weights: 'uniform' });
    expect(r1.predicted[0]).toBe(1);
    // k = 2: one vote each → the first genre in label order (a = 0).
    const r2 = knnPredict(Float64Array.of(-1, 1), Int32Array.of(1, 0), Float64Array.of(0), 1, 2, { k: 2, weights: 'uniform' });
    expect(r2.predicted[0]).toBe(0);
  });

  it('lists the neighbours behind an answer: nearest first, distances, labels, vote shares', () => {
    // 2-D train: (0,0) a, (3,4) b, (1,0) a, (0,2) b. Query (0,0): distances 0, 5, 1, 2.
    const train = Float64Array.of(0, 0, 3, 4, 1, 0, 0, 2);
    const labels = Int32Array.of(0, 1, 0, 1);
    const [u] = knnNeighbours(train, labels, Float64Array.of(0, 0), 2, { k: 3, weights: 'uniform' });
    expect(u!.map((n) => [n.index, n.distance, n.label])).toEqual([
      [0, 0, 0],
      [2, 1, 0],
      [3, 2, 1],
    ]);
    expect(u!.map((n) => n.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    // Query (1,1): distances √2, √13, 1, √2 → rows 2 (1), 0 (√2), 3 (√2: the tie goes to row 0 first).
    const [d] = knnNeighbours(train, labels, Float64Array.of(1, 1), 2, { k: 3, weights: 'distance' });
    expect(d!.map((n) => n.index)).toEqual([2, 0, 3]);
    expect(d![1]!.distance).toBeCloseTo(Math.SQRT2, 12);
    // weights 1, 1/√2, 1/√2 over their sum 1 + √2
    expect(d![0]!.weight).toBeCloseTo(1 / (1 + Math.SQRT2), 12);
    expect(d![2]!.weight).toBeCloseTo(1 / Math.SQRT2 / (1 + Math.SQRT2), 12);
    // Zero-distance rule: only the exact match votes.
    const [z] = knnNeighbours(train, labels, Float64Array.of(0, 0), 2, { k: 2, weights: 'distance' });
    expect(z!.map((n) => n.weight)).toEqual([1, 0]);
    // The vote of the listed neighbours is knnPredict's answer.
    const p = knnPredict(train, labels, Float64Array.of(1, 1), 2, 2, { k: 3, weights: 'distance' });
    expect(p.probabilities[0]).toBeCloseTo(d!.filter((n) => n.label === 0).reduce((a, n) => a + n.weight, 0), 12);
  });

  it('the heap gives the same neighbours whatever order rows are offered in', () => {
    const d = [5, 1, 3, 1, 9, 3, 0.5];
    const a = new NeighbourHeap(4);
    const b = new NeighbourHeap(4);
    d.forEach((x, j) => a.offer(x, j));
    [...d.keys()].reverse().forEach((j) => b.offer(d[j]!, j));
    expect([...a.index]).toEqual([6, 1, 3, 2]);
    expect([...b.index]).toEqual([...a.index]);
  });
});

/**
 * The definition, written out independently of knn.ts: every distance by the plain feature loop,
 * all training rows sorted by (distance, row), the first k vote (README "Evaluation rules").
 */
function directKnn(train: Float64Array, labels: Int32Array, test: Float64Array, nF: number, nC: number, k: number, weights: KnnWeights) {
  const nTest = test.length / nF;
  const predicted: number[] = [];
  const probabilities: number[] = [];
  for (let i = 0; i < nTest; i++) {
    const all = Array.from(labels, (_, j) => {
      let d2 = 0;
      for (let f = 0; f < nF; f++) d2 += (test[i * nF + f]! - train[j * nF + f]!) ** 2;
      return { d2, j };
    }).sort((a, b) => a.d2 - b.d2 || a.j - b.j);
    const nn = all.slice(0, k);
    const zero = weights === 'distance' && nn.some((n) => n.d2 === 0);
    const votes = new Array<number>(nC).fill(0);
    let total = 0; // summed in neighbour order, so shares can be compared bit for bit
    for (const n of nn) {
      const w = weights === 'uniform' ? 1 : zero ? (n.d2 === 0 ? 1 : 0) : 1 / Math.sqrt(n.d2);
      votes[labels[n.j]!]! += w;
      total += w;
    }
    predicted.push(votes.indexOf(Math.max(...votes)));
    probabilities.push(...votes.map((v) => v / total));
  }
  return { predicted, probabilities };
}

describe('blocked k-NN equals the direct definition', () => {
  /**
   * Sizes that are not multiples of the 4 × 2 register tile nor of the 256-row blocks, so every
   * remainder path runs; values on a coarse grid and copied rows give many exact distance ties,
   * zero distances, and equal votes.
   */
  function tiedData(seed: number, nTrain: number, nTest: number, nF: number, nC: number) {
    const rng = createRng(seed);
    const grid = () => Math.floor(rng() * 5) - 2;
    const train = Float64Array.from({ length: nTrain * nF }, grid);
    const test = Float64Array.from({ length: nTest * nF }, grid);
    // A third of the test rows are copies of training rows, and some training rows duplicate others.
    for (let i = 0; i < nTest; i += 3) test.set(train.subarray((i * 7 % nTrain) * nF, (i * 7 % nTrain) * nF + nF), i * nF);
    for (let j = 1; j < nTrain; j += 5) train.copyWithin(j * nF, (j - 1) * nF, j * nF);
    const labels = Int32Array.from({ length: nTrain }, () => Math.floor(rng() * nC));
    return { train, test, labels };
  }

  for (const weights of ['uniform', 'distance'] as const) {
    for (const k of [1, 4, 7]) {
      it(`${weights}, k = ${k}: same predictions and vote shares, ties included`, () => {
        const nF = 4;
        const { train, test, labels } = tiedData(k * 31 + (weights === 'uniform' ? 0 : 1), 603, 263, nF, 4);
        const got = knnPredict(train, labels, test, nF, 4, { k, weights }, { useKernel: true });
        const want = directKnn(train, labels, test, nF, 4, k, weights);
        expect([...got.predicted]).toEqual(want.predicted);
        expect([...got.probabilities]).toEqual(want.probabilities);
      });
    }
  }

  it('continuous random data (60 features, like the scale benchmark) with duplicated rows', () => {
    const rng = createRng(7);
    const nF = 60;
    const train = Float64Array.from({ length: 301 * nF }, () => rng() * 2 - 1);
    const test = Float64Array.from({ length: 150 * nF }, () => rng() * 2 - 1);
    train.copyWithin(200 * nF, 10 * nF, 11 * nF); // rows 10 and 200 equal: the tie goes to row 10
    test.set(train.subarray(10 * nF, 11 * nF), 5 * nF);
    const labels = Int32Array.from({ length: 301 }, () => Math.floor(rng() * 5));
    const got = knnPredict(train, labels, test, nF, 5, { k: 5, weights: 'distance' }, { useKernel: true });
    const want = directKnn(train, labels, test, nF, 5, 5, 'distance');
    expect([...got.predicted]).toEqual(want.predicted);
    expect([...got.probabilities]).toEqual(want.probabilities);
    // Test row 5 sits on training rows 10 and 200 (distance 0): they share the whole vote.
    expect(got.probabilities[5 * 5 + labels[10]!]).toBeGreaterThanOrEqual(labels[10] === labels[200] ? 1 : 0.5);
  });

  it('distances closer than float32 can tell apart are ordered exactly (the screening rechecks in float64)', () => {
    // 700 training rows (past the first 64-row tile and a 512-row tile) that all sit within a few
    // float32 steps (≈8e-6 at 100) of one point: float32 rounds them onto a coarse grid that orders
    // them differently from their float64 values, so only the float64 recheck can order them.
    // Queries near that point; the direct definition decides.
    expect(knnKernel()).toBeDefined();
    const rng = createRng(11);
    const nF = 9;
    const centre = Float64Array.from({ length: nF }, () => 100 + rng() * 20);
    const train = Float64Array.from({ length: 700 * nF }, (_, i) => centre[i % nF]! + (rng() - 0.5) * 3e-5);
    const test = Float64Array.from({ length: 37 * nF }, (_, i) => centre[i % nF]! + (rng() - 0.5) * 3e-5);
    const labels = Int32Array.from({ length: 700 }, () => Math.floor(rng() * 3));
    for (const weights of ['uniform', 'distance'] as const) {
      const got = knnPredict(train, labels, test, nF, 3, { k: 5, weights }, { useKernel: true });
      const want = directKnn(train, labels, test, nF, 3, 5, weights);
      expect([...got.predicted]).toEqual(want.predicted);
      expect([...got.probabilities]).toEqual(want.probabilities);
    }
  });

  it('values too large for float32 screening take the float64 loop, with the same answers', () => {
    const { train, test, labels } = tiedData(5, 90, 40, 3, 3);
    const big = (a: Float64Array) => a.map((v) => v * 1e20);
    const got = knnPredict(big(train), labels, big(test), 3, 3, { k: 3, weights: 'distance' }, { useKernel: true });
    const want = directKnn(big(train), labels, big(test), 3, 3, 3, 'distance');
    expect([...got.predicted]).toEqual(want.predicted);
    expect([...got.probabilities]).toEqual(want.probabilities);
  });

  it('the float64 tiles alone (useKernel: false) give the direct definition too', () => {
    const { train, test, labels } = tiedData(9, 603, 263, 4, 4);
    const got = knnPredict(train, labels, test, 4, 4, { k: 4, weights: 'distance' }, { useKernel: false });
    const want = directKnn(train, labels, test, 4, 4, 4, 'distance');
    expect([...got.predicted]).toEqual(want.predicted);
    expect([...got.probabilities]).toEqual(want.probabilities);
  });

  it('reports progress per block of test rows and stops when cancelled', () => {
    const { train, test, labels } = tiedData(3, 50, 600, 2, 3);
    const seen: [number, number][] = [];
    knnPredict(train, labels, test, 2, 3, { k: 3, weights: 'uniform' }, { onProgress: (d, t) => seen.push([d, t]) });
    // 600 test rows in blocks of 256: 256, 512, 600.
    expect(seen).toEqual([[256, 600], [512, 600], [600, 600]]);
    const token = { cancelled: false };
    let calls = 0;
    const run = () =>
      knnPredict(train, labels, test, 2, 3, { k: 3, weights: 'uniform' }, {
        cancel: token,
        onProgress: () => {
          calls++;
          token.cancelled = true;
        },
      });
    expect(run).toThrow(CancelledError);
    expect(calls).toBe(1);
  });
});

describe('runKnn progress and cancel', () => {
  // 600 rows (one track each) in 3 genres: 5 folds of 120 test rows, each one block of test rows.
  const rng = createRng(11);
  const rows = Array.from({ length: 600 }, (_, i) => `${['a', 'b', 'c'][i % 3]},${rng().toFixed(4)},${rng().toFixed(4)}`);
  const ds = parseTableText(['label,x,y', ...rows].join('\n'), 'progress.csv');

  it('k-fold: progress is the share of all test rows done, over every fold', () => {
    const seen: number[] = [];
    runKnn(ds, { features: ['x', 'y'], k: 3, weights: 'uniform', split: { kind: 'kfold', k: 5, seed: 1 } }, { onProgress: (f) => seen.push(f) });
    // One block per fold: 1/5, 2/5, … 5/5.
    expect(seen.map((f) => f.toFixed(6))).toEqual(['0.200000', '0.400000', '0.600000', '0.800000', '1.000000']);
  });

  it('a cancelled token stops the run with CancelledError', () => {
    const token = { cancelled: false };
    const run = () =>
      runKnn(ds, { features: ['x', 'y'], k: 3, weights: 'uniform', split: { kind: 'kfold', k: 5, seed: 1 } }, {
        cancel: token,
        onProgress: (f) => {
          if (f >= 0.4) token.cancelled = true;
        },
      });
    expect(run).toThrow(CancelledError);
  });
});

describe.skipIf(!!skipReason(ntnu30))('NTNU 30 s study (report numbers)', () => {
  // Loaded in beforeAll: a describe body runs even when the suite is skipped.
  let ds: Dataset;
  beforeAll(() => {
    ds = loadTableFile(sharedPath(ntnu30)!);
  });

  it('Task 1 features: 40.40 % (80/198), macro F1 0.398, per-genre counts of the report', () => {
    const r = runKnn(ds, { features: TASK1, k: 5, weights: 'distance' });
    expect(r.rows.n).toBe(198);
    expect(r.rows.correct).toBe(80);
    expect(r.rows.macroF1.toFixed(3)).toBe('0.398');
    const pop = r.rows.perClass.find((c) => c.genre === 'pop')!;
    const classical = r.rows.perClass.find((c) => c.genre === 'classical')!;
    expect([pop.tp, pop.tn, pop.fp, pop.fn]).toEqual([12, 165, 13, 8]);
    expect([classical.tp, classical.tn, classical.fp, classical.fn]).toEqual([15, 173, 6, 4]);
  });

  it('all 63 features: 64.14 % / 0.637', () => {
    const r = runKnn(ds, { features: ds.featureNames, k: 5, weights: 'distance' });
    expect(ds.featureNames.length).toBe(63);
    expect((r.rows.accuracy * 100).toFixed(2)).toBe('64.14');
    expect(r.rows.macroF1.toFixed(3)).toBe('0.637');
  });
});
