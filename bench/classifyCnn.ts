/**
 * `npm run bench -- classify-cnn`: classifying one 30 s GTZAN clip with the laptop CNN in headless
 * Chromium (wasm), as Classify does it (bench/classifyCnnEntry.ts): spectrogram + crops + predict
 * + vote against the goal of 300 ms, and saliency separately (same goal): occlusion (64 occluded
 * copies per crop, so far above it) and Grad-CAM (two forward passes, one short backward pass).
 * The model is the e2e fixture (e2e/fixtures/cnn-laptop). No reference library classifies this
 * way, so the lines carry the goal only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { CLIP_SALIENCY_PATCH } from '../src/core/models/classifyAudio';
import { readAudioFile } from '../src/node/audioFiles';
import { sharedPath } from '../src/node/paths';
import { nodeWasmDir } from '../src/node/tfNode';
import { mainThreadCpuClock, openBenchPage } from './browser';
import type { ClassifyCnnExtras, ClassifyCnnSetup, ClassifyStage } from './classifyCnnEntry';
import { log, median, report } from './report';

const GOAL_MS = 300;
const REPS = 7;
/** The stages of one classification, in order (a type-only import: the entry module is browser code). */
const CLASSIFY_STAGES: readonly ClassifyStage[] = ['logMel', 'crops', 'predict'];
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
  type Bench = { genreBench: { setup: (...a: unknown[]) => Promise<ClassifyCnnSetup | { error: string }>; stage: (s: ClassifyStage) => { ms: number; vote?: string } | { error: string }; extras: (reps: number) => Promise<ClassifyCnnExtras | { error: string }> } };
  const wall: Record<ClassifyStage, number[]> = { logMel: [], crops: [], predict: [] };
  const cpu: Record<ClassifyStage, number[]> = { logMel: [], crops: [], predict: [] };
  const totalWall: number[] = [];
  const totalCpu: number[] = [];
  let setup: ClassifyCnnSetup | { error: string };
  let extras: ClassifyCnnExtras | { error: string } = { error: 'not run' };
  let vote = '';
  try {
    setup = await b.page.evaluate(([w, m, s]) => (globalThis as unknown as Bench).genreBench.setup(w, m, s), [wasm, model, samplesB64] as const);
    // Everything here runs on the page's main thread (wasm without threads), so its CPU time is the work.
    const threadMs = await mainThreadCpuClock(b.page);
    // One warm-up (wasm kernels, the first tensors), then `REPS` timed runs.
    for (let r = 0; !('error' in setup) && r <= REPS; r++) {
      let w = 0;
      let c = 0;
      for (const stage of CLASSIFY_STAGES) {
        const c0 = await threadMs();
        const res = await b.page.evaluate((s) => (globalThis as unknown as Bench).genreBench.stage(s), stage);
        const dc = (await threadMs()) - c0;
        if ('error' in res) throw new Error(res.error);
        if (res.vote) vote = res.vote;
        if (r === 0) continue;
        wall[stage].push(res.ms);
        cpu[stage].push(dc);
        w += res.ms;
        c += dc;
      }
      if (r > 0) {
        totalWall.push(w);
        totalCpu.push(c);
      }
    }
    if (!('error' in setup)) extras = await b.page.evaluate((reps) => (globalThis as unknown as Bench).genreBench.extras(reps), REPS);
  } catch (e) {
    setup = { error: e instanceof Error ? e.message : String(e) };
  } finally {
    await b.close();
  }
  if ('error' in setup) return log(`classify-cnn: browser run failed: ${setup.error}`);
  const base = { part: 'classify-cnn' as const, unit: 'ms' as const, reference: null, referenceName: 'none (goal only)', referenceKind: 'measured' as const };
  const secs = (audio.samples.length / 22050).toFixed(1);
  const stages = (x: Record<ClassifyStage, number[]>) => `log-mel ${median(x.logMel).toFixed(0)} ms, crops ${median(x.crops).toFixed(1)} ms, predict + vote ${median(x.predict).toFixed(0)} ms`;
  const load = loadavg()[0]!.toFixed(2);
  const what = `one ${secs} s clip, laptop CNN, browser ${setup.backend}: log-mel + ${setup.crops} crops + predict + vote`;
  report({ ...base, what: `${what} (wall, median of ${REPS})`, ours: median(totalWall), goal: { maxOurs: GOAL_MS }, note: `${stages(wall)}; vote ${vote}; load ${load}` });
  report({ ...base, what: `${what} (main-thread CPU, median of ${REPS})`, ours: median(totalCpu), goal: { maxOurs: GOAL_MS }, note: `${stages(cpu)}; what a quiet machine's wall time would be` });
  if ('error' in extras) return log(`classify-cnn: saliency/pixels failed: ${extras.error}`);
  const r = extras;
  report({ ...base, what: `saliency (occlusion, ${CLIP_SALIENCY_PATCH.patchBands} × ${CLIP_SALIENCY_PATCH.patchFrames} patches, every crop) for "${vote}"`, ours: r.saliencyMs, goal: { maxOurs: GOAL_MS }, note: `${setup.crops} crops × ${(128 / CLIP_SALIENCY_PATCH.patchBands) * (128 / CLIP_SALIENCY_PATCH.patchFrames)} patches` });
  report({ ...base, what: `saliency (Grad-CAM on the last feature maps, every crop) for "${vote}"`, ours: r.gradCamMs, goal: { maxOurs: GOAL_MS }, note: `${setup.crops} crops, two forward passes + the backward pass above the maps; load ${loadavg()[0]!.toFixed(2)}` });
  report({ ...base, what: 'spectrogram chart pixels, 128 bands × the clip (canvas ImageData)', ours: r.pixelsMs, note: 'the canvas putImageData adds ~1 ms' });
}
