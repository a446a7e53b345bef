/**
 * The same feature goes by different names in the Kaggle and NTNU tables
 * (`rolloff_mean` vs `spectral_rolloff_mean`, `mfcc1_mean` vs `mfcc_1_mean`, `rms_mean` vs
 * `rmse_mean`). Presets are written in NTNU names and resolved against whatever table is loaded.
 */

/** NTNU Task 1 features (the report's k-NN study). */
export const NTNU_TASK1 = ['spectral_rolloff_mean', 'mfcc_1_mean', 'spectral_centroid_mean', 'tempo'];
/** NTNU Task 2 genres. */
export const NTNU_TASK2_GENRES = ['pop', 'disco', 'metal', 'classical'];

function canonical(name: string): string {
  return name
    .toLowerCase()
    .replace(/^spectral_rolloff/, 'rolloff')
    .replace(/^rmse/, 'rms')
    .replace(/^zero_cross_rate/, 'zero_crossing_rate')
    .replace(/^mfcc_?(\d+)/, 'mfcc$1')
    .replace(/_std$/, '_var');
}

/** Resolve a preset name to the loaded table's column, or undefined when it has no such feature. */
export function resolveFeatureName(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  const c = canonical(name);
  return available.find((a) => canonical(a) === c);
}

/** Resolve a preset list, keeping only those the table has. */
export function resolveFeatures(names: readonly string[], available: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const r = resolveFeatureName(n, available);
    if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

/** The Task 1 features in this table's names; falls back to its first four features. */
export function defaultFeatures(available: readonly string[]): string[] {
  const r = resolveFeatures(NTNU_TASK1, available);
  return r.length >= 2 ? r : available.slice(0, 4);
}

/**
 * Genre pairs that sound far apart, to show side by side first (the Toronto CSC report compares
 * country with rock and classical with blues); the first pair a table has wins.
 */
export const CONTRASTING_GENRES: readonly (readonly [string, string])[] = [
  ['country', 'rock'],
  ['classical', 'blues'],
  ['classical', 'metal'],
  ['classical', 'rock'],
  ['jazz', 'metal'],
];

/** Two contrasting genres of `genres` ({@link CONTRASTING_GENRES}), else its first two. */
export function contrastingGenres(genres: readonly string[]): string[] {
  const pair = CONTRASTING_GENRES.find(([a, b]) => genres.includes(a) && genres.includes(b));
  return pair ? [...pair] : genres.slice(0, 2);
}
