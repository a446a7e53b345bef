/** Browser side of the extraction benchmark: one 30 s clip, kaggle30 and ntnu30, median of runs. */
import { extractRecipe } from '../src/core/features/recipes';

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  runExtract(samplesBuf: number[], reps: number) {
    const samples = Float32Array.from(samplesBuf);
    const out: Record<string, number[]> = {};
    for (const recipe of ['kaggle30', 'ntnu30']) {
      extractRecipe(samples, 22050, recipe); // warm-up
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        extractRecipe(samples, 22050, recipe);
        times.push(performance.now() - t0);
      }
      out[recipe] = times;
    }
    return out;
  },
};
