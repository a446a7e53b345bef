/**
 * `lab train`: train a neural model (or an ensemble of them) on a feature table and report
 * track-level test accuracy — the same core path the notebook's training cell uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../core/errors';
import { isNeuralKind, neuralKind, neuralKinds } from '../../core/models/registry';
import { cropFramesForSeconds, DEFAULT_CROP_FRAMES, DEFAULT_CROPS_PER_TRACK, type SpectrogramTrainOptions } from '../../core/models/spectrogramTrain';
import { trackTableOf, trainOnData, type TrainingData } from '../../core/models/trainData';
import { allTracksSplit, isSpectrogramSet } from '../../core/data/spectrogramSet';
import { LOG_MEL_BANDS, type LogMelBands } from '../../core/features/logMel';
import { readSpectrogramSet } from '../../node/spectrogramFiles';
import { DEFAULT_DISTILL_WEIGHT } from '../../core/models/defaults';
import { crossValidateClassifier } from '../../core/models/crossValidate';
import { trainEnsemble } from '../../core/models/ensemble';
import { exportModelFiles, serializeClassifier } from '../../core/models/saved';
import { resolveTrainingSettings } from '../../core/models/settings';
import type { BackendName } from '../../core/models/tfBackend';
import { loadTableFile } from '../../node/loadTable';
import { initNodeBackend } from '../../node/tfNode';
import { optFlag, optList, optNumber, optString } from '../args';
import { emit, type CliCommand } from '../command';

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

function scheduleArg(s: string | undefined): 'constant' | 'cosine' {
  if (s === 'constant' || s === 'cosine') return s;
  throw new LabError('bad-argument', `--schedule must be constant or cosine, got "${s}"`);
}

/** Mean of the values when every one is present, else null. */
function meanOf(v: readonly (number | undefined)[]): number | null {
  return v.length && v.every((x) => x !== undefined) ? (v as number[]).reduce((a, b) => a + b, 0) / v.length : null;
}

/** The CNN's own options: crop length, crops per epoch, widths, residual blocks, SpecAugment. */
function cnnOptions(args: Parameters<CliCommand['run']>[0]): SpectrogramTrainOptions {
  const channels = optString(args, 'channels', 'laptop');
  if (channels !== 'laptop' && channels !== 'desktop') throw new LabError('bad-argument', `--channels must be laptop (8-16-32-64) or desktop (16-32-64-128), got "${channels}"`);
  const cropSec = optString(args, 'crop-sec');
  return {
    cropFrames: cropSec === undefined ? DEFAULT_CROP_FRAMES : cropFramesForSeconds(optNumber(args, 'crop-sec', 3)),
    cropsPerTrack: optNumber(args, 'crops', DEFAULT_CROPS_PER_TRACK),
    channels,
    residual: optFlag(args, 'residual'),
    warmupEpochs: optNumber(args, 'warmup', 0),
    // Park et al.'s masks scaled to a 128 × 128 crop: two of up to 16 frames, two of up to 8 bands.
    specAugment: optFlag(args, 'spec-augment') ? { timeMasks: 2, maxTimeFrames: 16, freqMasks: 2, maxBands: 8 } : undefined,
  };
}

/** `--audio DIR` as a spectrogram set; failed files are listed and the rest is used (`train` and `preset run`). */
/** The spectrogram set of `dir` with `--bands`; `minGenres` 1 for a folder of new songs to evaluate on (default 2, to train on). */
export async function readAudioSet(dir: string, args: Parameters<CliCommand['run']>[0], log: (s: string) => void, minGenres = 2) {
  const nBands = optNumber(args, 'bands', 128);
  if (!(LOG_MEL_BANDS as readonly number[]).includes(nBands)) throw new LabError('bad-argument', `--bands must be one of ${LOG_MEL_BANDS.join(', ')}, got ${nBands}.`);
  const t0 = performance.now();
  const set = await readSpectrogramSet([dir], { nBands: nBands as LogMelBands, minGenres, onFile: (done, total, f, error) => error && log(`[${done}/${total}] ${f}: FAILED: ${error}`) });
  log(`${set.tracks.length} log-mel matrices (${nBands} bands) from ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${set.failed.length} failed`);
  return set;
}

export const trainCommand: CliCommand = {
  name: 'train',
  usage:
    `train (--data F | --audio DIR [--bands 128] [--crop-sec 3] [--crops 4] [--channels laptop|desktop] [--residual] [--spec-augment] [--warmup EPOCHS]) --model ${neuralKinds().map((k) => k.id).join('|')} [--seq 3] [--ensemble 10] [--seed 0] [--epochs N] [--lr 0.001] [--batch 32] [--dropout 0.5] [--label-smoothing 0.1] [--weight-decay 0] [--mixup 0.4] [--schedule constant|cosine] [--distill 4 [--distill-weight 0.9]] [--features a,b] [--pad] [--val 0.2 --patience 5] [--cv 5 [--repeat 4] [--cv-seed 0] [--cv-tracks train|all]] [--backend wasm|cpu] [--save DIR] [--json]`,
  async run(args) {
    const file = optString(args, 'data');
    const audioDir = optString(args, 'audio');
    if (!file === !audioDir) throw new LabError('bad-argument', 'Pass either --data <feature table> or --audio <folder of clips> (the CNNs learn from audio).');
    const kind = optString(args, 'model', audioDir ? 'cnn' : 'lstm') ?? 'lstm';
    if (!isNeuralKind(kind)) throw new LabError('bad-argument', `--model must be one of ${neuralKinds().map((k) => k.id).join(', ')}, got "${kind}"`);
    const fromAudio = neuralKind(kind).input === 'spectrogram-crops';
    if (fromAudio !== !!audioDir)
      throw new LabError('bad-argument', fromAudio ? `${kind} learns from audio: pass --audio <folder of clips>, not --data.` : `${kind} learns from a feature table: pass --data <table>, not --audio.`);
    const members = optNumber(args, 'ensemble', 1);
    const seed = optNumber(args, 'seed', 0);
    const d = neuralKind(kind).defaults;
    const epochs = optNumber(args, 'epochs', d.epochs);
    const val = optNumber(args, 'val', 0);
    const patience = optNumber(args, 'patience', 0);
    const seqOpt = optString(args, 'seq');
    const teachers = optNumber(args, 'distill', 0);
    const backend = await initNodeBackend(optString(args, 'backend') as BackendName | undefined);
    // Progress goes to stderr always: under --json stdout carries only the JSON, and a long
    // cross-validation should still say how far it is.
    const log = (s: string) => void process.stderr.write(s + '\n');
    const cnn = audioDir ? cnnOptions(args) : undefined;
    const ds: TrainingData = audioDir ? await readAudioSet(audioDir, args, log) : loadTableFile(file as string);
    const opts = {
      kind,
      seed,
      epochs,
      features: optList(args, 'features'),
      steps: seqOpt ? optNumber(args, 'seq', 3) : undefined,
      short: optFlag(args, 'pad') ? ('pad' as const) : ('drop' as const),
      learningRate: optNumber(args, 'lr', d.learningRate),
      batchSize: optNumber(args, 'batch', d.batchSize),
      dropout: optNumber(args, 'dropout', d.dropout),
      labelSmoothing: optNumber(args, 'label-smoothing', d.labelSmoothing),
      weightDecay: optNumber(args, 'weight-decay', 0),
      mixup: optNumber(args, 'mixup', d.mixup),
      schedule: scheduleArg(optString(args, 'schedule', d.schedule)),
      distill: teachers > 0 ? { teachers, weight: optNumber(args, 'distill-weight', DEFAULT_DISTILL_WEIGHT) } : undefined,
      validationFraction: val > 0 ? val : undefined,
      earlyStopping: val > 0 && patience > 0 ? { patience } : undefined,
      cnn,
    };
    const settings = { epochs, learningRate: opts.learningRate, batchSize: opts.batchSize, dropout: opts.dropout, labelSmoothing: opts.labelSmoothing, weightDecay: opts.weightDecay, mixup: opts.mixup, schedule: opts.schedule, distill: opts.distill ?? null, steps: opts.steps ?? null, ...(isSpectrogramSet(ds) ? { bands: ds.params.nBands, ...cnn } : { features: opts.features?.length ?? ds.featureNames.length }) };
    log(`backend ${backend.name} (${backend.reason}${Object.keys(backend.stepMs).length ? ': ' + JSON.stringify(backend.stepMs) : ''})`);

    const cvFolds = optNumber(args, 'cv', 0);
    if (cvFolds > 0) {
      // Cross-validation on the training tracks only: the split's test tracks are not used.
      if (members !== 1 || optString(args, 'save')) throw new LabError('bad-argument', '--cv measures settings; use it without --ensemble and --save (--repeat N trains each fold N times).');
      const repeats = optNumber(args, 'repeat', 1);
      const foldSeed = optNumber(args, 'cv-seed', 0);
      const over = optString(args, 'cv-tracks', 'train');
      if (over !== 'train' && over !== 'all') throw new LabError('bad-argument', `--cv-tracks must be train (the training tracks of the split; default) or all (every track, no held-out test set), got "${over}"`);
      const cv = await crossValidateClassifier(ds, {
        ...opts,
        folds: cvFolds,
        repeats,
        foldSeed,
        onRun: (r, done, total) => log(`run ${done}/${total}: seed ${r.seed}, fold ${r.fold + 1}: ${pct(r.accuracy)} of ${r.tracks} tracks${r.cropAccuracy === undefined ? '' : `, ${pct(r.cropAccuracy)} of crops`}`),
      }, over === 'all' ? allTracksSplit(trackTableOf(ds)) : undefined);
      const json = {
        data: ds.name,
        model: kind,
        crossValidation: over === 'all' ? `${cv.folds} folds by track over all ${cv.tracks} tracks, fold seed ${foldSeed}` : `${cv.folds} folds by track over the ${cv.tracks} training tracks of ${cv.splitDescription}, fold seed ${foldSeed}; test tracks unused`,
        seed,
        repeats: cv.repeats,
        settings,
        backend: backend.name,
        runs: cv.runs,
        meanAccuracy: cv.meanAccuracy,
        stdAccuracy: cv.stdAccuracy,
        perCropAccuracy: cv.meanCropAccuracy ?? null,
        trainSec: cv.trainMs / 1000,
        // Which fold tested each track: bench/cnn_reference.py --folds-json reads it to pair the folds.
        foldOf: cv.foldOf,
      };
      emit(args, json, () => `${kind}: ${json.crossValidation}\nmean of ${cv.runs.length} runs: ${pct(cv.meanAccuracy)} ± ${pct(cv.stdAccuracy)}${cv.meanCropAccuracy === undefined ? '' : ` (per crop ${pct(cv.meanCropAccuracy)})`}`);
      return;
    }

    const savePath = optString(args, 'save');
    if (savePath && members !== 1) throw new LabError('bad-argument', '--save writes one model; use it without --ensemble.');
    if (members === 1 && savePath) {
      const c = await trainOnData(ds, opts);
      try {
        const saved = await serializeClassifier(c, { backend: backend.name, training: resolveTrainingSettings(opts) });
        const files = exportModelFiles(saved);
        mkdirSync(savePath, { recursive: true });
        writeFileSync(join(savePath, 'model.json'), files['model.json']);
        writeFileSync(join(savePath, 'weights.bin'), new Uint8Array(files['weights.bin']));
        writeFileSync(join(savePath, 'metadata.json'), files['metadata.json']);
        log(`saved to ${savePath}`);
        emit(args, { accuracy: c.test.evaluation.accuracy, macroF1: c.test.evaluation.macroF1, perCropAccuracy: c.test.segmentEvaluation?.accuracy ?? null, saved: savePath, backend: backend.name }, () => `accuracy ${pct(c.test.evaluation.accuracy)}, saved to ${savePath}`);
      } finally {
        c.dispose();
      }
      return;
    }

    const r = await trainEnsemble(ds, {
      ...opts,
      members,
      onMember: (i, m) => log(`member ${i + 1}/${members} seed ${m.seed}: ${pct(m.accuracy)} (${m.epochsRun} epochs, ${(m.meanEpochMs / 1000).toFixed(3)} s/epoch)`),
    });
    const json = {
      data: ds.name,
      model: kind,
      split: r.splitDescription,
      testTracks: r.trackIds.length,
      seed,
      settings,
      backend: backend.name,
      backendStepMs: backend.stepMs,
      members: r.members.map((m) => ({ seed: m.seed, accuracy: m.accuracy, perCropAccuracy: m.cropAccuracy ?? null, macroF1: m.macroF1, epochs: m.epochsRun, trainSec: m.trainMs / 1000, secPerEpoch: m.meanEpochMs / 1000 })),
      meanAccuracy: r.meanAccuracy,
      stdAccuracy: r.stdAccuracy,
      perCropAccuracy: meanOf(r.members.map((m) => m.cropAccuracy)),
      ensemble:
        members > 1
          ? {
              majority: { accuracy: r.majority.accuracy, macroF1: r.majority.macroF1, confusion: r.majority.confusion },
              meanProbability: { accuracy: r.meanProbability.accuracy, macroF1: r.meanProbability.macroF1, confusion: r.meanProbability.confusion },
            }
          : null,
      confusion: members > 1 ? r.meanProbability.confusion : r.majority.confusion,
      macroF1: members > 1 ? r.meanProbability.macroF1 : r.majority.macroF1,
      genres: r.genres,
      trainSec: r.trainMs / 1000,
    };
    emit(args, json, () => {
      const lines = [
        `${kind} on ${ds.name} (${r.splitDescription}, ${r.trackIds.length} test tracks), backend ${backend.name}`,
        ...r.members.map((m) => `  member seed ${m.seed}: ${pct(m.accuracy)}  macro F1 ${m.macroF1.toFixed(3)}`),
        `mean of ${r.members.length}: ${pct(r.meanAccuracy)} ± ${pct(r.stdAccuracy)}`,
      ];
      if (members > 1) {
        lines.push(`ensemble majority vote: ${pct(r.majority.accuracy)}  macro F1 ${r.majority.macroF1.toFixed(3)}`);
        lines.push(`ensemble mean probability: ${pct(r.meanProbability.accuracy)}  macro F1 ${r.meanProbability.macroF1.toFixed(3)}`);
      }
      const conf = members > 1 ? r.meanProbability.confusion : r.majority.confusion;
      lines.push(`confusion (rows true, cols predicted; ${r.genres.join(' ')}):`);
      for (const row of conf) lines.push('  ' + row.map((v) => String(v).padStart(3)).join(' '));
      lines.push(`train time ${(r.trainMs / 1000).toFixed(1)} s`);
      return lines.join('\n');
    });
  },
};
