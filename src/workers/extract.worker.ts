/// <reference lib="webworker" />
/**
 * Feature extraction for one file at a time. WAV bytes are parsed here with our own reader
 * (exactly librosa's int16/32768 scaling) and resampled if needed; other formats arrive already
 * decoded by Web Audio on the main thread (mono, 22 050 Hz).
 */
import { mixToMono } from '../core/audio/mix';
import { synthesizeClip, type SynthStyle } from '../core/audio/synth';
import { resample } from '../core/audio/resample';
import { looksLikeWav, parseWav } from '../core/audio/wav';
import { LabError } from '../core/errors';
import { compareMeydaToLibrosa } from '../core/features/meydaCompare';
import { extractRecipe } from '../core/features/recipes';
import type { ExtractApi } from './protocol';
import { serve } from './serve';
import { withTransfer } from './wire';

const SR = 22050;
/** Longer audio is refused: a GTZAN clip is 30 s; an hour of audio would take minutes per file. */
const MAX_SECONDS = 20 * 60;

serve<ExtractApi>({
  task: (req, ctx) => {
    let samples: Float32Array;
    if (req.samples) samples = req.samples;
    else if (req.synth) samples = synthesizeClip(req.synth.style as SynthStyle, req.synth.seed, req.synth.durationSec, SR);
    else {
      const bytes = new Uint8Array(req.bytes!);
      if (bytes.length === 0) throw new LabError('corrupt-audio', `${req.fileName} is empty (0 bytes).`);
      if (!looksLikeWav(bytes)) throw new LabError('unsupported-audio', `${req.fileName} is not a WAV file.`);
      const wav = parseWav(bytes);
      const mono = mixToMono(wav.channels);
      samples = wav.sampleRateHz === SR ? mono : resample(mono, wav.sampleRateHz, SR);
    }
    if (samples.length > MAX_SECONDS * SR) throw new LabError('audio-too-long', `${req.fileName} is ${(samples.length / SR / 60).toFixed(0)} minutes long; the lab analyses clips up to ${MAX_SECONDS / 60} minutes.`);
    if (req.mode === 'meyda-compare') {
      return { featureNames: [], rows: [], segmentLengths: [], nSamples: samples.length, meyda: compareMeydaToLibrosa(samples) };
    }
    const r = extractRecipe(samples, SR, req.recipe, { onProgress: ctx.progress });
    const rows = r.segments;
    return withTransfer({ featureNames: r.featureNames, rows, segmentLengths: r.segmentLengths, nSamples: samples.length }, rows.map((x) => x.buffer as ArrayBuffer));
  },
});
