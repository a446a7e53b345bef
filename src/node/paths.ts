/**
 * Where the course data lives for tests, the CLI and benchmarks: `../shared` beside the repo root.
 * Node-only helper (uses process/fs lazily); never imported by browser code.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const gtzanDir = join(sharedDir, 'data', 'gtzan');
export const fixturesDir = join(sharedDir, 'fixtures');

/** Path to a file under ../shared, or undefined when ../shared is absent. */
export function sharedPath(...parts: string[]): string | undefined {
  const p = join(sharedDir, ...parts);
  return existsSync(p) ? p : undefined;
}

/** Why a shared-data test is skipped, printed once so a skip is never silent. */
export function skipReason(...parts: string[]): string | undefined {
  if (sharedPath(...parts)) return undefined;
  const msg = `skipped: ${join('..', 'shared', ...parts)} not found next to the repo root (CI has it)`;
  console.warn(msg);
  return msg;
}
