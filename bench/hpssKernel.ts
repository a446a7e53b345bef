/**
 * The HPSS stage alone on a real spectrogram (blues.00000.wav): the TypeScript filters against
 * the WebAssembly kernel, alternating in one process, after checking they give the same medians
 * and harmonic mask bit for bit. Process-CPU ms, median of the rounds, load printed beside them.
 *
 *   npx tsx bench/hpssKernel.ts [rounds] [file.wasm]
 *
 * With a .wasm file (e.g. a build of hpssMedian.c with other flags) the kernel rows use that
 * module instead of the committed one, called the same way.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { computeHarmonicMask, medianFilter } from '../src/core/features/hpss';
import { computeSpectra } from '../src/core/features/stft';
import { HpssKernel, hpssKernel } from '../src/core/features/wasm/hpssKernel';
import { cpuClockMs, loadBenchClip, median } from './extractStages';

/** A kernel over the module in `path` (same exports as the committed one). */
function kernelFromFile(path: string): HpssKernel {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { memory } });
  return new HpssKernel(memory, instance.exports as unknown as ConstructorParameters<typeof HpssKernel>[1]);
}

async function main(): Promise<void> {
  const [roundsArg, wasmPath] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 9) || 9;
  const clip = await loadBenchClip(1);
  const { nFrames, nBins, magnitude: mag } = computeSpectra(clip.samples, { padMode: 'constant', nFft: 2048, hopSamples: 512, keepComplex: false });
  const n = nFrames * nBins;
  const kernel = wasmPath ? kernelFromFile(wasmPath) : hpssKernel();
  if (!kernel) throw new Error('no WebAssembly SIMD here');
  // outputs allocated once per side: a fresh 10.6 MB array page-faults (workArrays.ts)
  const out = { ts: [new Float64Array(n), new Float64Array(n), new Float64Array(n)], wasm: [new Float64Array(n), new Float64Array(n), new Float64Array(n)] };
  const scratch = new Float64Array(n);
  const runs: Record<string, () => void> = {
    'filters, TypeScript': () => {
      medianFilter(mag, nFrames, nBins, 31, 'time', out.ts[0], false);
      medianFilter(mag, nFrames, nBins, 31, 'frequency', out.ts[1], false);
    },
    'filters, kernel': () => {
      kernel.load(mag, nFrames, nBins);
      kernel.median('time', out.wasm[0] as Float64Array);
      kernel.load(mag, nFrames, nBins);
      kernel.median('frequency', out.wasm[1] as Float64Array);
    },
    'harmonic mask, TypeScript': () => void computeHarmonicMask(mag, nFrames, nBins, 31, { harmonic: out.ts[2] as Float64Array, percussive: scratch }, false),
    'harmonic mask, kernel': () => {
      kernel.load(mag, nFrames, nBins);
      kernel.masks(out.wasm[2] as Float64Array);
    },
  };
  for (const f of Object.values(runs)) f(); // warm-up, and the outputs to compare
  const differing = out.ts.reduce((sum, a, j) => sum + a.reduce((c, v, i) => c + (Object.is(v, (out.wasm[j] as Float64Array)[i]) ? 0 : 1), 0), 0);
  process.stdout.write(`${clip.label}: ${nFrames} × ${nBins}; ${differing} of ${3 * n} values differ (time, frequency, harmonic mask); ${wasmPath ?? 'committed kernel'}; load ${os.loadavg()[0]?.toFixed(1)}\n`);
  const times: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(runs)) {
      const c0 = cpuClockMs();
      f();
      (times[name] ??= []).push(cpuClockMs() - c0);
    }
  }
  for (const [name, ts] of Object.entries(times)) process.stdout.write(`${name.padEnd(28)}${median(ts).toFixed(1).padStart(8)} ms\n`);
  process.stdout.write(`median process-CPU ms of ${rounds} alternating rounds; load ${os.loadavg()[0]?.toFixed(1)} at the end\n`);
}

void main();
