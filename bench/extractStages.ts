/**
 * Per-stage profile of feature extraction (Node): median ms per stage for one 30 s clip, kaggle30
 * and ntnu30, so the slowest stage is visible before anyone optimises. Stages are timed inside the
 * real recipe (extractRecipe's `stageTimes`), not in a copy of it. Run alone with
 * `npx tsx bench/extractStages.ts [reps]`; bench/extract.ts prints it after its totals.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { basename } from 'node:path';
import { generateDemoCorpus } from '../src/core/audio/synth';
import { decodeToMono } from '../src/core/audio/decodeNode';
import { extractRecipe, type StageTimes } from '../src/core/features/recipes';
import { sharedPath } from '../src/node/paths';

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? (s[(m - 1) >> 1] as number) : ((s[m / 2 - 1] as number) + (s[m / 2] as number)) / 2;
}

export interface BenchClip {
  samples: Float32Array;
  label: string;
  /** Median ms to decode the file to mono 22 050 Hz, or null for the synthetic clip. */
  decodeMs: number | null;
}

/** blues.00000.wav from ../shared (decode timed), else a synthetic 30 s clip of the same length. */
export async function loadBenchClip(reps = 5): Promise<BenchClip> {
  const path = sharedPath('data', 'gtzan', 'audio', 'blues.00000.wav');
  if (!path) {
    // no course data: a synthetic 30 s clip has the same frame count, so the same cost
    const samples = (generateDemoCorpus({ clipsPerStyle: 1, durationSec: [30, 30], styles: ['synth-techno'] })[0] as { samples: Float32Array }).samples;
    return { samples, label: 'synthetic 30 s clip (../shared absent)', decodeMs: null };
  }
  const bytes = readFileSync(path);
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let samples = (await decodeToMono(view, basename(path), 22050)).samples; // warm-up
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    samples = (await decodeToMono(view, basename(path), 22050)).samples;
    times.push(performance.now() - t0);
  }
  return { samples, label: `${basename(path)} (${(samples.length / 22050).toFixed(2)} s)`, decodeMs: median(times) };
}

export interface StageProfile {
  recipe: 'kaggle30' | 'ntnu30';
  /** Per stage in pipeline order: median wall ms and median process-CPU ms. */
  stages: { name: string; wallMs: number; cpuMs: number }[];
  /** Median wall / CPU ms of a whole extractRecipe call without profiling. */
  totalWallMs: number;
  totalCpuMs: number;
}

/** Process CPU time in ms (user + system): on a shared machine it moves less than wall time. */
export const cpuClockMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Medians over `reps` rounds (after one warm-up call); each round makes one plain call (whole-call
 * wall and CPU), one call timing stages by wall clock and one by CPU clock.
 */
export function profileStages(samples: Float32Array, recipe: 'kaggle30' | 'ntnu30', reps = 7): StageProfile {
  extractRecipe(samples, 22050, recipe); // warm-up (JIT)
  const wall: StageTimes[] = [];
  const cpu: StageTimes[] = [];
  const totalsWall: number[] = [];
  const totalsCpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = cpuClockMs();
    const t0 = performance.now();
    extractRecipe(samples, 22050, recipe);
    totalsWall.push(performance.now() - t0);
    totalsCpu.push(cpuClockMs() - c0);
    const w: StageTimes = { ms: {} };
    extractRecipe(samples, 22050, recipe, { stageTimes: w });
    wall.push(w);
    const c: StageTimes = { ms: {}, clock: cpuClockMs };
    extractRecipe(samples, 22050, recipe, { stageTimes: c });
    cpu.push(c);
  }
  const names = Object.keys((wall[0] as StageTimes).ms);
  const stages = names.map((name) => ({ name, wallMs: median(wall.map((t) => t.ms[name] ?? 0)), cpuMs: median(cpu.map((t) => t.ms[name] ?? 0)) }));
  return { recipe, stages, totalWallMs: median(totalsWall), totalCpuMs: median(totalsCpu) };
}

/** Print both recipes' stage tables side by side, wall / CPU ms (stages in first-seen order). */
export function printStageTable(profiles: StageProfile[], clip: BenchClip, reps: number): void {
  const names: string[] = [];
  for (const p of profiles) for (const s of p.stages) if (!names.includes(s.name)) names.push(s.name);
  const pair = (w: number | undefined, c: number | undefined) => (w === undefined || c === undefined ? '—' : `${w.toFixed(1)} / ${c.toFixed(1)}`).padStart(18);
  const load = os.loadavg()[0] as number;
  process.stdout.write(`Stage profile, Node ${process.version}, ${clip.label}, median of ${reps} runs after warm-up, ${os.cpus().length} cores, load average ${load.toFixed(1)}
`);
  process.stdout.write(`${'stage (ms)'.padEnd(14)}${profiles.map((p) => `${p.recipe} wall / CPU`.padStart(18)).join('')}
`);
  if (clip.decodeMs !== null) process.stdout.write(`${'decode'.padEnd(14)}${profiles.map(() => `${clip.decodeMs?.toFixed(1)} (wall)`.padStart(18)).join('')}   file → mono 22 050 Hz, not in the totals\n`);
  for (const n of names) {
    process.stdout.write(`${n.padEnd(14)}${profiles.map((p) => {
      const s = p.stages.find((x) => x.name === n);
      return pair(s?.wallMs, s?.cpuMs);
    }).join('')}\n`);
  }
  const sum = (p: StageProfile, k: 'wallMs' | 'cpuMs') => p.stages.reduce((a, s) => a + s[k], 0);
  process.stdout.write(`${'sum of stages'.padEnd(14)}${profiles.map((p) => pair(sum(p, 'wallMs'), sum(p, 'cpuMs'))).join('')}\n`);
  process.stdout.write(`${'whole call'.padEnd(14)}${profiles.map((p) => pair(p.totalWallMs, p.totalCpuMs)).join('')}   (unprofiled)\n`);
}

/** Load the clip, profile both recipes and print the table. */
export async function runExtractStages(reps = 7): Promise<StageProfile[]> {
  const clip = await loadBenchClip();
  const profiles = (['kaggle30', 'ntnu30'] as const).map((r) => profileStages(clip.samples, r, reps));
  printStageTable(profiles, clip, reps);
  return profiles;
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const reps = Number(process.argv[2] ?? 7);
  void runExtractStages(Number.isFinite(reps) && reps > 0 ? reps : 7);
}
