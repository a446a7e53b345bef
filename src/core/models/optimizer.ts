/**
 * The optimizer of the training loop: Adam over one flat vector of all weights, and the
 * learning-rate schedule it follows.
 */
import * as tf from '@tensorflow/tfjs';
import { variableGradsLean } from './backprop';
import { hasFusedKernels, runAdamStep } from './fusedKernels';

/**
 * Adam over all variables at once (PyTorch's update: m̂/(√v̂ + ε), ε = 1e-8). tf.train.adam runs
 * ~13 small kernels per variable; concatenating the gradients into one vector makes the update
 * ~13 kernels plus a concat and a split, which matters when kernel launches dominate (wasm, small
 * models).
 */
export class FlatAdam {
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;
  private readonly sizes: number[];
  private t = 0;
  constructor(
    private readonly vars: tf.Variable[],
    /** May be changed between steps (learning-rate schedules). */
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.sizes = vars.map((x) => x.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    // tidy disposes the zeros; variables are not tracked by tidy and keep their data.
    this.m = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.v = tf.tidy(() => tf.variable(tf.zeros([total]), false));
  }

  /** One step on `loss`; returns the loss value (caller disposes). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = variableGradsLean(loss, this.vars);
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    if (hasFusedKernels()) {
      // One kernel for the whole update (fusedKernels.ts), bit-identical to the per-op one below.
      tf.tidy(() => {
        const [m, v, ...xs] = runAdamStep(this.m, this.v, this.vars, grads, {
          beta1: this.beta1,
          beta2: this.beta2,
          epsilon: this.epsilon,
          stepScale: this.learningRate / bc1,
          vScale: 1 / Math.sqrt(bc2),
        }) as [tf.Tensor, tf.Tensor, ...tf.Tensor[]];
        this.m.assign(m);
        this.v.assign(v);
        this.vars.forEach((x, i) => x.assign(xs[i] as tf.Tensor));
      });
      tf.dispose(grads);
      return value;
    }
    tf.tidy(() => {
      const g = tf.concat(grads.map((d) => tf.reshape(d, [-1])));
      const m = tf.add(tf.mul(this.m, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m.assign(m);
      this.v.assign(v);
      const step = tf.div(tf.mul(m, this.learningRate / bc1), tf.add(tf.mul(tf.sqrt(v), 1 / Math.sqrt(bc2)), this.epsilon));
      const parts = tf.split(step, this.sizes);
      this.vars.forEach((x, i) => x.assign(tf.sub(x, tf.reshape(parts[i] as tf.Tensor, x.shape))));
    });
    tf.dispose(grads);
    return value;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}

/** The learning rate for step `step` (0-based) of `total`. */
export function learningRateAt(schedule: 'constant' | 'cosine', base: number, step: number, total: number): number {
  return schedule === 'cosine' ? base * 0.5 * (1 + Math.cos((Math.PI * step) / total)) : base;
}
