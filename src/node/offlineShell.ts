/**
 * The build step that makes the lab work offline: after `vite build` has written dist/, list every
 * file in it and write dist/sw.js (src/offline/sw.template.js with the list and a version hash in
 * front). Generated rather than hand-written because the built files' names carry content hashes
 * (and Plotly's chunk, the worker scripts and the tfjs wasm binaries are only known after the
 * build); the version is a hash of all their bytes, so any change makes a new cache.
 * Build only: `npm run dev` gets no service worker (it would serve stale modules to HMR).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

export const SW_FILE = 'sw.js';

/** Every file under `dir` (relative, `/`-separated, sorted), except the service worker itself. */
export function listShellFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.filter((f) => f !== SW_FILE).sort();
}

/** A version naming exactly these files with exactly these bytes (first 16 hex digits of a SHA-256). */
export function shellVersion(files: readonly { path: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update('\0').update(createHash('sha256').update(f.bytes).digest());
  return h.digest('hex').slice(0, 16);
}

/** The service worker's source for the files in `dir`. */
export function serviceWorkerSource(dir: string, template: string): string {
  const files = listShellFiles(dir);
  const version = shellVersion(files.map((path) => ({ path, bytes: readFileSync(join(dir, path)) })));
  // './' as well as index.html: a navigation to the scope root is answered from the cache.
  return `const VERSION = ${JSON.stringify(version)};\nconst FILES = ${JSON.stringify(['./', ...files])};\n${template}`;
}

/** The Vite plugin: writes dist/sw.js once the bundle is on disk. */
export function offlineShell(templatePath: string): Plugin {
  let outDir = 'dist';
  return {
    name: 'genre-lab-offline-shell',
    apply: 'build',
    configResolved(c) {
      outDir = join(c.root, c.build.outDir);
    },
    closeBundle() {
      writeFileSync(join(outDir, SW_FILE), serviceWorkerSource(outDir, readFileSync(templatePath, 'utf8')));
    },
  };
}
