/**
 * Each committed WebAssembly module is what scripts/build-wasm.mjs builds from its C, where the
 * clang that built it is installed (elsewhere — CI has no clang — each check skips and says why).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../node/paths';
import { HPSS_WASM_CLANG } from './hpssMedianWasm';
import { FFT_WASM_CLANG } from './realFftPairWasm';
import { BN_POOL_WASM_CLANG } from '../../models/wasm/bnPoolWasm';
import { CONV_GRAD_WASM_CLANG } from '../../models/wasm/convFilterGradWasm';
import { ADAM_WASM_CLANG } from '../../models/wasm/adamWasm';

const FEATURES = 'src/core/features/wasm';
const MODULES = [
  { name: 'hpss', dir: FEATURES, source: 'hpssMedian.c', file: 'hpssMedianWasm.ts', clang: HPSS_WASM_CLANG },
  { name: 'fft', dir: FEATURES, source: 'realFftPair.c', file: 'realFftPairWasm.ts', clang: FFT_WASM_CLANG },
  { name: 'bnpool', dir: 'src/core/models/wasm', source: 'bnPool.c', file: 'bnPoolWasm.ts', clang: BN_POOL_WASM_CLANG },
  { name: 'convgrad', dir: 'src/core/models/wasm', source: 'convFilterGrad.c', file: 'convFilterGradWasm.ts', clang: CONV_GRAD_WASM_CLANG },
  { name: 'adam', dir: 'src/core/models/wasm', source: 'adam.c', file: 'adamWasm.ts', clang: ADAM_WASM_CLANG },
];

/** This machine's clang, or undefined without one. */
function clangVersion(): string | undefined {
  try {
    return execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '';
  } catch {
    return undefined;
  }
}
const here = clangVersion();

describe('committed WebAssembly modules', () => {
  for (const m of MODULES) {
    const reason =
      here === undefined
        ? 'skipped: clang is not installed (apt-get install clang lld), so the committed bytes cannot be rebuilt here'
        : here !== m.clang
          ? `skipped: clang here is "${here}", ${m.file} was built by "${m.clang}"`
          : undefined;
    if (reason) console.warn(`${m.file}: ${reason}`);
    it.skipIf(!!reason)(`${m.file} holds exactly the bytes scripts/build-wasm.mjs builds from ${m.source}`, () => {
      const built = execFileSync('node', [join(repoRoot, 'scripts', 'build-wasm.mjs'), m.name, '--stdout'], { encoding: 'utf8' });
      expect(built).toBe(readFileSync(join(repoRoot, m.dir, m.file), 'utf8'));
    });
  }
});
