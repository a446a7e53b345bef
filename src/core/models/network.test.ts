import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { buildMlp } from './mlp';
import { gruFused, gruLast, lstmFused, lstmLast, matMulFast, wrapModel } from './network';
import { buildSequenceModel } from './sequence';
import { maxAbsDiff } from './testData';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('fast forward pass', () => {
  it('layer normalisation (the BiLSTM\'s) gives the hand-computed values: (x − mean) / √(var + ε) · γ + β per sample', () => {
    // Row [1, 2, 3, 4]: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
    // √(1.25 + 1e-5) = 1.1180384608, so (x − 2.5) / 1.1180384608 = [−1.3416340, −0.4472113, 0.4472113, 1.3416340];
    // with γ = [1, 2, 1, 0.5], β = [0, 0, 1, −1]: [−1.3416340, −0.8944227, 1.4472113, −0.3291830].
    // Row [2, 2, 2, 2]: variance 0, so ε keeps it finite and the output is β.
    const model = tf.sequential();
    model.add(tf.layers.layerNormalization({ epsilon: 1e-5, inputShape: [4] }));
    // An identity softmax Dense: the forward pass returns logits, so they are the layer norm's output.
    model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: 'identity', biasInitializer: 'zeros' }));
    const gammaBeta = [tf.tensor1d([1, 2, 1, 0.5]), tf.tensor1d([0, 0, 1, -1])];
    model.layers[0]!.setWeights(gammaBeta);
    tf.dispose(gammaBeta);
    const net = wrapModel('layer-norm-check', model);
    const y = tf.tidy(() => net.forward(tf.tensor2d([[1, 2, 3, 4], [2, 2, 2, 2]]), false).dataSync());
    const want = [-1.341634, -0.8944227, 1.4472113, -0.329183, 0, 0, 1, -1];
    want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    net.dispose();
  });

  it('matMulFast has the same value and gradients as tf.matMul', () => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const f1 = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sum(tf.mul(tf.matMul(x, y), w));
    const f2 = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.sum(tf.mul(matMulFast(x, y), w));
    const g1 = tf.grads(f1 as (...t: tf.Tensor[]) => tf.Tensor)([a, b]);
    const g2 = tf.grads(f2 as (...t: tf.Tensor[]) => tf.Tensor)([a, b]);
    expect(maxAbsDiff(g1[0]!.dataSync(), g2[0]!.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(g1[1]!.dataSync(), g2[1]!.dataSync())).toBeLessThan(1e-5);
    tf.dispose([a, b, w, ...g1, ...g2]);
  });

  type Recurrent = (x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

  /**
   * A fused recurrent op against autodiff of its per-op reference: value, and the gradients for
   * x, kernel, recurrent kernel and bias of a loss that is a random weighted sum of the output.
   */
  function expectMatchesAutodiff(gates: number, T: number, fused: Recurrent, reference: Recurrent): void {
    const [n, F, H] = [4, 5, 6];
    const x = tf.randomNormal([n, T, F], 0, 1, 'float32', 21);
    const W = tf.variable(tf.randomNormal([F, gates * H], 0, 0.5, 'float32', 22));
    const U = tf.variable(tf.randomNormal([H, gates * H], 0, 0.5, 'float32', 23));
    const b = tf.variable(tf.randomNormal([gates * H], 0, 0.5, 'float32', 24));
    const w = tf.randomNormal([n, H], 0, 1, 'float32', 25);
    // Differentiate through the variables: wrap them as explicit inputs.
    const gradsOf = (f: Recurrent) =>
      tf.tidy(() => {
        const fn = (xx: tf.Tensor, ww: tf.Tensor, uu: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, uu, bb), w));
        return tf.grads(fn as (...t: tf.Tensor[]) => tf.Tensor)([x, W, U, b]).map((t) => Array.from(t.dataSync()));
      });
    const viaFused = gradsOf(fused);
    const viaAutodiff = gradsOf(reference);
    expect(viaFused).toHaveLength(4);
    viaFused.forEach((g, i) => expect(maxAbsDiff(g, viaAutodiff[i]!), `gradient ${i}`).toBeLessThan(1e-4));
    const v1 = tf.tidy(() => Array.from(fused(x, W, U, b).dataSync()));
    const v2 = tf.tidy(() => Array.from(reference(x, W, U, b).dataSync()));
    expect(maxAbsDiff(v1, v2)).toBeLessThan(1e-6);
    tf.dispose([x, W, U, b, w]);
  }

  for (const reverse of [false, true]) {
    it(`fused LSTM (reverse=${reverse}): value and all four gradients match autodiff of the per-op LSTM`, () => {
      expectMatchesAutodiff(
        4,
        3,
        (x, W, U, b) => lstmFused(x, W, U, b, 6, reverse),
        (x, W, U, b) => lstmLast(x, [W, U, b] as tf.Variable[], 6, reverse),
      );
    });
  }

  it('fused GRU: value and all four gradients match autodiff of the per-op GRU', () => {
    expectMatchesAutodiff(
      3,
      4,
      (x, W, U, b) => gruFused(x, W, U, b, 6),
      (x, W, U, b) => gruLast(x, [W, U, b] as tf.Variable[], 6),
    );
  });

  // One step: only the zero-state step, where h·U is skipped and dU = 0. The per-op reference
  // cannot run here (tfjs 4.22's unstack gradient fails on a length-1 axis), so compare with
  // the closed form h = (1 − z)⊙tanh(a_h); the 0·ΣU term only makes U part of the graph.
  it('fused GRU, one step: matches the closed form, recurrent gradient zero', () => {
    const H = 6;
    expectMatchesAutodiff(
      3,
      1,
      (x, W, U, b) => gruFused(x, W, U, b, H),
      (x, W, U, b) => {
        const a = tf.add(tf.matMul(tf.squeeze(x, [1]) as tf.Tensor2D, W as tf.Tensor2D), b);
        const z = tf.sigmoid(tf.slice(a, [0, 0], [-1, H]));
        const hh = tf.tanh(tf.slice(a, [0, 2 * H], [-1, H]));
        return tf.add(tf.mul(tf.sub(1, z), hh), tf.mul(tf.sum(U), 0));
      },
    );
  });

  for (const kind of ['lstm', 'gru', 'bilstm'] as const) {
    it(`${kind}: forward() agrees with tf.layers predict()`, () => {
      const net = buildSequenceModel({ kind, steps: 3, nFeatures: 6, nClasses: 4, units: 8, denseUnits: 5, seed: 7 });
      const x = tf.randomNormal([4, 3, 6], 0, 1, 'float32', 11);
      const ours = tf.tidy(() => tf.softmax(net.forward(x, false)).dataSync());
      const ref = tf.tidy(() => (net.model.predict(x) as tf.Tensor).dataSync());
      expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-5);
      x.dispose();
      net.dispose();
    });
  }

  it('mlp: forward() agrees with predict(), dropout only in training', () => {
    const net = buildMlp({ nFeatures: 6, nClasses: 3, hidden: [16, 8], dropout: 0.5, seed: 3 });
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 4);
    const ours = tf.tidy(() => tf.softmax(net.forward(x, false)).dataSync());
    const ref = tf.tidy(() => (net.model.predict(x) as tf.Tensor).dataSync());
    expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-5);
    const d1 = tf.tidy(() => net.forward(x, true, 1).dataSync());
    const d1b = tf.tidy(() => net.forward(x, true, 1).dataSync());
    const d2 = tf.tidy(() => net.forward(x, true, 2).dataSync());
    expect(Array.from(d1)).toEqual(Array.from(d1b));
    expect(maxAbsDiff(d1, d2)).toBeGreaterThan(1e-4);
    x.dispose();
    net.dispose();
  });

  it('the same seed builds the same weights, another seed different ones', () => {
    const w = (seed: number) => {
      const net = buildSequenceModel({ kind: 'bilstm', steps: 2, nFeatures: 3, nClasses: 2, units: 4, denseUnits: 4, seed });
      const v = net.variables.map((x) => Array.from(x.dataSync()));
      net.dispose();
      return v;
    };
    const a = w(1);
    expect(w(1)).toEqual(a);
    expect(w(2)).not.toEqual(a);
    // Forward and backward LSTM of the BiLSTM start different.
    expect(a[0]).not.toEqual(a[3]);
  });
});
