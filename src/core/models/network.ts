/**
 * A trainable network: a tf.layers Sequential model (its topology and weights are what we save)
 * plus a hand-written forward pass over the *same* variables, used for training and prediction.
 *
 * Why not `model.fit` / `model.predict`: on the wasm backend (the fastest one on the course
 * machines) tfjs-layers' RNN steps through many small ops per time step, and every matMul
 * gradient uses the transposed-operand form, which tfjs-backend-wasm 4.22 runs on a slow
 * non-XNNPACK path (measured: 32×128·128×512 with transposeA 2.8 ms vs 0.19 ms with an explicit
 * transpose). The forward pass below computes the input projection of all time steps in one
 * matMul and uses {@link matMulFast}, whose gradient transposes explicitly. A test checks that it
 * agrees with `model.predict`.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { batchNormReluTraining, batchNormTraining, type PoolGeometry } from './batchNorm';
import { conv2dFast } from './conv';
import { hasFusedGru, hasFusedKernels, runDenseBackward, runDenseForward, runDropout, runGruBackward, runGruForward, runLstmBackward, runLstmForward, runMatMulGrad } from './fusedKernels';

/**
 * matMul of two 2-D tensors whose gradient avoids transposed matMuls (slow on wasm): dA = dY·Bᵀ and
 * dB = Aᵀ·dY with Aᵀ, Bᵀ materialised by `transpose` first (on wasm and cpu one fused kernel,
 * fusedKernels.ts, with the same values).
 */
export const matMulFast = tf.customGrad(((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      hasFusedKernels()
        ? runMatMulGrad(dy, saved[0] as tf.Tensor, saved[1] as tf.Tensor)
        : [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export interface Network {
  /** The registry id of the model kind (registry.ts). */
  kind: string;
  /** The tf.layers model (topology + weights); softmax output. */
  model: tf.LayersModel;
  /** Per-sample input shape: `[features]`, `[steps, features]` or `[bands, frames, 1]`. */
  inputShape: number[];
  nClasses: number;
  /** Trainable variables, in `model.trainableWeights` order. */
  variables: tf.Variable[];
  /**
   * Non-trainable variables the forward pass updates in training (batch norm's moving mean and
   * variance), in `model.nonTrainableWeights` order; empty for models without batch norm. A
   * best-weights snapshot must copy them with `variables`, or the restored weights run with the
   * moving statistics of a later epoch.
   */
  state: tf.Variable[];
  /**
   * Logits for a batch. With `training`, dropout is applied with masks drawn from `dropoutSeed`
   * (one seed per batch, so a run is reproducible).
   */
  forward(x: tf.Tensor, training: boolean, dropoutSeed?: number, onLayer?: LayerHook): tf.Tensor2D;
  dispose(): void;
}

// Moved to batchNorm.ts with the fused batch norm → ReLU → max-pool op; re-exported for the tests and callers.
export { batchNormTraining } from './batchNorm';

/**
 * Called with each layer's output as the forward pass goes (index into `model.layers`); what it
 * returns is passed on instead — an identity with a custom gradient lets Grad-CAM read a layer's
 * activations and their gradient (gradCam.ts).
 */
export type LayerHook = (layerIndex: number, output: tf.Tensor) => tf.Tensor;

/** One layer's computation; `more` holds the further inputs of a merge layer (Add) in a functional model. */
type Step = (x: tf.Tensor, training: boolean, seed: number, more?: tf.Tensor[]) => tf.Tensor;

function weightsOf(layer: tf.layers.Layer): tf.Variable[] {
  return layer.trainableWeights.map((w) => w.read() as tf.Variable);
}

function activate(x: tf.Tensor, name: string, layer: string): tf.Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'linear':
      return x;
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    default:
      throw new LabError('bad-argument', `Layer ${layer}: activation "${name}" is not supported by the fast forward pass.`);
  }
}

function checkRecurrentConfig(cfg: tf.serialization.ConfigDict, layer: string): void {
  const act = cfg['activation'];
  const rec = cfg['recurrentActivation'];
  if (act !== 'tanh' || rec !== 'sigmoid' || cfg['returnSequences'] || cfg['useBias'] === false)
    throw new LabError('bad-argument', `Layer ${layer}: only tanh/sigmoid recurrent layers returning the last state are supported.`);
}

/** Input projection of every time step at once: [n, T, F] → T tensors [n, G]. */
function projectInputs(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D[] {
  const [n, T, F] = x.shape as [number, number, number];
  const g = kernel.shape[1] as number;
  const xw = tf.add(matMulFast(tf.reshape(x, [n * T, F]) as tf.Tensor2D, kernel as tf.Tensor2D), bias).reshape([n, T, g]);
  return tf.unstack(xw, 1) as tf.Tensor2D[];
}

/** LSTM (Keras gate order i, f, c, o), last hidden state. `reverse` reads the sequence backwards. Autodiff reference for {@link lstmFused}. */
export function lstmLast(x: tf.Tensor, vars: tf.Variable[], units: number, reverse: boolean): tf.Tensor2D {
  const [kernel, recurrent, bias] = vars as [tf.Variable, tf.Variable, tf.Variable];
  // Copy before reversing: the array unstack returns is also its tape record of outputs, and
  // reversing it in place silently swaps the gradients of the time steps.
  const unstacked = projectInputs(x, kernel, bias);
  const steps = reverse ? [...unstacked].reverse() : unstacked;
  const n = x.shape[0] as number;
  let h: tf.Tensor2D = tf.zeros([n, units]);
  let c: tf.Tensor2D = tf.zeros([n, units]);
  steps.forEach((xw, t) => {
    // At t = 0 the state is zero, so h·U is skipped (saves a matMul and its gradient).
    const z = t === 0 ? xw : tf.add(xw, matMulFast(h, recurrent as tf.Tensor2D));
    // One sigmoid over the whole gate block, then slices: fewer kernel launches than four.
    const s = tf.sigmoid(z);
    const i = tf.slice(s, [0, 0], [n, units]);
    const f = tf.slice(s, [0, units], [n, units]);
    const o = tf.slice(s, [0, 3 * units], [n, units]);
    const g = tf.tanh(tf.slice(z, [0, 2 * units], [n, units]));
    c = t === 0 ? tf.mul(i, g) : tf.add(tf.mul(f, c), tf.mul(i, g));
    h = tf.mul(o, tf.tanh(c));
  });
  return h;
}

/**
 * The same LSTM as {@link lstmLast} as one differentiable op with a hand-written backward pass
 * (backpropagation through time). tfjs's generic backward pass of the per-op graph costs ~3× the
 * forward's kernel launches (broadcast sums, slice→pad, unstack→stack, identities); here the
 * gate derivatives are formed once per step over the whole 4H block and the weight gradients are
 * two matMuls over all steps. Checked against autodiff of {@link lstmLast} in network.test.ts.
 * On wasm and cpu it runs as two kernels ({@link lstmFusedKernels}) with the same values.
 * `inputGrad` false: no gradient for x (the model's input), which saves its matMul.
 */
export function lstmFused(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor, units: number, reverse: boolean, inputGrad = true): tf.Tensor2D {
  const [n, T, F] = x.shape as [number, number, number];
  const H = units;
  if (hasFusedKernels()) return lstmFusedKernels(x, kernel, recurrent, bias, units, reverse, inputGrad);
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, W, U, b, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const xw = tf.unstack(tf.add(tf.matMul(tf.reshape(xi, [n * T, F]) as tf.Tensor2D, W), b).reshape([n, T, 4 * H]), 1) as tf.Tensor2D[];
    const order = Array.from({ length: T }, (_, k) => (reverse ? T - 1 - k : k));
    let h: tf.Tensor | undefined;
    let c: tf.Tensor | undefined;
    // Per step k: sigmoid block, tanh block, previous c, tanh(c), previous h.
    const saved: tf.Tensor[] = [];
    for (let k = 0; k < T; k++) {
      const xwk = xw[order[k] as number] as tf.Tensor2D;
      const z = h ? tf.add(xwk, tf.matMul(h as tf.Tensor2D, U)) : xwk;
      const s = tf.sigmoid(z);
      const tz = tf.tanh(z);
      const i = tf.slice(s, [0, 0], [n, H]);
      const f = tf.slice(s, [0, H], [n, H]);
      const g = tf.slice(tz, [0, 2 * H], [n, H]);
      const o = tf.slice(s, [0, 3 * H], [n, H]);
      const cPrev = c ?? tf.zeros([n, H]);
      c = c ? tf.add(tf.mul(f, c), tf.mul(i, g)) : tf.mul(i, g);
      const tc = tf.tanh(c);
      saved.push(s, tz, cPrev, tc, h ?? tf.zeros([n, H]));
      h = tf.mul(o, tc);
    }
    save([xi, W, U, ...saved]);
    return {
      value: h as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, sv: tf.Tensor[]) => {
        const [xs, Ws, Us] = sv as [tf.Tensor, tf.Tensor2D, tf.Tensor2D];
        const Ut = tf.transpose(Us);
        // Which block of the 4H gate vector is the tanh gate (g); the rest are sigmoids.
        const isG = tf.concat([tf.zeros([1, 2 * H]), tf.ones([1, H]), tf.zeros([1, H])], 1);
        const dzByTime: tf.Tensor2D[] = new Array(T);
        const dzRec: tf.Tensor2D[] = [];
        const hPrevRec: tf.Tensor2D[] = [];
        let dh: tf.Tensor = dy;
        let dc: tf.Tensor | undefined;
        for (let k = T - 1; k >= 0; k--) {
          const base = 3 + 5 * k;
          const [s, tz, cPrev, tc, hPrev] = sv.slice(base, base + 5) as tf.Tensor2D[];
          const i = tf.slice(s!, [0, 0], [n, H]);
          const f = tf.slice(s!, [0, H], [n, H]);
          const o = tf.slice(s!, [0, 3 * H], [n, H]);
          const g = tf.slice(tz!, [0, 2 * H], [n, H]);
          const dcNow = tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc!)));
          const dcT = dc ? tf.add(dc, dcNow) : dcNow;
          // d(gate) for i, f, g, o, then × the activation's derivative over the whole block:
          // σ' = s(1 − s) for i, f, o; tanh' = 1 − tz² for g.
          const dGate = tf.concat([tf.mul(dcT, g), tf.mul(dcT, cPrev!), tf.mul(dcT, i), tf.mul(dh, tc!)], 1);
          const deriv = tf.add(tf.mul(tf.mul(s!, tf.sub(1, s!)), tf.sub(1, isG)), tf.mul(tf.sub(1, tf.square(tz!)), isG));
          const dz = tf.mul(dGate, deriv) as tf.Tensor2D;
          dzByTime[order[k] as number] = dz;
          if (k > 0) {
            dzRec.push(dz);
            hPrevRec.push(hPrev!);
            dh = tf.matMul(dz, Ut as tf.Tensor2D);
          }
          dc = tf.mul(dcT, f);
        }
        const dZ = tf.reshape(tf.stack(dzByTime, 1), [n * T, 4 * H]) as tf.Tensor2D;
        const xFlat = tf.reshape(xs, [n * T, F]) as tf.Tensor2D;
        const dW = tf.matMul(tf.transpose(xFlat), dZ);
        const db = tf.sum(dZ, 0);
        const dX = tf.reshape(tf.matMul(dZ, tf.transpose(Ws)), [n, T, F]);
        const dU = hPrevRec.length
          ? tf.matMul(tf.transpose(tf.concat(hPrevRec, 0)), tf.concat(dzRec, 0))
          : tf.zerosLike(Us);
        return [dX, dW, dU, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor, u: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  return op(x, kernel, recurrent, bias);
}

/**
 * {@link lstmFused} as two kernels (forward, backward) on backends with typed-array access
 * (fusedKernels.ts): the same values, bit for bit, with one engine call each way instead of ~150
 * per training step.
 */
function lstmFusedKernels(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor, units: number, reverse: boolean, inputGrad: boolean): tf.Tensor2D {
  const attrs = { units, reverse, inputGrad };
  return recurrentKernelOp(
    (xi, W, U, b) => runLstmForward(xi, W, U, b, attrs),
    (dy, xs, Ws, Us, tape) => runLstmBackward(dy, xs, Ws, Us, tape, attrs),
    [x, kernel, recurrent, bias],
    inputGrad,
  );
}

/**
 * A recurrent layer as one differentiable op over a forward kernel (returning the last h, then
 * its tape) and a backward kernel (dy, x, W, U, tape → gradients). Without `inputGrad` x is not
 * an input of the op (no gradient flows to it).
 */
function recurrentKernelOp(
  forward: (x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, b: tf.Tensor) => tf.Tensor[],
  backward: (dy: tf.Tensor, x: tf.Tensor, W: tf.Tensor, U: tf.Tensor, tape: tf.Tensor[]) => tf.Tensor[],
  [x, kernel, recurrent, bias]: [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor],
  inputGrad: boolean,
): tf.Tensor2D {
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, W, U, b] = (inputGrad ? args : [x, ...args]) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [h, ...tape] = forward(xi, W, U, b) as [tf.Tensor, ...tf.Tensor[]];
    save([xi, W, U, ...tape]);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor, sv: tf.Tensor[]) => {
        const [xs, Ws, Us, ...tp] = sv as [tf.Tensor, tf.Tensor, tf.Tensor, ...tf.Tensor[]];
        return backward(dy, xs, Ws, Us, tp);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: tf.Tensor[]) => tf.Tensor2D;
  return inputGrad ? op(x, kernel, recurrent, bias) : op(kernel, recurrent, bias);
}

/**
 * act(x·W + b) for x [n, K]: one fused op on wasm and cpu for ReLU and linear layers with a bias
 * ({@link denseFusedKernels}), else matMulFast, add and the activation. `inputGrad` false when x
 * is the model's input. `layer` names the layer in errors.
 */
export function denseLayer(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | undefined, act: string, inputGrad = true, layer = 'dense'): tf.Tensor {
  if (bias && x.rank === 2 && (act === 'relu' || act === 'linear') && hasFusedKernels()) return denseFusedKernels(x, kernel, bias, act === 'relu', inputGrad);
  const y = matMulFast(x as tf.Tensor2D, kernel as tf.Tensor2D);
  return activate(bias ? tf.add(y, bias) : y, act, layer);
}

/** tf.dropout(x, rate, undefined, seed), as one fused op on wasm and cpu ({@link dropoutFused}) with the same values. */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return hasFusedKernels() ? dropoutFused(x, rate, seed) : tf.dropout(x, rate, undefined, seed);
}

/**
 * A Dense layer x·W + b with ReLU or no activation as one op with a hand-written backward pass,
 * on backends with typed-array access (fusedKernels.ts): the per-op path's matMulFast, bias add
 * and relu, and their gradients, with the same values and 2 engine calls instead of ~10. Without
 * `inputGrad` x is not an input of the op (the model's input: nothing reads its gradient).
 */
function denseFusedKernels(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, relu: boolean, inputGrad: boolean): tf.Tensor2D {
  const attrs = { relu, inputGrad };
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, W, b] = (inputGrad ? args : [x, ...args]) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const y = runDenseForward(xi, W, b, attrs);
    save([xi, W, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, Ws, ys]: tf.Tensor[]) => runDenseBackward(dy, xs as tf.Tensor, Ws as tf.Tensor, ys as tf.Tensor, attrs),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...t: tf.Tensor[]) => tf.Tensor2D;
  return inputGrad ? op(x, kernel, bias) : op(kernel, bias);
}

/**
 * tf.dropout(x, rate, undefined, seed) as one op on backends with typed-array access: the same
 * uniform draws (tf.randomUniform with the seed), multiplier floor(u + keep)/keep and product,
 * in one kernel; the gradient is dy⊙multiplier, as tfjs's Mul gradient computes it.
 */
function dropoutFused(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const u = tf.randomUniform(xi.shape, 0, 1, 'float32', seed);
    const [y, mult] = runDropout(xi, u, 1 - rate) as [tf.Tensor, tf.Tensor];
    save([mult]);
    return { value: y, gradFunc: (dy: tf.Tensor, [m]: tf.Tensor[]) => [tf.mul(dy, m as tf.Tensor)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}

/** GRU as tfjs-layers computes it (reset_after = false; gate order z, r, h). Autodiff reference for {@link gruFused}. */
export function gruLast(x: tf.Tensor, vars: tf.Variable[], units: number): tf.Tensor2D {
  const [kernel, recurrent, bias] = vars as [tf.Variable, tf.Variable, tf.Variable];
  const steps = projectInputs(x, kernel, bias);
  const n = x.shape[0] as number;
  const uzr = tf.slice(recurrent, [0, 0], [units, 2 * units]) as tf.Tensor2D;
  const uh = tf.slice(recurrent, [0, 2 * units], [units, units]) as tf.Tensor2D;
  let h: tf.Tensor2D = tf.zeros([n, units]);
  for (const xw of steps) {
    const zr = tf.sigmoid(tf.add(tf.slice(xw, [0, 0], [n, 2 * units]), matMulFast(h, uzr)));
    const z = tf.slice(zr, [0, 0], [n, units]);
    const r = tf.slice(zr, [0, units], [n, units]);
    const hh = tf.tanh(tf.add(tf.slice(xw, [0, 2 * units], [n, units]), matMulFast(tf.mul(r, h) as tf.Tensor2D, uh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
  }
  return h;
}

/**
 * The same GRU as {@link gruLast} as one differentiable op with a hand-written backward pass
 * (backpropagation through time), like {@link lstmFused}. With a = pre-activations,
 * z, r = σ(a_zr), a_zr = xW_zr + b_zr + h·U_zr; ĥ = tanh(a_h), a_h = xW_h + b_h + (r⊙h)·U_h;
 * h' = z⊙h + (1 − z)⊙ĥ. Backward for dh' per step:
 *   da_h = dh'⊙(1 − z)⊙(1 − ĥ²), d(r⊙h) = da_h·U_hᵀ, dz = dh'⊙(h − ĥ), dr = d(r⊙h)⊙h,
 *   da_zr = [dz, dr]⊙s(1 − s), dh = dh'⊙z + d(r⊙h)⊙r + da_zr·U_zrᵀ.
 * The weight gradients are matMuls over all steps; at t = 0 the state is zero, so h·U, its
 * gradient and dr are skipped. Checked against autodiff of {@link gruLast} in network.test.ts.
 * On wasm and cpu it runs as two kernels ({@link gruFusedKernels}) with the same values.
 * `inputGrad` false: no gradient for x (the model's input), which saves its matMul.
 */
export function gruFused(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor, units: number, inputGrad = true): tf.Tensor2D {
  const [n, T, F] = x.shape as [number, number, number];
  const H = units;
  if (hasFusedGru()) return gruFusedKernels(x, kernel, recurrent, bias, units, inputGrad);
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, W, U, b, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const xw = tf.add(tf.matMul(tf.reshape(xi, [n * T, F]) as tf.Tensor2D, W), b).reshape([n, T, 3 * H]);
    const xzr = tf.unstack(tf.slice(xw, [0, 0, 0], [n, T, 2 * H]), 1) as tf.Tensor2D[];
    const xh = tf.unstack(tf.slice(xw, [0, 0, 2 * H], [n, T, H]), 1) as tf.Tensor2D[];
    const Uzr = tf.slice(U, [0, 0], [H, 2 * H]) as tf.Tensor2D;
    const Uh = tf.slice(U, [0, 2 * H], [H, H]) as tf.Tensor2D;
    const zeros = tf.zeros([n, H]);
    let h: tf.Tensor | undefined;
    // Per step: sigmoid block [z, r], ĥ, previous h, r⊙(previous h) (zeros at t = 0).
    const saved: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const s = tf.sigmoid(h ? tf.add(xzr[t]!, tf.matMul(h as tf.Tensor2D, Uzr)) : xzr[t]!);
      const z = tf.slice(s, [0, 0], [n, H]);
      const rh = h ? tf.mul(tf.slice(s, [0, H], [n, H]), h) : undefined;
      const hh = tf.tanh(rh ? tf.add(xh[t]!, tf.matMul(rh as tf.Tensor2D, Uh)) : xh[t]!);
      saved.push(s, hh, h ?? zeros, rh ?? zeros);
      // z⊙h + (1 − z)⊙ĥ = ĥ + z⊙(h − ĥ); at t = 0 (h = 0) it is ĥ − z⊙ĥ.
      h = h ? tf.add(hh, tf.mul(z, tf.sub(h, hh))) : tf.sub(hh, tf.mul(z, hh));
    }
    save([xi, W, U, ...saved]);
    return {
      value: h as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, sv: tf.Tensor[]) => {
        const [xs, Ws, Us] = sv as [tf.Tensor, tf.Tensor2D, tf.Tensor2D];
        const UzrT = tf.transpose(tf.slice(Us, [0, 0], [H, 2 * H]));
        const UhT = tf.transpose(tf.slice(Us, [0, 2 * H], [H, H]));
        const dzrByTime: tf.Tensor[] = new Array(T);
        const dhByTime: tf.Tensor[] = new Array(T);
        // Steps t ≥ 1 (the ones with h·U): previous h, r⊙h, and the two gate-derivative blocks.
        const hPrevRec: tf.Tensor[] = [];
        const rhRec: tf.Tensor[] = [];
        const dzrRec: tf.Tensor[] = [];
        const dhRec: tf.Tensor[] = [];
        let dh: tf.Tensor = dy;
        for (let t = T - 1; t >= 0; t--) {
          const [s, hh, hPrev, rh] = sv.slice(3 + 4 * t, 7 + 4 * t) as tf.Tensor2D[];
          const z = tf.slice(s!, [0, 0], [n, H]);
          const daH = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(hh!)));
          const dz = tf.mul(dh, tf.sub(hPrev!, hh!));
          const sigmoidDeriv = tf.mul(s!, tf.sub(1, s!));
          dhByTime[t] = daH;
          if (t === 0) {
            // r only acts on the (zero) initial state: its gradient is zero, and dh is not needed.
            dzrByTime[t] = tf.mul(tf.concat([dz, tf.zerosLike(dz)], 1), sigmoidDeriv);
            break;
          }
          const dRh = tf.matMul(daH as tf.Tensor2D, UhT);
          const daZr = tf.mul(tf.concat([dz, tf.mul(dRh, hPrev!)], 1), sigmoidDeriv);
          dzrByTime[t] = daZr;
          hPrevRec.push(hPrev!);
          rhRec.push(rh!);
          dzrRec.push(daZr);
          dhRec.push(daH);
          const r = tf.slice(s!, [0, H], [n, H]);
          dh = tf.add(tf.add(tf.mul(dh, z), tf.mul(dRh, r)), tf.matMul(daZr as tf.Tensor2D, UzrT));
        }
        // Gate derivatives of all steps as [n·T, 3H], in the input projection's layout.
        const dA = tf.reshape(tf.concat([tf.stack(dzrByTime, 1), tf.stack(dhByTime, 1)], 2), [n * T, 3 * H]) as tf.Tensor2D;
        const xFlat = tf.reshape(xs, [n * T, F]) as tf.Tensor2D;
        const dW = tf.matMul(tf.transpose(xFlat), dA);
        const db = tf.sum(dA, 0);
        const dX = tf.reshape(tf.matMul(dA, tf.transpose(Ws)), [n, T, F]);
        // dU_zr = Σ h_prevᵀ·da_zr and dU_h = Σ (r⊙h_prev)ᵀ·da_h over t ≥ 1.
        const dU = hPrevRec.length
          ? tf.concat(
              [
                tf.matMul(tf.transpose(tf.concat(hPrevRec, 0)), tf.concat(dzrRec, 0)),
                tf.matMul(tf.transpose(tf.concat(rhRec, 0)), tf.concat(dhRec, 0)),
              ],
              1,
            )
          : tf.zerosLike(Us);
        return [dX, dW, dU, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor, u: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  return op(x, kernel, recurrent, bias);
}

/**
 * {@link gruFused} as two kernels (forward, backward) on backends with typed-array access
 * (fusedKernels.ts): the same values, bit for bit, with one engine call each way.
 */
function gruFusedKernels(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor, units: number, inputGrad: boolean): tf.Tensor2D {
  const attrs = { units, inputGrad };
  return recurrentKernelOp(
    (xi, W, U, b) => runGruForward(xi, W, U, b, attrs),
    (dy, xs, Ws, Us, tape) => runGruBackward(dy, xs, Ws, Us, tape, attrs),
    [x, kernel, recurrent, bias],
    inputGrad,
  );
}

function channelsLast(cfg: tf.serialization.ConfigDict, layer: string): void {
  if ((cfg['dataFormat'] ?? 'channelsLast') !== 'channelsLast')
    throw new LabError('bad-argument', `Layer ${layer}: only channels-last data is supported by the fast forward pass.`);
}

function pair(v: unknown, what: string, layer: string): [number, number] {
  const a = Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)];
  if (a.length !== 2 || !a.every((n) => Number.isInteger(n) && n > 0)) throw new LabError('bad-argument', `Layer ${layer}: ${what} ${JSON.stringify(v)} is not two positive integers.`);
  return a as [number, number];
}

function paddingOf(cfg: tf.serialization.ConfigDict, layer: string): 'same' | 'valid' {
  const p = cfg['padding'] ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new LabError('bad-argument', `Layer ${layer}: padding "${String(p)}" is not supported (use 'same' or 'valid').`);
  return p;
}

/** Conv2D through {@link conv2dFast} (its gradients are fast on wasm), bias and activation. */
function conv2dStep(layer: tf.layers.Layer, cfg: tf.serialization.ConfigDict, vars: tf.Variable[]): Step {
  channelsLast(cfg, layer.name);
  const dil = pair(cfg['dilationRate'] ?? 1, 'dilation rate', layer.name);
  if (dil[0] !== 1 || dil[1] !== 1) throw new LabError('bad-argument', `Layer ${layer.name}: dilated convolutions are not supported by the fast forward pass.`);
  const strides = pair(cfg['strides'] ?? 1, 'strides', layer.name);
  const padding = paddingOf(cfg, layer.name);
  const act = String(cfg['activation']);
  const [kernel, bias] = vars as [tf.Variable, tf.Variable | undefined];
  const inputGrad = !readsModelInput(layer);
  return (x, training) => {
    const y = conv2dFast(x as tf.Tensor4D, kernel as tf.Tensor as tf.Tensor4D, strides, padding, { inputGrad, freeOperator: training });
    return activate(bias ? tf.add(y, bias) : y, act, layer.name);
  };
}

function poolConfig(cfg: tf.serialization.ConfigDict, layer: string): { pool: [number, number]; strides: [number, number]; padding: 'same' | 'valid' } {
  channelsLast(cfg, layer);
  const pool = pair(cfg['poolSize'] ?? 2, 'pool size', layer);
  return { pool, strides: cfg['strides'] == null ? pool : pair(cfg['strides'], 'strides', layer), padding: paddingOf(cfg, layer) };
}

/**
 * BatchNormalization over the last axis. Training: normalise by the batch's mean and (biased)
 * variance ({@link batchNormTraining}) and move the layer's moving statistics towards them as
 * tfjs-layers and Keras do, moving ← moving·momentum + batch·(1 − momentum). Inference: the
 * moving statistics. The moving statistics are the layer's own (non-trainable) weights, so they
 * are saved with the model. With `tail` (training only) the ReLU and max-pool that follow are
 * computed in the same op ({@link batchNormReluTraining}), which keeps less for the backward pass.
 */
function batchNormStep(layer: tf.layers.Layer, cfg: tf.serialization.ConfigDict, vars: tf.Variable[], tail?: { pool?: PoolGeometry }): Step {
  const axis = Number(cfg['axis'] ?? -1);
  if (axis !== -1) throw new LabError('bad-argument', `Layer ${layer.name}: batch normalisation is only supported over the last axis (got axis ${axis}).`);
  const eps = Number(cfg['epsilon']);
  const momentum = Number(cfg['momentum']);
  // trainableWeights: gamma (with scale), then beta (with center); nonTrainableWeights: moving mean, variance.
  let k = 0;
  const gamma = cfg['scale'] === false ? undefined : vars[k++];
  const beta = cfg['center'] === false ? undefined : vars[k++];
  const [movingMean, movingVar] = layer.nonTrainableWeights.map((w) => w.read() as tf.Variable) as [tf.Variable, tf.Variable];
  return (x, training) => {
    if (!training) return tf.batchNorm(x, movingMean, movingVar, beta, gamma, eps);
    // Without γ or β the op gets constant ones / zeros (their gradients are computed and unused).
    const [g, b] = [gamma ?? tf.onesLike(movingMean), beta ?? tf.zerosLike(movingMean)];
    const { y, mean, variance } = tail ? batchNormReluTraining(x, g, b, eps, tail.pool) : batchNormTraining(x, g, b, eps);
    tf.tidy(() => {
      movingMean.assign(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum)));
      movingVar.assign(tf.add(tf.mul(movingVar, momentum), tf.mul(variance, 1 - momentum)));
    });
    tf.dispose([mean, variance]);
    return y;
  };
}

/**
 * The training steps: `steps` with every BatchNormalization whose only reader is a ReLU
 * Activation (whose only reader may be a MaxPooling2D) replaced by one fused step, and the ReLU
 * and pool by pass-throughs. `readers` counts, per layer, the layers that read its output.
 */
function fuseBatchNormTails(model: tf.LayersModel, steps: Step[], readers: number[]): Step[] {
  const fused = steps.slice();
  const passThrough: Step = (x) => x;
  // model.layers is topologically sorted; a sole reader of layer i's output that is layer i + 1 is its direct successor.
  const readsOnly = (i: number, cls: string): boolean => {
    const next = model.layers[i + 1];
    return readers[i] === 1 && next?.getClassName() === cls && next.inboundNodes[0]?.inboundLayers.length === 1 && next.inboundNodes[0]?.inboundLayers[0] === model.layers[i];
  };
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() !== 'BatchNormalization' || !readsOnly(i, 'Activation')) return;
    if (model.layers[i + 1]!.getConfig()['activation'] !== 'relu') return;
    const withPool = readsOnly(i + 1, 'MaxPooling2D');
    const pool = withPool ? poolConfig(model.layers[i + 2]!.getConfig(), model.layers[i + 2]!.name) : undefined;
    fused[i] = batchNormStep(layer, layer.getConfig(), weightsOf(layer), { pool });
    fused[i + 1] = passThrough;
    if (withPool) fused[i + 2] = passThrough;
  });
  return fused;
}

/** True when the layer's only input is the model's input (no gradient is needed for it). */
function readsModelInput(layer: tf.layers.Layer): boolean {
  const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
  return inbound.length > 0 && inbound.every((l) => l.getClassName() === 'InputLayer');
}

function buildSteps(model: tf.LayersModel): Step[] {
  return model.layers.map((layer): Step => {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    const vars = weightsOf(layer);
    switch (cls) {
      case 'Dense': {
        const [kernel, bias] = vars as [tf.Variable, tf.Variable | undefined];
        const act = String(cfg['activation']);
        const inputGrad = !readsModelInput(layer);
        // The final softmax is folded into the loss (logits out), see `forward`.
        return (x) => denseLayer(x, kernel, bias, act === 'softmax' ? 'linear' : act, inputGrad, layer.name);
      }
      case 'Dropout': {
        const rate = Number(cfg['rate']);
        return (x, training, seed) => (training && rate > 0 ? dropout(x, rate, seed) : x);
      }
      case 'LayerNormalization': {
        const [gamma, beta] = vars as [tf.Variable, tf.Variable];
        const eps = Number(cfg['epsilon']);
        return (x) => {
          const { mean, variance } = tf.moments(x, -1, true);
          return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
        };
      }
      case 'LSTM': {
        checkRecurrentConfig(cfg, layer.name);
        const units = Number(cfg['units']);
        const reverse = Boolean(cfg['goBackwards']);
        const [k, r, b] = vars as [tf.Variable, tf.Variable, tf.Variable];
        const inputGrad = !readsModelInput(layer);
        return (x) => lstmFused(x, k, r, b, units, reverse, inputGrad);
      }
      case 'GRU': {
        checkRecurrentConfig(cfg, layer.name);
        if (cfg['goBackwards']) throw new LabError('bad-argument', `Layer ${layer.name}: backwards GRU is not supported.`);
        const units = Number(cfg['units']);
        const [k, r, b] = vars as [tf.Variable, tf.Variable, tf.Variable];
        const inputGrad = !readsModelInput(layer);
        return (x) => gruFused(x, k, r, b, units, inputGrad);
      }
      case 'Bidirectional': {
        const inner = (cfg['layer'] as tf.serialization.ConfigDict)['config'] as tf.serialization.ConfigDict;
        const innerClass = (cfg['layer'] as tf.serialization.ConfigDict)['className'];
        if (innerClass !== 'LSTM' || (cfg['mergeMode'] ?? 'concat') !== 'concat')
          throw new LabError('bad-argument', `Layer ${layer.name}: only Bidirectional(LSTM) with concat merge is supported.`);
        checkRecurrentConfig(inner, layer.name);
        const units = Number(inner['units']);
        // trainableWeights = forward layer's [kernel, recurrent, bias] then the backward layer's.
        const fw = vars.slice(0, 3);
        const bw = vars.slice(3, 6);
        const inputGrad = !readsModelInput(layer);
        return (x) => tf.concat([lstmFused(x, fw[0]!, fw[1]!, fw[2]!, units, false, inputGrad), lstmFused(x, bw[0]!, bw[1]!, bw[2]!, units, true, inputGrad)], 1);
      }
      case 'Conv2D':
        return conv2dStep(layer, cfg, vars);
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const { pool, strides, padding } = poolConfig(cfg, layer.name);
        return cls === 'MaxPooling2D'
          ? (x) => tf.maxPool(x as tf.Tensor4D, pool, strides, padding)
          : (x) => tf.avgPool(x as tf.Tensor4D, pool, strides, padding);
      }
      case 'GlobalAveragePooling2D':
        channelsLast(cfg, layer.name);
        return (x) => tf.mean(x, [1, 2]);
      case 'Flatten':
        // Keras flattens channels-last tensors in row-major order, which is what reshape does.
        return (x) => tf.reshape(x, [x.shape[0] as number, -1]);
      case 'Activation': {
        const act = String(cfg['activation']);
        return (x) => activate(x, act, layer.name);
      }
      case 'BatchNormalization':
        return batchNormStep(layer, cfg, vars);
      case 'Add':
        // Residual connections (functional models only): the sum of all inbound tensors.
        return (x, _training, _seed, more = []) => (more.length > 0 ? tf.addN([x, ...more]) : x);
      case 'InputLayer':
        return (x) => x;
      default:
        throw new LabError('bad-argument', `Layer type ${cls} is not supported by the lab's training loop.`);
    }
  });
}

/**
 * The order in which a functional model's layers run and where each takes its inputs from
 * (tensor ids of the symbolic graph); `model.layers` is already topologically sorted.
 */
function graphOf(model: tf.LayersModel): { inputs: number[]; output: number }[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new LabError('bad-argument', `The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the lab's training loop needs exactly one of each.`);
  return model.layers.map((layer) => {
    const nodes = layer.inboundNodes;
    const out = layer.output;
    if (nodes.length !== 1 || Array.isArray(out))
      throw new LabError('bad-argument', `Layer ${layer.name} is shared or has several outputs, which the lab's training loop does not support.`);
    return { inputs: (nodes[0] as (typeof nodes)[number]).inputTensors.map((t) => t.id), output: out.id };
  });
}

/**
 * Wrap a model whose last layer is a softmax Dense: a Sequential (layers run in order) or a
 * functional model with one input and one output (layers run in topological order, each on its
 * inbound tensors — for residual connections through Add).
 */
export function wrapModel(kind: string, model: tf.LayersModel): Network {
  const last = model.layers[model.layers.length - 1];
  if (!last || last.getClassName() !== 'Dense' || last.getConfig()['activation'] !== 'softmax')
    throw new LabError('bad-argument', 'The model must end in a softmax Dense layer.');
  const steps = buildSteps(model);
  const graph = model.getClassName() === 'Sequential' ? undefined : graphOf(model);
  const readers = graph ? graph.map((n) => graph.filter((m) => m.inputs.includes(n.output)).length) : model.layers.map((_, i) => (i < model.layers.length - 1 ? 1 : 0));
  // Inference runs the layers one by one (the same kernels, nothing to save for a gradient).
  const trainSteps = fuseBatchNormTails(model, steps, readers);
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => Number(d));
  const nClasses = Number(last.getConfig()['units']);
  let disposed = false;
  return {
    kind,
    model,
    inputShape,
    nClasses,
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    state: model.nonTrainableWeights.map((w) => w.read() as tf.Variable),
    forward(x, training, dropoutSeed = 0, onLayer) {
      const seedOf = (i: number): number => (dropoutSeed + i * 7919) >>> 0;
      const run = training ? trainSteps : steps;
      const hook = onLayer ?? ((_: number, h: tf.Tensor) => h);
      if (!graph) {
        let h = x;
        run.forEach((step, i) => {
          h = hook(i, step(h, training, seedOf(i)));
        });
        return h as tf.Tensor2D;
      }
      const values = new Map<number, tf.Tensor>([[(model.inputs[0] as tf.SymbolicTensor).id, x]]);
      graph.forEach((node, i) => {
        if (values.has(node.output)) return; // the InputLayer: its output is the input
        const ins = node.inputs.map((id) => values.get(id) as tf.Tensor);
        values.set(node.output, hook(i, (run[i] as Step)(ins[0] as tf.Tensor, training, seedOf(i), ins.slice(1))));
      });
      return values.get((model.outputs[0] as tf.SymbolicTensor).id) as tf.Tensor2D;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
