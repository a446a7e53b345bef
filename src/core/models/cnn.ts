/**
 * Convolutional networks on log-mel spectrograms (input `[bands, frames, 1]`, the band-major
 * matrix of features/logMel.ts as it is), trained through the lab's fast forward pass
 * (network.ts: Conv2D via conv2dFast, BatchNormalization with moving statistics, pooling).
 *
 * - **Toronto CNN** (the APS360 report's model): 2 × [conv → ReLU → max-pool] → dense → dense
 *   softmax. The report gives the structure; the sizes here (5×5 kernels, 8 and 16 filters, a
 *   64-unit hidden layer) are our defaults and are options.
 * - **Small VGG**: 4 × [conv 3×3 → batch norm → ReLU → max-pool 2] with 8-16-32-64 ("laptop") or
 *   16-32-64-128 ("desktop") channels → global average pooling → dropout → dense softmax. The
 *   convolutions have no bias: the batch norm's β that follows takes its place.
 *
 * - **Spectrogram ANN** (the APS360 report's baseline): the crop flattened → one dense hidden layer
 *   (300, ReLU) → dense softmax — no convolution, so it shows what the CNN's weight sharing buys.
 *
 * - **Residual small VGG** (`residual: true`): each block becomes conv 3×3 → BN → ReLU → conv 3×3 →
 *   BN, plus a skip (1×1 conv → BN where the channel count changes), added, ReLU, max-pool 2 —
 *   a functional tf.layers model, which wrapModel runs in topological order.
 *
 * Weights are seeded like mlp.ts (PyTorch's U(±1/√fan_in), fan_in = kh·kw·in for a convolution).
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';
import { seedStream, uniformFanInit } from './init';
import { wrapModel, type Network } from './network';
import type { NetworkBuildOptions } from './registry';

// The widths live in defaults.ts (no tfjs), so the page's menus can show them.
import { VGG_CHANNELS, type VggSize } from './defaults';
export { VGG_CHANNELS, type VggSize };

interface CnnInput {
  /** Mel bands (rows of the log-mel matrix). */
  nBands: number;
  /** Frames (columns). */
  nFrames: number;
  nClasses: number;
  seed: number;
}

export interface TorontoCnnOptions extends CnnInput {
  /** Filters of the two conv layers; default [8, 16]. */
  filters?: [number, number];
  /** Square kernel size; default 5. */
  kernelSize?: number;
  /** Hidden dense units; default 64. */
  hidden?: number;
}

export interface VggCnnOptions extends CnnInput {
  /** 'laptop' (8-16-32-64, default) or 'desktop' (16-32-64-128). */
  size?: VggSize;
  /** Dropout after global average pooling; default 0.3. */
  dropout?: number;
  /** Batch-norm momentum of the moving statistics (Keras' convention); default 0.9 (PyTorch's 0.1). */
  batchNormMomentum?: number;
  /** Residual blocks (two convolutions and a skip connection each); default false. */
  residual?: boolean;
}

function checkInput(o: CnnInput, poolings: number, what: string): void {
  if (!(o.nClasses >= 2)) throw new LabError('bad-argument', `${what} needs ≥ 2 classes, got ${o.nClasses}.`);
  const min = 2 ** poolings;
  if (!(Number.isInteger(o.nBands) && Number.isInteger(o.nFrames) && o.nBands >= min && o.nFrames >= min))
    throw new LabError('bad-argument', `${what} halves the spectrogram ${poolings} times, so it needs at least ${min} bands and ${min} frames; got ${o.nBands} × ${o.nFrames}. Use longer segments or more mel bands.`);
}

function conv(filters: number, kernel: number, cin: number, next: () => number, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]>): tf.layers.Layer {
  const fan = kernel * kernel * cin;
  return tf.layers.conv2d({ filters, kernelSize: kernel, padding: 'same', kernelInitializer: uniformFanInit(fan, next()), biasInitializer: uniformFanInit(fan, next()), ...extra });
}

function dense(units: number, fan: number, activation: 'relu' | 'softmax', next: () => number): tf.layers.Layer {
  return tf.layers.dense({ units, activation, kernelInitializer: uniformFanInit(fan, next()), biasInitializer: uniformFanInit(fan, next()) });
}

/** The Toronto (APS360) CNN: 2 × [conv → ReLU → max-pool 2] → dense ReLU → dense softmax. */
export function buildTorontoCnn(o: TorontoCnnOptions): Network {
  checkInput(o, 2, 'The Toronto CNN');
  const filters = o.filters ?? [8, 16];
  const k = o.kernelSize ?? 5;
  const hidden = o.hidden ?? 64;
  const next = seedStream(o.seed);
  const model = tf.sequential();
  let cin = 1;
  filters.forEach((f, i) => {
    model.add(conv(f, k, cin, next, { activation: 'relu', ...(i === 0 ? { inputShape: [o.nBands, o.nFrames, 1] } : {}) }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    cin = f;
  });
  model.add(tf.layers.flatten());
  const flat = Math.floor(Math.floor(o.nBands / 2) / 2) * Math.floor(Math.floor(o.nFrames / 2) / 2) * cin;
  model.add(dense(hidden, flat, 'relu', next));
  model.add(dense(o.nClasses, hidden, 'softmax', next));
  return wrapModel('cnn-toronto', model);
}

export interface SpectrogramAnnOptions extends CnnInput {
  /** Hidden units; default 300 (the APS360 report's baseline). */
  hidden?: number;
  /** Dropout after the hidden layer; default 0 (the report names none). */
  dropout?: number;
}

/** The APS360 ANN baseline: flatten the `[bands, frames, 1]` crop → dense(300, ReLU) → dense softmax. */
export function buildSpectrogramAnn(o: SpectrogramAnnOptions): Network {
  checkInput(o, 0, 'The spectrogram ANN');
  const hidden = o.hidden ?? 300;
  const dropout = o.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new LabError('bad-argument', `Dropout must be in [0, 1), got ${dropout}`);
  const next = seedStream(o.seed);
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [o.nBands, o.nFrames, 1] }));
  model.add(dense(hidden, o.nBands * o.nFrames, 'relu', next));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(dense(o.nClasses, hidden, 'softmax', next));
  return wrapModel('spectrogram-ann', model);
}

/** Small VGG: 4 × [conv 3×3 → batch norm → ReLU → max-pool 2] → global average pool → dropout → dense softmax. */
export function buildVggCnn(o: VggCnnOptions): Network {
  checkInput(o, 4, 'The small VGG');
  const channels = VGG_CHANNELS[o.size ?? 'laptop'];
  if (!channels) throw new LabError('bad-argument', `Unknown VGG size "${String(o.size)}" (laptop, desktop).`);
  const dropout = o.dropout ?? 0.3;
  if (!(dropout >= 0 && dropout < 1)) throw new LabError('bad-argument', `Dropout must be in [0, 1), got ${dropout}`);
  const momentum = o.batchNormMomentum ?? 0.9;
  const next = seedStream(o.seed);
  const bn = (): tf.layers.Layer => tf.layers.batchNormalization({ momentum, epsilon: 1e-5 });
  const relu = (): tf.layers.Layer => tf.layers.activation({ activation: 'relu' });
  const input = tf.input({ shape: [o.nBands, o.nFrames, 1] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor => layer.apply(x) as tf.SymbolicTensor;
  let h = input;
  let cin = 1;
  for (const c of channels) {
    const noBias = { useBias: false };
    let y = apply(relu(), apply(bn(), apply(conv(c, 3, cin, next, noBias), h)));
    if (o.residual) {
      const main = apply(bn(), apply(conv(c, 3, c, next, noBias), y));
      const skip = cin === c ? h : apply(bn(), apply(conv(c, 1, cin, next, noBias), h));
      y = apply(relu(), apply(tf.layers.add(), [main, skip]));
    }
    h = apply(tf.layers.maxPooling2d({ poolSize: 2 }), y);
    cin = c;
  }
  h = apply(tf.layers.globalAveragePooling2d({}), h);
  if (dropout > 0) h = apply(tf.layers.dropout({ rate: dropout }), h);
  const output = apply(dense(o.nClasses, cin, 'softmax', next), h);
  // A functional model either way: one code path, and the residual variant needs one.
  const model = tf.model({ inputs: input, outputs: output });
  return wrapModel('cnn-vgg', model);
}

/** `[bands, frames, 1]` of a registry build, checked. */
function spectrogramShape(o: NetworkBuildOptions, what: string): { nBands: number; nFrames: number } {
  const [nBands, nFrames, ch] = o.inputShape;
  if (o.inputShape.length !== 3 || ch !== 1 || nBands === undefined || nFrames === undefined)
    throw new LabError('bad-argument', `${what} reads spectrogram crops of [bands, frames, 1], not ${JSON.stringify(o.inputShape)}.`);
  return { nBands, nFrames };
}

/** The registry's `cnn` builder: the small VGG (channels and residual from the options). */
export function buildVggFromOptions(o: NetworkBuildOptions): Network {
  return buildVggCnn({ ...spectrogramShape(o, 'The small VGG'), nClasses: o.nClasses, seed: o.seed, dropout: o.dropout, size: o.channels, residual: o.residual });
}

/** The registry's `toronto-cnn` builder (its dense layers have no dropout). */
export function buildTorontoFromOptions(o: NetworkBuildOptions): Network {
  return buildTorontoCnn({ ...spectrogramShape(o, 'The Toronto CNN'), nClasses: o.nClasses, seed: o.seed });
}

/** The registry's `spectrogram-ann` builder. */
export function buildAnnFromOptions(o: NetworkBuildOptions): Network {
  return buildSpectrogramAnn({ ...spectrogramShape(o, 'The spectrogram ANN'), nClasses: o.nClasses, seed: o.seed, dropout: o.dropout });
}
