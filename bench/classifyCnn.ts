/**
 * `npm run bench -- classify-cnn`: classifying one 30 s GTZAN clip with the laptop CNN in headless
 * Chromium (wasm), as Classify does it (bench/classifyCnnEntry.ts): spectrogram + crops + predict
 * + vote against the goal of 300 ms, and occlusion saliency separately (same goal; 64 occluded
 * copies per crop, so far above it). The model is the e2e fixture (e2e/fixtures/cnn-laptop). No
 * reference library classifies this way, so the lines carry the goal only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { CLIP_SALIENCY_PATCH } from '../src/core/models/classifyAudio';
import { readAudioFile } from '../src/node/audioFiles';
import { sharedPath } from '../src/node/paths';
import { nodeWasmDir } from '../src/node/tfNode';
import { openBenchPage } from './browser';
import type { ClassifyCnnTimes } from './classifyCnnEntry';
import { log, report } from './report';

const GOAL_MS = 300;
const REPS = 5;
const here = fileURLToPath(new URL('.', import.meta.url));

export async function runClassifyCnnBench(): Promise<void> {
  const clip = sharedPath('data', 'gtzan', 'genres_original', 'rock', 'rock.00001.wav');
  if (!clip) return log('classify-cnn: skipped (../shared/data/gtzan/genres_original/rock/rock.00001.wav not found next to the repo root)');
  const fixture = join(here, '..', 'e2e', 'fixtures', 'cnn-laptop');
  const model = {
    modelJson: readFileSync(join(fixture, 'model.json'), 'utf8'),
    weightsB64: readFileSync(join(fixture, 'weights.bin')).toString('base64'),
    metadataJson: readFileSync(join(fixture, 'metadata.json'), 'utf8'),
  };
  const audio = await readAudioFile(clip);
  const samplesB64 = Buffer.from(audio.samples.buffer, audio.samples.byteOffset, audio.samples.byteLength).toString('base64');
  const dir = fileURLToPath(nodeWasmDir());
  const wasm = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
  const b = await openBenchPage('bench/classifyCnnEntry.ts');
  if (!b) return;
  let r: ClassifyCnnTimes | { error: string };
  try {
    r = (await b.page.evaluate(
      ([w, m, s, reps]) => (globalThis as unknown as { genreBench: { timeClassifyCnn: (...a: unknown[]) => Promise<ClassifyCnnTimes | { error: string }> } }).genreBench.timeClassifyCnn(w, m, s, reps),
      [wasm, model, samplesB64, REPS] as const,
    )) as ClassifyCnnTimes | { error: string };
  } finally {
    await b.close();
  }
  if ('error' in r) return log(`classify-cnn: browser run failed: ${r.error}`);
  const base = { part: 'classify-cnn' as const, unit: 'ms' as const, reference: null, referenceName: 'none (goal only)', referenceKind: 'measured' as const };
  const secs = (audio.samples.length / 22050).toFixed(1);
  report({
    ...base,
    what: `one ${secs} s clip, laptop CNN, browser ${r.backend}: log-mel + ${r.crops} crops + predict + vote (median of ${REPS})`,
    ours: r.totalMs,
    goal: { maxOurs: GOAL_MS },
    note: `log-mel ${r.logMelMs.toFixed(0)} ms, crops ${r.cropsMs.toFixed(1)} ms, predict + vote ${r.predictMs.toFixed(0)} ms; vote ${r.vote}; load ${loadavg()[0]!.toFixed(2)}`,
  });
  report({ ...base, what: `saliency (occlusion, ${CLIP_SALIENCY_PATCH.patchBands} × ${CLIP_SALIENCY_PATCH.patchFrames} patches, every crop) for "${r.vote}"`, ours: r.saliencyMs, goal: { maxOurs: GOAL_MS }, note: `${r.crops} crops × ${(128 / CLIP_SALIENCY_PATCH.patchBands) * (128 / CLIP_SALIENCY_PATCH.patchFrames)} patches` });
  report({ ...base, what: 'spectrogram chart pixels, 128 bands × the clip (canvas ImageData)', ours: r.pixelsMs, note: 'the canvas putImageData adds ~1 ms' });
}
