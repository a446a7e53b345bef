/**
 * Northeastern CNN preset, on audio: a convolutional network with batch normalisation, dropout and
 * residual connections on log-mel crops (the `cnn` kind with residual blocks), trained with a
 * learning-rate warm-up followed by cosine annealing. Paper (as quoted in issue 12): 62.5 % on the
 * 10 GTZAN genres. The feature-table baselines of the same report are in northeastern.ts.
 */
import type { SpectrogramInputSpec } from '../models/inputSpec';
import { confusionFigure } from './common';
import { describeAudio, effortOf, perGenreScores, QUICK_SPECTROGRAM, quickSpectrogramNote, requireAudio, spectrogramNumbers, trainSpectrogramPreset } from './results';
import type { Preset } from './types';

/** Warm-up epochs before the cosine decay: a tenth of the run, at least one. */
const warmupFor = (epochs: number) => Math.max(1, Math.round(epochs / 10));

const residualCnn: Preset = {
  id: 'northeastern-cnn',
  paper: 'northeastern',
  title: 'Northeastern: residual CNN with batch norm and dropout, warm-up then cosine learning rate',
  summary: 'Four convolutional blocks (3×3 conv → batch norm → ReLU, twice, with a skip connection), max-pooling, global average pooling, dropout and a softmax, on 3 s log-mel crops; the learning rate rises linearly for the first epochs, then follows a cosine down to zero.',
  needs: { kind: 'audio', hint: 'a folder of labelled clips (genres_original/<genre>/*.wav, e.g. ../shared/data/gtzan/genres_original), loaded as spectrograms' },
  paperNumbers: [{ id: 'accuracy', label: 'residual CNN on GTZAN (10 genres)', value: 0.625, unit: 'fraction', source: 'Northeastern report, as quoted in issue 12' }],
  differences: [
    'Our real audio is 60 clips of 3 genres (classical, jazz, rock; chance 1/3); the report used the 10 GTZAN genres (chance 1/10), so the accuracies are not directly comparable.',
    'Channel widths are the lab’s small VGG (8-16-32-64), 3 s crops, Adam 1e-3, dropout 0.3, 30 epochs with a 3-epoch warm-up; the report’s exact sizes and schedule lengths are not in our sources.',
    'Whether the report’s accuracy is per clip or per segment is not in our sources; it is shown next to our per-track accuracy.',
  ],
  async run(input, ctx) {
    const seed = input.seed ?? 0;
    const { quick, label } = effortOf(input);
    const { set } = requireAudio(residualCnn, input);
    const epochs = quick ? QUICK_SPECTROGRAM.epochs : 30;
    const warmupEpochs = warmupFor(epochs);
    const c = await trainSpectrogramPreset(set, { kind: 'cnn', seed, epochs, dropout: 0.3, schedule: 'cosine', cnn: { residual: true, warmupEpochs } }, quick, ctx);
    try {
      const spec = c.spec as SpectrogramInputSpec;
      const cropSec = (spec.spectrogram.cropFrames * spec.spectrogram.hopSamples) / spec.spectrogram.sampleRateHz;
      const note = quickSpectrogramNote('cnn', quick);
      return {
        presetId: residualCnn.id,
        dataUsed: `${describeAudio(set)}; ${label}`,
        numbers: spectrogramNumbers(c, { cropSec, note, paper: { on: 'track', value: 0.625, note: `paper: 10 GTZAN genres; ours: ${set.genres.length} genres` } }),
        tables: [perGenreScores('Per genre (test tracks)', c.test.evaluation)],
        figures: [
          confusionFigure('Residual CNN: test tracks', c.test.evaluation, spec.genres),
          { kind: 'bars', title: 'Training loss per epoch (warm-up, then cosine)', labels: c.train.history.map((h) => `epoch ${h.epoch}`), values: c.train.history.map((h) => h.trainLoss) },
        ],
        notes: [
          `Split: ${c.split.description}; ${c.train.epochsRun} epochs, learning rate warmed up linearly over ${warmupEpochs} epoch(s), then cosine-annealed; ${spec.spectrogram.cropFrames}-frame crops (${cropSec.toFixed(1)} s).`,
          ...(note ? [`Quick effort: ${note.replace(/^quick: /, '')}.`] : []),
        ],
        seed,
      };
    } finally {
      c.dispose();
    }
  },
};

export const NORTHEASTERN_CNN_PRESETS: Preset[] = [residualCnn];
