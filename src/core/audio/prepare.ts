/**
 * From decoded audio to what the extractor reads (mono float32 at 22 050 Hz), with limits.ts's
 * checks in the order that keeps bad input cheap: the header (rate, length) before decoding, the
 * samples (NaN/Inf) right after, then down-mix and resample. The CLI (decodeNode.ts) and the
 * browser (extract worker, audio import) both go through these functions, so one file gets the
 * same answer on both surfaces.
 */
import { isLabError, LabError } from '../errors';
import { checkDuration, checkFiniteSamples, checkSampleRate } from './limits';
import { mixToMono } from './mix';
import { resample } from './resample';
import { looksLikeWav, parseWav, readWavHeader, type DecodedAudio } from './wav';

/**
 * The error with the file's name in front (`x.wav: The WAV format chunk is truncated.`), unless
 * its message already starts with it: every failure of a batch names its file exactly once.
 */
export function nameAudioError(e: unknown, fileName: string): unknown {
  if (!fileName || !isLabError(e) || e.code === 'cancelled' || e.message.startsWith(fileName)) return e;
  // "The WAV format chunk …" reads on as "x.wav: the WAV format chunk …" (acronyms keep their case)
  const m = /^[A-Z][a-z]/.test(e.message) ? e.message.charAt(0).toLowerCase() + e.message.slice(1) : e.message;
  return new LabError(e.code, `${fileName}: ${m}`, { file: fileName, ...e.detail });
}

/** Run `f`, naming `fileName` in any LabError it throws (see {@link nameAudioError}). */
function named<T>(fileName: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw nameAudioError(e, fileName);
  }
}

/** Sample rate and total samples from a FLAC STREAMINFO block (undefined when not a plain one). */
function flacStreamInfo(b: Uint8Array): { sampleRateHz: number; frames: number } | undefined {
  // 'fLaC', then the first metadata block must be STREAMINFO (type 0, 34 bytes): 2+2+3+3 bytes of
  // block/frame sizes, then 20 bits sample rate, 3 channels, 5 bits per sample, 36 total samples.
  if (b.length < 26 || (b[4]! & 0x7f) !== 0 || b[5] !== 0 || b[6] !== 0 || b[7] !== 34) return undefined;
  const sampleRateHz = (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4);
  if (sampleRateHz === 0) return undefined; // invalid in FLAC: garbage, the decoder says it is corrupt
  const frames = (b[21]! & 0x0f) * 2 ** 32 + (((b[22]! << 24) | (b[23]! << 16) | (b[24]! << 8) | b[25]!) >>> 0);
  return { sampleRateHz, frames };
}

/**
 * Refuse a file from its header alone, before any decoding: a WAV or FLAC whose sample rate lies
 * outside limits.ts's range or which lasts longer than MAX_DURATION_SEC (FLAC: when STREAMINFO
 * gives the length). Other containers (and WAV/FLAC headers too broken to read here) pass: the
 * decoder reports them, and {@link prepareMono} / {@link checkMonoSamples} check after decoding.
 */
export function checkAudioHeader(bytes: Uint8Array, fileName = ''): void {
  named(fileName, () => {
    if (looksLikeWav(bytes)) {
      readWavHeader(bytes);
      return;
    }
    const isFlac = bytes.length >= 4 && bytes[0] === 0x66 && bytes[1] === 0x4c && bytes[2] === 0x61 && bytes[3] === 0x43; // 'fLaC'
    const info = isFlac ? flacStreamInfo(bytes) : undefined;
    if (!info) return;
    checkSampleRate(info.sampleRateHz);
    if (info.frames > 0) checkDuration(info.frames, info.sampleRateHz); // 0 = length not stated
  });
}

/**
 * Decoded audio → mono float32 at `targetRateHz`: checks the rate, the length and that every
 * sample is finite, then averages the channels (librosa.to_mono) and resamples.
 * Errors are LabErrors naming `fileName`.
 */
export function prepareMono(d: DecodedAudio, fileName = '', targetRateHz = 22050): Float32Array {
  return named(fileName, () => {
    checkSampleRate(d.sampleRateHz);
    checkDuration(d.channels[0]?.length ?? 0, d.sampleRateHz);
    checkFiniteSamples(d.channels, d.sampleRateHz);
    return resample(mixToMono(d.channels), d.sampleRateHz, targetRateHz);
  });
}

/** WAV bytes → mono float32 at `targetRateHz` (our reader: librosa's int16/32768 scaling), checked as {@link prepareMono}. */
export function decodeWavToMono(bytes: Uint8Array, fileName = '', targetRateHz = 22050): Float32Array {
  return prepareMono(named(fileName, () => parseWav(bytes)), fileName, targetRateHz);
}

/** Checks for mono samples someone else decoded (Web Audio, a microphone): length and finite values. */
export function checkMonoSamples(samples: Float32Array, sampleRateHz: number, fileName = ''): void {
  named(fileName, () => {
    checkDuration(samples.length, sampleRateHz);
    checkFiniteSamples([samples], sampleRateHz);
  });
}
