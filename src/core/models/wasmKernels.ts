/**
 * Kernels tfjs-backend-wasm 4.22 lacks, built from kernels it has.
 *
 * Conv2DBackpropFilter (the filter gradient of conv2d) is missing, so CNN training throws on wasm.
 * It equals Conv3DBackpropFilterV2 (which wasm has) on inputs with a depth of 1:
 * x [b, h, w, c] → [b, 1, h, w, c], dy → [b, 1, oh, ow, co], filter [1, kh, kw, c, co].
 *
 * Measured: wasm's Conv3DBackpropFilterV2 is right for stride 1 but wrong for stride 2 (up to 40×
 * off against the cpu kernel). So we always call it with stride 1 and 'valid' padding: with
 * dW[k] = Σ_o x[o·s + k − padTop] · dy[o], dy is zero-dilated by the stride (dy'[o·s] = dy[o]) and
 * x is padded by the forward pass's padding and cut to (oh − 1)·s + kh rows (likewise columns),
 * which turns the strided correlation into a stride-1 valid one.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';

interface BackendWithRefs {
  incRef(dataId: object): void;
}

/** Register the wasm Conv2DBackpropFilter kernel once; returns false when one is already there. */
export function registerWasmConv2DBackpropFilter(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as { strides: [number, number] | number; pad: unknown; dataFormat: string; filterShape: [number, number, number, number] };
      if (a.dataFormat !== 'NHWC' || (a.pad !== 'same' && a.pad !== 'valid'))
        throw new LabError('bad-argument', `wasm Conv2DBackpropFilter supports NHWC with 'same'/'valid' padding, got ${a.dataFormat}/${JSON.stringify(a.pad)}`);
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const [kh, kw, ci, co] = a.filterShape;
      const engine = tf.engine();
      // Tensor views of the inputs. makeTensorFromTensorInfo does not add a backend reference but
      // dispose() drops one, so add it first: the caller's x and dy must survive.
      const refs = backend as unknown as BackendWithRefs;
      refs.incRef(x.dataId);
      refs.incRef(dy.dataId);
      const xt = engine.makeTensorFromTensorInfo(x);
      const dyt = engine.makeTensorFromTensorInfo(dy);
      const result = tf.tidy(() => {
        const [b, h, w, c] = x.shape as [number, number, number, number];
        const [, oh, ow, oc] = dy.shape as [number, number, number, number];
        // Forward padding as tfjs computes it for 'same' (top/left get the smaller half).
        const padTop = a.pad === 'same' ? Math.floor(Math.max(0, (oh - 1) * sh + kh - h) / 2) : 0;
        const padLeft = a.pad === 'same' ? Math.floor(Math.max(0, (ow - 1) * sw + kw - w) / 2) : 0;
        const hx = (oh - 1) * sh + kh;
        const wx = (ow - 1) * sw + kw;
        const xp = tf.slice(tf.pad(xt as tf.Tensor4D, [[0, 0], [padTop, Math.max(0, hx - h - padTop)], [padLeft, Math.max(0, wx - w - padLeft)], [0, 0]]), [0, 0, 0, 0], [b, hx, wx, c]);
        let dyd: tf.Tensor = dyt;
        if (sh > 1 || sw > 1) {
          const spread = tf.pad(tf.reshape(dyt, [b, oh, 1, ow, 1, oc]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
          dyd = tf.slice(tf.reshape(spread, [b, oh * sh, ow * sw, oc]), [0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, oc]);
        }
        const [, hd, wd] = dyd.shape as [number, number, number, number];
        const dw5 = engine.runKernel(
          'Conv3DBackpropFilterV2',
          { x: tf.reshape(xp, [b, 1, hx, wx, c]), dy: tf.reshape(dyd, [b, 1, hd, wd, oc]) },
          { strides: [1, 1, 1], pad: 'valid', filterShape: [1, kh, kw, ci, co] } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor;
        return tf.reshape(dw5, [kh, kw, ci, co]);
      });
      xt.dispose();
      dyt.dispose();
      // Hand the data to the engine's output: keep one backend reference past dispose().
      refs.incRef(result.dataId);
      const info: tf.TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
      result.dispose();
      return info;
    },
  });
  return true;
}
