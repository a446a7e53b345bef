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

/**
 * Every module `entry` loads at run time, following static value imports (not `import type`, not
 * dynamic `import()`, which a bundler splits into its own chunk), with the bare packages it reaches.
 */
function runtimeClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) packages.add(spec);
      else if (!spec.endsWith('.json')) visit(resolve(dirname(file), spec.replace(/\.ts$/, '')) + '.ts');
    }
  };
  visit(entry);
  return { files, packages };
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

  it('the project worker reaches no tfjs (it zips, hashes and validates; tfjs is 1.6 MB of its bundle)', () => {
    const { files, packages } = runtimeClosure(join(src, 'workers', 'project.worker.ts'));
    // Not vacuous: it does reach the archive, the saved-model checks and fflate.
    expect([...files].map((f) => relative(src, f))).toEqual(expect.arrayContaining(['core/project/archive.ts', 'core/models/savedFormat.ts']));
    expect(packages).toContain('fflate');
    expect([...packages].filter((p) => p.startsWith('@tensorflow/'))).toEqual([]);
    // And the walk does see tfjs where it is: the training worker imports it.
    expect([...runtimeClosure(join(src, 'workers', 'train.worker.ts')).packages].some((p) => p.startsWith('@tensorflow/'))).toBe(true);
  });
});
