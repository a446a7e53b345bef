/// <reference lib="webworker" />
/**
 * Worker side of bench/threads.ts: in a dedicated worker of a cross-origin isolated page (as the
 * app's training worker), restart tfjs-backend-wasm on the binary asked for and time one task on
 * it. Bundled by Vite into a classic-worker IIFE; the .wasm files come from the bench's server.
 */
import * as tf from '@tensorflow/tfjs';
import { configureWasm, measureActive, readWasmInfo, restartWasm } from '../src/core/models/tfBackend';
import { buildSequenceModel } from '../src/core/models/sequence';
import { trainNetwork } from '../src/core/models/loop';
import { createRng } from '../src/core/random';
import { patchThreadedWasmFactory } from '../src/workers/wasmThreads';
import { timeCnnTraining, type CnnPreset } from './cnnSpeed';

export type ThreadsTask = 'step' | 'lstm' | `cnn-${CnnPreset}`;

export interface ThreadsRequest {
  wasmPrefix: string;
  binary: 'simd' | 'threaded-simd';
  task: ThreadsTask;
  /** Timed passes (epochs) after a warm-up one; repetitions for 'step'. */
  passes: number;
}

export interface ThreadsResult {
  binary: string;
  threads: number;
  /** Median wall ms of the timed passes (per 1000 crops for the CNN, per epoch for the LSTM, per step for 'step'). */
  medianMs: number;
  passesMs: number[];
  /** The LSTM's training loss after the last epoch (same seed and data on both binaries). */
  finalLoss?: number;
}

/** NTNU 10 s table shape: 792 training tracks × 3 segments × 63 features, 10 genres (values do not change the work). */
async function timeLstm(passes: number): Promise<{ passesMs: number[]; finalLoss: number }> {
  const [n, T, F] = [792, 3, 63];
  const rng = createRng(3);
  const x = Float32Array.from({ length: n * T * F }, () => 2 * rng() - 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  const net = buildSequenceModel({ kind: 'lstm', steps: T, nFeatures: F, nClasses: 10, seed: 0 });
  try {
    const r = await trainNetwork(net, { x, y, sampleShape: [T, F] }, { epochs: passes + 1, batchSize: 32, seed: 0 });
    return { passesMs: r.history.slice(1).map((h) => h.epochMs), finalLoss: r.history.at(-1)!.trainLoss };
  } finally {
    net.dispose();
  }
}

const median = (a: readonly number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

patchThreadedWasmFactory();
let configured = false;

self.onmessage = async (e: MessageEvent<ThreadsRequest>) => {
  const q = e.data;
  try {
    if (!configured) configureWasm(q.wasmPrefix);
    configured = true;
    if (!(await restartWasm(q.binary === 'threaded-simd'))) throw new Error(`the ${q.binary} binary did not start`);
    const info = await readWasmInfo();
    if (info.binary !== q.binary) throw new Error(`asked for ${q.binary}, running ${info.binary}`);
    let passesMs: number[];
    let finalLoss: number | undefined;
    if (q.task === 'step') passesMs = [await measureActive(q.passes)];
    else if (q.task === 'lstm') ({ passesMs, finalLoss } = await timeLstm(q.passes));
    else {
      const r = await timeCnnTraining(q.task.slice(4) as CnnPreset, { passes: q.passes, batches: 4, classes: 10 });
      passesMs = r.passesSecPer1000.map((s) => s * 1000);
    }
    const out: ThreadsResult = { binary: info.binary, threads: info.threads, medianMs: median(passesMs), passesMs, ...(finalLoss !== undefined ? { finalLoss } : {}) };
    if (tf.memory().numTensors !== 0) throw new Error(`${tf.memory().numTensors} tensors left`);
    postMessage(out);
  } catch (err) {
    postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};
