/// <reference lib="webworker" />
/**
 * Neural training and prediction off the main thread. The tfjs backend is chosen here, by
 * measurement (webgl, wasm, cpu) unless the user overrides it, and reported to the page.
 * Training yields to the event loop every ~50 ms, so a cancel message stops it within a batch;
 * the best weights so far are kept and the (partial) result comes back as usual.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { crossValidateClassifier } from '../core/models/crossValidate';
import { trainEnsemble } from '../core/models/ensemble';
import { loadSavedModel, serializeClassifier, type LoadedModel, type SavedModel } from '../core/models/saved';
import { chooseBackend, type BackendChoice, type BackendName } from '../core/models/tfBackend';
import { predictProbabilities } from '../core/models/predict';
import { resolveTrainingSettings } from '../core/models/settings';
import type { TrainApi, TrainNotice } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

let backend: { wanted: BackendName | 'auto'; choice: BackendChoice } | undefined;
let wasmPathsSet = false;
/** Backend requests run one after another (a measurement takes a moment; requests may overlap). */
let backendQueue: Promise<unknown> = Promise.resolve();

async function chooseNow(wanted: BackendName | 'auto'): Promise<BackendChoice> {
  if (backend && backend.wanted === wanted) return backend.choice;
  // tfjs accepts the wasm file locations only before the wasm backend first starts.
  const wasmPaths = wasmPathsSet ? undefined : { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded };
  wasmPathsSet = true;
  const choice = await chooseBackend({ wasmPaths, override: wanted === 'auto' ? undefined : wanted });
  backend = { wanted, choice };
  server.notify({ type: 'backend', choice });
  return choice;
}

function ensureBackend(wanted: BackendName | 'auto'): Promise<BackendChoice> {
  const next = backendQueue.then(() => chooseNow(wanted));
  backendQueue = next.catch(() => undefined);
  return next;
}

/** How often the member in training is checkpointed for a reload (at most; only on a new best epoch). */
const CHECKPOINT_EVERY_MS = 3000;

const loaded = new Map<string, LoadedModel>();

// Progress is throttled by the transport (one message per TRAIN_PROGRESS_MS, and the last one
// before each epoch's metrics): a batch takes ~10 ms, and a message per batch re-rendered the cell
// ~100 times a second on the page's thread.
/**
 * Four progress messages a second are enough for a bar and an ETA. At the transport's default ten,
 * postMessage from the progress report was 6 % of the training worker's CPU profile (LSTM, NTNU
 * 10 s, loaded machine), and each message re-renders the Train cell on the page's thread.
 */
const TRAIN_PROGRESS_MS = 250;

const server = serve<TrainApi, TrainNotice>({
  backend: ({ backend: wanted }) => ensureBackend(wanted),

  predict: async (m) => {
    await ensureBackend(m.backend);
    let model = loaded.get(m.key);
    if (!model) {
      model = await loadSavedModel(m.saved);
      loaded.set(m.key, model);
    }
    const probabilities = predictProbabilities(model.network, { x: m.x, sampleShape: m.sampleShape });
    return withTransfer(probabilities, [probabilities.buffer as ArrayBuffer]);
  },

  'cross-validate': async (m, ctx) => {
    const dataset = ctx.dataset(m.datasetId);
    const choice = await ensureBackend(m.backend);
    let run = 0;
    const result = await crossValidateClassifier(dataset, {
      ...m.options,
      cancel: ctx.cancel,
      onEpoch: (metrics) => ctx.event({ type: 'epoch', member: run, metrics }),
      onProgress: (progress) => ctx.progress({ member: run, progress }),
      onRun: (r, done, total) => {
        run = done;
        ctx.event({ type: 'cv-run', run: r, done, total });
      },
    });
    return { result, backend: choice.name };
  },

  train: async (m, ctx) => {
    const ds = ctx.dataset(m.datasetId);
    const choice = await ensureBackend(m.backend);
    let member = 0;
    const saved: SavedModel[] = [];
    const settings = resolveTrainingSettings(m.options);
    const result = await trainEnsemble(ds, {
      ...m.options,
      // Members are serialised in onMember, then disposed by trainEnsemble.
      keepMembers: false,
      cancel: ctx.cancel,
      onEpoch: (metrics) => ctx.event({ type: 'epoch', member, metrics }),
      onProgress: (progress) => ctx.progress({ member, progress }),
      // Each member is serialised as soon as it is tested, so the page can keep it even if the
      // run is later cancelled or the page reloaded.
      // The member in training is also checkpointed (its best weights so far, tested) every few
      // seconds, so a reload does not lose a long single model either.
      checkpoint: {
        everyMs: CHECKPOINT_EVERY_MS,
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
}, { progressIntervalMs: TRAIN_PROGRESS_MS });
