import { describe, expect, it } from 'vitest';
import { LabError } from '../errors';
import { resolveTrainingSettings } from './settings';

// Expected records written out by hand from the registry's table (registry.ts) and
// DEFAULT_DISTILL_WEIGHT = 0.9 (defaults.ts), not computed from them.
describe('resolveTrainingSettings', () => {
  it('fills in the LSTM defaults', () => {
    expect(resolveTrainingSettings({ kind: 'lstm' })).toStrictEqual({ epochs: 40, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' });
  });

  it('keeps the MLP overrides, zeros included, and fills the rest from the MLP defaults', () => {
    expect(resolveTrainingSettings({ kind: 'mlp', epochs: 5, learningRate: 0.01, dropout: 0, labelSmoothing: 0, mixup: 0.4, schedule: 'cosine' })).toStrictEqual({
      epochs: 5,
      learningRate: 0.01,
      batchSize: 32,
      dropout: 0,
      labelSmoothing: 0,
      mixup: 0.4,
      schedule: 'cosine',
    });
    expect(resolveTrainingSettings({ kind: 'mlp' })).toStrictEqual({ epochs: 60, learningRate: 1e-3, batchSize: 32, dropout: 0.3, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' });
  });

  it('records distillation: the teachers, and the weight (default 0.9)', () => {
    expect(resolveTrainingSettings({ kind: 'lstm', epochs: 2, distill: { teachers: 4 } })).toStrictEqual({
      epochs: 2,
      learningRate: 1e-3,
      batchSize: 32,
      dropout: 0.5,
      labelSmoothing: 0.1,
      mixup: 0,
      schedule: 'constant',
      distillTeachers: 4,
      distillWeight: 0.9,
    });
    expect(resolveTrainingSettings({ kind: 'mlp', batchSize: 16, distill: { teachers: 2, weight: 0.5 } })).toStrictEqual({
      epochs: 60,
      learningRate: 1e-3,
      batchSize: 16,
      dropout: 0.3,
      labelSmoothing: 0.1,
      mixup: 0,
      schedule: 'constant',
      distillTeachers: 2,
      distillWeight: 0.5,
    });
  });

  it('rejects a kind that is not neural, naming the neural ones', () => {
    expect(() => resolveTrainingSettings({ kind: 'knn' })).toThrow(LabError);
    expect(() => resolveTrainingSettings({ kind: 'knn' })).toThrow(/neural: mlp, lstm, gru, bilstm/);
  });
});
