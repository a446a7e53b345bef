import { describe, expect, it } from 'vitest';
import { extractRecipe } from '../features/recipes';
import { fitKnn } from './classifiers';
import { buildClassifyInputs, summarizePrediction } from './classifyAudio';
import { shortClipWarning, withShortClipWarning } from './shortClip';
import { toDataset } from '../features/toDataset';

describe('a clip too short for the model gets a warning next to its answer', () => {
  it('whole-clip recipes: warned below half of a 30 s GTZAN clip (15 s)', () => {
    for (const recipe of ['kaggle30', 'ntnu30']) {
      expect(shortClipWarning({ recipe }, 0.1)).toMatch(/this clip is 0\.10 s, the model learnt from .*30\.0 s clips \(warned below 15\.0 s\)/);
      expect(shortClipWarning({ recipe }, 14.99)).toBeDefined();
      expect(shortClipWarning({ recipe }, 15)).toBeUndefined();
      expect(shortClipWarning({ recipe }, 30)).toBeUndefined();
    }
  });

  it('segment recipes: warned below one segment (kaggle3: 66 149 samples = 3.00 s); unknown recipes: no warning', () => {
    expect(shortClipWarning({ recipe: 'kaggle3' }, 2)).toMatch(/2\.00 s, the model learnt from kaggle3 features of 3\.00 s segments/);
    expect(shortClipWarning({ recipe: 'kaggle3' }, 3)).toBeUndefined();
    expect(shortClipWarning({ recipe: 'ntnu10' }, 9.9)).toMatch(/10\.0 s segments/);
    expect(shortClipWarning({ recipe: 'ntnu10' }, 10)).toBeUndefined();
    expect(shortClipWarning({ recipe: null }, 0.1)).toBeUndefined();
    expect(shortClipWarning({ recipe: 'my-table' }, 0.1)).toBeUndefined();
  });

  it('a 2 s clip still gets an answer from a kaggle30 k-NN, now with the warning attached', async () => {
    const sr = 22050;
    const clip = (hz: number, sec: number) => Float32Array.from({ length: sr * sec }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / sr));
    const rows = (hz: number, sec: number) => extractRecipe(clip(hz, sec), sr, 'kaggle30').segments;
    const ds = toDataset(
      [
        { fileName: 'low.00000.wav', genre: 'low', segments: rows(220, 3) },
        { fileName: 'low.00001.wav', genre: 'low', segments: rows(247, 3) },
        { fileName: 'high.00000.wav', genre: 'high', segments: rows(1760, 3) },
        { fileName: 'high.00001.wav', genre: 'high', segments: rows(1976, 3) },
      ],
      'kaggle30',
    );
    const knn = fitKnn(ds, Int32Array.from([0, 1, 2, 3]), { k: 1, weights: 'uniform', features: ['spectral_centroid_mean'] });
    const feats = extractRecipe(clip(1800, 2), sr, 'kaggle30');
    const inputs = buildClassifyInputs(knn.spec, { featureNames: feats.featureNames, rows: feats.segments, segmentLengths: feats.segmentLengths });
    const p = withShortClipWarning(summarizePrediction(ds.genres, inputs.units, await knn.predict(inputs)), knn.spec, 2);
    expect(p.voteGenre).toBe('high'); // the answer is still given …
    expect(p.warning).toMatch(/Too short to trust: this clip is 2\.00 s/); // … with the warning
    expect(withShortClipWarning(p, knn.spec, 30).warning).toBeDefined(); // (p already carries one)
    expect('warning' in withShortClipWarning(summarizePrediction(ds.genres, inputs.units, await knn.predict(inputs)), knn.spec, 30)).toBe(false);
  });
});
