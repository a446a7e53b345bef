import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { loadTableFile } from '../../node/loadTable';
import { sharedPath, skipReason } from '../../node/paths';
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
