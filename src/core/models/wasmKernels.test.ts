import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { registerWasmConv2DBackpropFilter } from './wasmKernels';

/** Filter gradient of a small conv2d on the active backend. */
function filterGrad(stride: number, pad: 'same' | 'valid'): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const f = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const g = tf.grad((filter: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, filter as tf.Tensor4D, stride, pad))))(f);
    return g.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter', () => {
  it('matches the cpu kernel and leaks nothing', async () => {
    const expected = new Map<string, Float32Array>();
    await initNodeBackend('cpu');
    for (const [s, p] of [[1, 'same'], [1, 'valid'], [2, 'valid'], [2, 'same'], [3, 'same']] as const) expected.set(`${s}${p}`, filterGrad(s, p));
    await initNodeBackend('wasm');
    registerWasmConv2DBackpropFilter();
    expect(registerWasmConv2DBackpropFilter()).toBe(false);
    const before = tf.memory().numTensors;
    for (const [s, p] of [[1, 'same'], [1, 'valid'], [2, 'valid'], [2, 'same'], [3, 'same']] as const) {
      const got = filterGrad(s, p);
      const want = expected.get(`${s}${p}`)!;
      expect(got.length).toBe(want.length);
      let maxRel = 0;
      for (let i = 0; i < got.length; i++) maxRel = Math.max(maxRel, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
      expect(maxRel, `stride ${s} ${p}`).toBeLessThan(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
