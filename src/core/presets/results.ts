/**
 * Small pieces every preset result is made of (the Georgia Tech, Toronto and Northeastern-CNN
 * presets share them): the effort label, the data check with a message that names the file to
 * load, a confusion figure and a per-genre table from an evaluation, and the progress/cancel
 * plumbing around a neural run. Pure core; tfjs is imported only inside a run, so reading the
 * presets (a menu on the page's main thread) does not load it.
 */
import { CancelledError, LabError } from '../errors';
import type { SpectrogramSet } from '../data/spectrogramSet';
import type { EvaluationResult } from '../eval/metrics';
import type { TrainedClassifier } from '../models/classifier';
import { kindLabel, neuralKind } from '../models/registry';
import type { SpectrogramClassifierOptions } from '../models/spectrogramTrain';
import type { TrainProgress } from '../models/loop';
import type { Preset, PresetContext, PresetInput, PresetNumber, PresetTable } from './types';

/** The effort of a run (default full) and the words a quick result carries. */
export function effortOf(input: PresetInput): { quick: boolean; label: string } {
  const quick = input.effort === 'quick';
  return { quick, label: quick ? 'quick effort (reduced protocol, see notes)' : 'full effort' };
}

/** The training spectrograms (and the evaluation set when the preset requires one), else a LabError saying what audio to give. */
export function requireAudio(preset: Pick<Preset, 'title' | 'needs'>, input: PresetInput): { set: SpectrogramSet; evalSet?: SpectrogramSet } {
  const needs = preset.needs;
  if (needs.kind !== 'audio') throw new LabError('internal', `${preset.title} reads a table, not audio.`);
  if (!input.spectrograms) throw new LabError('bad-argument', `${preset.title} needs audio: ${needs.hint}.`);
  if (needs.evalAudio === 'required' && !input.evalSpectrograms)
    throw new LabError('bad-argument', `${preset.title} needs a second labelled audio folder to evaluate on (--eval-audio DIR), besides the training folder.`);
  return { set: input.spectrograms, evalSet: input.evalSpectrograms };
}

/** Per-genre precision, recall, F1 and support, rounded for display. */
export function perGenreScores(title: string, ev: EvaluationResult): PresetTable {
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return { title, columns: ['genre', 'precision', 'recall', 'F1', 'support'], rows: ev.perClass.map((c) => [c.genre, r3(c.precision), r3(c.recall), r3(c.f1), c.support]) };
}

/**
 * A neural run's progress mapped into [from, to) of the preset's overall progress, with a label;
 * and its cancel token. A neural run that was cancelled returns its best weights so far — a
 * preset has no use for a partial model, so {@link checkNotCancelled} turns that into a CancelledError.
 */
export function trainingControl(ctx: PresetContext | undefined, from: number, to: number, label: string): { cancel: PresetContext['cancel']; onProgress: (p: TrainProgress) => void } {
  return {
    cancel: ctx?.cancel,
    onProgress: (p) => ctx?.onProgress?.(from + (to - from) * p.fraction, `${label}: epoch ${p.epoch} of ${p.epochs}`),
  };
}

/** Throws (after disposing the model) when the run was cancelled. */
export function checkNotCancelled(c: TrainedClassifier, ctx: PresetContext | undefined): TrainedClassifier {
  if (c.train.cancelled || ctx?.cancel?.cancelled) {
    c.dispose();
    throw new CancelledError();
  }
  return c;
}

/** Epochs of a quick spectrogram run, and crops per training track per epoch (full: the kind's defaults, 4 crops). */
export const QUICK_SPECTROGRAM = { epochs: 3, cropsPerTrack: 2 } as const;

/**
 * Train a spectrogram model of `opts.kind` the way the audio presets do: a random 80/20 split by
 * track from the seed (unless `opts.split` says otherwise), quick effort = {@link QUICK_SPECTROGRAM},
 * progress mapped into [from, to), a cancel that throws. The caller disposes the result.
 * tfjs is loaded here, on first run, not when the preset list is read (the page's menus read it).
 */
export async function trainSpectrogramPreset(
  set: SpectrogramSet,
  opts: Omit<SpectrogramClassifierOptions, 'seed'> & { seed: number },
  quick: boolean,
  ctx: PresetContext | undefined,
  from = 0,
  to = 1,
): Promise<TrainedClassifier> {
  const cnn = { ...opts.cnn, ...(quick ? { cropsPerTrack: QUICK_SPECTROGRAM.cropsPerTrack } : {}) };
  const { trainSpectrogramClassifier } = await import('../models/spectrogramTrain');
  const c = await trainSpectrogramClassifier(set, {
    split: { kind: 'random', testFraction: 0.2, seed: opts.seed },
    ...opts,
    epochs: quick ? QUICK_SPECTROGRAM.epochs : opts.epochs,
    cnn,
    ...trainingControl(ctx, from, to, kindLabel(opts.kind)),
  });
  return checkNotCancelled(c, ctx);
}

/** What a quick spectrogram run left out, for a number's note (undefined in full effort). */
export function quickSpectrogramNote(kind: string, quick: boolean): string | undefined {
  return quick ? `quick: ${QUICK_SPECTROGRAM.epochs} epochs instead of ${neuralKind(kind).defaults.epochs}, ${QUICK_SPECTROGRAM.cropsPerTrack} crops per track per epoch instead of 4` : undefined;
}

/** Per-track and per-crop accuracy of a spectrogram model's test, with the paper's number on the one it is compared with. */
export function spectrogramNumbers(c: TrainedClassifier, o: { cropSec: number; note?: string; paper?: { on: 'track' | 'crop'; value: number; note: string } }): PresetNumber[] {
  const name = kindLabel(c.kind);
  const note = (on: 'track' | 'crop') => [o.paper?.on === on ? o.paper.note : undefined, o.note].filter(Boolean).join('; ') || undefined;
  const out: PresetNumber[] = [
    { id: 'accuracy', label: `${name} accuracy per track (mean over its ${o.cropSec.toFixed(o.cropSec < 10 ? 1 : 0)} s crops)`, ours: c.test.evaluation.accuracy, unit: 'fraction', paper: o.paper?.on === 'track' ? o.paper.value : undefined, note: note('track') },
  ];
  if (c.test.segmentEvaluation)
    out.push({ id: 'crop-accuracy', label: `${name} accuracy per ${o.cropSec.toFixed(o.cropSec < 10 ? 1 : 0)} s crop`, ours: c.test.segmentEvaluation.accuracy, unit: 'fraction', paper: o.paper?.on === 'crop' ? o.paper.value : undefined, note: note('crop') });
  out.push({ id: 'macro-f1', label: `${name} macro F1 per track`, ours: c.test.evaluation.macroF1, unit: 'f1', note: o.note });
  return out;
}

/** "60 clips (classical, jazz, rock), 128 mel bands" for a result's dataUsed. */
export function describeAudio(set: SpectrogramSet): string {
  return `${set.name}: ${set.tracks.length} clips, ${set.genres.length} genres (${set.genres.join(', ')}), ${set.params.nBands} mel bands${set.failed.length ? `, ${set.failed.length} unreadable file(s) skipped` : ''}`;
}
