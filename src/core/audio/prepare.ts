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

const isOggS = (b: Uint8Array, o: number): boolean => b[o] === 0x4f && b[o + 1] === 0x67 && b[o + 2] === 0x67 && b[o + 3] === 0x53;

/**
 * Sample rate and length of an Ogg Vorbis stream: the rate from the identification header in the
 * first page, the length from the last page's granule position (its last PCM frame, which is how
 * players read an Ogg's duration). Undefined when the first packet is not a Vorbis header.
 */
function oggVorbisInfo(b: Uint8Array): { sampleRateHz: number; frames: number } | undefined {
  if (b.length < 28 || !isOggS(b, 0)) return undefined;
  const p = 27 + b[26]!; // the page header (27 bytes), then its segment table, then the first packet
  const id = [0x01, 0x76, 0x6f, 0x72, 0x62, 0x69, 0x73]; // 0x01 'vorbis'
  if (p + 16 > b.length || id.some((x, i) => b[p + i] !== x)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sampleRateHz = v.getUint32(p + 12, true);
  // A page is at most 65 307 bytes: the last one starts within that distance of the end.
  let frames = 0;
  for (let o = b.length - 27; o >= Math.max(0, b.length - 65_307); o--)
    if (isOggS(b, o)) {
      const g = v.getUint32(o + 6, true) + v.getUint32(o + 10, true) * 2 ** 32;
      if (v.getInt32(o + 10, true) >= 0) frames = g; // −1 means "no packet ends on this page"
      break;
    }
  return { sampleRateHz, frames };
}

/**
 * Refuse a file from its header alone, before any decoding: a WAV, FLAC or Ogg Vorbis whose
 * sample rate lies outside limits.ts's range or which lasts longer than MAX_DURATION_SEC (FLAC:
 * STREAMINFO's length; Ogg: the last page's granule position). MP3 (no length in its header) and
 * headers too broken to read here pass: the decoder reports them, and {@link prepareMono} /
 * {@link checkMonoSamples} check after decoding.
 */
export function checkAudioHeader(bytes: Uint8Array, fileName = ''): void {
  named(fileName, () => {
    if (looksLikeWav(bytes)) {
      readWavHeader(bytes);
      return;
    }
    const isFlac = bytes.length >= 4 && bytes[0] === 0x66 && bytes[1] === 0x4c && bytes[2] === 0x61 && bytes[3] === 0x43; // 'fLaC'
    const info = isFlac ? flacStreamInfo(bytes) : oggVorbisInfo(bytes);
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
