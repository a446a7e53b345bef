/**
 * The Northeastern study's feature baselines: logistic regression, an SGD classifier and a random
 * forest on every feature of the loaded GTZAN table (its CNN is `northeasternCnn.ts`). The
 * report's scores for these baselines are not in our sources, so `paper` stays unset.
 */
import type { ClassicKindId } from '../models/registry';
import { betweenStages, confusionFigure, ourNumber, requireTable, round, stageProgress, tableLabel } from './common';
import type { Preset } from './types';

/** The three baselines, at scikit-learn's defaults (the lab's registry settings). */
const BASELINES: { model: ClassicKindId; name: string; id: string }[] = [
  { model: 'logistic', name: 'logistic regression', id: 'logistic' },
  { model: 'sgd', name: 'SGD classifier', id: 'sgd' },
  { model: 'forest', name: 'random forest', id: 'forest' },
];

export const northeasternBaselines: Preset = {
  id: 'northeastern-baselines',
  paper: 'northeastern',
  title: 'Northeastern: logistic regression, SGD and random forest baselines',
  summary:
    'The feature baselines of the Northeastern study: logistic regression, a linear SGD classifier and a random forest on all features of a GTZAN table, z-scored with training statistics, at scikit-learn’s default settings.',
  needs: { kind: 'table', tables: ['kaggle-30s', 'kaggle-3s', 'ntnu-30s', 'ntnu-10s', 'ntnu-5s'], hint: 'a GTZAN feature table (Kaggle or NTNU)' },
  paperNumbers: [],
  differences: [
    'The study’s baseline accuracies are not stated in our sources, so only ours are shown.',
    'Settings are scikit-learn’s defaults (logistic C = 1; SGD hinge loss, α = 1e-4; forest 100 trees); the study’s are not stated in our sources.',
    'The split is the table’s Train/Test when it has one (NTNU), else a seeded 80/20 split by track.',
  ],
  async run(input, ctx) {
    const { ds, kind } = requireTable(northeasternBaselines, input);
    const { runClassic } = await import('../eval/classic');
    const seed = input.seed ?? 0;
    const split = { kind: 'auto', testFraction: 0.2, seed } as const;
    const runs = [];
    for (const [i, b] of BASELINES.entries()) {
      if (i > 0) await betweenStages(ctx?.cancel);
      const r = runClassic(ds, { model: b.model, features: ds.featureNames, settings: {}, split, seed }, { cancel: ctx?.cancel, onProgress: stageProgress(ctx, i, BASELINES.length, b.name) });
      runs.push({ ...b, r });
    }
    const first = runs[0]!.r;
    const segments = !!first.tracks;
    return {
      presetId: northeasternBaselines.id,
      dataUsed: `${ds.name} (${tableLabel(kind)}, ${ds.featureNames.length} features; ${first.split}, ${first.rows.n} test rows${segments ? `, ${first.tracks!.n} test tracks` : ''})`,
      numbers: runs.flatMap(({ id, name, r }) => [
        ourNumber(northeasternBaselines, `${id}-accuracy`, `${name}: accuracy`, r.rows.accuracy, 'fraction', r.tracks ? `per segment; per-track vote ${(r.tracks.accuracy * 100).toFixed(2)} %` : undefined),
        ourNumber(northeasternBaselines, `${id}-macro-f1`, `${name}: macro F1`, r.rows.macroF1, 'f1'),
      ]),
      tables: [
        {
          title: 'Baselines (test rows)',
          columns: ['model', 'accuracy', 'macro F1', ...(segments ? ['per-track vote accuracy'] : [])],
          rows: runs.map(({ name, r }) => [name, round(r.rows.accuracy), round(r.rows.macroF1), ...(r.tracks ? [round(r.tracks.accuracy)] : [])]),
        },
      ],
      figures: runs.map(({ name, r }) => confusionFigure(`Confusion matrix, ${name}`, r.rows)),
      notes: [],
      seed,
    };
  },
};

export const NORTHEASTERN_PRESETS: readonly Preset[] = [northeasternBaselines];
