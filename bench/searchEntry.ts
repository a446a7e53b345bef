/** Browser side of the search benchmark: parse the table, run the 236-combination search. */
import { parseTableText } from '../src/core/data/parse';
import { searchCombinations } from '../src/core/eval/search';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  runSearch(text: string, reps: number) {
    const ds = parseTableText(text, 'GenreClassData_30s.txt');
    const times: number[] = [];
    let best = '';
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const r = searchCombinations(ds, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
      times.push(performance.now() - t0);
      best = `${r.best.features.join(',')} ${(r.best.accuracy * 100).toFixed(2)}%`;
    }
    return { times, best };
  },
};
