/// <reference lib="webworker" />
/**
 * Feature extraction (or a spectrogram set's log-mel matrix) for one file at a time. WAV bytes are parsed here with our own reader
 * (exactly librosa's int16/32768 scaling) and resampled if needed; other formats arrive already
 * decoded by Web Audio on the main thread (mono, 22 050 Hz).
 */
import { checkMonoSamples, decodeWavToMono } from '../core/audio/prepare';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { looksLikeWav } from '../core/audio/wav';
import { LabError } from '../core/errors';
import { computeLogMel } from '../core/features/logMel';
import { compareMeydaToLibrosa } from '../core/features/meydaCompare';
import { extractRecipe } from '../core/features/recipes';
import type { ExtractApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

const SR = 22050;

serve<ExtractApi>({
  task: (req, ctx) => {
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
      return { featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, meyda: compareMeydaToLibrosa(samples) };
    }
    if (req.mode === 'log-mel') {
      const m = computeLogMel(samples, { ...req.logMel, sampleRateHz: SR });
      const logMel = { db: m.db, nBands: m.nBands, nFrames: m.nFrames };
      return withTransfer({ featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, logMel }, [m.db.buffer as ArrayBuffer]);
    }
    const r = extractRecipe(samples, SR, req.recipe, { onProgress: ctx.progress });
    const rows = r.segments;
    return withTransfer({ featureNames: r.featureNames, rows, segmentLengths: r.segmentLengths, nSamples: samples.length }, rows.map((x) => x.buffer as ArrayBuffer));
  },
});
