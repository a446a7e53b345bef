import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { registerWasmConv2DBackpropFilter, registerWasmHeapSlices, registerWasmSharedIdentity } from './wasmKernels';

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

describe('wasm heap slices (Slice, SplitV, Unpack without copying the whole input)', () => {
  /** x[i] = i over `shape`, so every element of a slice is known from its index alone. */
  const iota = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), shape, dtype);
  /** The flat index in `shape` of output position `pos` of a slice starting at `begin`. */
  const flatIndex = (shape: number[], begin: number[], pos: number[]) => pos.reduce((acc, p, d) => acc * shape[d]! + begin[d]! + p, 0);
  /** All positions of `size` in row-major order. */
  const positions = (size: number[]): number[][] =>
    size.reduce<number[][]>((acc, n) => acc.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i])), [[]]);

  it('gives the elements the index formula names, on every rank, and leaks nothing', async () => {
    await initNodeBackend('wasm');
    expect(tf.getKernel('Slice', 'wasm')).toBeDefined();
    registerWasmHeapSlices();
    expect(registerWasmHeapSlices()).toBe(false);
    const before = tf.memory().numTensors;
    const cases: [number[], number[], number[]][] = [
      [[10], [3], [4]],
      [[32, 512], [0, 128], [32, 128]], // an LSTM gate block
      [[5, 7], [1, 0], [3, 7]], // whole rows: one contiguous copy
      [[4, 3, 6], [1, 1, 2], [2, 2, 3]],
      [[3, 4, 5, 6], [1, 0, 2, 1], [2, 3, 2, 4]],
      [[2, 3, 2, 2, 3], [0, 1, 1, 0, 1], [2, 2, 1, 2, 2]],
      // Runs over whole trailing axes: a chunk of a batch (one copy), a band of rows, a block
      // whose inner axes are whole but whose outer ones are not.
      [[6, 4, 5, 2], [2, 0, 0, 0], [3, 4, 5, 2]],
      [[3, 6, 4, 2], [0, 1, 0, 0], [3, 4, 4, 2]],
      [[4, 3, 5, 2], [1, 1, 0, 0], [2, 2, 5, 2]],
      [[4, 3, 5, 2], [1, 0, 2, 0], [3, 3, 2, 2]],
      [[4, 1, 1], [0, 0, 0], [0, 1, 1]],
    ];
    for (const dtype of ['float32', 'int32'] as const) {
      for (const [shape, begin, size] of cases) {
        const got = tf.tidy(() => Array.from(tf.slice(iota(shape, dtype), begin, size).dataSync()));
        expect(got, `${dtype} ${shape} from ${begin} size ${size}`).toEqual(positions(size).map((p) => flatIndex(shape, begin, p)));
      }
    }
    // Adam's flat vector split into one part per variable; an unstack over time steps.
    const parts = tf.tidy(() => tf.split(iota([20]), [3, 10, 7]).map((t) => Array.from(t.dataSync())));
    expect(parts).toEqual([[0, 1, 2], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [13, 14, 15, 16, 17, 18, 19]]);
    const cols = tf.tidy(() => tf.split(iota([2, 5]), [2, 3], 1).map((t) => Array.from(t.dataSync())));
    expect(cols).toEqual([[0, 1, 5, 6], [2, 3, 4, 7, 8, 9]]);
    const steps = tf.tidy(() => tf.unstack(iota([2, 3, 2]), 1).map((t) => ({ shape: t.shape, v: Array.from(t.dataSync()) })));
    expect(steps).toEqual([{ shape: [2, 2], v: [0, 1, 6, 7] }, { shape: [2, 2], v: [2, 3, 8, 9] }, { shape: [2, 2], v: [4, 5, 10, 11] }]);
    // Booleans live on the heap as bytes.
    expect(tf.tidy(() => Array.from(tf.slice(tf.tensor1d([true, false, true, true], 'bool'), [1], [2]).dataSync()))).toEqual([0, 1]);
    // Gradients flow through the replaced kernels (slice's gradient is a pad).
    const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.slice(x, [1], [2]), tf.tensor1d([2, 3]))))(tf.zeros([4])).dataSync()));
    expect(g).toEqual([0, 2, 3, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasm Identity and same-dtype Cast share the buffer instead of copying it', () => {
  it('clone and cast add no buffer, keep the values after the original is disposed, and real casts still convert', async () => {
    await initNodeBackend('wasm');
    registerWasmSharedIdentity();
    expect(registerWasmSharedIdentity()).toBe(false);
    const before = tf.memory();
    const x = tf.tensor1d([1.5, -2, 3.25]);
    const c = tf.clone(x);
    const f = tf.cast(x, 'float32');
    // One buffer for three tensors (tfjs counts data buffers per dataId).
    expect(tf.memory().numDataBuffers - before.numDataBuffers).toBe(1);
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3.25]);
    c.dispose();
    expect(Array.from(f.dataSync())).toEqual([1.5, -2, 3.25]);
    // A cast to another dtype is still a conversion (truncation toward zero, as tf.cast does).
    const i = tf.cast(f, 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([f, i]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });
});
