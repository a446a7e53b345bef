/**
 * The Train cell's actions: resolve the feature list, train in the worker with live epochs and
 * progress, then save the model (IndexedDB) and add the run to the Compare cell.
 */
import { LabError, toErrorInfo } from '../core/errors';
import type { EvaluationResult } from '../core/eval/metrics';
import { kindLabel, neuralKind } from '../core/models/registry';
import { bandNames } from '../core/models/inputSpec';
import { capPredictionList } from '../core/eval/predictions';
import { addCompareEntry, cnnTrainOptions, setParams, MAX_SAVED_PREDICTIONS, splitChoice, type CompareEntry, type TrainParams, type TrainingState } from '../state/lab';
import type { SavedModel } from '../core/models/saved';
import { newModelId, putModel } from '../state/models';
import { loadCellValue, saveCellValue } from '../storage/cells';
import { crossValidateInWorker, onBackendChosen, requestBackend, trainInWorker } from '../workers/trainClient';
import type { EpochMetrics } from '../core/models/loop';
import { runCell } from './computeActions';
import { currentSpectrogramSet } from './spectrogramActions';
import type { HeldData } from '../workers/wire';
import { labStore } from './store';

let current: { runId: number; cancel(): void } | undefined;
let runCounter = 0;

/** Show the backend the training worker chooses (called once at start-up by main.tsx). */
export function initTraining(): void {
  onBackendChosen((choice) => labStore.setState({ backend: choice }));
}

/** Choose the Train cell's model, with that kind's default regularisation (the model menu, and "go to Spectrograms"). */
export function selectTrainModel(kind: TrainParams['kind']): void {
  const d = neuralKind(kind).defaults;
  setParams(labStore, 'train', { kind, dropout: d.dropout, labelSmoothing: d.labelSmoothing, mixup: d.mixup, schedule: d.schedule });
}

/**
 * Make the Train cell's Spectrograms section visible (it shows while a spectrogram model is
 * chosen): an audio preset's "needs" hint leads there. Keeps a spectrogram model already chosen.
 */
export function openSpectrogramSection(): void {
  if (neuralKind(labStore.getState().params.train.kind).input !== 'spectrogram-crops') selectTrainModel('cnn');
}

export function chooseBackendNow(backend: TrainParams['backend']): void {
  requestBackend(backend);
}

/** The features a training run will use. */
async function resolveTrainFeatures(p: TrainParams): Promise<string[]> {
  const ds = labStore.getState().dataset!;
  if (p.featureMode === 'all') return [...ds.featureNames];
  if (p.featureMode === 'chosen') return p.features.filter((f) => ds.featureNames.includes(f));
  // top-k of the MRMR ranking (computed on training rows); run it first when missing.
  let run = labStore.getState().runs.mrmr;
  if (run?.result?.kind !== 'mrmr' || run.datasetId !== ds.id) {
    await runCell('mrmr', { kind: 'mrmr', features: ds.featureNames, nBins: labStore.getState().params.mrmr.nBins, split: splitChoice(p.split, p.seed) });
    run = labStore.getState().runs.mrmr;
  }
  if (run?.result?.kind !== 'mrmr') throw new Error('The MRMR ranking could not be computed.');
  return run.result.mrmr.steps.slice(0, p.topK).map((s) => s.name ?? ds.featureNames[s.feature]!);
}

const isCnn = (p: Pick<TrainParams, 'kind'>) => neuralKind(p.kind).input === 'spectrogram-crops';

/** What a run trains on: the feature table with the features chosen, or for a CNN the current spectrogram set. */
async function trainingInput(p: TrainParams): Promise<{ data: HeldData; name: string; features: string[] }> {
  if (isCnn(p)) {
    const set = currentSpectrogramSet();
    if (!set) throw new LabError('bad-argument', `The ${kindLabel(p.kind)} learns from log-mel spectrograms of audio, not from the feature table: build a spectrogram set first (Spectrograms, at the top of this cell).`);
    return { data: set, name: set.name, features: bandNames(set.params.nBands) };
  }
  const ds = labStore.getState().dataset;
  if (!ds) throw new LabError('bad-argument', 'Load a table in the Data cell first.');
  const features = await resolveTrainFeatures(p);
  if (features.length === 0) throw new LabError('bad-argument', 'Choose at least one feature.');
  return { data: ds, name: ds.name, features };
}

/** "CNN (laptop, residual)", "LSTM": the kind and, for the small VGG, its preset. */
function kindName(p: Pick<TrainParams, 'kind'> & { cnn?: TrainParams['cnn'] }): string {
  if (p.kind !== 'cnn' || !p.cnn) return kindLabel(p.kind);
  return `${kindLabel(p.kind)} (${p.cnn.channels}${p.cnn.residual ? ', residual' : ''})`;
}

/**
 * A new run of the Train cell (a previous one is cancelled): its id, and `update` for the
 * training state that ignores a run that has since been replaced.
 */
function beginRun(mode: 'train' | 'cv', members: number) {
  current?.cancel();
  const runId = ++runCounter;
  labStore.setState({ training: { status: 'running', mode, runId, members, member: 0, epochs: [[]], summaries: [] } });
  const update = (patch: Partial<TrainingState>) => {
    const t = labStore.getState().training;
    if (t && t.runId === runId) labStore.setState({ training: { ...t, ...patch } });
  };
  return { runId, update };
}

/** A run's end: a failure shows in the cell (a cancel is not an error). */
function endRun(runId: number, update: (patch: Partial<TrainingState>) => void, e?: unknown): void {
  if (e !== undefined) {
    const info = toErrorInfo(e);
    update({ status: info.code === 'cancelled' ? 'cancelled' : 'error', error: info.code === 'cancelled' ? undefined : info });
  }
  if (current?.runId === runId) current = undefined;
}

/** The Compare cell's name of a training run of `members` models ("LSTM ×10"); the lecture story finds its runs by it. */
export function trainRunLabel(p: Pick<TrainParams, 'kind' | 'distill'> & { cnn?: TrainParams['cnn'] }, members: number): string {
  return `${kindName(p)}${members > 1 ? ` ×${members}` : ''}${p.distill > 0 && !isCnn(p) ? ` (distilled from ${p.distill})` : ''}`;
}

export async function startTraining(): Promise<void> {
  const p = labStore.getState().params.train;
  const { runId, update } = beginRun('train', p.ensemble);
  const modelId = newModelId();
  let dataName = '';
  const label = (n: number) => trainRunLabel(p, n);
  // Members are kept as they finish, and the member in training as checkpoints of its best
  // weights so far (every few seconds), so a reload loses at most a few seconds of training.
  const finished: SavedModel[] = [];
  let partial: PendingTraining['partial'];
  let saving: Promise<void> = Promise.resolve();
  const pending = (): PendingTraining => ({ id: modelId, kind: label(p.ensemble), datasetName: dataName, of: p.ensemble, createdAt: new Date().toISOString(), members: [...finished], partial });
  // Chained, so the clean-up at the end always comes after the last of these writes.
  const savePending = () => {
    const record = pending();
    saving = saving.then(() => saveCellValue(PENDING_KEY, record)).catch(() => undefined);
  };
  try {
    const { data, name, features } = await trainingInput(p);
    dataName = name;
    const handle = trainInWorker(
      data,
      { ...classifierOptions(p, features), members: p.ensemble },
      p.backend,
      {
        onEpoch: liveEpochs(runId, update),
        onProgress(member, progress) {
          update({ progress, member });
        },
        onMember(summary, saved) {
          const t = labStore.getState().training;
          if (t && t.runId === runId) update({ summaries: [...t.summaries, summary] });
          finished.push(saved);
          partial = undefined;
          savePending();
        },
        onCheckpoint(member, epoch, epochs, saved, teacherOf) {
          partial = { member, epoch, epochs, saved, teacherOf };
          update({ checkpoint: { member, epoch } });
          savePending();
        },
      },
    );
    current = { runId, cancel: handle.cancel };
    const out = await handle.promise;
    const r = out.result;
    const headline: EvaluationResult = r.members.length > 1 ? r.meanProbability : r.majority;
    const crops = r.members.map((m) => m.cropAccuracy).filter((a): a is number => a !== undefined);
    // Per crop, an ensemble has no single number: the members' mean is shown.
    const cropAccuracy = crops.length ? crops.reduce((a, b) => a + b, 0) / crops.length : undefined;
    // Cancelled while a teacher trained: the last member is that teacher, not a distilled model.
    const inTeacher = r.members.find((m) => m.cancelledIn)?.cancelledIn;
    const note = r.cancelled
      ? `cancelled${inTeacher ? ` during ${inTeacher} (the last model is that teacher, not distilled)` : ''}: best weights so far (${r.members.length} of ${p.ensemble} member(s))`
      : undefined;
    // The saved members carry the ensemble's own numbers too, for the model list.
    for (const m of out.saved) {
      m.metadata.metrics['ensembleAccuracy'] = headline.accuracy;
      m.metadata.metrics['ensembleMacroF1'] = headline.macroF1;
    }
    if (out.saved.length > 0) {
      await putModel(labStore, {
        id: modelId,
        name: `${label(r.members.length)} · ${dataName} · ${(headline.accuracy * 100).toFixed(1)} %${inTeacher ? ` · cancelled during ${inTeacher}: not distilled` : ''}`,
        createdAt: new Date().toISOString(),
        datasetName: dataName,
        members: out.saved,
      });
    }
    const entry: CompareEntry = {
      id: `run-${modelId}`,
      createdAt: new Date().toISOString(),
      model: label(r.members.length),
      datasetName: dataName,
      features,
      split: r.splitDescription,
      accuracy: headline.accuracy,
      macroF1: headline.macroF1,
      trainMs: r.trainMs,
      backend: out.backend,
      seed: p.seed,
      genres: r.genres,
      confusion: headline.confusion,
      predictions: capPredictionList(r.predictions, MAX_SAVED_PREDICTIONS),
      members: r.members.map((m) => ({ accuracy: m.accuracy, macroF1: m.macroF1, seed: m.seed })),
      memberMean: r.meanAccuracy,
      memberStd: r.stdAccuracy,
      votes:
        r.members.length > 1
          ? {
              majority: { accuracy: r.majority.accuracy, macroF1: r.majority.macroF1 },
              meanProbability: { accuracy: r.meanProbability.accuracy, macroF1: r.meanProbability.macroF1 },
            }
          : undefined,
      modelId: out.saved.length ? modelId : undefined,
      note: withCropNote(note, cropAccuracy),
      cropAccuracy,
    };
    addCompareEntry(labStore, entry);
    update({ status: r.cancelled ? 'cancelled' : 'done', resultId: entry.id });
  } catch (e) {
    endRun(runId, update, e);
  } finally {
    endRun(runId, update);
    await saving;
    await clearPending(modelId);
  }
}

/**
 * The Train cell's settings as core classifier options (shared by training and cross-validation).
 * Settings left out take the kind's defaults in core (resolveTrainingSettings), not here.
 */
function classifierOptions(p: TrainParams, features: string[]) {
  return {
    cnn: isCnn(p) ? cnnTrainOptions(p.cnn) : undefined,
    kind: p.kind,
    seed: p.seed,
    // A CNN reads the whole spectrogram (its "features" are the set's mel bands).
    features: isCnn(p) ? undefined : features,
    steps: p.steps > 0 ? p.steps : undefined,
    split: splitChoice(p.split, p.seed),
    epochs: p.epochs > 0 ? p.epochs : undefined,
    batchSize: p.batchSize,
    learningRate: p.learningRate,
    dropout: p.dropout,
    labelSmoothing: p.labelSmoothing,
    mixup: p.mixup,
    schedule: p.schedule,
    // Distillation is not available for the CNNs (core refuses it); the cell hides it for them.
    distill: p.distill > 0 && !isCnn(p) ? { teachers: p.distill } : undefined,
    validationFraction: p.validationFraction > 0 ? p.validationFraction : undefined,
    earlyStopping: p.earlyStopping && p.validationFraction > 0 ? { patience: p.patience, monitor: 'valLoss' as const } : undefined,
  };
}

/** Appends each epoch to the live curve of its model; a new stage (teacher 2 of 4, student) starts its own curve. */
function liveEpochs(runId: number, update: (patch: Partial<TrainingState>) => void) {
  return (member: number, m: EpochMetrics) => {
    const t = labStore.getState().training;
    if (!t || t.runId !== runId) return;
    const all = t.epochs.map((e) => e);
    while (all.length <= member) all.push([]);
    const prev = all[member]!;
    all[member] = prev.length > 0 && prev[prev.length - 1]!.stage !== m.stage ? [m] : [...prev, m];
    update({ epochs: all, member });
  };
}

/**
 * Cross-validate the Train cell's settings on the training tracks of its split (k folds by track
 * × repeats, in the worker). Nothing is saved as a model; the result lands in the Compare cell
 * as a "CV" row, so settings can be compared without looking at the test tracks.
 */
export async function startCrossValidation(): Promise<void> {
  const p = labStore.getState().params.train;
  const total = p.cvFolds * p.cvRepeats;
  const { runId, update } = beginRun('cv', total);
  try {
    if (!(Number.isInteger(p.cvFolds) && p.cvFolds >= 2)) throw new LabError('bad-argument', `Cross-validation needs at least 2 folds, got ${p.cvFolds}.`);
    if (!(Number.isInteger(p.cvRepeats) && p.cvRepeats >= 1)) throw new LabError('bad-argument', `Repeats must be a whole number ≥ 1, got ${p.cvRepeats}.`);
    const { data, name, features } = await trainingInput(p);
    const handle = crossValidateInWorker(data, { ...classifierOptions(p, features), folds: p.cvFolds, repeats: p.cvRepeats }, p.backend, {
      onEpoch: liveEpochs(runId, update),
      onProgress(run, progress) {
        update({ progress, member: run });
      },
      onRun() {},
    });
    current = { runId, cancel: handle.cancel };
    const { result: r, backend } = await handle.promise;
    const what = `${kindName(p)}${p.distill > 0 && !isCnn(p) ? ` (distilled from ${p.distill})` : ''} · ${r.folds}-fold CV${r.repeats > 1 ? ` ×${r.repeats}` : ''}`;
    const entry: CompareEntry = {
      id: `cv-${Date.now().toString(36)}-${runId}`,
      createdAt: new Date().toISOString(),
      model: what,
      datasetName: name,
      features,
      split: `${r.folds} folds by track over the ${r.tracks} training tracks of ${r.splitDescription} (test tracks not used)`,
      accuracy: r.meanAccuracy,
      macroF1: r.meanMacroF1,
      trainMs: r.trainMs,
      backend,
      seed: r.repeats > 1 ? `${p.seed}…${p.seed + r.repeats - 1}` : p.seed,
      genres: r.genres,
      confusion: r.confusion,
      members: r.runs.map((run) => ({ accuracy: run.accuracy, macroF1: run.macroF1, seed: run.seed, fold: run.fold })),
      memberMean: r.meanAccuracy,
      memberStd: r.stdAccuracy,
      cv: { folds: r.folds, repeats: r.repeats, tracks: r.tracks },
      // Only a CNN's runs are scored per crop; a feature model's per-row mean is not a crop accuracy.
      note: withCropNote(r.cancelled ? `cancelled: ${r.runs.length} of ${total} runs finished` : undefined, isCnn(p) ? r.meanCropAccuracy : undefined),
      cropAccuracy: isCnn(p) ? r.meanCropAccuracy : undefined,
    };
    addCompareEntry(labStore, entry);
    update({ status: r.cancelled ? 'cancelled' : 'done', resultId: entry.id });
    endRun(runId, update);
  } catch (e) {
    endRun(runId, update, e);
  }
}

/** A CNN's per-crop accuracy in the Compare note, beside the per-track headline. */
function withCropNote(note: string | undefined, cropAccuracy: number | undefined): string | undefined {
  if (cropAccuracy === undefined) return note;
  const crop = `per crop ${(cropAccuracy * 100).toFixed(1)} % (accuracy is per track)`;
  return note ? `${note}; ${crop}` : crop;
}

/** The members of a run still in progress, saved as they finish (key in the lab's database). */
interface PendingTraining {
  id: string;
  /** "LSTM ×10" */
  kind: string;
  datasetName: string;
  /** Members asked for. */
  of: number;
  createdAt: string;
  /** Members that finished. */
  members: SavedModel[];
  /** The latest checkpoint of the member in training: its best weights after `epoch` of `epochs`. */
  partial?: { member: number; epoch: number; epochs: number; saved: SavedModel; /** Set while a distilled model's teachers trained: the checkpoint is that teacher. */ teacherOf?: string };
}

const PENDING_KEY = 'pending-training';

async function clearPending(id: string): Promise<void> {
  try {
    const p = await loadCellValue<PendingTraining>(PENDING_KEY);
    if (p?.id === id) await saveCellValue(PENDING_KEY, undefined);
  } catch {
    // nothing saved, nothing to clear
  }
}

/**
 * After a reload: a training run the reload interrupted left its finished members behind; keep
 * them as a saved model (named as interrupted) and say so in the Train cell once.
 */
export async function restoreInterruptedTraining(): Promise<void> {
  let p: PendingTraining | undefined;
  try {
    p = await loadCellValue<PendingTraining>(PENDING_KEY);
  } catch {
    return;
  }
  if (!p) return;
  await saveCellValue(PENDING_KEY, undefined);
  // Like Cancel, the member that was in training counts with its best weights so far.
  const members = p.partial ? [...p.members, p.partial.saved] : p.members;
  if (members.length === 0) return;
  const k = members.length;
  const mean = members.reduce((a, m) => a + (m.metadata.metrics['accuracy'] ?? 0), 0) / k;
  const at = p.partial ? where(p.partial) : '';
  const what =
    p.of === 1 && p.partial
      ? `interrupted by a reload: best weights at ${at} (${(mean * 100).toFixed(1)} %)`
      : `interrupted by a reload: ${p.members.length} of ${p.of} members${p.partial ? ` + member ${p.partial.member + 1} at ${at}` : ''} (mean ${(mean * 100).toFixed(1)} %)`;
  await putModel(labStore, { id: p.id, name: `${p.kind} · ${p.datasetName} · ${what}`, createdAt: p.createdAt, datasetName: p.datasetName, members });
  const kept =
    p.of === 1 && p.partial
      ? `the model's best weights so far (${at}) were kept as a saved model`
      : `${describeKept(p.members.length, p.partial)} kept as a saved model`;
  labStore.setState({ trainingNotice: `A reload interrupted training ${p.kind} on ${p.datasetName}; ${kept}.` });
}

/** "epoch 12 of 40", and whose weights they are while a distilled model's teachers trained. */
function where(partial: NonNullable<PendingTraining['partial']>): string {
  return `epoch ${partial.epoch} of ${partial.epochs}${partial.teacherOf ? ` in ${partial.teacherOf}, not distilled` : ''}`;
}

function describeKept(finished: number, partial: PendingTraining['partial']): string {
  const done = `the ${finished} finished member${finished === 1 ? '' : 's'}`;
  if (!partial) return `${done} ${finished === 1 ? 'was' : 'were'}`;
  const cur = `member ${partial.member + 1}'s best weights so far (${where(partial)})`;
  return finished === 0 ? `${cur} were` : `${done} and ${cur} were`;
}

export function cancelTraining(): void {
  current?.cancel();
}
