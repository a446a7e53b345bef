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

/**
 * matMul of two 2-D tensors whose gradient avoids transposed matMuls (slow on wasm): dA = dY·Bᵀ and
 * dB = Aᵀ·dY with Aᵀ, Bᵀ materialised by `transpose` first.
 */
export const matMulFast = tf.customGrad(((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1] as tf.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** The model families the lab trains. */
export type NetworkKind = 'mlp' | 'lstm' | 'gru' | 'bilstm';

export interface Network {
  kind: NetworkKind;
  /** The tf.layers model (topology + weights); softmax output. */
  model: tf.LayersModel;
  /** Per-sample input shape: `[features]` or `[steps, features]`. */
  inputShape: number[];
  nClasses: number;
  /** Trainable variables, in `model.trainableWeights` order. */
  variables: tf.Variable[];
  /**
   * Logits for a batch. With `training`, dropout is applied with masks drawn from `dropoutSeed`
   * (one seed per batch, so a run is reproducible).
   */
  forward(x: tf.Tensor, training: boolean, dropoutSeed?: number): tf.Tensor2D;
  dispose(): void;
}

type Step = (x: tf.Tensor, training: boolean, seed: number) => tf.Tensor;

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

/** LSTM (Keras gate order i, f, c, o), last hidden state. `reverse` reads the sequence backwards. */
function lstmLast(x: tf.Tensor, vars: tf.Variable[], units: number, reverse: boolean): tf.Tensor2D {
  const [kernel, recurrent, bias] = vars as [tf.Variable, tf.Variable, tf.Variable];
  const steps = projectInputs(x, kernel, bias);
  if (reverse) steps.reverse();
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

/** GRU as tfjs-layers computes it (reset_after = false; gate order z, r, h). */
function gruLast(x: tf.Tensor, vars: tf.Variable[], units: number): tf.Tensor2D {
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

function buildSteps(model: tf.LayersModel): Step[] {
  return model.layers.map((layer): Step => {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    const vars = weightsOf(layer);
    switch (cls) {
      case 'Dense': {
        const [kernel, bias] = vars as [tf.Variable, tf.Variable | undefined];
        const act = String(cfg['activation']);
        return (x) => {
          const y = matMulFast(x as tf.Tensor2D, kernel as tf.Tensor2D);
          const yb = bias ? tf.add(y, bias) : y;
          // The final softmax is folded into the loss (logits out), see `forward`.
          return act === 'softmax' ? yb : activate(yb, act, layer.name);
        };
      }
      case 'Dropout': {
        const rate = Number(cfg['rate']);
        return (x, training, seed) => (training && rate > 0 ? tf.dropout(x, rate, undefined, seed) : x);
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
        return (x) => lstmLast(x, vars, units, reverse);
      }
      case 'GRU': {
        checkRecurrentConfig(cfg, layer.name);
        if (cfg['goBackwards']) throw new LabError('bad-argument', `Layer ${layer.name}: backwards GRU is not supported.`);
        return (x) => gruLast(x, vars, Number(cfg['units']));
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
        return (x) => tf.concat([lstmLast(x, fw, units, false), lstmLast(x, bw, units, true)], 1);
      }
      case 'InputLayer':
        return (x) => x;
      default:
        throw new LabError('bad-argument', `Layer type ${cls} is not supported by the lab's training loop.`);
    }
  });
}

/** Wrap a Sequential model whose last layer is a softmax Dense. */
export function wrapModel(kind: NetworkKind, model: tf.LayersModel): Network {
  const last = model.layers[model.layers.length - 1];
  if (!last || last.getClassName() !== 'Dense' || last.getConfig()['activation'] !== 'softmax')
    throw new LabError('bad-argument', 'The model must end in a softmax Dense layer.');
  const steps = buildSteps(model);
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => Number(d));
  const nClasses = Number(last.getConfig()['units']);
  let disposed = false;
  return {
    kind,
    model,
    inputShape,
    nClasses,
    variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    forward(x, training, dropoutSeed = 0) {
      let h = x;
      steps.forEach((step, i) => {
        h = step(h, training, (dropoutSeed + i * 7919) >>> 0);
      });
      return h as tf.Tensor2D;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
