/**
 * `lab classify --data T --model <any registry kind> --audio a.wav b.wav [--seed 0] [--epochs N] [--json]`:
 * train on a feature table, extract each audio file with the table's own recipe, and print the
 * genre the model gives from our audio features next to the genre it gives from the file's row in
 * the table (when the file is one of the table's tracks). Equal answers on the GTZAN clips are the
 * end-to-end check that our extractor reproduces librosa's numbers.
 *
 * Leakage: one model is trained without *all* given files' tracks (their rows are left out), so
 * neither prediction of a file comes from a model that saw that track.
 */
import { basename } from 'node:path';
import { inferTrackName } from '../../core/audio/naming';
import type { Dataset } from '../../core/data/dataset';
import { LabError, reasonWithoutFileName, toErrorInfo } from '../../core/errors';
import { extractRecipe } from '../../core/features/recipes';
import { trainClassifier } from '../../core/models/classifier';
import { networkClassifier, type Classifier } from '../../core/models/classifiers';
import { buildClassifyInputs, classifySpectrogramClip, recipeForModel, summarizePrediction, tableRowsOfTrack } from '../../core/models/classifyAudio';
import { fitClassifier, isModelKind, modelKind, modelKinds, neuralKind, type ModelKindId } from '../../core/models/registry';
import { predictProbabilities } from '../../core/models/predict';
import { shortClipWarning } from '../../core/models/shortClip';
import { readAudioFile } from '../../node/audioFiles';
import { readSpectrogramSet } from '../../node/spectrogramFiles';
import { allTracksSplit, trackTable } from '../../core/data/spectrogramSet';
import { LOG_MEL_BANDS, type LogMelBands } from '../../core/features/logMel';
import { trainSpectrogramClassifier, type SpectrogramTrainOptions } from '../../core/models/spectrogramTrain';
import { loadTableFile } from '../../node/loadTable';
import { initNodeBackend } from '../../node/tfNode';
import { optMany, optNumber, optString } from '../args';
import { emit, type CliCommand } from '../command';

export type ClassifyModel = ModelKindId;

export interface ClassifyFilesOptions {
  dataPath: string;
  model: ClassifyModel;
  audio: readonly string[];
  seed?: number;
  /** Epochs of a neural model; default the kind's. */
  epochs?: number;
  log?: (line: string) => void;
}

export interface FileClassification {
  file: string;
  trackId: string;
  /** Genre from the model on features we extracted from the audio; null when it failed. */
  fromAudio: string | null;
  /** Genre from the model on the table's row(s) of this track; null when the track is not in the table. */
  fromTable: string | null;
  /** The table's label for the track, when it has one. */
  tableGenre: string | null;
  segments: number;
  error?: string;
  /** Set when the clip is too short for the recipe the model learnt from (core/models/shortClip.ts). */
  warning?: string;
}

export interface ClassifyFilesResult {
  data: string;
  model: ClassifyModel;
  recipe: string;
  /** How the model was trained (which tracks were left out). */
  training: string;
  leftOutTracks: string[];
  files: FileClassification[];
  /** Files with both answers, and how many agree. */
  compared: number;
  matches: number;
}

/**
 * One model of the given kind without the left-out tracks: a classic kind fitted on the other rows
 * (k-NN: k = 5, distance weights, as the k-NN cell's defaults), a neural kind trained with its
 * defaults and the left-out tracks as its (predefined) test side.
 */
async function trainModel(kind: ModelKindId, ds: Dataset, leftOut: Set<string>, trainRows: Int32Array, seed: number, epochs: number | undefined): Promise<Classifier> {
  if (modelKind(kind).family === 'classic') return fitClassifier(kind, ds, trainRows, { seed });
  const split = Uint8Array.from(ds.trackIds, (t) => (leftOut.has(t) ? 1 : 0));
  const k = neuralKind(kind);
  const c = await trainClassifier({ ...ds, split }, { kind: k.id, seed, epochs: epochs ?? k.defaults.epochs, split: leftOut.size ? { kind: 'predefined' } : { kind: 'auto', seed } });
  return networkClassifier(kind, c.network, c.spec, predictProbabilities);
}

/** Train once on the table without the given files' tracks, then classify each file from audio and from its table row(s). */
export async function classifyAudioFiles(o: ClassifyFilesOptions): Promise<ClassifyFilesResult> {
  const log = o.log ?? (() => {});
  if (o.audio.length === 0) throw new LabError('bad-argument', '--audio <files> is required (one or more audio files).');
  const ds = loadTableFile(o.dataPath);
  // The model's inputs are the table's columns, so audio must be analysed with the table's recipe.
  const recipe = recipeForModel({ recipe: ds.meta.recipe ?? null, recipeVersion: null, featureNames: ds.featureNames });
  const tracks = o.audio.map((f) => inferTrackName(f).trackId);
  const leftOut = new Set(tracks.filter((t) => ds.trackIds.includes(t)));
  const trainRows = Int32Array.from(ds.trackIds.flatMap((t, r) => (leftOut.has(t) ? [] : [r])));
  const seed = o.seed ?? 0;
  const training = leftOut.size
    ? `one ${o.model} model trained on ${trainRows.length} of ${ds.nRows} rows: the ${leftOut.size} given track(s) found in the table were left out`
    : `one ${o.model} model trained on the table (none of the given files is a track of it${modelKind(o.model).family === 'neural' ? '; the usual seeded 80/20 split by track' : ''})`;
  log(training);
  const model = await trainModel(o.model, ds, leftOut, trainRows, seed, o.epochs);
  const files: FileClassification[] = [];
  try {
    for (const [i, path] of o.audio.entries()) {
      const trackId = tracks[i] as string;
      const table = tableRowsOfTrack(ds, trackId);
      const out: FileClassification = { file: basename(path), trackId, fromAudio: null, fromTable: null, tableGenre: table?.genre ?? null, segments: 0 };
      if (table) {
        const inputs = buildClassifyInputs(model.spec, table);
        out.fromTable = summarizePrediction(model.spec.genres, inputs.units, await model.predict(inputs)).voteGenre;
      }
      try {
        const audio = await readAudioFile(path);
        const feats = extractRecipe(audio.samples, audio.sampleRateHz, recipe.id);
        out.segments = feats.segments.length;
        const inputs = buildClassifyInputs(model.spec, { featureNames: feats.featureNames, rows: feats.segments, segmentLengths: feats.segmentLengths });
        out.fromAudio = summarizePrediction(model.spec.genres, inputs.units, await model.predict(inputs)).voteGenre;
        out.warning = shortClipWarning(model.spec, audio.durationSec);
      } catch (e) {
        // Printed after the file's name: without the name the message starts with.
        out.error = reasonWithoutFileName(toErrorInfo(e).message, out.file);
      }
      log(`[${i + 1}/${o.audio.length}] ${out.file}: from audio ${out.fromAudio ?? '—'}, from table ${out.fromTable ?? '—'}${out.error ? ` (${out.error})` : ''}${out.warning ? ` — ${out.warning}` : ''}`);
      files.push(out);
    }
  } finally {
    model.dispose();
  }
  const both = files.filter((f) => f.fromAudio !== null && f.fromTable !== null);
  return {
    data: ds.name,
    model: o.model,
    recipe: recipe.id,
    training,
    leftOutTracks: [...leftOut],
    files,
    compared: both.length,
    matches: both.filter((f) => f.fromAudio === f.fromTable).length,
  };
}

export interface ClassifyAudioCnnOptions {
  /** Folder(s) of training clips (genre from `genre.NNNNN.wav` names or `<genre>/` folders). */
  trainAudio: readonly string[];
  model: ClassifyModel;
  audio: readonly string[];
  seed?: number;
  epochs?: number;
  nBands?: LogMelBands;
  cnn?: SpectrogramTrainOptions;
  log?: (line: string) => void;
}

export interface CnnFileClassification {
  file: string;
  trackId: string;
  /** Track answer: the mean probability over the clip's non-overlapping crops; null when it failed. */
  fromAudio: string | null;
  /** Per crop: its time span and genre. */
  crops: { startSec: number; endSec: number | null; genre: string }[];
  /** Crops classified (the former `segments`). */
  segments: number;
  error?: string;
}

export interface CnnClassifyResult {
  model: ClassifyModel;
  training: string;
  leftOutTracks: string[];
  failedTrainingFiles: { file: string; error: string }[];
  files: CnnFileClassification[];
}

/**
 * A spectrogram model (CNN) trained on the clips under `trainAudio`, then each given file classified
 * from its own audio (crops voting by mean probability). A given file whose track is in the folder
 * is left out of training, so no answer comes from a model that heard that track.
 */
export async function classifyAudioWithCnn(o: ClassifyAudioCnnOptions): Promise<CnnClassifyResult> {
  const log = o.log ?? (() => {});
  if (o.audio.length === 0) throw new LabError('bad-argument', '--audio <files> is required (one or more audio files).');
  const tracks = new Set(o.audio.map((f) => inferTrackName(f).trackId));
  const all = await readSpectrogramSet(o.trainAudio, { nBands: o.nBands, onFile: (done, total, f, error) => error && log(`[${done}/${total}] ${f}: FAILED: ${error}`) });
  // Leave the given files' tracks out: a track id (`jazz.00012`) names one recording wherever it lies.
  const keep = all.tracks.filter((t) => !tracks.has(t.trackId));
  const leftOutTracks = all.tracks.filter((t) => tracks.has(t.trackId)).map((t) => t.trackId);
  const set = { ...all, tracks: keep };
  const kind = neuralKind(o.model);
  const training = `one ${o.model} model trained on ${keep.length} clip(s) of ${o.trainAudio.join(', ')}${leftOutTracks.length ? `; the ${leftOutTracks.length} given track(s) found there were left out` : ''}`;
  log(training);
  const c = await trainSpectrogramClassifier(set, { kind: kind.id, seed: o.seed ?? 0, epochs: o.epochs ?? kind.defaults.epochs, cnn: o.cnn }, allTracksSplit(trackTable(set)));
  const model = networkClassifier(o.model, c.network, c.spec, predictProbabilities);
  const files: CnnFileClassification[] = [];
  try {
    for (const [i, path] of o.audio.entries()) {
      const out: CnnFileClassification = { file: basename(path), trackId: inferTrackName(path).trackId, fromAudio: null, crops: [], segments: 0 };
      try {
        const audio = await readAudioFile(path);
        const p = await classifySpectrogramClip(model, audio.samples, audio.sampleRateHz);
        out.fromAudio = p.meanGenre;
        out.crops = p.units.map((u) => ({ startSec: u.startSec, endSec: u.endSec, genre: u.genre }));
        out.segments = p.units.length;
      } catch (e) {
        out.error = reasonWithoutFileName(toErrorInfo(e).message, out.file);
      }
      log(`[${i + 1}/${o.audio.length}] ${out.file}: ${out.fromAudio ?? '—'}${out.crops.length ? ` (crops: ${out.crops.map((x) => x.genre).join(' ')})` : ''}${out.error ? ` (${out.error})` : ''}`);
      files.push(out);
    }
  } finally {
    model.dispose();
  }
  return { model: o.model, training, leftOutTracks, failedTrainingFiles: all.failed, files };
}

export const classifyCommand: CliCommand = {
  name: 'classify',
  usage: `classify (--data T | --train-audio DIR [--bands 128] [--channels laptop|desktop]) --model ${modelKinds().map((k) => k.id).join('|')} --audio a.wav b.wav [--seed 0] [--epochs N] [--json]   genre from audio vs from the table row, or from a CNN trained on a folder (file's track left out of training)`,
  async run(args, argv) {
    const dataPath = optString(args, 'data');
    const trainAudio = optMany(argv, 'train-audio');
    const model = optString(args, 'model', trainAudio.length ? 'cnn' : 'knn') ?? 'knn';
    if (!isModelKind(model)) throw new LabError('bad-argument', `--model must be one of ${modelKinds().map((k) => k.id).join(', ')}, got "${model}"`);
    const spectrogram = modelKind(model).input === 'spectrogram-crops';
    if (spectrogram ? !trainAudio.length : !dataPath)
      throw new LabError('bad-argument', spectrogram ? `${model} learns from audio: pass --train-audio <folder of clips>.` : '--data <feature table> is required');
    const audio = optMany(argv, 'audio');
    const json = !!args.options['json'];
    const log = (s: string) => process.stderr.write(s + '\n');
    if (modelKind(model).trainsWithTf) {
      const b = await initNodeBackend(optString(args, 'backend') as Parameters<typeof initNodeBackend>[0]);
      if (!json) log(`backend ${b.name}`);
    }
    const epochs = args.options['epochs'] !== undefined ? optNumber(args, 'epochs', 1) : undefined;
    if (spectrogram) {
      const nBands = optNumber(args, 'bands', 128);
      if (!(LOG_MEL_BANDS as readonly number[]).includes(nBands)) throw new LabError('bad-argument', `--bands must be one of ${LOG_MEL_BANDS.join(', ')}, got ${nBands}.`);
      const channels = optString(args, 'channels', 'laptop');
      if (channels !== 'laptop' && channels !== 'desktop') throw new LabError('bad-argument', `--channels must be laptop or desktop, got "${channels}"`);
      const r = await classifyAudioWithCnn({ trainAudio, model, audio, seed: optNumber(args, 'seed', 0), epochs, nBands: nBands as LogMelBands, cnn: { channels }, log: json ? undefined : log });
      if (r.files.some((f) => f.error)) process.exitCode = 1;
      emit(args, r, () => [`${r.model}: ${r.training}`, ...r.files.map((f) => `${f.file.padEnd(24)} ${(f.fromAudio ?? '—').padEnd(10)} crops: ${f.crops.map((c) => c.genre).join(' ')}${f.error ? ` error: ${f.error}` : ''}`)].join('\n'));
      return;
    }
    if (!dataPath) throw new LabError('bad-argument', '--data <feature table> is required');
    const r = await classifyAudioFiles({ dataPath, model, audio, seed: optNumber(args, 'seed', 0), epochs, log: json ? undefined : log });
    if (r.files.some((f) => f.error)) process.exitCode = 1;
    emit(args, r, () =>
      [
        `${r.model} on ${r.data} (${r.recipe}): ${r.training}`,
        ...r.files.map((f) => `${f.file.padEnd(24)} from audio ${(f.fromAudio ?? '—').padEnd(10)} from table ${(f.fromTable ?? '—').padEnd(10)}${f.error ? ` error: ${f.error}` : ''}${f.warning ? ` warning: ${f.warning}` : ''}`),
        `${r.matches}/${r.compared} files: the audio gives the same genre as the table row`,
      ].join('\n'),
    );
  },
};
