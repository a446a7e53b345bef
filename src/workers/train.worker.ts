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
import type { Dataset } from '../core/data/dataset';
import { toErrorInfo } from '../core/errors';
import { crossValidateClassifier } from '../core/models/crossValidate';
import { trainEnsemble } from '../core/models/ensemble';
import { resolveTrainingSettings } from '../core/models/settings';
import { loadSavedModel, serializeClassifier, type LoadedModel, type SavedModel } from '../core/models/saved';
import { chooseBackend, type BackendChoice, type BackendName } from '../core/models/tfBackend';
import { predictProbabilities } from '../core/models/predict';
import type { TrainProgress } from '../core/models/loop';
import type { TrainRequest, TrainResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;
const post = (m: TrainResponse, transfer: Transferable[] = []) => self.postMessage(m, transfer);

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
  post({ type: 'backend', choice });
  return choice;
}

function ensureBackend(wanted: BackendName | 'auto'): Promise<BackendChoice> {
  const next = backendQueue.then(() => chooseNow(wanted));
  backendQueue = next.catch(() => undefined);
  return next;
}

/** How often the member in training is checkpointed for a reload (at most; only on a new best epoch). */
const CHECKPOINT_EVERY_MS = 3000;

const cancels = new Map<number, { cancelled: boolean }>();
const loaded = new Map<string, LoadedModel>();

self.onmessage = async (ev: MessageEvent<TrainRequest>) => {
  const m = ev.data;
  if (m.type === 'cancel') {
    const c = cancels.get(m.runId);
    if (c) c.cancelled = true;
    return;
  }
  if (m.type === 'backend') {
    try {
      await ensureBackend(m.backend);
    } catch (e) {
      post({ type: 'error', runId: -1, error: toErrorInfo(e) });
    }
    return;
  }
  if (m.type === 'predict') {
    try {
      await ensureBackend(m.backend);
      let model = loaded.get(m.key);
      if (!model) {
        model = await loadSavedModel(m.saved);
        loaded.set(m.key, model);
      }
      const probabilities = predictProbabilities(model.network, { x: m.x, sampleShape: m.sampleShape });
      post({ type: 'predicted', runId: m.runId, probabilities }, [probabilities.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', runId: m.runId, error: toErrorInfo(e) });
    }
    return;
  }
  if (m.type === 'cross-validate') {
    const token = { cancelled: false };
    cancels.set(m.runId, token);
    try {
      const choice = await ensureBackend(m.backend);
      let run = 0;
      const throttle = progressThrottle();
      const result = await crossValidateClassifier(m.dataset, {
        ...m.options,
        cancel: token,
        onEpoch: (metrics) => post({ type: 'epoch', runId: m.runId, member: run, metrics }),
        onProgress: (p) => throttle(p) && post({ type: 'progress', runId: m.runId, member: run, progress: p }),
        onRun: (r, done, total) => {
          run = done;
          post({ type: 'cv-run', runId: m.runId, run: r, done, total });
        },
      });
      post({ type: 'cv-done', runId: m.runId, result, backend: choice.name });
    } catch (e) {
      post({ type: 'error', runId: m.runId, error: toErrorInfo(e) });
    } finally {
      cancels.delete(m.runId);
    }
    return;
  }
  // train
  const token = { cancelled: false };
  cancels.set(m.runId, token);
  try {
    const choice = await ensureBackend(m.backend);
    const ds: Dataset = m.dataset;
    let member = 0;
    const saved: SavedModel[] = [];
    const throttle = progressThrottle();
    const settings = resolveTrainingSettings(m.options);
    const result = await trainEnsemble(ds, {
      ...m.options,
      // Members are serialised in onMember, then disposed by trainEnsemble.
      keepMembers: false,
      cancel: token,
      onEpoch: (metrics) => post({ type: 'epoch', runId: m.runId, member, metrics }),
      onProgress: (p) => throttle(p) && post({ type: 'progress', runId: m.runId, member, progress: p }),
      // Each member is serialised as soon as it is tested, so the page can keep it even if the
      // run is later cancelled or the page reloaded.
      // The member in training is also checkpointed (its best weights so far, tested) every few
      // seconds, so a reload does not lose a long single model either.
      checkpoint: {
        everyMs: CHECKPOINT_EVERY_MS,
        save: async (i, c) => {
          const s = await serializeClassifier(c, { backend: choice.name, training: { ...settings, stoppedAtEpoch: c.train.weightsFromEpoch } });
          post({ type: 'checkpoint', runId: m.runId, member: i, epoch: c.train.weightsFromEpoch, epochs: settings.epochs, saved: s, teacherOf: c.teacherOf });
        },
      },
      onMember: async (i, summary, c) => {
        member = i + 1;
        const s = await serializeClassifier(c, { backend: choice.name, training: settings });
        saved.push(s);
        post({ type: 'member', runId: m.runId, summary, saved: s });
      },
    });
    const { classifiers: _drop, ...plain } = result;
    void _drop;
    post({ type: 'done', runId: m.runId, result: plain, saved, backend: choice.name });
  } catch (e) {
    post({ type: 'error', runId: m.runId, error: toErrorInfo(e) });
  } finally {
    cancels.delete(m.runId);
  }
};

/**
 * Progress at most every 100 ms (and at each epoch's end): a batch takes ~10 ms, and a message
 * per batch re-rendered the cell ~100 times a second on the page's thread.
 */
function progressThrottle(): (p: TrainProgress) => boolean {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 100 && p.batch < p.batchesPerEpoch) return false;
    last = now;
    return true;
  };
}
