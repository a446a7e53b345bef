/**
 * `tf.variableGrads` that frees memory as the backward pass goes.
 *
 * tfjs 4.22 keeps, until the whole backward pass has ended, every gradient it has computed (the
 * dy of every op), every tensor the forward pass saved for a gradient, and everything a
 * `tf.customGrad` gradient function makes (tfjs calls those outside any tidy scope). For the
 * small VGG on a batch of 32 128 × 128 crops that is ~470 MB of tensors alive at the end of one
 * step, which the wasm heap then keeps for good (measured with tf.profile; bench/cnnMemory.ts).
 *
 * This walks the same tape in the same order with the same kernels — the numbers are identical —
 * but as soon as an op's gradient is done it disposes that op's dy, the tensors saved for it, and
 * the intermediates of its gradient function, so the backward pass holds only the activations
 * still to be used plus a few gradients at a time.
 *
 * It reads tfjs's tape (the engine's `state.activeTape`, the nodes `inputs`, `outputs`, `saved`,
 * `gradient`), which is internal to tfjs: the version is pinned, and backprop.test.ts checks the
 * gradients against `tf.variableGrads` and that no tensor outlives a step.
 */
import * as tf from '@tensorflow/tfjs';
import { LabError } from '../errors';

/** A tfjs tape node (tfjs-core/dist/tape.d.ts), as far as this file uses it. */
interface TapeNode {
  id: number;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
}

/**
 * The nodes of `tape` on a path from one of `xs` to `y`, in tape order, each with only the inputs
 * that depend on `xs` (tfjs's getFilteredNodesXToY does the same: gradients of inputs that do not
 * depend on a variable, like the first layer's input gradient, are never computed).
 */
function nodesFromXsToY(tape: TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      node.outputs.forEach((o) => fromX.add(o.id));
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      Object.values(node.inputs).forEach((t) => toY.add(t.id));
    }
  }
  return tape
    .filter((n) => nodeFromX.has(n.id) && nodeToY.has(n.id))
    .map((n) => ({ ...n, inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

/**
 * The value of `f()` (a scalar) and its gradient with respect to each of `vars`, like
 * `tf.variableGrads(f, vars)`, holding less memory while the gradients are computed (see the file
 * comment). The caller disposes `value` and the gradients. Not for higher-order gradients: called
 * inside another gradient computation it falls back to `tf.variableGrads`.
 */
export function variableGradsLean(f: () => tf.Scalar, vars: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) {
    const { value, grads } = tf.variableGrads(f, vars as tf.Variable[]);
    return { value, grads: vars.map((v) => grads[v.name] as tf.Tensor) };
  }
  // As engine.gradients does: record a tape while f runs (its intermediates are tidied, the
  // tensors saved for gradients kept until the finally below).
  const tape: TapeNode[] = [];
  engine.state.activeTape = tape;
  engine.state.gradientDepth++;
  let y: tf.Tensor | undefined;
  try {
    try {
      y = engine.tidy('forward', f);
    } finally {
      engine.state.gradientDepth--;
      engine.state.activeTape = null;
    }
    const value = y;
    if (!(value instanceof tf.Tensor) || value.rank !== 0) throw new LabError('bad-argument', 'variableGradsLean: f must return a scalar tensor.');
    const nodes = nodesFromXsToY(tape, vars, value);
    const grads = engine.tidy('backward', () => {
      // tensor id → its accumulated gradient (dL/dtensor).
      const acc = new Map<number, tf.Tensor>([[value.id, tf.onesLike(value)]]);
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i] as TapeNode;
        if (!node.gradient) throw new LabError('bad-argument', `Cannot compute a gradient through ${String((node as { kernelName?: string }).kernelName)}: it has no gradient function.`);
        const names = Object.keys(node.inputs);
        // One tidy around the gradient function and its per-input closures: for a customGrad op
        // the work happens in the gradient function itself, which tfjs would leave untidied.
        const dxs = engine.tidy(() => {
          const fns = (node.gradient as NonNullable<TapeNode['gradient']>)(node.outputs.map((o) => acc.get(o.id) ?? null));
          return names.map((name) => {
            const fn = fns[name];
            if (!fn) throw new LabError('bad-argument', `The gradient of ${String((node as { kernelName?: string }).kernelName)} gives none for its input ${name}.`);
            return fn();
          });
        });
        // This op's dys and saved tensors are read by no other op: free them now.
        for (const o of node.outputs) {
          const dy = acc.get(o.id);
          acc.delete(o.id);
          // The same tensor object may stand for two gradients (a gradient passed on unchanged).
          if (dy && ![...acc.values()].includes(dy) && !dxs.includes(dy)) dy.dispose();
        }
        node.saved?.forEach((t) => t.dispose());
        names.forEach((name, k) => {
          const x = node.inputs[name] as tf.Tensor;
          const dx = dxs[k] as tf.Tensor;
          if (dx.dtype !== 'float32' || dx.shape.join() !== x.shape.join())
            throw new LabError('bad-argument', `The gradient of ${String((node as { kernelName?: string }).kernelName)} for ${name} is ${dx.dtype} ${JSON.stringify(dx.shape)}, expected float32 ${JSON.stringify(x.shape)}.`);
          const prev = acc.get(x.id);
          if (!prev) acc.set(x.id, dx);
          else {
            acc.set(x.id, tf.add(prev, dx));
            if (![...acc.values()].includes(prev)) prev.dispose();
            if (!dxs.slice(k + 1).includes(dx) && ![...acc.values()].includes(dx)) dx.dispose();
          }
        });
      }
      return vars.map((v) => acc.get(v.id) ?? tf.zerosLike(v));
    });
    return { value: value as tf.Scalar, grads };
  } catch (e) {
    y?.dispose();
    throw e;
  } finally {
    // Saved tensors of nodes off the path (and of any node if something threw).
    tape.forEach((node) => node.saved?.forEach((t) => t.dispose()));
  }
}
