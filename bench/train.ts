/**
 * LSTM epoch time on the NTNU 10 s table shape (792 tracks × 3 steps × 63 features, batch 32),
 * step by step from tf.layers `model.fit` to the lab's training loop, against PyTorch's
 * 0.08–0.16 s per epoch on the same kind of machine; then the GRU, per-op against fused. Uses the
 * real table when ../shared is there, else random data of the same shape (timing does not depend
 * on the values).
 *
 * Wired into bench/run.ts by `runTrainBench()`.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveSplit } from '../src/core/data/split';
import { buildInputs } from '../src/core/models/inputs';
import { zscoreScaler, type InputSpec } from '../src/core/models/inputSpec';
import { fitStandardizer } from '../src/core/data/scale';
import { selectMatrix } from '../src/core/data/dataset';
import { gruFused, gruLast, lstmFused, lstmLast, matMulFast } from '../src/core/models/network';
import { buildSequenceModel, type SequenceKind } from '../src/core/models/sequence';
import type { TensorData } from '../src/core/models/batches';
import { trainNetwork } from '../src/core/models/loop';
import { loadTableFile } from '../src/node/loadTable';
import { sharedPath } from '../src/node/paths';
import { initNodeBackend } from '../src/node/tfNode';

const PYTORCH_EPOCH_SEC: [number, number] = [0.08, 0.16];
const H = 128;

function loadData(): { data: TensorData; source: string } {
  const file = sharedPath('data', 'gtzan', 'GenreClassData_10s.txt');
  if (file) {
    const ds = loadTableFile(file);
    const split = resolveSplit(ds);
    const cols = ds.featureNames.map((_, i) => i);
    const spec: InputSpec = { version: 2, input: 'segment-sequences', recipe: ds.meta.recipe ?? null, recipeVersion: null, featureNames: ds.featureNames, scaler: zscoreScaler(fitStandardizer(selectMatrix(ds, split.train, cols), cols.length)), genres: ds.genres, steps: 3 };
    return { data: buildInputs(ds, split.train, spec), source: 'NTNU 10 s train split' };
  }
  const n = 792;
  const x = Float32Array.from({ length: n * 3 * 63 }, (_, i) => Math.sin(i * 12.9898) % 1);
  return { data: { x, y: Int32Array.from({ length: n }, (_, i) => i % 10), sampleShape: [3, 63] }, source: 'random data of the NTNU 10 s shape (../shared absent)' };
}

/**
 * Epoch seconds: one warm-up epoch, then the fastest of `timed` epochs. The fastest, not the
 * median: the course machines are shared, and other processes only ever add time.
 */
async function timeEpochs(runEpoch: () => Promise<void>, timed = 5): Promise<number> {
  await runEpoch();
  const times: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t0 = performance.now();
    await runEpoch();
    times.push((performance.now() - t0) / 1000);
  }
  return Math.min(...times);
}

/** Step 0: plain tf.layers LSTM + model.fit. */
async function layersFit(data: TensorData, batchSize: number): Promise<number> {
  const [T, F] = data.sampleShape as [number, number];
  const n = data.y.length;
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: H, inputShape: [T, F], recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor3d(data.x, [n, T, F]);
  const y = tf.tensor2d(Float32Array.from(data.y), [n, 1]);
  const sec = await timeEpochs(async () => {
    await model.fit(x, y, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
  });
  tf.dispose([x, y]);
  model.dispose();
  return sec;
}

type Cell = 'split' | 'split-fast' | 'per-op' | 'fused' | 'gru-per-op' | 'gru-fused';

/**
 * Steps 1–4: a hand-written training step with `optimizer.minimize`:
 * - `split`: input projection of all steps in one matMul, four-way split of the gates, tf.matMul;
 * - `split-fast`: the same with {@link matMulFast} (explicit-transpose gradients);
 * - `per-op`: the lab's per-op cell (no h·U at t = 0, one sigmoid over the gate block);
 * - `fused`: the lab's LSTM as one op with a hand-written backward pass ({@link lstmFused});
 * - `gru-per-op`, `gru-fused`: the same two for the GRU ({@link gruLast}, {@link gruFused}).
 */
async function customStep(data: TensorData, batchSize: number, cell: Cell): Promise<{ sec: number; kernels: number }> {
  const fast = cell !== 'split';
  const [T, F] = data.sampleShape as [number, number];
  const n = data.y.length;
  const mm = (a: tf.Tensor2D, b: tf.Tensor2D) => (fast ? matMulFast(a, b) : tf.matMul(a, b));
  const gates = cell.startsWith('gru') ? 3 : 4;
  const v = (shape: [number, number] | [number], seed: number) => tf.variable(tf.randomUniform(shape, -0.08, 0.08, 'float32', seed));
  const W = v([F, gates * H], 1);
  const U = v([H, gates * H], 2);
  const b = v([gates * H], 3);
  const W1 = v([H, 128], 4);
  const b1 = v([128], 5);
  const W2 = v([128, 10], 6);
  const b2 = v([10], 7);
  const vars = [W, U, b, W1, b1, W2, b2];
  const opt = tf.train.adam(1e-3);
  const recurrent = (xb: tf.Tensor3D): tf.Tensor2D => {
    if (cell === 'per-op') return lstmLast(xb, [W, U, b], H, false);
    if (cell === 'fused') return lstmFused(xb, W, U, b, H, false);
    if (cell === 'gru-per-op') return gruLast(xb, [W, U, b], H);
    if (cell === 'gru-fused') return gruFused(xb, W, U, b, H);
    const nb = xb.shape[0];
    const xw = tf.unstack(tf.add(mm(tf.reshape(xb, [nb * T, F]), W as tf.Tensor2D), b).reshape([nb, T, 4 * H]), 1) as tf.Tensor2D[];
    let h: tf.Tensor2D = tf.zeros([nb, H]);
    let c: tf.Tensor2D = tf.zeros([nb, H]);
    for (const x of xw) {
      const [zi, zf, zc, zo] = tf.split(tf.add(x, mm(h, U as tf.Tensor2D)), 4, 1) as tf.Tensor2D[];
      c = tf.add(tf.mul(tf.sigmoid(zf!), c), tf.mul(tf.sigmoid(zi!), tf.tanh(zc!)));
      h = tf.mul(tf.sigmoid(zo!), tf.tanh(c));
    }
    return h;
  };
  const forward = (xb: tf.Tensor3D): tf.Tensor2D => {
    const h = recurrent(xb);
    const a = tf.dropout(tf.relu(tf.add(mm(h, W1 as tf.Tensor2D), b1)), 0.3) as tf.Tensor2D;
    return tf.add(mm(a, W2 as tf.Tensor2D), b2);
  };
  const order = Array.from({ length: n }, (_, i) => i);
  const per = T * F;
  const sec = await timeEpochs(async () => {
    tf.util.shuffle(order);
    for (let s = 0; s < n; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const xa = new Float32Array(idx.length * per);
      const ya = new Float32Array(idx.length * 10);
      idx.forEach((r, j) => {
        xa.set(data.x.subarray(r * per, (r + 1) * per), j * per);
        ya[j * 10 + (data.y[r] as number)] = 1;
      });
      const xb = tf.tensor3d(xa, [idx.length, T, F]);
      const yb = tf.tensor2d(ya, [idx.length, 10]);
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)) as tf.Scalar, true, vars);
      loss?.dataSync();
      loss?.dispose();
      xb.dispose();
      yb.dispose();
    }
  });
  // Kernel launches in one training step: a load-independent measure of the work per batch.
  const xb = tf.tensor3d(data.x.subarray(0, batchSize * per), [batchSize, T, F]);
  const yb = tf.oneHot(tf.tensor1d(data.y.subarray(0, batchSize), 'int32'), 10).toFloat();
  const prof = await tf.profile(() => {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(xb)) as tf.Scalar, false, vars);
  });
  tf.dispose([xb, yb]);
  opt.dispose();
  tf.dispose(vars);
  return { sec, kernels: prof.kernels.length };
}

/** Step 3: the lab's loop (trainNetwork over Network.forward) as the UI and CLI run it. */
async function labLoop(data: TensorData, batchSize: number, kind: SequenceKind = 'lstm'): Promise<number> {
  const [T, F] = data.sampleShape as [number, number];
  const net = buildSequenceModel({ kind, steps: T, nFeatures: F, nClasses: 10, seed: 0 });
  const r = await trainNetwork(net, data, { epochs: 6, batchSize, seed: 0 });
  net.dispose();
  return Math.min(...r.history.slice(1).map((h) => h.epochMs / 1000));
}

export async function runTrainBench(): Promise<void> {
  const backend = await initNodeBackend();
  const { data, source } = loadData();
  const log = (s: string) => process.stdout.write(s + '\n');
  log(`LSTM(128) epoch time, ${data.y.length} × ${data.sampleShape.join(' × ')} (${source}), backend ${backend.name}`);
  log(`PyTorch on this machine: ${PYTORCH_EPOCH_SEC[0]}–${PYTORCH_EPOCH_SEC[1]} s/epoch (batch 32). Times: fastest of 5 epochs after a warm-up.`);
  const rows: [string, number][] = [];
  const report = (name: string, r: number | { sec: number; kernels: number }) => {
    const sec = typeof r === 'number' ? r : r.sec;
    rows.push([name, sec]);
    const kernels = typeof r === 'number' ? '' : `   ${r.kernels} kernels/step (tf.train.adam)`;
    log(
      `${name.padEnd(62)} ${sec.toFixed(3)} s/epoch   ×${(sec / PYTORCH_EPOCH_SEC[1]).toFixed(1)}–×${(sec / PYTORCH_EPOCH_SEC[0]).toFixed(1)} PyTorch${kernels}`,
    );
  };
  report('0 tf.layers LSTM + model.fit (batch 32)', await layersFit(data, 32));
  report('1 custom step: one input matMul, split gates, minimize()', await customStep(data, 32, 'split'));
  report('2 + matMul gradients with explicit transposes (wasm)', await customStep(data, 32, 'split-fast'));
  report('3 + no h·U at t=0, one sigmoid over the gate block', await customStep(data, 32, 'per-op'));
  report('4 + fused LSTM op with hand-written BPTT backward', await customStep(data, 32, 'fused'));
  report('5 lab loop (trainNetwork: + metrics, seeded dropout)', await labLoop(data, 32));
  report('   (for scale) lab loop, batch 64', await labLoop(data, 64));
  const final = rows[5]?.[1] ?? NaN;
  log(`goal ≤ 2 × PyTorch = ${2 * PYTORCH_EPOCH_SEC[0]}–${2 * PYTORCH_EPOCH_SEC[1]} s/epoch; lab loop at batch 32: ${final.toFixed(3)} s/epoch`);
  log('GRU(128), same data and batch 32:');
  report('6 GRU custom step, per-op cell (autodiff backward)', await customStep(data, 32, 'gru-per-op'));
  report('7 GRU custom step, fused op with hand-written BPTT backward', await customStep(data, 32, 'gru-fused'));
  report('8 GRU lab loop (trainNetwork)', await labLoop(data, 32, 'gru'));
}

// `npx tsx bench/train.ts` runs it directly.
if (import.meta.url === `file://${process.argv[1]}`) void runTrainBench();
