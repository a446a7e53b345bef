/**
 * Lecture stories as data: a story is a list of steps, each naming the notebook cell it shows, the
 * settings it applies to that cell, the table it needs and what the lecturer says. The presenter
 * (ui/Presenter.tsx) and its actions (app/presentActions.ts) read only this, so a new story — or a
 * paper preset turned into one — is one more entry in {@link STORIES}, not code.
 */
import { NTNU_TASK1, NTNU_TASK2_GENRES } from '../core/data/featureNames';
import { NTNU_TASK1_KNN } from '../core/presets/ntnu';
import type { Params, TrainParams } from '../state/lab';

/** The feature table a step runs on: recognised by its recipe, named by its usual file name. */
export interface StoryTable {
  /** `DatasetMeta.recipe` of a table that fits (`ntnu30`, `ntnu10`, ...). */
  recipe: string;
  /** What to tell the lecturer to load. */
  file: string;
}

interface StepBase {
  /** Stable id, used in the URL (`#present/<story>/<step>`). */
  id: string;
  /** Short label for the progress strip. */
  label: string;
  title: string;
  /** 1–3 lines: what to say, what to look at. */
  speaker: string[];
  needs: StoryTable;
}

/** Feature names in settings are the NTNU table's; they are resolved against the loaded table when applied. */
export type StoryStep =
  | (StepBase & { cell: 'knn'; settings: Partial<Params['knn']> & { features: string[] } })
  | (StepBase & { cell: 'explore'; settings: Params['explore'] })
  | (StepBase & { cell: 'selection'; settings: { importance: Partial<Params['importance']>; search: Partial<Params['search']> & { base: string[] } } })
  | (StepBase & {
      cell: 'train';
      settings: Partial<TrainParams> & Pick<TrainParams, 'kind' | 'ensemble' | 'distill' | 'seed'>;
      /** A reduced setting "Prepare" may use instead, always labelled as such on screen. */
      quick?: { settings: Partial<TrainParams> & Pick<TrainParams, 'ensemble'>; label: string };
    });

export type StoryCell = StoryStep['cell'];

export interface Story {
  id: string;
  title: string;
  /** One line under the title. */
  summary: string;
  steps: StoryStep[];
}

const NTNU30: StoryTable = { recipe: 'ntnu30', file: 'GenreClassData_30s.txt' };
const NTNU10: StoryTable = { recipe: 'ntnu10', file: 'GenreClassData_10s.txt' };

/** The NTNU course study, Tasks 1 → 4, as `e2e/ntnu-study.spec.ts` does them in the notebook. */
export const NTNU_STUDY: Story = {
  id: 'ntnu-study',
  title: 'the NTNU study',
  summary: 'Four tasks on the NTNU GTZAN tables: k-NN, looking at features, choosing features, an LSTM ensemble.',
  steps: [
    {
      id: 'task-1',
      label: 'Task 1 · k-NN',
      title: 'Task 1 — k-NN on four features',
      cell: 'knn',
      needs: NTNU30,
      // The paper preset's k-NN settings (one definition): the four features, k and weighting.
      settings: { features: [...NTNU_TASK1_KNN.features], k: NTNU_TASK1_KNN.k, weights: NTNU_TASK1_KNN.weights, split: 'auto', standardize: true },
      speaker: [
        'Four features per track (spectral rolloff, MFCC 1, spectral centroid, tempo), z-scored; each test track takes the vote of its 5 nearest training tracks.',
        'Look at the accuracy: the paper reports 40.4 % — better than the 10 % of guessing, far from good.',
        'In the confusion matrix, see which genres the four features mix up.',
      ],
    },
    {
      id: 'task-2',
      label: 'Task 2 · histograms',
      title: 'Task 2 — why k-NN struggles: the features per genre',
      cell: 'explore',
      needs: NTNU30,
      settings: { features: [...NTNU_TASK1], genres: [...NTNU_TASK2_GENRES] },
      speaker: [
        'Each histogram is one feature, coloured by genre (pop, disco, metal, classical).',
        'Where the colours overlap, that feature cannot tell those genres apart; classical stands out on most of them.',
      ],
    },
    {
      id: 'task-3',
      label: 'Task 3 · feature selection',
      title: 'Task 3 — choosing better features',
      cell: 'selection',
      needs: NTNU30,
      settings: {
        importance: { nTrees: 100, seed: 0, permutationRepeats: 5, split: 'auto' },
        search: { base: [...NTNU_TASK1], choose: 3, k: 5, weights: 'distance', split: 'auto', metric: 'macroF1' },
      },
      speaker: [
        'A random forest ranks all 63 features; then we keep 3 of the 4 Task 1 features and try every other feature as the fourth: 236 k-NN runs.',
        'The heatmap’s brightest cell is the best combination — swapping MFCC 1 for rmse_var lifts k-NN from 40 % to 52 %.',
      ],
    },
    {
      id: 'task-4',
      label: 'Task 4 · LSTM ensemble',
      title: 'Task 4 — an LSTM ensemble on 10 s segments',
      cell: 'train',
      needs: NTNU10,
      settings: { kind: 'lstm', featureMode: 'all', steps: 0, epochs: 0, batchSize: 32, learningRate: 0.001, distill: 0, ensemble: 10, seed: 0, validationFraction: 0, earlyStopping: false, split: 'auto' },
      quick: { settings: { ensemble: 2, epochs: 6 }, label: 'Quick preparation: 2 LSTMs × 6 epochs, not the study’s 10 × 40 — expect a lower number.' },
      speaker: [
        'All 63 features, each track read as 3 consecutive 10 s segments by an LSTM; 10 LSTMs with different seeds vote.',
        'Compare the ensemble’s accuracy with the members’ mean, and with Task 1’s 40 %.',
      ],
    },
  ],
};

type StepOf<C extends StoryCell> = Extract<StoryStep, { cell: C }>;

/** One line per kind of step saying what its settings are (the presenter shows it above the cell). */
const DESCRIBE: { [C in StoryCell]: (step: StepOf<C>) => string } = {
  knn: ({ settings: s }) => `k-NN · k = ${s.k ?? 5} · ${s.weights ?? 'distance'} weighting · z-scored · ${s.features.join(', ')}`,
  explore: ({ settings: s }) => `${s.features.join(', ')} × ${s.genres.join(', ')}`,
  selection: ({ settings: { importance: i, search: q } }) =>
    `random forest (${i.nTrees ?? 100} trees, ${i.permutationRepeats ?? 5} permutation repeats) · every ${q.choose ?? q.base.length - 1} of ${q.base.join(', ')} + one more feature, k-NN k = ${q.k ?? 5}`,
  train: ({ settings: s }) =>
    `${s.kind.toUpperCase()} × ${s.ensemble} (seeds ${s.seed}…${s.seed + s.ensemble - 1}) · ${s.featureMode === 'all' ? 'all features' : 'chosen features'} · ${s.epochs ? `${s.epochs} epochs` : 'default epochs'} · mean-probability vote`,
};

export function describeStep(step: StoryStep): string {
  return (DESCRIBE[step.cell] as (s: StoryStep) => string)(step);
}

/** Every story the presenter offers; add an entry to add a story. */
export const STORIES: readonly Story[] = [NTNU_STUDY];

export function storyById(id: string): Story | undefined {
  return STORIES.find((s) => s.id === id);
}

/** Where the presenter is: a story and one of its steps. */
export interface PresentPlace {
  storyId: string;
  stepId: string;
}

/** `#present/<story>/<step>`, so a reload keeps the place. */
export function formatPresentHash(p: PresentPlace): string {
  return `#present/${encodeURIComponent(p.storyId)}/${encodeURIComponent(p.stepId)}`;
}

/**
 * Read a `#present/...` hash. An unknown story is not a place (undefined); an unknown or missing
 * step falls back to the story's first step, so a shortened link still opens the story.
 */
export function parsePresentHash(hash: string): PresentPlace | undefined {
  const m = /^#present\/([^/]+)(?:\/([^/]*))?$/.exec(hash);
  if (!m) return undefined;
  const story = storyById(decodeURIComponent(m[1]!));
  if (!story || story.steps.length === 0) return undefined;
  const stepId = m[2] ? decodeURIComponent(m[2]) : '';
  const step = story.steps.find((s) => s.id === stepId) ?? story.steps[0]!;
  return { storyId: story.id, stepId: step.id };
}

/** The step `delta` away from `stepId`, clamped to the story's ends. */
export function stepAt(story: Story, stepId: string, delta: number): StoryStep {
  const i = Math.max(0, story.steps.findIndex((s) => s.id === stepId));
  return story.steps[Math.min(story.steps.length - 1, Math.max(0, i + delta))]!;
}
