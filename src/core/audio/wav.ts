/**
 * Our own RIFF/WAVE parser: PCM 8/16/24/32-bit integer and IEEE float32/64, any channel count
 * (WAVE_FORMAT_EXTENSIBLE included). Samples are scaled exactly as librosa/soundfile load them:
 * int16/32768, int24/8388608, int32/2147483648, uint8 (x−128)/128, floats unchanged.
 */
import { LabError } from '../errors';
import { checkDuration, checkSampleRate } from './limits';

export interface DecodedAudio {
  sampleRateHz: number;
  /** One Float32Array per channel. */
  channels: Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(v: DataView, o: number): string {
  return String.fromCharCode(v.getUint8(o), v.getUint8(o + 1), v.getUint8(o + 2), v.getUint8(o + 3));
}

/** True when the bytes start like a RIFF/WAVE (or RF64) file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = fourcc(v, 0);
  return (id === 'RIFF' || id === 'RIFX') && fourcc(v, 8) === 'WAVE';
}

/**
 * True for little-endian RIFF/WAVE bytes: what our reader parses (big-endian RIFX it refuses; the
 * browser hands RIFX, MP3, FLAC and Ogg to Web Audio instead).
 */
export function isRiffWave(bytes: Uint8Array): boolean {
  return looksLikeWav(bytes) && bytes[3] === 0x46; // 'RIFF', not 'RIFX'
}

/** What a WAV header says, checked: where the samples are and how to read them. */
export interface WavHeader {
  sampleRateHz: number;
  channels: number;
  isFloat: boolean;
  bits: number;
  /** Byte offset of the first sample frame. */
  dataStart: number;
  /** Whole sample frames present in the file. */
  nFrames: number;
}

/**
 * Read and check a WAV header without touching a sample. Throws LabError 'corrupt-audio'
 * (truncated/garbage), 'unsupported-audio' (encoding, or a sample rate outside limits.ts's range)
 * or 'audio-too-long' (over MAX_DURATION_SEC): callers can refuse a file before decoding it.
 */
export function readWavHeader(bytes: Uint8Array): WavHeader {
  if (bytes.length === 0) throw new LabError('corrupt-audio', 'The audio file is empty (0 bytes).');
  if (bytes.length < 12) throw new LabError('corrupt-audio', `The audio file is truncated (${bytes.length} bytes, no WAV header).`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riff = fourcc(v, 0);
  if (riff === 'RIFX') throw new LabError('unsupported-audio', 'Big-endian WAV (RIFX) is not supported.');
  if (riff !== 'RIFF' || fourcc(v, 8) !== 'WAVE') throw new LabError('corrupt-audio', 'Not a WAV file: missing the RIFF/WAVE header.');
  let pos = 12;
  let fmt: { format: number; channels: number; rate: number; blockAlign: number; bits: number } | undefined;
  let dataStart = -1;
  let dataLen = 0;
  while (pos + 8 <= bytes.length) {
    const id = fourcc(v, pos);
    const size = v.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new LabError('corrupt-audio', 'The WAV format chunk is truncated.');
      let format = v.getUint16(body, true);
      const channels = v.getUint16(body + 2, true);
      const rate = v.getUint32(body + 4, true);
      const blockAlign = v.getUint16(body + 12, true);
      const bits = v.getUint16(body + 14, true);
      if (format === FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > bytes.length) throw new LabError('corrupt-audio', 'The WAV extensible format chunk is truncated.');
        format = v.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { format, channels, rate, blockAlign, bits };
    } else if (id === 'data') {
      dataStart = body;
      // a streaming writer may leave size 0 or 0xFFFFFFFF: take what is there
      dataLen = size === 0 || size === 0xffffffff ? bytes.length - body : size;
      if (body + dataLen > bytes.length) {
        // truncated data chunk: keep whole frames that are present, as most decoders do, but a
        // file with less than one frame of audio is corrupt
        dataLen = bytes.length - body;
      }
      break;
    }
    pos = body + size + (size & 1);
  }
  if (!fmt) throw new LabError('corrupt-audio', 'The WAV file has no format chunk.');
  if (dataStart < 0) throw new LabError('corrupt-audio', 'The WAV file has no data chunk (truncated?).');
  const { format, channels, rate, bits } = fmt;
  if (channels < 1) throw new LabError('corrupt-audio', 'The WAV file declares 0 channels.');
  // Before any sample is read: an absurd rate (a corrupt header saying 1 Hz) would send the
  // resampler after billions of samples.
  checkSampleRate(rate);
  const isFloat = format === FORMAT_FLOAT;
  if (!(format === FORMAT_PCM || isFloat)) throw new LabError('unsupported-audio', `Unsupported WAV encoding (format tag ${format}); use PCM or float WAV, MP3, FLAC or OGG.`, { format });
  if (isFloat ? !(bits === 32 || bits === 64) : !(bits === 8 || bits === 16 || bits === 24 || bits === 32))
    throw new LabError('unsupported-audio', `Unsupported WAV sample size: ${bits}-bit ${isFloat ? 'float' : 'PCM'}.`, { bits });
  const bytesPer = bits / 8;
  const frameBytes = bytesPer * channels;
  const nFrames = Math.floor(dataLen / frameBytes);
  if (nFrames === 0) throw new LabError('corrupt-audio', 'The WAV data chunk holds no complete sample frame.');
  // The length is known from the header: refuse an over-long clip before allocating or decoding it.
  checkDuration(nFrames, rate);
  return { sampleRateHz: rate, channels, isFloat, bits, dataStart, nFrames };
}

/** Parse a WAV file (errors: see {@link readWavHeader}). */
export function parseWav(bytes: Uint8Array): DecodedAudio {
  const { sampleRateHz, channels, isFloat, bits, dataStart, nFrames } = readWavHeader(bytes);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bytesPer = bits / 8;
  const frameBytes = bytesPer * channels;
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) out.push(new Float32Array(nFrames));
  for (let i = 0; i < nFrames; i++) {
    const fo = dataStart + i * frameBytes;
    for (let c = 0; c < channels; c++) {
      const o = fo + c * bytesPer;
      let x: number;
      if (isFloat) x = bits === 32 ? v.getFloat32(o, true) : v.getFloat64(o, true);
      else if (bits === 16) x = v.getInt16(o, true) / 32768;
      else if (bits === 8) x = (v.getUint8(o) - 128) / 128;
      else if (bits === 24) {
        let s = v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getUint8(o + 2) << 16);
        if (s & 0x800000) s -= 0x1000000;
        x = s / 8388608;
      } else x = v.getInt32(o, true) / 2147483648;
      (out[c] as Float32Array)[i] = x;
    }
  }
  return { sampleRateHz, channels: out };
}

/** Encode mono or multi-channel float samples as 16-bit PCM WAV (clipped, rounded like soundfile). */
export function encodeWav16(channels: readonly Float32Array[], sampleRateHz: number): Uint8Array {
  const nCh = channels.length;
  const n = nCh ? Math.min(...channels.map((c) => c.length)) : 0;
  const dataLen = n * nCh * 2;
  const buf = new Uint8Array(44 + dataLen);
  const v = new DataView(buf.buffer);
  const put = (o: number, s: string): void => {
    for (let i = 0; i < 4; i++) v.setUint8(o + i, s.charCodeAt(i));
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataLen, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, FORMAT_PCM, true);
  v.setUint16(22, nCh, true);
  v.setUint32(24, sampleRateHz, true);
  v.setUint32(28, sampleRateHz * nCh * 2, true);
  v.setUint16(32, nCh * 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, dataLen, true);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < nCh; c++) {
      const x = Math.max(-1, Math.min(1, (channels[c] as Float32Array)[i] as number));
      v.setInt16(44 + (i * nCh + c) * 2, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
    }
  return buf;
}
