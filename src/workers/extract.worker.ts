/// <reference lib="webworker" />
/**
 * Feature extraction for one file at a time. WAV bytes are parsed here with our own reader
 * (exactly librosa's int16/32768 scaling) and resampled if needed; other formats arrive already
 * decoded by Web Audio on the main thread (mono, 22 050 Hz).
 */
import { checkMonoSamples, decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { looksLikeWav } from '../core/audio/wav';
import { LabError, toErrorInfo } from '../core/errors';
import { compareMeydaToLibrosa } from '../core/features/meydaCompare';
import { extractRecipe } from '../core/features/recipes';
import type { ExtractRequest, ExtractResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;
const post = (m: ExtractResponse, transfer: Transferable[] = []) => self.postMessage(m, transfer);
const SR = 22050;

self.onmessage = (ev: MessageEvent<ExtractRequest>) => {
  const req = ev.data;
  try {
    let samples: Float32Array;
    if (req.samples) samples = req.samples;
    else if (req.synth) samples = synthesizeClip(req.synth.style as SynthStyle, req.synth.seed, req.synth.durationSec, SR);
    else {
      const bytes = new Uint8Array(req.bytes!);
      if (bytes.length === 0) throw new LabError('corrupt-audio', `${req.fileName}: the file is empty (0 bytes).`);
      if (!looksLikeWav(bytes)) throw new LabError('unsupported-audio', `${req.fileName}: not a WAV file.`);
      // core/audio/prepare.ts: rate and length checked from the header, NaN/Inf after decoding
      samples = decodeWavToMono(bytes, req.fileName, SR);
    }
    // The same limits for audio decoded elsewhere (Web Audio, the microphone): core/audio/limits.ts.
    checkMonoSamples(samples, SR, req.fileName);
    if (req.mode === 'meyda-compare') {
      post({ type: 'done', id: req.id, featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, meyda: compareMeydaToLibrosa(samples) });
      return;
    }
    let last = 0;
    const r = extractRecipe(samples, SR, req.recipe, {
      onProgress: (f) => {
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          post({ type: 'progress', id: req.id, fraction: f });
        }
      },
    });
    const rows = r.segments;
    post({ type: 'done', id: req.id, featureNames: r.featureNames, rows, segmentLengths: r.segmentLengths, nSamples: samples.length }, rows.map((x) => x.buffer as ArrayBuffer));
  } catch (e) {
    post({ type: 'error', id: req.id, error: toErrorInfo(e) });
  }
};
