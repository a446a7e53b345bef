import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { initNodeBackend } from '../../node/tfNode';
import { trainClassifier } from './classifier';
import { makeSyntheticDataset } from './testData';
import { evaluateNetwork, learningRateAt, predictProbabilities, trainNetwork, type TensorData, type TrainOptions, type TrainProgress } from './train';
import { buildMlp } from './mlp';
import { buildSequenceModel } from './sequence';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

function blobs(n: number, seed: number): TensorData {
  // Two classes separated along feature 0.
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r() + (j === 0 ? (i % 2 ? 1.5 : -1.5) : 0);
  }
  return { x, y, sampleShape: [4] };
}

describe('trainNetwork', () => {
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

  it('reports epochs and progress with a shrinking ETA, and learns an easy problem', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [16], dropout: 0, seed: 1 });
    const epochs: number[] = [];
    const progress: TrainProgress[] = [];
    const r = await trainNetwork(net, blobs(128, 1), { epochs: 5, batchSize: 16, learningRate: 0.01, seed: 1, validation: blobs(64, 2), onEpoch: (m) => epochs.push(m.epoch), onProgress: (p) => progress.push(p) });
    expect(epochs).toEqual([1, 2, 3, 4, 5]);
    expect(progress).toHaveLength(5 * 8);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.at(-1)!.etaMs).toBe(0);
    expect(r.history.at(-1)!.valAccuracy).toBeGreaterThan(0.85);
    expect(evaluateNetwork(net, blobs(64, 3)).accuracy).toBeGreaterThan(0.85);
    net.dispose();
  });

  it('is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const net = buildSequenceModel({ kind: 'gru', steps: 2, nFeatures: 2, nClasses: 2, units: 4, denseUnits: 4, seed: 5 });
      const d = blobs(40, 9);
      const data: TensorData = { x: d.x, y: d.y, sampleShape: [2, 2] };
      await trainNetwork(net, data, { epochs: 2, batchSize: 8, seed });
      const p = Array.from(predictProbabilities(net, data));
      net.dispose();
      return p;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('cancels within one batch and keeps the best epoch weights', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], dropout: 0, seed: 2 });
    const token = { cancelled: false };
    let batches = 0;
    let snapshotAfterEpoch2: number[] = [];
    const r = await trainNetwork(net, blobs(64, 4), {
      epochs: 50,
      batchSize: 8,
      seed: 3,
      cancel: token,
      onEpoch: (m) => {
        if (m.epoch === 2) snapshotAfterEpoch2 = net.variables.flatMap((v) => Array.from(v.dataSync()));
      },
      onProgress: (p) => {
        batches++;
        if (p.epoch === 3 && p.batch === 3) token.cancelled = true;
      },
    });
    expect(r.cancelled).toBe(true);
    expect(batches).toBe(2 * 8 + 3); // no batch ran after the flag flipped
    expect(r.epochsRun).toBe(2);
    // Train loss falls on this problem, so the best completed epoch is the 2nd: its weights are back.
    expect(r.weightsFromEpoch).toBe(2);
    expect(net.variables.flatMap((v) => Array.from(v.dataSync()))).toEqual(snapshotAfterEpoch2);
    net.dispose();
  });

  it('throws CancelledError when cancelled before any epoch finished', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], seed: 2 });
    await expect(trainNetwork(net, blobs(32, 4), { epochs: 3, seed: 1, cancel: { cancelled: true } })).rejects.toBeInstanceOf(CancelledError);
    net.dispose();
  });

  it('stops early on a stalled validation loss and restores the best weights', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [32], dropout: 0, seed: 2 });
    // Validation labels are random: val loss stops improving quickly.
    const val = blobs(32, 8);
    val.y = Int32Array.from(val.y, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const r = await trainNetwork(net, blobs(64, 4), { epochs: 200, batchSize: 8, learningRate: 0.02, seed: 3, validation: val, earlyStopping: { patience: 3 } });
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochsRun).toBeLessThan(200);
    const best = r.history.reduce((b, h) => (h.valLoss! < b.valLoss! ? h : b));
    expect(r.weightsFromEpoch).toBe(best.epoch);
    expect(evaluateNetwork(net, val).loss).toBeCloseTo(best.valLoss!, 4);
    net.dispose();
  });

  it('checkpoints the best weights so far, even when the best epoch lies behind, and carries on from the current ones', async () => {
    const before = tf.memory().numTensors;
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [32], dropout: 0, seed: 2 });
    // A quarter of the validation labels flipped, few training samples: the validation loss falls,
    // then rises as the network overfits, so the best epoch comes to lie behind.
    const val = blobs(64, 8);
    val.y = Int32Array.from(val.y, (c, i) => (i % 4 === 0 ? 1 - c : c));
    const saves: { best: number; at: number; loss: number }[] = [];
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const r = await trainNetwork(net, blobs(16, 4), {
      epochs: 40,
      batchSize: 8,
      learningRate: 0.003,
      seed: 3,
      validation: val,
      // Each epoch takes ≥ 20 ms, so checkpoints come at most every 8 epochs: the first while the
      // validation loss still falls (≤ epoch 8), the next well after its minimum (epoch 9).
      onEpoch: () => busy(20),
      checkpoint: { everyMs: 150, save: (best, history) => void saves.push({ best, at: history.length, loss: evaluateNetwork(net, val).loss }) },
    });
    const valLoss = r.history.map((h) => h.valLoss!);
    expect(saves.length).toBeGreaterThan(0);
    let bestSoFar = 0;
    for (const sv of saves) {
      // The best epoch up to this point, worked out here from the recorded losses …
      const upTo = valLoss.slice(0, sv.at);
      const best = upTo.indexOf(Math.min(...upTo)) + 1;
      expect(sv.best).toBe(best);
      // … and the network held exactly that epoch's weights while saving.
      expect(sv.loss).toBeCloseTo(valLoss[best - 1]!, 4);
      // A checkpoint only when there is a newer best than the last one saved.
      expect(best).toBeGreaterThan(bestSoFar);
      bestSoFar = best;
    }
    expect(saves.some((sv) => sv.best < sv.at)).toBe(true);
    // Training went on from its own weights: the network ends with the last epoch's.
    expect(r.weightsFromEpoch).toBe(40);
    expect(evaluateNetwork(net, val).loss).toBeCloseTo(valLoss[39]!, 4);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('distillation targets blend labels and teacher probabilities: toward uniform it is label smoothing, toward the labels it changes nothing', async () => {
    const data = blobs(48, 5);
    const k = 2;
    const weightsAfter = async (extra: Partial<TrainOptions>, soft?: Float32Array) => {
      const net = buildMlp({ nFeatures: 4, nClasses: k, hidden: [8], dropout: 0, seed: 4 });
      await trainNetwork(net, { ...data, soft }, { epochs: 3, batchSize: 16, learningRate: 0.01, seed: 9, ...extra });
      const w = net.variables.map((v) => Array.from(v.dataSync()));
      net.dispose();
      return w.flat();
    };
    const oneHot = new Float32Array(data.y.length * k);
    data.y.forEach((c, i) => (oneHot[i * k + c] = 1));
    const uniform = new Float32Array(data.y.length * k).fill(1 / k);
    // (1 − w)·onehot + w·(1/k) is label smoothing with ε = w.
    const smoothed = await weightsAfter({ labelSmoothing: 0.3 });
    const distilledUniform = await weightsAfter({ distillWeight: 0.3 }, uniform);
    distilledUniform.forEach((v, i) => expect(v).toBeCloseTo(smoothed[i]!, 5));
    // A teacher that repeats the labels leaves the targets as they were.
    const plain = await weightsAfter({});
    const distilledLabels = await weightsAfter({ distillWeight: 0.5 }, oneHot);
    distilledLabels.forEach((v, i) => expect(v).toBeCloseTo(plain[i]!, 5));
    expect(Math.max(...plain.map((v, i) => Math.abs(v - smoothed[i]!)))).toBeGreaterThan(1e-3);
    await expect(weightsAfter({}, new Float32Array(3))).rejects.toThrow(/Teacher probabilities/);
  });

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

  it('ends with the mean of the last k epochs\' weights when averaging (SWA)', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], seed: 4 });
    const snaps: number[][] = [];
    await trainNetwork(net, blobs(48, 5), {
      epochs: 4,
      batchSize: 8,
      seed: 2,
      inputNoise: 0.1,
      averageLastEpochs: 2,
      onEpoch: (m) => {
        if (m.epoch >= 3) snaps.push(net.variables.flatMap((v) => Array.from(v.dataSync())));
      },
    });
    const final = net.variables.flatMap((v) => Array.from(v.dataSync()));
    expect(snaps).toHaveLength(2);
    final.forEach((w, i) => expect(w).toBeCloseTo((snaps[0]![i]! + snaps[1]![i]!) / 2, 5));
    expect(snaps[0]).not.toEqual(snaps[1]);
    net.dispose();
  });

  it('follows the cosine schedule: lr at step 0, lr/2 half-way, → 0 at the end', () => {
    expect(learningRateAt('cosine', 0.01, 0, 100)).toBeCloseTo(0.01, 12);
    expect(learningRateAt('cosine', 0.01, 50, 100)).toBeCloseTo(0.005, 12);
    expect(learningRateAt('cosine', 0.01, 25, 100)).toBeCloseTo(0.01 * (0.5 + Math.SQRT1_2 / 2), 12);
    expect(learningRateAt('cosine', 0.01, 99, 100)).toBeCloseTo(0.01 * 0.5 * (1 - Math.cos(Math.PI / 100)), 12);
    expect(learningRateAt('constant', 0.01, 99, 100)).toBe(0.01);
  });

  it('learns with mixup and a cosine schedule, reproducibly, and mixup changes the run', async () => {
    const run = async (mixup: number) => {
      const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [16], dropout: 0, seed: 1 });
      const r = await trainNetwork(net, blobs(128, 1), { epochs: 6, batchSize: 16, learningRate: 0.01, seed: 3, mixup, schedule: 'cosine' });
      const acc = evaluateNetwork(net, blobs(64, 3)).accuracy;
      const w = Array.from(net.variables[0]!.dataSync());
      net.dispose();
      return { acc, w, loss: r.history.at(-1)!.trainLoss };
    };
    const a = await run(0.4);
    const b = await run(0.4);
    const plain = await run(0);
    expect(a.acc).toBeGreaterThan(0.85);
    expect(a.w).toEqual(b.w);
    expect(a.w).not.toEqual(plain.w);
    // Mixed targets are soft, so the training loss stays above the plain run's.
    expect(a.loss).toBeGreaterThan(plain.loss);
  });

  it('rejects data that does not fit the model', async () => {
    const net = buildMlp({ nFeatures: 3, nClasses: 2, seed: 1 });
    await expect(trainNetwork(net, blobs(8, 1), { epochs: 1, seed: 1 })).rejects.toThrow(/expects 3/);
    net.dispose();
  });
});
