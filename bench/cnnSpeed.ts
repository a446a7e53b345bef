/**
 * CNN training time per 1000 crops through the lab's own path — the networks of cnn.ts trained by
 * trainNetwork (loop.ts) — on random 1 × 128 × 128 crops, batch 32. Shared by bench/cnn.ts (Node)
 * and bench/cnnEntry.ts (headless Chromium), so both columns time the same thing; no Node imports.
 *
 * A pass is one epoch of `batches` × 32 samples; the first is a warm-up (wasm kernel set-up, the
 * first conv plans), then the median of `passes` epochs, each from the loop's own `epochMs`.
 * bench/cnn_reference.py times PyTorch the same way (same pass size, same warm-up rule).
 */
import * as tf from '@tensorflow/tfjs';
import { buildTorontoCnn, buildVggCnn } from '../src/core/models/cnn';
import { trainNetwork } from '../src/core/models/loop';
import type { Network } from '../src/core/models/network';
import { createRng } from '../src/core/random';
import { backendMemory } from '../src/core/models/tfBackend';

export const CNN_PRESETS = ['laptop', 'desktop', 'toronto'] as const;
export type CnnPreset = (typeof CNN_PRESETS)[number];
export const CROP_SIZE = 128;
export const BATCH = 32;

export interface CnnSpeedOptions {
  /** Timed passes after the warm-up pass. */
  passes: number;
  /** Batches of 32 per pass. */
  batches: number;
  classes: number;
  /** Process CPU time in ms, where there is one (Node's process.cpuUsage); the browser has none. */
  cpuNowMs?: () => number;
}

export interface CnnSpeed {
  preset: CnnPreset;
  backend: string;
  /** Median wall seconds per 1000 crops over the timed passes. */
  secPer1000: number;
  minSecPer1000: number;
  passesSecPer1000: number[];
  /** Median process CPU seconds per 1000 crops (Node only). */
  cpuSecPer1000?: number;
  cropsPerPass: number;
  /** The WebGL renderer string (browser, webgl backend): "SwiftShader" means software. */
  renderer?: string;
  /** Tensors left after training and disposing the network (should be 0). */
  leakedTensors: number;
  /**
   * The wasm backend's memory after this preset trained (wasm only): the heap grows to the
   * largest step's need and never shrinks, so this is the most training has needed in this
   * process (page) so far — run presets smallest first. The goal: ≤ 400 MB for a worker.
   */
  wasmHeapMB?: number;
}

export function buildBenchCnn(preset: CnnPreset, nClasses: number): Network {
  const input = { nBands: CROP_SIZE, nFrames: CROP_SIZE, nClasses, seed: 1 };
  return preset === 'toronto' ? buildTorontoCnn(input) : buildVggCnn({ ...input, size: preset });
}

// Python's statistics.median (mean of the middle two for an even count), as cnn_reference.py reports.
const median = (a: readonly number[]): number => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Train `preset` on random crops for 1 + `passes` epochs and time the epochs after the first. */
export async function timeCnnTraining(preset: CnnPreset, o: CnnSpeedOptions): Promise<CnnSpeed> {
  const n = o.batches * BATCH;
  const per = CROP_SIZE * CROP_SIZE;
  const rng = createRng(7);
  // Values do not change the work of a dense conv net; roughly z-scored, like real inputs.
  const x = new Float32Array(n * per);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng() - 1;
  const y = Int32Array.from({ length: n }, (_, i) => i % o.classes);
  const before = tf.memory().numTensors;
  const net = buildBenchCnn(preset, o.classes);
  const wall: number[] = [];
  const cpu: number[] = [];
  let c0 = o.cpuNowMs?.() ?? 0;
  try {
    await trainNetwork(net, { x, y, sampleShape: [CROP_SIZE, CROP_SIZE, 1] }, {
      epochs: o.passes + 1,
      batchSize: BATCH,
      seed: 1,
      onEpoch: (m) => {
        const c1 = o.cpuNowMs?.() ?? 0;
        // epochMs / n = ms per crop = s per 1000 crops.
        if (m.epoch > 1) {
          wall.push(m.epochMs / n);
          cpu.push((c1 - c0) / n);
        }
        c0 = c1;
      },
    });
  } finally {
    net.dispose();
  }
  return {
    preset,
    backend: tf.getBackend(),
    secPer1000: median(wall),
    minSecPer1000: Math.min(...wall),
    passesSecPer1000: wall,
    ...(o.cpuNowMs ? { cpuSecPer1000: median(cpu) } : {}),
    cropsPerPass: n,
    leakedTensors: tf.memory().numTensors - before,
    ...(backendMemory().wasmHeapBytes !== undefined ? { wasmHeapMB: backendMemory().wasmHeapBytes! / (1024 * 1024) } : {}),
  };
}
