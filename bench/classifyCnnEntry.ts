/**
 * Browser side of bench/classifyCnn.ts: one clip classified by a saved CNN the way Classify does
 * it — log-mel (what the spectrogram worker runs), crops, predict on wasm (what the training
 * worker runs), the vote — timed stage by stage on the page's thread, then occlusion saliency over
 * every crop, then the chart's pixels. Worker messaging is not included (a copy of ~1 MB each way).
 */
import { computeLogMel } from '../src/core/features/logMel';
import { CLIP_SALIENCY_PATCH, logMelOptionsOf, occlusionOverCrops, spectrogramCropInputs, summarizePrediction } from '../src/core/models/classifyAudio';
import { isSpectrogramInput } from '../src/core/models/inputSpec';
import { predictProbabilities } from '../src/core/models/predict';
import { importModelFiles, loadSavedModel } from '../src/core/models/saved';
import { chooseBackend } from '../src/core/models/tfBackend';
import { spectrogramPixels } from '../src/ui/charts/spectrogramImage';

const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const blobUrl = (b64: string) => URL.createObjectURL(new Blob([bytesOf(b64)], { type: 'application/wasm' }));

export interface ClassifyCnnTimes {
  backend: string;
  crops: number;
  vote: string;
  /** Medians over the repetitions, ms. */
  logMelMs: number;
  cropsMs: number;
  predictMs: number;
  totalMs: number;
  saliencyMs: number;
  pixelsMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

(globalThis as unknown as { genreBench: unknown }).genreBench = {
  async timeClassifyCnn(wasm: Record<string, string>, model: { modelJson: string; weightsB64: string; metadataJson: string }, samplesB64: string, reps: number): Promise<ClassifyCnnTimes | { error: string }> {
    try {
      const choice = await chooseBackend({ override: 'wasm', wasmPaths: Object.fromEntries(Object.entries(wasm).map(([k, v]) => [k, blobUrl(v)])) });
      const w = bytesOf(model.weightsB64);
      const saved = importModelFiles({ modelJson: model.modelJson, weightsBin: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength), metadataJson: model.metadataJson });
      const spec = saved.metadata.input;
      if (!isSpectrogramInput(spec)) return { error: 'the model does not read spectrograms' };
      const { network } = await loadSavedModel(saved);
      const b = bytesOf(samplesB64);
      const samples = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      const t: Record<'logMel' | 'crops' | 'predict' | 'total', number[]> = { logMel: [], crops: [], predict: [], total: [] };
      let vote = '';
      let inputs = spectrogramCropInputs(spec, computeLogMel(samples, logMelOptionsOf(spec)));
      // One warm-up (wasm kernels, the first tensors), then `reps` timed runs.
      for (let r = 0; r <= reps; r++) {
        const t0 = performance.now();
        const m = computeLogMel(samples, logMelOptionsOf(spec));
        const t1 = performance.now();
        inputs = spectrogramCropInputs(spec, m);
        const t2 = performance.now();
        const p = predictProbabilities(network, { x: Float32Array.from(inputs.x), sampleShape: [...inputs.sampleShape] });
        vote = summarizePrediction(spec.genres, inputs.units, p).voteGenre;
        const t3 = performance.now();
        if (r === 0) continue;
        t.logMel.push(t1 - t0);
        t.crops.push(t2 - t1);
        t.predict.push(t3 - t2);
        t.total.push(t3 - t0);
      }
      const predict = async (x: { x: ArrayLike<number>; sampleShape: readonly number[] }) => Float64Array.from(predictProbabilities(network, { x: Float32Array.from(x.x), sampleShape: [...x.sampleShape] }));
      const s0 = performance.now();
      await occlusionOverCrops({ predict }, inputs, spec.genres.indexOf(vote), CLIP_SALIENCY_PATCH);
      const saliencyMs = performance.now() - s0;
      const m = computeLogMel(samples, logMelOptionsOf(spec));
      const px: number[] = [];
      for (let r = 0; r < reps; r++) {
        const p0 = performance.now();
        spectrogramPixels(m.db, m.nBands, m.nFrames);
        px.push(performance.now() - p0);
      }
      return { backend: choice.name, crops: inputs.units.length, vote, logMelMs: median(t.logMel), cropsMs: median(t.crops), predictMs: median(t.predict), totalMs: median(t.total), saliencyMs, pixelsMs: median(px) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },
};
