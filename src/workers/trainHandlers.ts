/**
 * The training worker's requests (train, cross-validate, predict) as plain handlers over the
 * transport, apart from the worker's global scope and its wasm file URLs: train.worker.ts serves
 * them in the browser, and a Node test serves them over a MessageChannel to check that a run leaves
 * no tensor behind. Training takes whatever the page sent by id — a feature Dataset or a
 * spectrogram set (the CNNs) — through the same ensemble and cross-validation code.
 */
import { LabError } from '../core/errors';
import { averageProbabilities, type Classifier } from '../core/models/classifiers';
import { occlusionOverCrops } from '../core/models/classifyAudio';
import { gradCamOverCrops } from '../core/models/gradCam';
import { crossValidateClassifier } from '../core/models/crossValidate';
import { trainEnsemble } from '../core/models/ensemble';
import { loadSavedModel, serializeClassifier, type LoadedModel, type SavedModel } from '../core/models/saved';
import { backendMemory, type BackendChoice, type BackendName } from '../core/models/tfBackend';
import type { TrainProgress } from '../core/models/loop';
import { predictProbabilities } from '../core/models/predict';
import { resolveTrainingSettings } from '../core/models/settings';
import { isSpectrogramSet } from '../core/data/spectrogramSet';
import { presetById } from '../core/presets/registry';
import type { TrainApi } from './protocol';

/** Progress with the worker's wasm memory, so the page can show what training costs (issue: ≤ 400 MB). */
function withMemory(p: TrainProgress): TrainProgress {
  const heap = backendMemory().wasmHeapBytes;
  return heap === undefined ? p : { ...p, wasmHeapBytes: heap };
}
import type { Handlers } from './serve';
import { withTransfer } from './wire';

/** How often the member in training is checkpointed for a reload (at most; only on a new best epoch). */
const CHECKPOINT_EVERY_MS = 3000;

export interface TrainHandlerOptions {
  /** Choose (or keep) the tfjs backend before a request runs. */
  ensureBackend(wanted: BackendName | 'auto'): Promise<BackendChoice>;
  /** Milliseconds between checkpoints; default 3000. */
  checkpointEveryMs?: number;
}

export function trainHandlers(o: TrainHandlerOptions): Handlers<TrainApi> {
  const { ensureBackend } = o;
  const everyMs = o.checkpointEveryMs ?? CHECKPOINT_EVERY_MS;
  const loaded = new Map<string, LoadedModel>();
  /** A saved model loaded once per key (saved-model id + member index) and kept for later requests. */
  const loadedModel = async (key: string, saved: SavedModel): Promise<LoadedModel> => {
    let model = loaded.get(key);
    if (!model) {
      model = await loadSavedModel(saved);
      loaded.set(key, model);
    }
    return model;
  };
  return {
    backend: ({ backend: wanted }) => ensureBackend(wanted),

    predict: async (m) => {
      await ensureBackend(m.backend);
      const model = await loadedModel(m.key, m.saved);
      const probabilities = predictProbabilities(model.network, { x: m.x, sampleShape: m.sampleShape });
      return withTransfer(probabilities, [probabilities.buffer as ArrayBuffer]);
    },

    // "Why this genre?" for a spectrogram model: Grad-CAM or occlusion over every crop, with the
    // members of an ensemble averaged as Classify averages them; progress per crop, cancel by message.
    saliency: async (m, ctx) => {
      await ensureBackend(m.backend);
      const networks = [];
      for (const { key, saved } of m.members) networks.push((await loadedModel(key, saved)).network);
      const inputs = { x: m.x, sampleShape: m.sampleShape };
      const perCrop = { cancel: ctx.cancel, onCrop: (done: number, total: number) => ctx.progress(done / total) };
      let map: Float32Array;
      if (m.method === 'grad-cam') map = await gradCamOverCrops(networks, inputs, m.classIndex, perCrop);
      else {
        const members = networks.map((network): Pick<Classifier, 'predict'> => ({ predict: async (x) => Float64Array.from(predictProbabilities(network, { x: Float32Array.from(x.x), sampleShape: [...x.sampleShape] })) }));
        const model = { predict: async (x: Parameters<Classifier['predict']>[0]) => averageProbabilities(await Promise.all(members.map((c) => c.predict(x)))) };
        map = await occlusionOverCrops(model, inputs, m.classIndex, { ...m.patch, ...perCrop });
      }
      return withTransfer(map, [map.buffer as ArrayBuffer]);
    },

    preset: async (m, ctx) => {
      const preset = presetById(m.presetId);
      const data = ctx.held(m.datasetId);
      await ensureBackend(m.backend);
      const input = isSpectrogramSet(data) ? { spectrograms: data } : { dataset: data };
      const evalSet = m.evalDatasetId === undefined ? undefined : ctx.held(m.evalDatasetId);
      if (evalSet && !isSpectrogramSet(evalSet)) throw new LabError('internal', `${m.evalDatasetId} is a feature table; the evaluation audio must be a spectrogram set. This is a bug in the lab; reload the page.`);
      return preset.run({ ...input, ...(evalSet ? { evalSpectrograms: evalSet } : {}), seed: m.seed, effort: m.effort }, { cancel: ctx.cancel, onProgress: (fraction, label) => ctx.progress({ fraction, label }) });
    },

    'cross-validate': async (m, ctx) => {
      const data = ctx.held(m.datasetId);
      const choice = await ensureBackend(m.backend);
      let run = 0;
      const result = await crossValidateClassifier(data, {
        ...m.options,
        cancel: ctx.cancel,
        onEpoch: (metrics) => ctx.event({ type: 'epoch', member: run, metrics }),
        onProgress: (progress) => ctx.progress({ member: run, progress: withMemory(progress) }),
        onRun: (r, done, total) => {
          run = done;
          ctx.event({ type: 'cv-run', run: r, done, total });
        },
      });
      return { result, backend: choice.name };
    },

    train: async (m, ctx) => {
      const data = ctx.held(m.datasetId);
      const choice = await ensureBackend(m.backend);
      let member = 0;
      const saved: SavedModel[] = [];
      const settings = resolveTrainingSettings(m.options);
      const result = await trainEnsemble(data, {
        ...m.options,
        // Members are serialised in onMember, then disposed by trainEnsemble.
        keepMembers: false,
        cancel: ctx.cancel,
        onEpoch: (metrics) => ctx.event({ type: 'epoch', member, metrics }),
        onProgress: (progress) => ctx.progress({ member, progress: withMemory(progress) }),
        // Each member is serialised as soon as it is tested, so the page can keep it even if the
        // run is later cancelled or the page reloaded.
        // The member in training is also checkpointed (its best weights so far, tested) every few
        // seconds, so a reload does not lose a long single model either.
        checkpoint: {
          everyMs,
          save: async (i, c) => {
            const s = await serializeClassifier(c, { backend: choice.name, training: { ...settings, stoppedAtEpoch: c.train.weightsFromEpoch } });
            ctx.event({ type: 'checkpoint', member: i, epoch: c.train.weightsFromEpoch, epochs: settings.epochs, saved: s, teacherOf: c.teacherOf });
          },
        },
        onMember: async (i, summary, c) => {
          member = i + 1;
          const s = await serializeClassifier(c, { backend: choice.name, training: settings });
          saved.push(s);
          ctx.event({ type: 'member', summary, saved: s });
        },
      });
      const { classifiers: _drop, ...plain } = result;
      void _drop;
      return { result: plain, saved, backend: choice.name };
    },
  };
}
