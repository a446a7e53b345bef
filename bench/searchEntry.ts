/** Browser side of the search benchmark: parse the table once, then one 236-combination search per call. */
import { parseTableText } from '../src/core/data/parse';
import type { Dataset } from '../src/core/data/dataset';
import { searchCombinations } from '../src/core/eval/search';

const TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
let ds: Dataset | undefined;

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  load(text: string) {
    ds = parseTableText(text, 'GenreClassData_30s.txt');
  },
  /** One search: its wall time in ms and the best combination. */
  run() {
    const t0 = performance.now();
    const r = searchCombinations(ds!, { base: TASK1, choose: 3, k: 5, weights: 'distance' });
    return { ms: performance.now() - t0, best: `${r.best.features.join(',')} ${(r.best.accuracy * 100).toFixed(2)}%` };
  },
};
