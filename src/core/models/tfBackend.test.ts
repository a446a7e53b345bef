import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { nodeWasmDir } from '../../node/tfNode';
import { activeBackend, chooseBackend, lastBackendChoice } from './tfBackend';
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
