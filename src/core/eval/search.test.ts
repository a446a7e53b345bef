import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
import { parseTableText } from '../data/parse';
import { createRng } from '../random';
import { runKnn } from './classic';
import { combinations, searchCombinations, type SearchResult } from './search';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
const ntnu30 = 'data/gtzan/GenreClassData_30s.txt';

describe('combinations', () => {
  it('lists C(4,3) subsets in order', () => {
    expect(combinations(4, 3)).toEqual([[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]]);
    expect(combinations(5, 2)).toHaveLength(10);
  });
});

describe('search on a table full of distance ties', () => {
  it('every cell equals a plain k-NN run on that combination (row-order tie rule included)', () => {
    // Values on a 5-step grid (many equal distances), some rows copied, 3 genres: the pruned,
    // bucketed scan has to reproduce the direct k-NN's neighbours exactly, ties and all.
    const rng = createRng(4);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const rows: string[] = [];
    for (let r = 0; r < 160; r++) {
      const v = r % 7 === 3 ? rows[r - 1]!.split(',').slice(2) : names.map(() => String(Math.floor(rng() * 5) - 2));
      rows.push([`t${r}`, ['rock', 'jazz', 'pop'][Math.floor(rng() * 3)], ...v].join(','));
    }
    const ds = parseTableText(['filename,label,' + names.join(','), ...rows].join('\n'), 'ties.csv');
    for (const weights of ['uniform', 'distance'] as const) {
      const result = searchCombinations(ds, { base: ['a', 'b', 'c', 'd'], choose: 2, k: 4, weights });
      expect(result.cells).toHaveLength(6 * 3);
      for (const c of result.cells) {
        const r = runKnn(ds, { features: [...result.subsets[c.subset]!, result.extras[c.extra]!], k: 4, weights });
        expect(c.correct).toBe(r.rows.correct);
        expect(c.macroF1).toBe(r.rows.macroF1);
      }
      result.subsets.forEach((subset, s) => {
        expect(result.subsetsAlone[s]!.accuracy).toBe(runKnn(ds, { features: subset, k: 4, weights }).rows.accuracy);
      });
    }
  });
});

describe('search on tied tables of other sizes and k', () => {
  it('every cell equals a plain k-NN run: fewer training rows than the shared row-by-row pass, k = 1 and k = 9', () => {
    // The same kind of tie-heavy table; 30 rows leave about 24 for training (the whole table fits
    // the rows all extras take together), 400 rows let some extras go on alone far down the order.
    for (const [nRows, seed] of [
      [30, 5],
      [400, 6],
    ] as const) {
      const rng = createRng(seed);
      const names = ['a', 'b', 'c', 'd', 'e', 'f'];
      const rows = Array.from({ length: nRows }, (_, r) => [`t${r}`, ['rock', 'jazz', 'pop'][r % 3], ...names.map(() => String(Math.floor(rng() * 4) - 1))].join(','));
      const ds = parseTableText(['filename,label,' + names.join(','), ...rows].join('\n'), 'ties.csv');
      for (const k of [1, 9]) {
        for (const weights of ['uniform', 'distance'] as const) {
          const result = searchCombinations(ds, { base: ['a', 'b', 'c'], choose: 2, k, weights });
          for (const c of result.cells) {
            const r = runKnn(ds, { features: [...result.subsets[c.subset]!, result.extras[c.extra]!], k, weights });
            expect(c.correct).toBe(r.rows.correct);
            expect(c.macroF1).toBe(r.rows.macroF1);
          }
        }
      }
    }
  });
});

describe('search: a row whose base distance equals the k-th distance', () => {
  // NTNU-style rows (Type is the split): [a, x, genre, type].
  const table = (rows: [number, number, string, string][]) =>
    parseTableText(
      [['Track ID', 'File', 'a', 'x', 'GenreID', 'Genre', 'Type'].join('\t'), ...rows.map(([a, x, g, t], r) => [r, `${g}.${r}.wav`, a, x, g === 'rock' ? 0 : 1, g, t].join('\t'))].join('\n'),
      'tie.txt',
    );
  const correct = (ds: Dataset) =>
    (['uniform', 'distance'] as const).map((weights) => searchCombinations(ds, { base: ['a'], choose: 1, extras: ['x'], k: 1, weights }).cells.map((c) => c.correct));

  it('still takes the neighbour place when its row comes first (the tie rule), worked out by hand', () => {
    // Training rows r0 (a 1, x 0, rock) and r1 (a 0, x 1, jazz); the test row (a 0, x 0) is rock.
    // Both columns hold the same values, so they standardise alike and both rows are at the same
    // distance from the test row. By base (a) alone r1 is nearer and comes first; r0's base
    // distance equals that k-th distance, and as the earlier row it wins the tie: the answer is
    // rock, 1 of 1 correct. Stopping at a base distance equal to the k-th would answer jazz.
    const ds = table([
      [1, 0, 'rock', 'Train'],
      [0, 1, 'jazz', 'Train'],
      [0, 0, 'rock', 'Test'],
    ]);
    expect(correct(ds)).toEqual([[1], [1]]);
  });

  it('the same far down the base order, past the rows all extras take together', () => {
    // The tied rock row r0 (a 1, x 0) now comes after 31 rows at base distance 0: the jazz row
    // (a 0, x 1) at the same total distance, and 30 jazz rows (a 0, x 2) that are farther. 30 rows
    // (a 2, x 0) and one (a 2, x 2) give both columns the same values again, with a mean of
    // exactly 1 so that both standardise alike bit for bit whatever the order of the sums; they are
    // farther still. Rock, 1 of 1.
    const ds = table([
      [1, 0, 'rock', 'Train'],
      [0, 1, 'jazz', 'Train'],
      ...Array.from({ length: 30 }, (): [number, number, string, string] => [0, 2, 'jazz', 'Train']),
      ...Array.from({ length: 30 }, (): [number, number, string, string] => [2, 0, 'jazz', 'Train']),
      [2, 2, 'jazz', 'Train'],
      [0, 0, 'rock', 'Test'],
    ]);
    expect(correct(ds)).toEqual([[1], [1]]);
  });
});

describe('search against a brute-force k-NN written out here', () => {
  it('every cell and every subset alone has the correct count of a plain z-score + sort + majority vote; the separating feature wins', () => {
    // An NTNU-style table (its Type column is the split): 48 training and 16 test rows, 2 genres,
    // continuous random values (no distance ties), and one feature, "sep", that tells the genres apart.
    const rng = createRng(11);
    const names = ['n1', 'n2', 'n3', 'sep', 'n4'];
    const rows = Array.from({ length: 64 }, (_, r) => {
      const genre = r % 2 ? 'jazz' : 'rock';
      const values = names.map((f) => (f === 'sep' ? (genre === 'jazz' ? 1 : -1) + 0.01 * rng() : 3 * rng()));
      return { genre, type: r < 48 ? 'Train' : 'Test', values };
    });
    const text = [
      ['Track ID', 'File', ...names, 'GenreID', 'Genre', 'Type'].join('\t'),
      ...rows.map((row, r) => [r, `${row.genre}.${r}.wav`, ...row.values, row.genre === 'jazz' ? 1 : 0, row.genre, row.type].join('\t')),
    ].join('\n');
    const ds = parseTableText(text, 'brute.txt');
    const k = 3;

    // The truth: z-score each chosen column with the training rows' mean and population std,
    // full distances, a full sort, k nearest, majority vote (k odd, 2 genres: no vote ties).
    const bruteCorrect = (features: string[]): number => {
      const cols = features.map((f) => names.indexOf(f));
      const train = rows.filter((r) => r.type === 'Train');
      const test = rows.filter((r) => r.type === 'Test');
      const mean = cols.map((c) => train.reduce((a, r) => a + r.values[c]!, 0) / train.length);
      const std = cols.map((c, i) => Math.sqrt(train.reduce((a, r) => a + (r.values[c]! - mean[i]!) ** 2, 0) / train.length));
      const z = (r: (typeof rows)[number]) => cols.map((c, i) => (r.values[c]! - mean[i]!) / std[i]!);
      let correct = 0;
      for (const t of test) {
        const zt = z(t);
        const nearest = train
          .map((r) => ({ genre: r.genre, d: z(r).reduce((a, v, i) => a + (v - zt[i]!) ** 2, 0) }))
          .sort((a, b) => a.d - b.d)
          .slice(0, k);
        const jazz = nearest.filter((n) => n.genre === 'jazz').length;
        if ((jazz > k / 2 ? 'jazz' : 'rock') === t.genre) correct++;
      }
      return correct;
    };

    const result = searchCombinations(ds, { base: ['n1', 'n2', 'n3', 'sep'], choose: 2, k, weights: 'uniform' });
    expect(result.nTest).toBe(16);
    expect(result.extras).toEqual(['n4']);
    expect(result.cells).toHaveLength(6);
    for (const c of result.cells) {
      const want = bruteCorrect([...result.subsets[c.subset]!, result.extras[c.extra]!]);
      expect(c.correct).toBe(want);
      expect(c.accuracy).toBe(want / 16);
    }
    result.subsets.forEach((subset, s) => expect(result.subsetsAlone[s]!.accuracy).toBe(bruteCorrect(subset) / 16));
    // By construction, the winning combination has the separating feature and classifies (nearly) every test row.
    expect(result.best.features).toContain('sep');
    expect(result.best.correct).toBe(Math.max(...result.subsets.map((subset) => bruteCorrect([...subset, 'n4']))));
    expect(result.best.correct).toBeGreaterThanOrEqual(15);
  });
});

describe.skipIf(!!skipReason(ntnu30))('NTNU Task 3 search', () => {
  // Loaded in beforeAll: a describe body runs even when the suite is skipped.
  let ds: Dataset;
  let result: SearchResult;
  beforeAll(() => {
    ds = loadTableFile(sharedPath(ntnu30)!);
    result = searchCombinations(ds, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
  });

  it('tries 236 combinations and finds the report’s best: rolloff, centroid, tempo + rmse_var, 52.02 % / 0.521', () => {
    expect(result.cells).toHaveLength(236);
    expect(result.best.features).toEqual(['spectral_rolloff_mean', 'spectral_centroid_mean', 'tempo', 'rmse_var']);
    expect((result.best.accuracy * 100).toFixed(2)).toBe('52.02');
    expect(result.best.macroF1.toFixed(3)).toBe('0.521');
  });

  it('every tenth cell equals a plain k-NN run on that combination (the pruned scan is exact)', () => {
    for (let i = 0; i < result.cells.length; i += 10) {
      const c = result.cells[i]!;
      const feats = [...result.subsets[c.subset]!, result.extras[c.extra]!];
      const r = runKnn(ds, { features: feats, k: 5, weights: 'distance' });
      expect(c.correct).toBe(r.rows.correct);
      expect(c.macroF1).toBe(r.rows.macroF1);
    }
  });

  it('a base subset alone equals k-NN on it (Task 1 minus mfcc_1_mean)', () => {
    const r = runKnn(ds, { features: ['spectral_rolloff_mean', 'spectral_centroid_mean', 'tempo'], k: 5, weights: 'distance' });
    expect(result.subsetsAlone[2]!.accuracy).toBe(r.rows.accuracy);
  });
});
