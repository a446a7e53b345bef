/**
 * Reused work arrays for the recipes' large intermediates (a 30 s clip's spectrogram is
 * 1293 × 1025 doubles, 10.6 MB; one kaggle30 call needs about ten such arrays).
 *
 * Why: a fresh large typed array is fresh memory from the OS, and its first touch page-faults
 * page by page. Measured in Node on the 2-core lab machine: filling a fresh 10.6 MB array costs
 * ~40 ms CPU, filling a reused one 0.5 ms — so allocation, not arithmetic, was most of an
 * extraction. Extraction is synchronous and each worker has its own module instance, so one pool
 * per thread is safe as long as a pooled array never outlives the call that took it: either
 * scratch that never leaves its function (the STFT's padded signal, the HPSS transpose), or
 * results that only recipes.ts asks for (`pooled`) and drops before returning fresh rows. Each
 * key names one use, so two live arrays never share a key.
 */

const pool = new Map<string, Float64Array>();

/**
 * The work array for `key`, `length` long, reused from the previous call with that key.
 * `zeroed` fills it with zeros (for accumulators); otherwise its contents are stale and the
 * caller must overwrite every element it reads.
 */
export function workArray(key: string, length: number, zeroed: boolean): Float64Array {
  const buf = pool.get(key);
  if (!buf || buf.length < length) {
    const fresh = new Float64Array(length);
    pool.set(key, fresh);
    return fresh;
  }
  const view = buf.length === length ? buf : buf.subarray(0, length);
  if (zeroed) view.fill(0);
  return view;
}

/** Drop every pooled array (e.g. when a worker goes idle), so their memory can be collected. */
export function releaseWorkArrays(): void {
  pool.clear();
}
