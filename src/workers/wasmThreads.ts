/// <reference lib="webworker" />
/**
 * Lets tfjs-backend-wasm's threaded SIMD binary start its thread workers from our bundle.
 *
 * tfjs-backend-wasm 4.22 starts each XNNPACK thread as a Worker that loads the Emscripten factory
 * from a Blob of `'var WasmBackendModuleThreadedSimd = ' + factory.toString()` (backend_wasm.js,
 * `init()`). That source must stand on its own. In the bundle it does not: the factory is a
 * function inside a CommonJS wrapper that the bundler rewrote and minified, and its text refers to
 * names outside the function, so every thread worker died with "ReferenceError: e is not defined"
 * and the backend never finished starting (measured before this fix: the Train cell stayed on
 * "measuring…" for 600 s under COOP/COEP).
 *
 * The fix: the factory's `toString` (an own property shadows Function.prototype.toString, and
 * tfjs calls nothing else on it) returns the package's file itself, unbundled (`?raw`), wrapped so
 * that it evaluates to the factory. tfjs then calls the bundled factory on this thread and the
 * thread workers evaluate the untouched original, which is the same code.
 *
 * Browser only (`?raw` is a Vite import); Node's tfjs never uses the threaded binary.
 */
import threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedSource from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

/**
 * The original file declares `var WasmBackendModuleThreadedSimd = (() => …)()` and then exports
 * it when `module`/`define` exist (they do not in a classic worker). As an expression: run it in
 * a function and return the factory.
 */
export const threadedFactorySource = `(function () {\n${threadedSource}\nreturn WasmBackendModuleThreadedSimd;\n})()`;

let patched = false;

/** Make the threaded factory's `toString` the standalone source. Idempotent; call before the wasm backend starts. */
export function patchThreadedWasmFactory(): void {
  if (patched) return;
  Object.defineProperty(threadedFactory, 'toString', { value: () => threadedFactorySource, configurable: true });
  patched = true;
}
