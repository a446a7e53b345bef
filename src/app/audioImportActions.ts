/**
 * Building a dataset from audio files: decode, extract in a pool of workers (one per core), cache
 * each file's features in IndexedDB by content hash, and hand the result to the store like any
 * loaded table. Failed files are listed with their reason; the rest of the batch goes on.
 */
import { batchOutcomeError, checkFeatureRows, failedFile } from '../core/audio/batch';
import { checkDuration } from '../core/audio/limits';
import { AUDIO_FILE_RE, inferTrackName } from '../core/audio/naming';
import { checkAudioHeader, nameAudioError } from '../core/audio/prepare';
import { planDemoCorpus, synthesizeClip, SYNTH_VERSION, type DemoClipPlan } from '../core/audio/synth';
import { encodeWav16, isRiffWave } from '../core/audio/wav';
import type { Dataset } from '../core/data/dataset';
import { CancelledError, isLabError, LabError, toErrorInfo } from '../core/errors';
import { getRecipe } from '../core/features/recipes';
import type { RecipeId } from '../core/features/spec';
import { fileStem, toDataset, type ExtractedClip } from '../core/features/toDataset';
import { setDataset, type AudioImportState } from '../state/lab';
import type { ExtractRequest, ExtractResult } from '../workers/protocol';
import { WorkerPool } from '../workers/workerPool';
import { getCachedFeatures, putCachedFeatures } from '../storage/featureCache';
import { labStore } from './store';

export interface AudioInput {
  file: File;
  /** Path inside the dropped folder (`genres_original/jazz/jazz.00001.wav`) or the file name. */
  path: string;
}

type Done = ExtractResult;
let pool: WorkerPool<ExtractRequest, Done> | undefined;
export function extractionPool(): WorkerPool<ExtractRequest, Done> {
  pool ??= new WorkerPool<ExtractRequest, Done>(() => new Worker(new URL('../workers/extract.worker.ts', import.meta.url), { type: 'module' }));
  return pool;
}


/**
 * A file's SHA-256 (hex): the project manifest lists it; the caches key on its first 128 bits.
 * Computed in an extraction worker (ahead of queued extractions), not on the page's main thread.
 * Bytes are copied into a Blob for it (a memory copy, far cheaper than hashing them here); give
 * the File itself and nothing is read or copied on the page.
 */
export async function contentHash(data: Blob | ArrayBuffer, name = 'the file'): Promise<string> {
  const file = data instanceof Blob ? data : new Blob([data]);
  const r = await extractionPool().run({ fileName: name, recipe: '', mode: 'hash', file }, [], undefined, undefined, true);
  return r.sha256!;
}

const SR = 22050;

/** Web Audio decode for non-WAV files: resampled to 22 050 Hz by the context, then averaged to mono (librosa's to_mono). */
async function decodeWithWebAudio(bytes: ArrayBuffer, name: string): Promise<Float32Array> {
  // A header with an absurd rate or length is refused before Web Audio decodes and resamples it.
  checkAudioHeader(new Uint8Array(bytes), name);
  const ctx = new OfflineAudioContext(1, 1, SR);
  let buf: AudioBuffer;
  try {
    buf = await ctx.decodeAudioData(bytes);
  } catch {
    throw new LabError('unsupported-audio', `${name}: the browser could not decode this file (corrupt, truncated or an unsupported format).`);
  }
  try {
    checkDuration(buf.length, SR); // formats whose header does not say how long they are
  } catch (e) {
    throw nameAudioError(e, name);
  }
  const out = new Float32Array(buf.length);
  for (let c = 0; c < buf.numberOfChannels; c++) {
    const ch = buf.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i]! += ch[i]! / buf.numberOfChannels;
  }
  return out;
}

/**
 * The audio of an extraction request: WAV bytes (parsed in the worker, exactly librosa's scaling)
 * or, for other formats, samples decoded by Web Audio here; with the buffer to transfer. `buf` is
 * moved to the worker, so pass a copy if the caller still needs it.
 */
export async function audioPayload(buf: ArrayBuffer, name: string): Promise<{ audio: Pick<ExtractRequest, 'bytes' | 'samples'>; transfer: ArrayBuffer[] }> {
  if (isRiffWave(new Uint8Array(buf))) return { audio: { bytes: buf }, transfer: [buf] };
  const samples = await decodeWithWebAudio(buf, name);
  return { audio: { samples }, transfer: [samples.buffer as ArrayBuffer] };
}

let generation = 0;
/** The running import's own cancel: Cancel stops its pool tasks, not a spectrogram build's. */
let importAbort: AbortController | undefined;

export function setImport(patch: Partial<AudioImportState>) {
  const prev = labStore.getState().audioImport;
  labStore.setState({ audioImport: { ...(prev ?? emptyImport('kaggle30')), ...patch } });
}

export function emptyImport(recipe: RecipeId): AudioImportState {
  return { status: 'idle', recipe, total: 0, done: 0, progress: 0, startedAt: 0, failed: [], fromCache: 0 };
}

export interface FileFeatures {
  featureNames: string[];
  /** One row per segment, in the recipe's feature order. */
  rows: Float64Array[];
  segmentLengths: number[];
  cached: boolean;
  /** SHA-256 of the file's bytes (hex). */
  sha256: string;
}

/**
 * Features of one audio file with one recipe, through the worker pool, cached by content hash.
 * The file itself goes to a worker, which reads and hashes it, looks the features up in the
 * feature cache and on a miss extracts (WAV: parsed there, exact librosa scaling) and caches them:
 * the page does nothing with the bytes. Other formats need Web Audio, which only the page has: the
 * worker says so (with the hash) and they are decoded here, then extracted and cached there.
 * `bytes`, when the caller has already read the file, saves reading it again for that decode.
 */
export async function extractFileFeatures(file: File, recipe: RecipeId, onProgress: (f: number) => void = () => {}, bytes?: ArrayBuffer, signal?: AbortSignal): Promise<FileFeatures> {
  if (file.size === 0) throw new LabError('corrupt-audio', `${file.name}: the file is empty (0 bytes).`);
  let r = await extractionPool().run({ fileName: file.name, recipe, file }, [], onProgress, signal);
  const sha256 = r.sha256!;
  if (r.needsDecode) {
    // The pool transfers (detaches) what it is given: a caller's bytes are copied first (it still needs them).
    const { audio, transfer } = await audioPayload(bytes ? bytes.slice(0) : await file.arrayBuffer(), file.name);
    r = await extractionPool().run({ fileName: file.name, recipe, ...audio, cacheSha256: sha256 }, transfer, onProgress, signal);
  }
  return { featureNames: r.featureNames, rows: r.rows, segmentLengths: r.segmentLengths, cached: r.cached === true, sha256 };
}

/** Meyda's features vs librosa's on one clip (computed in a worker). */
export async function compareMeydaOnFile(file: File): Promise<import('../core/features/meydaCompare').MeydaComparison[]> {
  const buf = await file.arrayBuffer();
  const { audio, transfer } = await audioPayload(buf, file.name);
  const r = await extractionPool().run({ fileName: file.name, recipe: 'meyda', mode: 'meyda-compare', ...audio }, transfer);
  return r.meyda ?? [];
}

/** Mono samples at 22 050 Hz for display and playback (Web Audio decode, any format the browser reads). */
export async function decodeForDisplay(bytes: ArrayBuffer, name: string): Promise<Float32Array> {
  return decodeWithWebAudio(bytes.slice(0), name);
}

/** Extract one file of a batch: genre from its path, then {@link extractFileFeatures}. */
async function extractOne(recipe: RecipeId, input: AudioInput, onProgress: (f: number) => void, signal: AbortSignal): Promise<{ clip: ExtractedClip; cached: boolean }> {
  const { genre } = inferTrackName(input.path);
  if (!genre) throw new LabError('bad-argument', `${input.path}: cannot tell the genre — put the file in a folder named after its genre, or name it like jazz.00012.wav.`);
  const f = await extractFileFeatures(input.file, recipe, onProgress, undefined, signal);
  return { clip: { fileName: input.file.name, genre, segments: f.rows, segmentLengths: f.segmentLengths, sha256: f.sha256 }, cached: f.cached };
}

/** Only audio files, in a stable order (by path). */
export function audioInputs(inputs: AudioInput[]): { audio: AudioInput[]; skipped: string[] } {
  const audio = inputs.filter((i) => AUDIO_FILE_RE.test(i.file.name)).sort((a, b) => a.path.localeCompare(b.path));
  const skipped = inputs.filter((i) => !AUDIO_FILE_RE.test(i.file.name)).map((i) => i.path);
  return { audio, skipped };
}

/**
 * Tasks of a batch started at once (reading, hashing and queueing their files): a few per pool
 * worker keeps every worker fed while only that many files' bytes are in memory — a 1000-file
 * folder no longer reads (and copies) all of its ~1.3 GB before the first result.
 */
export function batchConcurrency(poolSize: number): number {
  return Math.max(4, 2 * poolSize);
}

/**
 * How often a batch's status is redrawn (ms): each redraw (React, layout, paint) is main-thread
 * work, and during a big import these redraws are most of what the page's main thread does.
 */
const BATCH_UI_INTERVAL_MS = 250;

/**
 * Run tasks through the extraction pool, reporting progress, ETA, files from the cache and failed
 * files through `report` (a batch's status in the store). A failed task is listed and the rest go
 * on; a cancel (`isCurrent` turning false) ends it with undefined. At most `concurrency` tasks run
 * at a time, in order. `signal` is the batch's own: `work` passes it to the pool so that aborting
 * it cancels this batch's tasks and no other's. Feature extraction and spectrogram sets share it.
 */
export async function runPoolBatch<T, R>(
  tasks: T[],
  label: (t: T) => string,
  work: (t: T, onProgress: (f: number) => void, signal: AbortSignal) => Promise<{ value: R; cached: boolean }>,
  report: (patch: Partial<AudioImportState>) => void,
  isCurrent: () => boolean,
  signal: AbortSignal = new AbortController().signal,
  concurrency = batchConcurrency(extractionPool().size),
): Promise<{ values: R[]; failed: { file: string; reason: string }[] } | undefined> {
  const partial = new Map<number, number>();
  const startedAt = performance.now();
  let done = 0;
  let fromCache = 0;
  // Failures by task index: listed in the batch's (sorted) file order, not in the order workers
  // happen to finish them, so the list reads the same on every run.
  const failedAt = new Map<number, { file: string; reason: string }>();
  const failedList = () => [...failedAt.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
  const values: (R | undefined)[] = new Array(tasks.length);
  const has: boolean[] = new Array(tasks.length).fill(false);
  report({ status: 'running', total: tasks.length, done: 0, progress: 0, startedAt: Date.now(), failed: [], error: undefined, fromCache: 0, etaSec: undefined });
  let lastUi = 0;
  const update = (force = false) => {
    const now = performance.now();
    if (!force && now - lastUi < BATCH_UI_INTERVAL_MS) return;
    lastUi = now;
    let p = done;
    for (const f of partial.values()) p += f;
    const frac = tasks.length ? p / tasks.length : 1;
    const elapsed = (now - startedAt) / 1000;
    report({ done, progress: frac, fromCache, failed: failedList(), etaSec: frac > 0.02 ? (elapsed / frac) * (1 - frac) : undefined });
  };
  const runOne = async (i: number) => {
    const t = tasks[i]!;
    try {
      if (!isCurrent() || signal.aborted) return;
      const r = await work(
        t,
        (f) => {
          partial.set(i, f);
          update();
        },
        signal,
      );
      if (!isCurrent()) return;
      values[i] = r.value;
      has[i] = true;
      if (r.cached) fromCache++;
    } catch (e) {
      if (e instanceof CancelledError || (isLabError(e) && e.code === 'cancelled')) return;
      failedAt.set(i, failedFile(label(t), e));
    } finally {
      partial.delete(i);
      done++;
      if (isCurrent()) update();
    }
  };
  // `concurrency` lanes, each taking the next task when its last one ends.
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, lane));
  if (!isCurrent()) return undefined;
  update(true);
  return { values: values.filter((_, i) => has[i]) as R[], failed: failedList() };
}

/** Run extraction tasks through the pool, reporting progress and ETA into the Data cell's import status. */
export async function runExtraction<T>(
  tasks: T[],
  recipe: RecipeId,
  label: (t: T) => string,
  work: (t: T, onProgress: (f: number) => void, signal: AbortSignal) => Promise<{ clip: ExtractedClip; cached: boolean }>,
): Promise<{ clips: ExtractedClip[]; failed: { file: string; reason: string }[]; gen: number } | undefined> {
  const gen = ++generation;
  importAbort = new AbortController();
  setImport({ recipe });
  const out = await runPoolBatch(
    tasks,
    label,
    async (t, p, signal) => {
      const r = await work(t, p, signal);
      return { value: r.clip, cached: r.cached };
    },
    setImport,
    () => gen === generation,
    importAbort.signal,
  );
  return out && { clips: out.values, failed: out.failed, gen };
}

export async function importAudioFiles(inputs: AudioInput[], recipe: RecipeId): Promise<void> {
  const { audio, skipped } = audioInputs(inputs);
  if (audio.length === 0) {
    setImport({ status: 'error', error: { code: 'unsupported-audio', message: `No audio files found${skipped.length ? ` (skipped ${skipped.length} other file(s))` : ''}. Drop WAV, MP3, FLAC or OGG files, or a folder of them.` } });
    return;
  }
  const out = await runExtraction(audio, recipe, (t) => t.path, (t, p, signal) => extractOne(recipe, t, p, signal));
  if (!out) return;
  const failed = [...out.failed, ...skipped.map((f) => ({ file: f, reason: 'not an audio file (skipped)' }))];
  finishImport(out.clips, failed, recipe, `${out.clips.length} audio clip${out.clips.length === 1 ? '' : 's'} (${recipe})`);
  const ds = labStore.getState().dataset;
  // Track ids are the files' stems (toDataset), so a result list can play the file it came from.
  if (labStore.getState().audioImport?.status === 'done' && ds) importedAudio = { datasetId: ds.id, files: new Map(audio.map((a) => [fileStem(a.file.name), a.file])) };
}

/**
 * The files behind the dataset built from dropped audio in this session (not kept across a
 * reload: the browser gives no lasting access to dropped files).
 */
let importedAudio: { datasetId: string; files: Map<string, File> } | undefined;

/** The demo corpus's clip of `trackId`, when `ds` is the demo corpus (re-synthesised on demand, also after a reload). */
export function demoClipOf(ds: Dataset, trackId: string): DemoClipPlan | undefined {
  return ds.meta.note === DEMO_NOTE ? planDemoCorpus().find((p) => fileStem(p.fileName) === trackId) : undefined;
}

/** The dropped file behind track `trackId` of `ds`, when `ds` was built from dropped audio in this session. */
export function importedTrackFile(ds: Dataset, trackId: string): File | undefined {
  return importedAudio?.datasetId === ds.id ? importedAudio.files.get(trackId) : undefined;
}

/** Can the lab play track `trackId` of `ds` (a dropped file of this session, or a demo clip)? */
export function hasTrackAudio(ds: Dataset, trackId: string): boolean {
  return importedTrackFile(ds, trackId) !== undefined || demoClipOf(ds, trackId) !== undefined;
}

/** The error for a track with no audio to play or analyse. */
export function noTrackAudio(trackId: string): LabError {
  return new LabError('bad-argument', `No audio for ${trackId}: only tracks of a dataset built from dropped audio (in this session) or of the demo corpus can be played.`);
}

/** An object URL of track `trackId`'s audio (the caller revokes it), or a LabError when there is none. */
export async function trackAudioUrl(ds: Dataset, trackId: string): Promise<string> {
  const file = importedTrackFile(ds, trackId);
  if (file) return URL.createObjectURL(file);
  const clip = demoClipOf(ds, trackId);
  if (!clip) throw noTrackAudio(trackId);
  // A few seconds of formula synthesis: quick enough for the main thread on a click.
  const wav = encodeWav16([synthesizeClip(clip.style, clip.seed, clip.durationSec, SR)], SR);
  return URL.createObjectURL(new Blob([wav.buffer as ArrayBuffer], { type: 'audio/wav' }));
}

export function finishImport(clips: ExtractedClip[], failed: { file: string; reason: string }[], recipe: RecipeId, name: string, note?: string): void {
  try {
    // The real cause first: failed files before "one genre" (often only their consequence).
    const unusable = batchOutcomeError({ clipGenres: clips.map((c) => c.genre), failed, minGenres: 2 });
    if (unusable) throw unusable;
    const ds = toDataset(clips, recipe, { name, note });
    setDataset(labStore, ds);
    // total = every file dropped (skipped non-audio included), so "Analysed n of total" counts right
    setImport({ status: 'done', failed, progress: 1, total: clips.length + failed.length });
  } catch (e) {
    setImport({ status: 'error', failed, error: toErrorInfo(e) });
  }
}

export function cancelImport(): void {
  generation++;
  importAbort?.abort();
  setImport({ status: 'cancelled', etaSec: undefined });
}

/** Walk dropped items, folders included (DataTransferItem.webkitGetAsEntry). */
export async function collectDropped(dt: DataTransfer): Promise<AudioInput[]> {
  const entries = Array.from(dt.items)
    .map((it) => (typeof it.webkitGetAsEntry === 'function' ? it.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return Array.from(dt.files, (file) => ({ file, path: file.name }));
  const out: AudioInput[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ file, path: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns at most ~100 entries per call: read until empty.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}

export const DEMO_NOTE =
  'Synthetic demo corpus: 40 short clips in 5 made-up styles, synthesised in your browser from formulas (tempo, drum pattern, timbre, harmony) — not real music. ' +
  'Its features are computed with the same extractor as real audio. Load the GTZAN tables or audio (see Help) for the real thing.';

/** Synthesise the demo corpus in the workers and extract it (kaggle3: 3 s segments, 2–3 per clip). */
export async function loadDemoCorpus(): Promise<void> {
  const recipe: RecipeId = 'kaggle3';
  const plan = planDemoCorpus();
  const spec = getRecipe(recipe);
  const out = await runExtraction(plan, recipe, (p) => p.fileName, async (p, onProgress, signal) => {
    // Cached like any file's features (a demo clip is defined by its formula, style, seed and length),
    // so a second first-open — after clearing the data — does not synthesise and analyse again.
    const key = `synth-v${SYNTH_VERSION}:${p.style}:${p.seed}:${p.durationSec}:${spec.id}:v${spec.version}`;
    const hit = await getCachedFeatures(key);
    const r = hit ?? (await extractionPool().run({ fileName: p.fileName, recipe, synth: { style: p.style, seed: p.seed, durationSec: p.durationSec } }, [], onProgress, signal));
    if (!hit) {
      checkFeatureRows(p.fileName, r.featureNames, r.rows);
      void putCachedFeatures(key, { featureNames: r.featureNames, rows: r.rows, segmentLengths: r.segmentLengths });
    }
    return { clip: { fileName: p.fileName, genre: p.style, segments: r.rows, segmentLengths: r.segmentLengths }, cached: !!hit };
  });
  if (!out) return;
  finishImport(out.clips, out.failed, recipe, 'Synthetic demo corpus', DEMO_NOTE);
}
