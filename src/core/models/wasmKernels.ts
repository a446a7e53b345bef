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

/** The parts of tfjs-backend-wasm's backend the slice kernels use (public methods, untyped in tf's KernelBackend). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Copy x[begin : begin + size] into a new wasm tensor, reading x in place on the wasm heap.
 *
 * tfjs-backend-wasm 4.22's Slice starts with `backend.readSync(x)`, a copy of the *whole* input
 * out of the heap, for every slice — and its Split and Unpack call that Slice once per part. The
 * lab's training step slices the LSTM gate blocks and splits Adam's flat update vector (all
 * weights) into one part per variable, so each step copied the whole weight vector 7 times. In
 * Chromium that copy is far slower than in Node (measured: readSync was 54 % of the training
 * worker's CPU profile). Values are copied, never computed, so results are bit-identical.
 * Consecutive values go in one copy: a slice of a batch is one copy, not one per pixel (the CNN's
 * chunked filter gradient slices [32, 128, 128, 1] tensors).
 */
function sliceOnHeap(backend: WasmHeapBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  // Allocate first: a malloc may grow the wasm memory, which detaches views of the old buffer.
  const out = backend.makeOutput(size, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (x.shape[d + 1] as number);
  // A row is the run of consecutive values: the last axis and every axis before it that the
  // slice takes whole (a slice along the batch of NHWC data is one run per sample... or one run).
  let d = rank - 1;
  while (d > 0 && begin[d] === 0 && size[d] === x.shape[d]) d--;
  const inner = rank === 0 ? 1 : (strides[d] as number);
  const row = rank === 0 ? 1 : (size[d] as number) * inner;
  const rows = row === 0 ? 0 : dst.length / row;
  // Walk the rows (the axes before d) with an odometer over their indices.
  const idx = new Array<number>(Math.max(0, d)).fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += row) {
    let off = rank === 0 ? 0 : (begin[d] as number) * inner;
    for (let e = 0; e < d; e++) off += ((begin[e] as number) + (idx[e] as number)) * (strides[e] as number);
    dst.set(src.subarray(off, off + row), o);
    for (let e = d - 1; e >= 0; e--) {
      if (++(idx[e] as number) < (size[e] as number)) break;
      idx[e] = 0;
    }
  }
  return out;
}

/**
 * Replace tfjs-backend-wasm's Slice, SplitV and Unpack kernels with ones that read the input on
 * the heap ({@link sliceOnHeap}). String tensors (not on the heap) keep the original kernels.
 * Returns false when already registered.
 */
export function registerWasmHeapSlices(): boolean {
  const slice = tf.getKernel('Slice', 'wasm');
  if (!slice || (slice.kernelFunc as { heapSlice?: boolean }).heapSlice) return false;
  const originals = new Map(['Slice', 'SplitV', 'Unpack'].map((k) => [k, tf.getKernel(k, 'wasm')!] as const));
  const kernels: Record<string, tf.KernelFunc> = {
    Slice: ({ inputs, attrs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const a = attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size) as [number[], number[]];
      return sliceOnHeap(backend as unknown as WasmHeapBackend, x, begin, size);
    },
    SplitV: ({ inputs, attrs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const a = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
      const axis = tf.util.parseAxisParam(a.axis, x.shape)[0] as number;
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = [...x.shape];
        size[axis] = s;
        const part = sliceOnHeap(backend as unknown as WasmHeapBackend, x, [...begin], size);
        (begin[axis] as number) += s;
        return part;
      });
    },
    Unpack: ({ inputs, attrs, backend }) => {
      const x = inputs['value'] as tf.TensorInfo;
      const axis = (((attrs as unknown as { axis: number }).axis % x.shape.length) + x.shape.length) % x.shape.length;
      const outShape = x.shape.filter((_, d) => d !== axis);
      const size = [...x.shape];
      size[axis] = 1;
      return Array.from({ length: x.shape[axis] as number }, (_, i) => {
        const begin = new Array<number>(x.shape.length).fill(0);
        begin[axis] = i;
        const part = sliceOnHeap(backend as unknown as WasmHeapBackend, x, begin, size);
        return { dataId: part.dataId, dtype: part.dtype, shape: outShape };
      });
    },
  };
  for (const [name, fn] of Object.entries(kernels)) {
    const original = originals.get(name)!;
    const kernelFunc: tf.KernelFunc = (args) => {
      const x = (args.inputs['x'] ?? args.inputs['value']) as tf.TensorInfo;
      return x.dtype === 'string' ? original.kernelFunc(args) : fn(args);
    };
    (kernelFunc as { heapSlice?: boolean }).heapSlice = true;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
  return true;
}

/**
 * Make tfjs-backend-wasm's Identity (and Cast to the same dtype) share the input's memory, as the
 * cpu backend's do, instead of copying it. tfjs clones every tensor it saves for a gradient
 * (`keep(clone(x))`) and `tf.moments` casts float32 to float32: on wasm each was a full copy, so
 * the forward pass of a training step held two copies of most activations (measured on the small
 * VGG, batch 32: 207 → 1xx MB of tensors; bench/cnnMemory.ts). Tensors are immutable, so a shared
 * buffer with one more reference is what a copy was. Returns false when already registered.
 */
export function registerWasmSharedIdentity(): boolean {
  const identity = tf.getKernel('Identity', 'wasm');
  if (!identity || (identity.kernelFunc as { shared?: boolean }).shared) return false;
  const cast = tf.getKernel('Cast', 'wasm')!;
  const share = (x: tf.TensorInfo, backend: unknown): tf.TensorInfo => {
    (backend as BackendWithRefs).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  const kernels: [tf.KernelConfig, tf.KernelFunc][] = [
    [identity, (args) => ((args.inputs['x'] as tf.TensorInfo).dtype === 'string' ? identity.kernelFunc(args) : share(args.inputs['x'] as tf.TensorInfo, args.backend))],
    [
      cast,
      (args) => {
        const x = args.inputs['x'] as tf.TensorInfo;
        return x.dtype !== 'string' && x.dtype === (args.attrs as { dtype?: string }).dtype ? share(x, args.backend) : cast.kernelFunc(args);
      },
    ],
  ];
  for (const [original, kernelFunc] of kernels) {
    (kernelFunc as { shared?: boolean }).shared = true;
    tf.unregisterKernel(original.kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
  return true;
}
