/**
 * Grad-CAM on tiny networks with fixed weights, where the class-activation map is computable by
 * hand; and on the small VGG, that a batch of crops gives each crop its own map.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { buildVggCnn } from './cnn';
import { gradCamMaps, gradCamOverCrops, lastFeatureMapLayer } from './gradCam';
import { wrapModel } from './network';
import { maxAbsDiff } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

// A 4 × 6 "spectrogram" with both signs.
const X = [
  [1, -2, 3, 0, -1, 2],
  [0, 4, -3, 1, 5, -4],
  [-1, 2, 0, -2, 1, 3],
  [2, -5, 1, 6, -2, 0],
];
const flat = Float32Array.from(X.flat());

describe('gradCamMaps', () => {
  it('1×1 conv → global average pool → dense: the map is ReLU(x · Σ_k V[k,c]·w_k / (h·w)) (CAM, Zhou et al. 2016)', () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [4, 6, 1], filters: 2, kernelSize: 1, useBias: false }));
    model.add(tf.layers.globalAveragePooling2d({}));
    model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    // w = [1, −2]; V = [[0.5, 1, −1], [0.25, −1, 0.5]], biases 0.1, 0.2, 0.3 (a bias moves no gradient).
    model.layers[0]!.setWeights([tf.tensor4d([1, -2], [1, 1, 1, 2])]);
    model.layers[2]!.setWeights([tf.tensor2d([0.5, 1, -1, 0.25, -1, 0.5], [2, 3]), tf.tensor1d([0.1, 0.2, 0.3])]);
    const net = wrapModel('cnn-toronto', model);
    expect(lastFeatureMapLayer(net)).toBe(0);
    const before = tf.memory().numTensors;
    // Class 1: (1·1 + (−1)·(−2)) / 24 = 0.125 → ReLU(0.125·x). Class 2: (−1·1 + 0.5·(−2)) / 24 = −1/12 → ReLU(−x/12).
    expect(maxAbsDiff(gradCamMaps(net, flat, 4, 6, 1), X.flat().map((v) => Math.max(0, 0.125 * v)))).toBeLessThan(1e-6);
    expect(maxAbsDiff(gradCamMaps(net, flat, 4, 6, 2), X.flat().map((v) => Math.max(0, -v / 12)))).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('conv → max-pool 2 → flatten → dense: the pooled map, each cell over its 2 × 2 block', () => {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [4, 6, 1], filters: 1, kernelSize: 1, useBias: false }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
    model.layers[0]!.setWeights([tf.tensor4d([1], [1, 1, 1, 1])]);
    // Column 0 of V has mean 1, column 1 mean −0.5.
    model.layers[3]!.setWeights([tf.tensor2d([1, -1, 2, -1, 3, 0, -1, 0, 0, 0, 1, -1], [6, 2]), tf.zeros([2])]);
    const net = wrapModel('cnn-toronto', model);
    expect(lastFeatureMapLayer(net)).toBe(1);
    // The 2 × 2 block maxima of X: [[4, 3, 5], [2, 6, 3]]; α = 1 → the map is those maxima, spread over their blocks.
    const P = [
      [4, 3, 5],
      [2, 6, 3],
    ];
    const want = X.map((row, b) => row.map((_, t) => P[Math.floor(b / 2)]![Math.floor(t / 2)]!)).flat();
    expect(maxAbsDiff(gradCamMaps(net, flat, 4, 6, 0), want)).toBeLessThan(1e-6);
    // α = −0.5 on positive maxima: nothing pushes towards class 1.
    expect(gradCamMaps(net, flat, 4, 6, 1).every((v) => v === 0)).toBe(true);
    net.dispose();
  });

  it('on the small VGG, crops in one batch get the maps they get alone', () => {
    const net = buildVggCnn({ nBands: 32, nFrames: 32, nClasses: 4, seed: 1 });
    const crops = tf.tidy(() => tf.randomNormal([3, 32, 32, 1], 0, 1, 'float32', 9).dataSync() as Float32Array);
    const all = gradCamMaps(net, crops, 32, 32, 2);
    const per = 32 * 32;
    for (let c = 0; c < 3; c++) expect(maxAbsDiff(all.subarray(c * per, (c + 1) * per), gradCamMaps(net, crops.subarray(c * per, (c + 1) * per), 32, 32, 2))).toBeLessThan(1e-5);
    expect(all.some((v) => v > 0)).toBe(true);
    expect(() => gradCamMaps(net, crops, 32, 32, 4)).toThrow(/not one of/);
    net.dispose();
  });

  it('over crops: the maps side by side on the clip grid, an ensemble averaged map by map', async () => {
    const model = (w: number) => {
      const m = tf.sequential();
      m.add(tf.layers.conv2d({ inputShape: [4, 3, 1], filters: 1, kernelSize: 1, useBias: false }));
      m.add(tf.layers.globalAveragePooling2d({}));
      m.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
      m.layers[0]!.setWeights([tf.tensor4d([w], [1, 1, 1, 1])]);
      m.layers[2]!.setWeights([tf.tensor2d([1.2, -1], [1, 2]), tf.zeros([2])]);
      return wrapModel('cnn-toronto', m);
    };
    // Two 4 × 3 crops: the left and right halves of X. Member maps ReLU(x·w·1.2/12): w = 1 and w = 3 average to ReLU(0.2·x).
    const crop = (c: number) => X.flatMap((row) => row.slice(3 * c, 3 * c + 3));
    const x = Float64Array.from([...crop(0), ...crop(1)]);
    const nets = [model(1), model(3)];
    const grid = await gradCamOverCrops(nets, { x, sampleShape: [4, 3, 1] }, 0);
    // Frame f of the grid is frame f of the clip: X itself, band-major over 6 frames.
    expect(maxAbsDiff(grid, X.flat().map((v) => Math.max(0, 0.2 * v)))).toBeLessThan(1e-6);
    nets.forEach((n) => n.dispose());
  });

  it('refuses a model without feature maps', () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax' }));
    expect(() => lastFeatureMapLayer(wrapModel('mlp', model))).toThrow(/occlusion/);
  });
});
