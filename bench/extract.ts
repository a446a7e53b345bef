/**
 * Extraction benchmark (Node): kaggle30 and ntnu30 on one 30 s GTZAN clip, after a warm-up call,
 * median of several runs, wall and process-CPU time. librosa cannot be installed here, so its side
 * is a *stated* reference, labelled as such: the figures measured on this kind of 2-core machine
 * in ../shared/fixtures/librosa-reference.json `timing` (RECIPES.md quotes the same: kaggle30
 * 1.7–2.5 s, ntnu30 ≈ 0.37 s). Run alone with
 * `npx tsx -e "import('./bench/extract.ts').then(m => m.runExtractBench())"`.
 * The per-stage table after the totals comes from bench/extractStages.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractRecipe } from '../src/core/features/recipes';
import type { RecipeId } from '../src/core/features/spec';
import { fixturesDir, sharedPath } from '../src/node/paths';
import { log, median, report, type Goal } from './report';

/** Issue 13's goals per 30 s clip, in ms (about a tenth and a fifth of librosa's time). */
export const EXTRACT_GOAL_MS: Record<'kaggle30' | 'ntnu30', Goal> = { kaggle30: { maxOurs: 190 }, ntnu30: { maxOurs: 80 } };
import { loadBenchClip, printStageTable, profileStages } from './extractStages';

export interface ExtractBenchRow {
  recipe: RecipeId;
  wallMs: number;
  cpuMs: number;
  librosaWallMs: number;
  librosaCpuMs: number;
  /** librosa wall / ours wall (how many times faster). */
  speedupWall: number;
  speedupCpu: number;
}

export interface LibrosaTimings {
  kaggle30: { wall: number; cpu: number };
  ntnu30: { wall: number; cpu: number };
  /** Where the figures come from, printed with every line that uses them. */
  source: string;
}

/** librosa's stated timings (ms): from the fixture reference when present, else the RECIPES.md figures. */
export function librosaTimings(): LibrosaTimings {
  const fallback = { kaggle30: { wall: 2000, cpu: 1725 }, ntnu30: { wall: 370, cpu: 366 }, source: '../shared/RECIPES.md "Reference numbers" (1.7–2.5 s, 0.37 s; 2-core machine)' };
  if (!sharedPath('fixtures', 'librosa-reference.json')) return fallback;
  try {
    const t = (JSON.parse(readFileSync(join(fixturesDir, 'librosa-reference.json'), 'utf8')) as { timing?: Record<string, unknown> }).timing as {
      kaggle30_full_recipe_s_median: number; ntnu30_recipe_s_median: number; process_cpu_s_median: { kaggle30: number; ntnu30: number }; reps: number; cpu_count: number;
    };
    return {
      kaggle30: { wall: t.kaggle30_full_recipe_s_median * 1000, cpu: t.process_cpu_s_median.kaggle30 * 1000 },
      ntnu30: { wall: t.ntnu30_recipe_s_median * 1000, cpu: t.process_cpu_s_median.ntnu30 * 1000 },
      source: `../shared/fixtures/librosa-reference.json timing (librosa 0.10, median of ${t.reps} after a warm-up, shared ${t.cpu_count}-vCPU VM)`,
    };
  } catch {
    return fallback;
  }
}

/** Time the two recipes and print a small table; returns the rows for callers that want numbers. */
export async function runExtractBench(reps = 5, stages = true): Promise<ExtractBenchRow[]> {
  const benchClip = await loadBenchClip();
  const { samples } = benchClip;
  const clip = benchClip.label;
  const lib = librosaTimings();
  const rows: ExtractBenchRow[] = [];
  for (const recipe of ['kaggle30', 'ntnu30'] as const) {
    extractRecipe(samples, 22050, recipe); // warm-up (JIT), as librosa's figure excludes its first call
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      extractRecipe(samples, 22050, recipe);
      wall.push(performance.now() - t0);
      const dc = process.cpuUsage(c0);
      cpu.push((dc.user + dc.system) / 1000);
    }
    const l = lib[recipe];
    const w = median(wall);
    const c = median(cpu);
    rows.push({ recipe, wallMs: w, cpuMs: c, librosaWallMs: l.wall, librosaCpuMs: l.cpu, speedupWall: l.wall / w, speedupCpu: l.cpu / c });
  }
  log(`Feature extraction, Node ${process.version}, ${clip}, median of ${reps} after a warm-up`);
  for (const r of rows) {
    for (const [what, ours, theirs] of [['wall', r.wallMs, r.librosaWallMs], ['process CPU', r.cpuMs, r.librosaCpuMs]] as const) {
      report({
        part: 'extract',
        what: `${r.recipe}, one 30 s clip, Node (${what})`,
        unit: 'ms',
        ours,
        reference: theirs,
        referenceName: `librosa ${what}`,
        referenceKind: 'stated',
        referenceSource: lib.source,
        // The goal is per clip, in wall time.
        goal: what === 'wall' ? EXTRACT_GOAL_MS[r.recipe as 'kaggle30' | 'ntnu30'] : undefined,
      });
    }
  }
  // where the time goes, so the next optimisation is visible (bench/extractStages.ts)
  if (stages) printStageTable((['kaggle30', 'ntnu30'] as const).map((r) => profileStages(samples, r, reps)), benchClip, reps);
  return rows;
}
