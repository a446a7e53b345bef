/**
 * What audio the lab accepts, in one place for every surface (CLI, browser import, Classify,
 * microphone): the sample-rate range, the longest clip, and finite samples. Each check runs as
 * early as the input allows — the rate and length from a header before any sample is read or
 * resampled, NaN/Inf right after decoding — so a bad file fails fast with a message that says
 * what is wrong, instead of hanging in the resampler or surfacing later as a NaN feature.
 */
import { LabError } from '../errors';

/**
 * Lowest sample rate read. Below 1 kHz there is no music left to classify (the recipes analyse
 * up to 11 kHz), and such a header is far more likely corrupt: resampling a 1 Hz "clip" to
 * 22 050 Hz would make 22 050 output samples per input sample.
 */
export const MIN_SAMPLE_RATE_HZ = 1000;
/** Highest sample rate read: 384 kHz is the top rate of studio converters; above is a corrupt header. */
export const MAX_SAMPLE_RATE_HZ = 384_000;
/**
 * Longest clip analysed, in seconds. A GTZAN clip is 30 s; 20 minutes of audio already takes
 * about a minute per recipe to extract, and an hour would hold the batch for minutes per file.
 */
export const MAX_DURATION_SEC = 20 * 60;

/** `"x.wav: the audio …"` when a file name is known, else `"The audio …"`: messages name their file once. */
function sentence(fileName: string, text: string): string {
  return fileName ? `${fileName}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

function formatRate(hz: number): string {
  return hz >= 1000 ? `${hz / 1000} kHz` : `${hz} Hz`;
}

/** Throw 'unsupported-audio' unless `rateHz` lies in [{@link MIN_SAMPLE_RATE_HZ}, {@link MAX_SAMPLE_RATE_HZ}]. */
export function checkSampleRate(rateHz: number, fileName = ''): void {
  if (Number.isFinite(rateHz) && rateHz >= MIN_SAMPLE_RATE_HZ && rateHz <= MAX_SAMPLE_RATE_HZ) return;
  throw new LabError(
    'unsupported-audio',
    sentence(
      fileName,
      `the file says it is sampled at ${rateHz} Hz; the lab reads audio sampled at ${formatRate(MIN_SAMPLE_RATE_HZ)}–${formatRate(MAX_SAMPLE_RATE_HZ)} ` +
        `(below that no music is left to analyse, above it no recorder writes: the header is probably corrupt). Re-export the file at 22.05, 44.1 or 48 kHz.`,
    ),
    { sampleRateHz: rateHz, minHz: MIN_SAMPLE_RATE_HZ, maxHz: MAX_SAMPLE_RATE_HZ },
  );
}

/**
 * Throw 'audio-too-long' when `frames` samples at `rateHz` last longer than {@link MAX_DURATION_SEC}.
 * Cheap: call it with a header's frame count before decoding or resampling anything.
 */
export function checkDuration(frames: number, rateHz: number, fileName = ''): void {
  const sec = frames / rateHz;
  if (sec <= MAX_DURATION_SEC) return;
  throw new LabError(
    'audio-too-long',
    sentence(fileName, `the audio is ${(sec / 60).toFixed(1)} minutes long; the lab analyses clips up to ${MAX_DURATION_SEC / 60} minutes (a GTZAN clip is 30 s). Cut the part you want to analyse.`),
    { durationSec: sec, maxSec: MAX_DURATION_SEC },
  );
}

/**
 * Throw 'non-finite' when any channel holds NaN or ±Infinity (a float WAV can), saying how many
 * and where the first one is, e.g. "x.wav: the audio holds 12 NaN samples (first at 0.50 s)".
 * Every feature computed from such audio would be NaN.
 */
export function checkFiniteSamples(channels: readonly Float32Array[], rateHz: number, fileName = ''): void {
  let nan = 0;
  let inf = 0;
  let first = Infinity;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      const x = ch[i] as number;
      // x - x is 0 for every finite x and NaN for NaN and ±Infinity: one test on the hot path
      if (x - x === 0) continue;
      if (Number.isNaN(x)) nan++;
      else inf++;
      if (i < first) first = i;
    }
  }
  if (nan + inf === 0) return;
  const what = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
  throw new LabError(
    'non-finite',
    sentence(
      fileName,
      `the audio holds ${what} sample${nan + inf === 1 ? '' : 's'} (first at ${(first / rateHz).toFixed(2)} s), so no feature can be computed from it. The file is damaged or was written by a faulty float export.`,
    ),
    { nan, infinite: inf, firstSec: first / rateHz },
  );
}
