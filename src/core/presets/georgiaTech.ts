/**
 * Georgia Tech presets: trees and recurrent networks on the Kaggle feature tables (3 s segments,
 * or the 30 s table where stated), min-max scaling, PCA keeping 85 % of the variance, and the
 * leakage demo — the same model under a random split of 3 s segments and under a split by track.
 *
 * Every preset here uses the same split by track (random 80/20, stratified by genre, from the run's
 * seed), so their numbers can be compared with each other. The paper's own accuracies are not in
 * our sources, so no `paper` number is attached; the notes say so.
 */
import { groupByTrack, type Dataset } from '../data/dataset';
import { randomSegmentSplit, stratifiedTrackSplit, tracksOnBothSides, type Split } from '../data/split';
import { runClassic, type ClassicRunResult } from '../eval/classic';
import { projectDatasetPca } from '../eval/pca';
import { kindLabel, neuralKind } from '../models/registry';
import { confusionFigure, requireTable } from './common';
import { checkNotCancelled, effortOf, perGenreScores, trainingControl } from './results';
import type { Preset, PresetContext, PresetInput, PresetNumber, PresetResult, TableKind } from './types';

const TEST_FRACTION = 0.2;
const HINT_3S = 'features_3_sec.csv (the Kaggle GTZAN 3 s table)';
const GENRES_3S = 'The 3 s table in our sources holds 3 of the 10 GTZAN genres (classical, jazz, rock; chance 1/3); the 30 s table has all 10.';
const NO_PAPER_NUMBER = 'The report’s own accuracy is not in our sources, so none is shown next to ours.';
/** Trees of the forest: scikit-learn's default in full effort, fewer in quick. */
const forestTrees = (quick: boolean) => (quick ? 25 : 100);

const TABLE_WORDS: Partial<Record<TableKind, string>> = { 'kaggle-3s': 'Kaggle 3 s table', 'kaggle-30s': 'Kaggle 30 s table' };

function describeData(ds: Dataset, table: TableKind, effort: string): string {
  const tracks = new Set(ds.trackIds).size;
  return `${ds.name} (${TABLE_WORDS[table] ?? table}: ${ds.nRows} rows, ${tracks} tracks, ${ds.genres.length} genres: ${ds.genres.join(', ')}); ${effort}`;
}

/** The presets' split by track: random 80/20, stratified by genre, seeded. */
function trackSplit(ds: Dataset, seed: number): Split {
  return stratifiedTrackSplit(ds, TEST_FRACTION, seed);
}

/** The classic run's numbers: per row (segment, or track on the 30 s table), the per-track vote when rows are segments, macro F1. */
function classicNumbers(r: ClassicRunResult, prefix: string, note?: string): PresetNumber[] {
  const perSegment = r.tracks !== undefined;
  const out: PresetNumber[] = [
    { id: 'accuracy', label: `${prefix} accuracy (${perSegment ? 'per 3 s segment' : 'per track'})`, ours: r.rows.accuracy, unit: 'fraction', note },
    { id: 'macro-f1', label: `${prefix} macro F1 (${perSegment ? 'per segment' : 'per track'})`, ours: r.rows.macroF1, unit: 'f1', note },
  ];
  if (r.tracks) out.push({ id: 'track-accuracy', label: `${prefix} accuracy per track (majority vote of its segments)`, ours: r.tracks.accuracy, unit: 'fraction', note });
  return out;
}

function runForest(ds: Dataset, split: Split, seed: number, quick: boolean, ctx: PresetContext | undefined, from: number, to: number, label: string): ClassicRunResult {
  return runClassic(
    ds,
    { model: 'forest', features: ds.featureNames, settings: { nTrees: forestTrees(quick), minSamplesSplit: 2 }, scaling: 'minmax', seed },
    { cancel: ctx?.cancel, onProgress: (f) => ctx?.onProgress?.(from + (to - from) * f, label) },
    split,
  );
}

const quickNote = (quick: boolean) => (quick ? `quick: ${forestTrees(true)} trees instead of ${forestTrees(false)}` : undefined);

const forestMinMax: Preset = {
  id: 'georgia-tech-forest-minmax',
  paper: 'georgia-tech',
  title: 'Georgia Tech: random forest on min-max-scaled features',
  summary: 'A random forest on every feature of the Kaggle table, each scaled to [0, 1] with the training rows’ minimum and maximum; tested on held-out tracks (a random 80/20 split by track).',
  needs: { kind: 'table', tables: ['kaggle-3s', 'kaggle-30s'], hint: HINT_3S },
  paperNumbers: [],
  differences: [GENRES_3S, 'Trees are scikit-learn’s defaults (100 trees, Gini, √features per split); the report’s tree settings are not in our sources.'],
  async run(input, ctx) {
    const seed = input.seed ?? 0;
    const { quick, label } = effortOf(input);
    const { ds, kind: table } = requireTable(forestMinMax, input);
    const split = trackSplit(ds, seed);
    const r = runForest(ds, split, seed, quick, ctx, 0, 1, 'random forest');
    return {
      presetId: forestMinMax.id,
      dataUsed: describeData(ds, table, label),
      numbers: classicNumbers(r, 'Random forest (min-max)', quickNote(quick)),
      tables: [perGenreScores('Per genre (test rows)', r.rows)],
      figures: [confusionFigure('Random forest, min-max scaling: test rows', r.rows, ds.genres)],
      notes: [`Split: ${split.description}; min-max ranges from the training rows only.`, NO_PAPER_NUMBER, ...(quick ? [`Quick effort: ${forestTrees(true)} trees.`] : [])],
      seed,
    };
  },
};

const pcaForest: Preset = {
  id: 'georgia-tech-pca',
  paper: 'georgia-tech',
  title: 'Georgia Tech: PCA keeping 85 % of the variance, then a random forest',
  summary: 'Features z-scored and projected on the fewest principal components that keep more than 85 % of the variance (fitted on the training tracks only), then a random forest on those components.',
  needs: { kind: 'table', tables: ['kaggle-3s', 'kaggle-30s'], hint: HINT_3S },
  paperNumbers: [],
  differences: [GENRES_3S, 'The model after PCA is our random forest (100 trees); the report’s model choice after PCA is not in our sources.'],
  async run(input, ctx) {
    const seed = input.seed ?? 0;
    const { quick, label } = effortOf(input);
    const { ds, kind: table } = requireTable(pcaForest, input);
    const split = trackSplit(ds, seed);
    const { dataset, model } = projectDatasetPca(ds, split.train, { varianceFraction: 0.85 });
    ctx?.onProgress?.(0.1, `PCA: ${model.nComponents} components`);
    const r = runForest(dataset, split, seed, quick, ctx, 0.1, 1, 'random forest on the components');
    const kept = model.explainedVarianceRatio.reduce((a, v) => a + v, 0);
    return {
      presetId: pcaForest.id,
      dataUsed: describeData(ds, table, label),
      numbers: [
        { id: 'components', label: `Components kept for > 85 % of the variance (of ${ds.featureNames.length} features)`, ours: model.nComponents, unit: 'count' },
        { id: 'variance-kept', label: 'Share of the variance they keep (training rows)', ours: kept, unit: 'fraction' },
        ...classicNumbers(r, `Random forest on ${model.nComponents} components`, quickNote(quick)),
      ],
      tables: [perGenreScores('Per genre (test rows)', r.rows)],
      figures: [
        { kind: 'bars', title: 'Share of the variance per kept component', labels: dataset.featureNames, values: Array.from(model.explainedVarianceRatio) },
        confusionFigure(`Random forest on ${model.nComponents} components: test rows`, r.rows, ds.genres),
      ],
      notes: [`Split: ${split.description}; the z-scoring and the components are fitted on the training rows only, then applied to the test rows.`, NO_PAPER_NUMBER, ...(quick ? [`Quick effort: ${forestTrees(true)} trees.`] : [])],
      seed,
    };
  },
};

/**
 * The leakage demo's two splits of the same table with the same seed and test share: random over
 * 3 s segments (tracks end up on both sides) and by track (they never do).
 */
export function leakageSplits(ds: Dataset, seed: number): { bySegment: Split; byTrack: Split } {
  return { bySegment: randomSegmentSplit(ds, TEST_FRACTION, seed), byTrack: trackSplit(ds, seed) };
}

const leakage: Preset = {
  id: 'georgia-tech-leakage',
  paper: 'georgia-tech',
  title: 'Georgia Tech: leakage demo — random split of 3 s segments vs split by track',
  summary: 'The same random forest (min-max scaling) twice: once tested on a random 20 % of the 3 s segments, once on 20 % of the tracks. The first number is optimistic: segments of one track are on both sides, so the test partly asks “which track is this?”.',
  needs: { kind: 'table', tables: ['kaggle-3s'], hint: HINT_3S },
  paperNumbers: [],
  differences: ['The report’s own figures for the two splits are not in our sources.', GENRES_3S],
  async run(input, ctx) {
    const seed = input.seed ?? 0;
    const { quick, label } = effortOf(input);
    const { ds, kind: table } = requireTable(leakage, input);
    const { bySegment, byTrack } = leakageSplits(ds, seed);
    const leaky = runForest(ds, bySegment, seed, quick, ctx, 0, 0.5, 'random forest, random split of segments');
    const clean = runForest(ds, byTrack, seed, quick, ctx, 0.5, 1, 'random forest, split by track');
    const note = quickNote(quick);
    const tracks = groupByTrack(ds).length;
    const both = tracksOnBothSides(ds, bySegment);
    return {
      presetId: leakage.id,
      dataUsed: describeData(ds, table, label),
      numbers: [
        { id: 'random-split-accuracy', label: 'Accuracy per segment, random split of segments', ours: leaky.rows.accuracy, unit: 'fraction', note },
        { id: 'track-split-accuracy', label: 'Accuracy per segment, split by track', ours: clean.rows.accuracy, unit: 'fraction', note },
        { id: 'optimism', label: 'How much the random split overstates accuracy (difference)', ours: leaky.rows.accuracy - clean.rows.accuracy, unit: 'fraction', note },
        { id: 'tracks-both-sides-random', label: `Tracks with segments on both sides, random split (of ${tracks})`, ours: both, unit: 'count' },
        { id: 'tracks-both-sides-by-track', label: 'Tracks with segments on both sides, split by track', ours: tracksOnBothSides(ds, byTrack), unit: 'count' },
      ],
      tables: [
        {
          title: 'The two splits side by side',
          columns: ['split', 'test segments', 'tracks on both sides', 'accuracy per segment', 'macro F1'],
          rows: [
            [bySegment.description, bySegment.test.length, both, round4(leaky.rows.accuracy), round4(leaky.rows.macroF1)],
            [byTrack.description, byTrack.test.length, 0, round4(clean.rows.accuracy), round4(clean.rows.macroF1)],
          ],
        },
      ],
      figures: [
        { kind: 'bars', title: 'Accuracy per segment: random split of segments vs split by track', labels: ['random split of segments', 'split by track'], values: [leaky.rows.accuracy, clean.rows.accuracy] },
        confusionFigure('Split by track: test segments', clean.rows, ds.genres),
      ],
      notes: [
        `Why the random split is optimistic: the 3 s segments of one 30 s track are nearly alike (same recording, same instruments, same mix). A random split of segments put ${both} of ${tracks} tracks on both sides, so most test segments have siblings from their own track in training, and the model can answer by recognising the track rather than the genre. Split by track, a test track is music the model has never heard — what classifying a new song means.`,
        'An earlier measurement in this project, on 5 genres, gave 92.8 % (random split of segments) vs 86.9 % (split by track).',
        NO_PAPER_NUMBER,
        ...(quick ? [`Quick effort: ${forestTrees(true)} trees.`] : []),
      ],
      seed,
    };
  },
};

const round4 = (v: number) => Math.round(v * 10000) / 10000;

/** Epochs of a quick recurrent run (full: the registry's defaults). */
const QUICK_EPOCHS = 5;

function recurrentPreset(kind: 'gru' | 'bilstm', title: string, summary: string): Preset {
  const preset: Preset = {
    id: `georgia-tech-${kind}`,
    paper: 'georgia-tech',
    title,
    summary,
    needs: { kind: 'table', tables: ['kaggle-3s'], hint: HINT_3S },
    // A recurrent network: the page runs it in the training worker, where tfjs lives.
    trainsWithTf: true,
    paperNumbers: [],
    differences: [GENRES_3S, 'Layer sizes and training settings are the lab’s defaults for this model (chosen on NTNU training tracks, see defaults.ts); the report’s are not in our sources.'],
    async run(input: PresetInput, ctx?: PresetContext): Promise<PresetResult> {
      const seed = input.seed ?? 0;
      const { quick, label } = effortOf(input);
      const { ds, kind: table } = requireTable(preset, input);
      const split = trackSplit(ds, seed);
      const name = kindLabel(kind);
      // tfjs on first run only (see results.ts).
      const { trainClassifier } = await import('../models/classifier');
      const c = checkNotCancelled(
        await trainClassifier(ds, { kind, seed, steps: 10, epochs: quick ? QUICK_EPOCHS : undefined, ...trainingControl(ctx, 0, 1, name) }, split),
        ctx,
      );
      try {
        const ev = c.test.evaluation;
        const note = quick ? `quick: ${QUICK_EPOCHS} epochs instead of ${neuralKind(kind).defaults.epochs}` : undefined;
        const dropped = c.split.droppedTracks;
        return {
          presetId: preset.id,
          dataUsed: describeData(ds, table, label),
          numbers: [
            { id: 'accuracy', label: `${name} accuracy per track (one 10-step sequence of 3 s segments per track)`, ours: ev.accuracy, unit: 'fraction', note },
            { id: 'macro-f1', label: `${name} macro F1 per track`, ours: ev.macroF1, unit: 'f1', note },
          ],
          tables: [perGenreScores('Per genre (test tracks)', ev)],
          figures: [confusionFigure(`${name}: test tracks`, ev, ds.genres)],
          notes: [
            `Split: ${split.description}; features z-scored with the training rows’ statistics; ${c.train.epochsRun} epochs.`,
            ...(dropped ? [`${dropped} track(s) with fewer than 10 segments were left out (a sequence model should not learn from padding).`] : []),
            NO_PAPER_NUMBER,
          ],
          seed,
        };
      } finally {
        c.dispose();
      }
    },
  };
  return preset;
}

export const GEORGIA_TECH_PRESETS: Preset[] = [
  forestMinMax,
  pcaForest,
  leakage,
  recurrentPreset('gru', 'Georgia Tech: GRU over sequences of 3 s segments', 'A GRU reads each track as a sequence of its ten 3 s feature rows and answers once per track.'),
  recurrentPreset('bilstm', 'Georgia Tech: BiLSTM with layer normalisation over sequences of 3 s segments', 'A bidirectional LSTM (128 units each way) over each track’s ten 3 s feature rows, layer-normalised before a dense layer, one answer per track.'),
];
