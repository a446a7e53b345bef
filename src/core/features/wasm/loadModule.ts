/**
 * Loading the lab's small WebAssembly SIMD kernels (hpssMedian.c, realFftPair.c): the one place
 * that finds the WebAssembly API, turns a committed base64 module into bytes and compiles it.
 * Each module compiles synchronously, once per thread (they are under Chrome's 4 kB limit for
 * compiling on a page's main thread), and each kernel instance brings its own imported memory.
 */

/** A WebAssembly.Memory, as much of it as the kernels use. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The slice of the WebAssembly API used here (src/core type-checks without the DOM lib, which declares it). */
export interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

/** This thread's WebAssembly API, or undefined where there is none. */
export function webAssemblyApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

const compiled = new Map<string, object>();

/**
 * The module whose bytes `base64` holds, compiled on first use in this thread. Throws the
 * engine's CompileError where it lacks what the module needs (SIMD): callers fall back to
 * their TypeScript path then.
 */
export function compiledModule(wasm: WasmApi, base64: string): object {
  let m = compiled.get(base64);
  if (!m) {
    const text = atob(base64); // atob: Node ≥ 16, browsers and workers
    m = new wasm.Module(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    compiled.set(base64, m);
  }
  return m;
}

/** A new instance of the module in `base64` over `memory` (its only import, `env.memory`). */
export function instantiateKernel(wasm: WasmApi, base64: string, memory: WasmMemory): Record<string, unknown> {
  return new wasm.Instance(compiledModule(wasm, base64), { env: { memory } }).exports;
}

/** This thread's instance of a kernel class (see {@link threadKernel}), with a switch for tests and benches. */
export interface KernelGetter<K> {
  (): K | undefined;
  /** Off: the getter answers undefined, so callers take their TypeScript path (on by default). */
  setEnabled(on: boolean): void;
}

/**
 * A getter for this thread's one instance of a kernel class over the module in `base64` (with its
 * own memory, one page to start): made on the first call, or undefined — then and after — where
 * WebAssembly or its SIMD is missing (the caller's TypeScript path gives the same values there).
 */
export function threadKernel<K>(base64: string, make: (memory: WasmMemory, exports: Record<string, unknown>) => K): KernelGetter<K> {
  let cached: K | null | undefined;
  let enabled = true;
  const get = (): K | undefined => {
    if (!enabled) return undefined;
    if (cached !== undefined) return cached ?? undefined;
    cached = null;
    const wasm = webAssemblyApi();
    if (!wasm) return undefined;
    try {
      const memory = new wasm.Memory({ initial: 1 });
      cached = make(memory, instantiateKernel(wasm, base64, memory));
    } catch {
      // CompileError without SIMD
    }
    return cached ?? undefined;
  };
  return Object.assign(get, { setEnabled: (on: boolean) => void (enabled = on) });
}

/**
 * The float32 side of a kernel instance: its memory as floats, the first float the caller may use
 * (16-byte aligned, above the module's shadow stack), and growth on demand (kept).
 */
export class Float32KernelMemory {
  protected heap: Float32Array;
  /** First float of the caller's area. */
  protected readonly base: number;

  constructor(
    private readonly memory: WasmMemory,
    heapBase: number,
  ) {
    this.heap = new Float32Array(memory.buffer);
    this.base = Math.ceil(heapBase / 16) * 4;
  }

  /** Make floats [0, end) addressable, growing the memory when needed. */
  protected reserve(end: number): void {
    const need = 4 * end;
    if (need <= this.memory.buffer.byteLength) return;
    this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / WASM_PAGE_BYTES));
    this.heap = new Float32Array(this.memory.buffer); // growing detached the old view
  }
}
