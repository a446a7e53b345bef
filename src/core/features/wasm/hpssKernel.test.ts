/** The committed module is what scripts/build-hpss-wasm.mjs builds from hpssMedian.c (where that clang is installed). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../node/paths';
import { HPSS_WASM_CLANG } from './hpssMedianWasm';

/** Why the rebuild cannot be compared here (no clang, or another version: other bytes), or undefined. */
function rebuildSkipReason(): string | undefined {
  let version: string;
  try {
    version = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '';
  } catch {
    return 'skipped: clang is not installed (apt-get install clang lld), so the committed bytes cannot be rebuilt here';
  }
  return version === HPSS_WASM_CLANG ? undefined : `skipped: clang here is "${version}", the committed bytes were built by "${HPSS_WASM_CLANG}"`;
}

const reason = rebuildSkipReason();
if (reason) console.warn(reason);

describe('hpssMedianWasm.ts', () => {
  it.skipIf(!!reason)('holds exactly the bytes scripts/build-hpss-wasm.mjs builds from hpssMedian.c', () => {
    const built = execFileSync('node', [join(repoRoot, 'scripts', 'build-hpss-wasm.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(built).toBe(readFileSync(join(repoRoot, 'src/core/features/wasm/hpssMedianWasm.ts'), 'utf8'));
  });
});
