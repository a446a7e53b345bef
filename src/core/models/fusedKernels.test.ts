import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { hasFusedGru, hasFusedKernels, setFusedKernels } from './fusedKernels';
import { softmaxCrossEntropy, trainNetwork } from './loop';
import { denseLayer, dropout, gruFused, gruLast, lstmFused, lstmLast, matMulFast } from './network';
import { buildSequenceModel } from './sequence';
import { FlatAdam } from './optimizer';
import { maxAbsDiff } from './testData';
import { adamKernel } from './wasm/adamKernel';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

afterAll(async () => {
  setFusedKernels(true);
  await tf.setBackend('wasm');
});

/** Value and gradients (x, W, U, b) of Σ w⊙f(x, W, U, b) as plain arrays. */
function valueAndGrads(f: (x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.Tensor, ins: tf.Tensor[], w: tf.Tensor): number[][] {
  return tf.tidy(() => {
    const loss = (...t: tf.Tensor[]) => tf.sum(tf.mul(f(t[0]!, t[1]!, t[2]!, t[3]!), w));
    const grads = tf.grads(loss)(ins);
    return [Array.from(f(ins[0]!, ins[1]!, ins[2]!, ins[3]!).dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

/** x [n, T, F], W [F, gH], U [H, gH], b [gH] for a cell with g gate blocks (LSTM 4, GRU 3), and output weights. */
function randomCase(n: number, T: number, F: number, H: number, gates = 4): { ins: tf.Tensor[]; w: tf.Tensor } {
  return {
    ins: [
      tf.randomNormal([n, T, F], 0, 1, 'float32', 31),
      tf.randomNormal([F, gates * H], 0, 0.5, 'float32', 32),
      tf.randomNormal([H, gates * H], 0, 0.5, 'float32', 33),
      tf.randomNormal([gates * H], 0, 0.5, 'float32', 34),
    ],
    w: tf.randomNormal([n, H], 0, 1, 'float32', 35),
  };
}

type Cell = (x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * The fused-kernel op against the per-op path of the same op (bit for bit) and, where given, the
 * plain per-op cell's autodiff (within 1e-5). Returns the fused values and gradients.
 */
function expectFusedCell(op: Cell, plainCell: Cell | undefined, ins: tf.Tensor[], w: tf.Tensor): number[][] {
  setFusedKernels(true);
  expect(hasFusedKernels()).toBe(true);
  const fused = valueAndGrads(op, ins, w);
  setFusedKernels(false);
  const perOp = valueAndGrads(op, ins, w);
  const plain = plainCell ? valueAndGrads(plainCell, ins, w) : undefined;
  setFusedKernels(true);
  expect(fused).toHaveLength(5);
  fused.forEach((v, i) => {
    if (plain) expect(maxAbsDiff(v, plain[i]!), `output ${i} vs autodiff`).toBeLessThan(1e-5);
    expect(v, `output ${i} vs the per-op path`).toEqual(perOp[i]);
  });
  return fused;
}

describe.each(['wasm', 'cpu'])('fused LSTM and Adam kernels on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  for (const [T, reverse] of [[3, false], [3, true], [1, false]] as const) {
    it(`LSTM T=${T} reverse=${reverse}: value and gradients equal tf.grad of the plain per-op LSTM within 1e-5, and the per-op fused op bit for bit`, () => {
      const H = 6;
      const { ins, w } = randomCase(4, T, 5, H);
      // The plain cell: tfjs autodiff of sigmoid/tanh/slice/mul ops, no hand-written backward.
      // (tfjs 4.22's unstack gradient fails on a length-1 axis, so T = 1 has only the per-op check.)
      const plain: Cell | undefined = T > 1 ? (x, W, U, b) => lstmLast(x, [W, U, b] as tf.Variable[], H, reverse) : undefined;
      const fused = expectFusedCell((x, W, U, b) => lstmFused(x, W, U, b, H, reverse), plain, ins, w);
      // T = 1: the state is zero throughout, so the recurrent kernel gets no gradient.
      if (T === 1) expect(fused[3]!.every((g) => g === 0)).toBe(true);
      tf.dispose([...ins, w]);
    });
  }

  for (const T of [4, 1]) {
    it(`GRU T=${T}: value and gradients equal tf.grad of the plain per-op GRU within 1e-5, and the per-op fused op bit for bit`, () => {
      const H = 6;
      const { ins, w } = randomCase(4, T, 5, H, 3);
      // The plain cell (tfjs-layers' GRU, reset_after = false): autodiff of its ops (not at T = 1, see the LSTM).
      const plain: Cell | undefined = T > 1 ? (x, W, U, b) => gruLast(x, [W, U, b] as tf.Variable[], H) : undefined;
      const fused = expectFusedCell((x, W, U, b) => gruFused(x, W, U, b, H), plain, ins, w);
      if (T === 1) expect(fused[3]!.every((g) => g === 0)).toBe(true);
      else expect(fused[3]!.some((g) => Math.abs(g) > 1e-3)).toBe(true);
      tf.dispose([...ins, w]);
    });
  }

  it('GRU without the input gradient: the same weight gradients; no tensors or backend buffers left behind', () => {
    const H = 5;
    const { ins, w } = randomCase(3, 4, 4, H, 3);
    const [x, ...weights] = ins as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const gradsOf = (inputGrad: boolean) =>
      tf.tidy(() => tf.grads((W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(gruFused(x, W, U, b, H, inputGrad), w)))(weights).map((g) => Array.from(g.dataSync())));
    const withX = gradsOf(true);
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const withoutX = gradsOf(false);
    gradsOf(true);
    expect(withoutX).toEqual(withX);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([...ins, w]);
  });

  it('matMulFast gradients: within 1e-5 of tf.grad of tf.matMul, and bit for bit the per-op explicit-transpose gradients', () => {
    const a = tf.randomNormal([7, 5], 0, 1, 'float32', 61) as tf.Tensor2D;
    const b = tf.randomNormal([5, 9], 0, 1, 'float32', 62) as tf.Tensor2D;
    const w = tf.randomNormal([7, 9], 0, 1, 'float32', 63);
    const gradsOf = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor) =>
      tf.tidy(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]).map((g) => Array.from(g.dataSync())));
    const fused = gradsOf(matMulFast);
    setFusedKernels(false);
    const perOp = gradsOf(matMulFast);
    setFusedKernels(true);
    const plain = gradsOf((x, y) => tf.matMul(x, y));
    expect(fused).toEqual(perOp);
    fused.forEach((g, i) => expect(maxAbsDiff(g, plain[i]!)).toBeLessThan(1e-5));
    tf.dispose([a, b, w]);
  });

  it('LSTM without the input gradient: the same weight gradients; no tensors or backend buffers left behind', () => {
    const H = 6;
    const { ins, w } = randomCase(3, 3, 4, H);
    const [x, ...weights] = ins as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const gradsOf = (inputGrad: boolean) =>
      tf.tidy(() => tf.grads((W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(lstmFused(x, W, U, b, H, false, inputGrad), w)))(weights).map((g) => Array.from(g.dataSync())));
    const withX = gradsOf(true);
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const withoutX = gradsOf(false);
    expect(withoutX).toEqual(withX);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([...ins, w]);
  });

  for (const [act, inputGrad] of [['relu', true], ['linear', true], ['relu', false]] as const) {
    it(`Dense ${act}${inputGrad ? '' : ' (no input gradient)'}: value and gradients within 1e-5 of tf.grad of matMul + add + ${act}, and bit for bit the per-op path`, () => {
      const x = tf.randomNormal([6, 5], 0, 1, 'float32', 71);
      const W = tf.randomNormal([5, 7], 0, 0.7, 'float32', 72);
      const b = tf.randomNormal([7], 0, 0.5, 'float32', 73);
      const w = tf.randomNormal([6, 7], 0, 1, 'float32', 74);
      const run = (f: (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
        tf.tidy(() => {
          const ins = inputGrad ? [x, W, b] : [W, b];
          const g = tf.grads((...t: tf.Tensor[]) => tf.sum(tf.mul(inputGrad ? f(t[0]!, t[1]!, t[2]!) : f(x, t[0]!, t[1]!), w)))(ins);
          return [Array.from(f(x, W, b).dataSync()), ...g.map((d) => Array.from(d.dataSync()))];
        });
      setFusedKernels(true);
      const fused = run((x, W, b) => denseLayer(x, W, b, act, inputGrad));
      setFusedKernels(false);
      const perOp = run((x, W, b) => denseLayer(x, W, b, act, inputGrad));
      setFusedKernels(true);
      // Independent truth: tfjs's autodiff of its own plain ops.
      const plain = run((x, W, b) => {
        const z = tf.add(tf.matMul(x as tf.Tensor2D, W as tf.Tensor2D), b);
        return act === 'relu' ? tf.relu(z) : z;
      });
      expect(fused).toHaveLength(inputGrad ? 4 : 3);
      expect(fused).toEqual(perOp);
      fused.forEach((v, i) => expect(maxAbsDiff(v, plain[i]!), `output ${i}`).toBeLessThan(1e-5));
      if (act === 'relu') expect(fused[0]!.some((v) => v === 0) && fused[0]!.some((v) => v > 0)).toBe(true);
      tf.dispose([x, W, b, w]);
    });
  }

  it('dropout: the same mask and scaling as tf.dropout, bit for bit, gradient dy⊙mask/keep', () => {
    const x = tf.randomNormal([8, 50], 0, 1, 'float32', 81);
    const w = tf.randomNormal([8, 50], 0, 1, 'float32', 82);
    const run = (f: (x: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => [Array.from(f(x).dataSync()), Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))(x).dataSync())]);
    setFusedKernels(true);
    const [y, dx] = run((t) => dropout(t, 0.3, 1234)) as [number[], number[]];
    setFusedKernels(false);
    const perOp = run((t) => dropout(t, 0.3, 1234));
    setFusedKernels(true);
    expect([y, dx]).toEqual(perOp);
    expect([y, dx]).toEqual(run((t) => tf.dropout(t, 0.3, undefined, 1234)));
    // Hand truth: each output is 0 or x/0.7, and its gradient 0 or w/0.7 with the same mask.
    const xv = x.dataSync();
    const wv = w.dataSync();
    let dropped = 0;
    y.forEach((v, j) => {
      if (v === 0) {
        dropped++;
        expect(Math.abs(dx[j]!)).toBe(0);
      } else {
        expect(v).toBeCloseTo(xv[j]! / 0.7, 5);
        expect(dx[j]).toBeCloseTo(wv[j]! / 0.7, 5);
      }
    });
    expect(dropped / y.length).toBeGreaterThan(0.2);
    expect(dropped / y.length).toBeLessThan(0.4);
    tf.dispose([x, w]);
  });

  it('softmax cross-entropy: loss and logit gradient equal the formula (softmax(z) − t)/n within 1e-5, and the per-op path bit for bit', () => {
    const n = 5;
    const K = 4;
    const z = tf.randomNormal([n, K], 0, 2, 'float32', 91) as tf.Tensor2D;
    // Soft targets (label smoothing 0.1), rows summing to 1.
    const t = tf.tensor2d(Array.from({ length: n * K }, (_, j) => (j % K === (Math.floor(j / K) * 3) % K ? 0.925 : 0.025)), [n, K]);
    const run = () => tf.tidy(() => [Array.from(softmaxCrossEntropy(z, t).dataSync()), Array.from(tf.grad((l: tf.Tensor) => softmaxCrossEntropy(l as tf.Tensor2D, t))(z).dataSync())]);
    setFusedKernels(true);
    const fused = run();
    setFusedKernels(false);
    const perOp = run();
    setFusedKernels(true);
    expect(fused).toEqual(perOp);
    const zv = Array.from(z.dataSync());
    const tv = Array.from(t.dataSync());
    let loss = 0;
    const grad: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = zv.slice(i * K, (i + 1) * K);
      const sum = row.reduce((a, v) => a + Math.exp(v), 0);
      row.forEach((v, k) => {
        loss -= (tv[i * K + k]! * (v - Math.log(sum))) / n;
        grad.push((Math.exp(v) / sum - tv[i * K + k]!) / n);
      });
    }
    expect(Math.abs(fused[0]![0]! - loss)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fused[1]!, grad)).toBeLessThan(1e-5);
    tf.dispose([z, t]);
  });

  it('Adam: the first step moves every weight by lr·g/(|g| + ε) (bias-corrected m̂ = g, v̂ = g²), and three steps equal the per-op update bit for bit, with the WebAssembly kernel and without', () => {
    const shapes = [[3, 4], [4], [2, 5]];
    const run = (fused: boolean) => {
      setFusedKernels(fused);
      const vars = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 40 + i), true, `adam-${backend}-${fused}-${i}`));
      const target = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 50 + i));
      const opt = new FlatAdam(vars, 0.01);
      const before = vars.map((v) => Array.from(v.dataSync()));
      const grad0 = vars.map((v, i) => Array.from(tf.tidy(() => tf.mul(tf.sub(v, target[i]!), 2)).dataSync()));
      const loss = () => tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, target[i]!))))) as tf.Scalar;
      const states: number[][][] = [];
      for (let s = 0; s < 3; s++) {
        opt.minimize(loss).dispose();
        states.push(vars.map((v) => Array.from(v.dataSync())));
      }
      opt.dispose();
      tf.dispose([...vars, ...target]);
      setFusedKernels(true);
      return { before, grad0, states };
    };
    const fused = run(true);
    const perOp = run(false);
    expect(adamKernel()).toBeDefined();
    adamKernel.setEnabled(false);
    const fusedWithoutKernel = run(true);
    adamKernel.setEnabled(true);
    expect(fused.states).toEqual(perOp.states);
    expect(fusedWithoutKernel.states).toEqual(perOp.states);
    // d/dv Σ(v − t)² = 2(v − t); first Adam step: v − lr·g/(|g| + ε).
    fused.before.forEach((b, i) =>
      b.forEach((v0, j) => {
        const g = fused.grad0[i]![j]!;
        expect(fused.states[0]![i]![j]).toBeCloseTo(v0 - (0.01 * g) / (Math.abs(g) + 1e-8), 6);
      }),
    );
  });
});

describe('training with the fused kernels', () => {
  for (const kind of ['lstm', 'bilstm', 'gru'] as const) {
    it(`a seeded ${kind} run (dropout, 2 epochs, 3 batches each) ends with the same losses and weights, bit for bit, as the per-op path`, async () => {
      await tf.setBackend('wasm');
      const n = 24;
      const x = Float32Array.from({ length: n * 3 * 5 }, (_, i) => Math.sin(i * 1.7) * 2);
      const data = { x, y: Int32Array.from({ length: n }, (_, i) => i % 3), sampleShape: [3, 5] };
      const run = async (fused: boolean) => {
        setFusedKernels(fused);
        const net = buildSequenceModel({ kind, steps: 3, nFeatures: 5, nClasses: 3, units: 8, denseUnits: 6, seed: 4 });
        try {
          const r = await trainNetwork(net, data, { epochs: 2, batchSize: 8, seed: 9 });
          return { losses: r.history.map((h) => h.trainLoss), weights: net.variables.map((v) => Array.from(v.dataSync())) };
        } finally {
          setFusedKernels(true);
          net.dispose();
        }
      };
      const fused = await run(true);
      const perOp = await run(false);
      expect(fused).toEqual(perOp);
      // It trained: the weights moved from their seeded start.
      const start = buildSequenceModel({ kind, steps: 3, nFeatures: 5, nClasses: 3, units: 8, denseUnits: 6, seed: 4 });
      expect(maxAbsDiff(start.variables[0]!.dataSync(), fused.weights[0]!)).toBeGreaterThan(1e-4);
      start.dispose();
    });
  }
});

describe('fused kernels elsewhere', () => {
  it('are off when turned off, and on for wasm', async () => {
    await tf.setBackend('wasm');
    setFusedKernels(false);
    expect(hasFusedKernels()).toBe(false);
    setFusedKernels(true);
    expect(hasFusedKernels()).toBe(true);
    expect(hasFusedGru()).toBe(true);
    // The benchmark's "before" for the GRU: everything fused but its cell.
    setFusedKernels(true, { gru: false });
    expect([hasFusedKernels(), hasFusedGru()]).toEqual([true, false]);
    setFusedKernels(true);
  });
});
