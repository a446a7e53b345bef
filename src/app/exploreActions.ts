/**
 * The Explore cell's actions: its views are cheap, so they follow the ticks with no Run button —
 * a change waits {@link EXPLORE_DEBOUNCE_MS} for the next tick, then runs in the cell's workers;
 * a newer request cancels an older one still running (runCell), so the last ticks always win.
 */
import { setRun } from '../state/lab';
import { runCell } from './computeActions';
import { labStore } from './store';

/** Long enough to gather a few quick ticks into one request, short enough to feel live. */
export const EXPLORE_DEBOUNCE_MS = 250;

let timer: ReturnType<typeof setTimeout> | undefined;

/** Recompute Explore's views soon (debounced). */
export function refreshExplore(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => void runExplore(), EXPLORE_DEBOUNCE_MS);
}

/** Compute Explore's views for its current ticks now; resolves when they have finished (or were replaced). */
export async function runExplore(): Promise<void> {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  const s = labStore.getState();
  const ds = s.dataset;
  const p = s.params.explore;
  if (!ds) return;
  const clear = (key: 'histograms' | 'correlation' | 'pca') => setRun(labStore, key, { status: 'idle', progress: 0, result: undefined, error: undefined });
  if (p.features.length === 0 || p.genres.length === 0) {
    (['histograms', 'correlation', 'pca'] as const).forEach(clear);
    return;
  }
  const histograms = runCell('histograms', { kind: 'histograms', features: p.features, genres: p.genres });
  // Correlation and PCA need two features at least; with fewer the cell says so.
  if (p.features.length < 2) {
    clear('correlation');
    clear('pca');
    return histograms;
  }
  await Promise.all([histograms, runCell('correlation', { kind: 'correlation', features: p.features, genres: p.genres }), runCell('pca', { kind: 'pca', features: p.features, genres: p.genres })]);
}

/** Recompute whenever the dataset or Explore's ticks change. Wired once by main.tsx; returns the unsubscribe. */
export function watchExplore(): () => void {
  return labStore.subscribe((s, prev) => {
    if (s.dataset !== prev.dataset || s.params.explore !== prev.params.explore) refreshExplore();
  });
}
