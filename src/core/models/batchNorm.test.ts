/**
 * The fused batch norm → ReLU (→ max-pool) op against tfjs's autodiff of the same ops written out
 * one by one, on cpu and wasm: its value and its three gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { batchNormReluTraining, batchNormTraining, type PoolGeometry } from './batchNorm';
import { maxAbsDiff } from './testData';

const EPS = 1e-3;

/** Batch norm by the moments, then ReLU and max-pool: every step differentiated by tfjs itself. */
function plainOps(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, pool?: PoolGeometry): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const r = tf.relu(tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), g), b));
  return pool ? tf.maxPool(r as tf.Tensor4D, pool.pool, pool.strides, pool.padding) : r;
}

/** batchNormTraining (itself checked against autodiff in cnn.test.ts), then tfjs's own relu and maxPool. */
function unfused(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, pool?: PoolGeometry): tf.Tensor {
  const bn = batchNormTraining(x, g, b, EPS);
  tf.dispose([bn.mean, bn.variance]);
  const r = tf.relu(bn.y);
  return pool ? tf.maxPool(r as tf.Tensor4D, pool.pool, pool.strides, pool.padding) : r;
}

function fused(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, pool?: PoolGeometry): tf.Tensor {
  const out = batchNormReluTraining(x, g, b, EPS, pool);
  tf.dispose([out.mean, out.variance]);
  return out.y;
}

const cases: { name: string; shape: [number, number, number, number]; pool?: PoolGeometry }[] = [
  { name: 'pool 2', shape: [3, 6, 8, 4], pool: { pool: [2, 2], strides: [2, 2], padding: 'valid' } },
  // Odd sizes with 'same' padding: the last window is partly padding.
  { name: "pool 2 'same' on odd sizes", shape: [2, 5, 7, 3], pool: { pool: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: 'pool 3 stride 2', shape: [2, 7, 9, 3], pool: { pool: [3, 3], strides: [2, 2], padding: 'valid' } },
  { name: 'no pool', shape: [3, 4, 5, 4] },
];

function inputs(shape: number[]): { x: tf.Tensor; g: tf.Tensor; b: tf.Tensor } {
  const c = shape[3] as number;
  return {
    x: tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 31), 2), 0.5),
    g: tf.randomNormal([c], 1, 0.5, 'float32', 32),
    // β around 0, so about half of the ReLU's inputs are negative.
    b: tf.randomNormal([c], 0, 0.5, 'float32', 33),
  };
}

/** Value and gradients (x, γ, β) of Σ op(x)·r for a fixed random r. */
function valueAndGrads(op: typeof fused, shape: number[], pool?: PoolGeometry): { value: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const { x, g, b } = inputs(shape);
    const y = op(x, g, b, pool);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 34);
    const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(op(a, c, d, pool), r)))([x, g, b]);
    return { value: y.dataSync() as Float32Array, grads: grads.map((t) => t.dataSync() as Float32Array) };
  });
}

describe('batchNormReluTraining', () => {
  afterAll(async () => {
    await initNodeBackend('wasm');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of cases) {
      it(`${backend}, ${c.name}: value and gradients agree with autodiff of the separate ops`, async () => {
        await initNodeBackend(backend);
        const before = tf.memory().numTensors;
        const got = valueAndGrads(fused, c.shape, c.pool);
        const same = valueAndGrads(unfused, c.shape, c.pool);
        const plain = valueAndGrads(plainOps, c.shape, c.pool);
        // The same kernels on the same inputs as batchNormTraining → relu → maxPool.
        expect(maxAbsDiff(got.value, same.value)).toBeLessThan(1e-5);
        got.grads.forEach((gr, i) => expect(maxAbsDiff(gr, same.grads[i]!), `gradient ${i}`).toBeLessThan(1e-5));
        // And the plain formula through the moments, differentiated by tfjs (rounding differs).
        expect(maxAbsDiff(got.value, plain.value)).toBeLessThan(1e-5);
        got.grads.forEach((gr, i) => {
          const scale = Math.max(...Array.from(plain.grads[i]!).map(Math.abs));
          expect(maxAbsDiff(gr, plain.grads[i]!) / scale, `gradient ${i} vs the moments`).toBeLessThan(1e-5);
        });
        // Some cells are cut by the ReLU and some pass: the case tests both branches.
        const pre = tf.tidy(() => {
          const { x, g, b } = inputs(c.shape);
          const bn = batchNormTraining(x, g, b, EPS);
          tf.dispose([bn.mean, bn.variance]);
          return bn.y.dataSync();
        });
        expect(pre.some((v) => v < 0) && pre.some((v) => v > 0)).toBe(true);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
