/**
 * conv2dFast's gradients against the cpu backend's autodiff of tf.conv2d (an independent
 * implementation: tfjs-backend-cpu's Conv2DBackpropInput/Filter kernels), on the cpu and wasm
 * backends, for strides 1 and 2, 'same' and 'valid', odd and even sizes, several channel counts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { conv2dFast, type ConvPadding } from './conv';
import { convFilterGradKernel } from './wasm/convFilterGradKernel';

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  pad: ConvPadding;
}

const CASES: Case[] = [
  { x: [2, 7, 6, 1], f: [3, 3, 1, 4], s: 1, pad: 'same' },
  { x: [2, 8, 9, 3], f: [3, 3, 3, 2], s: 1, pad: 'valid' },
  { x: [1, 9, 8, 2], f: [3, 2, 2, 5], s: 2, pad: 'same' },
  { x: [2, 10, 7, 4], f: [3, 3, 4, 3], s: 2, pad: 'valid' },
  { x: [1, 6, 6, 2], f: [2, 2, 2, 3], s: 2, pad: 'same' },
  { x: [1, 11, 9, 3], f: [5, 3, 3, 2], s: [2, 1], pad: 'same' },
  { x: [2, 5, 8, 1], f: [1, 1, 1, 2], s: 1, pad: 'valid' },
];

/** Output, dx and dW of sum(conv(x, W) · R) for a fixed random R, i.e. dy = R. */
function grads(c: Case, conv: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 11) as tf.Tensor4D;
    const f = tf.randomNormal(c.f, 0, 1, 'float32', 12) as tf.Tensor4D;
    const y = conv(x, f);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 13);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, f]);
    return [y.dataSync() as Float32Array, dx!.dataSync() as Float32Array, df!.dataSync() as Float32Array];
  });
}

function maxRelErr(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  return worst / Math.max(scale, 1e-6);
}

const label = (c: Case): string => `x ${c.x.join('×')} W ${c.f.join('×')} stride ${String(c.s)} ${c.pad}`;

describe('conv2dFast gradients', () => {
  it('match the cpu backend autodiff of tf.conv2d on cpu and on wasm, without leaking tensors', async () => {
    await initNodeBackend('cpu');
    const stock = (x: tf.Tensor4D, f: tf.Tensor4D, c: Case) => tf.conv2d(x, f, c.s, c.pad);
    const want = CASES.map((c) => grads(c, (x, f) => stock(x, f, c)));
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      const before = tf.memory().numTensors;
      CASES.forEach((c, i) => {
        const got = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad));
        const [y, dx, dW] = want[i]!;
        expect(maxRelErr(got[0]!, y!), `${backend} ${label(c)} output`).toBeLessThan(1e-5);
        expect(maxRelErr(got[1]!, dx!), `${backend} ${label(c)} dx`).toBeLessThan(1e-4);
        expect(maxRelErr(got[2]!, dW!), `${backend} ${label(c)} dW`).toBeLessThan(1e-4);
      });
      expect(tf.memory().numTensors, backend).toBe(before);
    }
  });

  it('with freeOperator (training) gives the same numbers; without inputGrad dx is zeros and dW unchanged', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      const before = tf.memory().numTensors;
      for (const c of CASES) {
        const plain = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad));
        const freed = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad, { freeOperator: true }));
        const first = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad, { inputGrad: false, freeOperator: true }));
        // The same kernels on a bit-identical copy of the filter: equal, not merely close.
        plain.forEach((p, k) => expect(Array.from(freed[k]!), `${backend} ${label(c)} part ${k}`).toEqual(Array.from(p)));
        expect(first[1]!.every((v) => v === 0)).toBe(true);
        expect(Array.from(first[2]!)).toEqual(Array.from(plain[2]!));
      }
      expect(tf.memory().numTensors, backend).toBe(before);
    }
  });

  it('the WebAssembly filter-gradient kernel (output channels in fours) matches the cpu autodiff of tf.conv2d, on cpu and wasm', async () => {
    const cases: Case[] = [
      { x: [3, 9, 8, 4], f: [3, 3, 4, 8], s: 1, pad: 'same' }, // 4 input × 8 output channels a tile
      { x: [2, 9, 10, 8], f: [3, 3, 8, 4], s: 2, pad: 'same' }, // 4 × 4
      { x: [2, 10, 7, 4], f: [3, 3, 4, 12], s: 2, pad: 'valid' }, // 12 outputs: tiles of 4
      { x: [2, 8, 9, 3], f: [3, 3, 3, 8], s: 1, pad: 'valid' }, // 3 inputs: one input channel a tile
      { x: [1, 11, 9, 1], f: [5, 3, 1, 16], s: [2, 1], pad: 'same' },
      { x: [2, 4, 5, 4], f: [5, 5, 4, 4], s: 1, pad: 'same' }, // taps that reach no output row
    ];
    await initNodeBackend('cpu');
    const want = cases.map((c) => grads(c, (x, f) => tf.conv2d(x, f, c.s, c.pad)));
    expect(convFilterGradKernel()).toBeDefined();
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      const before = tf.memory().numTensors;
      cases.forEach((c, i) => {
        const got = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad, { freeOperator: true }));
        expect(maxRelErr(got[1]!, want[i]![1]!), `${backend} ${label(c)} dx`).toBeLessThan(1e-4);
        expect(maxRelErr(got[2]!, want[i]![2]!), `${backend} ${label(c)} dW`).toBeLessThan(1e-5);
      });
      expect(tf.memory().numTensors, backend).toBe(before);
    }
  });

  it('summing the filter gradient over chunks of the batch (the path without the kernel) matches the cpu autodiff of tf.conv2d, on cpu and wasm', async () => {
    convFilterGradKernel.setEnabled(false);
    onTestFinished(() => convFilterGradKernel.setEnabled(true));
    // Batches of 5 and 7 so that chunks of 2 and 3 samples leave a shorter last chunk.
    const cases: Case[] = [
      { x: [5, 7, 6, 2], f: [3, 3, 2, 4], s: 1, pad: 'same' },
      { x: [7, 9, 8, 3], f: [3, 3, 3, 2], s: 2, pad: 'valid' },
      { x: [5, 11, 9, 1], f: [5, 3, 1, 3], s: [2, 1], pad: 'same' },
    ];
    await initNodeBackend('cpu');
    const want = cases.map((c) => grads(c, (x, f) => tf.conv2d(x, f, c.s, c.pad)));
    for (const backend of ['cpu', 'wasm'] as const) {
      await initNodeBackend(backend);
      const before = tf.memory().numTensors;
      cases.forEach((c, i) => {
        // dy bytes per sample: 4 · oh · ow · out; chunks of 1, 2 and 3 samples, and the whole batch.
        const perSample = (4 * tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.s, c.pad).size)) / c.x[0];
        for (const samples of [1, 2, 3, Infinity]) {
          const got = grads(c, (x, f) => conv2dFast(x, f, c.s, c.pad, { freeOperator: true, filterGradChunkBytes: samples * perSample }));
          expect(maxRelErr(got[1]!, want[i]![1]!), `${backend} ${label(c)} dx, chunks of ${samples}`).toBeLessThan(1e-4);
          expect(maxRelErr(got[2]!, want[i]![2]!), `${backend} ${label(c)} dW, chunks of ${samples}`).toBeLessThan(1e-4);
        }
      });
      expect(tf.memory().numTensors, backend).toBe(before);
    }
  });

  it('is not trivially right: a wrong padding choice changes the gradients', async () => {
    await initNodeBackend('cpu');
    const c = CASES[2]!;
    const same = grads(c, (x, f) => conv2dFast(x, f, c.s, 'same'));
    const ref = grads({ ...c, pad: 'valid' }, (x, f) => tf.conv2d(x, f, c.s, 'valid'));
    expect(same[2]!.length).toBe(ref[2]!.length);
    expect(maxRelErr(same[2]!, ref[2]!)).toBeGreaterThan(1e-2);
  });

  it('refuses mismatched channels with a LabError', () => {
    expect(() => conv2dFast(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, tf.zeros([3, 3, 3, 1]) as tf.Tensor4D, 1, 'same')).toThrow(/matching c/);
  });
});
