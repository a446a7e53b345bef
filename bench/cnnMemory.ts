/**
 * Memory of CNN training on a 1000-track spectrogram set (the issue's ≤ 400 MB goal for a worker):
 * 1000 GTZAN-sized matrices (128 bands × 1293 frames, uint8 as the set stores them; random bytes,
 * since only the sizes matter here), the laptop small VGG, 4 random crops per track per epoch,
 * batch 32. Training is cancelled after a few batches (each batch's crops are made on the fly, so
 * later batches hold no more); the peak RSS and the parts of it are printed.
 *
 *   npx tsx bench/cnnMemory.ts [tracks=1000] [batches=4]
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core/random';
import type { SpectrogramSet } from '../src/core/data/spectrogramSet';
import { buildVggCnn } from '../src/core/models/cnn';
import { trainNetwork } from '../src/core/models/loop';
import { randomCropSource, spectrogramSpecFor } from '../src/core/models/spectrogramTrain';
import { initNodeBackend } from '../src/node/tfNode';

const MB = 1024 * 1024;
const nTracks = Number(process.argv[2] ?? 1000);
const nBatches = Number(process.argv[3] ?? 4);

async function main(): Promise<void> {
  await initNodeBackend('wasm');
  const base = process.memoryUsage().rss;
  const rng = createRng(1);
  const nBands = 128;
  const nFrames = 1293;
  const set: SpectrogramSet = {
    kind: 'spectrograms',
    name: 'synthetic sizes',
    genres: Array.from({ length: 10 }, (_, g) => `g${g}`),
    tracks: Array.from({ length: nTracks }, (_, i) => {
      const bytes = new Uint8Array(nBands * nFrames);
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rng() * 256);
      return { trackId: `g${i % 10}.${String(i).padStart(5, '0')}`, label: i % 10, mel: { bytes, maxDb: 0, rangeDb: 80, nBands, nFrames } };
    }),
    params: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands, ref: 'max', topDb: 80 },
    failed: [],
  };
  const afterSet = process.memoryUsage().rss;
  const train = Array.from({ length: nTracks }, (_, i) => i);
  const spec = spectrogramSpecFor(set, train, 128);
  const net = buildVggCnn({ nBands, nFrames: 128, nClasses: 10, seed: 0, size: 'laptop' });
  let peak = process.memoryUsage().rss;
  const cancel = { cancelled: false };
  const t0 = performance.now();
  try {
    await trainNetwork(net, randomCropSource(set, train, spec, 4, 0), {
      epochs: 1,
      batchSize: 32,
      seed: 0,
      cancel,
      onProgress: (p) => {
        peak = Math.max(peak, process.memoryUsage().rss);
        if (p.batch >= nBatches) cancel.cancelled = true;
      },
    });
  } catch {
    // Cancelled before the first epoch ended: expected.
  }
  const ms = (performance.now() - t0) / nBatches;
  net.dispose();
  console.log(
    JSON.stringify({
      tracks: nTracks,
      setBytesMB: (nTracks * nBands * nFrames) / MB,
      rssBaseMB: base / MB,
      rssAfterSetMB: afterSet / MB,
      rssPeakTrainingMB: peak / MB,
      tfBytesMB: tf.memory().numBytes / MB,
      msPerBatch: ms,
    }),
  );
}

void main();
