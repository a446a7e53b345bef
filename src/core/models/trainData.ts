/**
 * The data a neural model learns from, by input kind: a feature Dataset (feature rows, segment
 * sequences) or a spectrogram set (spectrogram crops). Ensembles and cross-validation take either
 * and train through {@link trainOnData}; splits are made on {@link trackTableOf}, whose rows are
 * the Dataset's own or, for a spectrogram set, one per track — the same split.ts either way.
 */
import type { Dataset } from '../data/dataset';
import type { Split } from '../data/split';
import { isSpectrogramSet, trackTable, type SpectrogramSet } from '../data/spectrogramSet';
import { trainClassifier, type TrainedClassifier } from './classifier';
import { trainSpectrogramClassifier, type SpectrogramClassifierOptions } from './spectrogramTrain';

export type TrainingData = Dataset | SpectrogramSet;

/** Options of one training on either kind of data (`cnn` is read only for spectrogram sets). */
export type DataClassifierOptions = SpectrogramClassifierOptions;

/** The table splits are made on: the Dataset itself, or a spectrogram set's one-row-per-track table. */
export function trackTableOf(data: TrainingData): Dataset {
  return isSpectrogramSet(data) ? trackTable(data) : data;
}

/** Train one classifier on `data` with the trainer of its kind; an explicit split wins over `opts.split`. */
export function trainOnData(data: TrainingData, opts: DataClassifierOptions, split?: Split): Promise<TrainedClassifier> {
  return isSpectrogramSet(data) ? trainSpectrogramClassifier(data, opts, split) : trainClassifier(data, opts, split);
}
