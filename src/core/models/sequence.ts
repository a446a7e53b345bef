/**
 * Recurrent models on per-track segment sequences (NTNU Task 4):
 * - `lstm`: LSTM(128) → Dense(128, ReLU) → Dropout → softmax;
 * - `gru`: the same with a GRU;
 * - `bilstm`: Bidirectional LSTM(128) (concat) → LayerNormalization → Dense(128, ReLU) → Dropout → softmax.
 * Gates use the logistic sigmoid (PyTorch's and Keras 3's choice; tfjs-layers defaults to hard sigmoid).
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { seedStream, uniformFanInit } from './init';
import { wrapModel, type Network } from './network';
import type { NetworkBuilder } from './registry';

export type SequenceKind = 'lstm' | 'gru' | 'bilstm';

export interface SequenceModelOptions {
  kind: SequenceKind;
  /** Sequence length (segments per track). */
  steps: number;
  nFeatures: number;
  nClasses: number;
  /** Recurrent units; default 128. */
  units?: number;
  /** Dense units after the recurrent layer; default 128. */
  denseUnits?: number;
  /** Dropout before the output layer; default 0.3. */
  dropout?: number;
  seed: number;
}

export function buildSequenceModel(opts: SequenceModelOptions): Network {
  const units = opts.units ?? 128;
  const denseUnits = opts.denseUnits ?? 128;
  const dropout = opts.dropout ?? 0.3;
  if (!(opts.steps >= 1 && opts.nFeatures >= 1 && opts.nClasses >= 2))
    throw new LabError('bad-argument', `Sequence model needs steps ≥ 1, features ≥ 1, classes ≥ 2 (got ${opts.steps}, ${opts.nFeatures}, ${opts.nClasses}).`);
  const next = seedStream(opts.seed);
  const recurrentArgs = () => ({
    units,
    activation: 'tanh' as const,
    recurrentActivation: 'sigmoid' as const,
    kernelInitializer: uniformFanInit(units, next()),
    recurrentInitializer: uniformFanInit(units, next()),
    biasInitializer: uniformFanInit(units, next()),
    unitForgetBias: false,
  });
  const inputShape = [opts.steps, opts.nFeatures];
  const model = tf.sequential();
  if (opts.kind === 'lstm') model.add(tf.layers.lstm({ ...recurrentArgs(), inputShape }));
  else if (opts.kind === 'gru') {
    const { unitForgetBias: _unused, ...gruArgs } = recurrentArgs();
    model.add(tf.layers.gru({ ...gruArgs, inputShape }));
  } else if (opts.kind === 'bilstm') {
    // Bidirectional copies the inner layer's config for the backward copy; its initialisers are
    // re-seeded below so the two directions do not start identical.
    model.add(tf.layers.bidirectional({ layer: tf.layers.lstm(recurrentArgs()) as unknown as tf.RNN, mergeMode: 'concat', inputShape }));
    model.add(tf.layers.layerNormalization({ epsilon: 1e-5 }));
  } else throw new LabError('bad-argument', `Unknown sequence model "${String(opts.kind)}"`);
  const fan = opts.kind === 'bilstm' ? 2 * units : units;
  model.add(tf.layers.dense({ units: denseUnits, activation: 'relu', kernelInitializer: uniformFanInit(fan, next()), biasInitializer: uniformFanInit(fan, next()) }));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: opts.nClasses, activation: 'softmax', kernelInitializer: uniformFanInit(denseUnits, next()), biasInitializer: uniformFanInit(denseUnits, next()) }));
  initRecurrentLikePyTorch(model, units, next);
  return wrapModel(opts.kind, model);
}

/**
 * PyTorch's recurrent initialisation on the built layers: every weight U(−k, k) with k = 1/√units,
 * and the bias the sum of two such draws (PyTorch has separate input and hidden biases, b_ih + b_hh).
 * The Bidirectional wrapper copies the inner layer's config for its backward copy, so the backward
 * direction is drawn here too — otherwise both directions would start identical.
 */
function initRecurrentLikePyTorch(model: tf.Sequential, units: number, next: () => number): void {
  const rec = model.layers[0];
  if (!rec) return;
  const k = 1 / Math.sqrt(units);
  rec.trainableWeights.forEach((w, i) => {
    const isBias = w.shape.length === 1;
    const isBackward = i >= 3;
    if (!isBias && !isBackward) return; // forward kernels already have U(−k, k) from their initialisers
    const fresh = tf.tidy(() => {
      const a = tf.randomUniform(w.shape as number[], -k, k, 'float32', next());
      return isBias ? tf.add(a, tf.randomUniform(w.shape as number[], -k, k, 'float32', next())) : a;
    });
    w.write(fresh);
    fresh.dispose();
  });
}

/** The registry's builder for one recurrent cell type: `inputShape` is `[steps, features]`. */
export function sequenceBuilder(kind: SequenceKind): NetworkBuilder {
  return (o) => {
    if (o.inputShape.length !== 2) throw new LabError('bad-argument', `A ${kind} reads sequences ([steps, features]), not ${o.inputShape.join('×')} samples.`);
    return buildSequenceModel({ kind, steps: o.inputShape[0] as number, nFeatures: o.inputShape[1] as number, nClasses: o.nClasses, units: o.units, dropout: o.dropout, seed: o.seed });
  };
}
