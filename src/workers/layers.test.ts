/**
 * Layer rules of HOUSE_STYLE.md, checked where a tool sees them: workers import no page state or
 * UI (they run in their own global scope, and state/ pulls in zustand and the lab's store), and
 * storage/ depends only on core (the parse worker uses it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders under src/ that a file imports from (relative imports only). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => relative(src, resolve(dirname(file), s)).split(/[\\/]/)[0]!);
}

function sources(folder: string): string[] {
  return readdirSync(join(src, folder))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(src, folder, f));
}

describe('layer rules', () => {
  it('finds the imports it checks', () => {
    // The rule below would pass vacuously if the regex found nothing.
    expect(importedFolders(join(src, 'workers', 'parse.worker.ts'))).toEqual(expect.arrayContaining(['core', 'storage']));
  });

  it('no worker module imports src/state or src/ui', () => {
    const bad = sources('workers').flatMap((f) => importedFolders(f).filter((d) => d === 'state' || d === 'ui').map((d) => `${relative(src, f)} → ${d}`));
    expect(bad).toEqual([]);
  });

  it('storage depends only on core and itself', () => {
    const bad = sources('storage').flatMap((f) => importedFolders(f).filter((d) => d !== 'core' && d !== 'storage').map((d) => `${relative(src, f)} → ${d}`));
    expect(bad).toEqual([]);
  });
});
