/**
 * Side-by-side extraction: this checkout's extractRecipe against another checkout's, alternating
 * calls in ONE process (old, new, old, new …) so both see the same load on a shared machine, and
 * a bit-for-bit comparison of their feature rows first (a speed change should not move a number).
 *
 *   git worktree add /tmp/base main            # or any commit to compare against
 *   npx tsx bench/extractAB.ts /tmp/base [rounds] [recipe …]
 *
 * Prints per recipe the median process-CPU ms of whole calls and of each stage (StageTimes), the
 * load average beside them, and how many feature values differ between the two checkouts.
 */
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ours from '../src/core/features/recipes';
import { cpuClockMs, loadBenchClip, median } from './extractStages';

type Recipes = Pick<typeof ours, 'extractRecipe'>;

/** Values that differ (Object.is) between two results' rows, and the largest relative difference. */
function compareRows(a: Float64Array[], b: Float64Array[]): { differing: number; maxRel: number } {
  let differing = 0;
  let maxRel = 0;
  a.forEach((row, s) => row.forEach((v, i) => {
    const w = (b[s] as Float64Array)[i] as number;
    if (Object.is(v, w)) return;
    differing++;
    maxRel = Math.max(maxRel, Math.abs(v - w) / Math.max(Math.abs(v), Math.abs(w), 1e-300));
  }));
  return { differing, maxRel };
}

async function main(): Promise<void> {
  const [otherDir, roundsArg, ...recipeArgs] = process.argv.slice(2);
  if (!otherDir) {
    process.stderr.write('usage: npx tsx bench/extractAB.ts <other checkout> [rounds] [recipe …]\n');
    process.exit(2);
  }
  const other = (await import(pathToFileURL(resolve(otherDir, 'src/core/features/recipes.ts')).href)) as Recipes;
  const rounds = Number(roundsArg ?? 9) || 9;
  const recipes = recipeArgs.length ? recipeArgs : ['kaggle30', 'ntnu30'];
  const clip = await loadBenchClip(1);
  const sides: [string, Recipes][] = [['base', other], ['this', ours]];
  process.stdout.write(`${clip.label}; base = ${resolve(otherDir)}; ${rounds} alternating rounds after a warm-up; process CPU ms; load ${os.loadavg()[0]?.toFixed(1)} at start\n`);
  for (const recipe of recipes) {
    const rows = sides.map(([, m]) => m.extractRecipe(clip.samples, 22050, recipe).segments); // also the warm-up
    const { differing, maxRel } = compareRows(rows[0] as Float64Array[], rows[1] as Float64Array[]);
    const whole: Record<string, number[]> = { base: [], this: [] };
    const stages: Record<string, Record<string, number[]>> = { base: {}, this: {} };
    for (let r = 0; r < rounds; r++) {
      for (const [name, m] of sides) {
        const c0 = cpuClockMs();
        m.extractRecipe(clip.samples, 22050, recipe);
        (whole[name] as number[]).push(cpuClockMs() - c0);
        const st = { ms: {} as Record<string, number>, clock: cpuClockMs };
        m.extractRecipe(clip.samples, 22050, recipe, { stageTimes: st });
        for (const [k, v] of Object.entries(st.ms)) ((stages[name] as Record<string, number[]>)[k] ??= []).push(v);
      }
    }
    const fmt = (xs: number[] | undefined) => (xs ? median(xs).toFixed(1) : '—').padStart(8);
    process.stdout.write(`\n${recipe}: ${differing === 0 ? 'identical features' : `${differing} feature values differ (max relative ${maxRel.toExponential(1)})`}; load ${os.loadavg()[0]?.toFixed(1)}\n`);
    process.stdout.write(`${'stage'.padEnd(22)}${'base'.padStart(8)}${'this'.padStart(8)}\n`);
    const names = [...new Set([...Object.keys(stages.base ?? {}), ...Object.keys(stages.this ?? {})])];
    for (const n of names) process.stdout.write(`${n.padEnd(22)}${fmt(stages.base?.[n])}${fmt(stages.this?.[n])}\n`);
    process.stdout.write(`${'whole call'.padEnd(22)}${fmt(whole.base)}${fmt(whole.this)}\n`);
  }
}

void main();
