import { scalerAffine } from './inputSpec';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { createRng } from '../random';
import { fitKnnWithNeighbours, fitLogistic, type Classifier } from './classifiers';
import { describeNeighbours, occlusionEffects } from './explain';
import { INPUT_SPEC_VERSION, type InputSpec } from './inputSpec';

const spec = (featureNames: string[], input: InputSpec['input'] = 'feature-rows', steps = 1): InputSpec => ({
  version: INPUT_SPEC_VERSION,
  input,
  recipe: null,
  recipeVersion: null,
  featureNames,
  scaler: { kind: 'zscore', mean: featureNames.map(() => 0), std: featureNames.map(() => 1) },
  genres: ['a', 'b'],
  steps,
} as InputSpec);

/** P(a) = sigmoid(sum of feature `used` over the sample's values); reads no other feature. */
function oneFeatureModel(names: string[], used: number, s = spec(names)): Classifier {
  const d = names.length;
  return {
    kind: 'test',
    spec: s,
    predict: async ({ x, sampleShape }) => {
      const per = sampleShape.reduce((a, b) => a * b, 1);
      const n = x.length / per;
      const out = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let t = 0; t < per / d; t++) z += x[i * per + t * d + used]!;
        out[i * 2] = 1 / (1 + Math.exp(-z));
        out[i * 2 + 1] = 1 - out[i * 2]!;
      }
      return out;
    },
    dispose: () => undefined,
  };
}

describe('occlusion: the features that moved a prediction', () => {
  it('a model that reads only one feature ranks it first, by the hand-computed change; the others move nothing', async () => {
    const m = oneFeatureModel(['f0', 'f1', 'f2'], 1);
    const r = await occlusionEffects(m, { x: Float64Array.of(5, 2, -3), sampleShape: [3] });
    expect(r.classIndex).toBe(0); // sigmoid(2) > 0.5
    const s2 = 1 / (1 + Math.exp(-2)); // 0.880797…
    expect(r.baseProbability).toBeCloseTo(s2, 12);
    expect(r.effects[0]).toEqual({ feature: 'f1', change: expect.closeTo(s2 - 0.5, 12) });
    expect(r.effects.slice(1).map((e) => e.change)).toEqual([0, 0]);
    expect(r.effects.slice(1).map((e) => e.feature)).toEqual(['f0', 'f2']);
  });

  it('explains the asked class over all samples of a track (mean probability), sequences at every step', async () => {
    const names = ['u', 'v'];
    const m = oneFeatureModel(names, 0, spec(names, 'segment-sequences', 2));
    // Two samples of 2 steps × 2 features: sums of u are 1 + 1 = 2 and 0 + 0 = 0.
    const r = await occlusionEffects(m, { x: Float64Array.of(1, 9, 1, 9, 0, 9, 0, 9), sampleShape: [2, 2] }, 1);
    const base = ((1 - 1 / (1 + Math.exp(-2))) + 0.5) / 2; // P(b) per sample: 0.1192…, 0.5
    expect(r.baseProbability).toBeCloseTo(base, 12);
    // u at 0 everywhere: P(b) = 0.5 for both → change = base − 0.5 (negative: u pushed away from b)
    expect(r.effects[0]!.feature).toBe('u');
    expect(r.effects[0]!.change).toBeCloseTo(base - 0.5, 12);
  });

  it('a fitted logistic regression on one informative feature (and one of noise) ranks the informative one first', async () => {
    const rng = createRng(3);
    const n = 80;
    const values = new Float64Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      values[i * 2] = rng(); // noise
      values[i * 2 + 1] = (i % 2 ? 3 : -3) + rng();
    }
    const ds = { id: 'x', name: 'x', format: 'generic', featureNames: ['noise', 'signal'], nRows: n, values, labels, genres: ['a', 'b'], trackIds: Array.from({ length: n }, (_, i) => `t${i}`), segmentIndex: new Int32Array(n), rowKeys: [], meta: {} } as Dataset;
    const model = fitLogistic(ds, Array.from({ length: n }, (_, i) => i));
    const sc = scalerAffine(model.spec.scaler);
    const z = (v: number, j: number) => (v - sc.mean[j]!) / sc.std[j]!;
    const r = await occlusionEffects(model, { x: Float64Array.of(z(0.5, 0), z(3.5, 1)), sampleShape: [2] });
    expect(r.classIndex).toBe(1);
    expect(r.effects[0]!.feature).toBe('signal');
    expect(r.effects[0]!.change).toBeGreaterThan(0.3);
  });

  it('k-NN lists the dataset rows behind its answer', async () => {
    const ds = { id: 'k', name: 'k', format: 'generic', featureNames: ['x'], nRows: 4, values: Float64Array.of(0, 2, 10, 12), labels: Int32Array.of(0, 0, 1, 1), genres: ['a', 'b'], trackIds: ['p', 'q', 'r', 's'], segmentIndex: new Int32Array(4), rowKeys: [], meta: {} } as Dataset;
    // Fitted on rows 1, 2, 3 only (row 0 left out, as Classify leaves out the track itself).
    const knn = fitKnnWithNeighbours(ds, [1, 2, 3], { k: 2, weights: 'uniform' });
    const sc = scalerAffine(knn.spec.scaler);
    const z = (v: number) => (v - sc.mean[0]!) / sc.std[0]!;
    // Raw 9: nearest 10 (row 2, distance 1 raw), then 12 (row 3, 3 raw).
    const [nb] = knn.neighbours({ x: Float64Array.of(z(9)), sampleShape: [1] });
    expect(nb!.map((n) => n.row)).toEqual([2, 3]);
    expect(nb![0]!.distance).toBeCloseTo(1 / sc.std[0]!, 12);
    const [named] = describeNeighbours({ ...ds, rowKeys: ['p.wav', 'q.wav', 'r.wav', 's.wav'] }, [nb!]);
    expect(named!.map((n) => [n.id, n.trackId, n.genre, n.weight])).toEqual([
      ['r.wav', 'r', 'b', 0.5],
      ['s.wav', 's', 'b', 0.5],
    ]);
  });

  it('refuses a spectrogram model', async () => {
    const m = oneFeatureModel(['a'], 0, { ...spec(['a']), input: 'spectrogram-crops' } as unknown as InputSpec);
    await expect(occlusionEffects(m, { x: Float64Array.of(1), sampleShape: [1] })).rejects.toThrow(/reads spectrogram-crops/);
  });
});
