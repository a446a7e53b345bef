/**
 * What the wasm backend runs on, as plain data: the training worker reports it with its backend
 * choice and the page shows it. Kept apart from tfBackend.ts so the page can describe it without
 * importing tfjs into the main bundle.
 */

/** What the wasm backend runs on: which binary tfjs loaded and with how many threads. */
export interface WasmInfo {
  /**
   * tfjs-backend-wasm ships three binaries and picks one by feature detection: threaded SIMD
   * needs SharedArrayBuffer (a cross-origin isolated page or worker), SIMD needs wasm SIMD.
   */
  binary: 'plain' | 'simd' | 'threaded-simd';
  /** XNNPACK's thread-pool size (1 on the binaries without threads). */
  threads: number;
  /** `crossOriginIsolated` of the context the backend runs in (false in Node, which tfjs never threads). */
  crossOriginIsolated: boolean;
  /**
   * Where the threaded binary could run, the backend picker timed its benchmark step on both SIMD
   * binaries and kept the threaded one only when clearly faster (tfBackend's THREADED_MIN_SPEEDUP): ms per step, null for one that did not start.
   */
  compared?: { simd: number | null; 'threaded-simd': number | null };
}

const BINARY_NAMES: Record<WasmInfo['binary'], string> = { plain: 'no SIMD', simd: 'SIMD', 'threaded-simd': 'threaded SIMD' };

/**
 * "threaded SIMD, 2 threads" / "SIMD, no threads (not cross-origin isolated)", and the two binaries' step times when
 * the picker compared them: for the backend badge and the bench.
 */
export function describeWasm(w: WasmInfo): string {
  const binary = BINARY_NAMES[w.binary];
  const running = w.binary === 'threaded-simd' ? `${binary}, ${w.threads} thread${w.threads === 1 ? '' : 's'}` : `${binary}, no threads${w.crossOriginIsolated ? '' : ' (not cross-origin isolated)'}`;
  if (!w.compared) return running;
  const ms = (v: number | null): string => (v === null ? 'did not start' : `${v.toFixed(1)} ms`);
  return `${running}; picked by measurement: threaded ${ms(w.compared['threaded-simd'])}, single-threaded ${ms(w.compared.simd)} per step`;
}
