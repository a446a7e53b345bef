/**
 * The effect of each of the lab's WebAssembly training kernels on CNN training speed (issue 11's
 * "report the effect of each change"), in one Node process, on wasm: seconds per 1000 crops of
 * 1 × 128 × 128 (batch 32) through the lab's own loop (bench/cnnSpeed.ts), with the kernels
 * switched on one by one —
 *   1. none: batch norm → ReLU → pool in TypeScript, the filter gradient as XNNPACK's
 *      role-swapped convolution, Adam as eleven elementwise kernels;
 *   2. + the batch norm → ReLU → max-pool kernel (models/wasm/bnPool.c);
 *   3. + the filter-gradient kernel (convFilterGrad.c);
 *   4. + the Adam kernel (adam.c): everything, as the app trains.
 * The settings alternate round by round (the machine is shared: load drifts), and the medians are
 * printed with the load average. The heap Slice fix (wasmKernels.ts) is on in every row.
 *
 *   npx tsx bench/cnnKernels.ts [--presets laptop,desktop] [--rounds 3] [--batches 4]
 */
import { loadavg } from 'node:os';
import { optList, optNumber, parseArgs } from '../src/cli/args';
import { adamKernel } from '../src/core/models/wasm/adamKernel';
import { bnPoolKernel } from '../src/core/models/wasm/bnPoolKernel';
import { convFilterGradKernel } from '../src/core/models/wasm/convFilterGradKernel';
import { initNodeBackend } from '../src/node/tfNode';
import { CNN_PRESETS, timeCnnTraining, type CnnPreset } from './cnnSpeed';

const STEPS = [
  { name: 'no lab kernels (TypeScript BN-pool, XNNPACK filter gradient, per-op Adam)', on: [] as string[] },
  { name: '+ batch norm → ReLU → max-pool kernel', on: ['bnPool'] },
  { name: '+ filter-gradient kernel', on: ['bnPool', 'filterGrad'] },
  { name: '+ Adam kernel (all: as the app trains)', on: ['bnPool', 'filterGrad', 'adam'] },
];
const KERNELS = { bnPool: bnPoolKernel, filterGrad: convFilterGradKernel, adam: adamKernel };

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const presets = (optList(a, 'presets') ?? ['laptop', 'desktop']) as CnnPreset[];
  for (const p of presets) if (!CNN_PRESETS.includes(p)) throw new Error(`unknown preset ${p}`);
  const rounds = optNumber(a, 'rounds', 3);
  const batches = optNumber(a, 'batches', 4);
  await initNodeBackend('wasm');
  console.log(`CNN training on Node wasm, seconds per 1000 crops (batch 32, ${batches} batches a pass, 1 timed pass after a warm-up, ${rounds} rounds alternating); load ${load()} at start`);
  for (const preset of presets) {
    const secs: number[][] = STEPS.map(() => []);
    for (let r = 0; r < rounds; r++)
      for (const [i, step] of STEPS.entries()) {
        for (const [k, getter] of Object.entries(KERNELS)) getter.setEnabled(step.on.includes(k));
        const s = await timeCnnTraining(preset, { passes: 1, batches, classes: 10 });
        secs[i]!.push(s.secPer1000);
      }
    for (const getter of Object.values(KERNELS)) getter.setEnabled(true);
    const base = median(secs[0]!);
    console.log(`${preset}:`);
    STEPS.forEach((step, i) => {
      const m = median(secs[i]!);
      console.log(`  ${step.name.padEnd(76)} ${m.toFixed(1).padStart(5)} s (${secs[i]!.map((t) => t.toFixed(1)).join(', ')}) · ${(base / m).toFixed(2)}× the first row`);
    });
    console.log(`  load ${load()}`);
  }
}

void main();
