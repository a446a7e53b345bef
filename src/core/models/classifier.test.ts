import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { trainClassifier } from './classifier';
import { makeSyntheticDataset } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('trainClassifier', () => {
  it('leaves no tensors behind after train + predict + dispose, three times', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4 });
    await tf.ready();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const kind = (['lstm', 'mlp', 'bilstm'] as const)[i]!;
      const c = await trainClassifier(ds, { kind, seed: i, epochs: 2, units: 8, hidden: [8], validationFraction: 0.25, earlyStopping: { patience: 1 } });
      expect(c.test.evaluation.n).toBeGreaterThan(0);
      c.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });
});
