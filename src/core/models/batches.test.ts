import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { createRng, randomBeta, shuffleInPlace } from '../random';
import { gatherBatch, planMixup, type TensorData } from './batches';
import { trainNetwork, type TrainOptions } from './loop';
import { buildMlp } from './mlp';
import { makeBlobs } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('training targets', () => {
  // Three samples of 2 features, 3 classes; the expected targets are worked out by hand.
  const data: TensorData = {
    x: Float32Array.from([1, 2, 3, 4, 5, 6]),
    y: Int32Array.from([1, 0, 2]),
    sampleShape: [2],
    soft: Float32Array.from([0.2, 0.2, 0.6, 1, 0, 0, 0, 0.5, 0.5]),
  };
  const read = (b: { x: { dataSync(): ArrayLike<number>; dispose(): void }; y: { dataSync(): ArrayLike<number>; dispose(): void } }) => {
    const out = { x: Array.from(b.x.dataSync()), y: Array.from(b.y.dataSync()) };
    b.x.dispose();
    b.y.dispose();
    return out;
  };

  it('gathers samples in the given order with smoothed, distilled and mixed targets', () => {
    // Samples 2 then 0; ε = 0.3: true class 1 − 0.3 + 0.1 = 0.8, others 0.1.
    const smoothed = read(gatherBatch(data, [2, 0, 1], 0, 2, 3, 0.3));
    expect(smoothed.x).toEqual([5, 6, 1, 2]);
    [0.1, 0.1, 0.8, 0.1, 0.8, 0.1].forEach((v, i) => expect(smoothed.y[i]).toBeCloseTo(v, 6));
    // Distilled with w 0.5: ½·(0.1, 0.1, 0.8) + ½·(0, 0.5, 0.5) = (0.05, 0.3, 0.65); ½·(0.1, 0.8, 0.1) + ½·(0.2, 0.2, 0.6) = (0.15, 0.5, 0.35).
    const distilled = read(gatherBatch(data, [2, 0, 1], 0, 2, 3, 0.3, undefined, 0.5));
    [0.05, 0.3, 0.65, 0.15, 0.5, 0.35].forEach((v, i) => expect(distilled.y[i]).toBeCloseTo(v, 6));
    // Mixup λ 0.25, partners swapped: x₀ = 0.25·(5, 6) + 0.75·(1, 2) = (2, 3), x₁ = (4, 5); no smoothing.
    const mixed = read(gatherBatch(data, [2, 0, 1], 0, 2, 3, 0, { lambda: 0.25, partner: Int32Array.from([1, 0]) }));
    [2, 3, 4, 5].forEach((v, i) => expect(mixed.x[i]).toBeCloseTo(v, 6));
    [0, 0.75, 0.25, 0, 0.25, 0.75].forEach((v, i) => expect(mixed.y[i]).toBeCloseTo(v, 6));
  });

  it('draws a mixup plan as the loop always has: the partner shuffle first, then λ ~ Beta(α, α)', () => {
    const plan = planMixup(createRng(7), 5, 0.4);
    const rng = createRng(7);
    const partner = shuffleInPlace([0, 1, 2, 3, 4], rng);
    expect(Array.from(plan.partner)).toEqual(partner);
    expect(plan.lambda).toBe(randomBeta(rng, 0.4, 0.4));
    expect([...plan.partner].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('distillation targets blend labels and teacher probabilities: toward uniform it is label smoothing, toward the labels it changes nothing', async () => {
    const data = makeBlobs(48, 5);
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
});
