/**
 * Decoding for Node (CLI, tests, benchmarks): bytes in, mono float32 at 22 050 Hz out. WAV uses
 * our own parser; MP3, FLAC and Ogg Vorbis use the wasm decoders (mpg123-decoder,
 * @wasm-audio-decoders/flac, @wasm-audio-decoders/ogg-vorbis). No file-system access here: the
 * caller reads the bytes (src/node/audioFiles.ts). The browser decodes with Web Audio instead.
 */
import { LabError } from '../errors';
import { checkAudioHeader, nameAudioError, prepareMono } from './prepare';
import { parseWav, type DecodedAudio } from './wav';

export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg';

/** Recognise the container from magic bytes (falling back to the file extension). */
export function detectContainer(bytes: Uint8Array, fileName = ''): AudioContainer | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  const s = (o: number, n: number): string => String.fromCharCode(...Array.from(bytes.subarray(o, o + n)));
  if (bytes.length >= 12 && (s(0, 4) === 'RIFF' || s(0, 4) === 'RIFX') && s(8, 4) === 'WAVE') return 'wav';
  if (s(0, 4) === 'fLaC') return 'flac';
  if (s(0, 4) === 'OggS') return 'ogg';
  if (s(0, 3) === 'ID3' || (b(0) === 0xff && (b(1) & 0xe0) === 0xe0)) return 'mp3';
  const ext = fileName.toLowerCase().split('.').pop();
  if (ext === 'wav' || ext === 'mp3' || ext === 'flac' || ext === 'ogg') return ext === 'wav' ? undefined : ext;
  return undefined;
}

function checkDecoded(channels: Float32Array[], samplesDecoded: number, sampleRate: number, what: string, errors: unknown[]): DecodedAudio {
  if (!samplesDecoded || !sampleRate || channels.length === 0)
    throw new LabError('corrupt-audio', `Could not decode any audio from this ${what} file${errors.length ? ` (${errors.length} decoder errors)` : ''}.`);
  return { sampleRateHz: sampleRate, channels: channels.map((c) => c.subarray(0, samplesDecoded)) };
}

/**
 * Decode any supported container to its native rate and channels. A WAV or FLAC header with an
 * absurd sample rate or length is refused before decoding (prepare.ts: checkAudioHeader).
 */
export async function decodeAudioBytes(bytes: Uint8Array, fileName = ''): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new LabError('corrupt-audio', `${fileName ? `${fileName}: the file` : 'The audio file'} is empty (0 bytes).`);
  checkAudioHeader(bytes, fileName);
  const kind = detectContainer(bytes, fileName);
  if (kind === 'wav' || (kind === undefined && fileName.toLowerCase().endsWith('.wav'))) return parseWav(bytes);
  if (kind === 'mp3') {
    const { MPEGDecoder } = await import('mpg123-decoder');
    const dec = new MPEGDecoder();
    await dec.ready;
    try {
      const r = dec.decode(bytes);
      return checkDecoded(r.channelData, r.samplesDecoded, r.sampleRate, 'MP3', r.errors);
    } finally {
      dec.free();
    }
  }
  if (kind === 'flac') {
    const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
    const dec = new FLACDecoder();
    await dec.ready;
    try {
      const r = await dec.decodeFile(bytes);
      const out = checkDecoded(r.channelData, r.samplesDecoded, r.sampleRate, 'FLAC', r.errors);
      // The decoder divides b-bit integers by 2^(b−1) − 1; librosa (soundfile) divides by 2^(b−1),
      // as for WAV (int16 / 32768). Rescale so FLAC gives librosa's numbers exactly.
      const bits = (r as { bitDepth?: number }).bitDepth ?? 16;
      const k = (2 ** (bits - 1) - 1) / 2 ** (bits - 1);
      for (const ch of out.channels) for (let i = 0; i < ch.length; i++) ch[i] = (ch[i] as number) * k;
      return out;
    } finally {
      dec.free();
    }
  }
  if (kind === 'ogg') {
    const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
    const dec = new OggVorbisDecoder();
    await dec.ready;
    try {
      const r = await dec.decodeFile(bytes);
      return checkDecoded(r.channelData, r.samplesDecoded, r.sampleRate, 'Ogg Vorbis', r.errors);
    } finally {
      dec.free();
    }
  }
  throw new LabError('unsupported-audio', `${fileName ? `${fileName}: not` : 'Not'} a recognised audio format (WAV, MP3, FLAC or Ogg Vorbis).`);
}

export interface MonoAudio {
  /** Mono float32 samples at `sampleRateHz`. */
  samples: Float32Array;
  sampleRateHz: number;
  /** Rate and channel count of the source before mixing/resampling. */
  sourceRateHz: number;
  sourceChannels: number;
  durationSec: number;
}

/**
 * Decode, check (rate, length, NaN/Inf: prepare.ts), down-mix (channel average) and resample to
 * `targetRateHz` (default 22 050). Every LabError it throws names `fileName` once.
 */
export async function decodeToMono(bytes: Uint8Array, fileName = '', targetRateHz = 22050): Promise<MonoAudio> {
  let d: DecodedAudio;
  try {
    d = await decodeAudioBytes(bytes, fileName);
  } catch (e) {
    throw nameAudioError(e, fileName);
  }
  const samples = prepareMono(d, fileName, targetRateHz);
  return { samples, sampleRateHz: targetRateHz, sourceRateHz: d.sampleRateHz, sourceChannels: d.channels.length, durationSec: samples.length / targetRateHz };
}
