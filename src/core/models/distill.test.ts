import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { trainClassifier } from './classifier';
import { makeSyntheticDataset } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('distillation (teachers, then the student)', () => {
  it('a distilled classifier trains its teachers first, reports the stages in order, and leaves no tensors', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    await tf.ready();
    const start = tf.memory().numTensors;
    const seen: { stage?: string; fraction: number }[] = [];
    const epochs: string[] = [];
    const c = await trainClassifier(ds, {
      kind: 'lstm',
      seed: 1,
      epochs: 2,
      units: 8,
      validationFraction: 0.25,
      distill: { teachers: 2 },
      onProgress: (p) => seen.push({ stage: p.stage, fraction: p.fraction }),
      onEpoch: (m) => epochs.push(`${m.stage} ${m.epoch}`),
    });
    const stages = seen.map((p) => p.stage).filter((x, i, a) => x !== a[i - 1]);
    expect(stages).toEqual(['teacher 1 of 2', 'teacher 2 of 2', 'student']);
    // Three trainings of equal length: each a third of the bar, which only moves forward.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThanOrEqual(seen[i - 1]!.fraction);
    expect(seen.find((p) => p.stage === 'student')!.fraction).toBeGreaterThan(2 / 3 - 1e-9);
    expect(seen[seen.length - 1]!.fraction).toBeCloseTo(1, 9);
    // Every epoch is reported with its stage, for the live curves.
    expect(epochs).toEqual(['teacher 1 of 2 1', 'teacher 1 of 2 2', 'teacher 2 of 2 1', 'teacher 2 of 2 2', 'student 1', 'student 2']);
    expect(c.split.validationTracks).toBeGreaterThan(0);
    c.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a distilled classifier checkpoints its teachers (marked as teachers), then the student', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    const marks: string[] = [];
    const c = await trainClassifier(ds, {
      kind: 'mlp',
      seed: 2,
      epochs: 2,
      hidden: [8],
      learningRate: 0.01,
      distill: { teachers: 2 },
      checkpoint: { everyMs: 0, save: (m) => void marks.push(m.teacherOf ?? 'student') },
    });
    c.dispose();
    expect(marks.filter((x, i, a) => x !== a[i - 1])).toEqual(['teacher 1 of 2', 'teacher 2 of 2', 'student']);
  });

  it('a distilled classifier cancelled while a teacher trains returns that teacher, marked as such', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    await tf.ready();
    const start = tf.memory().numTensors;
    const token = { cancelled: false };
    const c = await trainClassifier(ds, {
      kind: 'mlp',
      seed: 1,
      epochs: 4,
      hidden: [8],
      distill: { teachers: 3 },
      cancel: token,
      onProgress: (p) => {
        if (p.stage === 'teacher 2 of 3' && p.epoch === 2) token.cancelled = true;
      },
    });
    expect(c.train.cancelled).toBe(true);
    expect(c.train.cancelledIn).toBe('teacher 2 of 3');
    expect(c.train.weightsFromEpoch).toBe(1);
    c.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
