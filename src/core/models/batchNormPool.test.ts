/**
 * The batch norm → ReLU → max-pool kernels (batchNormPool.ts, used by batchNormReluTraining on
 * cpu and wasm) against tfjs's autodiff of the separate ops on the same backend, on inputs with
 * many equal values: a window with several equal maxima must send its gradient where the
 * backend's own MaxPoolGrad does (cpu: the first, wasm: the last). batchNorm.test.ts checks the
 * same op on inputs without ties.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { batchNormReluTraining, type PoolGeometry } from './batchNorm';
import { hasBnPoolKernels } from './batchNormPool';
import { setFusedKernels } from './fusedKernels';
import { maxAbsDiff } from './testData';
import { bnPoolKernel } from './wasm/bnPoolKernel';

const EPS = 1e-5;

/** Batch norm by the moments, ReLU and max-pool, each differentiated by tfjs. */
function plainOps(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, pool: PoolGeometry): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const r = tf.relu(tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), g), b));
  return tf.maxPool(r as tf.Tensor4D, pool.pool, pool.strides, pool.padding);
}

function fused(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, pool: PoolGeometry): tf.Tensor {
  const out = batchNormReluTraining(x, g, b, EPS, pool);
  tf.dispose([out.mean, out.variance]);
  return out.y;
}

/** Values on a grid of 0.5 in [−1.5, 2] (like a quantised spectrogram's plateaus): most windows hold equal values. */
function tiedInputs(shape: [number, number, number, number]): { x: tf.Tensor; g: tf.Tensor; b: tf.Tensor } {
  const c = shape[3];
  return {
    x: tf.clipByValue(tf.div(tf.round(tf.mul(tf.randomNormal(shape, 0.3, 0.8, 'float32', 41), 2)), 2), -1.5, 2),
    g: tf.randomUniform([c], 0.5, 1.5, 'float32', 42),
    b: tf.randomNormal([c], 0, 0.3, 'float32', 43),
  };
}

function valueAndGrads(op: typeof fused, shape: [number, number, number, number], pool: PoolGeometry): Float32Array[] {
  return tf.tidy(() => {
    const { x, g, b } = tiedInputs(shape);
    const y = op(x, g, b, pool);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', 44);
    const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(op(a, c, d, pool), r)))([x, g, b]);
    return [y.dataSync() as Float32Array, ...grads.map((t) => t.dataSync() as Float32Array)];
  });
}

/** 2 × 2 windows whose largest batch-norm output is positive and held by more than one cell (where the tie rule matters). */
function tiedPositiveWindows(shape: [number, number, number, number]): number {
  return tf.tidy(() => {
    const { x, g, b } = tiedInputs(shape);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const v = tf.batchNorm(x, mean, variance, b, g, EPS).dataSync();
    const [n, h, w, c] = shape;
    let count = 0;
    for (let i = 0; i < n; i++)
      for (let y = 0; y + 1 < h; y += 2)
        for (let xx = 0; xx + 1 < w; xx += 2)
          for (let k = 0; k < c; k++) {
            const cells = [0, 1, 2, 3].map((j) => v[((i * h + y + (j >> 1)) * w + xx + (j & 1)) * c + k] as number);
            const top = Math.max(...cells);
            if (top > 0 && cells.filter((u) => u === top).length > 1) count++;
          }
    return count;
  });
}

const cases: { name: string; shape: [number, number, number, number]; pool: PoolGeometry }[] = [
  { name: 'pool 2', shape: [4, 8, 10, 3], pool: { pool: [2, 2], strides: [2, 2], padding: 'valid' } },
  { name: "pool 2 'same' on odd sizes", shape: [3, 7, 9, 2], pool: { pool: [2, 2], strides: [2, 2], padding: 'same' } },
  { name: 'pool 3 stride 2 (overlapping windows)', shape: [3, 9, 7, 2], pool: { pool: [3, 3], strides: [2, 2], padding: 'valid' } },
  // Channels in fours and windows that do not overlap: the WebAssembly kernel's cases.
  { name: 'pool 2, 8 channels', shape: [4, 8, 10, 8], pool: { pool: [2, 2], strides: [2, 2], padding: 'valid' } },
  { name: 'pool 2 × 3, 4 channels, rows and columns left over', shape: [3, 9, 11, 4], pool: { pool: [2, 3], strides: [2, 3], padding: 'valid' } },
];

/** The cases the WebAssembly kernel takes (the others stay with the TypeScript passes). */
const kernelCases = cases.filter((c) => c.shape[3] % 4 === 0);

/** The float32 bits of each array (so +0 and −0, or two NaNs, compare as what they are). */
const bits = (parts: Float32Array[]): number[][] => parts.map((p) => Array.from(new Uint32Array(p.buffer, p.byteOffset, p.length)));

describe('batch norm → ReLU → max-pool kernels', () => {
  afterAll(async () => {
    setFusedKernels(true);
    await initNodeBackend('wasm');
  });

  it('the inputs have tied window maxima (the case the tie rule decides)', async () => {
    await initNodeBackend('cpu');
    expect(tiedPositiveWindows(cases[0]!.shape)).toBeGreaterThan(20);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of cases) {
      it(`${backend}, ${c.name}: value and gradients equal autodiff of the separate ops, ties included`, async () => {
        await initNodeBackend(backend);
        expect(hasBnPoolKernels()).toBe(true);
        const before = tf.memory().numTensors;
        const got = valueAndGrads(fused, c.shape, c.pool);
        const want = valueAndGrads(plainOps, c.shape, c.pool);
        expect(maxAbsDiff(got[0]!, want[0]!), 'value').toBeLessThan(1e-5);
        // A gradient sent to the wrong cell of a window would be off by a whole dL/dy (~1).
        for (let i = 1; i < 4; i++) {
          const scale = Math.max(...Array.from(want[i]!).map(Math.abs));
          expect(maxAbsDiff(got[i]!, want[i]!) / scale, `gradient ${i - 1}`).toBeLessThan(1e-5);
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('with the other tie rule the gradient would differ (the comparison can fail)', async () => {
    // The cpu backend's rule on wasm's autodiff: cells of tied windows get the gradient on cpu
    // and not on wasm, so the two backends' x-gradients differ on these inputs.
    const c = cases[0]!;
    await initNodeBackend('cpu');
    const cpu = valueAndGrads(plainOps, c.shape, c.pool);
    await initNodeBackend('wasm');
    const wasm = valueAndGrads(plainOps, c.shape, c.pool);
    expect(maxAbsDiff(cpu[1]!, wasm[1]!)).toBeGreaterThan(0.1);
  });

  it('Node has the WebAssembly kernel, so the 4-channel cases above ran on it', () => {
    expect(kernelCases.length).toBe(2);
    expect(bnPoolKernel()).toBeDefined();
  });

  for (const backend of ['wasm', 'cpu'] as const)
    for (const c of kernelCases)
      it(`${backend}, ${c.name}: the WebAssembly kernel gives the TypeScript passes' bits`, async () => {
        await initNodeBackend(backend);
        const got = valueAndGrads(fused, c.shape, c.pool);
        bnPoolKernel.setEnabled(false);
        try {
          expect(bnPoolKernel()).toBeUndefined();
          expect(bits(got)).toEqual(bits(valueAndGrads(fused, c.shape, c.pool)));
        } finally {
          bnPoolKernel.setEnabled(true);
        }
      });

  for (const c of cases.filter((k) => k.pool.strides[0] === k.pool.pool[0]))
    it(`wasm, ${c.name}: bit-identical to the single-op path it replaces (setFusedKernels(false))`, async () => {
      await initNodeBackend('wasm');
      const got = valueAndGrads(fused, c.shape, c.pool);
      setFusedKernels(false);
      try {
        expect(hasBnPoolKernels()).toBe(false);
        const ops = valueAndGrads(fused, c.shape, c.pool);
        bits(got).forEach((g, i) => expect(g, `part ${i}`).toEqual(bits(ops)[i]));
      } finally {
        setFusedKernels(true);
      }
    });
});
