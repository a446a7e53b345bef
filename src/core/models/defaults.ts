/** Training defaults per model kind — a module without tfjs, so the UI can read it cheaply. */
import type { NetworkKind } from './network';

/**
 * Defaults per model, chosen on held-out *training* tracks of the NTNU tables (two 20 % track
 * folds × 4 seeds; the test tracks were not used): dropout 0.5 and label smoothing 0.1 helped the
 * recurrent models by ~1–3 points of validation accuracy, longer schedules did not.
 */
export interface ModelDefaults {
  epochs: number;
  learningRate: number;
  batchSize: number;
  dropout: number;
  labelSmoothing: number;
  mixup: number;
  schedule: 'constant' | 'cosine';
}

export const MODEL_DEFAULTS: Record<NetworkKind, ModelDefaults> = {
  mlp: { epochs: 60, learningRate: 1e-3, batchSize: 32, dropout: 0.3, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
  lstm: { epochs: 40, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
  gru: { epochs: 30, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
  bilstm: { epochs: 25, learningRate: 1e-3, batchSize: 32, dropout: 0.5, labelSmoothing: 0.1, mixup: 0, schedule: 'constant' },
};
