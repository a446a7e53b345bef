import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { nodeWasmDir } from '../../node/tfNode';
import { activeBackend, chooseBackend, lastBackendChoice, pickFastest, pickWasmBinary, readWasmInfo, restartWasm } from './tfBackend';
import { describeWasm } from './wasmInfo';

describe('backend choice', () => {
  it('measures every candidate and keeps the fastest', async () => {
    const choice = await chooseBackend({ wasmPaths: nodeWasmDir(), candidates: ['webgl', 'wasm', 'cpu'], repetitions: 2 });
    // No WebGL context in Node: it cannot start and is recorded as unavailable.
    expect(choice.stepMs.webgl).toBeNull();
    const wasm = choice.stepMs.wasm as number;
    const cpu = choice.stepMs.cpu as number;
    expect(wasm).toBeGreaterThan(0);
    expect(cpu).toBeGreaterThan(0);
    expect(choice.name).toBe(wasm <= cpu ? 'wasm' : 'cpu');
    expect(activeBackend()).toBe(choice.name);
    expect(lastBackendChoice()).toEqual(choice);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('honours an override and fails clearly for an unavailable one', async () => {
    const c = await chooseBackend({ override: 'cpu' });
    expect(c).toMatchObject({ name: 'cpu', reason: 'override' });
    expect(activeBackend()).toBe('cpu');
    await expect(chooseBackend({ override: 'webgl' })).rejects.toThrow(/not available/);
    const w = await chooseBackend({ override: 'wasm' });
    expect(activeBackend()).toBe('wasm');
    // Node 20's V8 has wasm SIMD, and tfjs-backend-wasm never threads in Node (its flag says false there).
    expect(w.wasm).toEqual({ binary: 'simd', threads: 1, crossOriginIsolated: false });
    expect(describeWasm(w.wasm!)).toBe('SIMD, no threads (not cross-origin isolated)');
    expect(describeWasm({ binary: 'threaded-simd', threads: 2, crossOriginIsolated: true })).toBe('threaded SIMD, 2 threads');
  });
});

describe('picking the faster of measured options', () => {
  it('takes the smallest time, skips what did not start, and keeps the first of a tie', () => {
    expect(pickFastest({ webgl: null, wasm: 4.2, cpu: 90.5 })).toBe('wasm');
    expect(pickFastest({ simd: 6.3, 'threaded-simd': 22.5 })).toBe('simd');
    expect(pickFastest({ simd: 6.3, 'threaded-simd': 3.1 })).toBe('threaded-simd');
    expect(pickFastest({ simd: null, 'threaded-simd': 3.1 })).toBe('threaded-simd');
    expect(pickFastest({ simd: 5, 'threaded-simd': 5 })).toBe('simd');
    expect(pickFastest({ a: Number.NaN, b: 7 })).toBe('b');
    expect(pickFastest({ webgl: null, wasm: null })).toBeUndefined();
    expect(pickFastest({})).toBeUndefined();
  });

  it('keeps the threaded wasm binary only when it is at least 1.6× faster on the step', () => {
    expect(pickWasmBinary({ simd: 4.1, 'threaded-simd': 3.8 })).toBe('simd'); // 1.08×: a near tie
    expect(pickWasmBinary({ simd: 6.8, 'threaded-simd': 5.3 })).toBe('simd'); // 1.28×: its LSTM epoch was 1.9× slower
    expect(pickWasmBinary({ simd: 8, 'threaded-simd': 5 })).toBe('threaded-simd'); // exactly 1.6×
    expect(pickWasmBinary({ simd: 8, 'threaded-simd': 5.01 })).toBe('simd');
    expect(pickWasmBinary({ simd: 6.3, 'threaded-simd': 3.1 })).toBe('threaded-simd');
    expect(pickWasmBinary({ simd: 6.3, 'threaded-simd': 22.5 })).toBe('simd');
    expect(pickWasmBinary({ simd: null, 'threaded-simd': 3.1 })).toBe('threaded-simd');
    expect(pickWasmBinary({ simd: Number.NaN, 'threaded-simd': 3.1 })).toBe('threaded-simd');
    expect(pickWasmBinary({ simd: null, 'threaded-simd': null })).toBeUndefined();
  });

  it('names the running binary and both measured times on the badge', () => {
    expect(describeWasm({ binary: 'threaded-simd', threads: 2, crossOriginIsolated: true, compared: { simd: 6.25, 'threaded-simd': 3.14 } })).toBe(
      'threaded SIMD, 2 threads; picked by measurement: threaded 3.1 ms, single-threaded 6.3 ms per step',
    );
    expect(describeWasm({ binary: 'simd', threads: 1, crossOriginIsolated: true, compared: { simd: 4.6, 'threaded-simd': null } })).toBe(
      'SIMD, no threads; picked by measurement: threaded did not start, single-threaded 4.6 ms per step',
    );
  });

  it('restarts the wasm backend on the single-threaded binary with the lab kernels still in place', async () => {
    await chooseBackend({ wasmPaths: nodeWasmDir(), override: 'wasm' });
    expect(await restartWasm(false)).toBe(true);
    expect(activeBackend()).toBe('wasm');
    expect((tf.getKernel('Slice', 'wasm')!.kernelFunc as { heapSlice?: boolean }).heapSlice).toBe(true);
    // Slice is the lab's heap slice (wasmKernels.ts); [[1,2,3],[4,5,6]] · [[1],[0],[2]] = [[7],[16]], by hand.
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const out = tf.tidy(() => tf.slice(tf.matMul(a, tf.tensor2d([1, 0, 2], [3, 1])), [1, 0], [1, 1]));
    expect(Array.from(out.dataSync())).toEqual([16]);
    a.dispose();
    out.dispose();
    expect(tf.memory().numTensors).toBe(0);
    expect((await readWasmInfo()).binary).toBe('simd');
  });
});
