/**
 * Spectrogram sets in the browser (the CNNs' data): one quantised log-mel matrix per track,
 * computed in the extraction pool from a dropped folder or the synthetic demo corpus, cached per
 * file in IndexedDB by content hash + mel parameters, and the finished set stored whole so it
 * survives a reload. Before a build the browser's storage estimate is checked against the set's
 * size; a set that will not fit is refused before any work starts.
 */
import { batchOutcomeError, failedFile } from '../core/audio/batch';
import { AUDIO_FILE_RE } from '../core/audio/naming';
import { planDemoCorpus, SYNTH_VERSION } from '../core/audio/synth';
import { looksLikeWav, readWavHeader } from '../core/audio/wav';
import {
  addTracksToSpectrogramSet,
  assembleSpectrogramSet,
  framesForDuration,
  labelledClipPath,
  logMelOptionsFor,
  logMelParamsFor,
  spectrogramTrackName,
  spectrogramSetBytes,
  summariseSpectrogramSet,
  trackTable,
  type LogMelParams,
  type NamedLogMel,
} from '../core/data/spectrogramSet';
import { LabError, toErrorInfo } from '../core/errors';
import { quantiseLogMel } from '../core/features/logMel';
import { previewCropBatch, type CropBatchPreview } from '../core/models/spectrogramCrops';
import { resolveSplit } from '../core/data/split';
import { cnnTrainOptions, splitChoice, type AudioImportState } from '../state/lab';
import { restoreFromManifest, type MissingSpectrogramFiles, type ProjectSpectrograms } from '../core/project/spectrograms';
import { cachedLogMel, cacheLogMel, loadSpectrogramSet, logMelCacheKey, lookupLogMel, saveSpectrogramSet, type StoredSpectrogramSet } from '../storage/spectrograms';
import type { ExtractRequest } from '../workers/protocol';
import { audioPayload, contentHash, extractionPool, runPoolBatch, type AudioInput } from './audioImportActions';
import { labStore } from './store';

/**
 * Where a built set goes: `current`, the set the CNNs and every audio preset train on (the Train
 * cell's Spectrograms section); `evaluation`, a second labelled folder that a trained model is
 * evaluated on (the Toronto preset's new-data evaluation). One build mechanism serves both — the
 * extraction pool, the per-file cache, progress, Cancel, failed files — each slot with its own
 * state, generation and stored copy.
 */
export type SpectrogramSlot = 'current' | 'evaluation';

interface SlotState {
  summary: 'spectrograms' | 'evalSpectrograms';
  build: 'spectrogramBuild' | 'evalSpectrogramBuild';
  /** What "the set used before" is called in messages. */
  what: string;
  /** An evaluation folder may hold one genre (new rock songs); a training set needs two to learn anything. */
  minGenres: number;
}

const SLOTS: Record<SpectrogramSlot, SlotState> = {
  current: { summary: 'spectrograms', build: 'spectrogramBuild', what: 'the spectrogram set used before', minGenres: 2 },
  evaluation: { summary: 'evalSpectrograms', build: 'evalSpectrogramBuild', what: 'the evaluation set used before', minGenres: 1 },
};

/** The sets in use (their matrices are too big for the lab's saved state; the summaries are there). */
const sets: Record<SpectrogramSlot, StoredSpectrogramSet | undefined> = { current: undefined, evaluation: undefined };
const generations: Record<SpectrogramSlot, number> = { current: 0, evaluation: 0 };
/** Each slot's running build's own cancel: cancelling the evaluation set's build leaves the training set's running. */
const aborts: Record<SpectrogramSlot, AbortController | undefined> = { current: undefined, evaluation: undefined };

/** The current spectrogram set, with the id the training worker knows it by. */
export function currentSpectrogramSet(): StoredSpectrogramSet | undefined {
  return sets.current;
}

/** The evaluation set (a second labelled folder, for the Toronto new-data evaluation), with its worker id. */
export function evaluationSpectrogramSet(): StoredSpectrogramSet | undefined {
  return sets.evaluation;
}

function setBuild(slot: SpectrogramSlot, patch: Partial<AudioImportState>): void {
  const key = SLOTS[slot].build;
  const prev = labStore.getState()[key] ?? { status: 'idle', recipe: '', total: 0, done: 0, progress: 0, startedAt: 0, failed: [], fromCache: 0 };
  labStore.setState({ [key]: { ...prev, ...patch } });
}

/** After a reload: the stored sets come back and their summaries show. */
export async function restoreSpectrogramSet(): Promise<void> {
  await Promise.all(
    (Object.keys(SLOTS) as SpectrogramSlot[]).map(async (slot) => {
      try {
        const s = await loadSpectrogramSet(slot);
        if (!s || sets[slot]) return;
        sets[slot] = s;
        labStore.setState({ [SLOTS[slot].summary]: summariseSpectrogramSet(s) });
      } catch {
        // Nothing stored, or IndexedDB unreadable: the cell offers to build a set.
      }
    }),
  );
}

/**
 * A project's set made usable here: an embedded one as it is (its matrices also go to the per-file
 * cache, so a later project that names them by file finds them); a manifest restored from the
 * per-file cache, or the files the cache lacks. A cached matrix that differs from the saved one is
 * a `bad-project` LabError naming its file (core/project/spectrograms).
 */
export async function resolveProjectSpectrograms(p: ProjectSpectrograms): Promise<{ set: StoredSpectrogramSet } | (MissingSpectrogramFiles & { demoBands?: number })> {
  const id = `spectrograms:project:${Date.now().toString(36)}`;
  if (p.mode === 'embedded') {
    for (const t of p.set.tracks) if (t.source) await cacheLogMel(logMelCacheKey(t.source.key, p.set.params), t.mel);
    return { set: { ...p.set, id } };
  }
  const r = await restoreFromManifest(p.manifest, (source, params) => lookupLogMel(logMelCacheKey(source, params)));
  if ('set' in r) return { set: { ...r.set, id } };
  // Demo clips cannot be dropped: they are synthesised, so the way back is building the demo set at the same bands.
  const demo = p.manifest.tracks.every((t) => t.source.startsWith(DEMO_KEY_PREFIX));
  return demo ? { ...r, demoBands: p.manifest.params.nBands } : r;
}

/**
 * Make `set` the current set (undefined: none) around `apply` (the rest of a project replacing the
 * lab): the set is stored first, and put back as it was if storing or `apply` fails, so a refused
 * project leaves the set used before.
 */
export async function installSpectrogramSet(set: StoredSpectrogramSet | undefined, apply: () => Promise<void>): Promise<void> {
  if (labStore.getState().spectrogramBuild?.status === 'running') throw new LabError('bad-argument', 'A spectrogram set is being built: cancel it (or wait) before opening a project.');
  const before = sets.current;
  try {
    await saveSpectrogramSet(set);
    await apply();
  } catch (e) {
    await saveSpectrogramSet(before).catch(() => undefined);
    throw e;
  }
  generations.current++;
  sets.current = set;
  labStore.setState({ spectrograms: set ? summariseSpectrogramSet(set) : undefined, spectrogramBuild: undefined });
}

/** One track to build: its name, how long it lasts (for the storage check), its cache key and its audio. */
interface SpectrogramTask {
  path: string;
  durationSec: number;
  key(): Promise<string>;
  /** The audio part of the worker request, and what to transfer. */
  audio(): Promise<{ audio: Pick<ExtractRequest, 'bytes' | 'samples' | 'synth'>; transfer: ArrayBuffer[] }>;
}

/** How a demo clip's cache key starts (then the formula version, style, seed and length). */
const DEMO_KEY_PREFIX = 'synth-v';

/** GTZAN clips last 30 s: the size estimate's guess for a file whose header does not say. */
const ASSUMED_CLIP_SEC = 30;

/** A file's duration from its WAV header and size, else {@link ASSUMED_CLIP_SEC}. */
async function estimateDurationSec(file: File): Promise<number> {
  try {
    const head = new Uint8Array(await file.slice(0, 1 << 16).arrayBuffer());
    if (!looksLikeWav(head)) return ASSUMED_CLIP_SEC;
    const h = readWavHeader(head);
    return Math.max(0, file.size - h.dataStart) / (h.sampleRateHz * h.channels * (h.bits / 8));
  } catch {
    return ASSUMED_CLIP_SEC;
  }
}

const MB = 1024 * 1024;
const fmtMb = (b: number) => `${(b / MB).toFixed(b < 10 * MB ? 1 : 0)} MB`;

/**
 * Ask the browser how much it will store, and for persistent storage. The set is kept twice —
 * per file in the cache and whole as the current set — so it needs twice its size free.
 */
async function checkStorage(slot: SpectrogramSlot, setBytes: number): Promise<void> {
  const needed = 2 * setBytes;
  const storage = globalThis.navigator?.storage;
  const est = await storage?.estimate?.().catch(() => undefined);
  const free = est?.quota !== undefined ? est.quota - (est.usage ?? 0) : undefined;
  if (free !== undefined && needed > free)
    throw new LabError(
      'storage',
      `This spectrogram set needs about ${fmtMb(needed)} of browser storage (${fmtMb(setBytes)} of uint8 matrices, kept once in the per-file cache and once as the current set), but the browser offers only ${fmtMb(free)} more for this site. Nothing was started: free some space (delete saved models or site data), use fewer mel bands, or fewer files.`,
      { neededBytes: needed, freeBytes: free },
    );
  const persisted = (await storage?.persist?.().catch(() => false)) ?? false;
  // The Train cell's storage line speaks of the current set.
  if (slot === 'current') labStore.setState({ spectrogramStorage: { persisted, freeBytes: free, neededBytes: needed } });
}

/**
 * Compute (or read from the per-file cache) every task's matrix in the extraction pool and make
 * the set of `slot`: a new one, or — given `base` — `base` with the tasks' tracks added (a labelled
 * recording). The set used before stays until the new one is saved.
 */
async function buildSet(slot: SpectrogramSlot, tasks: SpectrogramTask[], skipped: { file: string; reason: string }[], params: LogMelParams, name: string, base?: StoredSpectrogramSet): Promise<void> {
  const gen = ++generations[slot];
  const isCurrent = () => gen === generations[slot];
  const abort = (aborts[slot] = new AbortController());
  setBuild(slot, { status: 'running', recipe: `log-mel, ${params.nBands} bands`, total: tasks.length, done: 0, progress: 0, failed: skipped, error: undefined, fromCache: 0, etaSec: undefined });
  // Names first: a file without a genre, or a track twice, fails before any audio is read.
  const seen = new Set<string>(base?.tracks.map((t) => t.trackId));
  const named: { task: SpectrogramTask; trackId: string; genre: string }[] = [];
  const failed = [...skipped];
  for (const task of tasks) {
    try {
      const n = spectrogramTrackName(task.path, seen);
      seen.add(n.trackId);
      named.push({ task, ...n });
    } catch (e) {
      failed.push(failedFile(task.path, e));
    }
  }
  try {
    await checkStorage(slot, named.reduce((a, n) => a + params.nBands * framesForDuration(n.task.durationSec, params), base ? spectrogramSetBytes(base) : 0));
  } catch (e) {
    setBuild(slot, { status: 'error', error: toErrorInfo(e), failed });
    return;
  }
  if (!isCurrent()) return;
  const out = await runPoolBatch(
    named,
    (n) => n.task.path,
    async (n, onProgress, signal): Promise<{ value: NamedLogMel; cached: boolean }> => {
      const key = await n.task.key();
      const r = await cachedLogMel(logMelCacheKey(key, params), async () => {
        const { audio, transfer } = await n.task.audio();
        const res = await extractionPool().run({ fileName: n.task.path, recipe: 'log-mel', mode: 'log-mel', logMel: logMelOptionsFor(params), ...audio }, transfer, onProgress, signal);
        if (!res.logMel) throw new LabError('internal', `${n.task.path}: the extraction worker returned no log-mel matrix. This is a bug in the lab; reload the page.`);
        // The worker sends dB (the display views read the same mode); a set keeps uint8 (quantisedLogMelOf's bytes).
        return quantiseLogMel(res.logMel);
      });
      // The source lets a project name this track by its cache key instead of embedding the matrix.
      return { value: { trackId: n.trackId, genre: n.genre, mel: r.mel, source: { file: n.task.path, key } }, cached: r.cached };
    },
    (patch) => setBuild(slot, { ...patch, ...(patch.failed ? { failed: [...failed, ...patch.failed] } : {}) }),
    isCurrent,
    abort.signal,
  );
  if (!out) return;
  const allFailed = [...failed, ...out.failed];
  try {
    // The real cause first: failed files before "one genre" (often only their consequence).
    const { minGenres, what, summary } = SLOTS[slot];
    const unusable = batchOutcomeError({ clipGenres: [...(base?.genres ?? []), ...out.values.map((v) => v.genre)], failed: allFailed, minGenres });
    if (unusable) throw unusable;
    if (base && out.values.length < tasks.length) throw batchOutcomeError({ clipGenres: [], failed: allFailed, minGenres }) as LabError;
    const set = base ? addTracksToSpectrogramSet(base, out.values) : assembleSpectrogramSet(out.values, allFailed.map((f) => ({ file: f.file, error: f.reason })), params, name, minGenres);
    const stored: StoredSpectrogramSet = { ...set, id: `spectrograms:${slot}:${Date.now().toString(36)}:${gen}` };
    try {
      await saveSpectrogramSet(stored, slot);
    } catch (e) {
      throw new LabError('storage', `The spectrogram set was built but could not be saved in the browser (${toErrorInfo(e).message}); ${what} is kept. Free some space and build again.`);
    }
    if (!isCurrent()) return;
    sets[slot] = stored;
    labStore.setState({ [summary]: summariseSpectrogramSet(stored) });
    // total = every file given (name failures and skipped non-audio included), so "n of total" counts right
    setBuild(slot, { status: 'done', failed: allFailed, progress: 1, total: out.values.length + allFailed.length });
  } catch (e) {
    setBuild(slot, { status: 'error', failed: allFailed, error: toErrorInfo(e) });
  }
}

/**
 * The log-mel parameters of a new set: the Train cell's mel bands for the current set; for an
 * evaluation set, the current set's own parameters (a model can only be evaluated on spectrograms
 * made as its training ones were).
 */
function paramsFor(slot: SpectrogramSlot): LogMelParams {
  const own = slot === 'evaluation' ? sets.current?.params : undefined;
  return own ?? logMelParamsFor({ nBands: labStore.getState().params.train.cnn.nBands });
}

/** A dropped, picked or recorded file as a build task: its cache key is its bytes' content hash. */
async function fileTask(a: AudioInput): Promise<SpectrogramTask> {
  let bytes: Promise<ArrayBuffer> | undefined;
  const read = () => (bytes ??= a.file.arrayBuffer());
  return {
    path: a.path,
    durationSec: await estimateDurationSec(a.file),
    key: async () => {
      if (a.file.size === 0) throw new LabError('corrupt-audio', `${a.file.name}: the file is empty (0 bytes).`);
      // The worker reads and hashes the file itself: the page reads it only when it must be analysed.
      return contentHash(a.file, a.file.name);
    },
    // The pool moves what it is given: a copy, so the bytes stay readable here.
    audio: async () => audioPayload((await read()).slice(0), a.file.name),
  };
}

/**
 * A spectrogram set from dropped or picked audio files (a `genres_original/<genre>/` folder, or
 * files named `genre.NNNNN.wav`), into `slot` (default: the current set).
 */
export async function buildSpectrogramsFromFiles(inputs: AudioInput[], slot: SpectrogramSlot = 'current'): Promise<void> {
  const params = paramsFor(slot);
  const audio = inputs.filter((i) => AUDIO_FILE_RE.test(i.file.name)).sort((a, b) => a.path.localeCompare(b.path));
  const skipped = inputs.filter((i) => !AUDIO_FILE_RE.test(i.file.name)).map((i) => ({ file: i.path, reason: 'Not an audio file (skipped)' }));
  if (audio.length === 0) {
    setBuild(slot, { status: 'error', failed: skipped, error: { code: 'unsupported-audio', message: `No audio files found${skipped.length ? ` (skipped ${skipped.length} other file(s))` : ''}. Drop WAV, MP3, FLAC or OGG files, or a folder of them.` } });
    return;
  }
  const tasks = await Promise.all(audio.map(fileTask));
  await buildSet(slot, tasks, skipped, params, `${audio.length} audio clip${audio.length === 1 ? '' : 's'}`);
}

/**
 * Add a recording (the Classify cell's microphone take) to the current set as a track of `genre`:
 * its bytes are hashed and its matrix computed (or read from the cache) in the pool exactly like a
 * dropped file in a `<genre>/` folder, with the set's own log-mel parameters, and the grown set is
 * saved (it survives a reload). Progress and errors show with the set's; the result is returned
 * for the cell that asked, and on any error the set stays as it was.
 */
export async function addRecordingToSpectrogramSet(file: File, genre: string): Promise<{ trackId: string; tracks: number }> {
  const base = sets.current;
  if (!base) throw new LabError('bad-argument', 'There is no spectrogram set to add the recording to: build one first in the Train cell (a CNN model, then Spectrograms).');
  if (labStore.getState().spectrogramBuild?.status === 'running') throw new LabError('bad-argument', 'A spectrogram set is being built: wait for it to finish, then add the recording.');
  const task = await fileTask({ file, path: labelledClipPath(file.name, genre) });
  await buildSet('current', [task], [], base.params, base.name, base);
  const after = labStore.getState().spectrogramBuild;
  if (after?.status === 'error') throw new LabError(after.error?.code ?? 'internal', after.error?.message ?? 'The recording could not be added.');
  const now = sets.current;
  if (!now || now === base) throw new LabError('cancelled', 'Adding the recording was cancelled; the set is unchanged.');
  const added = now.tracks[now.tracks.length - 1]!;
  return { trackId: added.trackId, tracks: now.tracks.length };
}

/** The synthetic demo corpus's spectrogram set (the clips are synthesised in the workers). */
export async function buildDemoSpectrograms(): Promise<void> {
  const params = logMelParamsFor({ nBands: labStore.getState().params.train.cnn.nBands });
  const tasks = planDemoCorpus().map(
    (p): SpectrogramTask => ({
      path: p.fileName,
      durationSec: p.durationSec,
      // A demo clip is defined by its formula version, style, seed and length.
      key: async () => `${DEMO_KEY_PREFIX}${SYNTH_VERSION}:${p.style}:${p.seed}:${p.durationSec}`,
      audio: async () => ({ audio: { synth: { style: p.style, seed: p.seed, durationSec: p.durationSec } }, transfer: [] }),
    }),
  );
  await buildSet('current', tasks, [], params, 'Synthetic demo corpus');
}

/** Stop a build of `slot` (default: the current set): the set used before stays. */
export function cancelSpectrogramBuild(slot: SpectrogramSlot = 'current'): void {
  generations[slot]++;
  aborts[slot]?.abort();
  setBuild(slot, { status: 'cancelled', etaSec: undefined });
}

/**
 * One training batch of the current set as the Train cell's settings would draw it (the split's
 * training tracks, their per-band z-score, random crops, SpecAugment masks), to look at before a run.
 */
export function previewTrainingBatch(size = 8): CropBatchPreview {
  const set = sets.current;
  if (!set) throw new LabError('bad-argument', 'Build a spectrogram set first: the preview shows crops of its training tracks.');
  const p = labStore.getState().params.train;
  const train = Array.from(resolveSplit(trackTable(set), splitChoice(p.split, p.seed)).train);
  const o = cnnTrainOptions(p.cnn);
  return previewCropBatch(set, train, { cropFrames: o.cropFrames, cropsPerTrack: o.cropsPerTrack, seed: p.seed, size, specAugment: o.specAugment });
}
