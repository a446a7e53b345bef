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
}

/** "threaded SIMD, 2 threads" / "SIMD, no threads (page not cross-origin isolated)": for the backend badge and the bench. */
export function describeWasm(w: WasmInfo): string {
  const binary = { plain: 'no SIMD', simd: 'SIMD', 'threaded-simd': 'threaded SIMD' }[w.binary];
  if (w.binary === 'threaded-simd') return `${binary}, ${w.threads} thread${w.threads === 1 ? '' : 's'}`;
  return `${binary}, no threads${w.crossOriginIsolated ? '' : ' (not cross-origin isolated)'}`;
}
