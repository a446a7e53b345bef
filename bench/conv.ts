/**
 * One training step of a 4-block CNN (3×3 conv 8-16-32-64 'same' → ReLU → 2×2 max-pool, then
 * global average pooling → Dense 10, softmax cross-entropy) on 32 × 128 × 128 × 1 inputs, on Node
 * wasm: stock tf.conv2d gradients (Conv2DBackpropInput + the lab's Conv2DBackpropFilter from
 * wasmKernels.ts) against conv2dFast (conv2d + im2col·matMul). Prints the median of a few steps
 * after one warm-up step.
 *
 *   npx tsx bench/conv.ts [steps=3]
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dFast } from '../src/core/models/conv';
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
      vars.push(tf.variable(tf.randomNormal([3, 3, cin, cout], 0, Math.sqrt(2 / (9 * cin)), 'float32', i), true, `k${i}`));
      vars.push(tf.variable(tf.zeros([cout]), true, `b${i}`));
      cin = cout;
    });
    vars.push(tf.variable(tf.randomNormal([cin, CLASSES], 0, 0.1, 'float32', 99), true, 'dense'));
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

/** Seconds per step (gradients of every variable + an SGD update), median of `steps` after a warm-up. */
async function timeStep(conv: Conv, steps: number): Promise<number[]> {
  const vars = makeVars();
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % CLASSES), 'int32'), CLASSES) as tf.Tensor2D);
  const times: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => loss(conv, vars, x, y), vars);
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.01)))));
    await value.data();
    await vars[0]!.data();
    if (s > 0) times.push((performance.now() - t0) / 1000);
    value.dispose();
    tf.dispose(Object.values(grads));
  }
  tf.dispose([x, y, ...vars]);
  return times;
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 3);
  const choice = await initNodeBackend('wasm');
  registerWasmConv2DBackpropFilter();
  console.log(`backend ${tf.getBackend()} (${JSON.stringify(choice).slice(0, 80)}); batch ${BATCH} × ${SIZE}×${SIZE}×1, channels ${CHANNELS.join('-')}, ${steps} timed step(s) after 1 warm-up`);
  const before = tf.memory().numTensors;
  const fast = await timeStep((x, f) => conv2dFast(x, f, 1, 'same'), steps);
  console.log(`conv2dFast gradients: median ${median(fast).toFixed(2)} s/step (${fast.map((t) => t.toFixed(2)).join(', ')})`);
  const stock = await timeStep((x, f) => tf.conv2d(x, f, 1, 'same'), steps);
  console.log(`stock tf.conv2d gradients: median ${median(stock).toFixed(2)} s/step (${stock.map((t) => t.toFixed(2)).join(', ')})`);
  console.log(`speed-up ${(median(stock) / median(fast)).toFixed(1)}×; tensors leaked: ${tf.memory().numTensors - before}`);
}

void main();
