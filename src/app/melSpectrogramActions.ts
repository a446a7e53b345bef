/**
 * Explore's mel spectrograms per genre: for each chosen genre, its first few tracks that have
 * audio (the demo corpus re-synthesised, or files dropped in this session), each clip's log-mel
 * matrix computed in the spectrogram worker (core computeLogMel, librosa's defaults) one after
 * another, so they appear as they are ready. A newer choice cancels the run in progress.
 */
import { looksLikeWav } from '../core/audio/wav';
import type { Dataset } from '../core/data/dataset';
import { toErrorInfo } from '../core/errors';
import { quantiseLogMel } from '../core/features/logMel';
import type { MelViewItem, MelViewsState } from '../state/melViews';
import { logMelInWorker, type SpectrogramSource } from '../workers/spectrogramClient';
import type { RunningJob } from '../workers/transport';
import { EXPLORE_DEBOUNCE_MS } from './exploreActions';
import { decodeForDisplay, demoClipOf, hasTrackAudio, importedTrackFile, noTrackAudio } from './audioImportActions';
import { labStore } from './store';

/** Tracks shown per genre: enough to see what a genre has in common, few enough to compare at a glance. */
export const TRACKS_PER_GENRE = 3;
/** librosa's defaults (sr 22 050, hop 512): what every spectrogram here is made with. */
const SR = 22050;
const HOP = 512;

let generation = 0;
let running: RunningJob<unknown> | undefined;

function setViews(gen: number, patch: Partial<MelViewsState>): void {
  const prev = labStore.getState().melViews;
  if (gen === generation && prev) labStore.setState({ melViews: { ...prev, ...patch } });
}

/** The first {@link TRACKS_PER_GENRE} tracks of each genre (in the table's order) that have audio. */
function tracksToShow(ds: Dataset, genres: readonly string[]): MelViewItem[] {
  const out: MelViewItem[] = [];
  const seen = new Set<string>();
  const count = new Map<string, number>();
  for (let r = 0; r < ds.nRows; r++) {
    const trackId = ds.trackIds[r]!;
    const genre = ds.genres[ds.labels[r]!]!;
    if (seen.has(trackId) || !genres.includes(genre) || (count.get(genre) ?? 0) >= TRACKS_PER_GENRE) continue;
    seen.add(trackId);
    if (!hasTrackAudio(ds, trackId)) continue;
    count.set(genre, (count.get(genre) ?? 0) + 1);
    out.push({ trackId, genre });
  }
  // Grouped by genre, in the order the genres were chosen.
  return genres.flatMap((g) => out.filter((i) => i.genre === g));
}

/** Where a track's audio comes from: a demo clip is synthesised in the worker; a dropped file is read here, as it is. */
async function sourceOf(ds: Dataset, trackId: string): Promise<SpectrogramSource> {
  const demo = demoClipOf(ds, trackId);
  if (demo) return { fileName: demo.fileName, synth: { style: demo.style, seed: demo.seed, durationSec: demo.durationSec } };
  const file = importedTrackFile(ds, trackId);
  if (!file) throw noTrackAudio(trackId);
  const bytes = await file.arrayBuffer();
  return looksLikeWav(new Uint8Array(bytes)) ? { fileName: trackId, bytes } : { fileName: trackId, samples: await decodeForDisplay(bytes, trackId) };
}

/** Make the spectrograms for the loaded dataset and the chosen genres (cancelling a run in progress). */
export async function refreshMelSpectrograms(): Promise<void> {
  const gen = ++generation;
  running?.cancel();
  running = undefined;
  const s = labStore.getState();
  const ds = s.dataset;
  if (!ds) {
    labStore.setState({ melViews: undefined });
    return;
  }
  const items = tracksToShow(ds, s.params.melSpectrograms.genres);
  const anyAudio = ds.trackIds.length > 0 && hasTrackAudio(ds, ds.trackIds[0]!);
  labStore.setState({ melViews: { status: anyAudio || items.length ? 'running' : 'no-audio', datasetId: ds.id, items, done: 0 } });
  if (!items.length) {
    setViews(gen, { status: anyAudio ? 'done' : 'no-audio' });
    return;
  }
  for (const [i, item] of items.entries()) {
    let patch: Partial<MelViewItem>;
    try {
      const job = logMelInWorker(await sourceOf(ds, item.trackId), { sampleRateHz: SR });
      if (gen !== generation) return job.cancel();
      running = job;
      patch = { view: { mel: quantiseLogMel(await job.promise), hopSamples: HOP, sampleRateHz: SR } };
    } catch (e) {
      const err = toErrorInfo(e);
      if (err.code === 'cancelled') return;
      patch = { error: err };
    }
    if (gen !== generation) return;
    const cur = labStore.getState().melViews!;
    setViews(gen, { items: cur.items.map((x, j) => (j === i ? { ...x, ...patch } : x)), done: i + 1 });
  }
  running = undefined;
  setViews(gen, { status: 'done' });
}

let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Follow the dataset and the chosen genres (debounced like Explore's other views; the delay also
 * lets a dataset built from dropped audio register its files before we ask which tracks have
 * audio). Wired once by main.tsx; returns the unsubscribe.
 */
export function watchMelSpectrograms(): () => void {
  return labStore.subscribe((s, prev) => {
    if (s.dataset === prev.dataset && s.params.melSpectrograms === prev.params.melSpectrograms) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void refreshMelSpectrograms();
    }, EXPLORE_DEBOUNCE_MS);
  });
}
