/**
 * The training worker's requests on a spectrogram set, through the real transport (a
 * MessageChannel running serve() with trainHandlers): the set is sent once by id for a training and
 * a cross-validation, the result carries per-crop and per-track accuracy and a saved model with a
 * spectrogram InputSpec, checkpoints arrive, and no tensor is left behind in the worker's tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../node/tfNode';
import type { SpectrogramSet } from '../core/data/spectrogramSet';
import type { QuantisedLogMel } from '../core/features/logMel';
import type { BackendChoice } from '../core/models/tfBackend';
import type { TrainApi, TrainEvent } from './protocol';
import { channelWorker, type ChannelWorker } from './testChannel';
import { trainHandlers } from './trainHandlers';
import { WorkerClient } from './transport';
import type { HeldData } from './wire';

let choice: BackendChoice;
beforeAll(async () => {
  choice = await initNodeBackend('wasm');
});

const workers: ChannelWorker[] = [];
afterEach(() => {
  for (const w of workers.splice(0)) for (const p of w.ports) p.close();
});

/**
 * Two genres told apart by loudness: genre a's matrices sit at byte 40, genre b's at byte 200 (a
 * set any CNN separates), 64 bands × 80 frames, 6 tracks per genre, with the id the page gives it.
 */
function twoLevelSet(): HeldData {
  const nFrames = 80;
  const genres = ['a', 'b'];
  const tracks = genres.flatMap((g, label) =>
    Array.from({ length: 6 }, (_, j) => {
      const bytes = new Uint8Array(64 * nFrames);
      // A little texture per track, so the per-band std is not zero.
      for (let i = 0; i < bytes.length; i++) bytes[i] = (label ? 200 : 40) + ((i * 7 + j * 13) % 11);
      const mel: QuantisedLogMel = { bytes, maxDb: 0, rangeDb: 80, nBands: 64, nFrames };
      return { trackId: `${g}.${String(j).padStart(5, '0')}`, label, mel };
    }),
  );
  const set: SpectrogramSet = { kind: 'spectrograms', name: 'two levels', genres, tracks, params: { sampleRateHz: 22050, nFft: 2048, hopSamples: 512, padMode: 'constant', nBands: 64, ref: 'max', topDb: 80 }, failed: [] };
  return { ...set, id: 'spectrograms:two-levels' };
}

function client() {
  const handlers = trainHandlers({ ensureBackend: async () => choice, checkpointEveryMs: 0 });
  return new WorkerClient<TrainApi>(
    () => {
      const w = channelWorker<TrainApi>(handlers);
      workers.push(w);
      return w;
    },
    { name: 'The training worker', cancel: 'message' },
  );
}

describe('training worker on a spectrogram set', () => {
  it('trains and cross-validates a CNN sent once by id, reports per-crop and per-track accuracy, and leaves no tensor', async () => {
    const set = twoLevelSet();
    const c = client();
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const options = { kind: 'toronto-cnn' as const, seed: 0, epochs: 4, batchSize: 8, split: { kind: 'random' as const, testFraction: 1 / 3, seed: 0 }, cnn: { cropFrames: 32, cropsPerTrack: 2 } };
    const out = await c.request('train', { datasetId: set.id, options: { ...options, members: 1 }, backend: 'wasm' }, { datasets: [set], onEvent: (e) => events.push(e) }).promise;
    // 4 test tracks of 80 frames: ⌊80 / 32⌋ = 2 non-overlapping crops each.
    expect(out.result.members[0]!.cropAccuracy).toBeDefined();
    expect(out.result.trackIds).toHaveLength(4);
    // Loudness 40 vs 200 of 255 apart: every test track right (a real check — chance is 50 %).
    expect(out.result.meanAccuracy).toBe(1);
    expect(out.saved).toHaveLength(1);
    const spec = out.saved[0]!.metadata.input as { input: string; spectrogram?: { cropFrames: number; nBands: number } };
    expect(spec.input).toBe('spectrogram-crops');
    expect(spec.spectrogram).toMatchObject({ cropFrames: 32, nBands: 64 });
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(4);
    expect(events.some((e) => e.type === 'checkpoint')).toBe(true);

    const cv = await c.request('cross-validate', { datasetId: set.id, options: { ...options, epochs: 2, folds: 2 }, backend: 'wasm' }, { datasets: [set] }).promise;
    expect(cv.result.runs).toHaveLength(2);
    expect(cv.result.meanCropAccuracy).toBeDefined();
    // The set went to the worker once for both requests.
    expect(workers[0]!.received.filter((m) => m.t === 'dataset')).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
