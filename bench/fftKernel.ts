/**
 * The wasm real-FFT pair kernel (src/core/features/wasm/fftKernel.ts) against RealFft.forwardSpectra
 * twice, alternating batches in one process (process CPU µs per pair of frames, including the
 * interleaving copy in and the row copies out that the STFT does), after checking the bits agree.
 *
 *   npx tsx bench/fftKernel.ts [size …]      # default 2048 1024
 */
import os from 'node:os';
import { RealFft } from '../src/core/features/fft';
import { realFftPairKernel } from '../src/core/features/wasm/fftKernel';
import { createRng } from '../src/core/random';
import { median } from './extractStages';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ['2048', '1024']).map(Number)) {
  const kernel = realFftPairKernel(n);
  if (!kernel) throw new Error('no WebAssembly SIMD here');
  const fft = new RealFft(n);
  const nb = n / 2 + 1;
  const rng = createRng(1);
  const xa = Float64Array.from({ length: n }, () => rng() * 2 - 1);
  const xb = Float64Array.from({ length: n }, () => rng() * 2 - 1);
  const rows = Array.from({ length: 8 }, () => new Float64Array(nb));
  const [reA, imA, reB, imB, pA, mA, pB, mB] = rows as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const typescript = (): void => {
    fft.forwardSpectra(xa, reA, imA, 0, pA, mA, 0);
    fft.forwardSpectra(xb, reB, imB, 0, pB, mB, 0);
  };
  const wasm = (): void => {
    const inp = kernel.input;
    for (let i = 0; i < n; i++) {
      inp[2 * i] = xa[i] as number;
      inp[2 * i + 1] = xb[i] as number;
    }
    kernel.run();
    reA.set(kernel.reA); imA.set(kernel.imA); reB.set(kernel.reB); imB.set(kernel.imB);
    pA.set(kernel.powA); mA.set(kernel.magA); pB.set(kernel.powB); mB.set(kernel.magB);
  };
  typescript();
  const want = rows.map((r) => Float64Array.from(r));
  wasm();
  const differing = rows.reduce((c, r, i) => c + r.filter((v, k) => !Object.is(v, (want[i] as Float64Array)[k])).length, 0);
  const reps = 1000;
  const t: Record<'typescript' | 'wasm', number[]> = { typescript: [], wasm: [] };
  for (let r = 0; r < 15; r++) {
    for (const [name, fn] of [['typescript', typescript], ['wasm', wasm]] as const) {
      const c0 = cpuMs();
      for (let i = 0; i < reps; i++) fn();
      t[name].push(((cpuMs() - c0) * 1000) / reps);
    }
  }
  process.stdout.write(`n=${n}: ${differing} differing values; µs CPU per frame pair, median of 15 × ${reps}: RealFft ×2 ${median(t.typescript).toFixed(1)}, wasm kernel ${median(t.wasm).toFixed(1)}; load ${os.loadavg()[0]?.toFixed(1)}\n`);
}
