import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { majorityVote, meanProbabilityVote, trainEnsemble } from './ensemble';
import { makeSyntheticDataset } from './testData';

describe('ensemble votes (hand-computed)', () => {
  // 3 members, 4 samples, 3 classes.
  const preds = [Int32Array.from([0, 1, 2, 0]), Int32Array.from([0, 2, 1, 1]), Int32Array.from([1, 2, 0, 2])];
  const probs = [
    Float32Array.from([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.2, 0.7, 0.5, 0.3, 0.2]),
    Float32Array.from([0.5, 0.4, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.2, 0.6, 0.2]),
    Float32Array.from([0.3, 0.6, 0.1, 0.1, 0.2, 0.7, 0.7, 0.2, 0.1, 0.3, 0.3, 0.4]),
  ];

  it('majority vote', () => {
    // sample 0: 0,0,1 → 0; sample 1: 1,2,2 → 2; sample 2: 2,1,0 three-way tie → summed
    // probabilities (1.0, 0.9, 1.1) → 2; sample 3: 0,1,2 tie → sums (1.0, 1.2, 0.8) → 1.
    expect(Array.from(majorityVote(preds, 3, probs))).toEqual([0, 2, 2, 1]);
  });

  it('majority vote without probabilities breaks ties to the lowest index', () => {
    expect(Array.from(majorityVote(preds, 3))).toEqual([0, 2, 0, 0]);
  });

  it('mean-probability vote', () => {
    // sums: sample 0 (1.4, 1.3, 0.3) → 0; 1 (0.4, 1.0, 1.6) → 2; 2 (1.0, 0.9, 1.1) → 2; 3 (1.0, 1.2, 0.8) → 1.
    expect(Array.from(meanProbabilityVote(probs, 3))).toEqual([0, 2, 2, 1]);
    // Where votes and probabilities disagree: member 0 is very sure of class 2, two others mildly prefer 0.
    const p = [Float32Array.from([0.0, 0.0, 1.0]), Float32Array.from([0.4, 0.3, 0.3]), Float32Array.from([0.4, 0.3, 0.3])];
    expect(Array.from(meanProbabilityVote(p, 3))).toEqual([2]);
    expect(Array.from(majorityVote([Int32Array.of(2), Int32Array.of(0), Int32Array.of(0)], 3, p))).toEqual([0]);
  });

  it('rejects empty or ragged inputs', () => {
    expect(() => majorityVote([], 3)).toThrow();
    expect(() => majorityVote([Int32Array.of(1), Int32Array.of(1, 2)], 3)).toThrow(/different numbers/);
    expect(() => meanProbabilityVote([], 3)).toThrow();
  });
});

describe('trainEnsemble', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
  });

  it('trains members with distinct derived seeds and reports each, the mean and the votes', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    const seen: number[] = [];
    const r = await trainEnsemble(ds, { kind: 'mlp', seed: 5, members: 3, epochs: 3, hidden: [8], onMember: (i) => void seen.push(i) });
    expect(seen).toEqual([0, 1, 2]);
    expect(new Set(r.members.map((m) => m.seed)).size).toBe(3);
    const mean = r.members.reduce((a, m) => a + m.accuracy, 0) / 3;
    expect(r.meanAccuracy).toBeCloseTo(mean, 12);
    expect(r.majority.n).toBe(r.trackIds.length);
    expect(r.meanProbability.n).toBe(r.trackIds.length);
    expect(r.classifiers).toBeUndefined();
    // One prediction per test track, behind the headline (mean-probability) matrix: every cell's count.
    expect(r.predictions.ids).toEqual(r.trackIds);
    const counted = r.meanProbability.confusion.map((row) => row.map(() => 0));
    r.predictions.yTrue.forEach((t, i) => counted[t]![r.predictions.yPred[i]!]!++);
    expect(counted).toEqual(r.meanProbability.confusion);
    for (const p of r.predictions.probability) expect(p).toBeGreaterThanOrEqual(1 / 3 - 1e-6); // an argmax of 3 genres
  });

  it('trains and tests on an explicit split (one cross-validation fold), not the default one', async () => {
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    // Hold out the tracks whose id ends in 0 or 1 (a fold chosen here, unlike any default split).
    const rows = Array.from({ length: ds.labels.length }, (_, i) => i);
    const held = (r: number) => /[01]$/.test(ds.trackIds[r] as string);
    const test = rows.filter(held);
    const fold = { train: Int32Array.from(rows.filter((r) => !held(r))), test: Int32Array.from(test), kind: 'fold' as const, description: 'fold A' };
    const r = await trainEnsemble(ds, { kind: 'mlp', seed: 2, members: 2, epochs: 2, hidden: [4] }, fold);
    expect(r.splitDescription).toBe('fold A');
    expect([...r.trackIds].sort()).toEqual([...new Set(test.map((t) => ds.trackIds[t] as string))].sort());
  });

  it('stops between members when cancelled', async () => {
    const ds = makeSyntheticDataset({ genres: 2, tracksPerGenre: 6, segments: 2, features: 3 });
    const token = { cancelled: false };
    const r = await trainEnsemble(ds, { kind: 'mlp', seed: 1, members: 4, epochs: 1, hidden: [4], cancel: token, onMember: () => void (token.cancelled = true) });
    expect(r.cancelled).toBe(true);
    expect(r.members).toHaveLength(1);
  });

  it('checkpoints each member at the epochs that set a new best train loss, with the tested weights of that epoch', async () => {
    const tf = await import('@tensorflow/tfjs');
    const ds = makeSyntheticDataset({ genres: 3, tracksPerGenre: 8, segments: 3, features: 4, noise: 2 });
    const before = tf.memory().numTensors;
    const points: { index: number; epoch: number; accuracy: number; epochsSoFar: number }[] = [];
    const histories: number[][] = [];
    const finals: number[] = [];
    await trainEnsemble(ds, {
      kind: 'mlp',
      seed: 3,
      members: 2,
      epochs: 8,
      hidden: [8],
      learningRate: 0.01,
      checkpoint: { everyMs: 0, save: (index, c) => void points.push({ index, epoch: c.train.weightsFromEpoch, accuracy: c.test.evaluation.accuracy, epochsSoFar: c.train.epochsRun }) },
      onMember: (_, s, c) => {
        histories.push(c.train.history.map((h) => h.trainLoss));
        finals.push(s.accuracy);
      },
    });
    let compared = 0;
    for (const index of [0, 1]) {
      // The epochs where the train loss reached a new minimum, worked out here from the history.
      let min = Infinity;
      const expected: number[] = [];
      histories[index]!.forEach((l, e) => {
        if (l < min) {
          min = l;
          expected.push(e + 1);
        }
      });
      const mine = points.filter((p) => p.index === index);
      expect(mine.map((p) => p.epoch)).toEqual(expected);
      // A checkpoint is taken right after its epoch.
      for (const p of mine) expect(p.epochsSoFar).toBe(p.epoch);
      // The member ends with the last epoch's weights: when that epoch was a best one, its checkpoint tested the same weights.
      const last = mine[mine.length - 1]!;
      if (last.epoch === 8) {
        expect(last.accuracy).toBe(finals[index]);
        compared++;
      }
    }
    // Both cases occur with this seed: a member whose every epoch improved, one that did not.
    expect(compared).toBeGreaterThan(0);
    expect(points.length).toBeLessThan(16);
    expect(tf.memory().numTensors).toBe(before);
  });
});
