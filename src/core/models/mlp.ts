/**
 * Multilayer perceptron on per-segment (or per-track) feature vectors: Dense 256-128-64 with ReLU
 * and dropout after each hidden layer, softmax output (the NTNU course MLP).
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { seedStream, uniformFanInit } from './init';
import { wrapModel, type Network } from './network';
import type { NetworkBuildOptions } from './registry';

export interface MlpOptions {
  nFeatures: number;
  nClasses: number;
  /** Hidden layer widths; default [256, 128, 64]. */
  hidden?: number[];
  /** Dropout rate after each hidden layer; default 0.3. */
  dropout?: number;
  seed: number;
}

export function buildMlp(opts: MlpOptions): Network {
  const hidden = opts.hidden ?? [256, 128, 64];
  const dropout = opts.dropout ?? 0.3;
  if (!(opts.nFeatures > 0 && opts.nClasses >= 2)) throw new LabError('bad-argument', `MLP needs features and ≥ 2 classes (got ${opts.nFeatures}, ${opts.nClasses}).`);
  if (!(dropout >= 0 && dropout < 1)) throw new LabError('bad-argument', `Dropout must be in [0, 1), got ${dropout}`);
  const next = seedStream(opts.seed);
  const model = tf.sequential();
  let fan = opts.nFeatures;
  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [opts.nFeatures] } : {}),
        kernelInitializer: uniformFanInit(fan, next()),
        biasInitializer: uniformFanInit(fan, next()),
      }),
    );
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
    fan = units;
  });
  model.add(
    tf.layers.dense({
      units: opts.nClasses,
      activation: 'softmax',
      ...(hidden.length === 0 ? { inputShape: [opts.nFeatures] } : {}),
      kernelInitializer: uniformFanInit(fan, next()),
      biasInitializer: uniformFanInit(fan, next()),
    }),
  );
  return wrapModel('mlp', model);
}

/** The registry's builder: `inputShape` is `[features]`. */
export function buildMlpNetwork(o: NetworkBuildOptions): Network {
  if (o.inputShape.length !== 1) throw new LabError('bad-argument', `An MLP reads feature rows ([features]), not ${o.inputShape.join('×')} samples.`);
  return buildMlp({ nFeatures: o.inputShape[0] as number, nClasses: o.nClasses, hidden: o.hidden, dropout: o.dropout, seed: o.seed });
}
