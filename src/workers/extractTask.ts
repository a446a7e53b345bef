/**
 * What an extraction worker does with one request (extract.worker.ts serves it; tests serve it over
 * a MessageChannel). WAV bytes are parsed here with our own reader (exactly librosa's int16/32768
 * scaling) and resampled if needed; other formats arrive already decoded by Web Audio on the page
 * (mono, 22 050 Hz). A dropped file arrives as itself (a Blob): reading, hashing and the feature
 * cache's lookup and write happen here, so a big folder costs the page's main thread nothing per file.
 */
import { checkFeatureRows } from '../core/audio/batch';
import { checkMonoSamples, decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { isRiffWave, looksLikeWav } from '../core/audio/wav';
import { LabError } from '../core/errors';
import { computeLogMel } from '../core/features/logMel';
import { compareMeydaToLibrosa } from '../core/features/meydaCompare';
import { extractRecipe } from '../core/features/recipes';
import { sha256Hex } from '../core/sha256';
import { featureCacheKey, getCachedFeatures, putCachedFeatures } from '../storage/featureCache';
import type { ExtractRequest, ExtractResult } from './protocol';
import type { HandlerContext } from './serve';
import { withTransfer, type Transfer } from './wire';
import type { TaskApi } from './workerPool';

const SR = 22050;

/** Feature rows are moved to the page, not copied. */
const rowsResult = (r: ExtractResult): Transfer<ExtractResult> => withTransfer(r, r.rows.map((x) => x.buffer as ArrayBuffer));

export async function extractTask(req: ExtractRequest, ctx: Pick<HandlerContext<TaskApi<ExtractRequest, ExtractResult>['task']>, 'progress'>): Promise<ExtractResult | Transfer<ExtractResult>> {
  const features = (req.mode ?? 'features') === 'features';
  let wav = req.bytes && new Uint8Array(req.bytes);
  let sha256: string | undefined;
  if (req.file) {
    const bytes = new Uint8Array(await req.file.arrayBuffer());
    if (bytes.length === 0) throw new LabError('corrupt-audio', `${req.fileName}: the file is empty (0 bytes).`);
    sha256 = await sha256Hex(bytes);
    if (req.mode === 'hash') return { featureNames: [], rows: [], segmentLengths: [], nSamples: 0, sha256 };
    if (features) {
      const hit = await getCachedFeatures(featureCacheKey(sha256, req.recipe));
      if (hit) return rowsResult({ ...hit, nSamples: 0, sha256, cached: true });
    }
    if (!isRiffWave(bytes)) return { featureNames: [], rows: [], segmentLengths: [], nSamples: 0, sha256, needsDecode: true };
    wav = bytes;
  }
  let samples: Float32Array;
  if (req.samples) samples = req.samples;
  else if (req.synth) samples = synthesizeClip(req.synth.style as SynthStyle, req.synth.seed, req.synth.durationSec, SR);
  else {
    if (!wav || wav.length === 0) throw new LabError('corrupt-audio', `${req.fileName}: the file is empty (0 bytes).`);
    if (!looksLikeWav(wav)) throw new LabError('unsupported-audio', `${req.fileName}: not a WAV file.`);
    // core/audio/prepare.ts: rate and length checked from the header, NaN/Inf after decoding
    samples = decodeWavToMono(wav, req.fileName, SR);
  }
  // The same limits for audio decoded elsewhere (Web Audio, the microphone): core/audio/limits.ts.
  checkMonoSamples(samples, SR, req.fileName);
  if (req.mode === 'meyda-compare') {
    return { featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, sha256, meyda: compareMeydaToLibrosa(samples) };
  }
  if (req.mode === 'log-mel') {
    const m = computeLogMel(samples, { ...req.logMel, sampleRateHz: SR });
    const logMel = { db: m.db, nBands: m.nBands, nFrames: m.nFrames };
    return withTransfer({ featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, sha256, logMel }, [m.db.buffer as ArrayBuffer]);
  }
  const r = extractRecipe(samples, SR, req.recipe, { onProgress: ctx.progress });
  const cacheAs = sha256 ?? req.cacheSha256;
  if (cacheAs) {
    checkFeatureRows(req.fileName, r.featureNames, r.segments); // never cache non-finite features
    // Awaited: IndexedDB copies the rows when the write runs, and they are transferred (detached) next.
    await putCachedFeatures(featureCacheKey(cacheAs, req.recipe), { featureNames: r.featureNames, rows: r.segments, segmentLengths: r.segmentLengths });
  }
  return rowsResult({ featureNames: r.featureNames, rows: r.segments, segmentLengths: r.segmentLengths, nSamples: samples.length, sha256 });
}
