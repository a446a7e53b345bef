/// <reference lib="webworker" />
/**
 * Neural training and prediction off the main thread (the requests are trainHandlers.ts). The tfjs backend is chosen here, by
 * measurement (webgl, wasm, cpu) unless the user overrides it, and reported to the page. On a
 * cross-origin isolated page the picker also times tfjs's threaded wasm binary against the
 * single-threaded one (wasmThreads.ts lets its thread workers start from our bundle).
 * Training yields to the event loop every ~50 ms, so a cancel message stops it within a batch;
 * the best weights so far are kept and the (partial) result comes back as usual.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, type BackendChoice, type BackendName } from '../core/models/tfBackend';
import type { TrainApi, TrainNotice } from './protocol';
import { serve } from './serve';
import { trainHandlers } from './trainHandlers';
import { patchThreadedWasmFactory } from './wasmThreads';

patchThreadedWasmFactory();

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

// Progress is throttled by the transport (one message per TRAIN_PROGRESS_MS, and the last one
// before each epoch's metrics): a batch takes ~10 ms, and a message per batch re-rendered the cell
// ~100 times a second on the page's thread.
/**
 * Four progress messages a second are enough for a bar and an ETA. At the transport's default ten,
 * postMessage from the progress report was 6 % of the training worker's CPU profile (LSTM, NTNU
 * 10 s, loaded machine), and each message re-renders the Train cell on the page's thread.
 */
const TRAIN_PROGRESS_MS = 250;

const server = serve<TrainApi, TrainNotice>(trainHandlers({ ensureBackend }), { progressIntervalMs: TRAIN_PROGRESS_MS });
