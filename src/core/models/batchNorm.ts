/**
 * Batch normalisation in training mode as single differentiable ops: batch norm alone, and batch
 * norm → ReLU (→ max-pool) fused, the small VGG's block tail.
 *
 * Why fuse: autodiff through batchNorm, relu and maxPool keeps three full-size tensors per block
 * until the backward pass reaches it (the batch norm's input, the ReLU's input and the pool's
 * input); at batch 32 on 128 × 128 crops the laptop VGG's first block alone holds 3 × 16.8 MB.
 * The fused op keeps only the batch norm's input (plus the pool's quarter-size output, which the
 * next convolution keeps anyway) and recomputes the rest in its backward pass — the same kernels
 * on the same inputs, so the numbers are the same as autodiff's (checked in batchNorm.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { hasBnPoolKernels, lastMaxWinsOn, runBnReluPool, runBnReluPoolGrad, type BnPoolAttrs } from './batchNormPool';

/** Max-pool geometry as tf.maxPool takes it. */
export interface PoolGeometry {
  pool: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
}

/** What a fused batch-norm op returns: its output and the batch statistics (for the moving averages; the caller disposes them). */
export interface BatchNormTrainingResult {
  y: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/**
 * The gradients of y = batchNorm(x; batch mean, batch variance, β, γ) given dL/dy, by the closed
 * form (N values per channel, x̂ = (x − μ)·σ⁻¹):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γσ⁻¹·dy + x̂·(−γσ⁻¹·dγ/N) + (−γσ⁻¹·dβ/N)
 * — two full-size products and the fused batchNorm kernel (x̂·scale + offset in one pass), each
 * temporary freed as soon as it is used. With `ownsDy` the caller hands dy over and it is freed
 * as soon as it has been read for the last time (one full-size tensor fewer at the peak).
 */
function batchNormGradients(dy: tf.Tensor, xs: tf.Tensor, gs: tf.Tensor, m: tf.Tensor, v: tf.Tensor, epsilon: number, ownsDy: boolean): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const axes = Array.from({ length: xs.rank - 1 }, (_, i) => i);
  const n = xs.size / (xs.shape[xs.rank - 1] as number);
  const inv = tf.rsqrt(tf.add(v, epsilon));
  const dBeta = tf.sum(dy, axes);
  const xhat = tf.batchNorm(xs, m, v, undefined, undefined, epsilon);
  const dyXhat = tf.mul(dy, xhat);
  xhat.dispose();
  const dGamma = tf.sum(dyXhat, axes);
  dyXhat.dispose();
  const a = tf.mul(gs, inv);
  const partA = tf.mul(dy, a);
  if (ownsDy) dy.dispose();
  const partB = tf.batchNorm(xs, m, v, tf.mul(a, tf.div(dBeta, -n)), tf.mul(a, tf.div(dGamma, -n)), epsilon);
  const dx = tf.add(partA, partB);
  tf.dispose([partA, partB]);
  return [dx, dGamma, dBeta];
}

type CustomOp = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/**
 * One customGrad op over (x, γ, β): `forward` computes the output from x and the batch
 * statistics, `backward` turns dL/d(output) into dL/dy of the batch norm (y before any ReLU).
 * The statistics are handed out as copies no tidy disposes (customGrad disposes what its forward
 * function made, except the value and the saved tensors).
 */
function trainingOp(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  forward: (bn: () => tf.Tensor) => tf.Tensor,
  backward: ((dOut: tf.Tensor, out: tf.Tensor, bn: () => tf.Tensor) => tf.Tensor) | undefined,
): BatchNormTrainingResult {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  let stats: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(xi, axes);
    stats = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)) };
    const value = forward(() => tf.batchNorm(xi, mean, variance, b, g, epsilon));
    // The output is saved only when the backward pass reads it (a ReLU's mask, a pool's maxima);
    // it is the next layer's input, so saving it costs nothing.
    save(backward ? [xi, g, b, mean, variance, value] : [xi, g, b, mean, variance]);
    return {
      value,
      gradFunc: (dOut: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, bs, m, v, out] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        if (!backward) return batchNormGradients(dOut, xs, gs, m, v, epsilon, false);
        const dy = backward(dOut, out, () => tf.batchNorm(xs, m, v, bs, gs, epsilon));
        return batchNormGradients(dy, xs, gs, m, v, epsilon, true);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as CustomOp;
  const y = op(x, gamma, beta);
  const { mean, variance } = stats as { mean: tf.Tensor; variance: tf.Tensor };
  return { y, mean, variance };
}

/**
 * Batch normalisation of x over all axes but the last with the batch's own statistics, as one
 * differentiable op: forward through the fused batchNorm kernel, backward by the closed form
 * (see {@link batchNormGradients}). On wasm this is ~2.5× faster than autodiff through the
 * moments (measured on 32 × 128 × 128 × 8: 0.37–0.66 s vs 1.0 s forward + backward). Returns the
 * batch mean and (biased) variance too, for the moving averages: they are kept out of any tidy,
 * so the caller disposes them. Checked against autodiff in cnn.test.ts.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): BatchNormTrainingResult {
  return trainingOp(x, gamma, beta, epsilon, (bn) => bn(), undefined);
}

/**
 * relu(batchNormTraining(x)) and, with `pool`, maxPool of that — one op that saves only x (and
 * its own output) for the backward pass, where the batch norm and ReLU are recomputed.
 *
 * The backward pass of the pooled form masks dL/dpool by step(pool output) before routing it
 * through MaxPoolGrad: a window's maximum is positive exactly when the ReLU passed the element
 * MaxPoolGrad routes to, so this is autodiff's relu-grad ∘ maxPool-grad, on a quarter-size tensor.
 */
export function batchNormReluTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, pool?: PoolGeometry): BatchNormTrainingResult {
  if (pool && x.rank === 4 && hasBnPoolKernels()) return bnReluPoolKernelOp(x, gamma, beta, { epsilon, ...pool, lastMaxWins: lastMaxWinsOn(tf.getBackend()) });
  const reluOf = (bn: () => tf.Tensor): tf.Tensor => {
    const z = bn();
    const r = tf.relu(z);
    z.dispose();
    return r;
  };
  if (!pool)
    return trainingOp(x, gamma, beta, epsilon, reluOf, (dOut, out) => {
      const mask = tf.step(out);
      const dy = tf.mul(dOut, mask);
      mask.dispose();
      return dy;
    });
  return trainingOp(
    x,
    gamma,
    beta,
    epsilon,
    (bn) => {
      const r = reluOf(bn);
      const p = tf.maxPool(r as tf.Tensor4D, pool.pool, pool.strides, pool.padding);
      r.dispose();
      return p;
    },
    (dOut, out, bn) => {
      const mask = tf.step(out);
      const masked = tf.mul(dOut, mask);
      mask.dispose();
      const r = reluOf(bn);
      // tfjs's own MaxPool gradient (ops/max_pool_grad), which the namespace does not export.
      const dr = tf.engine().runKernel('MaxPoolGrad', { dy: masked, input: r, output: out }, { filterSize: pool.pool, strides: pool.strides, pad: pool.padding }) as tf.Tensor;
      tf.dispose([masked, r]);
      return dr;
    },
  );
}

/**
 * The pooled form of {@link batchNormReluTraining} through the two kernels of batchNormPool.ts
 * (wasm and cpu): the same values, with at most the input, dx and the pooled tensors alive
 * instead of up to five full-size tensors in the block's forward and backward passes.
 */
function bnReluPoolKernelOp(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, a: BnPoolAttrs): BatchNormTrainingResult {
  let stats: { mean: tf.Tensor; variance: tf.Tensor } | undefined;
  const op = tf.customGrad(((...args: unknown[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [value, mean, variance] = runBnReluPool(xi, g, b, a);
    stats = { mean: tf.keep(tf.clone(mean)), variance: tf.keep(tf.clone(variance)) };
    save([xi, g, b, mean, variance]);
    return {
      value,
      gradFunc: (dOut: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, bs, m, v] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return runBnReluPoolGrad(dOut, xs, gs, bs, m, v, a);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as CustomOp;
  const y = op(x, gamma, beta);
  const { mean, variance } = stats as { mean: tf.Tensor; variance: tf.Tensor };
  return { y, mean, variance };
}
