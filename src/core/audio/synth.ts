/**
 * A deterministic synthetic demo corpus: short clips in clearly different synthetic styles
 * (tempo, drum pattern, timbre, harmony), generated from a seed (core/random.ts) in well under a
 * second per dozen clips. The styles are named as what they are — synthetic — so nobody mistakes
 * them for GTZAN genres.
 */
import { createRng, deriveSeed } from '../random';

/**
 * Version of the synthesiser's formulas: part of the feature cache's key for demo clips, so
 * features cached from an older synthesiser are not reused. Bump it when a formula changes.
 */
export const SYNTH_VERSION = 1;

export const SYNTH_STYLES = ['synth-ambient', 'synth-techno', 'synth-boombap', 'synth-chiptune', 'synth-chorale'] as const;
export type SynthStyle = (typeof SYNTH_STYLES)[number];

export interface SynthClip {
  /** `synth-techno.00003.wav`, in the Kaggle/GTZAN naming style. */
  fileName: string;
  genre: SynthStyle;
  samples: Float32Array;
  sampleRateHz: number;
}

interface StyleParams {
  bpm: [number, number];
  /** 16-step patterns (1 = hit) for kick, snare, hat; undefined = no drums. */
  drums?: { kick: number[]; snare: number[]; hat: number[]; swing: number };
  /** Lead/harmony oscillator. */
  wave: 'sine' | 'saw' | 'square' | 'triangle';
  /** Root MIDI note range. */
  root: [number, number];
  /** Scale intervals for melody; chords built from them. */
  scale: number[];
  /** Notes per beat of the melody line (0 = sustained chords only). */
  notesPerBeat: number;
  /** Bass on/off and its wave. */
  bass?: 'sine' | 'saw' | 'square';
  /** Pad chord level (0 = none). */
  pad: number;
  /** Lead level. */
  lead: number;
  vibratoHz: number;
}

const P: Record<SynthStyle, StyleParams> = {
  'synth-ambient': { bpm: [60, 72], wave: 'sine', root: [45, 52], scale: [0, 2, 4, 7, 9], notesPerBeat: 0.5, pad: 0.5, lead: 0.15, vibratoHz: 0.3 },
  'synth-techno': {
    bpm: [124, 132], wave: 'saw', root: [33, 38], scale: [0, 3, 5, 7, 10], notesPerBeat: 4, bass: 'saw', pad: 0, lead: 0.12, vibratoHz: 0,
    drums: { kick: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], snare: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], hat: [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0], swing: 0 },
  },
  'synth-boombap': {
    bpm: [84, 94], wave: 'triangle', root: [36, 43], scale: [0, 3, 5, 7, 10], notesPerBeat: 1, bass: 'sine', pad: 0.15, lead: 0.1, vibratoHz: 0,
    drums: { kick: [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0], snare: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], hat: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0], swing: 0.18 },
  },
  'synth-chiptune': {
    bpm: [140, 160], wave: 'square', root: [57, 64], scale: [0, 4, 7, 12], notesPerBeat: 4, bass: 'square', pad: 0, lead: 0.18, vibratoHz: 6,
    drums: { kick: [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], snare: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1], hat: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], swing: 0 },
  },
  'synth-chorale': { bpm: [50, 60], wave: 'triangle', root: [48, 55], scale: [0, 2, 4, 5, 7, 9, 11], notesPerBeat: 0, pad: 0.6, lead: 0, vibratoHz: 5 },
};

const midiHz = (m: number): number => 440 * Math.pow(2, (m - 69) / 12);

function osc(wave: StyleParams['wave'], phase: number): number {
  const p = phase - Math.floor(phase);
  switch (wave) {
    case 'sine': return Math.sin(2 * Math.PI * p);
    case 'saw': return 2 * p - 1;
    case 'square': return p < 0.5 ? 1 : -1;
    default: return 1 - 4 * Math.abs(p - 0.5);
  }
}

/** Add a tone with an attack/decay envelope into `out` (phase accumulated for vibrato). */
function addTone(out: Float32Array, sr: number, start: number, dur: number, hz: number, wave: StyleParams['wave'], level: number, attackSec: number, vibratoHz: number): void {
  const s0 = Math.max(0, Math.floor(start * sr));
  const n = Math.min(out.length - s0, Math.floor(dur * sr));
  const att = Math.max(1, Math.floor(attackSec * sr));
  const rel = Math.max(1, Math.floor(Math.min(0.05, dur / 4) * sr));
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / att, (n - i) / rel);
    const f = vibratoHz > 0 ? hz * (1 + 0.004 * Math.sin((2 * Math.PI * vibratoHz * i) / sr)) : hz;
    phase += f / sr;
    out[s0 + i] = (out[s0 + i] as number) + level * env * osc(wave, phase);
  }
}

function addKick(out: Float32Array, sr: number, start: number, level: number): void {
  const s0 = Math.floor(start * sr);
  const n = Math.min(out.length - s0, Math.floor(0.25 * sr));
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    phase += (50 + 100 * Math.exp(-t * 30)) / sr;
    out[s0 + i] = (out[s0 + i] as number) + level * Math.exp(-t * 12) * Math.sin(2 * Math.PI * phase);
  }
}

function addNoiseHit(out: Float32Array, sr: number, start: number, level: number, decayPerSec: number, rng: () => number, highpass: boolean): void {
  const s0 = Math.floor(start * sr);
  const n = Math.min(out.length - s0, Math.floor((5 / decayPerSec) * sr));
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const w = rng() * 2 - 1;
    const v = highpass ? w - prev : w;
    prev = w;
    out[s0 + i] = (out[s0 + i] as number) + level * Math.exp((-i / sr) * decayPerSec) * v;
  }
}

/** One clip of `style`, deterministic in `seed`. */
export function synthesizeClip(style: SynthStyle, seed: number, durationSec: number, sampleRateHz = 22050): Float32Array {
  const p = P[style];
  const rng = createRng(seed);
  const sr = sampleRateHz;
  const out = new Float32Array(Math.round(durationSec * sr));
  const bpm = p.bpm[0] + rng() * (p.bpm[1] - p.bpm[0]);
  const beat = 60 / bpm;
  const root = p.root[0] + Math.floor(rng() * (p.root[1] - p.root[0] + 1));
  const nBeats = Math.ceil(durationSec / beat);
  // chord progression: one chord per bar (4 beats), degrees from the scale
  const degrees = [0, 3, 4, 0, 5, 3, 4, 0].map((d) => (d + Math.floor(rng() * 2)) % p.scale.length);
  for (let bar = 0; bar * 4 < nBeats; bar++) {
    const d = degrees[bar % degrees.length] as number;
    const t = bar * 4 * beat;
    if (p.pad > 0) {
      for (const step of [0, 2, 4]) {
        const idx = d + step;
        const note = root + 12 + (p.scale[idx % p.scale.length] as number) + 12 * Math.floor(idx / p.scale.length);
        addTone(out, sr, t, 4 * beat, midiHz(note), p.wave, p.pad / 3, Math.min(1, beat), p.vibratoHz);
      }
    }
    if (p.bass) {
      const note = root + (p.scale[d] as number);
      for (let b = 0; b < 4; b++) addTone(out, sr, t + b * beat, beat * 0.9, midiHz(note), p.bass, 0.25, 0.005, 0);
    }
  }
  if (p.lead > 0 && p.notesPerBeat > 0) {
    const step = beat / p.notesPerBeat;
    for (let i = 0; i * step < durationSec; i++) {
      if (rng() < 0.2) continue; // rests
      const idx = Math.floor(rng() * p.scale.length * 2);
      const note = root + 24 + (p.scale[idx % p.scale.length] as number) + 12 * Math.floor(idx / p.scale.length);
      addTone(out, sr, i * step, step * 0.8, midiHz(note), p.wave, p.lead, 0.005, p.vibratoHz);
    }
  }
  if (p.drums) {
    const sixteenth = beat / 4;
    for (let s = 0; s * sixteenth < durationSec; s++) {
      const k = s % 16;
      const t = s * sixteenth + (s % 2 === 1 ? p.drums.swing * sixteenth : 0);
      if (p.drums.kick[k]) addKick(out, sr, t, 0.7);
      if (p.drums.snare[k]) addNoiseHit(out, sr, t, 0.35, 25, rng, false);
      if (p.drums.hat[k]) addNoiseHit(out, sr, t, 0.12, 80, rng, true);
    }
  }
  // light noise floor (so no frame is digitally silent) and peak normalisation to −1 dBFS
  let peak = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = (out[i] as number) + 1e-4 * (rng() * 2 - 1);
    peak = Math.max(peak, Math.abs(out[i] as number));
  }
  const g = peak > 0 ? 0.89 / peak : 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * g;
  return out;
}

export interface DemoCorpusOptions {
  seed?: number;
  clipsPerStyle?: number;
  /** Clip durations are drawn uniformly from this range (seconds). */
  durationSec?: [number, number];
  sampleRateHz?: number;
  styles?: readonly SynthStyle[];
}

/** One clip of the demo corpus, described but not yet synthesised (workers make the samples). */
export interface DemoClipPlan {
  fileName: string;
  style: SynthStyle;
  seed: number;
  durationSec: number;
}

/** The demo corpus as a list of clip descriptions (default 5 styles × 8 clips of 6–10 s). */
export function planDemoCorpus(opts: DemoCorpusOptions = {}): DemoClipPlan[] {
  const seed = opts.seed ?? 2024;
  const per = opts.clipsPerStyle ?? 8;
  const [dMin, dMax] = opts.durationSec ?? [6, 10];
  const styles = opts.styles ?? SYNTH_STYLES;
  const rng = createRng(seed);
  const plan: DemoClipPlan[] = [];
  styles.forEach((style, si) => {
    for (let i = 0; i < per; i++) {
      const durationSec = dMin + rng() * (dMax - dMin);
      plan.push({ fileName: `${style}.${String(i).padStart(5, '0')}.wav`, style, seed: deriveSeed(seed, si * 1000 + i), durationSec });
    }
  });
  return plan;
}

/** The demo corpus with samples: `clipsPerStyle` clips of every style (default 5 × 8 clips of 6–10 s at 22 050 Hz). */
export function generateDemoCorpus(opts: DemoCorpusOptions = {}): SynthClip[] {
  const sr = opts.sampleRateHz ?? 22050;
  return planDemoCorpus(opts).map((p) => ({ fileName: p.fileName, genre: p.style, samples: synthesizeClip(p.style, p.seed, p.durationSec, sr), sampleRateHz: sr }));
}
