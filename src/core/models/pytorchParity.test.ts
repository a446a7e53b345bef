/**
 * The lab's training maths against an independent float64 reference written here in plain
 * TypeScript the way PyTorch defines it (no tfjs in the reference): the LSTM network's loss and
 * every gradient (central finite differences of the reference loss), the same for the GRU network
 * against the Keras GRU definition (reset_after = false, which the lab's GRU follows), Adam's update (PyTorch
 * formula, ε = 1e-8, bias-corrected), and the initialisation bounds of nn.LSTM / nn.Linear.
 * They guard the claim that the lab's LSTM trains the same maths as PyTorch's standard setup, so
 * accuracy differences to PyTorch runs are not an implementation difference.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tfNode';
import { buildSequenceModel } from './sequence';
import { FlatAdam } from './optimizer';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

type Mat = { data: Float64Array; rows: number; cols: number };

const sig = (z: number) => 1 / (1 + Math.exp(-z));

/** One step of the LSTM (PyTorch gate order i, f, g, o): the new h and c. */
function lstmStep(K: Mat, U: Mat, b: Mat, xt: Float64Array, h: Float64Array, c: Float64Array, H: number): [Float64Array, Float64Array] {
  const z = new Float64Array(4 * H);
  for (let j = 0; j < 4 * H; j++) {
    let v = b.data[j]!;
    for (let f = 0; f < xt.length; f++) v += xt[f]! * K.data[f * 4 * H + j]!;
    for (let k = 0; k < H; k++) v += h[k]! * U.data[k * 4 * H + j]!;
    z[j] = v;
  }
  const h2 = new Float64Array(H);
  const c2 = new Float64Array(H);
  for (let k = 0; k < H; k++) {
    const i = sig(z[k]!);
    const fg = sig(z[H + k]!);
    const g = Math.tanh(z[2 * H + k]!);
    const o = sig(z[3 * H + k]!);
    c2[k] = fg * c[k]! + i * g;
    h2[k] = o * Math.tanh(c2[k]!);
  }
  return [h2, c2];
}

/**
 * One step of the GRU as Keras defines it with reset_after = false (the lab's GRU; PyTorch's
 * nn.GRU applies r after the recurrent product instead): gates z, r, candidate ĥ, in that order;
 * z, r = σ(x·W_zr + h·U_zr + b_zr), ĥ = tanh(x·W_h + (r⊙h)·U_h + b_h), h' = z⊙h + (1 − z)⊙ĥ.
 */
function gruStep(K: Mat, U: Mat, b: Mat, xt: Float64Array, h: Float64Array, H: number): Float64Array {
  const G = 3 * H;
  const pre = (j: number, state: Float64Array) => {
    let v = b.data[j]!;
    for (let f = 0; f < xt.length; f++) v += xt[f]! * K.data[f * G + j]!;
    for (let k = 0; k < H; k++) v += state[k]! * U.data[k * G + j]!;
    return v;
  };
  const z = Float64Array.from({ length: H }, (_, k) => sig(pre(k, h)));
  const r = Float64Array.from({ length: H }, (_, k) => sig(pre(H + k, h)));
  const rh = Float64Array.from(h, (v, k) => r[k]! * v);
  return Float64Array.from({ length: H }, (_, k) => z[k]! * h[k]! + (1 - z[k]!) * Math.tanh(pre(2 * H + k, rh)));
}

/** Reference forward of LSTM(H) or GRU(H) → Dense(D, ReLU) → Dense(K) and mean softmax cross-entropy. */
function referenceLoss(w: Mat[], x: Float64Array, y: number[], T: number, F: number, H: number, kind: 'lstm' | 'gru' = 'lstm'): number {
  const [K, U, b, D1, d1, D2, d2] = w as [Mat, Mat, Mat, Mat, Mat, Mat, Mat];
  const n = y.length;
  const D = D1.cols;
  const C = D2.cols;
  let total = 0;
  for (let s = 0; s < n; s++) {
    let h: Float64Array = new Float64Array(H);
    let c: Float64Array = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const xt = x.subarray((s * T + t) * F, (s * T + t + 1) * F);
      if (kind === 'gru') h = gruStep(K, U, b, xt, h, H);
      else [h, c] = lstmStep(K, U, b, xt, h, c, H);
    }
    const a = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      let v = d1.data[j]!;
      for (let k = 0; k < H; k++) v += h[k]! * D1.data[k * D + j]!;
      a[j] = Math.max(0, v);
    }
    const logits = new Float64Array(C);
    for (let j = 0; j < C; j++) {
      let v = d2.data[j]!;
      for (let k = 0; k < D; k++) v += a[k]! * D2.data[k * C + j]!;
      logits[j] = v;
    }
    const mx = Math.max(...logits);
    let se = 0;
    for (const v of logits) se += Math.exp(v - mx);
    total -= logits[y[s]!]! - mx - Math.log(se);
  }
  return total / n;
}

describe('parity with the PyTorch definitions (float64 reference)', () => {
  for (const kind of ['lstm', 'gru'] as const)
  it(`${kind.toUpperCase()} network: loss and every gradient match the reference`, () => {
    const [n, T, F, H, D, C] = [3, 3, 5, 6, 7, 4];
    const net = buildSequenceModel({ kind, steps: T, nFeatures: F, nClasses: C, units: H, denseUnits: D, seed: 1, dropout: 0 });
    // float32-representable inputs, so both sides see the same numbers.
    const x32 = Float32Array.from({ length: n * T * F }, (_, i) => Math.sin(i * 1.7) * 1.3);
    const xArr = Float64Array.from(x32);
    const y = [0, 2, 3];
    const x = tf.tensor(x32, [n, T, F]);
    const oneHot = tf.oneHot(tf.tensor1d(y, 'int32'), C).toFloat();
    const lossFn = () => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(net.forward(x, false))), 1))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(lossFn, net.variables);
    const w: Mat[] = net.variables.map((v) => ({ data: Float64Array.from(v.dataSync()), rows: v.shape[0] as number, cols: (v.shape[1] ?? 1) as number }));
    expect(w.length).toBe(7);
    expect(Math.abs(value.dataSync()[0]! - referenceLoss(w, xArr, y, T, F, H, kind))).toBeLessThan(1e-6);
    const eps = 1e-6;
    net.variables.forEach((v, k) => {
      const g = grads[v.name]!.dataSync();
      const wk = w[k]!;
      let scale = 0;
      let err = 0;
      for (let i = 0; i < wk.data.length; i++) {
        const old = wk.data[i]!;
        wk.data[i] = old + eps;
        const lp = referenceLoss(w, xArr, y, T, F, H, kind);
        wk.data[i] = old - eps;
        const lm = referenceLoss(w, xArr, y, T, F, H, kind);
        wk.data[i] = old;
        const fd = (lp - lm) / (2 * eps);
        scale = Math.max(scale, Math.abs(fd));
        err = Math.max(err, Math.abs(fd - g[i]!));
      }
      expect(scale, `${v.name} has a non-zero gradient`).toBeGreaterThan(1e-4);
      expect(err / scale, `${v.name}`).toBeLessThan(1e-4);
    });
    tf.dispose([x, oneHot, value, ...Object.values(grads)]);
    net.dispose();
  });

  it('FlatAdam follows torch.optim.Adam (bias-corrected, ε outside the square root) step by step', () => {
    // Loss Σ c_i·w_i²/2 with very different curvatures and one zero gradient: gradient c·w.
    const c = [1, 1e-3, 50, 0];
    const w0 = [0.5, -2, 0.1, 3];
    const v = tf.variable(tf.tensor1d(w0));
    const ct = tf.tensor1d(c);
    const lr = 0.05;
    const opt = new FlatAdam([v], lr);
    const ref = Float64Array.from(w0);
    const m = new Float64Array(4);
    const s = new Float64Array(4);
    for (let t = 1; t <= 5; t++) {
      opt.minimize(() => tf.mul(0.5, tf.sum(tf.mul(ct, tf.square(v)))) as tf.Scalar).dispose();
      for (let i = 0; i < 4; i++) {
        const g = c[i]! * ref[i]!;
        m[i] = 0.9 * m[i]! + 0.1 * g;
        s[i] = 0.999 * s[i]! + 0.001 * g * g;
        ref[i]! -= (lr * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(s[i]! / (1 - 0.999 ** t)) + 1e-8);
      }
      const got = v.dataSync();
      for (let i = 0; i < 4; i++) expect(Math.abs(got[i]! - ref[i]!), `step ${t}, weight ${i}`).toBeLessThan(1e-5);
    }
    expect(v.dataSync()[3]).toBe(3);
    opt.dispose();
    v.dispose();
    ct.dispose();
  });

  it('initialisation: nn.LSTM U(−1/√H, 1/√H) weights and b_ih + b_hh bias; nn.Linear U(−1/√fan_in, 1/√fan_in)', () => {
    const H = 64;
    const net = buildSequenceModel({ kind: 'lstm', steps: 3, nFeatures: 20, nClasses: 10, units: H, denseUnits: 32, seed: 5 });
    const bounds = [1 / Math.sqrt(H), 1 / Math.sqrt(H), 2 / Math.sqrt(H), 1 / Math.sqrt(H), 1 / Math.sqrt(H), 1 / Math.sqrt(32), 1 / Math.sqrt(32)];
    // Uniform(−k, k) has std k/√3; the sum of two has std k·√(2/3).
    const stds = bounds.map((k, i) => (i === 2 ? (k / 2) * Math.sqrt(2 / 3) : k / Math.sqrt(3)));
    net.variables.forEach((v, i) => {
      const d = v.dataSync();
      let ss = 0;
      let mx = 0;
      for (const a of d) {
        ss += a * a;
        mx = Math.max(mx, Math.abs(a));
      }
      expect(mx, v.name).toBeLessThanOrEqual(bounds[i]! + 1e-7);
      if (d.length >= 256) {
        expect(mx, v.name).toBeGreaterThan(0.95 * bounds[i]! * (i === 2 ? 0.5 : 1));
        expect(Math.abs(Math.sqrt(ss / d.length) / stds[i]! - 1), v.name).toBeLessThan(0.1);
      }
    });
    net.dispose();
  });
});
