/**
 * Browser side of bench/classifyCnn.ts: one clip classified by a saved CNN the way Classify does
 * it — log-mel (what the spectrogram worker runs), crops, predict on wasm (what the training
 * worker runs), the vote — timed stage by stage on the page's thread, then occlusion saliency over
 * every crop, then the chart's pixels. Worker messaging is not included (a copy of ~1 MB each way).
 */
import { computeLogMel, type LogMel } from '../src/core/features/logMel';
import { gradCamMaps } from '../src/core/models/gradCam';
import { CLIP_SALIENCY_PATCH, logMelOptionsOf, occlusionOverCrops, spectrogramCropInputs, summarizePrediction, type ClassifyInputs } from '../src/core/models/classifyAudio';
import { isSpectrogramInput, type SpectrogramInputSpec } from '../src/core/models/inputSpec';
import { predictProbabilities } from '../src/core/models/predict';
import { importModelFiles, loadSavedModel } from '../src/core/models/saved';
import { chooseBackend } from '../src/core/models/tfBackend';
import { spectrogramPixels } from '../src/ui/charts/spectrogramImage';

const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const blobUrl = (b64: string) => URL.createObjectURL(new Blob([bytesOf(b64)], { type: 'application/wasm' }));

export interface ClassifyCnnSetup {
  backend: string;
  crops: number;
}

/** The stages of one classification (run in this order by bench/classifyCnn.ts). */
export type ClassifyStage = 'logMel' | 'crops' | 'predict';

export interface ClassifyCnnExtras {
  saliencyMs: number;
  /** Grad-CAM over every crop (all crops in one batch). */
  gradCamMs: number;
  pixelsMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

type Loaded = { spec: SpectrogramInputSpec; network: Awaited<ReturnType<typeof loadSavedModel>>['network']; samples: Float32Array; mel?: LogMel; inputs: ClassifyInputs; vote: string };
let loaded: Loaded | undefined;

const describe = (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) });

// One call per stage (not a loop inside the page) so the Node side can read the
// renderer's main-thread CPU time around each (CDP Performance.getMetrics ThreadTime): on a
// loaded machine wall time measures the queue for the cores, CPU time the work.
(globalThis as unknown as { genreBench: unknown }).genreBench = {
  async setup(wasm: Record<string, string>, model: { modelJson: string; weightsB64: string; metadataJson: string }, samplesB64: string): Promise<ClassifyCnnSetup | { error: string }> {
    try {
      const choice = await chooseBackend({ override: 'wasm', wasmPaths: Object.fromEntries(Object.entries(wasm).map(([k, v]) => [k, blobUrl(v)])) });
      const w = bytesOf(model.weightsB64);
      const saved = importModelFiles({ modelJson: model.modelJson, weightsBin: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength), metadataJson: model.metadataJson });
      const spec = saved.metadata.input;
      if (!isSpectrogramInput(spec)) return { error: 'the model does not read spectrograms' };
      const { network } = await loadSavedModel(saved);
      const b = bytesOf(samplesB64);
      const samples = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      const inputs = spectrogramCropInputs(spec, computeLogMel(samples, logMelOptionsOf(spec)));
      loaded = { spec, network, samples, inputs, vote: '' };
      return { backend: choice.name, crops: inputs.units.length };
    } catch (e) {
      return describe(e);
    }
  },
  /**
   * One stage of a classification as Classify does it — log-mel (the spectrogram worker), crops,
   * predict + vote (the training worker) — returning its wall ms and, for 'predict', the vote.
   */
  stage(name: ClassifyStage): { ms: number; vote?: string } | { error: string } {
    try {
      const l = loaded as Loaded;
      const t0 = performance.now();
      if (name === 'logMel') l.mel = computeLogMel(l.samples, logMelOptionsOf(l.spec));
      else if (name === 'crops') l.inputs = spectrogramCropInputs(l.spec, l.mel as LogMel);
      else {
        const p = predictProbabilities(l.network, { x: Float32Array.from(l.inputs.x), sampleShape: [...l.inputs.sampleShape] });
        l.vote = summarizePrediction(l.spec.genres, l.inputs.units, p).voteGenre;
      }
      return { ms: performance.now() - t0, vote: name === 'predict' ? l.vote : undefined };
    } catch (e) {
      return describe(e);
    }
  },
  /** Occlusion saliency over every crop, Grad-CAM over every crop, then the chart's pixels (median of `reps`). */
  async extras(reps: number): Promise<ClassifyCnnExtras | { error: string }> {
    try {
      const l = loaded as Loaded;
      const predict = async (x: { x: ArrayLike<number>; sampleShape: readonly number[] }) => Float64Array.from(predictProbabilities(l.network, { x: Float32Array.from(x.x), sampleShape: [...x.sampleShape] }));
      const s0 = performance.now();
      await occlusionOverCrops({ predict }, l.inputs, l.spec.genres.indexOf(l.vote), CLIP_SALIENCY_PATCH);
      const saliencyMs = performance.now() - s0;
      const [nBands, cropFrames] = l.inputs.sampleShape as [number, number];
      const g0 = performance.now();
      gradCamMaps(l.network, Float32Array.from(l.inputs.x), nBands, cropFrames, l.spec.genres.indexOf(l.vote));
      const gradCamMs = performance.now() - g0;
      const m = computeLogMel(l.samples, logMelOptionsOf(l.spec));
      const px: number[] = [];
      for (let r = 0; r < reps; r++) {
        const p0 = performance.now();
        spectrogramPixels(m.db, m.nBands, m.nFrames);
        px.push(performance.now() - p0);
      }
      return { saliencyMs, gradCamMs, pixelsMs: median(px) };
    } catch (e) {
      return describe(e);
    }
  },
};
