/**
 * Browser side of the extraction benchmark: one 30 s clip through extractRecipe on the page's
 * thread, one call per evaluate so bench/extractBrowser.ts can read main-thread CPU time around it.
 */
import { extractRecipe } from '../src/core/features/recipes';

let samples = new Float32Array(0);

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  setSamples(b64: string): number {
    const b = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    samples = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    return samples.length;
  },
  /** One extraction; its wall ms. */
  extractOnce(recipe: string): number {
    const t0 = performance.now();
    extractRecipe(samples, 22050, recipe);
    return performance.now() - t0;
  },
};
