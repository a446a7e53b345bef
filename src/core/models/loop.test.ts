import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { initNodeBackend } from '../../node/tfNode';
import type { SampleSource, TensorData } from './batches';
import { trainNetwork, type TrainProgress } from './loop';
import { buildMlp } from './mlp';
import { evaluateNetwork, predictProbabilities } from './predict';
import { buildSequenceModel } from './sequence';
import { makeBlobs } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('trainNetwork', () => {
  it('warms the learning rate up linearly: the first of 4 warm-up batches steps exactly as lr / 4 does without warm-up', async () => {
    const data = makeBlobs(8, 5);
    // One batch per epoch (8 samples, batch 8), so 4 warm-up epochs are 4 warm-up batches.
    const weightsAfterOneBatch = async (learningRate: number, warmupEpochs?: number) => {
      const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], dropout: 0, seed: 3 });
      const cancel = { cancelled: false };
      await trainNetwork(net, data, { epochs: 4, batchSize: 8, seed: 7, learningRate, warmupEpochs, cancel, onProgress: () => void (cancel.cancelled = true) });
      const w = net.variables.map((v) => Array.from(v.dataSync()));
      net.dispose();
      return w;
    };
    const warm = await weightsAfterOneBatch(0.01, 4);
    expect(warm).toEqual(await weightsAfterOneBatch(0.0025));
    expect(warm).not.toEqual(await weightsAfterOneBatch(0.01));
    await expect(weightsAfterOneBatch(0.01, 5)).rejects.toThrow(/Warm-up must be between 0 and 4 epochs/);
  });

  it('trains bit-identically from a sample source that serves the same rows as a TensorData', async () => {
    const data = makeBlobs(50, 4);
    const per = 4;
    let epochsBegun = 0;
    const source: SampleSource = {
      sampleShape: [per],
      y: data.y,
      beginEpoch: () => void epochsBegun++,
      fill: (idx, from, to, out) => {
        for (let j = 0; j < to - from; j++) out.set(data.x.subarray((idx[from + j] as number) * per, ((idx[from + j] as number) + 1) * per), j * per);
      },
    };
    const run = async (d: TensorData | SampleSource) => {
      const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], dropout: 0.3, seed: 3 });
      const r = await trainNetwork(net, d, { epochs: 3, batchSize: 8, seed: 7, mixup: 0.4, labelSmoothing: 0.1 });
      const w = net.variables.map((v) => Array.from(v.dataSync()));
      net.dispose();
      return { losses: r.history.map((h) => h.trainLoss), w };
    };
    const a = await run(data);
    expect(await run(source)).toEqual(a);
    expect(epochsBegun).toBe(3);
  });

  it('reports epochs and progress with a shrinking ETA, and learns an easy problem', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [16], dropout: 0, seed: 1 });
    const epochs: number[] = [];
    const progress: TrainProgress[] = [];
    const r = await trainNetwork(net, makeBlobs(128, 1), { epochs: 5, batchSize: 16, learningRate: 0.01, seed: 1, validation: makeBlobs(64, 2), onEpoch: (m) => epochs.push(m.epoch), onProgress: (p) => progress.push(p) });
    expect(epochs).toEqual([1, 2, 3, 4, 5]);
    expect(progress).toHaveLength(5 * 8);
    expect(progress.at(-1)!.fraction).toBe(1);
    expect(progress.at(-1)!.etaMs).toBe(0);
    expect(r.history.at(-1)!.valAccuracy).toBeGreaterThan(0.85);
    expect(evaluateNetwork(net, makeBlobs(64, 3)).accuracy).toBeGreaterThan(0.85);
    net.dispose();
  });

  it('is reproducible from its seed', async () => {
    const run = async (seed: number) => {
      const net = buildSequenceModel({ kind: 'gru', steps: 2, nFeatures: 2, nClasses: 2, units: 4, denseUnits: 4, seed: 5 });
      const d = makeBlobs(40, 9);
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
    const r = await trainNetwork(net, makeBlobs(64, 4), {
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
    await expect(trainNetwork(net, makeBlobs(32, 4), { epochs: 3, seed: 1, cancel: { cancelled: true } })).rejects.toBeInstanceOf(CancelledError);
    net.dispose();
  });

  it('stops early on a stalled validation loss and restores the best weights', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [32], dropout: 0, seed: 2 });
    // Validation labels are random: val loss stops improving quickly.
    const val = makeBlobs(32, 8);
    val.y = Int32Array.from(val.y, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const r = await trainNetwork(net, makeBlobs(64, 4), { epochs: 200, batchSize: 8, learningRate: 0.02, seed: 3, validation: val, earlyStopping: { patience: 3 } });
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
    const val = makeBlobs(64, 8);
    val.y = Int32Array.from(val.y, (c, i) => (i % 4 === 0 ? 1 - c : c));
    const saves: { best: number; at: number; loss: number }[] = [];
    // A clock of our own: each epoch "takes" 20 ms whatever the machine's load.
    let clock = 0;
    const r = await trainNetwork(net, makeBlobs(16, 4), {
      epochs: 40,
      batchSize: 8,
      learningRate: 0.003,
      seed: 3,
      validation: val,
      // Each epoch takes 20 ms on that clock, so checkpoints come every 8 epochs at most: the first while the
      // validation loss still falls (≤ epoch 8), the next well after its minimum (epoch 9).
      onEpoch: () => void (clock += 20),
      checkpoint: { everyMs: 150, now: () => clock, save: (best, history) => void saves.push({ best, at: history.length, loss: evaluateNetwork(net, val).loss }) },
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

  it('ends with the mean of the last k epochs\' weights when averaging (SWA)', async () => {
    const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [8], seed: 4 });
    const snaps: number[][] = [];
    await trainNetwork(net, makeBlobs(48, 5), {
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

  it('learns with mixup and a cosine schedule, reproducibly, and mixup changes the run', async () => {
    const run = async (mixup: number) => {
      const net = buildMlp({ nFeatures: 4, nClasses: 2, hidden: [16], dropout: 0, seed: 1 });
      const r = await trainNetwork(net, makeBlobs(128, 1), { epochs: 6, batchSize: 16, learningRate: 0.01, seed: 3, mixup, schedule: 'cosine' });
      const acc = evaluateNetwork(net, makeBlobs(64, 3)).accuracy;
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
    await expect(trainNetwork(net, makeBlobs(8, 1), { epochs: 1, seed: 1 })).rejects.toThrow(/expects 3/);
    net.dispose();
  });
});
