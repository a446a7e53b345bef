import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listShellFiles, serviceWorkerSource, shellVersion } from './offlineShell';

const template = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'offline', 'sw.template.js'), 'utf8');

function fakeDist(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('the offline shell (dist/sw.js)', () => {
  it('lists every built file, wasm and lazy chunks included, but not itself', () => {
    const dir = fakeDist({ 'index.html': '<html>', 'sw.js': 'old', 'assets/a-1.js': 'a', 'assets/tfjs-backend-wasm-simd-x.wasm': '\0asm', 'assets/plotly-y.js': 'p' });
    expect(listShellFiles(dir)).toEqual(['assets/a-1.js', 'assets/plotly-y.js', 'assets/tfjs-backend-wasm-simd-x.wasm', 'index.html']);
  });

  it('versions the cache by the bytes: the same build gives the same name, one changed byte a new one', () => {
    const a = [{ path: 'index.html', bytes: Buffer.from('<html>') }];
    // Independent truth: the definition written out with node:crypto.
    const inner = createHash('sha256').update(Buffer.from('<html>')).digest();
    expect(shellVersion(a)).toBe(createHash('sha256').update('index.html').update('\0').update(inner).digest('hex').slice(0, 16));
    expect(shellVersion(a)).toBe(shellVersion([{ path: 'index.html', bytes: Buffer.from('<html>') }]));
    expect(shellVersion(a)).not.toBe(shellVersion([{ path: 'index.html', bytes: Buffer.from('<html!') }]));
  });

  it('writes the list and version in front of the worker, which parses as JavaScript', () => {
    const dir = fakeDist({ 'index.html': '<html>', 'assets/a-1.js': 'a' });
    const src = serviceWorkerSource(dir, template);
    expect(src).toMatch(/^const VERSION = "[0-9a-f]{16}";\nconst FILES = \["\.\/","assets\/a-1\.js","index\.html"\];\n/);
    expect(() => new Function(src)).not.toThrow();
  });
});
