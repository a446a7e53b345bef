/**
 * Record from the microphone for the Classify cell. The browser's own processing (echo
 * cancellation, noise suppression, automatic gain) is turned off so the features see the music,
 * not a voice-call filter. Samples are tapped with an AudioWorklet at the context's rate, mixed to
 * mono, and handed back as a 16-bit WAV file; the Classify path then treats the recording like a
 * dropped file (the extraction worker resamples it to 22 050 Hz as it does any WAV).
 */
import { encodeWav16 } from '../core/audio/wav';
import { SlidingWindows } from '../core/audio/windows';
import { LabError } from '../core/errors';

/** Averages the input's channels and posts each 128-frame block to the page. */
const TAP_SOURCE = `
class GenreLabTap extends AudioWorkletProcessor {
  process(inputs) {
    const chans = inputs[0];
    if (chans && chans.length) {
      const out = new Float32Array(chans[0].length);
      for (const c of chans) for (let i = 0; i < out.length; i++) out[i] += c[i] / chans.length;
      this.port.postMessage(out, [out.buffer]);
    }
    return true;
  }
}
registerProcessor('genre-lab-tap', GenreLabTap);
`;

export interface RecordingHandle {
  /** Stop now; `done` resolves with what was recorded. */
  stop(): void;
  /** The recording as a WAV file (mono, the context's rate). */
  done: Promise<File>;
}

export interface RecordOptions {
  /** Stop by itself after this many seconds. */
  maxSec: number;
  /** About 20 times a second: RMS level since the last call (0..1) and seconds recorded. */
  onLevel?: (rms: number, elapsedSec: number) => void;
}

function micError(e: unknown): LabError {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new LabError('microphone', 'The browser did not allow the microphone: allow it for this page (the icon in the address bar) and try again.');
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new LabError('microphone', 'No microphone was found on this computer.');
  if (name === 'NotReadableError') return new LabError('microphone', 'The microphone is in use by another program or could not be opened.');
  return new LabError('microphone', `The microphone could not be started: ${e instanceof Error ? e.message : String(e)}`);
}

/** The microphone, tapped: every block of mono samples goes to `onBlock` until `close`. */
async function openTap(onBlock: (block: Float32Array, rate: number) => void): Promise<{ rate: number; close(): Promise<void> }> {
  if (!navigator.mediaDevices?.getUserMedia) throw new LabError('microphone', 'This browser does not offer microphone access here (it needs https or localhost).');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    throw micError(e);
  }
  const ctx = new AudioContext();
  const moduleUrl = URL.createObjectURL(new Blob([TAP_SOURCE], { type: 'text/javascript' }));
  try {
    await ctx.audioWorklet.addModule(moduleUrl);
  } catch (e) {
    stream.getTracks().forEach((t) => t.stop());
    void ctx.close();
    throw micError(e);
  } finally {
    URL.revokeObjectURL(moduleUrl);
  }
  const source = ctx.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(ctx, 'genre-lab-tap');
  // Pulled through a silent gain so the graph runs; nothing is played back.
  const mute = ctx.createGain();
  mute.gain.value = 0;
  source.connect(tap).connect(mute).connect(ctx.destination);
  tap.port.onmessage = (ev: MessageEvent<Float32Array>) => onBlock(ev.data, ctx.sampleRate);
  if (ctx.state === 'suspended') await ctx.resume();
  return {
    rate: ctx.sampleRate,
    close: async () => {
      tap.port.onmessage = null;
      source.disconnect();
      tap.disconnect();
      stream.getTracks().forEach((t) => t.stop());
      await ctx.close();
    },
  };
}

/** RMS over the blocks since the last report, about 20 times a second. */
function levelMeter(onLevel: RecordOptions['onLevel']): (block: Float32Array, elapsedSec: number) => void {
  let last = 0;
  let sumSq = 0;
  let count = 0;
  return (b, elapsedSec) => {
    for (let i = 0; i < b.length; i++) sumSq += (b[i] as number) ** 2;
    count += b.length;
    const now = performance.now();
    if (onLevel && now - last > 50) {
      last = now;
      onLevel(Math.sqrt(sumSq / Math.max(1, count)), elapsedSec);
      sumSq = 0;
      count = 0;
    }
  };
}

function toWavFile(blocks: Float32Array[], frames: number, rate: number, name: string): File {
  const samples = new Float32Array(frames);
  let at = 0;
  for (const b of blocks) {
    samples.set(b, at);
    at += b.length;
  }
  return new File([encodeWav16([samples], rate) as Uint8Array<ArrayBuffer>], name, { type: 'audio/wav' });
}

const stamp = () => new Date().toISOString().slice(11, 19).replace(/:/g, '');

/** Start recording; rejects with a LabError ('microphone') when there is no usable microphone. */
export async function startRecording(opts: RecordOptions): Promise<RecordingHandle> {
  const blocks: Float32Array[] = [];
  let frames = 0;
  let maxFrames = Infinity;
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => (finish = resolve));
  const meter = levelMeter(opts.onLevel);
  let rate = 0;
  const tap = await openTap((block, r) => {
    rate = r;
    maxFrames = Math.round(opts.maxSec * r);
    if (frames >= maxFrames) return;
    const b = block.subarray(0, Math.min(block.length, maxFrames - frames));
    blocks.push(b);
    frames += b.length;
    meter(b, frames / rate);
    if (frames >= maxFrames) finish();
  });
  rate = tap.rate;
  const done = stopped.then(async () => {
    await tap.close();
    if (frames === 0) throw new LabError('microphone', 'Nothing was recorded: the microphone sent no sound.');
    return toWavFile(blocks, frames, rate, `microphone-${stamp()}.wav`);
  });
  return { stop: () => finish(), done };
}

export interface LiveOptions {
  /** Length of each window handed to `onChunk`. */
  chunkSec: number;
  /** Seconds between window starts; default `chunkSec` (back to back). Half of it: windows overlap by half. */
  hopSec?: number;
  /** Each full window as a WAV file, numbered from 1. */
  onChunk: (file: File, index: number) => void;
  onLevel?: RecordOptions['onLevel'];
}

/**
 * Listen until stopped, handing over a window of the last `chunkSec` seconds every `hopSec`
 * seconds (no gaps: the microphone stays open). Only the samples the next window needs are held.
 */
export async function startLive(opts: LiveOptions): Promise<{ stop(): Promise<void> }> {
  let windows: SlidingWindows | undefined;
  let total = 0;
  const base = stamp();
  const meter = levelMeter(opts.onLevel);
  const tap = await openTap((block, rate) => {
    windows ??= new SlidingWindows(Math.round(opts.chunkSec * rate), Math.round((opts.hopSec ?? opts.chunkSec) * rate));
    total += block.length;
    meter(block, total / rate);
    const done = windows.push(block);
    done.forEach((w, i) => {
      const index = windows!.windows - done.length + i + 1;
      opts.onChunk(toWavFile([w], w.length, rate, `live-${base}-${String(index).padStart(3, '0')}.wav`), index);
    });
  });
  return { stop: () => tap.close() };
}
