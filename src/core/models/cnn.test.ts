/**
 * CNN layers in the fast forward pass and the two CNN builders: agreement with tf.layers'
 * model.predict (an independent implementation of the same layers), batch-norm statistics by hand,
 * learning a separable task, save/load through the lab's artifacts, and no tensor leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { buildTorontoCnn, buildVggCnn } from './cnn';
import { batchNormTraining, wrapModel, type Network } from './network';
import { captureArtifacts } from './saved';
import type { TensorData } from './batches';
import { trainNetwork } from './loop';
import { evaluateNetwork } from './predict';
import { maxAbsDiff } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

/** Forward pass (softmax of the logits) and model.predict on the same input. */
function bothPredictions(net: Network, x: tf.Tensor): [Float32Array, Float32Array] {
  return tf.tidy(() => [tf.softmax(net.forward(x, false)).dataSync() as Float32Array, (net.model.predict(x) as tf.Tensor).dataSync() as Float32Array]);
}

/**
 * n images of `size` × `size`: class 0 horizontal stripes (period 4, random phase), class 1
 * vertical stripes, plus Gaussian-ish noise; seeded.
 */
function stripes(n: number, size: number, seed: number): TensorData {
  let s = seed >>> 0;
  const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = new Float32Array(n * size * size);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const phase = Math.floor(rand() * 4);
    y[i] = cls;
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const k = cls === 0 ? r : c;
        x[i * size * size + r * size + c] = (Math.floor((k + phase) / 2) % 2 === 0 ? 1 : -1) + (rand() + rand() - 1) * 0.5;
      }
  }
  return { x, y, sampleShape: [size, size, 1] };
}

describe('CNN layers in the fast forward pass', () => {
  it('Conv2D (same/valid, strides, bias, ReLU/linear), pooling, Flatten, Activation and batch norm agree with model.predict', () => {
    const before = tf.memory().numTensors;
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [11, 9, 2], filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }));
    model.add(tf.layers.batchNormalization({ momentum: 0.8 }));
    model.add(tf.layers.activation({ activation: 'tanh' }));
    model.add(tf.layers.conv2d({ filters: 4, kernelSize: 2, padding: 'valid', useBias: false, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }));
    model.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
    model.add(tf.layers.maxPooling2d({ poolSize: [2, 3], padding: 'valid' }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) }));
    const bn = model.layers[1]!;
    // Non-trivial batch-norm parameters and moving statistics, so a wrong formula shows.
    const bnWeights = [tf.tensor1d([1.5, 0.5, -1]), tf.tensor1d([0.1, -0.2, 0.3]), tf.tensor1d([0.2, -0.1, 0.4]), tf.tensor1d([0.5, 2, 1.3])];
    bn.setWeights(bnWeights);
    tf.dispose(bnWeights);
    const net = wrapModel('cnn-toronto', model);
    const x = tf.randomNormal([3, 11, 9, 2], 0, 1, 'float32', 4);
    const [fast, ref] = bothPredictions(net, x);
    expect(fast.length).toBe(15);
    expect(maxAbsDiff(fast, ref)).toBeLessThan(1e-5);
    x.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("batch norm's closed-form gradients equal the cpu backend's autodiff through the moments (4-D and 2-D inputs), on cpu and on wasm", async () => {
    const plain = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const { mean, variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-3))), g), b);
    };
    const inputs = (shape: number[]) => ({
      x: tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 21), 3), 2),
      g: tf.randomNormal([6], 1, 0.5, 'float32', 22),
      b: tf.randomNormal([6], 0, 1, 'float32', 23),
      r: tf.randomNormal(shape, 0, 1, 'float32', 24),
    });
    const shapes = [[3, 5, 4, 6], [7, 6]];
    await initNodeBackend('cpu');
    const truth = shapes.map((shape) =>
      tf.tidy(() => {
        const { x, g, b, r } = inputs(shape);
        const want = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(plain(a, c, d), r)))([x, g, b]);
        return { value: plain(x, g, b).dataSync(), grads: want.map((w) => w.dataSync()) };
      }),
    );
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      shapes.forEach((shape, k) => {
        tf.tidy(() => {
          const { x, g, b, r } = inputs(shape);
          const got = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => {
            const out = batchNormTraining(a, c, d, 1e-3);
            tf.dispose([out.mean, out.variance]);
            return tf.sum(tf.mul(out.y, r));
          })([x, g, b]);
          const bn = batchNormTraining(x, g, b, 1e-3);
          expect(maxAbsDiff(bn.y.dataSync(), truth[k]!.value), `${backend} ${shape.join('×')} value`).toBeLessThan(1e-5);
          tf.dispose([bn.mean, bn.variance]);
          truth[k]!.grads.forEach((w, i) => {
            const scale = Math.max(...Array.from(w).map(Math.abs));
            expect(maxAbsDiff(got[i]!.dataSync(), w) / scale, `${backend} ${shape.join('×')} gradient ${i}`).toBeLessThan(1e-4);
          });
        });
      });
    }
    // The other tests of this file run on wasm (beforeAll) and may come after this one.
    await initNodeBackend('wasm');
  });

  it('batch norm in training mode normalises by the batch and moves the moving statistics (checked by hand)', () => {
    const model = tf.sequential();
    model.add(tf.layers.batchNormalization({ inputShape: [2, 1, 2], momentum: 0.75, epsilon: 0.01 }));
    model.add(tf.layers.globalAveragePooling2d({}));
    // Identity head, so the logits are the pooled batch-norm output.
    model.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: 'identity', biasInitializer: 'zeros' }));
    const net = wrapModel('cnn-vgg', model);
    // Channel 0 takes 1, 3, 5, 7 (mean 4, biased variance 5); channel 1 takes 2, 2, 2, 6 (mean 3, variance 3).
    const x = tf.tensor4d([1, 2, 3, 2, 5, 2, 7, 6], [2, 2, 1, 2]);
    const logits = net.forward(x, true);
    // (x − mean)/√(var + 0.01) with γ = 1, β = 0, averaged over each sample's two positions:
    // sample 0: channel 0 (1 − 4 + 3 − 4)/2/√5.01, channel 1 (2 − 3 + 2 − 3)/2/√3.01; sample 1 the negatives.
    const a = 2 / Math.sqrt(5.01);
    const b = 1 / Math.sqrt(3.01);
    expect(maxAbsDiff(logits.dataSync(), [-a, -b, a, b])).toBeLessThan(1e-5);
    logits.dispose();
    // The moving statistics are the network's state (what a best-weights snapshot must keep too).
    expect(net.state).toHaveLength(2);
    const [mm, mv] = net.state.map((v) => Array.from(v.dataSync()));
    // moving = 0.75·initial + 0.25·batch, initial mean 0 and variance 1
    expect(mm![0]).toBeCloseTo(0.25 * 4, 6);
    expect(mm![1]).toBeCloseTo(0.25 * 3, 6);
    expect(mv![0]).toBeCloseTo(0.75 + 0.25 * 5, 6);
    expect(mv![1]).toBeCloseTo(0.75 + 0.25 * 3, 6);
    // Inference uses the moving statistics: channel 0 of sample 0 is ((1 + 3)/2 − 1)/√(2 + 0.01).
    const inf = net.forward(x, false);
    expect(inf.dataSync()[0]).toBeCloseTo(1 / Math.sqrt(2.01), 5);
    inf.dispose();
    x.dispose();
    net.dispose();
  });
});

describe('CNN builders', () => {
  it('Toronto CNN and small VGG: forward agrees with model.predict; the layer stack is as described', () => {
    const toronto = buildTorontoCnn({ nBands: 16, nFrames: 20, nClasses: 3, seed: 1 });
    expect(toronto.model.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(toronto.inputShape).toEqual([16, 20, 1]);
    const vgg = buildVggCnn({ nBands: 16, nFrames: 20, nClasses: 3, seed: 1, size: 'desktop' });
    const classes = (net: Network): string[] => net.model.layers.map((l) => l.getClassName());
    expect(vgg.model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.getConfig()['filters'])).toEqual([16, 32, 64, 128]);
    expect(classes(vgg).slice(1, 5)).toEqual(['Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D']);
    expect(classes(vgg).slice(-3)).toEqual(['GlobalAveragePooling2D', 'Dropout', 'Dense']);
    // Residual: 2 convolutions per block plus a 1×1 skip convolution where the channels change (all 4 blocks).
    const res = buildVggCnn({ nBands: 16, nFrames: 20, nClasses: 3, seed: 1, residual: true });
    expect(classes(res).filter((c) => c === 'Conv2D')).toHaveLength(12);
    expect(classes(res).filter((c) => c === 'Add')).toHaveLength(4);
    const x = tf.randomNormal([2, 16, 20, 1], 0, 1, 'float32', 5);
    for (const net of [toronto, vgg, res]) {
      const [fast, ref] = bothPredictions(net, x);
      expect(maxAbsDiff(fast, ref)).toBeLessThan(1e-5);
    }
    // Seeded: the same seed builds the same weights, another seed different ones.
    const again = buildTorontoCnn({ nBands: 16, nFrames: 20, nClasses: 3, seed: 1 });
    const other = buildTorontoCnn({ nBands: 16, nFrames: 20, nClasses: 3, seed: 2 });
    expect(maxAbsDiff(again.variables[0]!.dataSync(), toronto.variables[0]!.dataSync())).toBe(0);
    expect(maxAbsDiff(other.variables[0]!.dataSync(), toronto.variables[0]!.dataSync())).toBeGreaterThan(0);
    tf.dispose(x);
    [toronto, vgg, res, again, other].forEach((n) => n.dispose());
  });

  it('refuses inputs too small for its poolings', () => {
    expect(() => buildVggCnn({ nBands: 8, nFrames: 64, nClasses: 2, seed: 1 })).toThrow(/at least 16 bands/);
  });

  it('both learn horizontal vs vertical stripes, keep predictions (and batch-norm moving statistics) through save/load, and leak nothing', async () => {
    const before = tf.memory().numTensors;
    const train = stripes(64, 16, 1);
    const test = stripes(40, 16, 2);
    for (const build of [
      () => buildTorontoCnn({ nBands: 16, nFrames: 16, nClasses: 2, seed: 3 }),
      () => buildVggCnn({ nBands: 16, nFrames: 16, nClasses: 2, seed: 3, dropout: 0.1 }),
      () => buildVggCnn({ nBands: 16, nFrames: 16, nClasses: 2, seed: 3, dropout: 0.1, residual: true }),
    ]) {
      const net = build();
      const chance = evaluateNetwork(net, test).accuracy;
      await trainNetwork(net, train, { epochs: 12, batchSize: 16, learningRate: 0.01, seed: 4 });
      const acc = evaluateNetwork(net, test).accuracy;
      expect(acc, `${net.kind} test accuracy (before training ${chance})`).toBeGreaterThanOrEqual(0.95);
      if (net.kind === 'cnn-vgg') {
        const mv = net.model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getWeights()[3]!.dataSync();
        expect(Array.from(mv).some((v) => Math.abs(v - 1) > 1e-3), 'moving variance moved away from its initial 1').toBe(true);
      }
      const art = await captureArtifacts(net.model);
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: art.modelTopology, weightSpecs: art.weightSpecs, weightData: art.weightData }));
      const loaded = wrapModel(net.kind, model);
      const x = tf.tensor(test.x, [40, 16, 16, 1]);
      const [a] = bothPredictions(net, x);
      const [b, bPredict] = bothPredictions(loaded, x);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
      expect(maxAbsDiff(b, bPredict)).toBeLessThan(1e-5);
      x.dispose();
      loaded.dispose();
      net.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
