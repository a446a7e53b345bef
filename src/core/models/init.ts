/**
 * Seeded weight initialisers. PyTorch's defaults (U(−1/√fan_in, 1/√fan_in) for nn.Linear and for
 * every nn.LSTM/nn.GRU weight, with fan_in = hidden size for recurrent layers) are used because the
 * reference accuracies the lab is checked against were measured with PyTorch.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';

/** U(−1/√fan, 1/√fan), seeded. */
export function uniformFanInit(fan: number, seed: number): ReturnType<typeof tf.initializers.randomUniform> {
  const r = 1 / Math.sqrt(Math.max(1, fan));
  return tf.initializers.randomUniform({ minval: -r, maxval: r, seed });
}

/** A source of distinct seeds for the layers of one model. */
export function seedStream(seed: number): () => number {
  let i = 0;
  return () => deriveSeed(seed, i++);
}
