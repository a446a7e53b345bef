/**
 * One training step of a 4-block CNN (3×3 conv 8-16-32-64 'same' → ReLU → 2×2 max-pool, then
 * global average pooling → Dense 10, softmax cross-entropy) on 32 × 128 × 128 × 1 inputs, on Node
 * wasm: stock tf.conv2d gradients (Conv2DBackpropInput + the lab's Conv2DBackpropFilter from
 * wasmKernels.ts) against conv2dFast (both gradients as conv2d). Prints the median and minimum
 * of a few steps of each, alternating, after one warm-up step each. Then the laptop small VGG
 * (with batch norm) through the lab's own path, wrapModel + trainNetwork, on the same batch shape.
 *
 *   npx tsx bench/conv.ts [steps=3]
 */
import * as tf from '@tensorflow/tfjs';
import { buildVggCnn } from '../src/core/models/cnn';
import { conv2dFast } from '../src/core/models/conv';
import { trainNetwork } from '../src/core/models/loop';
import { registerWasmConv2DBackpropFilter } from '../src/core/models/wasmKernels';
import { initNodeBackend } from '../src/node/tfNode';

type Conv = (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D;

const CHANNELS = [8, 16, 32, 64];
const BATCH = 32;
const SIZE = 128;
const CLASSES = 10;

function makeVars(): tf.Variable[] {
  // tidy disposes the initial values; variables survive it.
  return tf.tidy(() => {
    const vars: tf.Variable[] = [];
    let cin = 1;
    CHANNELS.forEach((cout, i) => {
      vars.push(tf.variable(tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)), 'float32', i)));
      vars.push(tf.variable(tf.zeros([cout])));
      cin = cout;
    });
    vars.push(tf.variable(tf.randomNormal([cin, CLASSES], 0, 0.1, 'float32', 99)));
    return vars;
  });
}

function loss(conv: Conv, vars: tf.Variable[], x: tf.Tensor4D, oneHot: tf.Tensor2D): tf.Scalar {
  let h = x;
  CHANNELS.forEach((_, i) => {
    h = tf.maxPool(tf.relu(tf.add(conv(h, vars[2 * i] as tf.Variable as unknown as tf.Tensor4D), vars[2 * i + 1] as tf.Variable)) as tf.Tensor4D, 2, 2, 'valid') as tf.Tensor4D;
  });
  const logits = tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, vars[vars.length - 1] as tf.Variable as unknown as tf.Tensor2D);
  return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
}

interface Runner {
  /** One training step (gradients of every variable + an SGD update); returns seconds. */
  step(): Promise<number>;
  dispose(): void;
}

function makeRunner(conv: Conv): Runner {
  const vars = makeVars();
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32'), CLASSES) as tf.Tensor2D);
  return {
    async step() {
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(() => loss(conv, vars, x, y), vars);
      tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.01)))));
      await value.data();
      await vars[0]!.data();
      value.dispose();
      tf.dispose(Object.values(grads));
      return (performance.now() - t0) / 1000;
    },
    dispose: () => tf.dispose([x, y, ...vars]),
  };
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 3);
  await initNodeBackend('wasm');
  registerWasmConv2DBackpropFilter();
  console.log(`backend ${tf.getBackend()}; batch ${BATCH} × ${SIZE}×${SIZE}×1, channels ${CHANNELS.join('-')}; ${steps} timed step(s) each after 1 warm-up, alternating (the machine is shared: load changes between steps)`);
  const before = tf.memory().numTensors;
  const fast = makeRunner((x, f) => conv2dFast(x, f, 1, 'same'));
  const stock = makeRunner((x, f) => tf.conv2d(x, f, 1, 'same'));
  await fast.step();
  await stock.step();
  const tf_: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < steps; i++) {
    tf_.push(await fast.step());
    ts.push(await stock.step());
  }
  fast.dispose();
  stock.dispose();
  const show = (a: number[]): string => `median ${median(a).toFixed(2)} s, min ${Math.min(...a).toFixed(2)} s (${a.map((t) => t.toFixed(2)).join(', ')})`;
  console.log(`conv2dFast gradients:      ${show(tf_)}`);
  console.log(`stock tf.conv2d gradients: ${show(ts)}`);
  console.log(`speed-up (medians) ${(median(ts) / median(tf_)).toFixed(1)}×; tensors leaked: ${tf.memory().numTensors - before}`);

  const net = buildVggCnn({ nBands: SIZE, nFrames: SIZE, nClasses: CLASSES, seed: 1 });
  const n = BATCH * (steps + 1);
  const data = { x: Float32Array.from({ length: n * SIZE * SIZE }, (_, i) => Math.sin(i * 12.9898) % 1), y: Int32Array.from({ length: n }, (_, i) => i % CLASSES), sampleShape: [SIZE, SIZE, 1] };
  const batchMs: number[] = [];
  let last = performance.now();
  await trainNetwork(net, data, {
    epochs: 1,
    batchSize: BATCH,
    seed: 1,
    onProgress: (p) => {
      const now = performance.now();
      if (p.batch > 1) batchMs.push((now - last) / 1000); // the first batch includes warm-up
      last = now;
    },
  });
  net.dispose();
  console.log(`small VGG (laptop, batch norm) via trainNetwork: ${show(batchMs)} per batch of ${BATCH}`);
}

void main();
