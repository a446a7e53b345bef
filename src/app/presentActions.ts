/**
 * What the lecture presenter's buttons do: apply a story step's settings to its cell, tell whether
 * the cell already holds that step's result, and run it through the cell's own action (the same
 * worker jobs the cell's Run button starts — there is no second way to compute a step). The cells
 * keep and save their results as before; "Prepare this class" only fills in what is missing.
 */
import type { Dataset } from '../core/data/dataset';
import { resolveFeatures } from '../core/data/featureNames';
import { LabError, toErrorInfo, type ErrorInfo } from '../core/errors';
import { neuralKind } from '../core/models/registry';
import { setParams, type CompareEntry, type LabState, type Params } from '../state/lab';
import type { LectureJob } from '../state/lecture';
import { cancelCell, runCellFromParams } from './computeActions';
import { runExplore } from './exploreActions';
import { storyById, type Story, type StoryCell, type StoryStep, type StoryTable } from './stories';
import { labStore } from './store';
import { cancelTraining, startTraining, trainRunLabel } from './trainActions';

/** A step's result as the cell holds it now. */
export interface CachedStep {
  /** The Compare entry a training step shows (the Train cell shows only its latest run otherwise). */
  resultId?: string;
  /** The result came from the story's reduced "quick" setting: say so on screen. */
  quickLabel?: string;
}

type StepOf<C extends StoryCell> = Extract<StoryStep, { cell: C }>;

/** One cell kind's part in a story: a strategy table entry, so a new cell kind is one more entry. */
interface StepRunner<S extends StoryStep> {
  /** The settings' patches per parameter section, feature names resolved against `ds`. */
  settings(step: S, ds: Dataset, quick: boolean): { [K in keyof Params]?: Partial<Params[K]> };
  cached(step: S, s: LabState): CachedStep | undefined;
  run(): Promise<void>;
  cancel(): void;
  /** Fraction done of the step's run, 0…1, read from the cell's own state. */
  progress(s: LabState): number;
  /** Why the run left no result (the cell shows it too). */
  failure(s: LabState): ErrorInfo | undefined;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const doneOn = (s: LabState, key: keyof LabState['runs']) => {
  const r = s.runs[key];
  return r?.status === 'done' && !!s.dataset && r.datasetId === s.dataset.id ? r.result : undefined;
};

const RUNNERS: { [C in StoryCell]: StepRunner<StepOf<C>> } = {
  knn: {
    settings: (step, ds) => ({ knn: { ...step.settings, features: resolveFeatures(step.settings.features, ds.featureNames) } }),
    cached(step, s) {
      const r = doneOn(s, 'knn');
      if (r?.kind !== 'knn' || !s.dataset) return undefined;
      const want = { k: step.settings.k, weights: step.settings.weights };
      const ok = sameSet(r.run.features, resolveFeatures(step.settings.features, s.dataset.featureNames)) && Object.entries(want).every(([k, v]) => v === undefined || r.run.params[k] === v);
      return ok ? {} : undefined;
    },
    run: () => runCellFromParams('knn'),
    cancel: () => cancelCell('knn'),
    progress: (s) => s.runs.knn?.progress ?? 0,
    failure: (s) => s.runs.knn?.error,
  },
  explore: {
    settings: (step, ds) => ({ explore: { features: resolveFeatures(step.settings.features, ds.featureNames), genres: step.settings.genres.filter((g) => ds.genres.includes(g)) } }),
    cached(step, s) {
      const r = doneOn(s, 'histograms');
      if (r?.kind !== 'histograms' || !s.dataset) return undefined;
      const features = resolveFeatures(step.settings.features, s.dataset.featureNames);
      const genres = step.settings.genres.filter((g) => s.dataset!.genres.includes(g));
      const items = r.histograms.items;
      return sameSet(items.map((i) => i.feature), features) && items.every((i) => sameSet(i.histogram.series.map((x) => x.genre), genres)) ? {} : undefined;
    },
    run: runExplore,
    cancel: () => (['histograms', 'correlation', 'pca'] as const).forEach(cancelCell),
    progress: (s) => s.runs.histograms?.progress ?? 0,
    failure: (s) => (['histograms', 'correlation', 'pca'] as const).map((k) => s.runs[k]?.error).find(Boolean),
  },
  selection: {
    settings: (step, ds) => ({ importance: step.settings.importance, search: { ...step.settings.search, base: resolveFeatures(step.settings.search.base, ds.featureNames) } }),
    cached(step, s) {
      const imp = doneOn(s, 'importance');
      const search = doneOn(s, 'search');
      if (imp?.kind !== 'importance' || search?.kind !== 'search' || !s.dataset) return undefined;
      const base = resolveFeatures(step.settings.search.base, s.dataset.featureNames);
      const subsets = search.search.subsets;
      const used = [...new Set(subsets.flat())];
      return sameSet(used, base) && subsets.every((x) => x.length === step.settings.search.choose) ? {} : undefined;
    },
    async run() {
      // One after the other: on a 2-core laptop two workers at once are no faster, and the
      // progress bar then tells the truth about which half is running.
      await runCellFromParams('importance');
      if (labStore.getState().runs.importance?.status === 'done') await runCellFromParams('search');
    },
    cancel: () => (['importance', 'search'] as const).forEach(cancelCell),
    progress: (s) => ((s.runs.importance?.status === 'done' ? 1 : (s.runs.importance?.progress ?? 0)) + (s.runs.search?.status === 'running' ? s.runs.search.progress : 0)) / 2,
    failure: (s) => s.runs.importance?.error ?? s.runs.search?.error,
  },
  train: {
    settings(step, _ds, quick) {
      const d = neuralKind(step.settings.kind).defaults;
      // Switching kind in the Train cell loads the kind's regularisation defaults; do the same.
      return { train: { dropout: d.dropout, labelSmoothing: d.labelSmoothing, mixup: d.mixup, schedule: d.schedule, ...step.settings, ...(quick && step.quick ? step.quick.settings : {}) } };
    },
    cached(step, s) {
      // Training runs land in the Compare table (saved, whatever table is loaded later): the full
      // setting's run if there is one, else the quick one's, newest first.
      const find = (members: number) =>
        s.compare.find(
          (e: CompareEntry) =>
            !e.cv && !e.note && e.datasetName === step.needs.file && e.seed === step.settings.seed && e.members?.length === members && e.model === trainRunLabel(step.settings, members),
        );
      const full = find(step.settings.ensemble);
      if (full) return { resultId: full.id };
      const quick = step.quick && find(step.quick.settings.ensemble);
      return quick ? { resultId: quick.id, quickLabel: step.quick!.label } : undefined;
    },
    run: startTraining,
    cancel: cancelTraining,
    progress: (s) => (s.training?.status === 'running' ? (s.training.progress?.fraction ?? 0) : 0),
    failure: (s) => s.training?.error,
  },
};

function runnerFor(step: StoryStep): StepRunner<StoryStep> {
  return RUNNERS[step.cell] as StepRunner<StoryStep>;
}

/** Is the loaded table the one the step runs on? */
export function tableFits(table: StoryTable, ds: Dataset | undefined): boolean {
  return !!ds && ds.meta.recipe === table.recipe;
}

/** What the presenter says when the step's table is not loaded. */
export function missingTableMessage(step: StoryStep): string {
  return `${step.title.split(' — ')[0]} runs on ${step.needs.file}: leave the presenter (Esc), load ${step.needs.file} in the Data cell, then come back.`;
}

export function cachedStep(step: StoryStep, s: LabState = labStore.getState()): CachedStep | undefined {
  return runnerFor(step).cached(step, s);
}

/** Fraction done of a running step, from its cell's state. */
export function stepProgress(step: StoryStep, s: LabState): number {
  return runnerFor(step).progress(s);
}

/**
 * Put the step's settings into its cell (as the cell's preset buttons do) when the step's table is
 * loaded. Only sections that differ are written, so showing a step never restarts a view.
 */
export function applyStep(step: StoryStep, quick = false): void {
  const s = labStore.getState();
  if (!tableFits(step.needs, s.dataset)) return;
  const patches = runnerFor(step).settings(step, s.dataset!, quick);
  for (const key of Object.keys(patches) as (keyof Params)[]) {
    const patch = patches[key] as Record<string, unknown>;
    const cur = s.params[key] as unknown as Record<string, unknown>;
    if (Object.entries(patch).some(([k, v]) => JSON.stringify(cur[k]) !== JSON.stringify(v))) setParams(labStore, key, patch as Partial<Params[typeof key]>);
  }
}

interface ActiveJob {
  cancelled: boolean;
  /** The step whose cell is running now. */
  step?: StoryStep;
}
let active: ActiveJob | undefined;

function setJob(patch: Partial<LectureJob>): void {
  const job = labStore.getState().lecture.job;
  if (job) labStore.setState({ lecture: { job: { ...job, ...patch } } });
}

/**
 * Run story steps through their cells, one after another. `force` runs them even when the cell
 * holds their result ("Run it live"); otherwise a step with a result is skipped. A step whose
 * table is not loaded is skipped with the reason (Prepare) or is an error (Run it live).
 */
async function runSteps(story: Story, steps: StoryStep[], o: { kind: LectureJob['kind']; quick: boolean; force: boolean }): Promise<void> {
  if (active) return;
  const me: ActiveJob = { cancelled: false };
  active = me;
  labStore.setState({ lecture: { job: { kind: o.kind, storyId: story.id, stepIds: steps.map((s) => s.id), index: 0, status: 'running', quick: o.quick, skipped: [], ran: [] } } });
  try {
    for (let i = 0; i < steps.length; i++) {
      if (me.cancelled) return setJob({ status: 'cancelled' });
      const step = steps[i]!;
      setJob({ index: i });
      const job = labStore.getState().lecture.job!;
      // A training step's result outlives its table (it is a Compare entry), so "computed" comes first.
      if (!o.force && cachedStep(step)) {
        setJob({ skipped: [...job.skipped, { stepId: step.id, reason: 'already computed' }] });
        continue;
      }
      if (!tableFits(step.needs, labStore.getState().dataset)) {
        if (o.force) throw new LabError('bad-argument', missingTableMessage(step));
        setJob({ skipped: [...job.skipped, { stepId: step.id, reason: `needs ${step.needs.file}` }] });
        continue;
      }
      applyStep(step, o.quick);
      me.step = step;
      const runner = runnerFor(step);
      const done = runner.run();
      // A Cancel pressed before the cell's job could be cancelled (training first resolves its
      // features, then registers its handle) is repeated on the job's next update.
      const stop = labStore.subscribe(() => me.cancelled && runner.cancel());
      try {
        await done;
      } finally {
        stop();
        me.step = undefined;
      }
      if (me.cancelled) return setJob({ status: 'cancelled' });
      const s = labStore.getState();
      if (!cachedStep(step, s)) {
        const failure = runnerFor(step).failure(s);
        // A run that ended without a result and without an error was cancelled from its cell.
        if (!failure) return setJob({ status: 'cancelled' });
        return setJob({ status: 'error', error: failure, errorStepId: step.id });
      }
      setJob({ ran: [...labStore.getState().lecture.job!.ran, step.id] });
    }
    setJob({ index: steps.length, status: 'done' });
  } catch (e) {
    setJob({ status: 'error', error: toErrorInfo(e), errorStepId: steps[labStore.getState().lecture.job?.index ?? 0]?.id });
  } finally {
    if (active === me) active = undefined;
  }
}

/** "Prepare this class": compute every step of the story that has no result yet, in the background. */
export function prepareStory(storyId: string, quick: boolean): Promise<void> {
  const story = storyById(storyId);
  if (!story) return Promise.resolve();
  return runSteps(story, story.steps, { kind: 'prepare', quick, force: false });
}

/** "Run it live": run one step again in front of the class, in the study's own setting. */
export function runStepLive(storyId: string, stepId: string): Promise<void> {
  const story = storyById(storyId);
  const step = story?.steps.find((s) => s.id === stepId);
  if (!story || !step) return Promise.resolve();
  return runSteps(story, [step], { kind: 'live', quick: false, force: true });
}

/** Cancel the lecture job: stops the cell's run in progress and the steps after it. */
export function cancelLectureJob(): void {
  const job = active;
  if (!job) return;
  job.cancelled = true;
  if (job.step) runnerFor(job.step).cancel();
}

/** Forget a finished job's message. */
export function dismissLectureJob(): void {
  if (labStore.getState().lecture.job?.status !== 'running') labStore.setState({ lecture: {} });
}
