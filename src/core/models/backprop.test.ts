/**
 * variableGradsLean against tfjs's own tf.variableGrads (the stock backward pass, an independent
 * walk of the same tape), on the cpu and wasm backends: the small VGG with batch norm, a residual
 * block (a tensor read by two ops: gradients accumulate) and an unused variable; no tensor may
 * outlive a step; and the point of it — fewer bytes alive at the peak than the stock pass.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { variableGradsLean } from './backprop';
import { buildVggCnn } from './cnn';

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] as number));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  return worst / scale;
}

describe('variableGradsLean', () => {
  it('gives tf.variableGrads’ value and gradients for the small VGG (plain and residual) on cpu and wasm, and leaks nothing', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      for (const residual of [false, true]) {
        const net = buildVggCnn({ nBands: 16, nFrames: 16, nClasses: 3, seed: 4, size: 'laptop', residual });
        const x = tf.randomNormal([4, 16, 16, 1], 0, 1, 'float32', 5);
        const onehot = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
        const loss = () => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(net.forward(x, true, 7))), 1))) as tf.Scalar;
        const state = net.state.map((v) => tf.clone(v));
        const stock = tf.variableGrads(loss, net.variables);
        // The forward pass moved batch norm's moving statistics: put them back for the second run.
        net.state.forEach((v, i) => v.assign(state[i] as tf.Tensor));
        const before = tf.memory().numTensors;
        const lean = variableGradsLean(loss, net.variables);
        expect(lean.value.dataSync()[0]).toBeCloseTo(stock.value.dataSync()[0]!, 6);
        net.variables.forEach((v, i) => {
          const want = stock.grads[v.name]!.dataSync();
          expect(maxRelErr(lean.grads[i]!.dataSync(), want), `${backend} residual=${residual} ${v.name}`).toBeLessThan(1e-5);
        });
        // What is left is the value and one gradient per variable: nothing else of the step.
        expect(tf.memory().numTensors - before).toBe(1 + net.variables.length);
        tf.dispose([lean.value, ...lean.grads, stock.value, ...Object.values(stock.grads), x, onehot, ...state]);
        net.dispose();
      }
    }
  });

  it('accumulates a tensor read twice, gives zeros to an unused variable, and matches the hand-computed gradient', async () => {
    await initNodeBackend('cpu');
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const unused = tf.variable(tf.tensor1d([5, 5]));
    // L = Σ (a·a + 3a)·a = Σ a³ + 3a²  →  dL/da = 3a² + 6a = [9, 24, 45].
    const { value, grads } = variableGradsLean(() => {
      const s = tf.add(tf.mul(a, a), tf.mul(a, 3));
      return tf.sum(tf.mul(s, a));
    }, [a, unused]);
    expect(value.dataSync()[0]).toBeCloseTo(1 + 8 + 27 + 3 * (1 + 4 + 9), 5);
    expect(Array.from(grads[0]!.dataSync())).toEqual([9, 24, 45]);
    expect(Array.from(grads[1]!.dataSync())).toEqual([0, 0]);
    tf.dispose([value, ...grads, a, unused]);
  });

  it('holds fewer bytes in its backward pass than the stock one: a chain of 12 sin on 1 MB keeps ~2 of its gradients, not 12', async () => {
    await initNodeBackend('cpu');
    const n = 256 * 1024; // 1 MB of float32
    const w = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 3));
    const chain = () => {
      let h: tf.Tensor = w;
      for (let i = 0; i < 12; i++) h = tf.sin(h);
      return tf.sum(h) as tf.Scalar;
    };
    /** The most bytes alive during the backward pass: from the first Cos (sin's gradient) on. */
    const backwardPeak = async (grad: () => tf.Tensor[]) => {
      const { kernels } = await tf.profile(() => tf.dispose(grad()));
      const firstCos = kernels.findIndex((k) => k.name === 'Cos');
      return Math.max(...kernels.slice(firstCos).map((k) => k.totalBytesSnapshot));
    };
    const stock = await backwardPeak(() => {
      const r = tf.variableGrads(chain, [w]);
      return [r.value, ...Object.values(r.grads)];
    });
    const lean = await backwardPeak(() => {
      const r = variableGradsLean(chain, [w]);
      return [r.value, ...r.grads];
    });
    const mb = 4 * n;
    // Going into the backward pass both hold w and the 12 saved inputs of sin (13 MB; tf.profile
    // counts bytes per tensor object, so a cast or clone sharing a buffer counts again). The stock
    // pass keeps every dy as it goes: 12 more by the end. The lean one frees each op's saved input
    // and dy once its gradient is done, so it never holds more than its first step: 13 + dy, the
    // cos, the cast and the product.
    expect(stock).toBeGreaterThanOrEqual(24 * mb);
    expect(lean).toBeLessThan(19 * mb);
    w.dispose();
  });
});
